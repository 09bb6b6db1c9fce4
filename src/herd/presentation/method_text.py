"""The method page's tables and worked examples (*How comparisons are judged*).

The metric kinds and what makes a test of each valid, a macro average's and a repeated-items benchmark's N, the
paper's printed interval beside Wilson's, the equivalence interval of a published example, and every method of
:mod:`herd.method.stats` and the modules beside it against an example printed where it was introduced or evaluated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from herd.base import formats
from herd.method.exact import count_share, exact_pvalue
from herd.method.sample_sizes import ci95_halfwidth, macro_average_n
from herd.method.score_test import score_interval
from herd.method.stats import METRIC_KINDS, adjust, gap_interval, gap_intervals, one_sided_pvalues, unnested_pair


@dataclass(frozen=True)
class Shares:
    """A published worked example of two shares, ``x_a`` of ``n_a`` against ``x_b`` of ``n_b``: where it is
    published and the value printed there (an interval of the difference, as proportions)."""

    x_a: int
    n_a: int
    x_b: int
    n_b: int
    published: str
    where: str

    def args(self) -> tuple[list[float], list[float], list[int], list[int], list[str]]:
        """The scores (points), sizes and kind, as :func:`herd.method.stats.gap_intervals` takes them."""
        return [100 * self.x_a / self.n_a], [100 * self.x_b / self.n_b], [self.n_a], [self.n_b], ["proportion"]

    def text(self) -> str:
        """The two shares as the book writes them: ``7/34 against 1/34``."""
        return f"{self.x_a}/{self.n_a} against {self.x_b}/{self.n_b}"


PROPCIS = Shares(
    7, 34, 1, 34, "0.0270 to 0.3453", "R package PropCIs, diffscoreci (example of Fagerland, Lydersen & Laake 2015)"
)
"""The 95 % Miettinen–Nurminen interval of 7/34 − 1/34 as PropCIs prints it (statsmodels' test suite quotes it)."""
NEWCOMBE = Shares(56, 70, 48, 80, "0.0528 to 0.3382", "Newcombe (1998b), Table II")
"""The 95 % Miettinen–Nurminen interval of 56/70 − 48/80 as Newcombe (1998b) prints it."""
TOST_ALPHA = 0.025
"""The level at which TOST's 1 − 2α interval is the two-sided 95 % interval a published example prints."""


def metric_kinds_table(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Each metric kind (:data:`METRIC_KINDS`): whether it can be tested, the basis of the test or why
    there is none, how many benchmarks are of that kind and up to four of them by name."""
    rows = []
    for key, kind in METRIC_KINDS.items():
        members = benchmarks[benchmarks["metric_kind"] == key]
        rows.append(
            {
                "kind": key,
                "testable": "yes" if kind.testable else "no",
                "basis of the test (or why none)": kind.basis,
                "benchmarks": len(members),
                "for example": ", ".join(members["name"].head(4)),
            }
        )
    return pd.DataFrame(rows)


def printed_score(package, table: str, row_label: str, model: str) -> float:
    """The score a table prints in one cell (the first source whose table has that name)."""
    s = package.scores
    return float(s[(s["table"] == table) & (s["row_label"] == row_label) & (s["model"] == model)]["score"].iloc[0])


def macro_average_example(package, benchmark: str, score: float) -> dict[str, str]:
    """The N at which a macro average's recorded subset sizes bound its variance at ``score``
    (:func:`macro_average_n`), the questions in all, how many subsets and the smallest and largest, as the book
    writes them: ``n_eff``, ``total``, ``subsets``, ``smallest``, ``largest``."""
    sizes = package.benchmark_subsets.query("benchmark == @benchmark")["n"].tolist()
    return {
        "n_eff": formats.count(macro_average_n(sizes, score)),
        "total": formats.count(sum(sizes)),
        "subsets": formats.count(len(sizes)),
        "smallest": formats.count(min(sizes)),
        "largest": formats.count(max(sizes)),
    }


def repeated_items_example(package, benchmark: str) -> dict[str, str]:
    """A mean over the same items asked in several versions (MGSM: the same problems in several languages), as the
    book writes it: ``items`` (the honest N), ``versions`` (answers per item) and ``answers`` (all the answers)."""
    row = package.benchmarks.set_index("key").loc[benchmark]
    items, answers = int(row["n_items"]), int(row["test_set_size"])
    if answers % items:
        raise ValueError(
            f"data/benchmarks.csv, row {benchmark!r}: test_set_size {answers} is not a multiple of n_items {items}"
        )
    return {
        "items": formats.count(items),
        "versions": formats.count(answers // items),
        "answers": formats.count(answers),
    }


def printed_vs_wilson(score: float, n: int) -> dict[str, str]:
    """The paper's interval S ± 1.96·√(S(1−S)/N) beside the Wilson interval for the same score,
    as the book writes them: ``printed`` (``S ± h``), ``top`` (S + h, which may pass 100) and ``wilson``."""
    half = ci95_halfwidth(score, n)
    lo, hi = score_interval(count_share(score, n), n)
    return {
        "printed": f"{formats.number(score)} ± {formats.number(half)}",
        "top": formats.number(score + half),
        "wilson": formats.span(lo, hi, formats.number, "%"),
    }


def one_sided_example() -> str:
    """The one-sided score tests behind TOST and non-inferiority at the ends of Newcombe's (1998b) published 95 %
    Miettinen–Nurminen interval of 56/70 − 48/80 (0.0528 to 0.3382): "the gap is at most 0.0528" and "the gap is at
    least 0.3382", each of which must have p = 0.025 there, to the published rounding."""
    args = ([100 * 56 / 70], [100 * 48 / 80], [70], [80], ["proportion"])
    low = one_sided_pvalues(*args, [5.28], "greater", method="score")[0]
    high = one_sided_pvalues(*args, [33.82], "less", method="score")[0]
    return f"p = {low:.3f} and {high:.3f}"


def tost_example() -> str:
    """The equivalence (TOST) interval at α = 0.025 of 7/34 − 1/34 by the score test (``method="score"``), which
    must equal the published 95 % Miettinen–Nurminen interval (PropCIs ``diffscoreci``: 0.0270 to 0.3453), as
    proportions."""
    low, high = gap_intervals(*PROPCIS.args(), [TOST_ALPHA], one_sided=True, method="score")
    lo, hi = float(low[0]) / 100, float(high[0]) / 100
    return f"{lo:.4f} to {hi:.4f}"


def _equivalent(example: Shares, margin: float, alpha: float) -> bool:
    """Whether TOST by the score test shows ``example``'s gap equivalent within ±``margin`` points at ``alpha``."""
    lower = one_sided_pvalues(*example.args(), [-margin], "greater", method="score")[0]
    upper = one_sided_pvalues(*example.args(), [margin], "less", method="score")[0]
    return bool(max(lower, upper) < alpha)


def tost_margins(example: Shares = PROPCIS, alpha: float = TOST_ALPHA, decimals: int = 2) -> dict[str, str]:
    """The published example's equivalence, as the method page writes it: ``tost_counts`` (the two shares),
    ``tost_published`` (the interval printed for it), ``tost_alpha``, ``tost_within`` (the narrowest margin, as a
    proportion to ``decimals`` places, within which TOST shows the gap equivalent) and ``tost_not_within`` (one step
    narrower, where it does not), each decided by the two one-sided tests themselves."""
    step = 10.0**-decimals
    low, high = gap_intervals(*example.args(), [alpha], one_sided=True, method="score")
    within = math.ceil(round(max(abs(float(low[0])), abs(float(high[0]))) / 100 / step, 9)) * step
    while not _equivalent(example, 100 * within, alpha):
        within += step
    while _equivalent(example, 100 * (within - step), alpha):
        within -= step
    return {
        "tost_counts": example.text(),
        "tost_published": example.published,
        "tost_alpha": f"{alpha:g}",
        "tost_within": f"{within:.{decimals}f}",
        "tost_not_within": f"{within - step:.{decimals}f}",
    }


def unnested_example(n: int, alpha: float) -> dict[str, str]:
    """A pair of shares on ``n`` items whose TOST interval reaches beyond their difference's interval
    (:func:`herd.method.stats.unnested_pair`), as the method page writes it: ``unnested_pair`` (``21/21 against
    5/21``), or ``none`` when no pair on ``n`` items has one."""
    found = unnested_pair(n, alpha)
    return {"unnested_pair": "none" if found is None else f"{found[0]}/{n} against {found[1]}/{n}"}


def rounding_range(score: float, decimals: int = 1) -> dict[str, str]:
    """The true scores a score printed to ``decimals`` places stands for, as the book writes them: ``round_low``
    and ``round_high``, half a printed step either side, with one more decimal."""
    half = 10.0**-decimals / 2
    return {
        "round_low": formats.number(score - half, decimals + 1),
        "round_high": formats.number(score + half, decimals + 1),
    }


def published_examples() -> pd.DataFrame:
    """Each method of the book against an example printed in the paper that introduced or evaluated
    it: the method, where it is published, the published value and this module's value, written the
    same way (the unit tests assert the same values)."""
    checks = []
    lo, hi = score_interval(100 * 81 / 263, 263)
    checks.append(
        (
            "Wilson interval, 81/263",
            "Newcombe (1998a), Table I",
            "0.2553 to 0.3662",
            f"{lo / 100:.4f} to {hi / 100:.4f}",
        )
    )
    for example in (NEWCOMBE, PROPCIS):
        low, high = gap_intervals(*example.args(), [0.05], method="score")
        checks.append(
            (
                f"Miettinen–Nurminen interval, {example.x_a}/{example.n_a} − {example.x_b}/{example.n_b}",
                example.where,
                example.published,
                f"{float(low[0]) / 100:.4f} to {float(high[0]) / 100:.4f}",
            )
        )
    lo, hi = gap_interval(100 * 7 / 34, 100 * 1 / 34, 34, 34, kind="proportion")
    checks.append(
        (
            "Agresti–Min exact interval, 7/34 − 1/34",
            "Fagerland, Lydersen & Laake (2015)",
            "0.024 to 0.35",
            f"{lo / 100:.3f} to {hi / 100:.3f}",
        )
    )
    checks.append(
        (
            "Barnard's exact test, 7/15 vs 12/15, one-sided",
            "Mehta & Senchaudhuri (2003)",
            "p = 0.0341",
            f"p = {exact_pvalue(7, 15, 12, 15, 0.0, 'less'):.4f}",
        )
    )
    checks.append(
        (
            "Miettinen–Nurminen test, one-sided at 0.0528 and at 0.3382 (the halves of TOST; non-inferiority), "
            "56/70 − 48/80",
            "Newcombe (1998b), Table II: the 95 % Miettinen–Nurminen interval's ends, where each one-sided test at "
            "2.5 % turns",
            "p = 0.025 and 0.025",
            one_sided_example(),
        )
    )
    checks.append(
        (
            "Holm adjustment of p = 0.01, 0.04, 0.03, 0.005",
            "Holm (1979) procedure, standard example",
            "0.03, 0.06, 0.06, 0.02",
            ", ".join(f"{v:.2f}" for v in adjust([0.01, 0.04, 0.03, 0.005], "holm")),
        )
    )
    return pd.DataFrame(checks, columns=["method", "published in", "published value", "this book's code"])


def chance_findings(m: int, alpha: float) -> str:
    """How many of ``m`` comparisons would look significant at level ``alpha`` if every null hypothesis were true
    (``m`` · ``alpha``, the expected count), as a whole number."""
    return formats.count(round(m * alpha))
