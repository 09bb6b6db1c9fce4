"""Where each number comes from: coverage of the record and disagreements between sources.

The data package keeps every printed value with its own source, even when two sources
print different values for the same thing. These helpers find such pairs and
summarise which source covers which model and benchmark, so the book can show the
disagreements instead of choosing silently.
"""
from __future__ import annotations

import pandas as pd


def cell_reference(row) -> str:
    page = f", p. {int(row['page'])}" if pd.notna(row.get("page")) else ""
    return f"{row['source']} · {row['table']}{page}"


def disagreements(scores: pd.DataFrame) -> pd.DataFrame:
    """Every pair of printed scores for the same model and benchmark, from different
    sources or tables, whose values differ.

    Pairs printed under explicitly different shot counts (MMLU 5-shot against MMLU
    0-shot) are different measurements and are left out. ``setting`` says how
    comparable the rest are: ``same printed setting``, ``shots printed by one source
    only``, or ``CoT in one, not the other``.
    """
    s = scores.dropna(subset=["score"]).copy()
    s["ref"] = s.apply(cell_reference, axis=1)
    cols = ["model", "benchmark", "training", "row_label", "shots", "cot", "score", "ref", "source", "table"]
    pairs = s[cols].merge(s[cols], on=["model", "benchmark", "training"], suffixes=("_a", "_b"))
    pairs = pairs[(pairs["ref_a"] < pairs["ref_b"]) & (pairs["score_a"] != pairs["score_b"])]
    both_known = pairs["shots_a"].notna() & pairs["shots_b"].notna()
    pairs = pairs[~(both_known & (pairs["shots_a"] != pairs["shots_b"]).fillna(False))]
    one_known = pairs["shots_a"].isna() != pairs["shots_b"].isna()
    pairs["setting"] = "same printed setting"
    pairs.loc[one_known, "setting"] = "shots printed by one source only"
    pairs.loc[pairs["cot_a"] != pairs["cot_b"], "setting"] = "CoT in one, not the other"
    pairs["same_setting"] = pairs["setting"] == "same printed setting"
    # The same benchmark printed twice in one table under different settings (e.g. MMLU 5-shot and 0-shot CoT) is not a disagreement.
    pairs = pairs[~((pairs["source_a"] == pairs["source_b"]) & (pairs["table_a"] == pairs["table_b"]))]
    pairs["difference"] = (pairs["score_a"] - pairs["score_b"]).round(2)
    keep = ["model", "benchmark", "training", "row_label_a", "score_a", "ref_a", "row_label_b", "score_b", "ref_b", "difference", "setting", "same_setting"]
    return pairs[keep].sort_values(["same_setting", "model", "benchmark"], ascending=[False, True, True]).reset_index(drop=True)


def coverage(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, benchmark, source table) with the number of printed cells."""
    s = scores.copy()
    s["table_ref"] = s["source"] + " · " + s["table"]
    grouped = s.groupby(["model", "benchmark", "table_ref"], as_index=False).agg(
        cells=("row_label", "count"), printed=("score", lambda x: int(x.notna().sum())), page=("page", "first"),
        rows=("row_label", lambda x: "; ".join(dict.fromkeys(x))),
    )
    return grouped
