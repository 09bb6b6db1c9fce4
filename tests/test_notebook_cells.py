"""A chapter's code cells load, call, show or glue: the computations live in tested functions of
``herd``. Every text notebook's code cells (the parameters cell aside) are parsed, and the test
fails on a cell that defines a function, loops over data, does arithmetic, aggregates a table, or
types a figure that ``data/`` holds (such as a model's size, ``[8e9, 70e9, 405e9]``)."""

import ast
import csv
import math

import jupytext
import pytest

from conftest import DATA, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
# Calls a loop body may consist of: it shows or glues, one value at a time.
OUTPUT_CALLS = {"glue", "display", "show"}
# Methods and built-ins that reduce data to a number: a published number computed in the cell.
AGGREGATES = {
    "sum",
    "mean",
    "median",
    "min",
    "max",
    "count",
    "value_counts",
    "nunique",
    "agg",
    "aggregate",
    "groupby",
    "pivot_table",
    "idxmax",
    "idxmin",
    "quantile",
    "std",
    "var",
    "cumsum",
    "describe",
    "apply",
}
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)
# Numbers a cell may type without them being figures of the data: digits, small counts and unit scales.
HARMLESS = {float(i) for i in range(11)} | {100.0, 1000.0, 1024.0, 1e6, 1e9, 1e12}
SCALES = (1.0, 1e3, 1e6, 1e9, 1e12)
HERD_MODULES = {p.stem for p in (ROOT / "src" / "herd").rglob("*.py") if not p.name.startswith("_")}


def _data_figures() -> set[float]:
    """Every number in the data package's tables, and each times a thousand, a million, a billion and a trillion."""
    figures = set()
    for path in DATA.glob("*.csv"):
        with path.open(newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    try:
                        value = float(cell)
                    except ValueError:
                        continue
                    if math.isfinite(value):
                        figures.update(value * s for s in SCALES)
    return figures


FIGURES = _data_figures()


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _aggregates(call: ast.Call) -> bool:
    """A reduction of data (``frame.sum()``, ``max(...)``), not a function of herd (``formats.count``)."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in HERD_MODULES:
        return False
    return _name(call) in AGGREGATES


def _only_output(loop: ast.For | ast.While) -> bool:
    """A loop whose body only shows or glues (one table per item), with no arithmetic."""
    for statement in loop.body:
        if not (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and _name(statement.value) in OUTPUT_CALLS
        ):
            return False
        if any(
            isinstance(n, ast.BinOp) and not _is_text(n.left) and not _is_text(n.right) for n in ast.walk(statement)
        ):
            return False
    return not loop.orelse


def _figure(value: float) -> bool:
    return value not in HARMLESS and any(math.isclose(value, f, rel_tol=1e-9) for f in FIGURES)


def violations(source: str) -> list[str]:
    """What in one code cell computes rather than loads, calls, shows or glues (empty when nothing)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", "?")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            found.append(f"line {line}: defines a function or class")
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and not _only_output(node):
            found.append(f"line {line}: a loop that computes (a loop may only show or glue)")
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            found.append(f"line {line}: a comprehension loops over data")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC):
            path_join = isinstance(node.op, ast.Div) and _is_text(node.right)
            text = isinstance(node.op, ast.Add) and (_is_text(node.left) or _is_text(node.right))
            if not (path_join or text):
                found.append(f"line {line}: arithmetic ({type(node.op).__name__})")
        elif isinstance(node, ast.AugAssign):
            found.append(f"line {line}: arithmetic (augmented assignment)")
        elif isinstance(node, ast.Call) and _aggregates(node):
            found.append(f"line {line}: aggregates with {_name(node)}()")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        ):
            if _figure(float(node.value)):
                found.append(f"line {line}: types {node.value!r}, a figure data/ holds")
    return found


def _cells(path):
    for i, cell in enumerate(jupytext.read(path).cells):
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            yield i, cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_code_cells_only_load_call_show_or_glue(path):
    problems = [f"{path.relative_to(ROOT)}, cell {i}, {v}" for i, source in _cells(path) for v in violations(source)]
    assert not problems, "move these computations into a tested function of herd:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source, what",
    [
        ("def f(x):\n    return x\n", "defines a function"),
        ("show = lambda v: formats.number(v, 3)\n", "defines a function"),
        ("rows = []\nfor k in keys:\n    rows.append(k)\n", "a loop that computes"),
        ("for k in keys:\n    glue(k, v[k] * 2, display=False)\n", "a loop that computes"),
        ("n = [x for x in frame['n'] if x]\n", "comprehension"),
        ("share = done / total\n", "arithmetic (Div)"),
        ("n = int((audit['verdict'] == 'correct').sum())\n", "aggregates with sum()"),
        ("glue('n', len(frame[frame['gap'] > 0]), display=False)\nk = frame['n'].max()\n", "aggregates with max()"),
        ("sizes = [8e9, 70e9, 405e9]\n", "types 405000000000.0, a figure data/ holds"),
        ("big = frame[frame['size'] >= 70]\n", "types 70, a figure data/ holds"),
    ],
)
def test_the_check_catches_computation(source, what):
    assert any(what in v for v in violations(source)), violations(source)


def test_the_check_lets_a_cell_load_call_show_and_glue():
    source = (
        "package = data.load()\n"
        "seen = compare.orient(compare.judge_package(package, 'llama3-paper-v3', 'Table 2'), focus_model)\n"
        "glue('n_pairs', len(seen), display=False)\n"
        "glue('name', Markdown('**' + name + '**'), display=False)\n"
        "for key, value in findings.totals(glued).items():\n    glue(key, value, display=False)\n"
        "tables.show(seen, formats={'N': formats.count, 'gap': "
        "tables.number(2)}, caption=f'{formats.count(len(seen))} rows')\n"
        "folder = work / 'planted'\n"
    )
    assert violations(source) == []
