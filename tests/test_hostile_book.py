"""Markup in the data never runs in the book.

A small book (the *Data and sources* and *Benchmarks* chapters, executed by the runner and built by
Jupyter Book with the book's own configuration and extensions) is made from a copy of the data package
whose model and benchmark names, source titles, publishers, notes and footnotes carry HTML and script:
a ``</script>`` that would end the block holding a chart's data, an ``<img onerror>``, an HTML comment
opener, and a web address with a quote in it. Opened in Debian's Chromium, no page may run any of it
(each payload would record itself in ``window.__pwned`` or open a dialog), every chart must still draw,
and no link may lead anywhere but a web address or a page of the book."""

import functools
import http.server
import shutil
import socketserver
import threading
from pathlib import Path

import pytest

from conftest import DATA, ROOT, edit_csv
from herd.base import params
from herd.book import build, chapters

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHAPTERS = ("data", "benchmarks")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Chromium not found: install Debian's chromium (apt-get install chromium) to run the browser tests",
    ),
    pytest.mark.skipif(
        not (ROOT / "_static" / "vendor" / "vega-bundle.js").exists(),
        reason="no vendored vega: run `make vendor` (or `make book`) first",
    ),
]


def payload(where: str) -> str:
    """Markup that records ``where`` in ``window.__pwned`` if it ever runs, by each way markup can run:
    a script block's end followed by a new script, an image whose error handler runs, and an HTML
    comment opener (which, inside a script block, would swallow the scripts after it)."""
    mark = f"(window.__pwned=window.__pwned||[]).push('{where}')"
    return f'</script><script>{mark}</script><img src=x onerror="{mark}"><!--<script>'


def _lines(file: Path) -> range:
    """The lines of a CSV's rows (the header is line 1)."""
    return range(2, len(file.read_text(encoding="utf-8").splitlines()) + 1)


def _hostile_data(dest: Path) -> None:
    shutil.copytree(DATA, dest)
    for line in _lines(dest / "models.csv"):
        edit_csv(dest / "models.csv", line, "name", f"Model {line}{payload(f'model name {line}')}")
    for line in _lines(dest / "benchmarks.csv"):
        edit_csv(dest / "benchmarks.csv", line, "name", f"Bench {line}{payload(f'benchmark name {line}')}")
    edit_csv(dest / "benchmarks.csv", 2, "size_note", "a note" + payload("size note"))
    for line in _lines(dest / "sources.csv"):
        edit_csv(dest / "sources.csv", line, "title", f"Source {line}{payload(f'source title {line}')}")
        edit_csv(dest / "sources.csv", line, "publisher", "Pub" + payload(f"publisher {line}"))
        edit_csv(dest / "sources.csv", line, "url", f"https://example.org/{line}?q='onmouseover='alert({line})")
    edit_csv(dest / "score_tables.csv", 2, "compares", "models" + payload("score table compares"))
    edit_csv(dest / "scores.csv", 2, "footnote", "note" + payload("footnote"))


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    _hostile_data(root / "data")
    for name in ("_config.yml", "CITATION.cff"):
        shutil.copy(ROOT / name, root / name)
    for folder in ("_ext", "_static"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "notebooks").mkdir()
    (root / "book").mkdir()
    schema = params.load_schema(ROOT / "notebooks" / "parameters.yml")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: book/data\nchapters:\n" + "".join(f"  - file: book/{c}\n" for c in CHAPTERS[1:])
    )
    for chapter in CHAPTERS:
        text = root / "notebooks" / f"{chapter}.md"
        shutil.copy(ROOT / "notebooks" / f"{chapter}.md", text)
        nb = chapters.Notebook(chapter, text, root / "book" / f"{chapter}.ipynb", schema.get(chapter, {}))
        build.execute(root, nb, "hostile")
    shutil.copy(ROOT / "notebooks" / "parameters.yml", root / "notebooks" / "parameters.yml")
    build.write_switcher(root / "_build" / "edition", build.switcher(["dev"]))
    # not strict: links to the chapters this small book leaves out are warnings, not what is tested
    return build.jupyter_book(root, root / "out", "html", strict=False)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def visit(book: Path) -> dict[str, list[str]]:
    """For each chapter of the built book in Chromium: what ran from the data (the payloads' marks and
    any dialog), the schemes of links that are neither web addresses nor pages of the book, and
    charts that did not draw."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(book))
    found: dict[str, list[str]] = {}
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
                )
                for chapter in CHAPTERS:
                    page = browser.new_page(viewport={"width": 1280, "height": 1600})
                    dialogs: list[str] = []
                    page.on("dialog", lambda d, seen=dialogs: (seen.append(f"dialog {d.message}"), d.dismiss()))
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                    page.goto(f"{base}/book/{chapter}.html", wait_until="load")
                    problems = []
                    try:
                        page.wait_for_function(
                            "() => document.querySelectorAll('.vega-embed').length > 0 && "
                            "[...document.querySelectorAll('.vega-embed')]"
                            ".every(c => c.querySelector('svg.marks, canvas.marks'))",
                            timeout=30000,
                        )
                    except Exception:
                        problems.append("its charts did not draw")
                    # hover every link, as a reader would: an injected event handler would run now
                    for link in page.locator("article a[href]").all()[:400]:
                        link.dispatch_event("mouseover")
                    page.wait_for_timeout(500)
                    problems += page.evaluate("() => window.__pwned || []") + dialogs
                    schemes = page.evaluate(
                        "() => [...new Set([...document.querySelectorAll('a[href]')]"
                        ".map(a => new URL(a.href, location).protocol))]"
                    )
                    problems += [f"a link to {s}" for s in schemes if s not in ("http:", "https:")]
                    found[chapter] = problems
                    page.close()
                browser.close()
        finally:
            server.shutdown()
    return found


def test_markup_in_the_data_never_runs_in_the_book(hostile_book):
    found = visit(hostile_book)
    assert found == {c: [] for c in CHAPTERS}, f"markup from the data ran in the book: {found}"
