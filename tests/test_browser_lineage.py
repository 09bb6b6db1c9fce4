"""Every number's lineage in the built book, in a real browser (Debian's Chromium, offline) and in the pages' files.

On every page, each ``data-lineage`` names a record of the page's lineage block; numbers sampled across the page
show a card on focus and the whole record on Enter (closed by Escape); a number read from the data package shows the
row's value as its record says it was formatted; a computed one names a function that exists in ``herd`` and links
its source at the commit the book was built from. Every page built from a notebook carries a lineage on at least
:data:`GOAL` of the numbers they show, and *About this edition* lists every glued number that carries none.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from herd.base import formats
from herd.base.lineage import resolve
from herd.book.build import git_commit
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
        self.marks: list[list[str]] = []  # [id, text]
        self.block: str | None = None
        self._open: list[int] = []
        self._in_block = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("id") == "herd-lineage":
            self._in_block, self.block = True, ""
        if tag in ("span", "td") and attrs.get("data-lineage"):
            self.marks.append([attrs["data-lineage"], ""])
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


def _check_record(record: dict, shown: str, where: str) -> None:
    if record["kind"] == "data" and "format" not in record:  # shown as stored (a value as printed)
        (read,) = record["reads"]
        assert shown.strip() == read["value"], (
            f"{where}: shows {shown!r}, its row {read['key']} holds {read['value']!r}"
        )
        return
    if record["kind"] == "data":
        fmt = record["format"]
        (read,) = record["reads"]
        function = resolve(fmt["function"])
        assert function is not None and fmt["function"].startswith("herd.base.formats."), where
        expected = function(float(read["value"]) * fmt["scale"], *fmt["args"])
        assert shown.strip() == expected, f"{where}: shows {shown!r}, its row {read['key']} formats as {expected!r}"
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
    for key, text in parsed.marks:
        assert key in records, f"{page_path}: data-lineage={key} has no record"
        _check_record(records[key], text, f"{page_path} ({key})")
    written = json.loads((LINEAGE / page_path.replace(".html", ".json")).read_text())
    assert written["records"] == records


def test_every_page_reaches_the_goal_and_about_lists_every_untraced_number():
    rows = {r["page"]: r for r in json.loads((HTML / "lineage-coverage.json").read_text())}
    assert {f"{p[:-5]}" for p in PAGES if p.startswith("book/")} - set(rows) <= {"book/about", "book/glossary"}
    for page, r in rows.items():
        shown, traced = r["glued"] + r["cells"], r["glued_traced"] + r["cells_traced"]
        assert shown and traced / shown >= GOAL, f"{page}: {traced} of {shown} numbers carry a lineage"
    about = (HTML / "book" / "about.html").read_text(encoding="utf-8")
    for r in rows.values():
        assert r["glued_traced"] <= r["glued"] and r["cells_traced"] <= r["cells"]
        for key in r["untraced"]:
            assert f"<code>{key}</code>" in about, f"About does not list {r['page']}'s untraced {key}"


def test_the_630_b_of_the_scaling_chapter_names_the_refit_and_chinchillas_runs():
    """The refit's optimum is the row ``refit`` of the optimum table, computed after the refit and its bootstrap."""
    parsed = _parsed("book/scaling.html")
    records = json.loads(parsed.block)
    optimum = [
        records[k]
        for k, text in parsed.marks
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


def test_a_table_2_score_of_the_benchmarks_chapter_names_the_papers_table_page_and_row():
    from herd.record import data

    package = data.load()
    scores, sources = package.scores, package.sources.set_index("key")
    parsed = _parsed("book/benchmarks.html")
    records = json.loads(parsed.block)
    shown = []
    for key, text in parsed.marks:
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


def test_formats_named_by_data_records_are_the_book_formats():
    for path in LINEAGE.glob("**/*.json"):
        for record in json.loads(path.read_text())["records"].values():
            if record["kind"] == "data" and "format" in record:  # else shown as stored
                assert callable(getattr(formats, record["format"]["function"].rsplit(".", 1)[1], None))
