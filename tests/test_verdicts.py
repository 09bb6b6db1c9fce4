"""Walk every comparison the book shows (recorded by each chapter in its executed notebook) and
every comparison of the tables the chapters judge, and check the one method's promises: intervals
stay on the scale, only testable kinds are tested, an interval and its verdict agree, equality is
only claimed inside the margin, and one pair never gets two verdicts."""

import ast
import json

import nbformat
import pytest

from conftest import DATA, ROOT
from herd.method import compare, sample_sizes, stats
from herd.record import data

FLIP = {"ahead": "behind", "behind": "ahead"}


def shown_comparisons():
    out = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                meta = output.get("metadata", {}).get("scrapbook", {})
                if meta.get("name", "").endswith("comparisons"):
                    text = output["data"]["application/papermill.record/text/plain"]
                    out += [dict(r, chapter=path.stem) for r in json.loads(ast.literal_eval(text))]
    return out


SHOWN = shown_comparisons()


def test_the_chapters_record_what_they_show():
    chapters = {r["chapter"] for r in SHOWN}
    assert {"benchmarks", "long_context", "claims"} <= chapters
    assert len(SHOWN) > 50


def _check(r, margin):
    if r["low"] is not None:
        assert -100 <= r["low"] <= r["high"] <= 100, r
    if r["testable"]:
        kind = stats.metric_kind(r["kind"])
        assert kind.testable and kind.basis, r  # a non-proportion is tested only under a stated bound
        excludes_zero = r["low"] > 0 or r["high"] < 0
        assert excludes_zero == (r["difference"] in ("ahead", "behind")), r
        if r["difference"] == "ahead":
            assert r["low"] > 0
        if r["equivalence"] == "equivalent":  # the equivalence (TOST) interval lies inside the margin
            assert -margin < r["eq_low"] and r["eq_high"] < margin, r
        if r["p_adjusted"] is not None:
            assert (r["p_adjusted"] < 0.05) == excludes_zero, r
    else:
        assert r["verdict"] == r["difference"] == "no test" and r["reason"], r


@pytest.mark.parametrize("r", SHOWN, ids=lambda r: f"{r['chapter']}:{r['table']}:{r['row']}:{r['a']}-{r['b']}")
def test_every_shown_comparison_keeps_the_promises(r):
    _check(r, r["margin"])


def test_a_pair_judged_at_the_same_level_gets_the_same_verdict_everywhere():
    # The family is the question's, so the same pair may be judged at different levels in different questions
    # (and a page says so); at the same level and on the same printed scores, the verdict must be the same.
    seen = {}
    for r in SHOWN:
        if not r["testable"]:
            continue
        key = (r["source"], r["table"], r["row"], *sorted((r["a"], r["b"])), round(r["level"], 12))
        verdict = r["difference"] if r["a"] <= r["b"] else FLIP.get(r["difference"], r["difference"])
        if key in seen:
            assert seen[key][0] == verdict, f"{key}: {seen[key][1]} says {seen[key][0]}, {r['chapter']} says {verdict}"
        else:
            seen[key] = (verdict, r["chapter"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "source, table",
    [
        ("llama3-paper-v3", "Table 2"),
        ("llama3-paper-v3", "Table 21"),
        ("llama-models-model-card-3.3", "Instruction tuned models"),
    ],
)
def test_every_comparison_of_the_judged_tables(source, table):
    package = data.load(DATA)
    # every pair of the table's models, except in the paper's largest table (Table 2), where the pairs with
    # the 405B (those the chapters and the claims ask about) cover every kind of cell at a quarter of the cost
    pairs = None
    if table == "Table 2":
        models = package.scores.query("source == @source and table == @table")["model"].unique()
        pairs = [("llama-3.1-405b-instruct", m) for m in models if m != "llama-3.1-405b-instruct"]
    judged = compare.judge_package(package, source, table, pairs=pairs)
    for _, r in judged.iterrows():
        _check(
            {
                "low": None if r["gap_low"] != r["gap_low"] else r["gap_low"],
                "high": None if r["gap_high"] != r["gap_high"] else r["gap_high"],
                "testable": bool(r["testable"]),
                "kind": r["kind"],
                "verdict": r["verdict"],
                "difference": r["difference"],
                "equivalence": r["equivalence"],
                "eq_low": r["eq_low"],
                "eq_high": r["eq_high"],
                "p_adjusted": None if r["p_adjusted"] != r["p_adjusted"] else r["p_adjusted"],
                "reason": r["reason"],
            },
            compare.Rules().margin,
        )


def test_score_intervals_stay_on_the_scale():
    package = data.load(DATA)
    for table in ("Table 2", "Table 21"):  # noqa: B007 (read by the query)
        cells = package.scores.query("table == @table")
        shown = sample_sizes.score_intervals(cells, package.benchmarks, package.scores, package.benchmark_subsets)
        has = shown.dropna(subset=["low"])
        assert (
            (has["low"] >= 0) & (has["high"] <= 100) & (has["low"] <= has["score"]) & (has["score"] <= has["high"])
        ).all()
        assert (has["high"] > has["low"]).all()  # no zero-width interval, even at 100 %
        untestable = shown[
            shown["benchmark"].map(package.benchmarks.set_index("key")["metric_kind"]) == "average-recall"
        ]
        assert untestable["low"].isna().all()
