"""Sphinx extension: the ``edition-facts`` directive renders this edition's identity
(version, commit, data checksum, software, notebook execution times) at build time,
so the page is always true of the build that produced it."""
from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _table(title: str, rows: list[tuple[str, str]]) -> nodes.table:
    table = nodes.table(classes=["edition-facts"])
    group = nodes.tgroup(cols=2)
    table += nodes.title(text=title)
    table += group
    group += nodes.colspec(colwidth=1)
    group += nodes.colspec(colwidth=3)
    body = nodes.tbody()
    group += body
    for key, value in rows:
        row = nodes.row()
        for text in (key, value):
            entry = nodes.entry()
            entry += nodes.paragraph(text=text)
            row += entry
        body += row
    return table


class EditionFacts(SphinxDirective):
    has_content = False

    def run(self):
        from herd.edition import facts

        root = Path(self.env.srcdir)
        f = facts(root)
        import os

        identity = [("Edition", os.environ.get("HERD_EDITION", "dev")), ("Version", f["version"]), ("Git commit", f["commit"]),
                    ("Data package sha256", f["data_sha256"])]
        software = list(f["software"].items()) + [(f"{k} (vendored JavaScript)", v) for k, v in f["vendored"].items()]
        times = [(name, f"{seconds:.1f} s") for name, seconds in f["execution_seconds"].items()]
        return [
            _table("This edition", identity),
            _table("Software", software),
            _table("Notebook execution time (papermill, last run)", times or [("(none recorded)", "")]),
        ]


def _edition_config(app, config):
    """The edition being built (``HERD_EDITION``, default ``dev``) selects the switcher entry."""
    import os

    options = dict(config.html_theme_options or {})
    switcher = dict(options.get("switcher") or {})
    if switcher:
        switcher["version_match"] = os.environ.get("HERD_EDITION", "dev")
        options["switcher"] = switcher
        config.html_theme_options = options


def setup(app):
    app.connect("config-inited", _edition_config)
    app.add_directive("edition-facts", EditionFacts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
