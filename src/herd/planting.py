"""Validation of a contamination scorer by planting: copy some benchmark examples,
whole or in part, into documents of ordinary text, scan, and see whether the scores
separate the planted examples from the rest."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def plant(examples, fillers: list[str], out_dir: Path, n_whole: int, n_part: int, part_share: float = 0.5, seed: int = 0) -> pd.DataFrame:
    """Write one document per planted example into ``out_dir`` (the example embedded in a
    slice of filler text) and return the truth: id → planted (whole / part / none)."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = rng.permutation(len(examples))
    whole, part = set(order[:n_whole]), set(order[n_whole:n_whole + n_part])
    truth = []
    for i, ex in enumerate(examples):
        kind = "whole" if i in whole else "part" if i in part else "none"
        truth.append({"id": ex.id, "planted": kind})
        if kind == "none":
            continue
        text = ex.text if kind == "whole" else ex.text[: max(1, int(len(ex.text) * part_share))]
        filler = fillers[int(rng.integers(len(fillers)))]
        start = int(rng.integers(0, max(1, len(filler) - 2000)))
        document = filler[start:start + 1000] + "\n" + text + "\n" + filler[start + 1000:start + 2000]
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
