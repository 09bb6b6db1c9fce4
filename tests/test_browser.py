"""The built book in a real browser (Debian's Chromium driven by Playwright), served on
127.0.0.1 with every other address blocked: each page loads without console errors or
outside requests, and every chart draws its marks. Screenshots go to _build/screenshots/."""
import functools
import http.server
import shutil
import socketserver
import threading
from pathlib import Path

import pytest

from conftest import ROOT

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = sorted(str(p.relative_to(HTML)) for p in [HTML / "index.html", *(HTML / "book").glob("*.html")]) if HTML.exists() else []

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not found: install Debian's chromium (apt-get install chromium) to run the browser tests"),
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
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
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
            "() => [...document.querySelectorAll('.vega-embed')].every(c => c.querySelector('svg.marks, canvas.marks'))", timeout=20000)
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
    page.wait_for_selector(".version-switcher__menu a, .version-switcher__menu .list-group-item", state="attached", timeout=10000)
    listed = page.locator(".version-switcher__menu a").all_text_contents()
    expected = [e["name"] for e in json.loads((HTML / "switcher.json").read_text())]
    assert [t.strip() for t in listed] == expected
    assert "dev" in page.locator(".version-switcher__button").inner_text()
    page.close()
