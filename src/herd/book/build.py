"""The runner: text notebooks → papermill → executed notebooks → Jupyter Book.

``python -m herd.build`` does, in order:

1. For each ``notebooks/<name>.md`` (MyST text notebook) whose result's inputs changed
   (:func:`herd.book.chapters.dependencies`: its text, parameters, data, locks, the code of the ``herd`` modules
   it imports, the files they read and the chapters it reads), that is, whose hash differs from the one recorded
   in ``book/<name>.ipynb`` (or with ``--force``), convert the text one way with jupytext, execute it with
   papermill, strip volatile metadata and write ``book/<name>.ipynb`` unless nothing in it changed.  A failing
   cell stops the run with the notebook, the cell and the error.
2. Build the book with ``jupyter-book build -W`` (Sphinx warnings are errors) into
   a temporary folder and swap it into ``_build/html`` only when it succeeded.
   When nothing the book depends on changed since the last good build, skip it.

One build runs at a time in a folder: a second one waits for the lock
``.herd-build.lock`` (and says so), then removes what an interrupted build left
behind (``_build.*``/``site.*`` staging folders, half-written notebooks).

It is also the one home of what the book builds share: the git state of a tree
(:func:`git_commit`, :func:`git_dirty`), the ``jupyter-book`` call
(:func:`jupyter_book`) and the version switcher's list (:func:`switcher`).

This module knows nothing of the analysis: the chapters and their inputs are :mod:`herd.book.chapters`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .chapters import (
    FENCE,
    PARAMETERS_FILE,
    BuildError,
    Notebook,
    code_cells,
    input_hash,
    notebooks,
    recorded_hash,
    short_path,
)

EXECUTION_LOG = "book/execution.json"
STAMP = ".herd-build.json"
LOCK_FILE = ".herd-build.lock"
# mkdtemp names: a prefix, a dot and eight characters; what an interrupted build leaves behind
STAGING = re.compile(r"^(_build|site)\.[a-z0-9_]{8}$")
# the working folder of one notebook's execution, in _build/: this prefix, the chapter, a hyphen and mkdtemp's eight
WORK_PREFIX = "herd-"
WORK = re.compile(r"^herd-[\w.-]+-[a-z0-9_]{8}$")
ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")
VOLATILE_NOTEBOOK_KEYS = ("papermill", "widgets")
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ---------------------------------------------------------------- execution


def clean(notebook: dict, name: str) -> dict:
    """Drop volatile metadata and give Altair's random ids stable names."""
    for key in VOLATILE_NOTEBOOK_KEYS:
        notebook["metadata"].pop(key, None)
    ids: dict[str, str] = {}

    def stable(match: re.Match) -> str:
        return ids.setdefault(match.group(0), f"altair-viz-{name}-{len(ids) + 1}")

    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags and "hide-input" not in tags:
            tags.append("hide-input")  # the text notebook's own parameters cell stays visible
        for key in VOLATILE_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
        cell.pop("id", None)
        for output in cell.get("outputs", []):
            for mime, value in list(output.get("data", {}).items()):
                if isinstance(value, str):
                    output["data"][mime] = ALTAIR_ID.sub(stable, value)
                elif isinstance(value, list):
                    output["data"][mime] = [ALTAIR_ID.sub(stable, v) for v in value]
    notebook["nbformat_minor"] = 4  # cell ids removed: the 4.4 format has none
    return notebook


def execute(root: Path, nb: Notebook, digest: str) -> Execution:
    """Execute one text notebook with papermill and write the cleaned result to ``book/<name>.ipynb``, unless
    it is byte for byte the notebook already there (so a re-execution that changes nothing changes no file)."""
    import jupytext
    import nbformat
    import papermill as pm

    source = jupytext.read(nb.text)
    # the working folder lives in the build directory, where the next build's clean-up finds it if this one is killed
    work = root / "_build"
    try:
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{nb.name}-", dir=work) as tmp:
            src = Path(tmp) / f"{nb.name}.ipynb"
            out = Path(tmp) / f"{nb.name}.out.ipynb"
            nbformat.write(source, src)
            _check_declared_parameters(nb, src)
            start, started = time.perf_counter(), _now()
            try:
                pm.execute_notebook(
                    str(src),
                    str(out),
                    kernel_name="python3",
                    cwd=str(root),
                    progress_bar=False,
                    log_output=False,
                    report_mode=False,
                )
            except pm.PapermillExecutionError as exc:
                raise BuildError(_describe_failure(nb, exc)) from None
            seconds, ended = time.perf_counter() - start, _now()
            executed = json.loads(out.read_text())
    except OSError as exc:
        raise BuildError(f"{short_path(nb.text)}: executing it failed: {_os_error(exc)}") from None
    executed = clean(executed, nb.name)
    executed["metadata"]["herd"] = {"inputs_sha256": digest, "source": str(nb.text.relative_to(root))}
    text = json.dumps(executed, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    before = nb.executed.read_text() if nb.executed.exists() else None
    if text == before:
        return Execution(seconds, written=False, outputs_changed=False, started=started, ended=ended)
    changed = before is None or _cells(before) != executed["cells"]
    write_atomic(nb.executed, text, root)
    return Execution(seconds, written=True, outputs_changed=changed, started=started, ended=ended)


def _now() -> str:
    """The time now, in UTC, to the second (ISO 8601)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _os_error(exc: OSError) -> str:
    """An operating system error in words: what failed and on which file (``No space left on device: book/x``)."""
    what = exc.strerror or str(exc)
    return f"{what}: {exc.filename}" if exc.filename else what


def write_atomic(path: Path, text: str, root: Path | None = None) -> None:
    """Write ``text`` to ``path`` through ``<path>.tmp`` and a rename, so ``path`` is either the old file or
    the new one. A failure (a full disk) removes the half-written copy and is a BuildError that says the
    file is unchanged."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        state = "unchanged" if path.exists() else "not written"
        raise BuildError(f"could not write {shown}: {exc.strerror or exc}; {shown} is {state}") from None


@dataclass(frozen=True)
class Execution:
    """One execution of a notebook: its seconds, whether ``book/<name>.ipynb`` was rewritten (it is not when
    nothing in it changed) and whether its cells (code and outputs) changed, not only the recorded inputs."""

    seconds: float
    written: bool
    outputs_changed: bool
    started: str = ""  # when it started and ended (UTC, ISO 8601)
    ended: str = ""


def _cells(text: str) -> list | None:
    try:
        return json.loads(text).get("cells")
    except json.JSONDecodeError:
        return None


def _check_declared_parameters(nb: Notebook, src: Path) -> None:
    import papermill as pm

    declared = pm.inspect_notebook(str(src))
    unknown = sorted(set(nb.schema) - set(declared))
    if unknown:
        raise BuildError(
            f"{PARAMETERS_FILE}: notebook '{nb.name}' has no parameter(s) {', '.join(unknown)}; "
            f"its parameters cell declares: {', '.join(declared) or 'none'}"
        )
    undescribed = sorted(set(declared) - set(nb.schema))
    if nb.schema and undescribed:
        raise BuildError(
            f"{PARAMETERS_FILE}: notebook '{nb.name}' declares parameter(s) {', '.join(undescribed)} that the schema "
            "does not describe (add each with its type and help)"
        )


def failure_line(text: str, source: str, traceback: list[str]) -> tuple[int, int] | None:
    """Where a failing cell is in the text notebook: ``(first line of the cell, failing line)``,
    both as lines of the ``.md`` file; None when the cell is not found."""
    source = source or ""
    start = next((line for line, code in code_cells(text) if code == source.strip()), None)
    if start is None:
        return None
    lead = source[: len(source) - len(source.lstrip())].count("\n")  # blank lines before the code in the cell
    within = re.search(r"Cell In\[\d+\], line (\d+)", ANSI.sub("", "\n".join(traceback or [])))
    return start, (start + int(within.group(1)) - 1 - lead if within else start)


def _describe_failure(nb: Notebook, exc) -> str:
    text = nb.text.read_text()
    where = failure_line(text, exc.source, exc.traceback)
    error = f"{exc.ename}: {exc.evalue}"
    if where is None:
        shown = "\n".join("    " + line for line in (exc.source or "").strip().splitlines()[:12])
        return f"notebook {nb.text} failed in its code cell {exc.cell_index}:\n{shown}\n{error}"
    start, line = where
    lines = text.splitlines()
    first, last = max(start, line - 6), line
    while (
        last < min(line + 2, len(lines)) and not FENCE.match(lines[last]) and not lines[last].startswith(("```", "~~~"))
    ):
        last += 1
    shown = "\n".join(f"  {'>' if k == line else ' '} {k:4d} | {lines[k - 1]}" for k in range(first, last + 1))
    return f"{short_path(nb.text)}, line {line}: {error}\n(in the code cell starting at line {start})\n{shown}"


def run_notebooks(root: Path, force: bool = False, only: list[str] | None = None) -> dict[str, float]:
    """Execute the notebooks whose inputs changed. Returns {name: seconds} for those run.

    Each execution's seconds, start and end go to ``book/execution.json`` only when the notebook's cells (code or
    outputs) changed: a re-execution with the same outputs, or one on changed inputs that computes the same results,
    leaves the timings file as it was (so its times are those of the execution that wrote the outputs the book
    shows; the edition's research object gives them to the chapter's execution, :mod:`herd.book.crate`), unless the
    file has no times for it yet."""
    ran: dict[str, float] = {}
    timed: dict[str, Execution] = {}
    logged = _read_log(root)
    selected = [nb for nb in notebooks(root) if not only or nb.name in only]
    if only and len(selected) != len(only):
        missing = set(only) - {nb.name for nb in selected}
        raise BuildError(f"no text notebook named {', '.join(sorted(missing))} in notebooks/")
    for nb in selected:
        digest = input_hash(root, nb)
        if not force and recorded_hash(nb) == digest:
            print(f"build: {nb.name}: up to date")
            continue
        print(f"build: {nb.name}: executing {nb.text.relative_to(root)}", flush=True)
        result = execute(root, nb, digest)
        ran[nb.name] = result.seconds
        if result.outputs_changed or "start_time" not in logged.get(nb.name, {}):  # (a log of older builds: no times)
            timed[nb.name] = result
        what = {
            (False, False): "unchanged, nothing written",
            (True, False): "same outputs, inputs recorded",
            (True, True): "outputs changed",
        }[(result.written, result.outputs_changed)]
        print(f"build: {nb.name}: done in {result.seconds:.1f} s ({what}) -> {nb.executed.relative_to(root)}")
    if timed:
        _log_execution(root, timed)
    return ran


def _read_log(root: Path) -> dict:
    path = root / EXECUTION_LOG
    return json.loads(path.read_text()) if path.exists() else {}


def _log_execution(root: Path, ran: dict[str, Execution]) -> None:
    path = root / EXECUTION_LOG
    log = _read_log(root)
    for name, result in ran.items():
        log[name] = {"seconds": round(result.seconds, 1), "start_time": result.started, "end_time": result.ended}
    write_atomic(path, json.dumps(dict(sorted(log.items())), indent=1) + "\n", root)


# ---------------------------------------------------------------- book


def book_inputs(root: Path) -> list[Path]:
    """Every file the Jupyter Book build reads: ``_config.yml``, ``_toc.yml`` and the files under
    ``book/``, ``_ext/``, ``_static/``, ``data/`` and ``src/herd/`` (bytecode caches left out)."""
    files = [root / "_config.yml", root / "_toc.yml"]
    for folder in ("book", "_ext", "_static", "data", "src/herd"):
        files += [p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return files


def _hash_files(digest, root: Path, files) -> None:
    for f in sorted(files):
        digest.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")


def book_hash(root: Path) -> str:
    """SHA-256 of :func:`book_inputs` and :func:`git_describe`; the book is rebuilt when it differs from
    the one stamped in ``_build/html``."""
    digest = hashlib.sha256()
    _hash_files(digest, root, book_inputs(root))
    digest.update(git_describe(root).encode())
    return digest.hexdigest()


def _git(root: Path, *args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def git_commit(root: Path) -> str | None:
    """The full commit hash checked out in ``root``, or None outside a git checkout."""
    out = _git(root, "rev-parse", "HEAD")
    return out.strip() if out else None


def git_dirty(root: Path) -> bool:
    """Whether ``root`` differs from its commit: a changed tracked file or a new file that is not
    ignored (either can change what is built). Build products are ignored, so they do not count."""
    out = _git(root, "status", "--porcelain")
    return bool(out and out.strip())


def git_describe(root: Path) -> str:
    """The commit and whether the tree differs from it, e.g. ``684b8ab…+dirty``."""
    head = git_commit(root)
    if head is None:
        return "unknown"
    return head + ("+dirty" if git_dirty(root) else "")


def switcher(editions: list[str]) -> list[dict]:
    """The version switcher's entries (pydata-sphinx-theme): releases ``vX.Y.Z`` newest first, the
    newest preferred, then ``dev`` for the working tree."""
    semver = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
    found = {e: m for e in editions if (m := semver.match(e))}
    releases = sorted(found, key=lambda e: tuple(int(x) for x in found[e].groups()))
    newest = releases[-1] if releases else None
    entries = [
        {
            "name": f"{e} (latest)" if e == newest else e,
            "version": e,
            "url": f"/{e}/book/index.html",
            **({"preferred": True} if e == newest else {}),
        }
        for e in reversed(releases)
    ]
    if "dev" in editions:
        entries.append({"name": "dev (working tree)", "version": "dev", "url": "/dev/book/index.html"})
    return entries


def write_switcher(folder: Path, entries: list[dict]) -> Path:
    """Write the version switcher's entries (:func:`switcher`) to ``folder/switcher.json``; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "switcher.json"
    path.write_text(json.dumps(entries, indent=1) + "\n")
    return path


def jupyter_book(
    source: Path,
    out: Path,
    builder: str = "html",
    edition: str = "dev",
    bin_dir: Path | None = None,
    strict: bool = True,
    env: dict | None = None,
) -> Path:
    """``jupyter-book build`` of the book in ``source`` into ``out`` (its ``--path-output``), as
    edition ``edition`` (the About page and the version switcher read ``HERD_EDITION``), with the
    ``jupyter-book`` of ``bin_dir`` (default: this environment) and ``env`` added to the
    environment. Returns ``out/_build/<builder>``."""
    jb = (bin_dir or Path(sys.executable).parent) / "jupyter-book"
    cmd = [
        str(jb),
        "build",
        str(source),
        "--path-output",
        str(out),
        "--builder",
        builder,
        "-n",
        "--keep-going",
        "--all",
        "-q",
    ]
    if strict:
        cmd.insert(5, "-W")
    proc = subprocess.run(
        cmd, cwd=source, env={**os.environ, **(env or {}), "HERD_EDITION": edition}, capture_output=True, text=True
    )
    result = out / "_build" / builder
    if proc.returncode != 0 or not (result / "index.html").exists():
        log = (proc.stdout + proc.stderr).strip().splitlines()
        raise BuildError(f"jupyter-book build ({builder}) of {source} failed:\n" + "\n".join(log[-40:]))
    return result


# ---------------------------------------------------------------- one build at a time


@contextlib.contextmanager
def build_lock(root: Path, who: str = "build"):
    """Hold ``.herd-build.lock`` in ``root`` for the duration; if another build holds it, say so
    and wait. Then remove what an interrupted build left behind."""
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK_FILE, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            print(
                f"{who}: another build is running in this folder ({holder}); waiting for it to finish...",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
            print(f"{who}: the other build finished; going on", file=sys.stderr, flush=True)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{who}, pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        remove_leftovers(root)
        yield
    finally:
        handle.close()  # closing releases the lock


def remove_leftovers(root: Path) -> list[str]:
    """Delete what interrupted builds left (call with the lock held): staging folders, the working folders of
    notebook executions (``_build/herd-<chapter>-*``) and half-written files. A book that a build died
    swapping out (``_build/html.old`` with no ``_build/html``) is the last good book: it is put back, not
    deleted."""
    removed = []
    for path in sorted(root.iterdir()):
        if path.is_dir() and STAGING.match(path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    build_dir = root / "_build"
    old, target = build_dir / "html.old", build_dir / "html"
    if old.is_dir() and not target.exists():
        old.rename(target)
        print("build: restored the last good book: a build died while swapping it (_build/html.old -> _build/html)")
    work = sorted(p for p in build_dir.iterdir() if p.is_dir() and WORK.match(p.name)) if build_dir.is_dir() else []
    for path in [*sorted((root / "book").glob("*.tmp")), *work, old]:
        if path.exists() or path.is_symlink():
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
            removed.append(str(path.relative_to(root)))
    if removed:
        print(f"build: removed what an interrupted build left: {', '.join(removed)}", flush=True)
    return removed


def build_book(root: Path, force: bool = False) -> bool:
    """Build into a temporary folder, then swap into ``_build/html``. Returns False if skipped."""
    target = root / "_build" / "html"
    digest = book_hash(root)
    stamp = target / STAMP
    if not force and stamp.exists() and json.loads(stamp.read_text()).get("inputs_sha256") == digest:
        print("build: book: up to date")
        return False
    staging = Path(tempfile.mkdtemp(prefix="_build.", dir=root))
    # the version switcher's list for a plain build: this working tree only
    write_switcher(root / "_build" / "edition", switcher(["dev"]))
    try:
        print("build: book: jupyter-book build (warnings are errors)", flush=True)
        try:
            html = jupyter_book(root, staging, "html", edition=os.environ.get("HERD_EDITION", "dev"))
        except BuildError as exc:
            raise BuildError(f"{exc}\nthe last good book in _build/html is untouched") from None
        try:
            (html / STAMP).write_text(json.dumps({"inputs_sha256": digest}) + "\n")
        except OSError as exc:
            raise BuildError(
                f"could not finish the book: {_os_error(exc)}; the last good book in _build/html is untouched"
            ) from None
        _swap(html, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"build: book: written to {target.relative_to(root)}")
    return True


def _swap(new: Path, target: Path) -> None:
    """Put the built book ``new`` in place of ``target`` by two renames (the old book to ``html.old``, the new
    one to ``html``), then delete the old one. Killed between the renames, the old book waits in ``html.old``
    and the next build's clean-up puts it back (:func:`remove_leftovers`)."""
    target.parent.mkdir(exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name("html.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)  # the last good book back where it was
        raise
    if old:
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m herd.build``: execute the notebooks whose inputs changed, then build the book; 1 if a
    step failed, else 0."""
    parser = argparse.ArgumentParser(prog="python -m herd.build", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="re-execute every notebook and rebuild the book")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="execute only these notebooks")
    parser.add_argument("--notebooks-only", action="store_true", help="execute notebooks, do not build the book")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    root = args.root.resolve()
    force = args.force or os.environ.get("FORCE") == "1"
    try:
        with build_lock(root):
            run_notebooks(root, force=force, only=args.only)
            if not args.notebooks_only:
                build_book(root, force=force)
    except BuildError as exc:
        print(f"build: FAILED: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a folder that cannot be written: a clear line, not a traceback
        print(f"build: FAILED: {_os_error(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
