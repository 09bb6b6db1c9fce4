"""The code a result depends on: which ``herd`` modules a piece of code imports, transitively, and a digest
of each module's code that ignores docstrings, comments, blank lines, line wrapping and the order of
top-level imports.

The runner (:mod:`herd.book.chapters`, for :mod:`herd.book.build`) hashes a chapter's modules with it to decide
whether the chapter is stale, and the memo (:mod:`herd.base.memo`) keys a slow result by the code that computes it.
It imports no other ``herd`` module.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

PACKAGE = "herd"
# A module of herd that reads a file of the repository outside data/ names it (paths from the repository's
# root) in a module-level tuple of this name; a chapter importing the module depends on the file.
READS_FILES_NAME = "READS_FILES"


def module_path(root: Path, module: str) -> Path | None:
    """The source file of a ``herd`` module (``herd.method.stats`` → ``src/herd/method/stats.py``, a package → its
    ``__init__.py``); None when ``module`` names no module of the package (an attribute, say)."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root / "src" / Path(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(root: Path, tree: ast.AST, module: str | None = None) -> set[str]:
    """The ``herd`` modules a syntax tree imports, anywhere in it (a function's own imports too), with the
    packages that hold them (importing ``herd.analyses.contamination.scanner.index`` runs the ``__init__.py`` of
    ``herd``, ``herd/analyses``, ``herd/analyses/contamination`` and its ``scanner``).
    ``module`` is the tree's own module name, to resolve relative imports; None for a notebook's code."""
    package = None
    if module is not None:
        path = module_path(root, module)
        package = module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if package is None:
                    continue
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                where = ".".join(base + ([node.module] if node.module else []))
            else:
                where = node.module or ""
            found.add(where)
            found |= {f"{where}.{alias.name}" for alias in node.names}  # `from herd import stats` imports a module
    modules = set()
    for name in found:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if module_path(root, prefix) is not None:
                modules.add(prefix)
    return modules


def without_docstrings(tree: ast.Module) -> ast.Module:
    """The module with the docstring of the module, of each class and of each function left out."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return tree


def imports_sorted(tree: ast.Module) -> ast.Module:
    """The module with each run of consecutive top-level imports in one order (an import sorter's reordering
    changes nothing that runs)."""
    body: list[ast.stmt] = []
    run: list[ast.stmt] = []
    for node in [*tree.body, None]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            run.append(node)
            continue
        body += sorted(run, key=lambda n: ast.dump(n, include_attributes=False))
        run = []
        if node is not None:
            body.append(node)
    tree.body = body
    return tree


def code_digest(path: Path) -> str:
    """SHA-256 of a Python file's code: its syntax tree without docstrings, comments, blank lines or
    positions, with each run of top-level imports sorted, so an edit to a docstring or a comment, re-wrapping a
    line or re-ordering imports leaves it unchanged."""
    tree = imports_sorted(without_docstrings(ast.parse(path.read_text(encoding="utf-8"), str(path))))
    return hashlib.sha256(ast.dump(tree, annotate_fields=True, include_attributes=False).encode()).hexdigest()


def closure(root: Path, modules) -> list[str]:
    """``modules`` (``herd`` module names) and every ``herd`` module they import, directly or through other
    modules, sorted. Raises :class:`LookupError` for a name that is no module of ``src/``."""
    todo = set(modules)
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = module_path(root, module)
        if path is None:
            raise LookupError(f"no module {module} in src/")
        todo |= imported_modules(root, ast.parse(path.read_text(encoding="utf-8"), str(path)), module) - seen
    return sorted(seen)
