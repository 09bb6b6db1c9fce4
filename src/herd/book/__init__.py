"""The book's machinery: from text notebooks to the published editions.

``build`` (the runner: staleness, papermill, the book build, the build lock), ``editions`` (recorded releases,
the site, the changelog), ``edition`` (this edition's identity), ``pdf`` (printing an edition with Chromium),
``vendor`` (offline JavaScript), ``cite`` (the citation from ``CITATION.cff``) and ``jupyter`` (glued values shown
in place when a chapter runs in JupyterLab or Binder).

May import: every layer below. Nothing in ``herd`` imports it but the commands at the top of the package.
"""
