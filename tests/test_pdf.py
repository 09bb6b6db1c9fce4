"""The PDF of an edition: the working tree's single-page HTML build printed by Debian's Chromium.
It has a title page with the edition and commit, every chapter, numbered pages, and every chart
drawn (marks present before printing, each chart's title printed), and no request left 127.0.0.1."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from herd import build, editions, pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(pdf.chromium() is None, reason=f"the PDF is printed with Chromium: {pdf.INSTALL_HINT}"),
]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    stale = build.stale_notebooks(ROOT)
    if stale:
        pytest.fail(f"executed notebooks are stale ({', '.join(nb.name for nb in stale)}): run `make book`")
    tmp = tmp_path_factory.mktemp("pdf")
    build.write_switcher(ROOT / "_build" / "edition", build.switcher(["dev"]))
    single = build.jupyter_book(
        ROOT, tmp / "single", "singlehtml", edition="dev", env={"HERD_PDF": editions.pdf_name("dev")}
    )
    out = tmp / editions.pdf_name("dev")
    title = pdf.TitlePage(
        editions.TITLE, "dev", "9.9.9", "0123456789abcdef0123456789abcdef01234567", "", "The working tree."
    )
    manifest = editions.make_pdf(single, out, title)
    return {"single": single, "pdf": out, "manifest": manifest, "read": pdf.read(out)}


def _toc_titles():
    """The title of every page in _toc.yml, from its built page (the chapters the PDF must hold)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    titles = []
    for f in files:
        page = (ROOT / "_build" / "html" / f"{f}.html").read_text()
        titles.append(re.sub(r"\s+", " ", re.search(r"<title>(.*?) &#8212;", page, re.S).group(1)).strip())
    return files, titles


def test_pdf_has_every_chapter(printed):
    files, titles = _toc_titles()
    assert printed["manifest"]["chapters"] == titles
    assert len(titles) == len(files) == len(re.findall(r"- file: ", (ROOT / "_toc.yml").read_text()))
    text = printed["read"].text
    for title in titles:
        assert title in text, f"chapter {title!r} missing from the PDF"


def test_every_chart_drew_before_printing_and_is_in_the_pdf(printed):
    page = (printed["single"] / "print.html").read_text()
    expected = page.count('class="vega-embed"') or page.count("vegaEmbed(")
    charts = printed["manifest"]["charts"]
    assert expected >= 10 and len(charts) == expected
    for chart in charts:
        assert chart["inked"] > 0 and chart["kind"] in ("svg", "canvas")
        assert chart["title"] and chart["title"] in printed["read"].text, f"chart {chart['title']!r} not printed"


def test_title_page_names_the_edition_and_commit_and_pages_are_numbered(printed):
    pages = printed["read"].pages
    first = re.sub(r"\s+", " ", pages[0])
    assert "Edition dev (version 9.9.9)" in first and "0123456789abcdef0123456789abcdef01234567" in first
    assert editions.TITLE in first
    assert f"page 1 of {len(pages)}" in first
    assert f"page {len(pages)} of {len(pages)}" in re.sub(r"\s+", " ", pages[-1])
    assert len(pages) > 40
    assert printed["manifest"]["refused_requests"] == []


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
