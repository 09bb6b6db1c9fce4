"""Scaling laws: the Llama 3 paper's token law, Chinchilla, Epoch's replication, Kaplan.

All laws answer one question: for a training budget of C FLOPs, how many parameters N
and training tokens D are compute-optimal? They are linked by the usual approximation
C ≈ 6·N·D (forward and backward pass, dense transformer, attention ignored).

Constants are never literals here: they come from ``data/scaling_laws.csv`` and
``data/facts.csv`` through :func:`constants`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FLOPS_PER_PARAM_TOKEN = 6.0


def training_flops(params, tokens):
    """C ≈ 6·N·D."""
    return FLOPS_PER_PARAM_TOKEN * np.asarray(params, dtype=float) * np.asarray(tokens, dtype=float)


def params_for(flops, tokens):
    """Invert C ≈ 6·N·D for N."""
    return np.asarray(flops, dtype=float) / (FLOPS_PER_PARAM_TOKEN * np.asarray(tokens, dtype=float))


def tokens_for(flops, params):
    """Invert C ≈ 6·N·D for D."""
    return np.asarray(flops, dtype=float) / (FLOPS_PER_PARAM_TOKEN * np.asarray(params, dtype=float))


def printed_interval(printed: str) -> tuple[float, float]:
    """The interval of values that round to a printed decimal: '0.53' → [0.525, 0.535]."""
    text = printed.strip()
    decimals = len(text.split(".")[1]) if "." in text else 0
    half = 0.5 * 10.0 ** (-decimals)
    value = float(text)
    return value - half, value + half


@dataclass(frozen=True)
class TokenLaw:
    """The Llama 3 paper's law for compute-optimal training tokens: D*(C) = A·C^α."""

    A: float
    alpha: float

    def tokens(self, flops):
        return self.A * np.asarray(flops, dtype=float) ** self.alpha

    def params(self, flops):
        return params_for(flops, self.tokens(flops))


def token_law_range(flops: float, A_printed: str, alpha_printed: str) -> tuple[float, float]:
    """Lowest and highest D*(C) over every (A, α) that rounds to the printed pair."""
    corners = [TokenLaw(a, al).tokens(flops) for a in printed_interval(A_printed) for al in printed_interval(alpha_printed)]
    return float(min(corners)), float(max(corners))


@dataclass(frozen=True)
class ParametricLoss:
    """Chinchilla's Approach 3 form L(N, D) = E + A/N^α + B/D^β and its optimum under C = 6ND."""

    E: float
    A: float
    B: float
    alpha: float
    beta: float

    def loss(self, params, tokens):
        return self.E + self.A / np.asarray(params, dtype=float) ** self.alpha + self.B / np.asarray(tokens, dtype=float) ** self.beta

    @property
    def G(self) -> float:
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    @property
    def a(self) -> float:
        """Exponent of N_opt in C."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt in C."""
        return self.alpha / (self.alpha + self.beta)

    def params(self, flops):
        return self.G * (np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN) ** self.a

    def tokens(self, flops):
        return (np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN) ** self.b / self.G


@dataclass(frozen=True)
class AnchoredPowerLaw:
    """N_opt = N0·(C / C0)^a through an anchor point (C0, N0), tokens from C ≈ 6·N·D. Used for
    Chinchilla's Approaches 1 and 2, whose paper publishes exponents and projected points,
    and for Kaplan et al. (2020), N_opt = k·(C / PF-day)^e: the anchor is (1 PF-day, k)."""

    a: float
    flops0: float
    params0: float

    def params(self, flops):
        return self.params0 * (np.asarray(flops, dtype=float) / self.flops0) ** self.a

    def tokens(self, flops):
        return tokens_for(flops, self.params(flops))


def bootstrap_parametric(means: dict, ses: dict, flops: float, draws: int = 4000, seed: int = 0) -> pd.DataFrame:
    """Parametric bootstrap: draw (E, A, B, α, β) independently from normals with the
    published means and standard errors, keep draws with positive constants, and
    return N_opt and D_opt at ``flops`` for each draw."""
    rng = np.random.default_rng(seed)
    names = ["E", "A", "B", "alpha", "beta"]
    samples = {n: rng.normal(means[n], ses.get(n, 0.0), size=draws) for n in names}
    ok = np.all([samples[n] > 0 for n in names], axis=0)
    laws = [ParametricLoss(*(samples[n][i] for n in names)) for i in np.flatnonzero(ok)]
    return pd.DataFrame({"params": [l.params(flops) for l in laws], "tokens": [l.tokens(flops) for l in laws]})


def constants(laws: pd.DataFrame, law: str) -> dict[str, float]:
    """{parameter: value} for one law of data/scaling_laws.csv."""
    rows = laws[laws["law"] == law]
    if rows.empty:
        raise KeyError(f"scaling_laws.csv has no law {law!r}")
    return dict(zip(rows["parameter"], rows["value"].astype(float)))


def standard_errors(laws: pd.DataFrame, law: str) -> dict[str, float]:
    rows = laws[(laws["law"] == law) & laws["standard_error"].notna()]
    return dict(zip(rows["parameter"], rows["standard_error"].astype(float)))


LAW_LABELS = {
    "llama3-text": "Llama 3 paper, text constants (α 0.53, A 0.29)",
    "llama3-figure": "Llama 3 paper, Figure 3 constants (α 0.537, A 0.299)",
    "hoffmann2022-approach1": "Chinchilla Approach 1 (training-curve minima)",
    "hoffmann2022-approach2": "Chinchilla Approach 2 (IsoFLOP profiles)",
    "hoffmann2022-approach3": "Chinchilla Approach 3 (parametric fit, Eq. 10 as printed)",
    "hoffmann2022-approach3-unrounded": "Chinchilla Approach 3 (unrounded constants)",
    "besiroglu2024": "Epoch AI replication (Besiroglu et al. 2024)",
    "kaplan2020": "Kaplan et al. 2020",
}


def build_law(table: pd.DataFrame, law: str):
    """The law object for one law of data/scaling_laws.csv."""
    c = constants(table, law)
    if law.startswith("llama3-"):
        return TokenLaw(c["A"], c["alpha"])
    if law in ("hoffmann2022-approach1", "hoffmann2022-approach2"):
        return AnchoredPowerLaw(c["a"], c["anchor_flops"], c["anchor_params"])
    if law.startswith("hoffmann2022-approach3") or law == "besiroglu2024":
        return ParametricLoss(c["E"], c["A"], c["B"], c["alpha"], c["beta"])
    if law == "kaplan2020":
        return AnchoredPowerLaw(c["e"], c["pf_day"], c["k"])
    raise KeyError(f"no rule to build law {law!r}")


def optimum_table(table: pd.DataFrame, laws: list[str], flops: float) -> pd.DataFrame:
    """Compute-optimal parameters, tokens and tokens per parameter at ``flops`` for each law."""
    rows = []
    for law in laws:
        model = build_law(table, law)
        n, d = float(model.params(flops)), float(model.tokens(flops))
        rows.append({"law": law, "label": LAW_LABELS.get(law, law), "params": n, "tokens": d, "tokens_per_param": d / n})
    return pd.DataFrame(rows)


def curves(table: pd.DataFrame, laws: list[str], flops: np.ndarray) -> pd.DataFrame:
    """Long table of (law, FLOPs, optimal params, optimal tokens) for charts."""
    frames = []
    for law in laws:
        model = build_law(table, law)
        frames.append(pd.DataFrame({"law": law, "label": LAW_LABELS.get(law, law), "flops": flops,
                                    "params": model.params(flops), "tokens": model.tokens(flops)}))
    return pd.concat(frames, ignore_index=True)
