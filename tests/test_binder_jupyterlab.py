"""The Binder environment with its real client: JupyterLab driven in Chromium.

Run by ``make test-binder``, which builds the environment the way repo2docker does
(``binder/local-env``: a fresh virtual environment, ``binder/apt.txt``,
``pip install -r binder/requirements.txt``, ``binder/postBuild``), names it in
``HERD_BINDER_ENV`` and runs this file with the network closed (loopback only). Without
``HERD_BINDER_ENV`` (plain ``make test``) it is skipped.

The test serves a copy of the repository with the environment's JupyterLab on 127.0.0.1,
opens the chapter the book's launch button opens (the ``urlpath`` of its Binder link),
runs every cell, changes a parameter, runs them again and saves. It fails if the file
opens as text, a cell errors, a chart draws no marks, a request leaves 127.0.0.1, or the
save changes the text notebook anywhere but the edited parameter. Screenshots go to
``_build/screenshots/binder-*.png``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from herd.book import pdf

ENV = os.environ.get("HERD_BINDER_ENV")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "_build" / "screenshots"
CHAPTER = "benchmarks"
# The changed parameter: the chapter re-run about another focus model.
PARAMETER = ('focus_model = "llama-3.1-405b-instruct"', 'focus_model = "llama-3.1-70b-instruct"')
CHANGED_NAME = "Llama 3.1 70B Instruct"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not ENV, reason="the Binder environment is tested by `make test-binder` (HERD_BINDER_ENV names it)"
    ),
]


def launch_path(chapter: str) -> str:
    """The ``urlpath`` of the Binder launch button on the chapter's page of the built book."""
    page = ROOT / "_build" / "html" / "book" / f"{chapter}.html"
    assert page.exists(), f"{page}: no built book; run `make book` first"
    links = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', page.read_text())
    assert links, f"{page}: no Binder launch button"
    return html.unescape(links[0]).split("?urlpath=", 1)[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tracked_copy(dest: Path) -> Path:
    """The repository's tracked files (as in the working tree), like the image's copy."""
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    )
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    env = Path(ENV).resolve()
    assert (env / "bin" / "jupyter-lab").exists(), f"{env}: no JupyterLab; build it with binder/local-env"
    repo = _tracked_copy(tmp_path_factory.mktemp("repo"))
    home = tmp_path_factory.mktemp("home")
    port = _free_port()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "IPYTHON"))},
        "PATH": f"{env / 'bin'}:{os.environ['PATH']}",
        "HOME": str(home),  # no user settings, kernels or workspaces: only what postBuild installed
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "IPYTHONDIR": str(home / ".ipython"),
    }
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [
            str(env / "bin" / "jupyter-lab"),
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={repo}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.port_retries=0",
            "--allow-root",
            "--LabApp.expose_app_in_browser=True",
        ],  # the test reads cell states from window.jupyterapp
        cwd=repo,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start:\n{(home / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield {"url": url, "repo": repo, "log": home / "lab.log"}
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium not found: install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as p:
        # JupyterLab defers work to animation frames: keep the headless page rendering as a visible one does.
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
            ],
        )
        yield b
        b.close()


# -------------------------------------------------------------- driving JupyterLab


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()


NOTEBOOK = "window.jupyterapp.shell.currentWidget"
STATE = f"""() => {{
    const panel = {NOTEBOOK};
    const cells = [...panel.content.model.cells].filter(c => c.type === 'code');
    return {{kernel: panel.sessionContext.session?.kernel?.status ?? 'none',
             counts: cells.map(c => c.executionCount)}};
}}"""


def _run_all(page, timeout_s: float = 180) -> None:
    """Run → Run All Cells (the menu), then wait until every code cell has run once more
    (a new execution count) and the kernel is idle."""
    before = max([c or 0 for c in page.evaluate(STATE)["counts"]], default=0)
    page.locator(".jp-NotebookPanel .jp-Cell .jp-InputPrompt").first.click()  # the notebook is the active widget
    page.keyboard.press("Escape")
    _menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + timeout_s
    while True:
        state = page.evaluate(STATE)
        if state["kernel"] == "idle" and all(c is not None and c > before for c in state["counts"]):
            return
        if time.monotonic() > deadline:
            _shot(page, "run-failed")
            pytest.fail(
                f"Run All did not finish in {timeout_s:.0f} s: {state} (screenshot {SHOTS / 'binder-run-failed.png'})"
            )
        page.wait_for_timeout(500)


def _save(page, saved: Path, before: float) -> None:
    """File → Save (the notebook's save command); waits until the paired notebook is written."""
    page.evaluate("() => { window.jupyterapp.commands.execute('docmanager:save'); }")
    deadline = time.monotonic() + 30
    while not (saved.exists() and saved.stat().st_mtime > before):
        if time.monotonic() > deadline:
            _shot(page, "save-failed")
            pytest.fail(f"{saved}: not written by the save (screenshot {SHOTS / 'binder-save-failed.png'})")
        page.wait_for_timeout(200)  # (not time.sleep: the page's requests pass through this process's route handler)
    page.wait_for_timeout(1000)  # both files of the pair are written


def _errors(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return [
        f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
        for i, c in enumerate(cells)
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def _charts(page) -> list[dict]:
    """Every chart in the notebook, scrolled into view: its size and how many coloured pixels it drew."""
    charts = page.locator(".jp-NotebookPanel .jp-OutputArea-output .vega-embed")
    found = []
    for i in range(charts.count()):
        chart = charts.nth(i)
        for _ in range(2):  # cells above may change height as they come into view
            chart.evaluate("el => el.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(400)
        chart.locator("canvas.marks, svg.marks").first.wait_for(timeout=20000)
        found.append(
            chart.evaluate(
                """(el) => {
                const surface = el.querySelector('canvas.marks, svg.marks');
                const box = surface.getBoundingClientRect();
                let coloured = 0;
                if (surface.tagName.toLowerCase() === 'canvas') {
                    const d = surface.getContext('2d').getImageData(0, 0, surface.width, surface.height).data;
                    for (let i = 0; i < d.length; i += 4) {
                        const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
                        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;  """
                """// not white, grey or black
                    }
                } else {
                    coloured = surface.querySelectorAll("""
                """'.mark-rect path, .mark-symbol path, .mark-rule line, .mark-line path').length;
                }
                return {width: box.width, height: box.height, coloured};
            }"""
            )
        )
    return found


def _scroll_to(page, selector: str) -> None:
    for _ in range(2):
        page.locator(selector).first.evaluate("el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"binder-{name}.png"
    page.screenshot(path=str(path))
    return path


def test_launched_chapter_opens_as_notebook_runs_and_draws(lab, browser):
    repo, url = lab["repo"], lab["url"]
    urlpath = launch_path(CHAPTER)
    assert urlpath == f"lab/tree/notebooks/{CHAPTER}.md", f"the launch button opens {urlpath}"
    text = repo / "notebooks" / f"{CHAPTER}.md"
    original = text.read_text()
    paired = repo / "notebooks" / f"{CHAPTER}.ipynb"

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = pdf.confine(page, url, url.replace("http", "ws", 1))
    page.bring_to_front()
    page.goto(f"{url}/{urlpath}", wait_until="domcontentloaded")

    # It opens as a notebook (jupytext's view), not in the text editor.
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60000)
    assert page.locator(".jp-FileEditor").count() == 0, "the text notebook opened in the text editor"
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current").inner_text()
    assert f"{CHAPTER}.md" in tab
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell').length > 5", timeout=30000
    )
    page.wait_for_function(
        f"() => ({STATE})().kernel === 'idle'", timeout=60000
    )  # as a reader waits for "Python 3 | Idle"
    _shot(page, f"{CHAPTER}-opened")

    # Run every cell; save; the paired notebook has every output and no error.
    _run_all(page)
    started = time.time()
    _save(page, paired, started - 1)
    assert _errors(paired) == []
    charts = _charts(page)
    assert charts, "no chart in the notebook"
    for i, c in enumerate(charts):
        # a blank chart has no coloured pixel at all (axes, grid and text are grey); a chart whose
        # marks are mostly grey (unresolved gaps) still draws a few dozen coloured ones
        assert c["width"] > 50 and c["height"] > 50 and c["coloured"] > 20, f"chart {i} drew no marks: {c}"
    _scroll_to(page, ".jp-NotebookPanel .vega-embed")
    _shot(page, f"{CHAPTER}-chart")
    assert text.read_text() == original, "a save without edits changed the text notebook"
    first_run = paired.read_text()

    # Change one parameter in the parameters cell and run the chapter again from the top.
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell", has_text=PARAMETER[0]).first
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    source = cell.locator(".cm-content").inner_text()
    assert PARAMETER[0] in source
    page.keyboard.insert_text(source.replace(*PARAMETER))
    _run_all(page)
    _save(page, paired, time.time() - 1)
    assert _errors(paired) == []
    second_run = paired.read_text()
    assert CHANGED_NAME in second_run and CHANGED_NAME not in first_run, (
        "the changed parameter did not reach the outputs"
    )
    # The numbers the book writes into sentences are shown under the cells that glue them.
    assert f"`focus_name` {CHANGED_NAME}" in second_run
    charts = _charts(page)
    for i, c in enumerate(charts):
        assert c["width"] > 50 and c["height"] > 50 and c["coloured"] > 20, (
            f"chart {i} drew no marks after the change: {c}"
        )
    _scroll_to(page, ".jp-NotebookPanel .vega-embed")
    _shot(page, f"{CHAPTER}-changed")

    numbers = page.locator(".jp-NotebookPanel .jp-OutputArea-output", has_text="Numbers for the text").last
    numbers.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(500)
    _shot(page, f"{CHAPTER}-numbers")

    # The save wrote the edit and nothing else into the text notebook (no jupytext version,
    # no kernel display name).
    assert text.read_text() == original.replace(*PARAMETER)
    assert outside == [], f"requests leaving 127.0.0.1: {outside}"
    page.close()
