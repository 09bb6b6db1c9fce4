"""Glued numbers made visible when a chapter runs inside Jupyter (JupyterLab, Binder).

In the book, myst-nb writes each value a chapter glues (``myst_nb.glue``) into the
sentences whose ``{glue:}`` roles name it. JupyterLab renders Markdown without MyST's
roles, so there a sentence shows the role and the name (``{glue:}`n_win```) and the glued
output itself is invisible (its MIME types carry papermill's record prefix). Loaded as an
IPython extension in a kernel that a Jupyter server started (``binder/postBuild``
configures it), this module adds one line under each cell that glues values: the values,
under the names the sentences use. Anywhere else (papermill and nbval building and
checking the book) it does nothing, so the executed notebooks stay as they are.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Mapping

from herd.base.lineage import META_KEY, describe

GLUE_PREFIX = "application/papermill.record/"
LONGEST = 160  # longer representations (tables, charts) are left to the book


def in_jupyter_server(environ: Mapping[str, str] | None = None) -> bool:
    """A Jupyter server names the session's file in its kernels' ``JPY_SESSION_NAME``."""
    environ = os.environ if environ is None else environ
    return bool(environ.get("JPY_SESSION_NAME"))


def glued(message: Mapping) -> tuple[str, str] | None:
    """``(name, text)`` of a display message that ``glue`` sent (myst-nb's, or :mod:`herd.presentation.glue`'s)."""
    if message.get("msg_type") != "display_data":
        return None
    content = message.get("content", {})
    record = content.get("metadata", {}).get("scrapbook")
    if not record or record.get("mime_prefix") != GLUE_PREFIX:
        return None
    data = {k[len(GLUE_PREFIX) :]: v for k, v in content.get("data", {}).items() if k.startswith(GLUE_PREFIX)}
    return record["name"], shown(data)


def origin(message: Mapping) -> str | None:
    """Where a glued value came from, in one line (its lineage record, :func:`herd.base.lineage.describe`)."""
    found = message.get("content", {}).get("metadata", {}).get(META_KEY)
    return describe(found["record"]) if found and "record" in found else None


def shown(data: Mapping[str, str]) -> str:
    """The text the book would paste: Markdown as written, a string without its quotes."""
    if "text/markdown" in data:
        text = str(data["text/markdown"]).strip()
    else:
        text = str(data.get("text/plain", "")).strip()
        if text[:1] in "'\"":
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = None
            if isinstance(value, str):
                text = value
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else "(shown in the book)"


def summary(values: Mapping[str, str], origins: Mapping[str, str] | None = None) -> str | None:
    """Markdown: each glued name (as the sentences' roles write it) and its value, and, for those with a lineage,
    a numbered note saying where the value came from (one note for values that share one)."""
    if not values:
        return None
    origins = origins or {}
    notes = list(dict.fromkeys(origins[n] for n in values if n in origins))
    parts = [
        f"`{name}` {text}" + (f" [{notes.index(origins[name]) + 1}]" if name in origins else "")
        for name, text in values.items()
    ]
    text = "**Numbers for the text** (the book writes them into the sentences): " + " · ".join(parts)
    if notes:
        text += "\n\n" + "\n".join(f"{i}. {note}" for i, note in enumerate(notes, 1))
    return text


class GlueCollector:
    """Collects the values glued while a cell runs and shows them under the cell."""

    def __init__(self, display=None) -> None:
        self.values: dict[str, str] = {}
        self.origins: dict[str, str] = {}
        self._display = display

    def hook(self, message):
        """Display hook: record the ``(name, text)`` of a glue message, and pass every message on."""
        found = glued(message)
        if found:
            self.values[found[0]] = found[1]
            source = origin(message)
            if source:
                self.origins[found[0]] = source
        return message  # the glue output itself is sent unchanged

    def reset(self, *args) -> None:
        """Forget the values glued so far (before each cell runs)."""
        self.values, self.origins = {}, {}

    def show(self, *args) -> None:
        """Show the :func:`summary` of the values the cell glued, then forget them (after each cell runs)."""
        text = summary(self.values, self.origins)
        self.values, self.origins = {}, {}
        if text:
            if self._display is None:
                from IPython.display import Markdown, display

                display(Markdown(text))
            else:
                self._display(text)


def load_ipython_extension(ipython) -> None:
    """``%load_ext herd.jupyter``; active only in a kernel started by a Jupyter server."""
    if not in_jupyter_server() or not hasattr(ipython.display_pub, "register_hook"):
        return
    collector = GlueCollector()
    ipython.display_pub.register_hook(collector.hook)
    ipython.events.register("pre_run_cell", collector.reset)
    ipython.events.register("post_run_cell", collector.show)
