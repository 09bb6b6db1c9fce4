"""The book's machinery: from text notebooks to the published editions.

``chapters`` (the text notebooks, their parameters and order, what each one's result depends on and when it is
stale), ``build`` (the runner: papermill, the book build, the build lock), ``releases`` (the editions recorded in
``editions.yml`` and their checks), ``editions`` (building every edition side by side into the site), ``changelog``
(what changed between recorded editions, ``CHANGELOG.md``), ``site_index`` (the site's root pages), ``edition`` (this
edition's identity), ``pdf`` (printing an edition with Chromium), ``vendor`` (offline JavaScript), ``cite`` (the
citation from ``CITATION.cff``), ``jupyter`` (glued values shown in place when a chapter runs in JupyterLab or
Binder) and ``deadcode`` (the check that every name of the package is used).

May import: every layer below. Nothing in ``herd`` imports it but the commands at the top of the package.
"""
