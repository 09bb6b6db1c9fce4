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


def test_names_left_by_an_earlier_run_in_the_same_kernel_do_not_count():
    # IPython's history: an earlier run of the whole chapter, then its parameters cell again,
    # papermill's injected cell, and the current cell; leftovers such as `rules` are ignored
    history = [
        "",
        "alpha = 0.05\ncorrection = 'holm'\nmargin = 2.0",
        "import x\nrules = 1",
        "alpha = 0.05\ncorrection = 'holm'\nmargin = 2.0",
        "# Parameters\nmargin = 3.0\n",
        "params.check_chapter(...)",
    ]
    ns = {**_namespace(margin=3.0), "In": history, "rules": [1], "name": {"a": "b"}}
    params.check_chapter(ns, "method", SCHEMA)
    history[-2] = "# Parameters\nmargn = 3.0\n"
    with pytest.raises(ParameterError, match="no parameter 'margn'"):
        params.check_chapter({**ns, "In": history, "margn": 3.0}, "method", SCHEMA)


# ---- hostile input, second round (issue 26)


def _contamination(**values):
    """The contamination chapter's parameters with the book's values, some replaced."""
    good = {
        "ngram": 13,
        "threshold": 0.5,
        "planted_whole": 20,
        "planted_part": 20,
        "seed": 0,
        "null_reps": 200,
        "null_max_draws": 1_280_000,
        "null_seeds": 5,
        "item_correlation": 0.5,
        "alpha": 0.05,
        "correction": "holm",
    }
    spec = SCHEMA["contamination"]
    return {k: v for k, v in {**good, **values}.items() if k in spec}


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
