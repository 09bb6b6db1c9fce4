r"""Text from the data as it reaches a page's HTML: never as markup, never as script.

Names, titles and notes come from the data package, which anyone may edit; what the book writes
into its pages is escaped for the place it lands. :class:`ScriptSafeJSON` writes JSON that can sit
inside a ``<script>`` block (a chart's specification and rows): ``<``, ``>`` and ``&`` are written
as ``\u003c``, ``\u003e`` and ``\u0026``, and the line separators U+2028 and U+2029 as escapes,
so no value can end the block, open a comment in it or break the script; JavaScript reads the
same strings. :func:`web_address` lets only ``http(s)`` addresses (and addresses within the book)
become links, so a ``javascript:`` address never does. :func:`sanitize` keeps, in a fragment of
HTML, only the few tags the book's tables and glued text write (a link to a web address, a line
break, emphasis) and turns every other tag into text (the book's extension ``_ext/safety.py`` does
the same to raw HTML in Markdown outputs and glued values).
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

# In JSON these characters occur only inside strings, where the escapes mean the same characters.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")
WEB_SCHEMES = ("http", "https")


def script_safe(json_text: str) -> str:
    """JSON text with every character that could end or alter the ``<script>`` block holding it escaped."""
    return _SCRIPT_UNSAFE.sub(lambda m: _SCRIPT_ESCAPES[m.group(0)], json_text)


class ScriptSafeJSON(json.JSONEncoder):
    """A JSON encoder whose output is safe inside a ``<script>`` block (:func:`script_safe`), for
    libraries that take an encoder class (Altair's ``json_kwds={"cls": ...}``)."""

    def encode(self, o) -> str:
        """The JSON text of ``o``, script-safe."""
        return script_safe(super().encode(o))

    def iterencode(self, o, _one_shot: bool = False):
        """The JSON text of ``o`` in chunks, each script-safe."""
        for chunk in super().iterencode(o, _one_shot):
            yield script_safe(chunk)


def web_address(url: str) -> str:
    r"""``url`` if a link to it is safe: an ``http(s)`` address or one within the book (no scheme);
    otherwise a ValueError naming it. Browsers ignore tabs, line breaks and leading spaces in a
    scheme (`` java\tscript:``), so those count against it too."""
    text = str(url)
    squeezed = re.sub(r"[\x00-\x20]", "", text)
    scheme = urlsplit(squeezed).scheme.lower()
    if scheme and scheme not in WEB_SCHEMES:
        raise ValueError(f"not a web address: {text!r} (a link must start with http:// or https://)")
    if text != text.strip() or squeezed != text.strip():
        raise ValueError(f"not a web address: {text!r} (spaces or control characters in it)")
    return text


def link(text: str, url: str, **attributes: str) -> str:
    """An HTML link: its text and address escaped, the address checked by :func:`web_address`."""
    extra = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attributes.items())
    return f'<a href="{html.escape(web_address(url), quote=True)}"{extra}>{html.escape(str(text))}</a>'


# The tags the book's own HTML fragments use (tables.link, downloads.archive_link, a rule under a claim): a link to
# a web address or a page of the book (with a class and a download name at most), a line break, and emphasis
_ALLOWED_TAG = re.compile(
    r"</?(?:em|strong|small|code|sup|sub|b|i)>|<br ?/?>|</a>|<a(?P<attributes>(?: [a-z]+=\"[^\"<>]*\")+)>"
)
_ATTRIBUTE = re.compile(r' ([a-z]+)="([^"<>]*)"')
_SAFE_VALUE = {"class": re.compile(r"[\w -]*"), "download": re.compile(r"[\w.-]+")}
# Where an HTML parser starts a tag, an end tag, a comment or a declaration: "<" before a letter, / ! or ?
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def sanitize(fragment: str) -> str:
    """An HTML fragment with only the allowed tags left as markup: an ``<a href>`` to a web address or a
    page of the book (with a ``class`` and a ``download`` name at most), ``<br>``, ``<em>``, ``<strong>``,
    ``<small>``, ``<code>``, ``<sup>``, ``<sub>``, ``<b>``, ``<i>`` and their end tags. Every other ``<``
    that would start a tag or a comment is written as ``&lt;``, so it shows as text. A fragment of only
    allowed tags and text comes back unchanged."""
    text = str(fragment)

    def allowed(pos: int) -> bool:
        tag = _ALLOWED_TAG.match(text, pos)
        if tag is None:
            return False
        if tag.group("attributes") is None:
            return True
        pairs = _ATTRIBUTE.findall(tag.group("attributes"))
        attributes = dict(pairs)
        if len(attributes) < len(pairs):
            return False  # a browser reads the first of two hrefs, a dict the last: refuse either
        if "href" not in attributes or not set(attributes) <= {"href", "class", "download"}:
            return False
        if not all(_SAFE_VALUE[k].fullmatch(v) for k, v in attributes.items() if k != "href"):
            return False
        try:
            web_address(html.unescape(attributes["href"]))
        except ValueError:
            return False
        return True

    return _TAG_START.sub(lambda m: "<" if allowed(m.start()) else "&lt;", text)
