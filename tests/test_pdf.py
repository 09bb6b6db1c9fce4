"""Printing a PDF with Debian's Chromium, on small fixture pages: a chart that did not draw stops the print,
a drawn one prints with its title, the title page stands alone, a table wider than the page prints whole within
its margins, and no browser is a clear error.

The PDF of the whole book (every chapter of the table of contents, every chart drawn, numbered pages, no
request beyond 127.0.0.1) is checked on every edition's PDF by `make editions-check`
(`tests/fresh_clone_check.py`), which CI runs after `make test`: printing it here too cost half a minute."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from herd.book import editions, pdf
from herd.presentation import tables

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(pdf.chromium() is None, reason=f"the PDF is printed with Chromium: {pdf.INSTALL_HINT}"),
]


def _fixture_page(tmp_path, chart: str) -> Path:
    single = tmp_path / "single"
    (single / "book").mkdir(parents=True)
    (single / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/index.html" />')
    (single / "book" / "index.html").write_text(
        "<!DOCTYPE html><html><body><article class='bd-article'><span id=\"document-book/one\"></span>"
        f"<section><h2>Chapter one</h2><div class='vega-embed'>{chart}</div></section></article></body></html>"
    )
    return single


def test_a_blank_chart_stops_the_print(tmp_path):
    single = _fixture_page(tmp_path, "<canvas class='marks' width='300' height='200'></canvas>")
    with pytest.raises(pdf.PdfError, match="1 of 1 charts did not draw before printing"):
        pdf.render(single, tmp_path / "out.pdf", pdf.TitlePage("T", "dev", "1", "abc"))
    assert not (tmp_path / "out.pdf").exists()


def test_a_drawn_chart_prints_with_its_title(tmp_path):
    svg = (
        "<svg class='marks' width='300' height='200'><g "
        "class='role-title-text'><text x='10' y='20'>Scores by model</text></g>"
        "<rect x='20' y='40' width='200' height='100' fill='#1f77b4'/></svg>"
    )
    single = _fixture_page(tmp_path, svg)
    out = tmp_path / "out.pdf"
    manifest = editions.make_pdf(
        single, out, pdf.TitlePage("T", "v1.2.3", "1.2.3", "abc123", "2026-12-01", "A summary.")
    )
    assert manifest["chapters"] == ["Chapter one"] and manifest["charts"][0]["title"] == "Scores by model"
    printed = pdf.read(out)
    assert "Edition v1.2.3" in printed.pages[0] and "Released 2026-12-01" in printed.pages[0]
    assert "Scores by model" in printed.text and "Chapter one" in printed.text
    assert "Chapter one" not in printed.pages[0]  # the title page stands alone


def test_no_browser_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    single = _fixture_page(tmp_path, "")
    with pytest.raises(pdf.PdfError, match="install Debian's Chromium"):
        pdf.render(single, tmp_path / "out.pdf", pdf.TitlePage("T", "dev", "1", "abc"))


def test_printing_apart_reports_a_refused_print_and_a_crash_clearly(tmp_path, monkeypatch):
    single = _fixture_page(tmp_path, "<canvas class='marks' width='300' height='200'></canvas>")
    title = pdf.TitlePage("T", "dev", "1", "abc")
    with pytest.raises(pdf.PdfError, match="1 of 1 charts did not draw before printing"):
        pdf.print_apart(single, tmp_path / "out.pdf", title)
    # a process that dies (here: killed as Chromium or PDFium would kill it) names the signal and the file
    monkeypatch.setattr(
        pdf.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a[0], -5, "", "Trace/breakpoint trap\n")
    )
    with pytest.raises(pdf.PdfError, match=r"out\.pdf .*killed by SIGTRAP"):
        pdf.print_apart(single, tmp_path / "out.pdf", title)


def _wide_table() -> pd.DataFrame:
    """A table far wider than a printed page, as the book's widest are: a key column, many numeric columns with
    long headers, a long text column and a verdict last."""
    rows = 6
    frame = pd.DataFrame({"Benchmark (printed row)": [f"Benchmark number {i} (0-shot, CoT)" for i in range(rows)]})
    for k in range(11):
        frame[f"Score of model {k} (%)"] = [f"{50 + 3.7 * i + k:,.1f}" for i in range(rows)]
    frame["N used by the test"] = [f"{1319 * (i + 1):,}" for i in range(rows)]
    frame["Sources of the printed scores"] = [
        f"llama3-paper v3 Table 2 p. {i + 3}; meta-llama/llama-models MODEL_CARD.md at commit 0123abcd{i}"
        for i in range(rows)
    ]
    frame["Verdict after correction"] = [
        f"verdict-{i}-{w}" for i, w in enumerate(["ahead", "behind", "unresolved"] * 2)
    ]
    return frame


def test_a_wide_table_prints_every_column_within_the_margins(tmp_path):
    """The book's print styles (``_static/herd.css``, ``@media print``, with the PDF's own) make a table wider than
    the page wrap and shrink: every header and every value of the last column is in the PDF's text, and no
    character stands beyond the right margin."""
    frame = _wide_table()
    table, _ = tables.render(frame, caption="A wide table")
    single = tmp_path / "single"
    (single / "book").mkdir(parents=True)
    (single / "_static").mkdir()  # where the single-page build keeps it, beside the page that is printed
    shutil.copyfile(ROOT / "_static" / "herd.css", single / "_static" / "herd.css")
    (single / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/index.html" />')
    (single / "book" / "index.html").write_text(
        "<!DOCTYPE html><html><head><link rel='stylesheet' href='_static/herd.css'></head><body>"
        "<article class='bd-article'><span id=\"document-book/one\"></span><section><h2>Chapter one</h2>"
        f"<div class='cell_output docutils container'><div class='output text_html'>{table}</div></div>"
        "</section></article></body></html>"
    )
    out = tmp_path / "out.pdf"
    report = pdf.render(single, out, pdf.TitlePage("T", "dev", "1", "abc"))
    printed = pdf.read(out)
    assert "Download CSV" not in printed.text, "the print styles of _static/herd.css did not apply"
    # the print shows the table, as the check of every edition's PDF reads it (herd.book.pdf.cut_tables)
    (table,) = report["tables"]
    assert table["headers"] == list(frame.columns) and table["last"] == list(frame.iloc[:, -1])
    assert table["page"] == "book/one" and table["caption"] == "A wide table"
    assert pdf.cut_tables(report["tables"], printed) == []
