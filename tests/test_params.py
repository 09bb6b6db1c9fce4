import pytest

from herd.base.params import ParameterError, check


def test_accepts_good_values():
    assert check("focus", "a", str, choices=["a", "b"]) == "a"
    assert check("alpha", 1, float, minimum=0) == 1.0
    assert check("models", ["a"], list, items=["a", "b"], min_items=1) == ["a"]


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("focus", 3, str), {}, "parameter 'focus' = 3: expected str, got int"),
        (("focus", "z", str), {"choices": ["a", "b"]}, "parameter 'focus' = 'z' is not allowed; allowed: 'a', 'b'"),
        (("alpha", 0.5, float), {"maximum": 0.2}, "parameter 'alpha' = 0.5 is above the maximum 0.2"),
        (("alpha", True, float), {}, "got a boolean"),
        (
            ("models", ["a", "q"], list),
            {"items": ["a", "b"]},
            "parameter 'models' has 'q' which is not allowed; allowed: 'a', 'b'",
        ),
        (("models", [], list), {"min_items": 1}, "needs at least 1"),
        (("models", ["a", "a"], list), {"items": ["a"]}, "twice"),
    ],
)
def test_rejects_with_the_parameter_named(args, kwargs, message):
    with pytest.raises(ParameterError) as info:
        check(*args, **kwargs)
    assert message in str(info.value)


# --------------------------------------------------------------------------- the chapters' schema

from herd.analyses.long_context import arch  # noqa: E402
from herd.base import params  # noqa: E402
from herd.method import stats  # noqa: E402

SCHEMA = params.load_schema()


def test_the_schema_describes_every_parameter_of_every_chapter():
    import papermill as pm

    from conftest import ROOT
    from herd.book import chapters

    for nb in chapters.notebooks(ROOT):
        path = ROOT / "book" / f"{nb.name}.ipynb"
        declared = pm.inspect_notebook(str(path))
        assert set(declared) == set(SCHEMA.get(nb.name, {})), nb.name  # a page without parameters has no entry
        assert all(spec["help"] for spec in SCHEMA.get(nb.name, {}).values())


def _parameters_cell(chapter: str) -> dict:
    """The values a chapter's parameters cell sets (plain assignments, run on their own)."""
    import jupytext

    from conftest import ROOT

    cells = jupytext.read(ROOT / "notebooks" / f"{chapter}.md").cells
    (cell,) = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    values: dict = {}
    exec(cell.source, {}, values)
    return values


@pytest.mark.parametrize("chapter", sorted(SCHEMA))
def test_the_parameters_cell_sets_the_schemas_defaults(chapter):
    """The schema declares each default; the parameters cell, which papermill reads, repeats it exactly."""
    cell = _parameters_cell(chapter)
    assert list(cell) == list(SCHEMA[chapter])  # the same names, in the same order
    for name, value in cell.items():
        default = SCHEMA[chapter][name]["default"]
        assert value == default and type(value) is type(default), (chapter, name, value, default)


def _schema_file(tmp_path, spec: str):
    path = tmp_path / "parameters.yml"
    path.write_text("demo:\n  n:\n" + "".join(f"    {line}\n" for line in spec.strip().splitlines()))
    return path


@pytest.mark.parametrize(
    "spec, message",
    [
        ("type: int\nhelp: times", "parameters.yml: demo.n: a parameter needs a 'type', a 'default' and a 'help' text"),
        (
            "type: int\ndefault: 0\nminimum: 1\nhelp: times",
            "parameters.yml: demo.n: the default is not allowed: parameter 'n' = 0 is below the minimum 1",
        ),
        (
            "type: str\ndefault: tukey\nchoices: [holm]\nhelp: x",
            "demo.n: the default is not allowed: parameter 'n' = 'tukey' is not allowed; allowed: 'holm'",
        ),
        (
            "type: list\ndefault: []\nmin_items: 1\nhelp: x",
            "the default is not allowed: parameter 'n' needs at least 1",
        ),
        ("type: int\ndefault: 1\nhelp: x\nmax: 3", "demo.n: unknown key(s) max; allowed: type, default, help"),
    ],
)
def test_a_default_the_schema_does_not_allow_is_refused(tmp_path, spec, message):
    with pytest.raises(ParameterError) as info:
        params.load_schema(_schema_file(tmp_path, spec))
    assert message in str(info.value)


def test_static_choices_in_the_schema_match_the_code():
    for chapter in ("benchmarks", "method", "claims"):
        assert SCHEMA[chapter]["correction"]["choices"] == list(stats.CORRECTIONS)
    assert SCHEMA["long_context"]["precision"]["choices"] == sorted(arch.BYTES)
    assert SCHEMA["long_context"]["weights"]["choices"] == list(arch.WEIGHT_SCHEMES)


def _namespace(**values):
    base = {"In": [], "Out": {}, "get_ipython": print, "pd": params, "_": None}
    good = {"alpha": 0.05, "correction": "holm", "margin": 2.0}
    return {**base, **good, **values}


def test_check_chapter_accepts_the_defaults_and_an_int_for_a_float():
    params.check_chapter(_namespace(), "method", SCHEMA)
    params.check_chapter(_namespace(margin=3), "method", SCHEMA)


@pytest.mark.parametrize(
    "values, message",
    [
        (
            {"margn": 3.0},
            "chapter 'method' has no parameter 'margn' (did you mean "
            "'margin'?); its parameters: alpha, correction, margin",
        ),
        ({"alpha": "0.05"}, "parameter 'alpha' = '0.05': expected float, got str"),
        ({"correction": "tukey"}, "parameter 'correction' = 'tukey' is not allowed; allowed: 'holm'"),
        ({"margin": 0.0}, "parameter 'margin' = 0.0 is below the minimum 0.1"),
    ],
)
def test_check_chapter_rejects_unknown_names_and_bad_values(values, message):
    with pytest.raises(ParameterError) as info:
        params.check_chapter(_namespace(**values), "method", SCHEMA)
    assert message in str(info.value)


def test_list_items_are_checked_against_their_spec():
    ns = {
        "model": "llama-3.1-405b",
        "precision": "bf16",
        "weights": "bf16",
        "context_lengths": [8192, 0],
        "batch_size": 1,
        "texts_to_measure": ["kjv-bible"],
        "words_per_page": 500,
        "focus_model": "llama-3.1-405b-instruct",
    }
    with pytest.raises(ParameterError, match="parameter 'context_lengths item' = 0 is below the minimum 1"):
        params.check_chapter(ns, "long_context", SCHEMA)


def test_only_the_schemas_names_are_read_and_a_second_run_in_the_kernel_keeps_working():
    # a fresh kernel (as papermill starts) holds only what the parameters cell and papermill's cell set: a
    # plain value the schema does not name is a misspelled parameter
    fresh = _namespace(margin=3.0, margn=3.0)
    with pytest.raises(ParameterError, match="no parameter 'margn'"):
        params.check_chapter(fresh, "method", SCHEMA)
    # the check marks the namespace, so that the names the chapter itself set in an earlier run in the same
    # kernel (JupyterLab's second Run All), or the misspelled name just refused, are not taken for parameters
    assert fresh[params.CHECKED] == "method"
    again = {**fresh, "rules": [1], "name": {"a": "b"}, "margin": 2.5}
    params.check_chapter(again, "method", SCHEMA)
    with pytest.raises(ParameterError, match="parameter 'margin' = 30.0 is above the maximum 20.0"):
        params.check_chapter({**again, "margin": 30.0}, "method", SCHEMA)  # the schema's names are still checked
    # no IPython history is read: a namespace without `In` is checked the same way
    with pytest.raises(ParameterError, match="no parameter 'margn'"):
        params.check_chapter({"alpha": 0.05, "correction": "holm", "margin": 2.0, "margn": 3.0}, "method", SCHEMA)


def test_among_limits_a_checked_value_to_what_the_data_allows():
    assert params.among("model", "a", ["a", "b"]) == "a"
    assert params.among("models", ["b", "a"], ["a", "b"]) == ["b", "a"]
    with pytest.raises(ParameterError) as info:
        params.among("model", "c", ["a", "b"], hint="'c' is printed in Table 9")
    assert str(info.value) == "parameter 'model' = 'c' is not allowed; allowed: 'a', 'b'; 'c' is printed in Table 9"
    with pytest.raises(ParameterError, match="parameter 'models' has 'q' which is not allowed; allowed: 'a', 'b'"):
        params.among("models", ["a", "q"], ["a", "b"])
    with pytest.raises(ParameterError, match="lists an item twice"):
        params.among("models", ["a", "a"], ["a", "b"])


def test_all_or_a_list():
    """``choices`` limit a value that is not a list: "all", or a list of names (whose items the chapter checks)."""
    scaling = {name: spec["default"] for name, spec in SCHEMA["scaling"].items()}
    params.check_chapter({**scaling, "models": ["llama-3.1-8b"]}, "scaling", SCHEMA)
    with pytest.raises(ParameterError, match="parameter 'models' = 'some' is not allowed; allowed: 'all'"):
        params.check_chapter({**scaling, "models": "some"}, "scaling", SCHEMA)
    with pytest.raises(ParameterError, match="parameter 'models' needs at least 1 item"):
        params.check_chapter({**scaling, "models": []}, "scaling", SCHEMA)


# ---- hostile input, second round (issue 26)


def _contamination(**values):
    """The contamination chapter's parameters with the book's values, some replaced."""
    return {**{name: spec["default"] for name, spec in SCHEMA["contamination"].items()}, **values}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("chapter, name", [("contamination", "threshold"), ("scaling", "compute_budget")])
def test_nan_and_infinity_are_refused_not_compared(chapter, name, value):
    spec = SCHEMA[chapter][name]
    with pytest.raises(ParameterError, match=f"parameter '{name}' = .*: expected a finite number, not NaN or infinity"):
        check(name, value, float, minimum=spec.get("minimum"), maximum=spec.get("maximum"))


def test_nan_stops_a_chapter_with_its_name():
    ns = _contamination(threshold=float("nan"))
    missing = set(SCHEMA["contamination"]) - set(ns)
    assert not missing, missing
    with pytest.raises(ParameterError, match="parameter 'threshold' = nan: expected a finite number"):
        params.check_chapter(ns, "contamination", SCHEMA)


def test_an_integer_too_large_for_a_float_is_refused_not_overflowed():
    with pytest.raises(ParameterError, match="parameter 'compute_budget' = 1000.* is too large for a number"):
        check("compute_budget", 10**400, float, minimum=1e18, maximum=1e27)


def test_bounds_apply_to_numbers_only():
    with pytest.raises(ParameterError, match="expected str or float, got list"):
        check("x", [1], (str, float), minimum=0)
    assert check("x", "all", (str, float), minimum=0) == "all"
