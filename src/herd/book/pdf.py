"""The PDF of an edition: its single-page HTML build printed offline by Debian's Chromium
(driven by Playwright, as the browser tests drive it), after every chart has drawn, with a
title page naming the edition and its commit, and page numbers.

Like the runner, this module knows nothing of the analysis. :func:`read` opens a PDF again
(pypdfium2) to check what was printed: its text, the pictures of its charts and any text past the right margin;
:func:`cut_tables` says what it lost of the tables the print showed (:data:`TABLES_PRINTED`).

Neither Playwright's synchronous API nor PDFium may be driven from several threads of one process, and the
editions are built side by side in threads; :func:`print_apart` therefore prints and reads each PDF in a
Python process of its own (``python -m herd.book.pdf``), so a crash there is an error naming the edition, not
the end of the whole build.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import threading
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

CHROMIUM_PATHS = ("chromium", "/usr/bin/chromium", "chromium-browser")
INSTALL_HINT = "install Debian's Chromium (sudo apt-get install chromium); no browser is ever downloaded"

# Each chart is a vega-embed container; drawn means its marks exist, have a size, and (for a
# canvas) are not a blank box.
CHARTS_DRAWN = (
    """() => [...document.querySelectorAll('.vega-embed')].every(c => c.querySelector('svg.marks, canvas.marks'))"""
)
CHART_REPORT = """() => [...document.querySelectorAll('.vega-embed')].map((c, i) => {
  const m = c.querySelector('svg.marks, canvas.marks');
  if (!m) return {index: i, drawn: false, why: 'no marks'};
  const box = m.getBoundingClientRect();
  let inked = 0;
  if (m.tagName.toLowerCase() === 'canvas') {
    const d = m.getContext('2d').getImageData(0, 0, m.width, m.height).data;
    for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 0 && (d[k] < 235 || d[k + 1] < 235 || d[k + 2] < 235)) inked++;
  } else {
    inked = m.querySelectorAll('path, rect, line, text, circle, symbol').length;
  }
  return {index: i, drawn: box.width > 50 && box.height > 50 && inked > 0, kind: m.tagName.toLowerCase(),
          width: box.width, height: box.height, inked: inked,
          // a title wrapped over several lines is one tspan per line: join them with spaces
          title: (() => { const t = m.querySelector('.role-title-text'); if (!t) return '';
                          const lines = [...t.querySelectorAll('tspan')].map(s => s.textContent);
                          return lines.length ? lines.join(' ') : t.textContent; })(),
          axes: [...m.querySelectorAll('.role-axis-title')].map(t => t.textContent.trim()).filter(t => t)};
})"""

MARGIN_MM = {"top": 16, "right": 14, "bottom": 18, "left": 14}
"""The printed page's margins (A4): no text may stand beyond the right one (:func:`read` lists what does)."""

PRINT_CSS = (
    f"""
@page {{ size: A4; margin: {" ".join(f"{MARGIN_MM[side]}mm" for side in ("top", "right", "bottom", "left"))}; }}"""
    """
html, body { background: #fff !important; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-content, .bd-footer-article,
.header-article, .prev-next-area, .bd-header-article, .toggle-details, .cell_input.docutils.container.tag_hide-input,
details.hide:not(.below-input), details.hide.below-input > summary, button.toggle-button, .headerlink,
.copybtn, #pst-back-to-top, .bd-search, .search-button-field,
.version-switcher__container, .skip-link, .vega-embed > details, .vega-actions { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-article, .bd-page-width { max-width: none !important; """
    """width: 100% !important;
  padding: 0 !important; margin: 0 !important; }
body { font-size: 10pt; }
table { font-size: 7.5pt; width: 100% !important; table-layout: auto; }
td, th { overflow-wrap: anywhere; }  /* a wide table wraps inside the page rather than being cut off */
.table-wrapper, .output, .cell_output { overflow: visible !important; max-height: none !important; }
details.hide.below-input { border: none; box-shadow: none; padding: 0; }  /* a folded output prints, unfolded */
pre { white-space: pre-wrap; word-break: break-word; font-size: 7.5pt; }
h2, h3 { break-after: avoid; }
.vega-embed, figure, img, svg { break-inside: avoid; max-width: 100%; }
.herd-chapter { break-before: page; }
.herd-title-page { break-after: page; display: flex; flex-direction: column; justify-content: center; """
    """min-height: 200mm; }
.herd-title-page h1 { font-size: 28pt; margin-bottom: 8mm; }
.herd-title-page p { font-size: 12pt; margin: 2mm 0; }
.herd-title-page .herd-summary { font-style: italic; margin-top: 6mm; }
.herd-title-page .herd-small { font-size: 9pt; color: #444; margin-top: 12mm; }
"""
)


# Every table of the book's pages, as printed: the book page it stands on (the single-page build's document marker
# before it), its number on that page, its caption (or its label), whether the print shows it (a folded output
# prints unfolded; nothing should hide a table), the text of its header cells and of the last cell of each body row.
# Read after the print styles apply.
TABLES_PRINTED = """() => {
  const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
  const shown = e => e.getClientRects().length > 0;
  const markers = [...document.querySelectorAll('[id^="document-"]')];
  const counts = {};
  return [...document.querySelectorAll('table')].filter(t => !t.closest('.herd-title-page')).map(t => {
    let page = '';
    for (const m of markers) {
      if (m.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) page = m.id.slice('document-'.length);
      else break;
    }
    counts[page] = (counts[page] || 0) + 1;
    const rows = [...t.rows].filter(shown);
    const head = rows.filter(r => r.parentElement.tagName === 'THEAD');
    const body = rows.filter(r => r.parentElement.tagName !== 'THEAD');
    const caption = t.caption ? t.caption.innerText : t.getAttribute('aria-label');
    return {page: page, number: counts[page], caption: norm(caption), printed: shown(t),
            headers: head.flatMap(r => [...r.cells].filter(shown).map(c => norm(c.innerText))).filter(h => h),
            last: body.map(r => [...r.cells].filter(shown).pop()).filter(c => c).map(c => norm(c.innerText))
                      .filter(v => v)};
  });
}"""


class PdfError(RuntimeError):
    """Printing an edition failed; the message says which step and why."""


@dataclass(frozen=True)
class TitlePage:
    """What the title page says about the edition."""

    title: str
    edition: str
    version: str
    commit: str
    date: str = ""
    summary: str = ""

    def html(self) -> str:
        """The title page as HTML, inserted before the book's contents when it is printed."""
        e = html.escape
        lines = [
            f"<h1>{e(self.title)}</h1>",
            f"<p><strong>Edition {e(self.edition)}</strong> (version {e(self.version)})</p>",
            f"<p>Commit <code>{e(self.commit)}</code></p>",
        ]
        if self.date:
            lines.append(f"<p>Released {e(self.date)}</p>")
        if self.summary:
            lines.append(f'<p class="herd-summary">{e(self.summary)}</p>')
        lines.append(
            '<p class="herd-small">Printed from the single-page HTML build of this edition. Every number in it is '
            "computed from the data package of the commit above; check out that commit and run <code>make book</code> "
            "to rebuild it.</p>"
        )
        return '<section class="herd-title-page">' + "".join(lines) + "</section>"


def chromium() -> str | None:
    """Path of Debian's Chromium, or None."""
    for name in CHROMIUM_PATHS:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """Path of Debian's Chromium; a PdfError saying how to install it when it is missing (checked before an
    edition's PDF is built, not after minutes of building it)."""
    found = chromium()
    if found is None:
        raise PdfError(f"the PDF is printed with Chromium, which is not installed: {INSTALL_HINT}")
    return found


def confine(page, *origins: str) -> list[str]:
    """Let the Playwright ``page`` reach only addresses that begin with one of ``origins``: every other request is
    refused and its address added to the list returned, which goes on filling while the page stays open (the PDF
    and the browser tests read it)."""
    refused: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(origins):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    return refused


def print_page(single: Path) -> Path:
    """The page to print in a single-page HTML build. Sphinx writes the root document at its
    own path (``book/index.html``) with links made for the output root, so it is copied there."""
    redirect = (single / "index.html").read_text(errors="replace")
    target = re.search(r"url=([^\"'>\s]+)", redirect)
    page = single / target.group(1) if target and "Refresh" in redirect else single / "index.html"
    if not page.exists():
        raise PdfError(f"{single}: no single-page HTML document ({page.name} missing)")
    out = single / "print.html"
    shutil.copyfile(page, out)
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def render(single: Path, out: Path, title: TitlePage, timeout_ms: int = 60000) -> dict:
    """Print the single-page HTML build in ``single`` to ``out`` (PDF). Served on 127.0.0.1 with
    every other address refused; every chart must have drawn before printing. Returns what was
    checked: the charts (each with ``drawn``), requests refused, and the tables printed (:data:`TABLES_PRINTED`),
    which :func:`cut_tables` looks for in the PDF."""
    from playwright.sync_api import sync_playwright

    browser_path = require_chromium()
    page_file = print_page(single)
    handler = functools.partial(_Quiet, directory=str(single))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=browser_path,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 1100, "height": 1400}, device_scale_factor=2)
                refused = confine(page, base)
                page.goto(f"{base}/{page_file.name}", wait_until="load", timeout=timeout_ms)
                try:
                    page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms)
                except Exception:
                    pass  # reported chart by chart below
                page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                charts = page.evaluate(CHART_REPORT)
                blank = [c for c in charts if not c["drawn"]]
                if blank:
                    raise PdfError(
                        f"{len(blank)} of {len(charts)} charts did not draw before printing: "
                        + "; ".join(
                            f"chart {c['index'] + 1} {c.get('title', '')!r} ({c.get('why', 'blank')})"
                            for c in blank[:5]
                        )
                    )
                page.add_style_tag(content=PRINT_CSS)
                page.evaluate(
                    """(titleHtml) => {
                    const printToc = document.querySelector('#jb-print-docs-body');  // the theme's contents list
                    if (printToc) printToc.insertAdjacentHTML('beforebegin', titleHtml);
                    else (document.querySelector('article.bd-article') || document.body)"""
                    """.insertAdjacentHTML('afterbegin', titleHtml);
                    document.querySelectorAll('[id^="document-"]').forEach(m => {
                        const next = m.nextElementSibling; if (next) next.classList.add('herd-chapter'); });
                    document.querySelectorAll('details').forEach(d => { """
                    """if (!d.classList.contains('hide') || d.classList.contains('below-input')) d.open = true; });
                }""",
                    title.html(),
                )
                page.evaluate("(t) => { document.title = t; }", f"{title.title} — edition {title.edition}")
                page.emulate_media(media="print")
                tables = page.evaluate(TABLES_PRINTED)
                footer = (
                    f'<div style="font-size:7.5pt;width:100%;padding:0 {MARGIN_MM["right"]}mm 0 {MARGIN_MM["left"]}mm;'
                    'color:#555;display:flex;justify-content:space-between">'
                    f"<span>{html.escape(title.title)} · edition {html.escape(title.edition)} · "
                    f"{html.escape(title.commit[:12])}</span>"
                    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
                )
                out.parent.mkdir(parents=True, exist_ok=True)
                tmp = out.with_suffix(".pdf.tmp")
                page.pdf(
                    path=str(tmp),
                    prefer_css_page_size=True,
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=footer,
                )
                tmp.replace(out)
                browser.close()
        finally:
            server.shutdown()
    return {"charts": charts, "refused": refused, "tables": tables}


@dataclass(frozen=True)
class Printed:
    """What a PDF holds: the text of each page, and for each picture on it whether it is blank."""

    pages: list[str]
    pictures: list[dict]
    paths: list[int]  # vector path objects on each page (charts print as vector paths)
    beyond: list[str]  # text that stands past the right margin: each line's page, text and where it ends

    @property
    def text(self) -> str:
        """The text of every page, whitespace collapsed to single spaces."""
        return re.sub(r"\s+", " ", " ".join(self.pages))


def read(path: Path, right_margin_mm: float = MARGIN_MM["right"]) -> Printed:
    """Open a PDF: the text of every page, its vector paths, for every picture (a chart printed from a canvas) its
    size and how many colours it holds (a blank box has one), and the text that stands past the right margin
    (:func:`past_margin`)."""
    import numpy as np
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(path))
    pages: list[str] = []
    pictures: list[dict] = []
    paths: list[int] = []
    beyond: list[str] = []
    try:
        for number, page in enumerate(doc, start=1):
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r", ""))
            beyond += past_margin(textpage, number, page.get_width(), right_margin_mm)
            paths.append(sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4)))
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                pixels = obj.get_bitmap(render=False).to_numpy()
                flat = pixels.reshape(-1, pixels.shape[-1]) if pixels.ndim == 3 else pixels.reshape(-1, 1)
                colours = len(np.unique(flat[:: max(1, len(flat) // 20000)], axis=0))
                pictures.append(
                    {"page": number, "width": pixels.shape[1], "height": pixels.shape[0], "colours": int(colours)}
                )
    finally:
        doc.close()
    return Printed(pages, pictures, paths, beyond)


def past_margin(textpage, number: int, width: float, margin_mm: float) -> list[str]:
    """The text of a PDF page (pypdfium2's ``textpage``, page ``number``, ``width`` points wide) whose characters end
    right of its right margin (``margin_mm``, less a point for rounding): one entry per run of such characters on a
    line, with the page, the run (after up to 30 characters of its line before it, for context) and where it ends."""
    limit = width - margin_mm / 25.4 * 72 + 1
    runs: list[list] = []  # [context, text, its line's bottom, where it ends]
    for i in range(textpage.count_chars()):
        left, bottom, right, _ = textpage.get_charbox(i)
        if right <= limit:
            continue
        char = textpage.get_text_range(i, 1)
        if not char.strip():
            continue
        if runs and abs(runs[-1][2] - bottom) < 2 and left - runs[-1][3] < 12:
            runs[-1][1] += char
            runs[-1][3] = right
            continue
        before = ""
        for j in range(i - 1, max(i - 31, -1), -1):  # the line before the run
            if abs(textpage.get_charbox(j)[1] - bottom) >= 2:
                break
            before = textpage.get_text_range(j, 1) + before
        runs.append([before, char, bottom, right])
    return [
        f"page {number}: {' '.join(before.split())[-30:]} [{text}] ends at {end:.0f} of {width:.0f} pt"
        for before, text, _, end in runs
    ]


_UNPRINTED = re.compile(r"[\s\u00ad\ufffe\u0002\-\u2010\u2011]+")


def _flat(text: str) -> str:
    """Text as compared between a table and the PDF: without whitespace and hyphens (a printed cell wraps its text
    over lines, and may break a word with a hyphen that PDFium reads as U+FFFE or U+0002), compatibility forms
    folded (a ligature is its letters)."""
    return _UNPRINTED.sub("", unicodedata.normalize("NFKC", text))


PAGE_BREAK_CHARS = 600
"""How much text may stand between the two parts of a cell that a page break splits: the page's footer and the
table's header row, which Chromium prints again at the top of the next page (without whitespace)."""


def _find(text: str, value: str, start: int) -> int:
    """Where ``value`` begins in ``text`` from ``start``, whole or split by a page break (its beginning, then its
    rest within :data:`PAGE_BREAK_CHARS`); -1 if it is not there."""
    at = text.find(value, start)
    if at >= 0 or len(value) < 2:
        return at
    for k in range(len(value) - 1, 0, -1):
        head = text.find(value[:k], start)
        if head < 0:
            continue
        if text.find(value[k:], head + k, head + k + PAGE_BREAK_CHARS + len(value) - k) >= 0:
            return head
    return -1


def cut_tables(tables: list[dict], printed: Printed) -> list[str]:
    """What the PDF lost of the book's ``tables`` (:data:`TABLES_PRINTED`): a table the print hides; each table's
    header cells and the values of its last column, looked for in the text of the PDF in the order the tables stand
    (each table from where the one before it begins; a cell may be split by a page break, :func:`_find`), each
    missing one named with its page, table and caption; then the text past the right margin (:func:`past_margin`)."""
    text = _flat(" ".join(printed.pages))
    problems, start = [], 0
    for table in tables:
        where = f"page {table['page'] or 'the first page'}, table {table['number']}" + (
            f" ({table['caption'][:60]})" if table["caption"] else ""
        )
        if not table.get("printed", True):
            problems.append(f"{where}: the print hides this table")
            continue
        found = []
        for kind, values in (("column header", table["headers"]), ("value of the last column", table["last"])):
            for value in dict.fromkeys(values):
                at = _find(text, _flat(value), start)
                if at < 0:
                    problems.append(f"{where}: {kind} {value[:80]!r} is not in the PDF")
                else:
                    found.append(at)
        start = min(found, default=start)
    return problems + [f"past the right margin: {b}" for b in printed.beyond]


REFUSED = 3
"""The exit code of ``python -m herd.book.pdf`` when the print was refused with a PdfError (its message on stdout)."""


def print_apart(single: Path, out: Path, title: TitlePage, timeout_ms: int = 60000) -> tuple[dict, Printed]:
    """:func:`render` then :func:`read`, in a Python process of its own (see the module's note); returns what
    :func:`render` checked and what :func:`read` found. A PdfError says how the process ended when it failed."""
    require_chromium()  # the clear error, before starting a process
    request = {"single": str(single), "out": str(out), "title": asdict(title), "timeout_ms": timeout_ms}
    proc = subprocess.run(
        [sys.executable, "-m", "herd.book.pdf"], input=json.dumps(request), capture_output=True, text=True
    )
    if proc.returncode == REFUSED:
        raise PdfError(json.loads(proc.stdout)["error"])
    if proc.returncode != 0:
        lines = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        ended = (
            f"was killed by {signal.Signals(-proc.returncode).name}"
            if proc.returncode < 0
            else f"exited with code {proc.returncode}"
        )
        raise PdfError(
            f"printing {out.name} from {single}: its process {ended}; last lines:\n" + "\n".join(lines[-15:])
        )
    answer = json.loads(proc.stdout)
    return answer["report"], Printed(**answer["printed"])


def _main() -> None:
    """Print one PDF as :func:`print_apart` asks on stdin; answer on stdout in JSON."""
    request = json.loads(sys.stdin.read())
    out = Path(request["out"])
    try:
        report = render(Path(request["single"]), out, TitlePage(**request["title"]), request["timeout_ms"])
    except PdfError as exc:
        json.dump({"error": str(exc)}, sys.stdout)
        sys.exit(REFUSED)
    json.dump({"report": report, "printed": asdict(read(out))}, sys.stdout)


if __name__ == "__main__":
    _main()
