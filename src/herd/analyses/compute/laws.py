"""The scaling laws themselves: C ≈ 6·N·D and its inversions, the forms the published laws take, and
their constants read from ``data/scaling_laws.csv``.

All laws answer one question: for a training budget of C FLOPs, how many parameters N
and training tokens D are compute-optimal? They are linked by the usual approximation
C ≈ 6·N·D (forward and backward pass, dense transformer, attention ignored).

Constants are never literals here: they come from ``data/scaling_laws.csv`` through
:func:`constants` (and :func:`build_law`, the law object for one law of that table). The refit
(:mod:`herd.analyses.compute.refit`) fits a :class:`ParametricLoss` to data; the chapter's tables
(:mod:`herd.analyses.compute.scaling`) read the laws here.
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


# --------------------------------------------------------------------------- published laws


@dataclass(frozen=True)
class TokenLaw:
    """The Llama 3 paper's law for compute-optimal training tokens: D*(C) = A·C^α."""

    A: float
    alpha: float

    def tokens(self, flops):
        """Compute-optimal training tokens D*(C) = A·C^α for budgets ``flops``."""
        return self.A * np.asarray(flops, dtype=float) ** self.alpha

    def params(self, flops):
        """The parameters that spend ``flops`` on D*(C) tokens, N = C / (6·D*)."""
        return params_for(flops, self.tokens(flops))


def token_law_range(
    flops: float, A_printed: str, alpha_printed: str, flops_range: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Lowest and highest D*(C) over every (A, α) that rounds to the printed pair (and, if
    given, every budget in ``flops_range``)."""
    budgets = flops_range or (flops, flops)
    corners = [
        TokenLaw(a, al).tokens(c)
        for a in printed_interval(A_printed)
        for al in printed_interval(alpha_printed)
        for c in budgets
    ]
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
        """The predicted loss L(N, D) of ``params`` parameters trained on ``tokens`` tokens."""
        return (
            self.E
            + self.A / np.asarray(params, dtype=float) ** self.alpha
            + self.B / np.asarray(tokens, dtype=float) ** self.beta
        )

    @property
    def G(self) -> float:
        """The constant G = (αA / βB)^(1/(α+β)) of the optimum, N_opt = G·(C/6)^a."""
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
        """Compute-optimal parameters N_opt = G·(C/6)^a for budgets ``flops``."""
        return self.G * (np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN) ** self.a

    def tokens(self, flops):
        """Compute-optimal tokens D_opt = (C/6)^b / G for budgets ``flops``."""
        return (np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN) ** self.b / self.G


@dataclass(frozen=True)
class AnchoredPowerLaw:
    """N_opt = N0·(C / C0)^a through an anchor point (C0, N0), tokens from C ≈ 6·N·D. Used for
    Chinchilla's Approaches 1 and 2, whose paper publishes exponents and projected points."""

    a: float
    flops0: float
    params0: float

    def params(self, flops):
        """Compute-optimal parameters N_opt = N0·(C / C0)^a for budgets ``flops``."""
        return self.params0 * (np.asarray(flops, dtype=float) / self.flops0) ** self.a

    def tokens(self, flops):
        """The tokens that spend ``flops`` on N_opt parameters, D = C / (6·N_opt)."""
        return tokens_for(flops, self.params(flops))


@dataclass(frozen=True)
class KaplanLaw:
    """Kaplan et al. (2020), Appendix A, Table 6: the compute-efficient model size
    N_opt = N_e·(C / PF-day)^p_N and the data it processes, D_opt = D_e·(C / PF-day)^p_D, each
    their own fit (their D is the tokens processed at the critical batch size, so N_opt·D_opt·6 is
    not C; :func:`kaplan_flops_ratio`)."""

    k: float
    e: float
    pf_day: float
    d_coefficient: float
    d_exponent: float

    def params(self, flops):
        """Compute-efficient (non-embedding) parameters N_opt = N_e·(C / PF-day)^p_N."""
        return self.k * (np.asarray(flops, dtype=float) / self.pf_day) ** self.e

    def tokens(self, flops):
        """The data Kaplan et al. prescribe with it, D_opt = D_e·(C / PF-day)^p_D tokens."""
        return self.d_coefficient * (np.asarray(flops, dtype=float) / self.pf_day) ** self.d_exponent


def kaplan_flops_ratio(table: pd.DataFrame, flops: float) -> float:
    """6·N_opt·D_opt ÷ C under Kaplan et al.'s two relations: how far their prescribed size and data
    are from spending exactly C as 6·N·D (about 1.8 at 10²⁵ FLOPs)."""
    law = build_law(table, "kaplan2020")
    return float(training_flops(law.params(flops), law.tokens(flops)) / flops)


def constants(laws: pd.DataFrame, law: str) -> dict[str, float]:
    """{parameter: value} for one law of data/scaling_laws.csv."""
    rows = laws[laws["law"] == law]
    if rows.empty:
        raise KeyError(f"scaling_laws.csv has no law {law!r}")
    return dict(zip(rows["parameter"], rows["value"].astype(float)))


def standard_errors(laws: pd.DataFrame, law: str) -> dict[str, float]:
    """{parameter: standard error} for one law of data/scaling_laws.csv, over the parameters that
    have one."""
    rows = laws[(laws["law"] == law) & laws["standard_error"].notna()]
    return dict(zip(rows["parameter"], rows["standard_error"].astype(float)))


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
        return KaplanLaw(c["k"], c["e"], c["pf_day"], c["d_coefficient"], c["d_exponent"])
    raise KeyError(f"no rule to build law {law!r}")
