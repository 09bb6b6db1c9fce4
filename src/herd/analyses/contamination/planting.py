"""Validation of a contamination scorer by planting: copy some benchmark examples,
whole or in part, into documents of ordinary text, scan, and see whether the scores
separate the planted examples from the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from herd.method import score_test

LEVEL = 0.95
"""The confidence of the intervals on the detection rates."""


def plant(
    examples, fillers: list[str], out_dir: Path, n_whole: int, n_part: int, part_share: float = 0.5, seed: int = 0
) -> pd.DataFrame:
    """Write one document per planted example into ``out_dir`` (the example embedded in a
    slice of filler text) and return the truth: id → planted (whole / part / none)."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = rng.permutation(len(examples))
    whole, part = set(order[:n_whole]), set(order[n_whole : n_whole + n_part])
    truth = []
    for i, ex in enumerate(examples):
        kind = "whole" if i in whole else "part" if i in part else "none"
        truth.append({"id": ex.id, "planted": kind})
        if kind == "none":
            continue
        text = ex.text if kind == "whole" else ex.text[: max(1, int(len(ex.text) * part_share))]
        filler = fillers[int(rng.integers(len(fillers)))]
        start = int(rng.integers(0, max(1, len(filler) - 2000)))
        document = filler[start : start + 1000] + "\n" + text + "\n" + filler[start + 1000 : start + 2000]
        (out_dir / f"planted_{i:05d}.txt").write_text(document)
    return pd.DataFrame(truth)


def auc(positive, negative) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(positive, float), np.asarray(negative, float)
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def findings(scores: pd.DataFrame, threshold: float) -> dict:
    """What the planted validation shows, from scores merged with the truth (``planted``:
    whole, part or none): per group, how many examples there are, how many cross the
    TOKEN-MATCH threshold and how many the 13-gram word rule flags; the largest share of an
    unplanted example's tokens inside corpus n-grams, and the share of unplanted examples with
    any."""
    out: dict[str, Any] = {}
    for group in ("whole", "part", "none"):
        g = scores[scores["planted"] == group]
        out[group] = {
            "examples": len(g),
            "over_threshold": int((g["token_match"] > threshold).sum()),
            "word13": int(g["word13_match"].sum()),
        }
    none = scores[scores["planted"] == "none"]
    out["max_unplanted"] = float(none["token_match"].max()) if len(none) else float("nan")
    out["share_unplanted_any"] = float((none["token_match"] > 0).mean()) if len(none) else float("nan")
    return out


def rate_bounds(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The Wilson interval of a detection rate, ``k`` of ``n`` examples found, in percent (the book's
    :func:`herd.method.score_test.score_interval`, by count): 83.9 to 100 for 20 of 20."""
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"rate_bounds: expected 0 ≤ k ≤ n and n ≥ 1, got {k} of {n}")
    low, high = score_test.score_interval(100.0 * k / n, n, level)
    return float(low), float(high)


def summary(scores: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """One row per group (planted whole, in part, not at all) and how each rule scores it: how many examples each
    rule flags (``over_threshold``, TOKEN-MATCH above ``threshold``; ``word13``, the 13-gram word rule), with the
    Wilson interval of each rate in percent (:func:`rate_bounds`: ``over_low`` … ``word13_high``), and the scores'
    medians and maximum."""
    rows = []
    for group in ("whole", "part", "none"):
        g = scores[scores["planted"] == group]
        if len(g):
            over, word = int((g["token_match"] > threshold).sum()), int(g["word13_match"].sum())
            (over_low, over_high), (word_low, word_high) = rate_bounds(over, len(g)), rate_bounds(word, len(g))
            rows.append(
                {
                    "planted": group,
                    "examples": len(g),
                    "over_threshold": over,
                    "over_low": over_low,
                    "over_high": over_high,
                    "median TOKEN-MATCH": g["token_match"].median(),
                    "max TOKEN-MATCH": g["token_match"].max(),
                    "median LONGEST-MATCH (tokens)": g["longest_match"].median(),
                    "word13": word,
                    "word13_low": word_low,
                    "word13_high": word_high,
                }
            )
    return pd.DataFrame(rows)


def aucs(scores: pd.DataFrame) -> pd.DataFrame:
    """AUC of TOKEN-MATCH and LONGEST-MATCH: planted whole, and in part, against unplanted."""
    groups = {g: scores[scores["planted"] == g] for g in ("whole", "part", "none")}
    return pd.DataFrame(
        [
            {
                "rule": label,
                "planted whole vs none": auc(groups["whole"][col], groups["none"][col]),
                "planted in part vs none": auc(groups["part"][col], groups["none"][col]),
            }
            for label, col in (
                ("TOKEN-MATCH (share of tokens)", "token_match"),
                ("LONGEST-MATCH (longest run)", "longest_match"),
            )
        ]
    )


def scan_with_plants(
    examples, corpus: list[Path], fillers: list[str], folder: Path, n: int, n_whole: int, n_part: int, seed: int = 0
) -> pd.DataFrame:
    """Scan a corpus, plant copies of some examples into documents of ``folder``, scan those too,
    and score every example with what it was planted as.

    Parameters
    ----------
    examples
        The benchmark's examples (:func:`herd.analyses.contamination.scanner.read_benchmark`).
    corpus
        Files and folders to scan.
    fillers
        Texts the planted copies are embedded in.
    folder
        Where the planted documents are written.
    n
        The token n-gram length.
    n_whole, n_part
        How many examples to plant whole and in part (:func:`plant`).
    seed
        The random seed of the planting.

    Returns
    -------
    pandas.DataFrame
        :func:`herd.analyses.contamination.scanner.score` of every example, with ``planted`` (whole, part, none).
    """
    from . import scanner

    index = scanner.BenchmarkIndex(examples, n=n)
    base = scanner.scan_hashes(index, corpus)
    truth = plant(examples, fillers, folder, n_whole, n_part, seed=seed)
    found = base | scanner.scan_hashes(index, [folder])
    return scanner.score(index, found.tokens, found.words).merge(truth, on="id")
