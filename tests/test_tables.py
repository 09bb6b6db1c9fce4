"""Tables reach the reader: every call displays, every executed call left its table, each
column is laid out by what it holds, and each table carries the CSV of the rows it shows."""

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import shows
from herd.base import formats, lineage
from herd.presentation import downloads, tables
from herd.record import data

BOOK = Path(__file__).resolve().parent.parent / "book"


def test_show_displays_each_call(monkeypatch):
    shown = []
    monkeypatch.setattr(tables, "display", lambda obj, **kw: shown.append((obj, kw)))
    frame = pd.DataFrame({"x": [1.234, None], "name": ["<b>", "ok"]})
    assert tables.show(frame, formats={"x": tables.number(1)}, caption="First") is None
    tables.show(frame)
    assert len(shown) == 2
    first, meta = shown[0][0].data, shown[0][1]["metadata"]
    assert '<p class="herd-caption">First</p>' in first and "1.2" in first and "—" in first and "&lt;b&gt;" in first
    (item,) = meta["herd"]["downloads"]
    assert f'href="downloads/{item["file"]}"' in first and item["file"].startswith("first-")


def test_fold_shows_the_table_in_a_closed_box_with_its_rows_counted(monkeypatch):
    shown = []
    monkeypatch.setattr(tables, "display", lambda obj, **kw: shown.append((obj, kw)))
    frame = pd.DataFrame({"x": [1.234, 2.0], "name": ["<a & b>", "ok"]})
    tables.fold("Every <row>", frame, formats={"x": tables.number(1)}, caption="Second", sortable=True)
    (obj, kw), plain = shown[0], tables.render(frame, {"x": tables.number(1)}, caption="Second", sortable=True)
    assert obj.data.startswith('<details class="herd-fold">\n<summary>Every &lt;row&gt; (2 rows)</summary>')
    assert "<details open" not in obj.data and plain[0] in obj.data and kw["metadata"] == plain[1]


def test_columns_are_laid_out_by_what_they_hold():
    frame = pd.DataFrame(
        {
            "benchmark": ["MMLU (5-shot)", "GSM8K"],
            "N": [14042, 1319],
            "why": ["a long explanation " * 5, ""],
            "verdict": ["ahead", "not resolved"],
        }
    )
    body, _ = tables.render(frame, {"N": formats.count})
    assert '<th class="num">N</th>' in body and '<td class="num">14,042</td>' in body
    assert '<td class="short">ahead</td>' in body and '<td class="long">' in body


def test_a_table_of_cards_names_each_cell_by_the_header_it_shows():
    """A table shown as cards on a phone (``cards=True``) labels every cell with its column's header as the page shows
    it (after ``headers``, escaped), in every row; a table without cards carries no labels and no card class."""
    frame = pd.DataFrame({"claim_id": ["a", "b"], "why": ['x "quoted" & <b>', ""], "gap": [1.5, None]})
    body, _ = tables.render(frame, {"gap": tables.number(1)}, headers={"why": 'evidence & "rule"'}, cards=True)
    cells = re.findall(r"<td\b[^>]*>", body)
    labels = [re.search(r'data-label="([^"]*)"', c) for c in cells]
    assert 'class="herd-table herd-cards"' in body and len(cells) == 6 and all(labels)
    assert [m.group(1) for m in labels[:3]] == ["claim_id", "evidence &amp; &quot;rule&quot;", "gap"]
    assert [m.group(1) for m in labels[3:]] == [m.group(1) for m in labels[:3]]
    plain, _ = tables.render(frame)
    assert "data-label" not in plain and "herd-cards" not in plain


def test_a_column_of_short_words_keeps_its_words_whole():
    """In a narrow table a wrapped column may break inside a word; one whose words (between spaces and hyphens) are
    all short is marked to keep them whole, one with a longer word is not."""
    frame = pd.DataFrame(
        {
            "kind": ["proportion", "mean-of-proportions", "macro-average of subsets"],
            "benchmark": ["ZeroSCROLLS/QuALITY", "MMLU", "InfiniteBench/En.MC"],
        }
    )
    body, _ = tables.render(frame)
    assert '<td class="words">mean-of-proportions</td>' in body and '<th class="words">kind</th>' in body
    assert "<td>ZeroSCROLLS/QuALITY</td>" in body
    wider = frame.assign(kind=frame["kind"].str.replace("proportion", "proportionality"))
    assert '<td class="words">' not in tables.render(wider)[0]
    assert body.index("<table") < body.index("</table>") < body.index("Download CSV")


def test_the_csv_holds_the_numbers_as_computed_and_the_text_as_shown():
    frame = pd.DataFrame(
        {
            "model": ["A & B", "C"],
            "gap": [1.8412, -0.04],
            "p": [1.98e-111, 0.5],
            "n": [np.int64(19194), np.int64(21)],
            "source": [tables.link("Paper", "https://example.org/p"), ""],
        }
    )
    body, meta = tables.render(frame, {"gap": formats.gap, "p": formats.pvalue, "n": formats.count, "source": str})
    text = meta["herd"]["downloads"][0]["csv"]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["model", "gap", "p", "n", "source"]
    assert rows[1] == ["A & B", "1.8412", "1.98e-111", "19194", "Paper (https://example.org/p)"]
    assert rows[2][1] == "-0.04" and rows[2][4] == ""
    # what the page shows stands for what the CSV holds
    assert shows("+1.8", float(rows[1][1])) and shows("< 0.001", float(rows[1][2]))
    assert "19,194" in body and "< 0.001" in body


def test_formats_for_missing_columns_are_an_error():
    with pytest.raises(KeyError, match="nope"):
        tables.render(pd.DataFrame({"a": [1]}), {"nope": formats.count})


def test_a_table_shown_in_parts_keeps_its_formats_and_lineage_under_the_headers_given():
    from herd.base.lineage import computed

    frame = pd.DataFrame({"benchmark": ["MMLU", "GSM8K"], "gap": [1.84, -0.4], "n": [14042, 1319]})
    asked = []

    def lineage(i, column):
        asked.append((i, column))
        return computed(formats.count, output=f"row {i}")

    body, meta = tables.render(
        frame, {"gap": formats.gap, "n": formats.count}, lineage=lineage, columns=["benchmark", "n"], headers={"n": "N"}
    )
    assert "gap" not in body and '<th class="num">N</th>' in body
    assert body.count("data-lineage=") == 2 and 'data-lineage="' in body.split("14,042")[0].rsplit("<td", 1)[1]
    assert asked == [(0, "n"), (1, "n")], "the lineage is asked under the frame's own column names"
    table, side = meta["herd"]["downloads"]
    assert list(csv.reader(io.StringIO(table["csv"])))[0] == ["benchmark", "N"]
    assert [r[1] for r in list(csv.reader(io.StringIO(side["csv"])))[1:]] == ["N", "N"]
    with pytest.raises(KeyError, match="nope"):
        tables.render(frame, columns=["benchmark", "nope"])
    with pytest.raises(KeyError, match="gap"):
        tables.render(frame, columns=["benchmark"], headers={"gap": "G"})


def test_same_rows_same_file_other_rows_other_file():
    a = downloads.table_csv(pd.DataFrame({"x": [1, 2]}), "Some caption")
    b = downloads.table_csv(pd.DataFrame({"x": [1, 2]}), "Some caption")
    c = downloads.table_csv(pd.DataFrame({"x": [1, 3]}), "Some caption")
    assert a["file"] == b["file"] != c["file"] and a["file"].startswith("some-caption-")


def test_every_table_in_the_executed_notebooks_was_displayed():
    missing = []
    for path in sorted(BOOK.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            calls = source.count("tables.show(")
            if "for " in source and calls:  # a loop shows one table per pass
                calls = 1
            shown = sum("herd-table" in "".join(o.get("data", {}).get("text/html", "")) for o in cell["outputs"])
            if calls > shown:
                missing.append(f"{path.name} cell {i}: {calls} tables.show calls, {shown} tables in the outputs")
    assert not missing, "\n".join(missing)


def test_every_table_and_chart_in_the_executed_notebooks_carries_its_csv():
    """Each output that shows a table or a chart has a "Download CSV" link, and the CSV it links
    is in the output's metadata (where the build reads it from)."""
    problems = []
    for path in sorted(BOOK.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            for out in cell.get("outputs", []):
                page = out.get("data", {}).get("text/html", "")
                page = "".join(page) if isinstance(page, list) else page
                if "herd-table" not in page and "vegaEmbed" not in page:
                    continue
                files = {d["file"] for d in (out.get("metadata", {}).get("herd") or {}).get("downloads", [])}
                linked = set(__import__("re").findall(r'href="downloads/([^"]+\.csv)"', page))
                if not linked or linked != files:
                    problems.append(f"{path.name} cell {i}: links {sorted(linked)}, carries {sorted(files)}")
    assert not problems, "\n".join(problems)


def test_formatter_factories():
    from herd.base import formats

    assert tables.formatter(formats.share, 1)(0.1234) == "12.3 %"
    assert tables.number(3)(0.12345) == "0.123" and tables.number(2)(float("nan")) == formats.DASH
    fmt = tables.each(["a", "b"], formats.count)
    assert fmt == {"a": formats.count, "b": formats.count}


@pytest.mark.parametrize(
    "shown, found",
    [
        ("405 B", ["405 B"]),
        ("0.2553 to 0.3662", ["0.2553", "0.3662"]),  # an interval: two numbers
        ("20 (84–100 %)", ["20", "84", "100 %"]),
        ("-8.3 (−14.7 to -1.7)", ["-8.3", "−14.7", "-1.7"]),
        ("0.0172 ± 0.0022", ["0.0172", "0.0022"]),
        ("p = 0.0341", ["0.0341"]),
        ("3.8e+25 FLOPs, 3.8 × 10²⁵, 7.6×", ["3.8e+25", "3.8 × 10²⁵", "7.6×"]),
        ("57 subsets of 100–1,534 questions", ["57", "100", "1,534"]),  # numbers among words count
        ("measured: 7.6 windows", ["7.6"]),
        ("Table 2, p. 3, Eq. (10)", []),  # places in a document are names
        ('<a href="https://arxiv.org/abs/2404.10102">a replication</a>', []),  # a link's address is no number
        ("Llama 3.1 405B Instruct scores 88.6", ["88.6"]),  # a model's name holds no data
        ("Llama 3 and GPT-4o", []),  # a version after a family's name, a number inside a word
        ("5-shot, arXiv 2407.21783v3", []),  # a word, an identifier
        ("2024-07-23, July 2024", []),  # dates
        ("0.16.0", []),  # a version
        ("—", []),
    ],
)
def test_a_cell_counts_each_number_it_shows(shown, found):
    assert tables.numbers(shown) == found


def test_a_cell_of_words_takes_its_columns_lineage_and_each_number_counts():
    frame = pd.DataFrame({"what": ["57 subsets of 100–1,534", "Llama 3.1 405B", "no number"], "n": [1, 2, 3]})
    traced = lineage.Lineage("computed", function="herd.base.formats.count")
    _, metadata = tables.render(frame, lineage={"what": traced})
    counts = metadata[lineage.META_KEY]["cells"]
    # the first cell's three numbers carry the column's lineage; the three counts of "n" carry none
    assert (counts["numbers"], counts["traced"]) == (6, 3)
    assert [c["column"] for c in counts["untraced"]] == ["n", "n", "n"]


def test_a_models_name_ending_in_a_number_counts_no_number_whatever_follows_it():
    # the short names the data package's models and benchmarks begin with, a word then its version ("Nemotron 4",
    # "Llama 3.1"): written alone in a sentence, before a comma or a full stop, they are names, not numbers
    short = {m.group(0) for n in data.names(data.load()) if (m := re.match(r"[A-Z][\w-]* \d+(?:\.\d+)?(?= )", n))}
    assert short, "the data package names no model with a version after its family's word"
    for name in sorted(short):
        for after in ("", ",", ".", ";", ")", ": 88.6"):
            expected = ["88.6"] if "88.6" in after else []
            assert tables.numbers(f"the top model beats ({name}{after}") == expected, (name, after)
