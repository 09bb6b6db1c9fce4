"""The statistics of herd.method (stats, score_test, exact, sample_sizes) and the method page's examples: every method
against a published example, and its edge cases."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import barnard_exact

from herd.method import exact, sample_sizes, score_test, stats
from herd.presentation import method_text

# ---------------------------------------------------------------- published examples


@pytest.mark.parametrize(
    "count, n, low, high",
    [
        # Newcombe (1998a), Statistics in Medicine 17:857–872, Table I, method 3 (Wilson score, no correction)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998(count, n, low, high):
    lo, hi = score_test.score_interval(100 * count / n, n)
    assert lo == pytest.approx(100 * low, abs=0.01) and hi == pytest.approx(100 * high, abs=0.01)


def test_score_interval_for_the_difference_matches_published_values():
    # Fagerland, Lydersen & Laake (2015), Stat Methods Med Res 24:224–254, example 7/34 vs 1/34:
    # Miettinen–Nurminen asymptotic score interval 0.028 to 0.34; R PropCIs::diffscoreci gives
    # 0.0270416 to 0.3452912 (statsmodels' test suite quotes it).
    lo, hi = stats.gap_interval(100 * 7 / 34, 100 * 1 / 34, 34, 34, method="score")
    assert lo == pytest.approx(2.70416, abs=0.005) and hi == pytest.approx(34.52912, abs=0.005)
    # Newcombe (1998b), Statistics in Medicine 17:873–890, Table II, example (a) 56/70 vs 48/80,
    # Miettinen–Nurminen: 0.0528 to 0.3382.
    lo, hi = stats.gap_interval(100 * 56 / 70, 100 * 48 / 80, 70, 80, method="score")
    assert lo == pytest.approx(5.28, abs=0.01) and hi == pytest.approx(33.82, abs=0.01)


def test_exact_unconditional_interval_matches_agresti_min():
    # Fagerland et al. (2015), same example: Agresti–Min exact unconditional 0.024 to 0.35.
    lo, hi = stats.gap_interval(100 * 7 / 34, 100 * 1 / 34, 34, 34, kind="proportion")
    assert stats.gap_method(100 * 7 / 34, 100 * 1 / 34, 34, 34) == "exact"
    assert lo == pytest.approx(2.4, abs=0.05) and hi == pytest.approx(35.0, abs=0.5)


def test_a_bounded_mean_on_a_small_test_set_gets_the_exact_test_at_counts_toward_the_null():
    # scipy's barnard_exact (pooled score statistic) on the counts a reader would round 49.8 and 18.5 to on 20 items
    # (ZeroSCROLLS/Qasper F1, 405B vs Claude 3.5 Sonnet): p = 0.0534 for 10/20 vs 4/20 and 0.0225 for 10/20 vs 3/20
    assert exact.exact_pvalue(10, 20, 4, 20) == pytest.approx(0.05338, abs=2e-4)
    assert exact.exact_pvalue(10, 20, 3, 20) == pytest.approx(0.02253, abs=2e-4)
    assert exact.exact_pvalue(9, 20, 4, 20) == pytest.approx(barnard_exact([[9, 4], [11, 16]]).pvalue, abs=2e-4)
    # the book takes the whole counts that weaken the evidence: 49.8 % of 20 is 9.96 items, so 9; 18.5 % is 3.7, so 4
    assert stats.gap_method(49.8, 18.5, 20, 20, "bounded-mean") == "exact"
    assert exact.exact_counts(49.8, 18.5, 20, 20, "bounded-mean", "null") == (9, 4)
    assert exact.exact_counts(18.5, 49.8, 20, 20, "bounded-mean", "null") == (4, 9)
    assert exact.exact_counts(49.8, 18.5, 20, 20, "bounded-mean", "lower") == (9, 4)
    assert exact.exact_counts(49.8, 18.5, 20, 20, "bounded-mean", "upper") == (10, 3)
    assert exact.exact_counts(50.5, 50.2, 20, 20, "bounded-mean", "null") == (10, 10)  # a gap under one item: none
    assert exact.exact_counts(49.8, 18.5, 20, 20, "proportion") == (10, 4)  # a share of items: the nearest count
    p, method = stats.gap_pvalue(49.8, 18.5, 20, 20, "bounded-mean")
    assert method == "exact" and p == pytest.approx(exact.exact_pvalue(9, 20, 4, 20))
    assert p > 0.05 > score_test.score_pvalue(9.96, 20, 3.7, 20)  # the score test alone would have called it
    # the interval: each bound at its own weakest counts, and it excludes 0 exactly when the test rejects
    low, high = stats.gap_interval(49.8, 18.5, 20, 20, "bounded-mean", alpha=0.05)
    assert low == pytest.approx(stats.gap_interval(45.0, 20.0, 20, 20, "proportion", alpha=0.05)[0], abs=0.01)
    assert high == pytest.approx(stats.gap_interval(50.0, 15.0, 20, 20, "proportion", alpha=0.05)[1], abs=0.01)
    assert low < 0 < high
    for a, b in [(49.8, 18.5), (60.0, 10.0), (50.5, 50.2), (12.3, 71.9)]:
        p, _ = stats.gap_pvalue(a, b, 20, 20, "bounded-mean")
        lo, hi = stats.gap_interval(a, b, 20, 20, "bounded-mean", alpha=0.05)
        assert (p < 0.05) == (lo > 0 or hi < 0), (a, b, p, lo, hi)
    # one-sided tests take the counts that weaken their side; above the small-N threshold, the score test
    greater = stats.one_sided_pvalues([49.8], [18.5], [20], [20], ["bounded-mean"], [-2.0], "greater")
    assert greater[0] == pytest.approx(exact.exact_pvalue(9, 20, 4, 20, -0.02, "greater"))
    assert stats.gap_method(49.8, 18.5, exact.EXACT_MAX_N + 1, exact.EXACT_MAX_N + 1, "bounded-mean") == "score"
    with pytest.raises(ValueError, match="toward"):
        exact.exact_counts(49.8, 18.5, 20, 20, "bounded-mean", "down")


def test_every_kind_scored_in_0_1_on_a_small_test_set_gets_the_exact_test():
    # one rule: a mean over N items of a per-item score in [0, 1] (a share, an F1 or ROUGE mean, a mean over languages
    # of the same items) gets the exact test on N <= EXACT_MAX_N; a macro average (items weighed unequally) does not
    small, large = exact.EXACT_MAX_N, exact.EXACT_MAX_N + 1
    for kind, spec in stats.METRIC_KINDS.items():
        if not spec.testable or kind == "macro-average":
            continue
        assert stats.gap_method(91.6, 85.9, small, small, kind) == "exact", kind
        assert stats.gap_method(91.6, 85.9, large, large, kind) == "score", kind
    assert set(exact.EXACT_BOUNDED) == {"bounded-mean", "mean-of-proportions"}
    assert stats.gap_method(91.6, 85.9, small, small, "macro-average") == "score"
    # MGSM (11 languages over 250 problems), Table 2: 405B 91.6 against GPT-4 (0125) 85.9. scipy's barnard_exact
    # (pooled score statistic, two-sided) at 229/250 vs 215/250 gives p = 0.0491, at 228 vs 215 p = 0.070
    assert exact.exact_pvalue(229, 250, 215, 250) == pytest.approx(
        barnard_exact([[229, 215], [21, 35]]).pvalue, abs=2e-4
    )
    assert exact.exact_pvalue(229, 250, 215, 250) == pytest.approx(0.0491, abs=2e-4)
    # at the least favourable printed corner (91.55 and 85.95: 228.9 and 214.9 items) the counts toward the null
    assert exact.exact_counts(91.55, 85.95, 250, 250, "mean-of-proportions", "null") == (228, 215)
    p, method = stats.gap_pvalue(91.55, 85.95, 250, 250, "mean-of-proportions")
    assert method == "exact" and p == pytest.approx(barnard_exact([[228, 215], [22, 35]]).pvalue, abs=2e-4)
    assert p > 0.05  # not resolved at α, where the score test at N = 250 would have resolved the printed scores
    assert score_test.score_pvalue(229.0, 250, 214.75, 250) < 0.05


def test_exact_pvalue_matches_barnards_test():
    # Mehta & Senchaudhuri (2003), vaccine trial 7/15 vs 12/15, as in scipy's barnard_exact docs:
    # one-sided p = 0.03407.
    assert exact.exact_pvalue(7, 15, 12, 15, 0.0, "less") == pytest.approx(0.03407, abs=2e-4)
    # and the two-sided test agrees with scipy's own implementation
    assert exact.exact_pvalue(7, 15, 12, 15) == pytest.approx(barnard_exact([[7, 12], [8, 3]]).pvalue, abs=5e-4)


def test_holm_matches_the_textbook_example():
    # Holm (1979) procedure on p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05 (the standard worked
    # example): the two smallest are rejected, adjusted p-values 0.03, 0.06, 0.06, 0.02.
    p = [0.01, 0.04, 0.03, 0.005]
    assert list(stats.adjust(p, "holm")) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    levels = stats.comparison_levels(p, 0.05, "holm")
    assert list(np.asarray(p) < levels) == [True, False, False, True]
    assert list(levels) == pytest.approx([0.05 / 3, 0.025, 0.025, 0.0125])


@pytest.mark.slow
def test_bh_and_bonferroni_levels_agree_with_their_adjusted_pvalues():
    rng = np.random.default_rng(3)
    for _ in range(40):
        p = rng.uniform(0, 0.2, size=rng.integers(1, 30)) ** 2
        for method in ("holm", "bonferroni", "fdr_bh", "none"):
            rejected = stats.adjust(p, method) < 0.05
            assert list(p < stats.comparison_levels(p, 0.05, method)) == list(rejected), method


# ---------------------------------------------------------------- consistency and edges


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["proportion", "bounded-mean"])
def test_interval_excludes_zero_exactly_when_the_test_rejects(kind):
    rng = np.random.default_rng(7)
    for _ in range(25):
        n = int(rng.choice([21, 164, 541, 1319, 14042]))
        a = round(float(rng.uniform(0, 100)), 1)
        b = round(float(np.clip(a + rng.normal(0, 200 / math.sqrt(n)), 0, 100)), 1)
        p, _ = stats.gap_pvalue(a, b, n, n, kind)
        for alpha in (0.05, 0.001):
            lo, hi = stats.gap_interval(a, b, n, n, kind, alpha=alpha)
            assert (p < alpha) == (lo > 0 or hi < 0), (a, b, n, alpha, p, lo, hi)
            assert -100 <= lo <= hi <= 100


def test_edges_never_leave_the_scale_and_never_collapse():
    lo, hi = score_test.score_interval(95.2, 21)
    assert 0 <= lo < 95.2 < hi <= 100  # the paper's own interval, 95.2 ± 9.1, runs past 100
    lo, hi = score_test.score_interval(100.0, 100)
    assert hi == pytest.approx(100.0) and lo < 100.0  # not a zero-width interval
    p, method = stats.gap_pvalue(100.0, 100.0, 21, 21)
    assert method == "exact" and p == pytest.approx(1.0)
    lo, hi = stats.gap_interval(100.0, 100.0, 21, 21)
    assert lo < 0 < hi and hi - lo > 10  # two perfect scores on 21 items say little
    assert stats.gap_method(99.9, 97.0, 14042, 14042) == "score"
    assert stats.gap_method(100.0, 97.0, 14042, 14042) == "exact"  # a score at 100 %


def test_non_proportions_get_no_test_without_a_bound():
    with pytest.raises(stats.NoTest, match="trials"):
        stats.gap_pvalue(100.0, 90.0, 100, 100, kind="average-recall")
    with pytest.raises(stats.NoTest):
        stats.gap_interval(160.0, 150.0, 100, 100, kind="scaled-score")
    for key, kind in stats.METRIC_KINDS.items():
        assert kind.basis, key  # every kind states its bound or why it has none
    with pytest.raises(ValueError, match="allowed"):
        stats.metric_kind("f1")


def test_macro_average_bound():
    # equal subsets: the bound is the binomial variance at the total N (concavity)
    assert sample_sizes.macro_average_n([100] * 57, 88.0) == pytest.approx(5700)
    # unequal subsets: a smaller N, never more than the total
    n = sample_sizes.macro_average_n([100, 1534, 200, 300], 88.0)
    assert n < 2134
    # brute force: the bound is the largest variance over subset accuracies with that mean
    sizes = np.array([100, 1534, 200, 300])
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(20000):
        p = rng.dirichlet(np.ones(4)) * 4 * 0.88
        if np.all(p <= 1):
            worst = max(worst, float((p * (1 - p) / sizes).sum()) / 16)
    assert worst <= 0.88 * 0.12 / n * (1 + 1e-9)
    assert worst >= 0.88 * 0.12 / n * 0.95  # and it is attained, nearly


def test_verdicts_and_equivalence():
    assert stats.verdict(0.5, 3.0) == "ahead"
    assert stats.verdict(-3.0, -0.2) == "behind"
    assert stats.verdict(-1.0, 1.5, margin=2.0) == "equivalent"
    assert stats.verdict(-1.0, 2.5, margin=2.0) == "not resolved"
    assert set(stats.VERDICTS) == {"ahead", "behind", "equivalent", "not resolved", "no test"}


def test_correlation_to_resolve():
    # HumanEval 89.0 vs 92.0 on 164: significant only if the two models agree very strongly
    rho = stats.correlation_to_resolve(89.0, 92.0, 164, 0.05)
    assert 0.5 < rho < 1
    pa, pb = 0.89, 0.92
    z = (pb - pa) / math.sqrt(
        (pa * (1 - pa) + pb * (1 - pb) - 2 * rho * math.sqrt(pa * (1 - pa) * pb * (1 - pb))) / 164
    )
    assert z == pytest.approx(1.959964, abs=1e-4)
    assert stats.correlation_to_resolve(60.0, 80.0, 5000, 0.05) == 0.0  # already significant
    assert stats.correlation_to_resolve(70.0, 70.0, 100, 0.05) == math.inf  # a zero gap is never resolved
    assert stats.correlation_to_resolve(50.0, 50.5, 100, 0.05) == math.inf  # no correlation suffices


# ---------------------------------------------------------------- the paper's formula and N


def test_ci_formula_known_value():
    # HumanEval, N = 164, S = 89.0 %: 1.96 * sqrt(0.89 * 0.11 / 164) = 4.79 points
    assert sample_sizes.ci95_halfwidth(89.0, 164) == pytest.approx(4.789, abs=1e-3)
    with pytest.raises(ValueError):
        sample_sizes.ci95_halfwidth(101, 10)


def test_n_from_ci_inverts_the_formula():
    for n in (164, 1319, 14042):
        h = sample_sizes.ci95_halfwidth(72.3, n)
        assert sample_sizes.n_from_ci(72.3, h) == pytest.approx(n)


def test_effective_sizes_prefers_distinct_items_then_official_then_implied():
    benchmarks = pd.DataFrame(
        {
            "key": ["mgsm", "a", "b", "nih"],
            "test_set_size": pd.array([2750, 100, pd.NA, pd.NA], dtype="Int64"),
            "n_items": pd.array([250, pd.NA, pd.NA, pd.NA], dtype="Int64"),
            "metric_kind": ["mean-of-proportions", "proportion", "proportion", "average-recall"],
        }
    )
    scores = pd.DataFrame(
        {
            "benchmark": ["b", "b", "nih"],
            "score": [50.0, 60.0, 90.0],
            "ci95": [
                round(sample_sizes.ci95_halfwidth(50, 400), 1),
                round(sample_sizes.ci95_halfwidth(60, 400), 1),
                2.0,
            ],
        }
    )
    out = sample_sizes.effective_sizes(benchmarks, scores).set_index("benchmark")
    assert out.loc["mgsm", "n"] == 250 and out.loc["mgsm", "basis"] == "distinct items"
    assert out.loc["a", "n"] == 100 and out.loc["a", "basis"] == "official"
    assert 380 <= out.loc["b", "n"] <= 420 and out.loc["b", "basis"].startswith("implied")
    assert pd.isna(out.loc["nih", "n"])  # average recall: no N, even with printed intervals
    # a count of items that rests on something else says so as its basis
    said = benchmarks.assign(n_basis=["smallest translation", pd.NA, pd.NA, pd.NA])
    assert (
        sample_sizes.effective_sizes(said, scores).set_index("benchmark").loc["mgsm", "basis"] == "smallest translation"
    )
    # a mean of per-item scores gets the N its printed intervals imply, as a share of items does
    bounded = benchmarks.assign(metric_kind=["mean-of-proportions", "proportion", "bounded-mean", "average-recall"])
    assert sample_sizes.effective_sizes(bounded, scores).set_index("benchmark").loc["b", "n"] == out.loc["b", "n"]
    # intervals that imply no one N (400 and 200 here: each more than 10 % from their median) give none
    split = scores.assign(ci95=[scores["ci95"][0], round(sample_sizes.ci95_halfwidth(60, 200), 1), 2.0])
    none = sample_sizes.effective_sizes(benchmarks, split).set_index("benchmark").loc["b"]
    assert pd.isna(none["n"]) and none["basis"].startswith("none") and none["n_from_ci_max"] > none["n_from_ci_min"]


def test_printed_intervals_imply_one_n_within_the_tolerance():
    assert sample_sizes.INVERSION_TOLERANCE == 0.1
    assert sample_sizes.implies_one_n(20.8, 21.2, 21.0) and sample_sizes.implies_one_n(27.93, 28.06, 28.0)
    assert sample_sizes.implies_one_n(90.0, 110.0, 100.0)  # the edges count
    assert not sample_sizes.implies_one_n(89.0, 100.0, 100.0) and not sample_sizes.implies_one_n(100.0, 111.0, 100.0)
    assert sample_sizes.implies_one_n(85.0, 100.0, 100.0, tolerance=0.2)


def test_package_sizes_are_computed_once_per_package_content():
    from herd.record import data

    package = data.load()
    first = sample_sizes.package_sizes(package)
    pd.testing.assert_frame_equal(first, sample_sizes.effective_sizes(package.benchmarks, package.scores))
    first.loc[0, "n"] = -1  # a caller's edit never reaches the cache
    assert sample_sizes.package_sizes(package).loc[0, "n"] != -1
    assert list(sample_sizes._SIZES) == [package.sha256] or package.sha256 in sample_sizes._SIZES


def test_widest_interval_is_the_smallest_test_set():
    intervals = pd.DataFrame(
        {
            "model": ["a", "a", "a", "b"],
            "row_label": ["x", "y", "z", "y"],
            "low": [40.0, 30.0, np.nan, 0.0],
            "high": [50.0, 60.0, np.nan, 100.0],
        }
    )
    assert sample_sizes.widest_interval(intervals, "a")["row_label"] == "y"


def test_the_method_chapters_worked_examples():
    from herd.record import data

    package = data.load()
    kinds = method_text.metric_kinds_table(package.benchmarks).set_index("kind")
    assert list(kinds.index) == list(stats.METRIC_KINDS) and kinds["benchmarks"].sum() == len(package.benchmarks)
    assert kinds.loc["average-recall", "testable"] == "no"
    score = method_text.printed_score(package, "Table 2", "MMLU (5-shot)", "llama-3.1-405b-instruct")
    assert score == 87.3
    mmlu = method_text.macro_average_example(package, "mmlu", score)
    assert mmlu["total"] == "14,042" and int(mmlu["n_eff"].replace(",", "")) < 14_042
    q = method_text.printed_vs_wilson(95.2, 344)
    assert q["printed"] == "95.2 ± 2.3" and q["top"] == "97.5" and q["wilson"].endswith("%")
    over = method_text.printed_vs_wilson(99.5, 100)
    assert float(over["top"]) > 100  # the paper's formula runs past 100 %
    examples = method_text.published_examples()
    assert len(examples) == 7 and examples["method"].str.startswith("Miettinen–Nurminen test, one-sided").any()
    import re

    for published, ours in zip(examples["published value"], examples["this book's code"]):
        p_values = [float(v) for v in re.findall(r"\d+\.\d+", published)]
        o_values = [float(v) for v in re.findall(r"\d+\.\d+", ours)]
        assert o_values == pytest.approx(p_values, abs=0.006), (published, ours)  # published to two or more decimals
    assert list(examples["this book's code"].iloc[[0, 1, 4, 5]]) == list(examples["published value"].iloc[[0, 1, 4, 5]])


def test_tost_reproduces_the_published_interval_and_decides_by_it():
    # at α = 0.025 the TOST interval is the two-sided 95 % interval: PropCIs' diffscoreci for 7/34 − 1/34
    assert method_text.tost_example() == "0.0270 to 0.3453"
    args = ([100 * 7 / 34], [100 / 34], [34], [34], ["proportion"])
    low, high = stats.gap_intervals(*args, [0.025], one_sided=True, method="score")
    assert -35 < low[0] and high[0] < 35 and not high[0] < 34  # equivalent within ±35 points, not within ±34
    # the two one-sided p-values agree with the interval: both below α exactly when it lies inside the margin
    for margin in (34.0, 35.0):
        p_low = stats.one_sided_pvalues(*args, [-margin], "greater", method="score")
        p_up = stats.one_sided_pvalues(*args, [margin], "less", method="score")
        assert (max(p_low[0], p_up[0]) < 0.025) == (-margin < low[0] and high[0] < margin)
    with pytest.raises(ValueError, match="unknown method"):
        stats.gap_interval(50.0, 40.0, 100, 100, method="wald")
    with pytest.raises(stats.NoTest):  # a forced test still needs a kind that has one
        stats.gap_interval(50.0, 40.0, 100, 100, kind="average-recall", method="score")


def test_the_printed_range_is_the_counts_that_print_as_the_score():
    assert stats.printed_range(85.4, 164, "proportion") == (100 * 140 / 164, 100 * 140 / 164)  # one count fits
    lo, hi = stats.printed_range(87.3, 14042, "proportion")  # several counts fit: the first and the last
    assert round(lo, 1) == round(hi, 1) == 87.3 and 87.25 <= lo < hi <= 87.35
    assert stats.printed_range(50.5, 20, "bounded-mean") == (50.45, 50.55)  # a mean: any value within half a unit
    assert stats.printed_range(100.0, 164, "proportion") == (100.0, 100.0)
    assert stats.printed_range(88.0, 10, "proportion") == (90.0, 90.0)  # no count prints 88.0: the nearest one


def test_a_mean_over_repeated_items_counts_items_versions_and_answers_from_the_data():
    from herd.record import data

    package = data.load()
    row = package.benchmarks.set_index("key").loc["mgsm"]
    mgsm = method_text.repeated_items_example(package, "mgsm")
    as_int = {k: int(v.replace(",", "")) for k, v in mgsm.items()}
    assert as_int["items"] == row["n_items"] and as_int["answers"] == row["test_set_size"]
    assert as_int["items"] * as_int["versions"] == as_int["answers"] and as_int["versions"] > 1
    broken = package.benchmarks.copy()
    broken.loc[broken["key"] == "mgsm", "test_set_size"] = row["test_set_size"] + 1
    with pytest.raises(ValueError, match=r"data/benchmarks.csv, row 'mgsm': test_set_size .* not a multiple"):
        method_text.repeated_items_example(type("P", (), {"benchmarks": broken})(), "mgsm")
    sizes = package.benchmark_subsets.query("benchmark == 'mmlu'")["n"]
    mmlu = method_text.macro_average_example(package, "mmlu", 87.3)
    assert (mmlu["subsets"], mmlu["smallest"], mmlu["largest"]) == tuple(
        f"{v:,}" for v in (len(sizes), sizes.min(), sizes.max())
    )


def test_rounding_decides_when_other_whole_counts_reach_the_other_decision():
    # a mean over 250 items at 91.55 and 85.95 stands for 228.875 and 214.875 answers: the exact test at the
    # nearest pair (228, 215) does not reject at 5 %, at (229, 214) it does
    assert exact.exact_counts(91.55, 85.95, 250, 250, "mean-of-proportions") == (228, 215)
    assert exact.exact_pvalue(228, 250, 215, 250) > 0.05 > exact.exact_pvalue(229, 250, 214, 250)
    assert stats.rounding_decides(91.55, 85.95, 250, 250, "mean-of-proportions", 0.05)
    # every neighbouring pair rejects at a level they all pass, none at a level none reaches
    assert not stats.rounding_decides(91.55, 85.95, 250, 250, "mean-of-proportions", 0.08)
    assert not stats.rounding_decides(91.55, 85.95, 250, 250, "mean-of-proportions", 0.01)
    # whole counts, shares of items, and gaps the score test judges have nothing to round
    assert not stats.rounding_decides(91.6, 86.0, 250, 250, "mean-of-proportions", 0.05)
    assert not stats.rounding_decides(91.55, 85.95, 250, 250, "proportion", 0.05)
    assert not stats.rounding_decides(91.55, 85.95, 2000, 2000, "mean-of-proportions", 0.05)


def _tails(c1, n1, c2, n2, delta, alternative):
    a, b = np.arange(n1 + 1.0)[:, None], np.arange(n2 + 1.0)[None, :]
    t = score_test.score_statistic(a, n1, b, n2, delta, correction=False)
    t_obs = t[c1, c2]
    extreme = {"two-sided": np.abs(t) >= abs(t_obs) - 1e-9, "less": t <= t_obs + 1e-9, "greater": t >= t_obs - 1e-9}

    def tails(p2):
        pm1 = exact._binomial_pmf(n1, np.clip(p2 + delta, 0.0, 1.0))
        return (pm1 @ extreme[alternative].astype(float) * exact._binomial_pmf(n2, p2)).sum(axis=1)

    return tails, max(0.0, -delta), min(1.0, 1.0 - delta)


@pytest.mark.parametrize(
    "table",
    [
        (200, 250, 190, 250, -0.035, "two-sided"),  # a narrow peak near p = 0.04 that a 41-point grid misses
        (229, 250, 214, 250, 0.0, "two-sided"),
        (20, 21, 19, 21, -0.1, "greater"),
        (61, 118, 34, 118, 0.0741, "two-sided"),
    ],
)
def test_the_exact_pvalue_finds_the_highest_peak_of_the_nuisance_search(table):
    c1, n1, c2, n2, delta, alternative = table
    tails, lo, hi = _tails(c1, n1, c2, n2, delta, alternative)
    dense = np.sin(np.linspace(np.arcsin(np.sqrt(lo)), np.arcsin(np.sqrt(hi)), 8001)) ** 2
    best = max(float(tails(part).max()) for part in np.array_split(dense, 8))
    p = exact.exact_pvalue(c1, n1, c2, n2, delta, alternative)
    # never short of the dense grid; above it only by what the closer search finds between its points
    assert best * (1 - 1e-6) <= p <= best * (1 + 1e-5)


def test_the_one_sided_tests_of_tost_and_non_inferiority_reproduce_a_published_interval():
    # Newcombe (1998b), Table II: the Miettinen–Nurminen 95 % interval of 56/70 − 48/80 is 0.0528 to 0.3382. Each
    # end is where a one-sided score test at 2.5 % turns: "the gap is at most 0.0528" (non-inferiority at that
    # margin) and "the gap is at least 0.3382" have p = 0.025 there, to the published rounding; TOST with those
    # margins is the larger of the two.
    a, b, na, nb = 100 * 56 / 70, 100 * 48 / 80, 70, 80
    low = stats.one_sided_pvalues([a], [b], [na], [nb], ["proportion"], [5.28], "greater", method="score")[0]
    high = stats.one_sided_pvalues([a], [b], [na], [nb], ["proportion"], [33.82], "less", method="score")[0]
    assert low == pytest.approx(0.025, abs=2e-4) and high == pytest.approx(0.025, abs=2e-4)
    # "the gap is at most δ" is rejected for a δ below the interval, not for one above it
    inside = stats.one_sided_pvalues(
        [a, a], [b, b], [na, na], [nb, nb], ["proportion"] * 2, [5.0, 34.1], "greater", method="score"
    )
    assert inside[0] < 0.025 < inside[1]


def test_the_tost_margins_of_the_published_example_are_decided_by_its_two_one_sided_tests():
    found = method_text.tost_margins()
    low, high = stats.gap_intervals(
        *method_text.PROPCIS.args(), [method_text.TOST_ALPHA], one_sided=True, method="score"
    )
    edge = max(abs(low[0]), abs(high[0])) / 100
    # equivalent within the wider margin, not within the one a step narrower: the interval's edge lies between
    assert float(found["tost_not_within"]) < edge < float(found["tost_within"])
    assert round(float(found["tost_within"]) - float(found["tost_not_within"]), 9) == 0.01
    assert found["tost_published"] == method_text.tost_example()  # the published interval, reproduced


def test_an_unnested_pair_has_a_tost_interval_beyond_its_difference():
    n = 21
    x_a, x_b = stats.unnested_pair(n, 0.05)
    args = ([100 * x_a / n], [100 * x_b / n], [n], [n], ["proportion"], [0.05])
    low, high = stats.gap_intervals(*args)
    tost_low, tost_high = stats.gap_intervals(*args, one_sided=True)
    assert tost_low[0] < low[0] or tost_high[0] > high[0]
    assert method_text.unnested_example(n, 0.05)["unnested_pair"] == f"{x_a}/{n} against {x_b}/{n}"


def test_a_printed_score_stands_for_half_a_step_either_side():
    assert method_text.rounding_range(87.3) == {"round_low": "87.25", "round_high": "87.35"}
    assert method_text.rounding_range(5.0, 0) == {"round_low": "4.5", "round_high": "5.5"}
    assert method_text.chance_findings(64, 0.05) == "3"
