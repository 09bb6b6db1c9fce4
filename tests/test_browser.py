"""The built book in a real browser (Debian's Chromium driven by Playwright), served on
127.0.0.1 with every other address blocked: each page loads without console errors or
outside requests, and every chart draws its marks. At a desktop width (1280 px) and a phone's
(390 px) every page passes the layout checks: no table wider than the page without its own
scroll box (and a visible cue when it scrolls), no chart label cut short, no chart wider than
the text column at 1280 px, no folded code cell with nothing to show, no page that scrolls
sideways. Every "Download CSV" link resolves to the rows its table or chart shows, the data
package archive holds the package, and every link between pages reaches its target. axe-core finds no
serious or critical accessibility problem on any page (light mode at 1280 px, dark at 390 px), each chart
is announced by its description, and the re-run box and the downloads work from the keyboard.
Screenshots (full pages, at both widths) go to _build/screenshots/."""

import base64
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

from conftest import ROOT, shows
from herd.base import formats
from herd.book import pdf
from herd.presentation import downloads

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


CHARTS_DRAWN = pdf.CHARTS_DRAWN  # every chart has its marks (the PDF waits for the same)
# Narrowing an open page has settled once the theme's sidebars have slid away (CSS transitions of 200-250 ms that
# a page loaded narrow never runs) and then the resize observers (herd-scroll.js's cues) have seen the final layout:
# two frames later. The charts have fixed widths: they do not draw again.
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
TRANSITIONS_DONE = (
    "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
)


class Shown:
    """One page of the book open in Chromium, loaded once at the widest width, and what its load left: the
    response, the console errors and requests for other hosts (blocked) until the charts had drawn, and each
    chart's drawn size (None: the charts did not draw within 20 s). ``errors`` and ``outside`` go on
    collecting for as long as the page stays open."""

    def __init__(self, browser, server: str, page_path: str, width: int):
        self.page_path, self.width, self.mutated = page_path, width, False
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.outside: list[str] = pdf.confine(self.page, server)
        try:
            response = self.page.goto(f"{server}/{page_path}", wait_until="load")
            self.status = response.status if response else None
            self.ok = bool(response and response.ok)
            self.charts: list | None = []
            containers = self.page.locator(".vega-embed")
            if containers.count():
                try:
                    self.page.wait_for_function(CHARTS_DRAWN, timeout=20000)
                except Exception:
                    self.charts = None
                else:
                    self.charts = [
                        containers.nth(i).locator("svg.marks, canvas.marks").first.bounding_box()
                        for i in range(containers.count())
                    ]
            self.vega_errors = self.page.locator(".vega-embed .error").count()
            self.page.wait_for_timeout(300)  # the scroll cues react to the charts' final size
        except BaseException:
            self.page.close()
            raise
        self.load_errors, self.load_outside = list(self.errors), list(self.outside)

    def narrow(self, width: int) -> None:
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.evaluate(TWO_FRAMES)
        self.page.wait_for_function(TRANSITIONS_DONE, polling="raf", timeout=10000)
        self.page.evaluate(TWO_FRAMES)
        self.width = width


class Pages:
    """The pages the tests look at, each loaded once per run and shared (a load costs 2-3 s; the module
    used to load 55 pages). A test asks for a page at a width and gets it in one of two states only,
    whatever ran before it, so no outcome depends on the order of the tests:

    - at the widest width, as loaded at that width;
    - at a narrower width, loaded at the widest width and then narrowed (set_viewport_size). herd-scroll.js
      recomputes its cues on every resize and the charts have fixed widths; on the book as built, every
      page narrowed to 390 px gave the same layout checks and a pixel-identical full-page screenshot as a
      fresh load at 390 px (test_narrowing_a_page_shows_what_loading_it_narrow_shows keeps checking
      one page). A page is never widened again: widening is not the same as loading wide (a table's cue
      stays hidden after 390 -> 1280 px on the data page), so a wider request loads the page afresh, as
      does any request for a page a test has changed (clicked open)."""

    def __init__(self, browser, server: str):
        self.browser, self.server = browser, server
        self.open: dict[str, Shown] = {}

    def at(self, page_path: str, width: int) -> Shown:
        shown = self.open.get(page_path)
        if shown is not None and (shown.width < width or shown.mutated):
            shown.page.close()
            shown = None
        if shown is None:
            shown = self.open[page_path] = Shown(self.browser, self.server, page_path, max(WIDTHS))
        if shown.width > width:
            shown.narrow(width)
        return shown

    def dom(self, page_path: str) -> Shown:
        """The page as it stands, for tests that read only what the markup says (links, table cells),
        which does not change with the width or with a box clicked open."""
        return self.open.get(page_path) or self.at(page_path, max(WIDTHS))

    def close(self) -> None:
        for shown in self.open.values():
            shown.page.close()


@pytest.fixture(scope="module")
def pages(server, browser):
    shared = Pages(browser, server)
    yield shared
    shared.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_offline_and_draws_its_charts(pages, page_path):
    shown = pages.at(page_path, 1280)
    assert shown.ok, f"{page_path}: HTTP {shown.status}"
    assert shown.charts is not None, f"the charts on {page_path} did not draw within 20 s"
    for i, box in enumerate(shown.charts):
        assert box and box["width"] > 50 and box["height"] > 50, f"chart {i} on {page_path} drew nothing"
    assert not shown.vega_errors, f"{page_path}: {shown.vega_errors} charts show an error"
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / (page_path.replace("/", "_").replace(".html", ".png"))
    for attempt in range(3):  # headless Chromium occasionally refuses the first capture
        try:
            shown.page.screenshot(path=str(shot), full_page=False)
            break
        except Exception:
            if attempt == 2:
                raise
            shown.page.wait_for_timeout(500)
    assert shown.load_errors == [], f"console errors on {page_path}: {shown.load_errors}"
    assert shown.load_outside == [], f"requests leaving localhost from {page_path}: {shown.load_outside}"


def test_version_switcher_lists_the_editions(pages):
    page = pages.at("book/index.html", 1280).page
    page.wait_for_selector(
        ".version-switcher__menu a, .version-switcher__menu .list-group-item", state="attached", timeout=10000
    )
    listed = page.locator(".version-switcher__menu a").all_text_contents()
    expected = [e["name"] for e in json.loads((HTML / "switcher.json").read_text())]
    assert [t.strip() for t in listed] == expected
    assert "dev" in page.locator(".version-switcher__button").inner_text()


def _full_page_screenshot(page, path: Path) -> None:
    """Playwright's full-page capture, with the PNG encoded for speed (Chromium's optimizeForSpeed, which
    Playwright does not offer): the same pixels in half the time, in larger files (51 MB instead of 35 for
    the twenty; the captures took 40 s of the module's run, the claims page being 80,000 px long)."""
    cdp = page.context.new_cdp_session(page)
    try:
        size = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = cdp.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True, "optimizeForSpeed": True},
        )
    finally:
        cdp.detach()
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", BOOK_PAGES)
def test_layout_at_desktop_and_phone_width(pages, page_path, width):
    shown = pages.at(page_path, width)
    found = shown.page.evaluate(LAYOUT, {"strictCharts": width >= 1280})
    if shown.charts is None:
        found["charts that did not draw (layout unchecked)"] = [page_path]
    # what the load itself logged or asked of other hosts fails test_page_loads_offline_and_draws_its_charts
    found["console error after the page loaded"] = shown.errors[len(shown.load_errors) :]
    found["request leaving localhost after the page loaded"] = shown.outside[len(shown.load_outside) :]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{page_path.replace('/', '_').replace('.html', '')}-{width}.png"
    try:
        _full_page_screenshot(shown.page, shot)
    except Exception:  # headless Chromium occasionally refuses a capture; the checks above still stand
        pass
    problems = [f"{kind}: {item}" for kind, items in found.items() for item in items]
    assert not problems, f"{page_path} at {width} px:\n" + "\n".join(problems[:30])


GEOMETRY = """() => [
    [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
    ...[...document.querySelectorAll(".herd-table-wrap, .pst-scrollable-table-container, .vega-embed")].map(b => {
        const cue = b.previousElementSibling, r = b.getBoundingClientRect();
        const drawing = b.querySelector("svg.marks"), wrapper = b.querySelector(".chart-wrapper");
        return [b.id || b.className, Math.round(r.left), Math.round(r.width), b.scrollWidth, b.clientWidth,
                cue && cue.classList.contains("herd-scroll-cue") ? cue.hidden : null,
                drawing ? Math.round(drawing.getBoundingClientRect().width) : null,
                wrapper ? Math.round(wrapper.getBoundingClientRect().width) : null];
    }),
]"""


def _loaded_at(browser, server, page_path: str, width: int, *scripts) -> list:
    """What each of ``scripts`` (a script, or a script and its argument) finds on ``page_path`` loaded at ``width``
    (not narrowed), offline, once its charts are drawn."""
    fresh = browser.new_page(viewport={"width": width, "height": 900})
    try:
        fresh.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server) else r.abort())
        fresh.goto(f"{server}/{page_path}", wait_until="load")
        fresh.wait_for_function(CHARTS_DRAWN, timeout=20000)
        fresh.wait_for_timeout(300)
        return [fresh.evaluate(*(s if isinstance(s, tuple) else (s,))) for s in scripts]
    finally:
        fresh.close()


@pytest.mark.parametrize("which", ["most boxes", "charts as wide as their column"])
def test_narrowing_a_page_shows_what_loading_it_narrow_shows(server, browser, pages, which):
    """The phone-width layout checks look at pages loaded wide and then narrowed (see Pages): that stands
    for loading them narrow only while the two agree. The page with the most boxes that scroll sideways
    (tables and charts), and each page with a chart as wide as its column (width "container": Vega measures its
    column when it draws, and again on a resize), must measure the same both ways: every box's place, size, cue and
    drawing, and the page's; loaded narrow, such a page passes the layout checks too."""
    boxes = re.compile(r'class="[^"]*herd-table-wrap|<div id="altair-viz-')
    if which == "most boxes":
        page_paths = [max(BOOK_PAGES, key=lambda p: len(boxes.findall((HTML / p).read_text())))]
    else:
        page_paths = [p for p in BOOK_PAGES if re.search(r'"width": ?"container"', (HTML / p).read_text())]
        assert page_paths, "no page draws a chart as wide as its column (the home page's chart did)"
    narrow = min(WIDTHS)
    for page_path in page_paths:
        loaded_narrow, found = _loaded_at(
            browser, server, page_path, narrow, GEOMETRY, (LAYOUT, {"strictCharts": False})
        )
        problems = [f"{kind}: {item}" for kind, items in found.items() for item in items]
        assert not problems, f"{page_path} loaded at {narrow} px:\n" + "\n".join(problems[:30])
        narrowed = pages.at(page_path, narrow).page.evaluate(GEOMETRY)
        assert len(loaded_narrow) > (3 if which == "most boxes" else 1), f"{page_path}: {loaded_narrow}"
        differ = [f"loaded {a} / narrowed {b}" for a, b in zip(loaded_narrow, narrowed) if a != b]
        assert len(loaded_narrow) == len(narrowed) and not differ, (
            f"{page_path} at {narrow} px: narrowing the page is not loading it narrow:\n" + "\n".join(differ[:20])
        )


WIDE_CHARTS = """() => [...document.querySelectorAll("article .vega-embed")].map(c => {
    const drawing = c.querySelector("svg.marks, canvas.marks");
    return [c.id, drawing ? Math.round(drawing.getBoundingClientRect().width) : null, c.clientWidth];
})"""


def test_a_chart_wider_than_a_phone_says_so_on_a_page_loaded_narrow(server, browser):
    """Each page with a chart, loaded at the phone's width (not narrowed): every chart draws, and each drawing
    wider than its box (a chart of fixed width) has the line that says to scroll, shown right above it, so that a
    row whose marks all lie past the right edge is not read as a row without data."""
    narrow = min(WIDTHS)
    page_paths = [p for p in BOOK_PAGES if '<div id="altair-viz-' in (HTML / p).read_text()]
    assert page_paths
    drawn, problems = [], []
    for page_path in page_paths:
        charts, found = _loaded_at(browser, server, page_path, narrow, WIDE_CHARTS, (LAYOUT, {"strictCharts": False}))
        drawn += [(page_path, *c) for c in charts]
        problems += [
            f"{page_path}: {kind}: {item}"
            for kind in ("chart wider than its box without a visible cue", "chart cut off without a scroll box")
            for item in found[kind]
        ]
    assert drawn and all(width for _, _, width, _ in drawn), drawn
    assert not problems, f"at {narrow} px:\n" + "\n".join(problems)


def test_chapters_fold_their_parameters_under_the_rerun_box(pages):
    """Every page with a parameters cell shows it inside the closed "Re-run this chapter" box right
    after the answer, with the papermill command and the Binder link, and nowhere else."""
    for page_path in BOOK_PAGES:
        source = (HTML / page_path).read_text()
        if "herd-rerun" not in source and "tag_parameters" not in source:
            continue
        assert "tag_parameters" not in source and "tag_injected-parameters" not in source, (
            f"{page_path}: a bare parameters cell"
        )
        # at the phone's width, where the layout tests leave the pages: the box and its text do not change with
        # the width, and a box that opens there under a finger opens at any width
        shown = pages.at(page_path, min(WIDTHS))
        page = shown.page
        box = page.locator("details.herd-rerun")
        assert box.count() == 1, f"{page_path}: {box.count()} re-run boxes"
        assert box.get_attribute("open") is None, f"{page_path}: the re-run box is open"
        before = page.evaluate(
            """() => { const box = document.querySelector('details.herd-rerun');
            const h = [...document.querySelectorAll('article h2')]; """
            """return h.length ? !!(box.compareDocumentPosition(h[0]) & 4) : true; }"""
        )
        assert before, f"{page_path}: the re-run box is not before the first section"
        shown.mutated = True  # opened below: the layout checks must not see it open
        box.locator("summary").click()
        text = box.inner_text()
        assert "papermill book/" in text and "Binder" in text and "notebooks/" in text, f"{page_path}: {text[:300]}"
        assert box.locator("a[href*='mybinder.org']").count() == 1


AXE = ROOT / "_build" / "vendor" / "axe.min.js"  # axe-core, pinned in package.json (herd.book.vendor.vendor_axe)
AXE_IMPACTS = ("serious", "critical")
# The theme's colour mode switched in place (pydata-sphinx-theme reads data-theme and data-mode on <html>), axe run
# once on the whole page, and the mode switched back; what axe calls serious or critical is returned, each
# violation with the first few elements it names.
AXE_RUN = """async ({mode, impacts}) => {
    const root = document.documentElement, before = [root.dataset.theme, root.dataset.mode];
    root.dataset.theme = mode; root.dataset.mode = mode;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const fading = () => document.getAnimations().some(a => a instanceof CSSTransition && a.playState === "running");
    for (let t = 0; t < 60 && fading(); t++) {  // the theme's colours fade for a moment; wait no longer than that
        await new Promise(done => setTimeout(done, 25));
    }
    try {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
            id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\\n")[1]),
        }));
    } finally { [root.dataset.theme, root.dataset.mode] = before; }
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", BOOK_PAGES)  # index.html only redirects to book/index.html
def test_no_serious_accessibility_violation(pages, page_path, width):
    """axe-core finds nothing serious or critical on any page: at the desktop width in the theme's light mode, at
    the phone's width in its dark mode (one run per page and width, so each mode is checked on every page)."""
    assert AXE.exists(), f"{AXE}: missing; run `make vendor` (it copies axe-core from node_modules)"
    shown = pages.at(page_path, width)
    if not shown.page.evaluate("() => typeof window.axe === 'object'"):
        shown.page.add_script_tag(content=AXE.read_text())
    mode = "light" if width == max(WIDTHS) else "dark"
    found = shown.page.evaluate(AXE_RUN, {"mode": mode, "impacts": list(AXE_IMPACTS)})
    problems = [
        f"{v['impact']} {v['id']} ({v['help']}), {v['count']} elements: " + "; ".join(v["nodes"]) for v in found
    ]
    assert not problems, f"{page_path} at {width} px, {mode} mode:\n" + "\n".join(problems)


def test_the_rerun_box_and_the_downloads_work_from_the_keyboard(server, browser):
    """From the top of a chapter, the Tab key reaches the "Re-run this chapter" box, Enter opens it, and Tab goes on
    to the downloads under its tables and charts; each takes the focus visibly (an outline)."""
    page_path = next(
        p for p in BOOK_PAGES if "herd-rerun" in (HTML / p).read_text() and "herd-csv" in (HTML / p).read_text()
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        pdf.confine(page, server)
        page.goto(f"{server}/{page_path}", wait_until="load")
        seen = []
        for _ in range(400):  # the theme's navigation comes first
            page.keyboard.press("Tab")
            seen.append(page.evaluate(FOCUSED))
            if seen[-1]["rerun"]:
                break
        assert seen and seen[-1]["rerun"], f"{page_path}: Tab never reached the re-run box: {seen[-12:]}"
        assert seen[-1]["outline"], f"{page_path}: the re-run box shows no focus"
        page.keyboard.press("Enter")
        assert page.locator("details.herd-rerun").get_attribute("open") is not None, "Enter did not open the box"
        for _ in range(400):
            page.keyboard.press("Tab")
            seen.append(page.evaluate(FOCUSED))
            if seen[-1]["csv"]:
                break
        assert seen[-1]["csv"] and seen[-1]["outline"], f"{page_path}: Tab never reached a download: {seen[-12:]}"
    finally:
        page.close()


def test_a_rule_label_lands_on_its_rule(server, browser):
    """A rule's label under a claim (claims audit) leads to that rule's own row of the one list of rules, at a phone's
    width too, where the list is a long column of cards: the row is in view and holds the focus, not the list's top."""
    page_path = next(p for p in BOOK_PAGES if "herd-row-link" in (HTML / p).read_text())
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            pdf.confine(page, server)
            page.goto(f"{server}/{page_path}", wait_until="load")
            links = page.locator("a.herd-row-link")
            labels = list(dict.fromkeys(links.all_inner_texts()))
            assert len(labels) > 1, f"{page_path}: fewer than two rule labels"
            last = labels[-1]  # the furthest down the list, so the list's top is not it
            links.filter(has_text=last).first.click()
            page.wait_for_timeout(300)
            landed = page.evaluate(
                """() => { const el = document.activeElement, box = el.getBoundingClientRect();
                   return {tag: el.tagName, key: (el.querySelector('td, th') || el).textContent.trim(),
                           visible: box.bottom > 0 && box.top < innerHeight, hash: location.hash}; }"""
            )
            assert landed == {"tag": "TR", "key": last, "visible": True, "hash": "#claims-rules"}, (width, landed)
        finally:
            page.close()


FOCUSED = """() => { const el = document.activeElement, style = getComputedStyle(el);
    return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
            rerun: !!el.closest('details.herd-rerun') && el.tagName === 'SUMMARY', csv: el.matches('a.herd-csv'),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                     || style.boxShadow !== 'none'}; }"""


@pytest.mark.parametrize("page_path", BOOK_PAGES)
def test_each_chart_carries_its_description(pages, page_path):
    """Each drawn chart is announced with its description (the spec's, which herd writes from the rows it draws):
    vega-embed puts it in the aria-label of the chart's graphics document."""
    shown = pages.dom(page_path)
    labels = shown.page.evaluate(
        """() => [...document.querySelectorAll('.vega-embed')].map(c => {
            const doc = c.querySelector('[role="graphics-document"]');
            return doc ? doc.getAttribute('aria-label') : null; })"""
    )
    specs = list(_chart_specs(page_path).values())
    assert len(labels) == len(specs), f"{page_path}: {len(labels)} charts drawn, {len(specs)} in the page"
    for i, (label, spec) in enumerate(zip(labels, specs)):
        assert label and label == spec.get("description"), f"{page_path}: chart {i} is announced as {label!r}"


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
def test_each_table_links_the_csv_of_the_numbers_it_shows(pages, page_path):
    blocks = _tables_with_links(pages.dom(page_path).page)
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
                if not shows(text, number):
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
def test_each_chart_links_the_csv_of_the_rows_it_draws(pages, page_path):
    from test_charts import dataset_matches

    specs = _chart_specs(page_path)
    if not specs:
        pytest.skip(f"{page_path} has no chart")
    links = pages.dom(page_path).page.evaluate(
        """() => [...document.querySelectorAll("[id^='altair-viz-']")].map(c => {
        let p = c.nextElementSibling; """
        """while (p && !(p.classList && p.classList.contains('herd-download'))) { p = p.nextElementSibling; }
        return [c.id, p ? [...p.querySelectorAll('a.herd-csv')].map(a => a.getAttribute('href')) : []]; })"""
    )
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


# A page a reader finishes: at the desktop width no page is taller than this (the claims page, once 89,000 px, folds
# its long records; every other page stays under the same bar).
MAX_PAGE_PX = 25_000


@pytest.mark.parametrize("page_path", PAGES)
def test_no_page_is_taller_than_a_reader_finishes(pages, page_path):
    height = pages.at(page_path, 1280).page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= MAX_PAGE_PX, f"{page_path}: {height:,} px tall at 1280 px, over the {MAX_PAGE_PX:,} px bar"


# Tables that fit: at 1280 px at most this many tables of the whole book, folded ones opened, are wider than their box
# and scroll sideways; in those the key column (the first) and any verdict column are in view before scrolling.
MAX_SCROLLING_TABLES = 5
VERDICT_HEADER = r"^(verdict|difference|decision)\b"
SCROLLING_TABLES = """(verdict) => {
    document.querySelectorAll('article details.herd-fold').forEach(d => { d.open = true; });
    const found = [];
    for (const box of document.querySelectorAll('article .herd-table-wrap, article .pst-scrollable-table-container')) {
        const table = box.querySelector('table');
        if (!table || box.scrollWidth <= box.clientWidth + 1) continue;
        const edge = box.getBoundingClientRect().right + 1;
        const heads = [...table.querySelectorAll('thead th')];
        const hidden = heads.filter((th, i) => (i === 0 || new RegExp(verdict).test(th.textContent.trim()))
            && th.getBoundingClientRect().right > edge).map(th => th.textContent.trim());
        const caption = box.closest('.herd-table-block')?.querySelector('.herd-caption')?.textContent || '';
        found.push({table: (caption || heads.map(th => th.textContent.trim()).join(', ')).slice(0, 80),
                    width: box.scrollWidth, box: box.clientWidth, hidden});
    }
    return found;
}"""


def test_few_tables_scroll_and_none_hides_its_key_or_verdict(server, browser):
    """Every page at 1280 px, its folded tables opened (in a page of its own, so the shared pages stay closed): the
    tables wider than their box, at most MAX_SCROLLING_TABLES, and in each the first column and the verdict columns
    in view."""
    scrolling = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for page_path in BOOK_PAGES:  # the site's index.html only sends the reader on to book/index.html
            page.goto(f"{server}/{page_path}", wait_until="load")
            page.evaluate(TWO_FRAMES)
            scrolling += [dict(t, page=page_path) for t in page.evaluate(SCROLLING_TABLES, VERDICT_HEADER)]
    finally:
        page.close()
    listed = "\n".join(f"{t['page']}: {t['table']} ({t['width']} px in {t['box']} px)" for t in scrolling)
    assert len(scrolling) <= MAX_SCROLLING_TABLES, f"{len(scrolling)} tables scroll sideways at 1280 px:\n{listed}"
    hiding = [f"{t['page']}: {t['table']} hides {t['hidden']}" for t in scrolling if t["hidden"]]
    assert not hiding, "\n".join(hiding)
