"""The runner: one-way conversion, papermill execution, clean metadata, skip when
nothing changed, clear failures, and an atomic book swap."""
import json
import textwrap

import pytest

from herd import build

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---
    """)


def _project(tmp_path, body: str, params: str = "") -> build.Notebook:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "facts.csv").write_text("x\n1\n")
    (tmp_path / "notebooks" / "demo.md").write_text(HEADER + textwrap.dedent(body))
    if params:
        (tmp_path / "notebooks" / "parameters.yml").write_text(textwrap.dedent(params))
    return build.notebooks(tmp_path)[0]


GOOD = """
    # Demo

    ```{code-cell} ipython3
    :tags: [parameters]
    n = 2
    ```

    ```{code-cell} ipython3
    print(open("data/facts.csv").read().split()[1] * n)
    ```
    """


def test_execute_writes_clean_notebook_and_skips_when_unchanged(tmp_path, capsys):
    nb = _project(tmp_path, GOOD, "demo:\n  n: 3\n")
    ran = build.run_notebooks(tmp_path)
    assert set(ran) == {"demo"}
    out = json.loads(nb.executed.read_text())
    assert out["cells"][-1]["outputs"][0]["text"] == ["111\n"]  # parameter injected from parameters.yml
    raw = nb.executed.read_text()
    for volatile in ("start_time", "duration", "papermill\": {", "iopub"):
        assert volatile not in raw
    assert out["metadata"]["herd"]["inputs_sha256"] == build.input_hash(tmp_path, nb)
    first = nb.executed.read_bytes()
    assert build.run_notebooks(tmp_path) == {}
    assert "up to date" in capsys.readouterr().out
    # forced re-execution with the same inputs gives the same file, byte for byte
    build.run_notebooks(tmp_path, force=True)
    assert nb.executed.read_bytes() == first
    # a change in the data re-executes
    (tmp_path / "data" / "facts.csv").write_text("x\n2\n")
    assert set(build.run_notebooks(tmp_path)) == {"demo"}
    assert json.loads(nb.executed.read_text())["cells"][-1]["outputs"][0]["text"] == ["222\n"]
    assert json.loads((tmp_path / "book" / "execution.json").read_text())["demo"]["seconds"] >= 0


def test_failing_cell_names_notebook_cell_and_error(tmp_path):
    nb = _project(tmp_path, """
        ```{code-cell} ipython3
        x = 1
        ```

        ```{code-cell} ipython3
        raise ValueError("the data said no")
        ```
        """)
    (tmp_path / "book").mkdir()
    nb.executed.write_text("previous good notebook")
    with pytest.raises(build.BuildError) as info:
        build.run_notebooks(tmp_path)
    message = str(info.value)
    assert "notebooks/demo.md" in message and "cell 1" in message
    assert "ValueError: the data said no" in message
    assert nb.executed.read_text() == "previous good notebook"


def test_unknown_parameter_is_rejected(tmp_path):
    _project(tmp_path, GOOD, "demo:\n  m: 3\n")
    with pytest.raises(build.BuildError, match="no parameter.*m.*declares: n"):
        build.run_notebooks(tmp_path)


def test_parameters_for_a_missing_notebook(tmp_path):
    with pytest.raises(build.BuildError, match="unknown notebook.*ghost"):
        _project(tmp_path, GOOD, "ghost:\n  n: 3\n")


def test_clean_gives_altair_ids_stable_names():
    nb = {
        "metadata": {"papermill": {"duration": 1.0}},
        "cells": [{"cell_type": "code", "id": "abc", "metadata": {"execution": {"iopub.status.busy": "t"}, "tags": []},
                   "outputs": [{"data": {"text/html": ['<div id="altair-viz-0123456789abcdef0123456789abcdef"></div>',
                                                        'getElementById("altair-viz-0123456789abcdef0123456789abcdef")']}}]}],
    }
    out = build.clean(nb, "demo")
    assert "papermill" not in out["metadata"] and "execution" not in out["cells"][0]["metadata"]
    html = "".join(out["cells"][0]["outputs"][0]["data"]["text/html"])
    assert html.count("altair-viz-demo-1") == 2 and "0123456789" not in html


@pytest.mark.parametrize(
    "toc, page",
    [
        ("format: jb-book\nroot: index\nchapters:\n  - file: missing_page\n", "# Index\n"),  # an error
        ("format: jb-book\nroot: index\n", "# Index\n\nSee {ref}`no-such-label`.\n"),  # only a warning
    ],
    ids=["error", "warning"],
)
def test_failed_book_build_keeps_last_good_book(tmp_path, toc, page):
    (tmp_path / "_config.yml").write_text("title: t\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: 'off'\n")
    (tmp_path / "_toc.yml").write_text(toc)
    (tmp_path / "index.md").write_text(page)
    good = tmp_path / "_build" / "html"
    good.mkdir(parents=True)
    (good / "index.html").write_text("last good book")
    with pytest.raises(build.BuildError, match="last good book in _build/html is untouched"):
        build.build_book(tmp_path)
    assert (good / "index.html").read_text() == "last good book"
    assert not list(tmp_path.glob("_build.*"))


def test_successful_book_build_swaps_in_and_then_skips(tmp_path, capsys):
    (tmp_path / "_config.yml").write_text("title: t\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: 'off'\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (tmp_path / "index.md").write_text("# Index\n\nHello.\n")
    (tmp_path / "_build" / "html").mkdir(parents=True)
    (tmp_path / "_build" / "html" / "index.html").write_text("old")
    assert build.build_book(tmp_path) is True
    assert "Hello." in (tmp_path / "_build" / "html" / "index.html").read_text()
    assert build.build_book(tmp_path) is False
    assert "book: up to date" in capsys.readouterr().out
