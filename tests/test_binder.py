"""Binder's files, the launch link, the chart renderer by context and the glued numbers
shown in Jupyter. The environment itself, in JupyterLab and Chromium, is tested by
tests/test_binder_jupyterlab.py (`make test-binder`)."""

import json
import re
import sys
from types import SimpleNamespace

import altair as alt
import pytest
import yaml

from conftest import ROOT
from herd.book import jupyter
from herd.presentation import charts

sys.path.insert(0, str(ROOT / "_ext"))
import launch  # noqa: E402  (the Sphinx extension, a plain module in _ext/)


def _pins(path):
    return dict(
        line.strip().split("==", 1)
        for line in path.read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#", "-"))
    )


def test_binder_installs_the_build_pins_plus_the_jupyter_ui():
    build, binder = _pins(ROOT / "requirements.lock"), _pins(ROOT / "binder" / "requirements.txt")
    assert {name: binder.get(name) for name in build} == build  # every pin of the book, the same version
    for ui in ("jupyterlab", "jupyter-server", "notebook", "anywidget", "vl-convert-python", "jupytext"):
        assert ui in binder, f"binder/requirements.txt does not pin {ui}"


def test_every_binder_requirement_is_pinned_so_pip_and_uv_install_the_same():
    # binder/local-env installs with uv where `make test-binder` gives it one, Binder with pip: the same
    # environment only because no line leaves the resolver a choice
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith((" ", "#"))
    ]
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9._\[\],-]+==[A-Za-z0-9.+!-]+", line)]
    assert lines and not loose, f"binder/requirements.txt: lines without an exact pin: {loose[:5]}"


def test_post_build_installs_herd_its_settings_and_kernel():
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "requirements-nodeps.txt" in post and "-e ." in post
    assert "jupyter server extension enable" not in post  # jupytext's wheel enables jupyterlab_jupytext
    assert 'cp binder/overrides.json "$settings/overrides.json"' in post
    assert '--name python3 --display-name "Python 3"' in post
    assert '"herd.jupyter"' in post
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Jupytext Notebook"


def test_binder_apt_packages_are_the_build_texts():
    apt = set((ROOT / "binder" / "apt.txt").read_text().split())
    makefile = (ROOT / "Makefile").read_text()
    debian = next(line for line in makefile.splitlines() if line.startswith("DEBIAN_TEXTS"))
    assert set(debian.split(":=")[1].split()) == apt


def test_text_notebooks_front_matter_is_what_a_save_in_binder_writes():
    """JupyterLab records the kernelspec as name, display_name, language; Binder's kernel is
    'Python 3'; jupytext.toml drops the jupytext version. So a save leaves the front matter alone."""
    config = (ROOT / "notebooks" / "jupytext.toml").read_text()
    assert 'notebook_metadata_filter = "-jupytext.text_representation.jupytext_version"' in config
    for text in sorted((ROOT / "notebooks").glob("*.md")):
        front = text.read_text().split("---\n")[1]
        assert "jupytext_version" not in front, text.name
        assert "kernelspec:\n  name: python3\n  display_name: Python 3\n  language: python\n" in front, text.name


def test_launch_buttons_point_at_the_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"].startswith("https://github.com/")
    assert config["launch_buttons"]["binderhub_url"].startswith("https://")
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["sphinx"]["local_extensions"]["launch"] == "_ext"


def test_launch_rewrite_opens_the_text_notebook(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks" / "x.md").write_text("# x\n")
    executed = tmp_path / "book" / "x.ipynb"
    executed.write_text(json.dumps({"metadata": {"herd": {"source": "notebooks/x.md"}}, "cells": []}))
    assert launch.text_notebook(executed, tmp_path) == "notebooks/x.md"
    buttons = [
        {"label": "download-buttons", "buttons": [{"url": "_sources/book/x.ipynb"}]},
        {
            "label": "launch-buttons",
            "buttons": [{"text": "Binder", "url": "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/book/x.ipynb"}],
        },
    ]
    assert launch.rewrite(buttons, "book/x.ipynb", "notebooks/x.md") == 1
    assert buttons[1]["buttons"][0]["url"].endswith("?urlpath=lab/tree/notebooks/x.md")
    assert buttons[0]["buttons"][0]["url"] == "_sources/book/x.ipynb"  # only launch links change
    # a recorded source that is missing is an error, not a link to nothing
    executed.write_text(json.dumps({"metadata": {"herd": {"source": "notebooks/gone.md"}}}))
    with pytest.raises(FileNotFoundError, match="gone.md"):
        launch.text_notebook(executed, tmp_path)
    assert launch.text_notebook(tmp_path / "book" / "page.md", tmp_path) is None


def test_built_book_launches_each_chapter_text_notebook():
    html_dir = ROOT / "_build" / "html" / "book"
    if not html_dir.exists():
        pytest.skip("no built book: run `make book` first (make test always builds it)")
    chapters = sorted(p.stem for p in (ROOT / "notebooks").glob("*.md"))
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].split("github.com/")[1]
    for chapter in chapters:
        page = (html_dir / f"{chapter}.html").read_text()
        links = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', page)
        # the launch button, and the "Re-run this chapter" box of a page with parameters
        assert links and set(links) == {
            f"https://mybinder.org/v2/gh/{url}/main?urlpath=lab/tree/notebooks/{chapter}.md"
        }, chapter


# ------------------------------------------------------------------ chart renderer


def test_renderer_is_html_outside_a_jupyter_server():
    assert charts.chart_renderer({}) == "html"
    assert charts.chart_renderer({"JPY_PARENT_PID": "1"}) == "html"  # papermill's and nbval's kernels


def test_renderer_is_the_offline_widget_inside_a_jupyter_server(monkeypatch):
    monkeypatch.setattr(charts.theme.importlib.util, "find_spec", lambda name: object())
    assert charts.chart_renderer({"JPY_SESSION_NAME": "/home/jovyan/notebooks/benchmarks.md"}) == "jupyter"


def test_renderer_falls_back_with_a_warning_without_the_widget_packages(monkeypatch):
    monkeypatch.setattr(
        charts.theme.importlib.util, "find_spec", lambda name: None if name == "vl_convert" else object()
    )
    with pytest.warns(UserWarning, match="vl_convert not installed"):
        assert charts.chart_renderer({"JPY_SESSION_NAME": "x.md"}) == "html"


def test_use_theme_enables_the_chosen_renderer(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    try:
        charts.use_theme()
        assert alt.renderers.active == "html" and alt.theme.active == charts.THEME
        charts.use_theme("jupyter")
        assert alt.renderers.active == "jupyter" and alt.renderers.options == {"offline": True}
        with pytest.raises(ValueError, match="renderer"):
            charts.use_theme("png")
    finally:
        alt.renderers.enable("html")


def test_book_chart_outputs_use_the_html_renderer():
    """The executed notebooks (papermill) carry html charts loading the vendored vega, no widgets."""
    for executed in sorted((ROOT / "book").glob("*.ipynb")):
        outputs = [o for c in json.loads(executed.read_text())["cells"] for o in c.get("outputs", [])]
        assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs), executed.name
    html = "".join(json.dumps(c) for c in json.loads((ROOT / "book" / "benchmarks.ipynb").read_text())["cells"])
    assert "vegaEmbed" in html and "altair-viz-benchmarks-1" in html


# ------------------------------------------------------------------ glued numbers in Jupyter


def _glue_message(name, data, prefix=jupyter.GLUE_PREFIX):
    return {
        "msg_type": "display_data",
        "content": {
            "data": {prefix + k: v for k, v in data.items()},
            "metadata": {"scrapbook": {"name": name, "mime_prefix": prefix}},
        },
    }


def test_glued_values_are_read_as_the_book_pastes_them():
    assert jupyter.glued(_glue_message("n_win", {"text/plain": "12"})) == ("n_win", "12")
    assert jupyter.glued(_glue_message("name", {"text/plain": "'Holm–Bonferroni'"})) == ("name", "Holm–Bonferroni")
    assert jupyter.glued(_glue_message("focus", {"text/plain": "<Markdown>", "text/markdown": "Llama 3.1 405B"})) == (
        "focus",
        "Llama 3.1 405B",
    )
    assert jupyter.glued(_glue_message("table", {"text/plain": "x" * 500}))[1] == "(shown in the book)"
    # a glue that displays its value (no prefix) and any other output are not collected
    assert jupyter.glued(_glue_message("shown", {"text/plain": "1"}, prefix="")) is None
    assert jupyter.glued({"msg_type": "stream", "content": {"text": "hi"}}) is None


def test_collector_shows_one_line_per_cell_and_sends_outputs_unchanged():
    shown = []
    collector = jupyter.GlueCollector(display=shown.append)
    message = _glue_message("n_win", {"text/plain": "12"})
    collector.reset()
    assert collector.hook(message) is message
    collector.hook(_glue_message("n_loss", {"text/plain": "3"}))
    collector.show()
    assert shown == ["**Numbers for the text** (the book writes them into the sentences): `n_win` 12 · `n_loss` 3"]
    collector.show()  # a cell that glues nothing shows nothing
    assert len(shown) == 1


def test_extension_is_inactive_outside_a_jupyter_server(monkeypatch):
    registered = []
    ipython = SimpleNamespace(
        display_pub=SimpleNamespace(register_hook=registered.append),
        events=SimpleNamespace(register=lambda *a: registered.append(a)),
    )
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    jupyter.load_ipython_extension(ipython)
    assert registered == []
    monkeypatch.setenv("JPY_SESSION_NAME", "/repo/notebooks/benchmarks.md")
    jupyter.load_ipython_extension(ipython)
    assert len(registered) == 3
