"""Sphinx extension: launch buttons open the chapter's text notebook.

sphinx-book-theme points each notebook page's launch links (Binder, JupyterHub) at the
page's own source, ``book/<chapter>.ipynb``: the executed output, with papermill's
injected parameters cell, whose edits never reach the source. The build records the text
notebook each executed notebook came from (``metadata.herd.source``, e.g.
``notebooks/benchmarks.md``); this extension rewrites the links to open that file, which
JupyterLab in Binder opens as a notebook (binder/overrides.json).
"""

from __future__ import annotations

import json
from pathlib import Path


def text_notebook(executed: Path, root: Path) -> str | None:
    """The repository path of the text notebook ``executed`` was run from, if recorded."""
    if executed.suffix != ".ipynb" or not executed.exists():
        return None
    source = json.loads(executed.read_text()).get("metadata", {}).get("herd", {}).get("source")
    if not source:
        return None
    if not (root / source).is_file():
        raise FileNotFoundError(f"{executed}: metadata.herd.source names {source}, which does not exist")
    return source


def rewrite(buttons: list, old: str, new: str) -> int:
    """Replace the path ``old`` by ``new`` in every link of the launch button group."""
    count = 0
    for group in buttons:
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = button.get("url")
            if url and old in url:
                button["url"] = url.replace(old, new)
                count += 1
    return count


def _launch_text_notebook(app, pagename, templatename, context, doctree):
    buttons = context.get("header_buttons")
    if not buttons:
        return
    root = Path(app.srcdir)
    executed = Path(app.env.doc2path(pagename))
    source = text_notebook(executed, root)
    if source:
        rewrite(buttons, str(executed.relative_to(root)), source)


def setup(app):
    # sphinx-book-theme adds the launch buttons at priority 501; rewrite them afterwards.
    app.connect("html-page-context", _launch_text_notebook, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
