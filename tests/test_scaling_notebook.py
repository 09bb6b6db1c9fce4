"""The scaling chapter only loads, calls, shows and glues: its code cells define no functions,
loop over no data and type no figure that data/ holds; every number its prose quotes is glued."""

import ast
import json
import re

import jupytext
import pytest

from conftest import ROOT

pytestmark = [pytest.mark.book, pytest.mark.slow]

CHAPTER = ROOT / "notebooks" / "scaling.md"
COMPUTING = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
)


@pytest.fixture(scope="module")
def notebook():
    return jupytext.read(CHAPTER)


def _code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]


def offences(source: str) -> list[str]:
    """What a chapter cell may not contain: definitions, loops and comprehensions, and numbers of
    1,000 or more (a model's size, tokens, hours or a budget belong in data/ or a parameter)."""
    found = []
    tree = ast.parse(source)
    # the bounds of a parameter check are the parameter's schema, not figures
    bounds = {
        id(n)
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "params.check"
        for n in ast.walk(call)
    }
    for node in ast.walk(tree):
        if id(node) in bounds:
            continue
        if isinstance(node, COMPUTING):
            found.append(f"line {node.lineno}: {type(node).__name__}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
            and abs(node.value) >= 1000
        ):
            found.append(f"line {node.lineno}: number {node.value!r}")
    return found


def test_the_check_catches_what_it_forbids():
    assert offences("rows = [f(x) for x in table]")[0].endswith("ListComp")
    assert offences("for law in laws:\n    pass")[0].endswith("For")
    assert offences("def helper():\n    return 1")[0].endswith("FunctionDef")
    assert offences("fmt = lambda v: v")[0].endswith("Lambda")
    assert offences("n = 405e9") == ["line 1: number 405000000000.0"]
    assert offences("tables.show(frame, caption='x')\nglue('n', 3, display=False)") == []
    assert offences("params.check('seed', seed, int, minimum=0, maximum=100_000)") == []


def test_chapter_cells_only_load_call_show_and_glue(notebook):
    problems = {i: offences(c.source) for i, c in enumerate(_code_cells(notebook))}
    assert {i: p for i, p in problems.items() if p} == {}


def test_every_glued_name_in_the_prose_is_glued_once(notebook):
    # what the chapter glued, read from its executed notebook (values are glued in groups, by name)
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    used = set(re.findall(r"\{glue(?::\w*)?\}`(\w+)`", prose))
    executed = json.loads((ROOT / "book" / "scaling.ipynb").read_text())
    glued = [
        o["metadata"]["scrapbook"]["name"]
        for c in executed["cells"]
        for o in c.get("outputs", [])
        if "scrapbook" in o.get("metadata", {})
    ]
    assert used == set(glued)
    assert len(glued) == len(set(glued))


def test_prose_types_no_figure(notebook):
    # numbers in the prose come from glue; what may stay typed are formula constants and section words
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    prose = re.sub(r"\{glue(?::\w*)?\}`\w+`", "", prose)
    typed = re.findall(r"(?<![\w.⁻^])\d[\d,.]*\s*(?:B|T|%|M)\b", prose)
    assert typed == []


def test_data_readme_lists_exactly_the_facts_the_code_reads():
    from herd.analyses.compute import budget, scaling

    readme = (ROOT / "data" / "README.md").read_text()
    section = readme[readme.index("### Facts the chapters read") :]
    listed = re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)
    assert sorted(listed) == sorted({*scaling.FACT_KEYS, *budget.FACT_KEYS})


def test_a_model_without_facts_stops_the_chapter_with_its_name(tmp_path):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(
            str(ROOT / "book" / "scaling.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"models": ["llama-3.1-405b", "llama-3.1-405b-instruct"]},
            kernel_name="python3",
            cwd=str(ROOT),
            progress_bar=False,
        )
    assert info.value.ename == "ParameterError"
    assert "parameter 'models' has 'llama-3.1-405b-instruct' which is not allowed" in info.value.evalue
