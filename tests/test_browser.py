"""The built book in a real browser (Debian's Chromium driven by Playwright), served on
127.0.0.1 with every other address blocked: each page loads without console errors or
outside requests, and every chart draws its marks. At a desktop width (1280 px) and a phone's
(390 px) every page passes the layout checks: no table wider than the page without its own
scroll box (and a visible cue when it scrolls), no chart label cut short, no chart wider than
the text column at 1280 px, no folded code cell with nothing to show, no page that scrolls
sideways. Every "Download CSV" link resolves to the rows its table or chart shows, the data
package archive holds the package, and every link between pages reaches its target.
Screenshots (full pages, at both widths) go to _build/screenshots/."""

import csv
import functools
import http.server
import io
import json
import re
import shutil
import socketserver
import threading
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT
from herd import downloads, formats

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = (
    sorted(str(p.relative_to(HTML)) for p in [HTML / "index.html", *(HTML / "book").glob("*.html")])
    if HTML.exists()
    else []
)
BOOK_PAGES = [p for p in PAGES if p.startswith("book/")]
WIDTHS = (1280, 390)
LAYOUT = (Path(__file__).parent / "layout.js").read_text()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.book,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Chromium not found: install Debian's chromium (apt-get install chromium) to run the browser tests",
    ),
    pytest.mark.skipif(not HTML.exists(), reason="no built book: run `make book` first"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_Quiet, directory=str(HTML))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as srv:
        thread = threading.Thread(target=srv.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{srv.server_address[1]}"
        srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield b
        b.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_offline_and_draws_its_charts(server, browser, page_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(server):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    response = page.goto(f"{server}/{page_path}", wait_until="load")
    assert response.ok
    containers = page.locator(".vega-embed")
    if containers.count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.vega-embed')]"
            ".every(c => c.querySelector('svg.marks, canvas.marks'))",
            timeout=20000,
        )
        for i in range(containers.count()):
            box = containers.nth(i).locator("svg.marks, canvas.marks").first.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50, f"chart {i} on {page_path} drew nothing"
        assert not page.locator(".vega-embed .error").count()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / (page_path.replace("/", "_").replace(".html", ".png"))
    for attempt in range(3):  # headless Chromium occasionally refuses the first capture
        try:
            page.screenshot(path=str(shot), full_page=False)
            break
        except Exception:
            if attempt == 2:
                raise
            page.wait_for_timeout(500)
    page.close()
    assert errors == [], f"console errors on {page_path}: {errors}"
    assert outside == [], f"requests leaving localhost from {page_path}: {outside}"


def test_version_switcher_lists_the_editions(server, browser):
    import json

    page = browser.new_page()
    page.goto(f"{server}/book/index.html", wait_until="load")
    page.wait_for_selector(
        ".version-switcher__menu a, .version-switcher__menu .list-group-item", state="attached", timeout=10000
    )
    listed = page.locator(".version-switcher__menu a").all_text_contents()
    expected = [e["name"] for e in json.loads((HTML / "switcher.json").read_text())]
    assert [t.strip() for t in listed] == expected
    assert "dev" in page.locator(".version-switcher__button").inner_text()
    page.close()


def _open(browser, server, page_path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server) else r.abort())
    page.goto(f"{server}/{page_path}", wait_until="load")
    if page.locator(".vega-embed, [id^='altair-viz-']").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.vega-embed')]"
            ".every(c => c.querySelector('svg.marks, canvas.marks'))",
            timeout=20000,
        )
    page.wait_for_timeout(300)  # the scroll cues react to the charts' final size
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", BOOK_PAGES)
def test_layout_at_desktop_and_phone_width(server, browser, page_path, width):
    page = _open(browser, server, page_path, width)
    found = page.evaluate(LAYOUT, {"strictCharts": width >= 1280})
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{page_path.replace('/', '_').replace('.html', '')}-{width}.png"
    try:
        page.screenshot(path=str(shot), full_page=True)
    except Exception:  # headless Chromium occasionally refuses a capture; the checks above still stand
        pass
    page.close()
    problems = [f"{kind}: {item}" for kind, items in found.items() for item in items]
    assert not problems, f"{page_path} at {width} px:\n" + "\n".join(problems[:30])


def test_chapters_fold_their_parameters_under_the_rerun_box(server, browser):
    """Every page with a parameters cell shows it inside the closed "Re-run this chapter" box right
    after the answer, with the papermill command and the Binder link, and nowhere else."""
    for page_path in BOOK_PAGES:
        source = (HTML / page_path).read_text()
        if "herd-rerun" not in source and "tag_parameters" not in source:
            continue
        assert "tag_parameters" not in source and "tag_injected-parameters" not in source, (
            f"{page_path}: a bare parameters cell"
        )
        page = _open(browser, server, page_path, 1280)
        box = page.locator("details.herd-rerun")
        assert box.count() == 1, f"{page_path}: {box.count()} re-run boxes"
        assert box.get_attribute("open") is None, f"{page_path}: the re-run box is open"
        before = page.evaluate(
            """() => { const box = document.querySelector('details.herd-rerun');
            const h = [...document.querySelectorAll('article h2')]; """
            """return h.length ? !!(box.compareDocumentPosition(h[0]) & 4) : true; }"""
        )
        assert before, f"{page_path}: the re-run box is not before the first section"
        box.locator("summary").click()
        text = box.inner_text()
        assert "papermill book/" in text and "Binder" in text and "notebooks/" in text, f"{page_path}: {text[:300]}"
        assert box.locator("a[href*='mybinder.org']").count() == 1
        page.close()


def _tables_with_links(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('.herd-table-block')].map(b => ({
        href: (b.querySelector('a.herd-csv') || {}).getAttribute """
        """? b.querySelector('a.herd-csv').getAttribute('href') : null,
        header: [...b.querySelectorAll('thead th')].map(th => th.textContent.trim()),
        rows: [...b.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => td.innerHTML)),
    }))"""
    )


def _read_csv(href: str, page_path: str) -> list[list[str]]:
    target = (HTML / page_path).parent / unquote(href)
    assert target.is_file(), f"{page_path}: the link {href} resolves to nothing in the built site"
    return list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("page_path", BOOK_PAGES)
def test_each_table_links_the_csv_of_the_numbers_it_shows(server, browser, page_path):
    page = _open(browser, server, page_path, 1280)
    blocks = _tables_with_links(page)
    page.close()
    problems = []
    for b in blocks:
        assert b["href"], f"{page_path}: a table without a Download CSV link ({b['header'][:3]})"
        rows = _read_csv(b["href"], page_path)
        if rows[0] != b["header"]:
            problems.append(f"{b['href']}: header {rows[0]} is not the table's {b['header']}")
            continue
        if len(rows) - 1 != len(b["rows"]):
            problems.append(f"{b['href']}: {len(rows) - 1} rows, the table shows {len(b['rows'])}")
            continue
        for r, (raw, shown) in enumerate(zip(rows[1:], b["rows"]), start=1):
            for column, value, cell in zip(rows[0], raw, shown):
                text = downloads.plain(cell)
                if value == text or (value == "" and text in ("", formats.DASH)):
                    continue
                try:
                    number = float(value)
                except ValueError:
                    problems.append(f"{b['href']} row {r}, {column}: CSV {value!r}, page {text!r}")
                    continue
                if not formats.matches(text, number):
                    problems.append(
                        f"{b['href']} row {r}, {column}: CSV {value!r} is not what the page shows ({text!r})"
                    )
    assert not problems, f"{page_path}:\n" + "\n".join(problems[:20])


def _chart_specs(page_path: str) -> dict[str, dict]:
    """Each chart of a built page by its element id, with its Vega-Lite spec."""
    text = (HTML / page_path).read_text()
    specs = {}
    for m in re.finditer(r'<div id="(altair-viz-[^"]+)"></div>', text):
        start = text.find("})(", text.find("function(spec, embedOpt)", m.end()))
        specs[m.group(1)], _ = json.JSONDecoder().raw_decode(text[start + 3 :])
    return specs


@pytest.mark.parametrize("page_path", BOOK_PAGES)
def test_each_chart_links_the_csv_of_the_rows_it_draws(server, browser, page_path):
    from test_charts import dataset_matches

    specs = _chart_specs(page_path)
    if not specs:
        pytest.skip(f"{page_path} has no chart")
    page = _open(browser, server, page_path, 1280)
    links = page.evaluate(
        """() => [...document.querySelectorAll("[id^='altair-viz-']")].map(c => {
        let p = c.nextElementSibling; """
        """while (p && !(p.classList && p.classList.contains('herd-download'))) { p = p.nextElementSibling; }
        return [c.id, p ? [...p.querySelectorAll('a.herd-csv')].map(a => a.getAttribute('href')) : []]; })"""
    )
    page.close()
    for chart_id, hrefs in links:
        assert hrefs, f"{page_path}: chart {chart_id} has no Download CSV link"
        datasets = specs[chart_id].get("datasets", {}).values()
        for href in hrefs:
            rows = _read_csv(href, page_path)
            records = [dict(zip(rows[0], r)) for r in rows[1:]]
            assert any(dataset_matches(records, d) for d in datasets), (
                f"{page_path}: {href} is not the data of chart {chart_id}"
            )


def test_the_data_package_is_one_download_with_its_datapackage_json():
    archive = HTML / "book" / downloads.FOLDER / downloads.ARCHIVE
    assert archive.is_file(), "the data package archive is not in the built site"
    pages = [p for p in BOOK_PAGES if f"{downloads.FOLDER}/{downloads.ARCHIVE}" in (HTML / p).read_text()]
    assert {"book/index.html", "book/data.html", "book/about.html"} <= set(pages), pages
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        descriptor = json.loads(z.read(f"{downloads.ARCHIVE_ROOT}/datapackage.json"))
        for resource in descriptor["resources"]:
            member = f"{downloads.ARCHIVE_ROOT}/{resource['path']}"
            assert member in names, f"{member} missing from the archive"
            assert z.read(member) == (ROOT / "data" / resource["path"]).read_bytes()


def test_every_link_between_pages_reaches_its_target():
    """Relative links (chapters, sections, glossary terms, downloads) point at files of the built
    site and at anchors those files have."""
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = set(re.findall(r'\sid="([^"]+)"', path.read_text(errors="replace")))
        return ids[path]

    broken = []
    for page_path in PAGES:
        page = HTML / page_path
        for href in re.findall(r'<a\s[^>]*href="([^"]+)"', page.read_text()):
            url = urlparse(href)
            if url.scheme or href.startswith(("mailto:", "javascript:", "//")):
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page_path}: {href} (no such file)")
            elif url.fragment and target.suffix == ".html" and url.fragment not in anchors(target):
                broken.append(f"{page_path}: {href} (no such anchor)")
    assert not broken, "\n".join(sorted(set(broken))[:30])
