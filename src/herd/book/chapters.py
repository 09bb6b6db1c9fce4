"""The chapters the runner executes and when each one is stale: the text notebooks in ``notebooks/``, the schema of
their parameters, the order they run in, and what each one's result depends on, hashed.

A chapter's result depends on (:func:`dependencies`): its text, the schema of its parameters
(``notebooks/parameters.yml``), the data package, the Python locks, the *code* of every ``herd`` module it imports,
directly or through other modules (each module's syntax tree without docstrings and comments, so a docstring or
comment edit re-executes nothing), the repository files those modules declare they read (``READS_FILES``, such as
the bench results), and for a page that reads other chapters' results (``herd: reads: [...]`` in its front matter,
such as the home page's findings) those chapters' executed notebooks. A chapter is stale when the hash of all that
differs from the one recorded in ``book/<name>.ipynb`` (:func:`stale_notebooks`); the runner
(:mod:`herd.book.build`) executes it then.

This module knows nothing of the analysis: of ``herd`` it imports only :mod:`herd.base.codehash` and the parameters'
schema (:mod:`herd.base.params`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from herd.base.codehash import READS_FILES_NAME, closure, code_digest, imported_modules, module_path

PARAMETERS_FILE = "notebooks/parameters.yml"
LOCKS = ("requirements.lock", "requirements-nodeps.txt")  # the Python packages a chapter runs on
FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and why."""


@dataclass(frozen=True)
class Notebook:
    """A chapter to execute: its text notebook, its executed notebook in ``book/``, the schema of its
    parameters, and the chapters whose executed notebooks it reads."""

    name: str
    text: Path
    executed: Path
    schema: dict
    reads: tuple[str, ...] = ()  # chapters whose executed notebooks this one reads (run after them)


def notebooks(root: Path) -> list[Notebook]:
    """Every text notebook with the schema of its parameters."""
    params = load_parameters(root)
    found = sorted((root / "notebooks").glob("*.md"))
    unknown = set(params) - {p.stem for p in found}
    if unknown:
        raise BuildError(f"{PARAMETERS_FILE}: parameters for unknown notebook(s): {', '.join(sorted(unknown))}")
    names = {p.stem for p in found}
    out = []
    for p in found:
        reads = reads_executed(p)
        missing = sorted(set(reads) - names) + (["itself"] if p.stem in reads else [])
        if missing:
            raise BuildError(
                f"{p.relative_to(root)}: 'herd: reads' names "
                f"{', '.join(missing)}, not another text notebook in notebooks/"
            )
        out.append(Notebook(p.stem, p, root / "book" / f"{p.stem}.ipynb", params.get(p.stem, {}), reads))
    return in_order(out)


def reads_executed(text: Path) -> tuple[str, ...]:
    """The chapters a text notebook reads the executed results of, from its front matter
    (``herd: {reads: [benchmarks, claims]}``); none for most notebooks."""
    lines = text.read_text(encoding="utf-8").split("\n")
    if not lines or lines[0].strip() != "---":
        return ()
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        return ()
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise BuildError(f"{text}: front matter is not valid YAML: {exc}") from None
    reads = (meta.get("herd") or {}).get("reads") or []
    if not isinstance(reads, list) or not all(isinstance(r, str) for r in reads):
        raise BuildError(f"{text}: 'herd: reads' must be a list of notebook names")
    return tuple(reads)


def in_order(found: list[Notebook]) -> list[Notebook]:
    """The notebooks in name order, except that one reading others comes after them."""
    done: list[Notebook] = []
    left = list(found)
    while left:
        ready = [nb for nb in left if set(nb.reads) <= {d.name for d in done}]
        if not ready:
            raise BuildError("notebooks read each other in a cycle: " + ", ".join(nb.name for nb in left))
        done += ready
        left = [nb for nb in left if nb not in ready]
    return done


def load_parameters(root: Path) -> dict[str, dict]:
    """The parameters' schema (:func:`herd.base.params.load_schema`), {} when the file is absent."""
    from herd.base import params

    path = root / PARAMETERS_FILE
    if not path.exists():
        return {}
    try:
        return params.load_schema(path)
    except params.ParameterError as exc:
        raise BuildError(str(exc).replace(path.name, PARAMETERS_FILE, 1)) from None


def _module_file(root: Path, module: str) -> Path:
    path = module_path(root, module)
    if path is None:
        raise BuildError(f"no module {module} in src/")
    return path


def _parse(source: str, where: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError:
        # IPython's magics and shell escapes are not Python: leave those lines out
        kept = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        try:
            return ast.parse(kept)
        except SyntaxError as exc:
            raise BuildError(f"{where}: a code cell is not valid Python: {exc}") from None


def notebook_modules(root: Path, text: Path) -> list[str]:
    """Every ``herd`` module a text notebook's code cells import, directly or through other ``herd``
    modules (transitively), sorted."""
    source = text.read_text(encoding="utf-8")
    todo = set()
    for line, code in code_cells(source):
        todo |= imported_modules(root, _parse(code, f"{short_path(text)}, line {line}"))
    try:
        return closure(root, todo)
    except LookupError as exc:
        raise BuildError(str(exc)) from None


def files_read(root: Path, modules: list[str]) -> list[Path]:
    """The repository files outside ``data/`` that the ``modules`` say they read (a module-level
    ``READS_FILES`` tuple of paths from the repository's root), existing or not."""
    out = []
    for module in modules:
        for node in ast.parse(_module_file(root, module).read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Tuple | ast.List)
                and any(isinstance(t, ast.Name) and t.id == READS_FILES_NAME for t in node.targets)
            ):
                out += [root / p for p in ast.literal_eval(node.value)]
    return out


def dependencies(root: Path, nb: Notebook) -> dict[str, str]:
    """What a notebook's result depends on, each with its digest: its text, the schema of its parameters,
    every file of the data package, the Python locks, the code of every ``herd`` module it imports
    (:func:`notebook_modules`, hashed by :func:`code_digest`), the files those modules read
    (:func:`files_read`), and the executed notebooks of the chapters it reads."""

    def file(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"

    deps = {
        "text": hashlib.sha256(nb.text.read_bytes()).hexdigest(),
        "parameters": hashlib.sha256(json.dumps(nb.schema, sort_keys=True).encode()).hexdigest(),
    }
    for path in sorted((root / "data").rglob("*")):
        if path.is_file():
            deps[path.relative_to(root).as_posix()] = file(path)
    for lock in LOCKS:
        deps[lock] = file(root / lock)
    modules = notebook_modules(root, nb.text)
    for module in modules:
        deps[f"code:{module}"] = code_digest(_module_file(root, module))
    for read in files_read(root, modules):
        deps[read.relative_to(root).as_posix()] = file(read)
    for name in nb.reads:  # what the chapters it reads computed
        deps[f"book/{name}.ipynb"] = file(root / "book" / f"{name}.ipynb")
    return deps


def input_hash(root: Path, nb: Notebook) -> str:
    """SHA-256 of :func:`dependencies`: a notebook is stale when it differs from the one recorded in its
    executed form."""
    return hashlib.sha256(json.dumps(dependencies(root, nb), sort_keys=True).encode()).hexdigest()


def recorded_hash(nb: Notebook) -> str | None:
    """The input hash recorded in the executed notebook's metadata (``herd.inputs_sha256``); None if the
    notebook is missing or does not record one."""
    if not nb.executed.exists():
        return None
    try:
        meta = json.loads(nb.executed.read_text())["metadata"]
    except (json.JSONDecodeError, KeyError):
        return None
    return meta.get("herd", {}).get("inputs_sha256")


def stale_notebooks(root: Path) -> list[Notebook]:
    """The notebooks whose executed form in ``book/`` is missing or was run on other inputs."""
    return [nb for nb in notebooks(root) if recorded_hash(nb) != input_hash(root, nb)]


def code_cells(text: str) -> list[tuple[int, str]]:
    """``(line, code)`` for each code cell of a MyST text notebook: the line (1-based, in the
    text file) of the cell's first non-blank line of code, and the code without surrounding blank lines."""
    lines = text.splitlines()
    cells, i = [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        i += 1
        if not fence:
            continue
        body = []
        while i < len(lines) and lines[i].strip() != fence.group(1):
            body.append(i)
            i += 1
        i += 1
        j = 0
        if body and lines[body[0]].strip() == "---":  # a YAML block of options
            j = 1
            while j < len(body) and lines[body[j]].strip() != "---":
                j += 1
            j += 1
        while j < len(body) and re.match(r"^:[\w-]+:", lines[body[j]]):  # :tags: [...] style options
            j += 1
        code = [k for k in body[j:]]
        while code and not lines[code[0]].strip():
            code.pop(0)
        cells.append((code[0] + 1 if code else i, "\n".join(lines[k] for k in code).strip()))
    return cells


def short_path(path: Path) -> str:
    """A text notebook's path as errors name it: ``notebooks/<name>.md``."""
    try:
        return str(path.relative_to(path.parents[1]))  # notebooks/<name>.md
    except ValueError:
        return str(path)
