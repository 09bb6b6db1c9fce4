"""Sphinx extension: drop duplicate scripts from each page.

Jupyter Book 1 registers sphinx-thebe's configuration script twice (the second copy
redeclares a ``const`` and raises a console error on every page), and notebook pages
load MathJax a second time. Each inline script and each script file is kept once."""

from __future__ import annotations


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        filename = getattr(script, "filename", None) or ""
        # inline scripts by their body (their filename is None or ''); files by their path
        key = ("inline", attributes["body"]) if "body" in attributes else ("file", filename)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=1000)  # after every handler that adds scripts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
