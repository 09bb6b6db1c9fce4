"""The runner: one-way conversion, papermill execution, clean metadata, skip when
nothing changed, clear failures, and an atomic book swap."""

import json
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from herd.book import build, chapters

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


def _project(tmp_path, body: str, params: str = "") -> chapters.Notebook:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "facts.csv").write_text("x\n1\n")
    (tmp_path / "notebooks" / "demo.md").write_text(HEADER + textwrap.dedent(body))
    if params:
        (tmp_path / "notebooks" / "parameters.yml").write_text(textwrap.dedent(params))
    return chapters.notebooks(tmp_path)[0]


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


@pytest.mark.slow
def test_execute_writes_clean_notebook_and_skips_when_unchanged(tmp_path, capsys):
    nb = _project(tmp_path, GOOD, "demo:\n  n: {type: int, default: 2, help: times}\n")
    ran = build.run_notebooks(tmp_path)
    assert set(ran) == {"demo"}
    out = json.loads(nb.executed.read_text())
    assert out["cells"][-1]["outputs"][0]["text"] == ["11\n"]  # the parameters cell's default: nothing injected
    assert not any("injected-parameters" in c["metadata"].get("tags", []) for c in out["cells"])
    raw = nb.executed.read_text()
    for volatile in ("start_time", "duration", 'papermill": {', "iopub"):
        assert volatile not in raw
    assert out["metadata"]["herd"]["inputs_sha256"] == chapters.input_hash(tmp_path, nb)
    first = nb.executed.read_bytes()
    assert build.run_notebooks(tmp_path) == {}
    assert "up to date" in capsys.readouterr().out
    # forced re-execution with the same inputs gives the same file, byte for byte
    build.run_notebooks(tmp_path, force=True)
    assert nb.executed.read_bytes() == first
    # a change in the data re-executes
    (tmp_path / "data" / "facts.csv").write_text("x\n2\n")
    assert set(build.run_notebooks(tmp_path)) == {"demo"}
    assert json.loads(nb.executed.read_text())["cells"][-1]["outputs"][0]["text"] == ["22\n"]
    logged = json.loads((tmp_path / "book" / "execution.json").read_text())["demo"]
    assert logged["seconds"] >= 0 and logged["start_time"] <= logged["end_time"]
    assert logged["start_time"].endswith("+00:00")  # when it ran, in UTC, for the edition's research object


@pytest.mark.slow  # starts a kernel: 2 to 4 s of processor time
def test_failing_cell_names_the_line_of_the_text_notebook(tmp_path):
    nb = _project(
        tmp_path,
        """
        ```{code-cell} ipython3
        x = 1
        ```

        Some prose.

        ```{code-cell} ipython3
        :tags: [hide-input]

        y = x + 1
        raise ValueError("the data said no")
        ```
        """,
    )
    (tmp_path / "book").mkdir()
    nb.executed.write_text("previous good notebook")
    with pytest.raises(build.BuildError) as info:
        build.run_notebooks(tmp_path)
    message = str(info.value)
    md = nb.text.read_text().splitlines()
    line = md.index('raise ValueError("the data said no")') + 1
    assert message.startswith(f"notebooks/demo.md, line {line}: ValueError: the data said no")
    assert f"in the code cell starting at line {line - 1}" in message
    assert f">   {line} | raise ValueError" in message
    assert "cell 1" not in message and "cell 3" not in message
    assert nb.executed.read_text() == "previous good notebook"


def test_failure_inside_a_function_points_at_the_calling_line():
    text = HEADER + textwrap.dedent("""
        ```{code-cell} ipython3
        ---
        tags: [hide-input]
        ---
        def f():
            return 1 / 0
        ```

        ```{code-cell} ipython3
        a = 1
        b = f()
        ```
        """)
    md = text.splitlines()
    tb = [
        "\x1b[0;31mZeroDivisionError\x1b[0m",
        "Cell \x1b[0;32mIn[2], line 2\x1b[0m\n----> 2 b = f()",
        "Cell In[1], line 2, in f()",
    ]
    assert build.failure_line(text, "a = 1\nb = f()", tb) == (md.index("a = 1") + 1, md.index("b = f()") + 1)
    assert build.failure_line(text, "def f():\n    return 1 / 0\n", ["Cell In[1], line 2"]) == (
        md.index("def f():") + 1,
        md.index("    return 1 / 0") + 1,
    )
    assert build.failure_line(text, "not in the notebook", []) is None


def test_schema_and_parameters_cell_must_name_the_same_parameters(tmp_path):
    _project(tmp_path, GOOD, "demo:\n  m: {type: int, default: 2, help: times}\n")
    with pytest.raises(build.BuildError, match="no parameter.*m.*declares: n"):
        build.run_notebooks(tmp_path)


def test_a_parameter_the_schema_does_not_describe_is_rejected(tmp_path):
    _project(tmp_path, GOOD.replace("n = 2", "n = 2\n    k = 1"), "demo:\n  n: {type: int, default: 2, help: times}\n")
    with pytest.raises(build.BuildError, match="declares parameter.*k.*schema does not describe"):
        build.run_notebooks(tmp_path)


def test_a_bad_schema_entry_is_a_build_error(tmp_path):
    with pytest.raises(build.BuildError, match=r"notebooks/parameters.yml: demo.n: type 'integer' is not one of"):
        _project(tmp_path, GOOD, "demo:\n  n: {type: integer, default: 2, help: times}\n")


def test_parameters_for_a_missing_notebook(tmp_path):
    with pytest.raises(build.BuildError, match="unknown notebook.*ghost"):
        _project(tmp_path, GOOD, "ghost:\n  n: {type: int, default: 2, help: times}\n")


def test_clean_gives_altair_ids_stable_names():
    nb = {
        "metadata": {"papermill": {"duration": 1.0}},
        "cells": [
            {
                "cell_type": "code",
                "id": "abc",
                "metadata": {"execution": {"iopub.status.busy": "t"}, "tags": []},
                "outputs": [
                    {
                        "data": {
                            "text/html": [
                                '<div id="altair-viz-0123456789abcdef0123456789abcdef"></div>',
                                'getElementById("altair-viz-0123456789abcdef0123456789abcdef")',
                            ]
                        }
                    }
                ],
            }
        ],
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
@pytest.mark.slow
def test_failed_book_build_keeps_last_good_book(tmp_path, toc, page):
    (tmp_path / "_config.yml").write_text(
        "title: t\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: 'off'\n"
    )
    (tmp_path / "_toc.yml").write_text(toc)
    (tmp_path / "index.md").write_text(page)
    good = tmp_path / "_build" / "html"
    good.mkdir(parents=True)
    (good / "index.html").write_text("last good book")
    with pytest.raises(build.BuildError, match="last good book in _build/html is untouched"):
        build.build_book(tmp_path)
    assert (good / "index.html").read_text() == "last good book"
    assert not list(tmp_path.glob("_build.*"))


@pytest.mark.slow
def test_successful_book_build_swaps_in_and_then_skips(tmp_path, capsys):
    (tmp_path / "_config.yml").write_text(
        "title: t\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: 'off'\n"
    )
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (tmp_path / "index.md").write_text("# Index\n\nHello.\n")
    (tmp_path / "_build" / "html").mkdir(parents=True)
    (tmp_path / "_build" / "html" / "index.html").write_text("old")
    assert build.build_book(tmp_path) is True
    assert "Hello." in (tmp_path / "_build" / "html" / "index.html").read_text()
    assert build.build_book(tmp_path) is False
    assert "book: up to date" in capsys.readouterr().out


def test_a_second_build_waits_for_the_lock_and_says_so(tmp_path):
    import subprocess
    import sys
    import time

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; from herd.book import build\n"
                f"with build.build_lock(Path({str(tmp_path)!r}), 'first'):\n"
                "    print('held', flush=True); time.sleep(2)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    start = time.monotonic()
    waiter = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "from pathlib import Path; from herd.book import build\n"
                f"with build.build_lock(Path({str(tmp_path)!r}), 'second'):\n    print('got it')\n"
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    holder.wait(timeout=30)
    assert waiter.stdout.strip() == "got it"
    assert f"another build is running in this folder (first, pid {holder.pid}" in waiter.stderr
    assert "waiting for it to finish" in waiter.stderr
    assert time.monotonic() - start > 0.5  # it really waited for the holder


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path, capsys):
    for name in ("_build.k3x9_a0q", "site.abcd1234"):
        (tmp_path / name / "deep").mkdir(parents=True)
        (tmp_path / name / "deep" / "file").write_text("17 MB of pages")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "demo.ipynb.tmp").write_text("half")
    (tmp_path / "book" / "demo.ipynb").write_text("kept")
    (tmp_path / "site").mkdir()  # the real site and other names stay
    (tmp_path / "site.webmanifest").write_text("kept")
    with build.build_lock(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [".herd-build.lock", "book", "site", "site.webmanifest"]
    assert [p.name for p in (tmp_path / "book").iterdir()] == ["demo.ipynb"]
    assert "_build.k3x9_a0q" in capsys.readouterr().out


def test_leftover_patterns_are_ignored_by_git():
    import subprocess

    from conftest import ROOT

    for name in (
        "_build.k3x9_a0q/x",
        "site.abcd1234/x",
        ".herd-build.lock",
        "book/demo.ipynb.tmp",
        "book/execution.json.tmp",
        "_build/herd-data-k3x9_a0q/x",
    ):
        assert subprocess.run(["git", "check-ignore", "-q", "--no-index", name], cwd=ROOT).returncode == 0, name


def test_git_state_of_a_tree(tmp_path):
    import subprocess

    def run(*a):
        return subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)

    assert build.git_commit(tmp_path) is None and build.git_describe(tmp_path) == "unknown"
    run("init", "-q")
    (tmp_path / ".gitignore").write_text("_build/\n")
    (tmp_path / "f").write_text("x")
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    head = build.git_commit(tmp_path)
    assert len(head) == 40 and not build.git_dirty(tmp_path) and build.git_describe(tmp_path) == head
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / "page.html").write_text("built")  # ignored build output: still clean
    assert not build.git_dirty(tmp_path)
    (tmp_path / "new.md").write_text("a new chapter")  # untracked, not ignored: changes what is built
    assert build.git_dirty(tmp_path) and build.git_describe(tmp_path) == head + "+dirty"
    (tmp_path / "new.md").unlink()
    (tmp_path / "f").write_text("changed")
    assert build.git_dirty(tmp_path)


def test_switcher_prefers_the_newest_release():
    entries = build.switcher(["v1.0.0", "v1.2.0", "v1.10.0", "dev"])
    assert [e["version"] for e in entries] == ["v1.10.0", "v1.2.0", "v1.0.0", "dev"]
    assert entries[0]["preferred"] and entries[0]["name"] == "v1.10.0 (latest)"
    assert entries[-1]["url"] == "/dev/book/index.html"
    assert build.switcher(["dev"]) == [{"name": "dev (working tree)", "version": "dev", "url": "/dev/book/index.html"}]
    path = build.write_switcher(tmp := Path(tempfile.mkdtemp()), build.switcher(["dev"]))
    assert json.loads(path.read_text())[0]["version"] == "dev"
    shutil.rmtree(tmp)


def test_a_page_reading_other_chapters_runs_after_them_and_follows_their_results(tmp_path):
    """A text notebook that declares ``herd: reads: [...]`` (the home page's findings) is executed
    after the notebooks it reads, and its inputs include their executed notebooks."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "data" / "facts.csv").write_text("x\n1\n")
    front, rest = HEADER.split("kernelspec:", 1)
    (tmp_path / "notebooks" / "a_home.md").write_text(
        front + "herd:\n  reads: [b_chapter]\nkernelspec:" + rest + "# Home\n"
    )
    (tmp_path / "notebooks" / "b_chapter.md").write_text(HEADER + "# Chapter\n")
    found = chapters.notebooks(tmp_path)
    assert [nb.name for nb in found] == ["b_chapter", "a_home"]
    home = found[1]
    assert home.reads == ("b_chapter",) and found[0].reads == ()
    before = chapters.input_hash(tmp_path, home)
    (tmp_path / "book" / "b_chapter.ipynb").write_text("{}")
    after = chapters.input_hash(tmp_path, home)
    assert before != after and chapters.input_hash(tmp_path, found[0]) == chapters.input_hash(tmp_path, found[0])
    (tmp_path / "book" / "b_chapter.ipynb").write_text('{"changed": 1}')
    assert chapters.input_hash(tmp_path, home) != after


def test_reading_an_unknown_notebook_is_an_error(tmp_path):
    (tmp_path / "notebooks").mkdir()
    front, rest = HEADER.split("kernelspec:", 1)
    (tmp_path / "notebooks" / "home.md").write_text(
        front + "herd:\n  reads: [nowhere]\nkernelspec:" + rest + "# Home\n"
    )
    with pytest.raises(build.BuildError, match="nowhere"):
        chapters.notebooks(tmp_path)


def _package(root: Path, modules: dict[str, str]) -> None:
    for name, code in modules.items():
        path = root / "src" / Path(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))


def _chapter(root: Path, name: str, code: str) -> chapters.Notebook:
    (root / "notebooks").mkdir(exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "notebooks" / f"{name}.md").write_text(HEADER + f"```{{code-cell}} ipython3\n{code}\n```\n")
    return next(nb for nb in chapters.notebooks(root) if nb.name == name)


def test_a_chapter_depends_on_the_code_of_the_modules_it_imports_and_nothing_else(tmp_path):
    """Staleness follows imports: a chapter's inputs hold the code (syntax tree, no docstrings or comments) of
    every herd module it imports, directly or through another module, and of the packages that hold them."""
    _package(
        tmp_path,
        {
            "herd.__init__": '"""The package."""\n',
            "herd.stats": '"""Statistics."""\n\ndef z():\n    """Two."""\n    return 2  # a comment\n',
            "herd.compare": "from . import stats\n\ndef verdict():\n    return stats.z()\n",
            "herd.arch": "def count():\n    return 1\n",
            "herd.scan.__init__": "",
            "herd.scan.index": "from ..stats import z\n",
        },
    )
    bench = _chapter(tmp_path, "bench", "from herd import compare\nprint(compare.verdict())")
    arch = _chapter(tmp_path, "arch", "import herd.arch\n%matplotlib inline\nprint(herd.arch.count())")
    scan = _chapter(tmp_path, "scan", "from herd.scan import index")
    assert chapters.notebook_modules(tmp_path, bench.text) == ["herd", "herd.compare", "herd.stats"]
    assert chapters.notebook_modules(tmp_path, arch.text) == ["herd", "herd.arch"]
    assert chapters.notebook_modules(tmp_path, scan.text) == ["herd", "herd.scan", "herd.scan.index", "herd.stats"]
    before = {nb.name: chapters.input_hash(tmp_path, nb) for nb in (bench, arch, scan)}

    # a docstring, a comment and a re-wrapped line change no chapter's inputs
    stats = tmp_path / "src" / "herd" / "stats.py"
    stats.write_text(
        '"""Statistics, reworded."""\n\n\ndef z():\n    """Two, said otherwise."""\n\n    return (\n        2\n    )\n'
    )
    assert {nb.name: chapters.input_hash(tmp_path, nb) for nb in (bench, arch, scan)} == before

    # nor does re-ordering the imports at the top of a module
    compare = tmp_path / "src" / "herd" / "compare.py"
    compare.write_text("import os\nfrom . import stats\n\ndef verdict():\n    return stats.z()\n")
    assert chapters.input_hash(tmp_path, bench) != before["bench"]  # a new import is a change...
    with_os = chapters.input_hash(tmp_path, bench)
    compare.write_text("from . import stats\nimport os\n\ndef verdict():\n    return stats.z()\n")
    assert chapters.input_hash(tmp_path, bench) == with_os  # ...its place among the imports is not
    compare.write_text("from . import stats\n\ndef verdict():\n    return stats.z()\n")

    # a code edit in one module changes the chapters that import it (here through compare), not the others
    stats.write_text("def z():\n    return 3\n")
    after = {nb.name: chapters.input_hash(tmp_path, nb) for nb in (bench, arch, scan)}
    assert after["bench"] != before["bench"] and after["scan"] != before["scan"]
    assert after["arch"] == before["arch"]


def test_a_file_a_module_declares_it_reads_is_an_input_of_the_chapters_importing_it(tmp_path):
    _package(tmp_path, {"herd.__init__": "", "herd.speed": 'READS_FILES = ("bench/results/speed.json",)\n'})
    uses = _chapter(tmp_path, "uses", "from herd import speed")
    other = _chapter(tmp_path, "other", "import herd")
    before = chapters.input_hash(tmp_path, uses), chapters.input_hash(tmp_path, other)
    (tmp_path / "bench" / "results").mkdir(parents=True)
    (tmp_path / "bench" / "results" / "speed.json").write_text("{}")
    assert chapters.input_hash(tmp_path, uses) != before[0]
    assert chapters.input_hash(tmp_path, other) == before[1]


@pytest.mark.slow
def test_a_re_execution_that_changes_no_output_writes_nothing(tmp_path, capsys):
    nb = _project(tmp_path, GOOD, "demo:\n  n: {type: int, default: 2, help: times}\n")
    build.run_notebooks(tmp_path)
    log = tmp_path / "book" / "execution.json"
    first, timings = nb.executed.read_bytes(), log.read_bytes()
    build.run_notebooks(tmp_path, force=True)
    assert nb.executed.read_bytes() == first and log.read_bytes() == timings
    assert "nothing written" in capsys.readouterr().out
    # inputs that change while the outputs stay: the inputs are recorded, the timings are left as they were
    (tmp_path / "data" / "other.csv").write_text("y\n1\n")
    build.run_notebooks(tmp_path)
    assert nb.executed.read_bytes() != first and log.read_bytes() == timings
    assert "same outputs, inputs recorded" in capsys.readouterr().out


# ---- hostile input, second round (issue 26): nothing lost, nothing left behind, no traceback


def test_a_book_a_killed_build_swapped_out_is_restored_not_deleted(tmp_path, capsys):
    old = tmp_path / "_build" / "html.old"
    old.mkdir(parents=True)
    (old / "index.html").write_text("the last good book")
    with build.build_lock(tmp_path):
        pass
    assert (tmp_path / "_build" / "html" / "index.html").read_text() == "the last good book"
    assert not old.exists()
    assert "restored the last good book" in capsys.readouterr().out


def test_a_finished_swap_keeps_the_new_book_and_removes_the_old(tmp_path):
    for name, text in (("html", "new book"), ("html.old", "old book")):
        (tmp_path / "_build" / name).mkdir(parents=True)
        (tmp_path / "_build" / name / "index.html").write_text(text)
    build.remove_leftovers(tmp_path)
    assert (tmp_path / "_build" / "html" / "index.html").read_text() == "new book"
    assert not (tmp_path / "_build" / "html.old").exists()


def test_a_swap_that_fails_puts_the_old_book_back(tmp_path, monkeypatch):
    target = tmp_path / "_build" / "html"
    target.mkdir(parents=True)
    (target / "index.html").write_text("old book")
    new = tmp_path / "staging" / "html"
    new.mkdir(parents=True)
    real = Path.rename

    def rename(self, dest):
        if self == new:
            raise OSError(28, "No space left on device")
        return real(self, dest)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        build._swap(new, target)
    assert (target / "index.html").read_text() == "old book"


def test_the_working_folders_of_killed_executions_are_removed(tmp_path, capsys):
    build_dir = tmp_path / "_build"
    for name in ("herd-data-k3x9_a0q", "herd-long_context-abcd1234", "html", "herd-notes"):
        (build_dir / name).mkdir(parents=True)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "execution.json.tmp").write_text("half")
    with build.build_lock(tmp_path):
        pass
    assert sorted(p.name for p in build_dir.iterdir()) == ["herd-notes", "html"]
    assert not list((tmp_path / "book").iterdir())
    assert "_build/herd-data-k3x9_a0q" in capsys.readouterr().out


def _fake_papermill(monkeypatch, seen: list) -> None:
    """papermill that copies the notebook instead of running a kernel, recording where it worked."""
    import papermill

    def execute_notebook(src, out, **kwargs):
        seen.append(Path(src).parent)
        shutil.copy(src, out)

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)


def test_a_chapter_executes_in_a_working_folder_under_the_build_directory(tmp_path, monkeypatch):
    nb = _project(tmp_path, GOOD, "demo:\n  n: {type: int, default: 2, help: times}\n")
    seen: list[Path] = []
    _fake_papermill(monkeypatch, seen)
    build.execute(tmp_path, nb, "digest")
    assert seen and seen[0].parent == tmp_path / "_build" and build.WORK.match(seen[0].name)
    assert seen[0].name.startswith("herd-demo-") and not seen[0].exists()
    assert nb.executed.exists()


def test_a_full_disk_while_writing_a_notebook_is_a_build_error_and_the_old_notebook_stays(tmp_path, monkeypatch):
    import errno

    nb = _project(tmp_path, GOOD, "demo:\n  n: {type: int, default: 2, help: times}\n")
    (tmp_path / "book").mkdir()
    nb.executed.write_text("previous good notebook")
    _fake_papermill(monkeypatch, [])
    real = Path.write_text

    def write_text(self, text, *args, **kwargs):
        if self.name.endswith(".tmp"):
            real(self, text[:100], *args, **kwargs)  # part of it, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    with pytest.raises(build.BuildError) as info:
        build.execute(tmp_path, nb, "digest")
    assert str(info.value) == ("could not write book/demo.ipynb: No space left on device; book/demo.ipynb is unchanged")
    assert nb.executed.read_text() == "previous good notebook"
    assert not list((tmp_path / "book").glob("*.tmp"))


def test_the_command_line_reports_a_system_error_in_one_line(tmp_path, monkeypatch, capsys):
    import errno

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "book" / "x.ipynb"))

    monkeypatch.setattr(build, "run_notebooks", full)
    assert build.main(["--root", str(tmp_path), "--notebooks-only"]) == 1
    err = capsys.readouterr().err
    assert err == f"build: FAILED: No space left on device: {tmp_path / 'book' / 'x.ipynb'}\n"
