"""Sphinx extension: the ``edition-facts`` directive renders this edition's identity
(version, commit, data checksum, software, notebook execution times) at build time,
so the page is always true of the build that produced it.

When the book is built as an edition of the site (``make editions`` sets ``HERD_EDITION``
and ``HERD_PDF``, the file name of the edition's PDF beside its ``book/`` folder), the About
page links the PDF and the site's list of editions, and every page's download menu offers
the PDF of the whole edition. At the end of an HTML build it writes the edition's research object,
``ro-crate-metadata.json`` at the site's root (:mod:`herd.book.crate`)."""

from __future__ import annotations

import os
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
        from herd.book.edition import facts

        root = Path(self.env.srcdir)
        f = facts(root)
        import os

        identity = [
            ("Edition", os.environ.get("HERD_EDITION", "dev")),
            ("Version", f["version"]),
            ("Git commit", f["commit"]),
            ("Data package sha256", f["data_sha256"]),
        ]
        software = list(f["software"].items()) + [(f"{k} (vendored JavaScript)", v) for k, v in f["vendored"].items()]
        times = [(name, f"{seconds:.1f} s") for name, seconds in f["execution_seconds"].items()]
        up = "../" * self.env.docname.count("/")
        pdf = os.environ.get("HERD_PDF")
        links = nodes.bullet_list()
        if pdf:
            for text, uri in (
                (f"PDF of this edition ({pdf})", up + pdf),
                ("Every edition, with its PDF, and what changed between them", up + "../changelog.html"),
            ):
                item = nodes.list_item()
                para = nodes.paragraph()
                para += nodes.reference(text=text, refuri=uri, classes=["edition-download"])
                item += para
                links += item
        else:
            item = nodes.list_item()
            item += nodes.paragraph(
                text="PDF: not part of this build (`make pdf` prints this working tree; "
                "`make editions` builds every edition with its PDF)."
            )
            links += item
        return [
            _table("This edition", identity),
            links,
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


def _download_menu(app, pagename, templatename, context, doctree):
    """The whole edition as a PDF, first in each page's download menu (after the theme fills it)."""
    pdf = os.environ.get("HERD_PDF")
    if not pdf or app.builder.name != "html":
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(
                0,
                {
                    "type": "link",
                    "url": context["pathto"](pdf, 1),
                    "text": "book .pdf",
                    "tooltip": "Download this edition of the book as a PDF",
                    "icon": "fas fa-book",
                    "label": "download-edition-pdf-button",
                },
            )


def _write_crate(app, exception):
    """The edition's research object (herd.book.crate) at the root of an HTML build of a tree with a data package,
    after the pages and what other handlers write beside them (a page's lineage file)."""
    if exception is not None or app.builder.name != "html":
        return
    from herd.book import crate

    root = Path(app.srcdir)
    if (root / "data" / "datapackage.json").exists():
        crate.write(root, Path(app.outdir), crate.dev_edition(root, os.environ.get("HERD_EDITION", "dev")))


def setup(app):
    app.connect("config-inited", _edition_config)
    app.connect("build-finished", _write_crate, priority=900)
    app.connect("html-page-context", _download_menu, priority=600)
    app.add_directive("edition-facts", EditionFacts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
