import numpy as np
import pandas as pd
import pytest

from herd.base import formats
from herd.method import compare, rowwise, sample_sizes, stats
from herd.presentation import compare_text


def _scores(rows, table="T"):
    frame = pd.DataFrame(rows, columns=["row_label", "model", "benchmark", "score", "marker", "footnote"])
    frame["source"], frame["table"], frame["page"], frame["ci95"] = "paper", table, 1, np.nan
    return frame


BENCH = pd.DataFrame(
    {
        "key": ["big", "small", "nosize", "recall", "macro"],
        "test_set_size": pd.array([10000, 100, pd.NA, pd.NA, 400], dtype="Int64"),
        "n_items": pd.array([pd.NA] * 5, dtype="Int64"),
        "metric_kind": ["proportion", "proportion", "proportion", "average-recall", "macro-average"],
    }
)
SUBSETS = pd.DataFrame({"benchmark": ["macro"] * 4, "subset": list("abcd"), "n": [100, 100, 100, 100]})


def test_verdicts_reasons_and_orientation():
    s = _scores(
        [
            ("Big", "f", "big", 80.0, np.nan, np.nan),
            ("Big", "c", "big", 75.0, np.nan, np.nan),  # 5 on 10,000: ahead
            ("Small", "f", "small", 80.0, np.nan, np.nan),
            ("Small", "c", "small", 75.0, np.nan, np.nan),  # 5 on 100: not resolved
            ("Loss", "f", "big", 60.0, np.nan, np.nan),
            ("Loss", "c", "big", 70.0, np.nan, np.nan),  # -10 on 10,000: behind
            ("Same", "f", "big", 70.0, np.nan, np.nan),
            ("Same", "c", "big", 70.2, np.nan, np.nan),  # equivalent within 2
            ("NoN", "f", "nosize", 90.0, np.nan, np.nan),
            ("NoN", "c", "nosize", 80.0, np.nan, np.nan),
            ("Dash", "f", "big", 90.0, np.nan, np.nan),
            ("Dash", "c", "big", np.nan, np.nan, "dash"),
            ("Unlike", "f", "big", 90.0, np.nan, np.nan),
            ("Unlike", "c", "big", 70.0, "♢", "zero-shot"),
            ("Recall", "f", "recall", 99.0, np.nan, np.nan),
            ("Recall", "c", "recall", 90.0, np.nan, np.nan),
            ("Macro", "f", "macro", 90.0, np.nan, np.nan),
            ("Macro", "c", "macro", 70.0, np.nan, np.nan),
        ]
    )
    judged = compare.judge(s, BENCH, subsets=SUBSETS)
    out = compare.orient(judged, "f").set_index("row_label")
    assert out.loc["Big", "verdict"] == "ahead" and out.loc["Loss", "verdict"] == "behind"
    assert out.loc["Small", "verdict"] == "not resolved" and out.loc["Same", "verdict"] == "equivalent"
    for row, why in [("NoN", "size"), ("Dash", "dash"), ("Unlike", "unlike settings"), ("Recall", "trials")]:
        assert out.loc[row, "verdict"] == "no test" and why in out.loc[row, "reason"], row
    assert out.loc["Macro", "verdict"] == "ahead" and "subset" in out.loc["Macro", "n_basis"]
    assert not out.loc["Unlike", "like_for_like"] and out.loc["Big", "like_for_like"]
    # seen from the other side, every gap, interval and verdict flips
    other = compare.orient(judged, "c").set_index("row_label")
    assert other.loc["Big", "verdict"] == "behind" and other.loc["Loss", "verdict"] == "ahead"
    assert other.loc["Big", "gap_low"] == pytest.approx(-out.loc["Big", "gap_high"])
    counts = compare.verdict_counts(out.reset_index())
    assert counts.loc["c"].to_dict() == {"ahead": 2, "behind": 1, "equivalent": 1, "not resolved": 1, "no test": 4}
    # the difference alone: the equivalent gap is not resolved either way
    assert out.loc["Same", "difference"] == "not resolved" and out.loc["Same", "equivalence"] == "equivalent"


@pytest.mark.slow  # 2 s of processor time on a quiet machine, over the unit limit on a busy one (exact tests)
def test_the_family_is_the_comparisons_the_question_asks():
    rows = []
    for i in range(10):
        rows += [
            (f"r{i}", "f", "small", 80.0, np.nan, np.nan),
            (f"r{i}", "c", "small", 66.0, np.nan, np.nan),
            (f"r{i}", "d", "small", 70.0, np.nan, np.nan),
        ]
    s = _scores(rows)

    def seen(**kw):
        return compare.orient(compare.judge(s, BENCH, **kw), "f", ["c"])

    assert (seen(rules=compare.Rules(correction="none"))["verdict"] == "ahead").all()  # each alone: p ≈ 0.02
    # "on which rows is f ahead of c?": ten comparisons, corrected over those ten and nothing else
    asked = seen(pairs=[("f", "c")])
    assert (asked["difference"] == "not resolved").all() and len(asked) == 10
    assert asked["level"].min() == pytest.approx(0.05 / 10)
    # a question that adds f against d adds its comparisons to the family, and only those
    both = compare.judge(s, BENCH, pairs=[("f", "c"), ("f", "d")])
    assert compare.family_size(both) == 20 and not ((both["model_a"] == "c") & (both["model_b"] == "d")).any()
    # "f is ahead of c on every row": a claim on all of them at once needs no correction
    every = seen(pairs=[("f", "c")], question=compare.EVERY)
    assert (every["difference"] == "ahead").all() and (every["level"] == 0.05).all()
    with pytest.raises(ValueError, match="prints no model x"):
        compare.judge(s, BENCH, pairs=[("f", "x")])


def test_a_verdict_must_hold_for_every_score_the_printing_allows():
    # 1.2 points on 10,000 items is resolved at the printed scores; 79.95 against 78.85 (also printed 80.0 and
    # 78.8) is not, so the verdict is not resolved, flagged as resolved only at the printed precision
    s = _scores([("R", "f", "big", 80.0, np.nan, np.nan), ("R", "c", "big", 78.8, np.nan, np.nan)])
    r = compare.orient(compare.judge(s, BENCH, question=compare.EVERY), "f").iloc[0]
    assert r["printed_difference"] == "ahead" and r["difference"] == "not resolved" and r["rounding_flip"]
    assert r["gap_low"] < 0 < r["gap_high"]
    # with a finer printing the same scores would be resolved
    fine = compare.orient(compare.judge(s, BENCH, question=compare.EVERY, decimals=3), "f").iloc[0]
    assert fine["difference"] == "ahead" and not fine["rounding_flip"]


def test_difference_and_equivalence_are_reported_apart():
    bench = pd.DataFrame(
        {
            "key": ["huge"],
            "test_set_size": pd.array([200000], dtype="Int64"),
            "n_items": pd.array([pd.NA], dtype="Int64"),
            "metric_kind": ["proportion"],
        }
    )
    s = _scores([("R", "f", "huge", 81.0, np.nan, np.nan), ("R", "c", "huge", 80.0, np.nan, np.nan)])
    r = compare.orient(compare.judge(s, bench, question=compare.EVERY), "f").iloc[0]
    # a one-point lead on 200,000 items is resolved, and it is also inside a two-point margin
    assert r["difference"] == "ahead" and r["equivalence"] == "equivalent" and r["noninferior"]
    assert r["verdict"] == "ahead" and -2 < r["eq_low"] < r["eq_high"] < 2
    # non-inferiority is read from the side of the model asked about: c is behind f by more than half a point
    narrow = compare.judge(s, bench, question=compare.EVERY, rules=compare.Rules(margin=0.5))
    assert not compare.orient(narrow, "c").iloc[0]["noninferior"] and compare.orient(narrow, "f").iloc[0]["noninferior"]


def test_intervals_agree_with_verdicts_at_the_corrected_level():
    rng = np.random.default_rng(0)
    rows = [(f"r{i}", m, "big", round(float(rng.uniform(60, 90)), 1), np.nan, np.nan) for i in range(6) for m in "fcd"]
    judged = compare.judge(_scores(rows), BENCH)
    for _, r in judged.iterrows():
        excludes_zero = r["gap_low"] > 0 or r["gap_high"] < 0
        assert excludes_zero == (r["verdict"] in ("ahead", "behind"))
        assert excludes_zero == (r["p_adjusted"] < 0.05)
        assert 0 <= r["score_a"] <= 100 and -100 <= r["gap_low"] <= r["gap_high"] <= 100


def test_bad_arguments():
    with pytest.raises(ValueError, match="one source table"):
        compare.judge(
            pd.concat(
                [
                    _scores([("A", "f", "big", 80.0, np.nan, np.nan)]),
                    _scores([("A", "c", "big", 80.0, np.nan, np.nan)], table="U"),
                ]
            ),
            BENCH,
        )
    with pytest.raises(ValueError, match="allowed"):
        compare.Rules(correction="tukey")
    with pytest.raises(ValueError, match="margin"):
        compare.Rules(margin=0)


def test_gap_in_items_and_the_leads_they_make():
    seen = pd.DataFrame(
        {
            "row_label": ["Q", "Q", "R", "S"],
            "benchmark": ["q", "q", "r", "s"],
            "competitor": ["x", "y", "x", "y"],
            "verdict": ["ahead", "not resolved", "no test", "behind"],
            "focus_score": [90.0, 80.0, 70.0, 50.0],
            "competitor_score": [80.0, 79.0, 60.0, 60.0],
            "gap": [10.0, 1.0, 10.0, -10.0],
            "gap_low": [5.0, -4.0, np.nan, -15.0],
            "gap_high": [15.0, 6.0, np.nan, -5.0],
            "p_adjusted": [0.001, 0.5, np.nan, 0.001],
            "kind": ["proportion", "proportion", "average-recall", "proportion"],
            "n": [200, 200, np.nan, 100],
            "reason": ["", "", "no trials", ""],
        }
    )
    items = compare.gap_in_items(seen)
    assert items.iloc[0] == 20 and items.iloc[1] == 2 and np.isnan(items.iloc[2]) and items.iloc[3] == -10
    shown = compare_text.items_table(seen, {"x": "X", "y": "Y"}, "405B")
    assert list(shown.columns[:8]) == [
        "benchmark",
        "competitor",
        "verdict",
        "gap (points)",
        "interval",
        "p adjusted",
        "N",
        "gap in items",
    ]
    assert list(shown["405B"]) == [90.0, 80.0, 70.0, 50.0] and list(shown["competitor"]) == ["X", "Y", "X", "Y"]
    lead = compare_text.leads(shown, seen, "Q")
    assert lead == {
        "quality_examples": "20.0 examples",
        "n_wins": 3,
        "n_wins_sig": 1,
        "n_wins_untested": 1,
        "n_wins_small": 1,
        "quality_n": 200,
        "quality_lead": "X: +20.0; Y: +2.0",
    }
    # every lead is accounted for, by verdict; a lead in a mean of per-item scores is named by its metric
    metrics = {k: "F1 (%)" for k in seen["benchmark"]}
    text = compare_text.leads_breakdown(shown, seen, metrics)
    assert text == (
        "1 is resolved as *ahead* once this question's comparisons are corrected together; 1 cannot be tested at all "
        f"({shown.loc[shown['verdict'] == 'no test', 'kind'].iloc[0].replace('-', ' ')}); and 1 is not resolved: "
        "1 is a lead of fewer than 5 items"
    )
    unresolved = shown.assign(verdict="not resolved", **{"gap in items": [float("nan"), 2.0, float("nan"), -10.0]})
    assert compare_text.leads_breakdown(unresolved, seen, metrics) == (
        "3 are not resolved: 1 is a lead of fewer than 5 items, 1 is a lead in F1 on a test of 200 items (means of "
        "per-item scores, not counts of items) and 1 is a lead in F1 with no published N (means of per-item scores, "
        "not counts of items)"
    )
    # the home page's shorter form names the same parts, each count with its own verb
    assert compare_text.leads_breakdown(shown, seen, metrics, short=True) == (
        "1 is resolved; 1 cannot be tested (average recall); 1 is not resolved: 1 leads by fewer than 5 items"
    )
    assert compare_text.leads_breakdown(unresolved, seen, metrics, short=True) == (
        "3 are not resolved: 1 leads by fewer than 5 items, 1 F1 lead (200-item test) and 1 F1 lead (no published N)"
    )


@pytest.mark.slow
def test_versus_competitors_on_the_long_context_table():
    from herd.record import data

    package = data.load()
    seen = compare.versus_competitors(package, "llama3-paper-v3", "Table 21", "llama-3.1-405b-instruct")
    family = package.models.set_index("key")["family"]
    assert len(seen) and (seen["competitor"].map(family) == "competitor").all()
    assert seen[["focus_score", "competitor_score"]].notna().all().all()
    assert compare_text.size_label(package, "llama-3.1-405b-instruct") == "405B"


@pytest.mark.slow
def test_the_benchmarks_chapter_counts_and_tables():
    from herd.record import data

    package = data.load()
    competitors = ["gpt-4o", "claude-3.5-sonnet"]
    judged = compare.judge_package(
        package, "llama3-paper-v3", "Table 2", pairs=[("llama-3.1-405b-instruct", c) for c in competitors]
    )
    seen = compare.orient(judged, "llama-3.1-405b-instruct", competitors)
    seen["competitor_name"] = seen["competitor"].map(package.models.set_index("key")["name"])
    t = compare.tally(seen)
    assert t["n_pairs"] == len(seen) == t["n_tested"] + t["n_untested"]
    assert t["n_tested"] == t["n_ahead"] + t["n_behind"] + t["n_unresolved"]
    assert t["n_equivalent_only"] <= t["n_equivalent"] and t["n_equivalent_only"] <= t["n_unresolved"]
    assert compare.family_size(judged) == t["n_tested"] > 0  # the question's own comparisons, no more
    # the equivalence tests are corrected over the same comparisons in a Holm sequence of their own: its first
    # level is α/m, each is one of its steps, and a gap's TOST level need not be its difference's level
    m, tested = t["n_tested"], seen[seen["difference"] != "no test"]
    steps = [0.05 / (m - j) for j in range(m)]
    assert tested["eq_level"].min() == pytest.approx(0.05 / m)
    assert all(min(abs(v - step) for step in steps) < 1e-12 for v in tested["eq_level"])
    assert (tested["eq_level"] != tested["level"]).any()
    table = compare_text.verdict_table(seen, {"gpt-4o": "GPT-4o", "claude-3.5-sonnet": "Claude"}, 2.0)
    assert set(table["competitor"]) == {"GPT-4o", "Claude"}
    assert table[["ahead", "behind", "not resolved", "no test"]].to_numpy().sum() == len(seen)
    assert table["equivalent within ±2"].sum() == t["n_equivalent"]
    assert table["resolved only at the printed scores"].sum() == t["n_flips"]
    detail = compare_text.detail_table(seen, 2.0)
    assert list(detail.columns) == [
        "row_label",
        "competitor_name",
        "difference",
        "gap",
        "interval",
        "p_adjusted",
        "n",
        "confidence",
        "rounding",
        "equivalence",
        "tost_level",
        "test",
        "rho",
        "why",
    ]
    assert set(detail["test"]) <= {"exact", "score", ""}
    r = compare_text.resolution(seen)
    assert r["n_ahead_unresolved"] + r["n_behind_unresolved"] + r["n_tied_unresolved"] == t["n_unresolved"]
    assert r["n_resolved"] == t["n_ahead"] + t["n_behind"] and r["n_resolved_big_n"] <= r["n_resolved"]
    assert r["n_fragile"] + r["n_robust"] <= t["n_unresolved"]
    assert compare_text.size_ratio(package, "llama-3.3-70b-instruct", "llama-3.1-405b-instruct") == "5.8"
    assert compare_text.size_ratio(package, "llama-3.1-405b-instruct", "gpt-4o") == "an undisclosed multiple of"
    pair_judged = compare.judge_package(
        package,
        "llama3-paper-v3",
        "Table 2",
        pairs=[("llama-3.1-70b-instruct", "llama-3.1-405b-instruct")],
        question=compare.EVERY,
    )
    pair = compare.orient(pair_judged, "llama-3.1-70b-instruct", ["llama-3.1-405b-instruct"])
    assert compare_text.family_text(pair_judged, compare.Rules()).startswith(
        f"each of its {int(pair['testable'].sum())} testable rows is tested at α = 0.05 with no correction"
    )
    # which rows differ is its own question, corrected over the rows: its differences replace the claim's
    each = compare.orient(
        compare.judge_package(
            package, "llama3-paper-v3", "Table 2", pairs=[("llama-3.1-70b-instruct", "llama-3.1-405b-instruct")]
        ),
        "llama-3.1-70b-instruct",
        ["llama-3.1-405b-instruct"],
    )
    both = compare.with_differences(pair, each)
    assert list(both["difference"]) == list(each["difference"]) and list(both["equivalence"]) == list(
        pair["equivalence"]
    )
    tested = both["difference"] != "no test"
    assert (both.loc[tested, "level"] <= pair.loc[tested, "level"]).all()
    assert (both.loc[tested, "level"] < pair.loc[tested, "level"]).any()  # corrected: some level is stricter
    # what decides the question (equivalence, non-inferiority, the TOST interval and its level) comes right after
    # the gap, then the difference with its interval's level
    shown = compare_text.pair_detail(pair, 2.0)
    assert list(shown.columns)[:11] == [
        "row_label",
        "focus_score",
        "competitor_score",
        "gap",
        "equivalence",
        "noninferior",
        "eq_interval",
        "eq_confidence",
        "difference",
        "interval",
        "confidence",
    ]
    assert list(shown.loc[tested, "confidence"]) == [formats.confidence(v) for v in pair.loc[tested, "level"]]
    # a row's answer is "no" only where its interval refutes the claim, else "not resolved", never "no" for want of
    # evidence
    for column, refuted in (
        ("noninferior", pair["eq_high"] < -2.0),
        ("equivalence", (pair["eq_low"] > 2.0) | (pair["eq_high"] < -2.0)),
    ):
        answers = shown.loc[tested, column]
        assert set(answers) <= {"yes", "not resolved"} | {a for a in answers if a.startswith("no: ")}
        assert list(answers.str.startswith("no: ")) == list(refuted[tested])
    assert (shown.loc[tested, "noninferior"] == "not resolved").any()
    assert (shown.loc[~tested, "confidence"] == formats.DASH).all()
    tested = pair[pair["difference"] != "no test"]
    assert compare.needed_margin(pair) == tested["smallest_margin"].max()
    assert np.isnan(compare.needed_margin(pair.iloc[:0]))


def test_resolution_counts_by_hand():
    seen = pd.DataFrame(
        {
            "difference": ["not resolved", "not resolved", "ahead", "behind", "no test", "not resolved"],
            "gap": [1.5, -2.5, 4.0, -3.0, 9.0, 95.2 - 95.2],
            "n": [100, 200, 6000, 300, 50, 21],
            "rho_to_resolve": [0.3, float("inf"), np.nan, np.nan, np.nan, float("inf")],
            "like_for_like": [True, True, True, True, False, True],
        }
    )
    r = compare_text.resolution(seen)
    assert r == {
        "n_ahead_unresolved": 1,
        "n_behind_unresolved": 1,
        "n_tied_unresolved": 1,  # a zero gap is neither higher nor lower
        "largest_unresolved_gap": "2.5",
        "smallest_resolved_gap": "3.0",
        "n_unlike": 1,
        "n_fragile": 1,
        "n_robust": 2,
        "n_resolved": 2,
        "n_resolved_big_n": 1,
    }
    # the sentence accounts for every unresolved gap: higher, lower and the tie
    assert compare_text.sides_text(r) == (
        "In 1 of the 3 unresolved comparisons the focus model's printed score is the higher one, and in 1 it is the "
        "lower one: a reader who ranks models by the higher printed score would call those wins and losses. The other "
        "one is a tie (equal printed scores)."
    )
    assert compare_text.sides_text({**r, "n_tied_unresolved": 2}).endswith(
        "The other 2 are ties (equal printed scores)."
    )
    assert "tie" not in compare_text.sides_text({**r, "n_tied_unresolved": 0})


def test_resolved_at_counts_the_unresolved_gaps_a_correlation_would_resolve():
    seen = pd.DataFrame(
        {
            "difference": ["not resolved", "not resolved", "not resolved", "ahead", "no test"],
            "rho_to_resolve": [0.2, 0.504, float("inf"), float("nan"), float("nan")],
        }
    )
    # ρ is compared as the tables print it (two decimals): 0.504 prints as 0.50 and counts at ρ = 0.5
    assert compare.resolved_at(seen, [0.1, 0.3, 0.5, 0.99]) == [0, 1, 2, 2]


def test_every_correction_says_whether_its_intervals_are_simultaneous():

    assert set(compare_text.LEVEL_NOTES) == set(stats.CORRECTIONS)
    # only Bonferroni's common level α/m makes intervals that hold together
    assert [c for c in stats.CORRECTIONS if not compare_text.levels_note(c).endswith("not simultaneous intervals")] == [
        "bonferroni"
    ]
    assert compare_text.levels_note("bonferroni").endswith("simultaneous intervals")
    with pytest.raises(ValueError, match="unknown correction"):
        compare_text.levels_note("sidak")


def test_the_tost_interval_carries_its_level():
    rows = [(f"r{i}", m, "big", s, np.nan, np.nan) for i, s in enumerate([70.0, 80.0, 90.0]) for m in "fc"]
    rows += [("none", "f", "recall", 50.0, np.nan, np.nan), ("none", "c", "recall", 40.0, np.nan, np.nan)]
    seen = compare.orient(compare.judge(_scores(rows), BENCH), "f").assign(competitor_name="C")
    shown = compare_text.detail_table(seen, 2.0)
    assert list(shown.columns)[9:11] == ["equivalence", "tost_level"]
    tested = seen["difference"] != "no test"
    # each one-sided test runs at the comparison's corrected level: the TOST interval is a 1 − 2·level one
    assert list(shown.loc[tested, "tost_level"]) == [formats.confidence(2 * v) for v in seen.loc[tested, "eq_level"]]
    assert (shown.loc[~tested, "tost_level"] == formats.DASH).all()
    alone = compare.orient(compare.judge(_scores(rows), BENCH, question=compare.EVERY), "f")
    assert set(compare_text.pair_detail(alone, 2.0).loc[alone["difference"] != "no test", "eq_confidence"]) == {"90 %"}


def test_which_rows_of_a_non_inferiority_claim_could_show_it_at_their_n():
    bench = pd.DataFrame(
        {
            "key": ["big", "tiny", "mid", "recall"],
            "test_set_size": pd.array([5000, 21, 164, pd.NA], dtype="Int64"),
            "n_items": pd.array([pd.NA] * 4, dtype="Int64"),
            "metric_kind": ["proportion", "proportion", "proportion", "average-recall"],
        }
    )
    rows = [
        ("Big", "f", "big", 80.0),  # a tie on 5,000 items: non-inferiority within 2 points is shown
        ("Big", "c", "big", 80.0),
        ("Tiny", "f", "tiny", 95.2),  # a tie on 21 items: not shown, and no score could show it
        ("Tiny", "c", "tiny", 95.2),
        ("Mid", "f", "mid", 86.6),  # behind by 2.4 on 164 items: not shown, but a lead would show it
        ("Mid", "c", "mid", 89.0),
        ("Recall", "f", "recall", 90.0),
        ("Recall", "c", "recall", 80.0),
    ]
    s = _scores([(*r, np.nan, np.nan) for r in rows])
    seen = compare.orient(compare.judge(s, bench, question=compare.EVERY), "f").set_index("row_label")
    reach = rowwise.noninferiority_reach(seen, 2.0)
    assert reach.loc["Big", "reach"] == rowwise.REACH["shown"] and seen.loc["Big", "noninferior"]
    assert reach.loc["Tiny", "reach"] == rowwise.REACH["never"] and reach.loc["Mid", "reach"] == rowwise.REACH["lead"]
    assert pd.isna(reach.loc["Recall", "reach"]) and pd.isna(reach.loc["Recall", "tie_bound"])
    # a tie's bound is what the row's N allows at these scores; it is the row's own bound where the scores are tied
    assert reach.loc["Big", "tie_bound"] > -2 > reach.loc["Tiny", "tie_bound"]
    # (two searches from different starting guesses: equal to the search's precision, 2e-5 of a share = 0.002 points)
    assert reach.loc["Tiny", "tie_bound"] == pytest.approx(seen.loc["Tiny", "eq_low"], abs=2e-3)
    # the best case, a perfect score, does better than the row's own scores and than a tie, but on 21 items not
    # well enough; it is computed only where the row does not show it
    for row in ("Tiny", "Mid"):
        assert reach.loc[row, "best_bound"] > max(seen.loc[row, "eq_low"], reach.loc[row, "tie_bound"])
    assert reach.loc["Tiny", "best_bound"] <= -2 < reach.loc["Mid", "best_bound"]
    assert pd.isna(reach.loc["Big", "best_bound"])
    # a wider margin brings the 21 items within reach
    assert rowwise.noninferiority_reach(seen, 20.0).loc["Tiny", "reach"] != rowwise.REACH["never"]


def test_a_claim_on_every_row_is_capped_by_a_row_that_cannot_be_tested():
    seen = pd.DataFrame(
        {
            "row_label": ["A", "B", "C", "D"],
            "difference": ["ahead", "not resolved", "no test", "no test"],
            "focus_score": [80.0, 70.0, 98.1, 50.0],
            "competitor_score": [70.0, 70.0, 100.0, np.nan],  # D: the competitor's score is not printed
        }
    )
    # A and B pass; C is printed for both but has no test; D is not a row of the claim
    capped = rowwise.every_row(seen, [True, True, False, False])
    assert capped == rowwise.EveryRow("not resolved", 3, 2, 2, ("C",))
    # without C every row is tested and passes: shown
    shown = rowwise.every_row(seen.drop(index=2), [True, True, False])
    assert shown == rowwise.EveryRow("shown", 2, 2, 2, ())
    # a tested row that fails: not shown, whatever the untested rows
    failed = rowwise.every_row(seen, pd.Series([True, False, True, True]))
    assert failed == rowwise.EveryRow("not shown", 3, 2, 1, ("C",))
    # nothing testable: not resolved, never shown
    assert rowwise.every_row(seen.iloc[2:], [True, True]).verdict == "not resolved"
    assert [compare_text.CLAIM_ANSWER[v] for v in ("shown", "not resolved", "refuted")] == [
        "yes",
        "not resolved",
        "no",
    ]


def _rows(table):
    """Rows of compare.orient for a claim on every row, from (label, focus, competitor, N, noninferior, equivalent)."""
    frame = pd.DataFrame(
        table, columns=["row_label", "focus_score", "competitor_score", "n", "noninferior", "equivalent"]
    )
    tested = frame["n"].notna()
    return frame.assign(
        kind="proportion",
        difference=np.where(tested, "not resolved", "no test"),
        equivalence=np.where(tested, np.where(frame["equivalent"], "equivalent", "not shown"), "no test"),
        testable=tested,
        eq_level=np.where(tested, 0.05, np.nan),
    ).drop(columns="equivalent")


def test_a_claim_on_every_row_is_no_only_when_a_row_refutes_it():
    # Far: 5 points behind on 10,000 items refutes both readings; Small: 3 behind on 300 items fails both tests but
    # refutes neither; Ahead: 5 points ahead refutes "as good as" (a gap beyond +2) but not "at least as good as"
    far = ("Far", 60.0, 65.0, 10000.0, False, False)
    small = ("Small", 60.0, 63.0, 300.0, False, False)
    ahead = ("Ahead", 65.0, 60.0, 10000.0, True, False)
    same = ("Same", 60.0, 60.1, 100000.0, True, True)
    untested = ("NoN", 60.0, 61.0, np.nan, False, False)
    both = rowwise.readings(_rows([far, small, same]), 2.0, 0.05)
    for reading, k in ((rowwise.AS_GOOD, 6), (rowwise.AT_LEAST, 3)):
        claim = both[reading]
        assert claim.verdict == "refuted" and claim.k == k and claim.level == pytest.approx(0.05 / k)
        assert [(row, side) for row, side, _ in claim.refuting] == [("Far", "below")] and claim.refuting[0][2] < 1e-4
    # failing its test on a small row is not evidence against the claim: not resolved, never "no"
    alone = rowwise.readings(_rows([small, same]), 2.0, 0.05)
    assert {r: c.verdict for r, c in alone.items()} == {
        rowwise.AS_GOOD: "not resolved",
        rowwise.AT_LEAST: "not resolved",
    }
    assert alone[rowwise.AT_LEAST].every.verdict == "not shown" and not alone[rowwise.AT_LEAST].refuting
    lead = rowwise.readings(_rows([ahead, same]), 2.0, 0.05)
    assert lead[rowwise.AS_GOOD].verdict == "refuted" and lead[rowwise.AS_GOOD].refuting[0][:2] == ("Ahead", "above")
    assert lead[rowwise.AT_LEAST].verdict == "shown"
    assert rowwise.readings(_rows([ahead, same, untested]), 2.0, 0.05)[rowwise.AT_LEAST].verdict == "not resolved"
    # the level is α/k: a deficit whose one-sided p lies between α/6 and α/3 refutes non-inferiority (3 tests) but not
    # equivalence (a test on each side of each row: 6)
    mid = ("Mid", 60.0, 65.0, 2800.0, False, False)
    p = rowwise.margin_pvalues(_rows([mid]), 2.0).loc[0, "p_below"]
    assert 0.05 / 6 < p < 0.05 / 3
    judged = rowwise.readings(_rows([mid, same, ("Tie", 60.0, 60.0, 100000.0, True, True)]), 2.0, 0.05)
    assert judged[rowwise.AT_LEAST].verdict == "refuted" and judged[rowwise.AS_GOOD].verdict == "not resolved"
    assert judged[rowwise.AT_LEAST].refuting[0][2] == pytest.approx(p)


def test_a_claim_on_some_row_is_corrected_over_every_row_it_could_rest_on():
    from statsmodels.stats.multitest import multipletests

    # f leads c by 1.5 points on 10,000 items on one row of three (p ≈ 0.03 at the least favourable rounding), and
    # prints below or level on the others; a fourth row has no test-set size and does not count
    s = _scores(
        [
            ("r0", "f", "big", 72.0, np.nan, np.nan),
            ("r0", "c", "big", 70.5, np.nan, np.nan),
            ("r1", "f", "big", 60.0, np.nan, np.nan),
            ("r1", "c", "big", 61.0, np.nan, np.nan),
            ("r2", "f", "big", 50.0, np.nan, np.nan),
            ("r2", "c", "big", 50.0, np.nan, np.nan),
            ("NoN", "f", "nosize", 90.0, np.nan, np.nan),
            ("NoN", "c", "nosize", 80.0, np.nan, np.nan),
        ]
    )
    alone = compare.orient(compare.judge(s, BENCH, pairs=[("f", "c")], question=compare.EVERY), "f")
    some = compare.orient(compare.judge(s, BENCH, pairs=[("f", "c")], question=compare.SOME), "f")
    # uncorrected, the best row shows "f is ahead of c somewhere"
    assert alone.set_index("row_label").loc["r0", "difference"] == "ahead"
    assert 0.05 / 3 < alone.set_index("row_label").loc["r0", "p_worst"] < 0.05
    # corrected over the three rows it could rest on (α/3 each), it does not
    test = rowwise.some_row(some)
    assert not test.shown and test.n_tested == 3 and test.level == pytest.approx(0.05 / 3)
    assert (test.in_order, test.best) == (("r0",), "r0") and test.p == pytest.approx(alone["p_worst"].iloc[0])
    tested = some[some["difference"] != "no test"]
    assert (tested["difference"] == "not resolved").all() and list(tested["level"]) == pytest.approx([0.05 / 3] * 3)
    assert "α/3" in compare_text.family_text(
        compare.judge(s, BENCH, pairs=[("f", "c")], question=compare.SOME), compare.Rules()
    )
    # Holm's first step is the smallest p-value against α/k: statsmodels' adjusted p-value for it is k·p
    holm = multipletests(tested["p_worst"].to_numpy(dtype=float), alpha=0.05, method="holm")
    first = int(np.argmin(tested["p_worst"].to_numpy(dtype=float)))
    assert not holm[0][first] and tested["p_adjusted"].iloc[first] == pytest.approx(holm[1][first])
    # a larger lead passes α/3: shown, as Holm rejects it
    wide = s.assign(score=np.where((s["row_label"] == "r0") & (s["model"] == "c"), 69.5, s["score"]))
    test = rowwise.some_row(compare.orient(compare.judge(wide, BENCH, pairs=[("f", "c")], question=compare.SOME), "f"))
    p = compare.orient(compare.judge(wide, BENCH, pairs=[("f", "c")], question=compare.EVERY), "f")["p_worst"]
    assert test.shown and test.p < 0.05 / 3 and multipletests(p.dropna().to_numpy(dtype=float), method="holm")[0][0]
    # without a correction, the rules' own choice, each row is at α again
    assert rowwise.some_row(
        compare.orient(
            compare.judge(s, BENCH, pairs=[("f", "c")], question=compare.SOME, rules=compare.Rules(correction="none")),
            "f",
        ),
        compare.Rules(correction="none"),
    ).shown
    # rows judged as another question are refused
    with pytest.raises(ValueError, match="compare.SOME"):
        rowwise.some_row(alone)
    with pytest.raises(ValueError, match="question must be"):
        compare.judge(s, BENCH, question="any")


def test_the_margin_tests_are_the_score_tests_statsmodels_computes():
    from statsmodels.stats.proportion import test_proportions_2indep

    seen = pd.DataFrame(
        {
            "focus_score": [60.0, 70.0],
            "competitor_score": [65.0, 64.0],
            "n": [1000, 1000],
            "kind": ["proportion", "proportion"],
            "difference": ["behind", "ahead"],
        }
    )
    got = rowwise.margin_pvalues(seen, 2.0)
    below = test_proportions_2indep(600, 1000, 650, 1000, value=-0.02, method="score", alternative="smaller")
    above = test_proportions_2indep(700, 1000, 640, 1000, value=0.02, method="score", alternative="larger")
    # statsmodels' score statistic differs from the book's (Miettinen–Nurminen, checked against PropCIs on the method
    # page) in the fourth digit; a wrong corner, direction or margin would differ in the first
    assert got.loc[0, "p_below"] == pytest.approx(below.pvalue, rel=1e-3)
    assert got.loc[1, "p_above"] == pytest.approx(above.pvalue, rel=1e-3)
    assert got.loc[0, "p_above"] > 0.99 and got.loc[1, "p_below"] > 0.99  # the other side: nowhere near


def test_another_family_regroups_the_same_p_values_as_judging_it_would():
    from herd.method import families

    # two rivals on five rows of 10,000 items: some gaps resolved, or shown equivalent, only with fewer tests
    rows = []
    for i, (lead, bench) in enumerate([(1.5, "big"), (3.0, "big"), (-2.0, "big"), (0.1, "big"), (0.6, "big")]):
        rows += [
            (f"r{i}", "f", bench, 70.0 + lead, np.nan, np.nan),
            (f"r{i}", "c", bench, 70.0, np.nan, np.nan),
            (f"r{i}", "d", bench, 70.0 - lead / 2, np.nan, np.nan),
        ]
    s = _scores(rows)
    pairs = [("f", "c"), ("f", "d")]
    book = compare.orient(compare.judge(s, BENCH, pairs=pairs), "f")
    alone = compare.orient(compare.judge(s, BENCH, pairs=pairs, question=compare.EVERY), "f")
    per_row = pd.concat(
        [compare.orient(compare.judge(g, BENCH, pairs=pairs), "f") for _, g in s.groupby("row_label", sort=False)]
    ).reset_index(drop=True)
    rules = compare.Rules()
    for family, judged in ((families.ALONE, alone), (families.PER_ROW, per_row), (families.WHOLE, book)):
        got = families.regrouped(book, rules, family)
        assert list(got["difference"]) == list(judged["difference"]), family
        assert list(got["equivalence"]) == list(judged["equivalence"]), family
    table = families.sensitivity(book, rules).set_index("family")
    # the families must differ here, or the test would not tell them apart
    assert table.loc[families.ALONE, "ahead"] > table.loc[families.WHOLE, "ahead"]
    assert table.loc[families.ALONE, "equivalent within ±2"] > table.loc[families.WHOLE, "equivalent within ±2"]
    assert table.loc[families.ALONE, "differences changed"] == int((alone["difference"] != book["difference"]).sum())
    assert (
        table.loc[
            families.WHOLE,
            ["differences changed", "equivalences changed"],
        ].sum()
        == 0
    )
    sentence = compare_text.family_sentence(table.reset_index(), 2.0)
    assert sentence.startswith(
        f"With each comparison tested alone, at α with no correction, "
        f"{table.loc[families.ALONE, 'ahead']} gaps would be ahead"
    )
    # rows judged as another question are not this question's family
    with pytest.raises(AssertionError, match="does not reproduce"):
        families.sensitivity(alone, rules)


def test_a_macro_average_takes_its_n_at_the_least_favourable_printed_score():
    sizes = [100, 1534, 200, 300]
    least = compare.least_macro_n(sizes, 88.6)
    grid = [sample_sizes.macro_average_n(sizes, x) for x in np.linspace(88.55, 88.65, 2001)]
    assert least == pytest.approx(min(grid), rel=1e-9, abs=1e-6) and least <= sample_sizes.macro_average_n(sizes, 88.6)
    assert least < sample_sizes.macro_average_n(sizes, 88.6) - 0.5  # the range moves N by more than rounding would hide
    s = _scores([("Macro", "f", "macro", 88.6, np.nan, np.nan), ("Macro", "c", "macro", 80.2, np.nan, np.nan)])
    subsets = pd.DataFrame({"benchmark": ["macro"] * 4, "subset": list("abcd"), "n": sizes})
    judged = compare.judge(s, BENCH, subsets=subsets)
    assert judged["n"].iloc[0] == pytest.approx(
        min(compare.least_macro_n(sizes, 88.6), compare.least_macro_n(sizes, 80.2))
    )


def test_a_gap_the_printing_allows_to_be_zero_is_beyond_any_agreement():
    # 88.6 and 88.7 both allow 88.65: no correlation resolves a gap that may be zero
    s = _scores(
        [
            ("Meet", "f", "macro", 88.6, np.nan, np.nan),
            ("Meet", "c", "macro", 88.7, np.nan, np.nan),
            ("Apart", "f", "macro", 88.6, np.nan, np.nan),
            ("Apart", "c", "macro", 88.8, np.nan, np.nan),
        ]
    )
    seen = compare.orient(compare.judge(s, BENCH, subsets=SUBSETS), "f").set_index("row_label")
    assert seen.loc["Meet", "p_worst"] == 1.0 and seen.loc["Meet", "rho_to_resolve"] == np.inf
    assert seen.loc["Apart", "p_worst"] < 1.0 and np.isfinite(seen.loc["Apart", "rho_to_resolve"])
    shown = compare_text.detail_table(seen.reset_index().assign(competitor_name="C"), 2.0).set_index("row_label")
    assert shown.loc["Meet", "rho"] == "unreachable" and shown.loc["Apart", "rho"] != "unreachable"
