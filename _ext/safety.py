"""Sphinx extension: no markup from Markdown beyond links, line breaks and emphasis.

Names, titles and notes in the data package reach the pages through a chapter's Markdown
outputs and glued values (``{glue:md}``), which MyST parses as Markdown, where raw HTML would
pass through as markup and could run script. The HTML a page may carry comes from the executed
notebooks' ``text/html`` outputs, which :mod:`herd.presentation.tables` and :mod:`herd.presentation.charts` write with
every value escaped. So raw HTML written in Markdown anywhere in the book (a Markdown output, a glued
value, a page's own text) keeps only the tags :func:`herd.base.markup.sanitize` allows (a link to a web
address, such as the audited post's title, a line break, emphasis); any other tag shows as text.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

OUTPUT_HTML = "text_html"  # the class myst-nb gives the raw HTML of a text/html output


class SanitizeRawHtml(SphinxPostTransform):
    """Every raw HTML node that is not a notebook's ``text/html`` output keeps only the allowed tags."""

    default_priority = 900  # after glued values from other pages are in place
    formats = ("html",)

    def run(self, **kwargs):
        from herd.base import markup

        for node in list(self.document.findall(nodes.raw)):
            if "html" not in node.get("format", "").split() or OUTPUT_HTML in node.get("classes", []):
                continue
            text = node.astext()
            safe = markup.sanitize(text)
            if safe != text:
                node.replace_self(nodes.raw(safe, safe, format="html", classes=node.get("classes", [])))


def setup(app):
    app.add_post_transform(SanitizeRawHtml)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
