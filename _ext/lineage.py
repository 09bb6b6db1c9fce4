"""Sphinx extension: every number a reader sees can say where it came from.

While a chapter runs, :mod:`herd.presentation.glue` keeps each glued value's lineage in its output's
metadata and :mod:`herd.presentation.tables` keeps each table cell's (see :mod:`herd.base.lineage`).
When the book is built:

- the glue roles (``{glue:text}``, ``{glue:md}``, ``{glue}``) put the pasted value in a
  ``<span data-lineage="ID">`` when it has a lineage; table cells carry theirs already;
- each page embeds its lineage records as one JSON data block (``<script type="application/json"
  id="herd-lineage">``, never run; ``<``, ``>`` and ``&`` escaped), in which every computed record's
  function gets the address of its source at this build's commit; ``_static/herd-lineage.js``
  shows a card on hover or focus and the whole record when the number is activated (click, Enter);
- the same records are written to ``_lineage/<page>.json`` beside the pages (the edition's research
  object lists them);
- the ``lineage-coverage`` directive (on *About this edition*) shows, by page, how many numbers a
  reader sees in glued values and in table cells and how many carry a lineage, each number counted once
  (:func:`herd.base.formats.numbers`: a sentence of twenty numbers counts twenty), and lists the values
  and cells whose numbers carry none (the same counts are written to ``lineage-coverage.json`` at the
  site root).
"""

from __future__ import annotations

import html
import inspect
import json
import math
from collections import Counter
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.domain import NbGlueDomain
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteRoleAny, PasteTextRole
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx.util.docutils import SphinxDirective

META_KEY = "herd_lineage"
FOLDER = "_lineage"
BLOCK_ID = "herd-lineage"
COVERAGE = "lineage-coverage.json"  # at the site root: _lineage/ holds only pages' records


CELL_TEXT = 80  # characters of an untraced cell's text the table keeps (herd.presentation.tables)
PHRASE = 6  # words: a glued value longer than this is a sentence, marked after its end rather than underlined whole


def _numbers(text: str) -> list[str]:
    """The numbers a pasted value or a cell shows, as :mod:`herd.presentation.tables` counts them."""
    from herd.presentation.tables import numbers

    return numbers(text)


GLUED = "herd-glued"
"""The class of a glued sentence followed by its mark (its numbers are the chapter's, not typed in the prose)."""


class lineage_ref(nodes.inline):
    """A pasted value that carries a lineage record's id."""


def _visit_ref_html(self, node):
    mark = node.get("mark")
    self.body.append(
        f'<span class="herd-lineage{" herd-lineage-mark" if mark else ""}" '
        f'data-lineage="{html.escape(node["lineage"], quote=True)}" tabindex="0" role="button" aria-haspopup="dialog"'
        + (' aria-label="Where this sentence\'s numbers came from">' if mark else ">")  # a mark: CSS draws it
    )


def _depart_ref_html(self, node):
    self.body.append("</span>")


def _visit_inline(self, node):
    self.visit_inline(node)


def _depart_inline(self, node):
    self.depart_inline(node)


def _env_glue(env) -> dict:
    if not hasattr(env, "herd_lineage_glue"):
        env.herd_lineage_glue = {}
    return env.herd_lineage_glue


def _interactive(node) -> bool:
    """Whether a pasted value holds a link (a reference, or an ``<a>`` in raw HTML), which a control may not wrap."""
    for found in node.findall(lambda n: isinstance(n, (nodes.reference, nodes.raw))):
        if isinstance(found, nodes.reference) or "<a " in found.astext():
            return True
    return False


def _traced(role_class):
    """A glue role that wraps its pasted value in a :class:`lineage_ref` when the value has a lineage,
    and counts, for the page, each pasted number and whether it has one."""

    class Traced(role_class):
        def run(self):
            made, messages = super().run()
            key = self.text.rsplit(":", 1)[0] if role_class is not PasteRoleAny else self.text
            if "::" in key or not made:
                return made, messages
            try:
                data = retrieve_glue_data(self.document, key)
            except Exception:  # the role itself has already reported a missing key
                return made, messages
            found = (data.metadata or {}).get(META_KEY)
            text = "".join(n.astext() for n in made)
            env = self.document.settings.env
            seen = _env_glue(env).setdefault(env.docname, {})
            seen[key] = {"numbers": len(_numbers(text)), "lineage": bool(found), "text": text[:80]}
            if not found or not text.strip() or not _numbers(text):
                # an empty value has nothing to ask about, and words without a number (a model's name, "contains")
                # are not underlined as numbers are
                return made, messages
            if any(_interactive(n) for n in made) or len(text.split()) > PHRASE:
                # a sentence with a link, or a long one: the link stays a link and the sentence is not underlined
                # whole; a mark after it opens the lineage. Its numbers are glued, not the authors' prose.
                glued = nodes.inline("", "", classes=[GLUED])
                glued.extend(made)
                mark = lineage_ref("", "", lineage=found["id"], mark=True)
                return [glued, mark], messages
            wrapper = lineage_ref("", "", lineage=found["id"])
            wrapper.extend(made)
            return [wrapper], messages

    Traced.__name__ = f"Traced{role_class.__name__}"
    return Traced


class TracedGlueDomain(NbGlueDomain):
    roles = {
        "": _traced(PasteRoleAny)(),
        "any": _traced(PasteRoleAny)(),
        "text": _traced(PasteTextRole)(),
        "md": _traced(PasteMarkdownRole)(),
    }


# ------------------------------------------------------------------ records of a page


def _notebook(env, docname: str) -> Path | None:
    path = Path(env.doc2path(docname))
    return path if path.suffix == ".ipynb" and path.exists() else None


def page_lineage(path: Path) -> tuple[dict[str, dict], dict]:
    """The lineage records of an executed notebook's outputs (glued values and tables), and the count of the numbers
    its tables' cells show, of those with a lineage, and the cells whose numbers carry none (with their table)."""
    records: dict[str, dict] = {}
    cells: dict = {"numbers": 0, "traced": 0, "untraced": []}
    notebook = json.loads(path.read_text())
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            found = output.get("metadata", {}).get(META_KEY)
            if not found:
                continue
            if "record" in found:
                records.setdefault(found["id"], found["record"])
            for key, record in found.get("records", {}).items():
                records.setdefault(key, record)
            counts = found.get("cells", {})
            cells["numbers"] += int(counts.get("numbers", 0))
            cells["traced"] += int(counts.get("traced", 0))
            cells["untraced"] += [{"table": found.get("caption", ""), **c} for c in counts.get("untraced", [])]
    return records, cells


def _source_url(app, function: str, cache: dict) -> str | None:
    if function in cache:
        return cache[function]
    from herd.base.lineage import resolve
    from herd.book.build import git_commit

    url = None
    obj = resolve(function)
    if obj is not None:
        import herd

        # the path inside the repository of the herd that runs (src/herd/...), wherever the book's sources are
        repository = Path(herd.__file__).resolve().parents[2]
        obj = inspect.unwrap(obj)  # a cached function (functools.lru_cache) links its own source
        file = Path(inspect.getsourcefile(obj) or "").resolve()
        line = inspect.getsourcelines(obj)[1]
        commit = git_commit(Path(app.srcdir)) or "main"
        repo = (app.config.html_theme_options or {}).get("repository_url", "").rstrip("/")
        try:
            relative = file.relative_to(repository)
        except ValueError:
            relative = None
        if repo and relative is not None:
            url = f"{repo}/blob/{commit}/{relative.as_posix()}#L{line}"
    cache[function] = url
    return url


def _resolved(app, records: dict[str, dict]) -> dict[str, dict]:
    from herd.book.build import git_dirty

    cache = getattr(app, "_herd_source_urls", {})
    app._herd_source_urls = cache
    dirty = git_dirty(Path(app.srcdir))
    out = {}
    for key, record in records.items():
        record = dict(record)
        if record.get("function"):
            url = _source_url(app, record["function"], cache)
            if url is None:
                raise ValueError(f"lineage {key}: {record['function']} is not a function of herd at this commit")
            record["function_url"] = url
            if dirty:  # the code that ran is not the commit's: the link may not show it
                record["source_note"] = "built from this commit with uncommitted changes: the linked source may differ"
        out[key] = record
    return out


def _json_block(records: dict[str, dict]) -> str:
    text = json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="{BLOCK_ID}">{text}</script>'


def _page_context(app, pagename, templatename, context, doctree):
    if doctree is None or "body" not in context:
        return
    path = _notebook(app.env, pagename)
    records = page_lineage(path)[0] if path else {}
    if not records:
        return
    records = _resolved(app, records)
    context["body"] += _json_block(records)
    out = Path(app.outdir) / FOLDER / f"{pagename}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"page": pagename, "records": records}, sort_keys=True, indent=1) + "\n")


# ------------------------------------------------------------------ coverage


def coverage(env) -> list[dict]:
    """Per page: the numbers its glued values show and those with a lineage, the numbers its tables' cells show and
    those with a lineage, the glued values whose numbers carry none, the table cells whose numbers carry none, and
    the numbers typed in its prose (not counted: none carries a lineage)."""
    rows = []
    glued = _env_glue(env)
    for docname in sorted(env.found_docs):
        path = _notebook(env, docname)
        if path is None:
            continue
        numbers = {k: v for k, v in glued.get(docname, {}).items() if v["numbers"]}
        cells = page_lineage(path)[1]
        rows.append(
            {
                "page": docname,
                "glued_numbers": sum(v["numbers"] for v in numbers.values()),
                "glued_traced": sum(v["numbers"] for v in numbers.values() if v["lineage"]),
                "cell_numbers": cells["numbers"],
                "cells_traced": cells["traced"],
                "untraced": sorted(k for k, v in numbers.items() if not v["lineage"]),
                "untraced_cells": cells["untraced"],
                "prose": _env_prose(env).get(docname, []),
            }
        )
    return rows


class coverage_placeholder(nodes.General, nodes.Element):
    pass


class LineageCoverage(SphinxDirective):
    has_content = False

    def run(self):
        return [coverage_placeholder()]


def _share(part: int, whole: int) -> str:
    """A share in percent; short of the whole, to one decimal and never rounded up to 100 %."""
    if not whole:
        return "—"
    if part == whole:
        return "100 %"
    return f"{math.floor(1000 * part / whole) / 10:.1f} %"


def _coverage_html(env, docname: str) -> str:
    rows = coverage(env)
    up = "../" * docname.count("/")
    head = (
        "<tr><th>Page</th><th class='num'>Numbers in glued values</th><th class='num'>with lineage</th>"
        "<th class='num'>Numbers in table cells</th><th class='num'>with lineage</th><th>Share with lineage</th>"
        "<th class='num'>Typed in the prose (not counted)</th></tr>"
    )
    body, missing, typed = [], [], []
    for r in rows:
        shown = r["glued_numbers"] + r["cell_numbers"]
        traced = r["glued_traced"] + r["cells_traced"]
        width = 100 * traced / shown if shown else 0
        title = env.titles[r["page"]].astext() if r["page"] in env.titles else r["page"]
        link = f'<a href="{up}{html.escape(r["page"])}.html">{html.escape(title)}</a>'
        bar = (
            f'<span class="herd-coverage-bar" role="img" aria-label="{_share(traced, shown)} with lineage">'
            f'<span style="width:{width:.1f}%"></span></span> {_share(traced, shown)}'
        )
        body.append(
            f"<tr><td>{link}</td><td class='num'>{r['glued_numbers']:,}</td><td class='num'>{r['glued_traced']:,}</td>"
            f"<td class='num'>{r['cell_numbers']:,}</td><td class='num'>{r['cells_traced']:,}</td><td>{bar}</td>"
            f"<td class='num'>{len(r['prose']):,}</td></tr>"
        )
        if r["prose"]:
            counted = Counter(r["prose"])
            words = ", ".join(f"{html.escape(n)}{f' (×{k})' if k > 1 else ''}" for n, k in counted.most_common())
            typed.append(f"<li>{link}: {words}</li>")
        for key in r["untraced"]:
            missing.append(f"<li>{link}: <code>{html.escape(key)}</code> (no lineage recorded when it was glued)</li>")
        for c in r["untraced_cells"]:
            where = f"table “{html.escape(c['table'])}”, " if c["table"] else "a table, "
            missing.append(
                f"<li>{link}: {where}column “{html.escape(c['column'])}”: “{html.escape(c['text'])}"
                f"{'…' if len(c['text']) >= CELL_TEXT else ''}” "
                f"({c['numbers']} {'number' if c['numbers'] == 1 else 'numbers'}; the table gives this column no "
                "lineage)</li>"
            )
    total_shown = sum(r["glued_numbers"] + r["cell_numbers"] for r in rows)
    total_traced = sum(r["glued_traced"] + r["cells_traced"] for r in rows)
    parts = [
        '<figure class="herd-coverage">',
        f"<figcaption>Numbers a reader sees, by page, and those that carry their lineage "
        f"({total_traced:,} of {total_shown:,}, {_share(total_traced, total_shown)}).</figcaption>",
        f'<div class="herd-table-wrap" tabindex="0"><table class="herd-table"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>",
        "</figure>",
    ]
    if missing:
        parts += ["<p>Numbers without a lineage:</p>", f"<ul class='herd-untraced'>{''.join(missing)}</ul>"]
    else:
        parts.append("<p>Every number counted on these pages carries its lineage.</p>")
    if typed:
        parts += [
            "<p>Numbers typed in the prose, by page (not counted above, and none carries a lineage):</p>",
            f"<ul class='herd-untraced herd-prose-numbers'>{''.join(typed)}</ul>",
        ]
    return "\n".join(parts)


def _fill_coverage(app, doctree, docname):
    for node in list(doctree.findall(coverage_placeholder)):
        out = Path(app.outdir) / COVERAGE
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(coverage(app.env), indent=1, sort_keys=True) + "\n")
        text = _coverage_html(app.env, docname)
        node.replace_self(nodes.raw(text, text, format="html"))


def _merge(app, env, docnames, other):
    _env_glue(env).update({d: v for d, v in _env_glue(other).items() if d in docnames})
    _env_prose(env).update({d: v for d, v in _env_prose(other).items() if d in docnames})


# what is not the authors' prose: titles (section numbers), code, math, cell outputs shown as text, and glued values
_NOT_PROSE = (nodes.title, nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.comment, lineage_ref)


def _env_prose(env) -> dict:
    if not hasattr(env, "herd_lineage_prose"):
        env.herd_lineage_prose = {}
    return env.herd_lineage_prose


def _read_prose(app, doctree):
    """The numbers the authors typed in a page's prose (its text outside glued values, titles, code and math): no
    lineage is recorded for them, and *About this edition* lists them."""
    found: list[str] = []
    for text in doctree.findall(nodes.Text):
        parent, skip = text.parent, False
        while parent is not None and not skip:
            # a cell's output (Markdown a cell displays) is no prose either
            classes = parent.get("classes", [])
            skip = isinstance(parent, _NOT_PROSE) or "cell_output" in classes or GLUED in classes
            parent = parent.parent
        if not skip:
            found += _numbers(str(text))
    _env_prose(app.env)[app.env.docname] = found


def _outdated(app, env, added, changed, removed):
    """Every page's records link the source at the commit the book is built from: when that commit changes, every
    page is built again (otherwise a page left as it was would link the last build's commit). *About this edition*
    shows every page's coverage: it is rebuilt whenever a page is."""
    from herd.book.build import git_commit

    commit = git_commit(Path(app.srcdir))
    if getattr(env, "herd_lineage_commit", None) != commit:
        env.herd_lineage_commit = commit
        return sorted(env.found_docs)
    if not (added or changed or removed):
        return []
    return [d for d in env.found_docs if d.endswith("about")]


def _purge(app, env, docname):
    _env_glue(env).pop(docname, None)
    _env_prose(env).pop(docname, None)


def setup(app):
    app.add_node(
        lineage_ref,
        html=(_visit_ref_html, _depart_ref_html),
        latex=(_visit_inline, _depart_inline),
        text=(_visit_inline, _depart_inline),
    )
    app.add_node(coverage_placeholder, html=(lambda s, n: None, lambda s, n: None))
    app.add_domain(TracedGlueDomain, override=True)
    app.add_role("glue", _traced(PasteRoleAny)(), override=True)
    app.add_directive("lineage-coverage", LineageCoverage)
    app.connect("html-page-context", _page_context)
    app.connect("doctree-resolved", _fill_coverage)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", _read_prose)
    app.connect("env-purge-doc", _purge)
    app.connect("env-get-outdated", _outdated)
    app.add_js_file("herd-lineage.js")
    app.add_css_file("herd-lineage.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
