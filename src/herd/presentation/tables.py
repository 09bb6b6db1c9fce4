"""Tables as a reader sees them: deterministic HTML with formatted numbers, links, and the
rows behind them as a CSV to download.

pandas' Styler embeds random ids, which would make every re-execution differ; :func:`show`
writes the HTML itself, so an executed notebook is reproducible. Numbers are written by
:mod:`herd.base.formats`. Each column gets a class the book's stylesheet lays out: ``num``
(right-aligned, never broken), ``short`` (kept on one line), ``words`` (wrapped between words, each short enough
to be kept whole), ``text`` and ``long`` (wrapped within a readable width, a long word broken where need be). A
table wider than the page scrolls inside its own box.

Every table carries its rows as a CSV (the values before formatting, under the headers as
shown) in the output's metadata; the book's build writes it next to the page
(:mod:`herd.presentation.downloads`), where the table's "Download CSV" link points.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import pandas as pd
from IPython.display import HTML, display

from herd.base import formats, markup
from herd.base.lineage import META_KEY, Lineage, Records, given

from . import downloads

Formatter = Callable[[object], str]
# one lineage for every cell that shows a number; per column, one lineage or one per row (a function of the row's
# position); or a function of the row's position and the column
CellLineage = Lineage | Mapping[str, Lineage | Callable[[int], Lineage]] | Callable[[int, str], Lineage | None]
SHORT = 18  # characters: a column whose cells are all at most this long stays on one line
LONG = 60  # characters: a column with a cell longer than this gets a wider minimum width
WORD = 11  # characters: a wrapped column whose words are all at most this long keeps each word whole ("proportion")
_BREAKS = re.compile(r"[\s\-–]+")  # where a line may break within a cell: spaces and hyphens


def number(decimals: int = 1, sign: bool = False, blank: str = formats.DASH) -> Formatter:
    """A column formatter: :func:`herd.base.formats.gap` when ``sign``, else :func:`herd.base.formats.number`."""
    fmt = formats.gap if sign else formats.number
    return lambda v: blank if formats.missing(v) else fmt(v, decimals)


def formatter(fmt: Callable[..., str], *args, **kwargs) -> Formatter:
    """A column formatter that writes each value with ``fmt(value, *args, **kwargs)``, e.g.
    ``formatter(formats.share, 1)`` for shares to one decimal."""
    return lambda v: fmt(v, *args, **kwargs)


def each(columns, fmt: Formatter) -> dict[str, Formatter]:
    """The same formatter for each of ``columns`` (a mapping to pass to :func:`show`)."""
    return {c: fmt for c in columns}


pvalue = formats.pvalue
integer = formats.count


def rest(frame: pd.DataFrame, shown) -> list[str]:
    """The columns of ``frame`` not among ``shown``, in the frame's order (the second part of a table split in two)."""
    return [str(c) for c in frame.columns if c not in set(shown)]


def link(text: str, url: str) -> str:
    """An HTML link with its text and address escaped; only a web address (``http(s)``) or a page of
    the book may be its target (:func:`herd.base.markup.link`), so a ``javascript:`` address is an error."""
    return markup.link(text, url)


def _cells(column: pd.Series, fmt: Formatter | None, escape: bool) -> tuple[list[str], list]:
    """The HTML of a column's cells, and what each cell's text was written from (herd.base.formats.Written: the text
    its formatter wrote, or a cell that holds such a text already, e.g. an interval written by
    :func:`herd.base.formats.interval`), None where nothing says."""
    # HTML that a formatter or an unescaped column writes keeps only the tags herd writes itself (links to web
    # addresses, line breaks, emphasis): markup from the data is shown as text (herd.base.markup.sanitize)
    if fmt is not None:
        written = [fmt(v) for v in column]
        return [markup.sanitize(str(w)) for w in written], written
    kept = [v if isinstance(v, formats.Written) else None for v in column]
    if escape:
        return ["" if formats.missing(v) else html.escape(str(v)) for v in column], kept
    return ["" if formats.missing(v) else markup.sanitize(str(v)) for v in column], kept


def _kind(raw: pd.Series, shown: list[str]) -> str:
    values = [v for v in raw if not formats.missing(v)]
    text = [downloads.plain(s) for s in shown]
    width = max((len(t) for t in text), default=0)
    numeric = values and all(downloads.is_number(v) for v in values)
    if numeric and width <= SHORT:
        return "num"
    if width <= SHORT:
        return "short"
    if width > LONG:
        return "long"
    longest = max((len(w) for t in text for w in _BREAKS.split(t)), default=0)
    return "words" if longest <= WORD else "text"


def _lineage_of(lineage: CellLineage | None, i: int, column: str) -> Lineage | None:
    if lineage is None or isinstance(lineage, Lineage):
        return lineage
    if isinstance(lineage, Mapping):
        found = lineage.get(column)
        return found(i) if found is not None and not isinstance(found, Lineage) else found
    return lineage(i, column)


_HREF = re.compile(r"<a\b[^>]*>")  # a link's opening tag, whose address is no number of the cell


@lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    """The names of the data package's models and benchmarks, whose numbers are no data (:func:`numbers`)."""
    from herd.record import data

    return data.names(data.load())


def numbers(shown: str) -> list[str]:
    """The numbers a cell's HTML shows (:func:`herd.base.formats.numbers`: ``405 B``, ``0.2553 to 0.3662`` is two,
    ``57 subsets of 100–1,534`` three), the numbers in the names of models and benchmarks (``Llama 3.1 405B``), places
    in documents (``Table 15``), dates and versions left out: each is a number a reader could ask about."""
    text = downloads.plain(_HREF.sub("<a>", str(shown)))  # a link's text, not its address
    return formats.numbers(text, _names())


MAX_UNTRACED = 20  # untraced cells a table names (with their column), for the book's list of numbers without lineage


def _traced_cells(
    frame: pd.DataFrame, shown: dict, lineage: CellLineage | None, written: dict
) -> tuple[dict[tuple[int, str], str], Records, dict]:
    """Which cells that show a number carry which lineage record (by row and column; a computed number's with the
    value its formatter was given, ``written``), the records, and the counts
    of the numbers the cells show and of those with a lineage (a cell of words with numbers among them, "57 subsets
    of 100–1,534", takes its column's lineage as a number alone does), with the first cells whose numbers carry none."""
    ids: dict[tuple[int, str], str] = {}
    records = Records()
    counts: dict = {"numbers": 0, "traced": 0, "untraced": []}
    for column in frame.columns:
        for i in range(len(frame)):
            found_numbers = numbers(shown[column][i])
            if not found_numbers:
                continue
            counts["numbers"] += len(found_numbers)
            found = given(_lineage_of(lineage, i, str(column)), written[column][i])
            if found is not None:
                ids[(i, str(column))] = records.add(found)
                counts["traced"] += len(found_numbers)
            elif len(counts["untraced"]) < MAX_UNTRACED:
                text = downloads.plain(shown[column][i])
                counts["untraced"].append({"column": str(column), "text": text[:80], "numbers": len(found_numbers)})
    return ids, records, counts


def _chosen(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"columns to show that the table does not have: {', '.join(map(str, missing))}")
    if len(set(columns)) != len(columns):
        raise ValueError(f"a column to show is named twice: {', '.join(map(str, columns))}")
    return list(columns)


def _td(kind: str, text: str, lineage_id: str | None, label: str | None = None) -> str:
    cls = f' class="{kind}"' if kind != "text" else ""
    mark = f' data-lineage="{lineage_id}"' if lineage_id else ""
    named = f' data-label="{html.escape(label, quote=True)}"' if label is not None else ""
    return f"<td{cls}{named}{mark}>{text}</td>"


def render(
    frame: pd.DataFrame,
    formats_: Mapping[str, Formatter] | None = None,
    escape: bool = True,
    caption: str | None = None,
    sortable: bool = False,
    lineage: CellLineage | None = None,
    columns: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
    cards: bool = False,
) -> tuple[str, dict]:
    """The HTML of a table and the download it offers (see :func:`show`)."""
    formats_ = dict(formats_ or {})
    unknown = sorted(set(formats_) - set(frame.columns))
    if unknown:
        raise KeyError(f"formats given for columns the table does not have: {', '.join(map(str, unknown))}")
    if columns is not None:
        frame = frame[_chosen(frame, columns)]
        formats_ = {c: f for c, f in formats_.items() if c in frame.columns}
    headers = dict(headers or {})
    unknown = sorted(set(headers) - set(frame.columns))
    if unknown:
        raise KeyError(f"headers given for columns the table does not show: {', '.join(map(str, unknown))}")
    made = {c: _cells(frame[c], formats_.get(c), escape) for c in frame.columns}
    cells = {c: html_ for c, (html_, _) in made.items()}
    kinds = [_kind(frame[c], cells[c]) for c in frame.columns]
    ids, records, counts = _traced_cells(frame, cells, lineage, {c: w for c, (_, w) in made.items()})
    if headers:
        # the lineage and the formats are looked up under the frame's own names; the page and the download show the
        # headers given
        frame = frame.rename(columns=headers)
        cells = {headers.get(str(c), c): v for c, v in cells.items()}
        ids = {(i, headers.get(c, c)): key for (i, c), key in ids.items()}
    columns = [str(c) for c in frame.columns]
    head = "".join(f'<th class="{k}">{html.escape(c)}</th>' for c, k in zip(columns, kinds))
    rows = []
    for i in range(len(frame)):
        rows.append(
            "<tr>"
            + "".join(
                _td(k, cells[c][i], ids.get((i, str(c))), str(c) if cards else None)
                for c, k in zip(frame.columns, kinds)
            )
            + "</tr>"
        )
    classes = "herd-table" + (" sortable" if sortable else "") + (" herd-cards" if cards else "")
    label = f' aria-label="{html.escape(caption, quote=True)}"' if caption else ""
    table = (
        f'<table class="{classes}"{label}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )
    items = [downloads.table_csv(frame, caption or "table", shown=cells)]
    if ids:
        items.append(downloads.lineage_csv(items[0], ids, records.records))
    parts = ['<div class="herd-table-block">']
    if caption:
        parts.append(f'<p class="herd-caption">{html.escape(caption)}</p>')
    parts += [f'<div class="herd-table-wrap" tabindex="0">{table}</div>', downloads.link_html(items), "</div>"]
    metadata = downloads.metadata(items)
    if counts["numbers"]:
        metadata[META_KEY] = {"records": records.records, "cells": counts, "caption": caption or ""}
    return "\n".join(parts), metadata


def show(
    frame: pd.DataFrame,
    formats: Mapping[str, Formatter] | None = None,
    escape: bool = True,
    caption: str | None = None,
    sortable: bool = False,
    lineage: CellLineage | None = None,
    columns: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
    cards: bool = False,
) -> None:
    """Display a whole table (no truncation) with the book's table classes, its caption above it
    and a link to download its rows as a CSV. It is displayed wherever the call stands in a
    cell, not only as the cell's last line.

    ``formats`` maps a column to a formatter (from :mod:`herd.base.formats`, or :func:`number`); other
    columns are shown as text, HTML-escaped unless ``escape`` is false (for columns holding links).
    What a formatter or an unescaped column writes may hold links (:func:`link`), line breaks and
    emphasis; any other tag in it is shown as text (:func:`herd.base.markup.sanitize`).

    ``lineage`` says where the numbers of the cells came from (:mod:`herd.base.lineage`): one lineage for every
    cell that shows a number (:func:`numbers`; a cell of words with numbers among them too); per column (a mapping),
    one lineage or a function of the row's position (e.g. :func:`herd.record.lineage.cells`); or a function of the
    row's position and the column (which may return None). Each such cell carries ``data-lineage`` (the page shows
    its lineage on hover or focus) and the download gets a side file naming every cell's lineage.

    ``columns`` shows only those columns of ``frame``, in that order, and ``headers`` writes a column under another
    header; ``formats`` and ``lineage`` still name the frame's own columns. A table too wide for the page is shown
    in parts this way, each part with the key columns and the same ``formats`` and ``lineage``, so that every part
    carries the lineage of its cells.

    ``cards`` lays a table of long text out as one card per row on a narrow screen (a phone): each cell under its
    column's header (the cell's ``data-label``), so that no column is squeezed to a word a line; on a wider screen it
    is the same table.
    """
    body, metadata = render(frame, formats, escape, caption, sortable, lineage, columns, headers, cards)
    display(HTML(body), metadata=metadata)


def fold(summary: str, frame: pd.DataFrame, formats: Mapping[str, Formatter] | None = None, **options) -> None:
    """Display a table as :func:`show` does (``options`` are its other arguments), folded in a closed box
    (``<details>``) that a reader opens: a long table that is reference, not result, keeps a page short. The box's
    line reads ``summary`` and how many rows it holds; printed, the box is open (:mod:`herd.book.pdf`)."""
    body, metadata = render(frame, formats, **options)
    line = f"{summary} ({integer(len(frame))} {'row' if len(frame) == 1 else 'rows'})"
    folded = f'<details class="herd-fold">\n<summary>{html.escape(line)}</summary>\n{body}\n</details>'
    display(HTML(folded), metadata=metadata)
