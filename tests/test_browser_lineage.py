"""Every number's lineage in the built book, in a real browser (Debian's Chromium, offline) and in the pages' files.

On every page, each ``data-lineage`` names a record of the page's lineage block; numbers sampled across the page
show a card on focus and the whole record on Enter (closed by Escape); a number read from the data package shows the
row's value as its record says it was formatted; a computed one names a function that exists in ``herd`` and links
its source at the commit the book was built from. Every page built from a notebook carries a lineage on at least
:data:`GOAL` of the numbers it shows in glued values and table cells, each number counted once
(:func:`herd.base.formats.numbers`), and *About this edition* lists every value and cell whose numbers carry none and
the numbers typed in the prose. A table is one Tab stop: the arrow keys move between its traced cells.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from herd.base import formats
from herd.base.lineage import resolve
from herd.book.build import git_commit
from herd.presentation import tables
from test_browser import BOOK_PAGES, CHROMIUM, HTML, PAGES, browser, server  # noqa: F401  (fixtures)

GOAL = 0.95
SAMPLES = 8  # numbers opened per page in the browser
LINEAGE = HTML / "_lineage"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.book,
    pytest.mark.skipif(not HTML.exists(), reason="no built book: run `make book` first"),
]


class _Marks(HTMLParser):
    """The lineage ids a page's elements carry, with each element's text, and the page's lineage block."""

    def __init__(self):
        super().__init__()
        self.marks: list[list] = []  # [id, text, tag, whether a mark after a sentence]
        self.block: str | None = None
        self._open: list[int] = []
        self._in_block = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("br", "p", "li", "div"):  # a line break parts words as the page shows them
            for i in self._open:
                if i >= 0:
                    self.marks[i][1] += " "
        if tag == "script" and attrs.get("id") == "herd-lineage":
            self._in_block, self.block = True, ""
        if tag in ("span", "td") and attrs.get("data-lineage"):
            mark = "herd-lineage-mark" in (attrs.get("class") or "")
            self.marks.append([attrs["data-lineage"], "", tag, mark])
            self._open.append(len(self.marks) - 1)
        elif self._open and tag in ("span", "td"):
            self._open.append(-1)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_block = False
        if tag in ("span", "td") and self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._in_block:
            self.block = (self.block or "") + data
        for i in self._open:
            if i >= 0:
                self.marks[i][1] += data


def _parsed(page_path: str) -> _Marks:
    parser = _Marks()
    parser.feed((HTML / page_path).read_text(encoding="utf-8"))
    return parser


def _check_record(record: dict, shown: str, where: str, alone: bool = True) -> None:
    """A record checks out against the text it marks: a data record's value is the text (``alone``: a number alone)
    or one of the numbers in it (a cell of words, or the sentence a mark follows); a computed one names a function."""

    def holds(expected: str) -> bool:
        return shown.strip() == expected if alone else expected in tables.numbers(shown) or expected in shown

    if record["kind"] == "data" and "format" not in record:  # shown as stored (a value as printed)
        (read,) = record["reads"]
        assert holds(read["value"]), f"{where}: shows {shown!r}, its row {read['key']} holds {read['value']!r}"
        return
    if record["kind"] == "data":
        fmt = record["format"]
        (read,) = record["reads"]
        function = resolve(fmt["function"])
        assert function is not None and fmt["function"].startswith("herd.base.formats."), where
        expected = function(float(read["value"]) * fmt["scale"], *fmt["args"])
        assert holds(expected), f"{where}: shows {shown!r}, its row {read['key']} formats as {expected!r}"
        assert read["source"]["url"].startswith("http"), where
        return
    assert callable(resolve(record["function"])), f"{where}: {record['function']} is not a function of herd"
    commit = git_commit(ROOT)
    assert f"/blob/{commit}/src/herd/" in record["function_url"], f"{where}: {record['function_url']}"


@pytest.mark.parametrize("page_path", PAGES)
def test_every_mark_names_a_record_of_its_page_and_each_record_checks_out(page_path):
    parsed = _parsed(page_path)
    if not parsed.marks:
        return
    assert parsed.block, f"{page_path}: numbers carry data-lineage but the page has no lineage block"
    records = json.loads(parsed.block)
    for key, text, _, mark in parsed.marks:
        assert key in records, f"{page_path}: data-lineage={key} has no record"
        if not mark:  # a mark after a sentence shows no number itself
            _check_record(records[key], text, f"{page_path} ({key})", alone=len(tables.numbers(text)) <= 1)
    written = json.loads((LINEAGE / page_path.replace(".html", ".json")).read_text())
    assert written["records"] == records


def test_every_page_reaches_the_goal_and_about_lists_every_untraced_number():
    rows = {r["page"]: r for r in json.loads((HTML / "lineage-coverage.json").read_text())}
    assert {f"{p[:-5]}" for p in PAGES if p.startswith("book/")} - set(rows) <= {"book/about", "book/glossary"}
    for page, r in rows.items():
        shown, traced = r["glued_numbers"] + r["cell_numbers"], r["glued_traced"] + r["cells_traced"]
        assert shown and traced / shown >= GOAL, f"{page}: {traced} of {shown} numbers carry a lineage"
    about = (HTML / "book" / "about.html").read_text(encoding="utf-8")
    for r in rows.values():
        assert r["glued_traced"] <= r["glued_numbers"] and r["cells_traced"] <= r["cell_numbers"]
        for key in r["untraced"]:
            assert f"<code>{key}</code>" in about, f"About does not list {r['page']}'s untraced {key}"
        for cell in r["untraced_cells"]:
            assert html.escape(cell["text"]) in about, f"About does not list {r['page']}'s untraced cell {cell}"
        for number in set(r["prose"]):
            assert html.escape(number) in about, f"About does not list {r['page']}'s typed {number}"


def test_each_number_of_a_page_is_counted_once_as_the_page_shows_it():
    """The count is of numbers, not of values or cells: on each page, the numbers of the elements that carry a
    lineage are at most the traced numbers the coverage counts (a sentence of twenty numbers counts twenty)."""
    rows = {r["page"]: r for r in json.loads((HTML / "lineage-coverage.json").read_text())}
    for page, r in rows.items():
        parsed = _parsed(f"{page}.html")
        cells = sum(len(tables.numbers(text)) for _, text, tag, _ in parsed.marks if tag == "td")
        assert cells == r["cells_traced"], f"{page}: the traced cells show {cells} numbers, counted {r['cells_traced']}"


def test_the_630_b_of_the_scaling_chapter_names_the_refit_and_chinchillas_runs():
    """The refit's optimum is the row ``refit`` of the optimum table, computed after the refit and its bootstrap."""
    parsed = _parsed("book/scaling.html")
    records = json.loads(parsed.block)
    optimum = [
        records[k]
        for k, *_ in parsed.marks
        if records[k].get("function", "").endswith("scaling.optimum_table")
        and records[k].get("output") == "row refit, column params"
    ]
    assert optimum, "no number of the scaling chapter is the refit's optimal size"
    before = [c["function"].rsplit(".", 1)[1] for c in optimum[0]["after"]]
    assert "fit_figure4" in before and "bootstrap_seeds" in before
    (runs,) = [r for r in optimum[0]["reads"] if r["table"] == "chinchilla_figure4"]
    from herd.record import data

    package = data.load()
    assert runs["rows"] == len(package.chinchilla_figure4)
    assert {s["key"] for s in runs["sources"]} == set(package.chinchilla_figure4["source"])
    # the record keeps the value the text was written from, before rounding: the text is that value, written again
    value = optimum[0]["value"]
    (given,) = value["given"]
    shown = {text.strip() for k, text, *_ in parsed.marks if records[k] is optimum[0] or records[k] == optimum[0]}
    assert resolve(value["function"])(given, **value["args"]) in shown and round(given) != given, (value, shown)


def test_an_interval_of_the_benchmarks_chapter_names_the_call_that_computed_it():
    """A comparison's interval (a cell of the table of every comparison) names the call that judged the question,
    herd.method.compare.against, as its function (not the call that only turns the pair round, which follows it)."""
    parsed = _parsed("book/benchmarks.html")
    records = json.loads(parsed.block)
    intervals = [
        records[k]
        for k, *_ in parsed.marks
        if re.search(r"competitor .*, column 'interval of the gap'", records[k].get("output", ""))
    ]
    assert intervals, "no interval of the benchmarks chapter's table of every comparison carries a record"
    for record in intervals:
        assert record["function"] == "herd.method.compare.against", record["function"]
        assert [c["function"] for c in record["then"]] == ["herd.method.compare.orient"]
        assert {"source", "table", "focus", "competitors", "rules"} <= set(record["params"])


def test_a_table_2_score_of_the_benchmarks_chapter_names_the_papers_table_page_and_row():
    from herd.record import data

    package = data.load()
    scores, sources = package.scores, package.sources.set_index("key")
    parsed = _parsed("book/benchmarks.html")
    records = json.loads(parsed.block)
    shown = []
    for key, text, *_ in parsed.marks:
        (read,) = records[key]["reads"] if records[key]["kind"] == "data" else [None]
        if read is None or read["table"] != "scores":
            continue
        k = read["key"]
        row = scores[
            (scores["source"] == k["source"])
            & (scores["table"] == k["table"])
            & (scores["row_label"] == k["row_label"])
            & (scores["model"] == k["model"])
        ]
        assert len(row) == 1, f"benchmarks: {k} is not one row of scores.csv"
        page = None if formats.missing(row["page"].iloc[0]) else int(row["page"].iloc[0])
        assert (read["location"], read.get("page")) == (row["table"].iloc[0], page), k
        assert read["source"]["url"] == sources.loc[k["source"], "url"], k
        assert text.strip() == formats.number(float(row["score"].iloc[0])), k
        shown.append(k["table"])
    assert "Table 2" in shown, "no score of Table 2 on the benchmarks chapter names its row of scores.csv"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not found (apt-get install chromium)")
@pytest.mark.parametrize("page_path", [p for p in BOOK_PAGES if "lineage" not in p])
def test_a_number_opens_its_card_on_focus_and_its_record_on_enter(server, browser, page_path):  # noqa: F811
    marks = _parsed(page_path).marks
    if not marks:
        return
    step = max(1, len(marks) // SAMPLES)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/{page_path}", wait_until="load")
        elements = page.locator("[data-lineage]")
        assert elements.count() == len(marks)
        for i in range(0, len(marks), step):
            element = elements.nth(i)
            if marks[i][2] == "td":  # a traced cell opens its record through the button it holds
                element = element.locator("button.herd-lineage-cell")
            element.scroll_into_view_if_needed()
            element.focus()
            card = page.locator(".herd-lineage-card")
            assert card.is_visible(), f"{page_path}: no card on focusing number {i} ({marks[i][1]!r})"
            assert card.inner_text().startswith(("Computed by herd.", "Read from data/")), card.inner_text()
            page.keyboard.press("Enter")
            dialog = page.locator("dialog.herd-lineage-dialog")
            assert dialog.is_visible(), f"{page_path}: Enter on number {i} opened no record"
            text = dialog.inner_text()
            assert "Function called: herd." in text or "Row:" in text, text
            page.keyboard.press("Escape")
            assert not dialog.is_visible(), f"{page_path}: Escape did not close the record"
    finally:
        page.close()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not found (apt-get install chromium)")
def test_a_table_is_one_tab_stop_and_the_arrow_keys_move_between_its_cells(server, browser):  # noqa: F811
    """A table's traced cells hold a button each (the cue that they open a record), one of them in the Tab order:
    Tab enters the table once and leaves it; the arrow keys move between its cells, and Enter opens the record."""
    page_path = max(BOOK_PAGES, key=lambda p: sum(m[2] == "td" for m in _parsed(p).marks))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/{page_path}", wait_until="load")
        state = page.evaluate(TABLES)
        assert state["tables"] and all(n == 1 for n in state["stops"]), f"{page_path}: Tab stops by table {state}"
        # the first table with two traced cells in a row and no link in its cells (a link keeps its own Tab stop, so
        # Tab from the table's one stop would reach it): Right, Down and Left move, Tab leaves the table
        first = page.locator(
            "table:not(:has(td a[href])) td[data-lineage] button.herd-lineage-cell[tabindex='0']:visible"
        ).first
        first.focus()
        before = page.evaluate(FOCUS)
        page.keyboard.press("ArrowRight")
        after = page.evaluate(FOCUS)
        assert after["cell"] and after != before, f"{page_path}: ArrowRight did not move from {before}"
        assert after["tabindex"] == 0 and page.evaluate(STOPS_OF_FOCUSED_TABLE) == 1, "the roving stop did not follow"
        page.keyboard.press("ArrowLeft")
        assert page.evaluate(FOCUS) == before, f"{page_path}: ArrowLeft did not come back"
        page.keyboard.press("Tab")
        next_stop = page.evaluate(FOCUS)
        assert next_stop["table"] != before["table"], "Tab did not leave the table"
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUS) == before, "Shift+Tab did not come back to the table's one stop"
        # a record opened with Enter and closed with Escape gives the focus back to its cell, and Tab goes on from
        # there (not from the dialog's place at the page's end), again and again
        for time in range(CLOSINGS):
            page.keyboard.press("Enter")
            assert page.locator("dialog.herd-lineage-dialog").is_visible(), "Enter on a cell opened no record"
            page.keyboard.press("Escape")
            assert page.evaluate(FOCUS) == before, f"closing the record (time {time + 1}) did not give the focus back"
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUS) == next_stop, f"Tab after closing the record (time {time + 1}) went elsewhere"
            page.keyboard.press("Shift+Tab")
            assert page.evaluate(FOCUS) == before, f"Shift+Tab after closing the record (time {time + 1})"
    finally:
        page.close()


CLOSINGS = 4  # records opened and closed in a row by the keyboard test (a Tab after a close once failed 1 time in 20)


TABLES = """() => { const tables = [...document.querySelectorAll('table')]
        .filter(t => t.querySelector('td[data-lineage]'));
    return {tables: tables.length, stops: tables.map(t => t.querySelectorAll('td [tabindex="0"]').length)}; }"""
FOCUS = """() => { const el = document.activeElement, td = el.closest('td'), table = el.closest('table');
    const tables = [...document.querySelectorAll('table')];
    return {cell: !!(td && td.dataset.lineage), row: td ? td.parentNode.rowIndex : -1, col: td ? td.cellIndex : -1,
            table: table ? tables.indexOf(table) : -1, tabindex: el.tabIndex,
            element: el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40)}; }"""
STOPS_OF_FOCUSED_TABLE = (
    """() => document.activeElement.closest('table').querySelectorAll('td [tabindex="0"]').length"""
)


def test_formats_named_by_data_records_are_the_book_formats():
    for path in LINEAGE.glob("**/*.json"):
        for record in json.loads(path.read_text())["records"].values():
            if record["kind"] == "data" and "format" in record:  # else shown as stored
                assert callable(getattr(formats, record["format"]["function"].rsplit(".", 1)[1], None))
