"""``herd`` is built in layers, and imports only go downwards.

From the ground up: ``base`` (what every layer uses), ``record`` (the data package and what it holds), ``method``
(the statistics), ``analyses`` (one subpackage or module per chapter topic), ``presentation`` (tables, charts,
findings) and ``book`` (the build and the editions); above them, the few modules at the top of the package are the
commands users type. Every import in ``src/herd`` (a function's own imports and those made only for type checking
too) is read from the syntax tree; a test fails on an import from a lower layer to a higher one and on analysis
topics that import each other in a circle, naming the file and the line, and on modules that do.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "herd"
# the layers, from the ground up; the package's own __init__ (its version) lies beneath them all
LAYERS = ("base", "record", "method", "analyses", "presentation", "book")
TOP = "commands"  # the modules at the top of herd: what users type, each calling into its layer
MOST_AT_TOP = 8  # modules standing at the top of herd, its __init__ included
# Imports that still run upwards, one entry each: (importing module, the function importing it, imported module).
# None remain: the last, the benchmarks chapter's table of N and its notes, moved from the record to
# herd.presentation.sizes_text. An entry whose import is gone fails the test, so the list only shrinks.
UPWARDS: set[tuple[str, str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = modules()


def layer(module: str) -> str:
    """The layer of a module of herd: the first part after ``herd``, a command at the top, or ``herd`` itself."""
    parts = module.split(".")
    if len(parts) == 1:
        return "herd"
    return parts[1] if parts[1] in LAYERS else TOP


def rank(module: str) -> int:
    where = layer(module)
    return -1 if where == "herd" else len(LAYERS) if where == TOP else LAYERS.index(where)


def unit(module: str) -> str:
    """What may not import in a circle: a layer, and within the analyses each topic."""
    parts = module.split(".")
    if layer(module) == "analyses" and len(parts) > 2:
        return ".".join(parts[:3])
    return layer(module)


def scopes(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node's function (``name``, ``Class.name``), or ``<module>`` for what stands outside any."""
    found = {}

    def visit(node: ast.AST, scope: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, prefix + child.name, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, scope, prefix + child.name + ".")
            else:
                found[child] = scope
                visit(child, scope, prefix)

    visit(tree, "<module>", "")
    return found


def imports(path: Path) -> list[tuple[int, str, str]]:
    """Every module of herd that a file imports, anywhere in it, with the import's line and function (relative
    imports resolved; ``from herd.base import formats`` imports ``herd.base.formats``, ``from . import x`` its
    module x)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    scope = scopes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                where = ".".join(base + ([node.module] if node.module else []))
            else:
                where = node.module or ""
            targets = [f"{where}.{alias.name}" if f"{where}.{alias.name}" in MODULES else where for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            while target and target not in MODULES:  # an attribute of a module: the module
                target = target.rpartition(".")[0]
            if target.startswith("herd") and target != module:
                found.append((node.lineno, target, scope[node]))
    return found


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}, line {line}"


def test_every_module_stands_in_a_layer_and_few_stand_at_the_top():
    top = sorted(m for m in MODULES if layer(m) in (TOP, "herd"))
    assert len(top) <= MOST_AT_TOP, f"{len(top)} modules at the top of herd (at most {MOST_AT_TOP}): {top}"
    for name in LAYERS:
        assert f"herd.{name}" in MODULES, f"src/herd/{name}/__init__.py is missing"


def test_each_layer_says_what_it_holds_and_what_it_may_import():
    for name, path in MODULES.items():
        depth = 3 if layer(name) == "analyses" else 2  # a layer's package, and each topic of the analyses
        if path.name == "__init__.py" and layer(name) in LAYERS and len(name.split(".")) <= depth:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert "May import" in doc, f"{path.relative_to(ROOT)}: its docstring does not say what it may import"


def test_imports_only_go_downwards():
    upwards = []
    seen = set()
    for module, path in MODULES.items():
        for line, target, function in imports(path):
            if rank(target) <= rank(module):
                continue
            if (module, function, target) in UPWARDS:
                seen.add((module, function, target))
                continue
            upwards.append(
                f"{where(path, line)}: {module} ({layer(module)}, in {function}) imports {target} "
                f"({layer(target)}), a higher layer"
            )
    assert not upwards, "imports running up the layers:\n" + "\n".join(upwards)
    gone = sorted(set(UPWARDS) - seen)
    assert not gone, f"allowed upward imports that no longer exist (strike them from UPWARDS): {gone}"


def test_no_layer_or_analysis_topic_imports_in_a_circle():
    edges: dict[str, dict[str, str]] = defaultdict(dict)  # unit -> {unit it imports: where}
    for module, path in MODULES.items():
        for line, target, function in imports(path):
            if (module, function, target) not in UPWARDS and unit(module) != unit(target):
                edges[unit(module)].setdefault(unit(target), where(path, line))

    def circle(start: str) -> list[str] | None:
        todo = [(start, [start])]
        while todo:
            node, trail = todo.pop()
            for nxt in edges[node]:
                if nxt == start:
                    return trail
                if nxt not in trail:
                    todo.append((nxt, [*trail, nxt]))
        return None

    for start in list(edges):
        trail = circle(start)
        if trail:
            steps = [f"{a} -> {b} ({edges[a][b]})" for a, b in zip(trail, [*trail[1:], start])]
            pytest.fail("import circle between layers or analysis topics:\n" + "\n".join(steps))


def test_no_module_imports_in_a_circle():
    # within a topic too (the refit and the scaling tables once imported each other, the one only for a type): a
    # circle of modules is one module in several files; a package and its own command line (``__main__``) aside
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for _, target, function in imports(path):
            command = (module, target) in (
                (f"{target}.__main__", target),
                (module, f"{module}.__main__"),
            )
            if (module, function, target) not in UPWARDS and not command:
                edges[module].add(target)

    def reaches(start: str, goal: str) -> bool:
        todo, seen = [start], {start}
        while todo:
            for nxt in edges[todo.pop()]:
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    circles = sorted(f"{a} -> {b} -> ... -> {a}" for a in MODULES for b in edges[a] if reaches(b, a))
    assert not circles, "modules importing in a circle:\n" + "\n".join(circles)


MODULE_LINES, FUNCTION_LINES = 700, 100


def test_every_module_and_function_reads_in_one_sitting():
    # the house rule: a module over 700 lines or a function over 100 is split along what it does
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(SRC)
        if len(text.splitlines()) > MODULE_LINES:
            too_long.append(f"{where}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > FUNCTION_LINES:
                    too_long.append(f"{where}: {node.name} is {size} lines")
    assert not too_long, "\n".join(too_long)


# The analyses that still write numbers as text, one entry each, with why. The claims audit's checks cite the cells and
# facts they read as printed, and fill a claim's note with the facts it names (the record of what a check read, shown
# beside its verdict). An entry whose import is gone fails the test, so the list only shrinks.
FORMATTING_ANALYSES = {"herd.analyses.claims.facts"}


def test_analyses_return_numbers_and_records_not_formatted_text():
    # the numbers' words and formats belong to herd.presentation: an analysis that imports the book's formatter
    # writes text a page shows
    writing = {
        name
        for name, path in MODULES.items()
        if layer(name) == "analyses" and any(target == "herd.base.formats" for _, target, _ in imports(path))
    }
    assert writing == FORMATTING_ANALYSES, (
        f"analyses importing herd.base.formats beyond the list: {sorted(writing - FORMATTING_ANALYSES)}; "
        f"entries whose import is gone: {sorted(FORMATTING_ANALYSES - writing)}"
    )
