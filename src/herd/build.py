"""The runner: text notebooks → papermill → executed notebooks → Jupyter Book.

``python -m herd.build`` does, in order:

1. For each ``notebooks/<name>.md`` (MyST text notebook), compute a content hash
   of its inputs: the text, its parameters from ``notebooks/parameters.yml``, the
   data package, the ``herd`` source and the Python lock file.  When the hash
   differs from the one recorded in ``book/<name>.ipynb`` (or with ``--force``),
   convert the text one way with jupytext, execute it with papermill, strip
   volatile metadata and write ``book/<name>.ipynb``.  A failing cell stops the
   run with the notebook, the cell and the error.
2. Build the book with ``jupyter-book build -W`` (Sphinx warnings are errors) into
   a temporary folder and swap it into ``_build/html`` only when it succeeded.
   When nothing the book depends on changed since the last good build, skip it.

This module knows nothing of the analysis: it imports no other ``herd`` module.
"""
from __future__ import annotations

import argparse
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

import yaml

PARAMETERS_FILE = "notebooks/parameters.yml"
EXECUTION_LOG = "book/execution.json"
STAMP = ".herd-build.json"
ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")
VOLATILE_NOTEBOOK_KEYS = ("papermill", "widgets")
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and why."""


@dataclass(frozen=True)
class Notebook:
    name: str
    text: Path
    executed: Path
    parameters: dict


# ---------------------------------------------------------------- discovery

def notebooks(root: Path) -> list[Notebook]:
    """Every text notebook with its declared parameters."""
    params = load_parameters(root)
    found = sorted((root / "notebooks").glob("*.md"))
    unknown = set(params) - {p.stem for p in found}
    if unknown:
        raise BuildError(f"{PARAMETERS_FILE}: parameters for unknown notebook(s): {', '.join(sorted(unknown))}")
    return [Notebook(p.stem, p, root / "book" / f"{p.stem}.ipynb", params.get(p.stem, {})) for p in found]


def load_parameters(root: Path) -> dict[str, dict]:
    path = root / PARAMETERS_FILE
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise BuildError(f"{PARAMETERS_FILE}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BuildError(f"{PARAMETERS_FILE}: expected a mapping of notebook name to a mapping of parameters")
    return data


# ---------------------------------------------------------------- hashing

def _hash_files(digest, root: Path, files) -> None:
    for f in sorted(files):
        digest.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")


def shared_inputs(root: Path) -> list[Path]:
    """Files every notebook depends on: data, the herd source, benchmark results, the Python lock."""
    files = [p for p in (root / "data").rglob("*") if p.is_file()]
    files += [p for p in (root / "src" / "herd").rglob("*.py")]
    files += [p for p in (root / "bench" / "results").glob("*.json")]  # benchmark results a chapter shows
    lock = root / "requirements.lock"
    if lock.exists():
        files.append(lock)
    return files


def input_hash(root: Path, nb: Notebook) -> str:
    digest = hashlib.sha256()
    digest.update(nb.text.read_bytes())
    digest.update(json.dumps(nb.parameters, sort_keys=True).encode())
    _hash_files(digest, root, shared_inputs(root))
    return digest.hexdigest()


def recorded_hash(nb: Notebook) -> str | None:
    if not nb.executed.exists():
        return None
    try:
        meta = json.loads(nb.executed.read_text())["metadata"]
    except (json.JSONDecodeError, KeyError):
        return None
    return meta.get("herd", {}).get("inputs_sha256")


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


def execute(root: Path, nb: Notebook, digest: str) -> float:
    """Execute one text notebook with papermill; write the cleaned result. Returns seconds."""
    import jupytext
    import nbformat
    import papermill as pm

    source = jupytext.read(nb.text)
    with tempfile.TemporaryDirectory(prefix=f"herd-{nb.name}-") as tmp:
        src = Path(tmp) / f"{nb.name}.ipynb"
        out = Path(tmp) / f"{nb.name}.out.ipynb"
        nbformat.write(source, src)
        _check_declared_parameters(nb, src)
        start = time.perf_counter()
        try:
            pm.execute_notebook(
                str(src), str(out), parameters=nb.parameters, kernel_name="python3",
                cwd=str(root), progress_bar=False, log_output=False, report_mode=False,
            )
        except pm.PapermillExecutionError as exc:
            raise BuildError(_describe_failure(nb, exc)) from None
        seconds = time.perf_counter() - start
        executed = json.loads(out.read_text())
    executed = clean(executed, nb.name)
    executed["metadata"]["herd"] = {"inputs_sha256": digest, "source": str(nb.text.relative_to(root))}
    nb.executed.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = nb.executed.with_suffix(".ipynb.tmp")
    tmp_out.write_text(json.dumps(executed, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    tmp_out.replace(nb.executed)
    return seconds


def _check_declared_parameters(nb: Notebook, src: Path) -> None:
    import papermill as pm

    declared = pm.inspect_notebook(str(src))
    unknown = sorted(set(nb.parameters) - set(declared))
    if unknown:
        raise BuildError(
            f"{PARAMETERS_FILE}: notebook '{nb.name}' has no parameter(s) {', '.join(unknown)}; "
            f"its parameters cell declares: {', '.join(declared) or 'none'}"
        )


def _describe_failure(nb: Notebook, exc) -> str:
    source = (exc.source or "").strip().splitlines()
    shown = "\n".join("    " + line for line in source[:12])
    return (
        f"notebook {nb.text} failed in cell {exc.cell_index} (execution count {exc.exec_count}):\n"
        f"{shown}\n{exc.ename}: {exc.evalue}"
    )


def run_notebooks(root: Path, force: bool = False, only: list[str] | None = None) -> dict[str, float]:
    """Execute the notebooks whose inputs changed. Returns {name: seconds} for those run."""
    ran: dict[str, float] = {}
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
        ran[nb.name] = execute(root, nb, digest)
        print(f"build: {nb.name}: done in {ran[nb.name]:.1f} s -> {nb.executed.relative_to(root)}")
    if ran:
        _log_execution(root, ran)
    return ran


def _log_execution(root: Path, ran: dict[str, float]) -> None:
    path = root / EXECUTION_LOG
    log = json.loads(path.read_text()) if path.exists() else {}
    for name, seconds in ran.items():
        log[name] = {"seconds": round(seconds, 1)}
    path.write_text(json.dumps(dict(sorted(log.items())), indent=1) + "\n")


# ---------------------------------------------------------------- book

def book_inputs(root: Path) -> list[Path]:
    files = [root / "_config.yml", root / "_toc.yml"]
    for folder in ("book", "_ext", "_static", "data", "src/herd"):
        files += [p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return files


def book_hash(root: Path) -> str:
    digest = hashlib.sha256()
    _hash_files(digest, root, book_inputs(root))
    digest.update(git_describe(root).encode())
    return digest.hexdigest()


def git_describe(root: Path) -> str:
    """The commit and whether the tree differs from it (the edition page shows both)."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty.strip() else "")


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
    extra = root / "_build" / "edition"
    extra.mkdir(parents=True, exist_ok=True)
    (extra / "switcher.json").write_text(json.dumps([{"name": "dev (working tree)", "version": "dev", "url": "/book/index.html"}], indent=1) + "\n")
    try:
        cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--path-output", str(staging),
               "-W", "-n", "--keep-going", "--all", "-q"]
        print("build: book: jupyter-book build (warnings are errors)", flush=True)
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        html = staging / "_build" / "html"
        if proc.returncode != 0 or not (html / "index.html").exists():
            log = (proc.stdout + proc.stderr).strip().splitlines()
            raise BuildError("jupyter-book build failed; the last good book in _build/html is untouched:\n"
                             + "\n".join(log[-40:]))
        (html / STAMP).write_text(json.dumps({"inputs_sha256": digest}) + "\n")
        target.parent.mkdir(exist_ok=True)
        old = None
        if target.exists():
            old = target.with_name("html.old")
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
        html.rename(target)
        if old:
            shutil.rmtree(old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"build: book: written to {target.relative_to(root)}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m herd.build", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="re-execute every notebook and rebuild the book")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="execute only these notebooks")
    parser.add_argument("--notebooks-only", action="store_true", help="execute notebooks, do not build the book")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    root = args.root.resolve()
    force = args.force or os.environ.get("FORCE") == "1"
    try:
        run_notebooks(root, force=force, only=args.only)
        if not args.notebooks_only:
            build_book(root, force=force)
    except BuildError as exc:
        print(f"build: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
