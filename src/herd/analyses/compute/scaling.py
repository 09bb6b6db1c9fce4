"""Scaling laws: the published laws, a refit of Chinchilla's parametric law from data, and the
chapter's tables built from them.

All laws answer one question: for a training budget of C FLOPs, how many parameters N
and training tokens D are compute-optimal? They are linked by the usual approximation
C ≈ 6·N·D (forward and backward pass, dense transformer, attention ignored).

Constants are never literals here: published ones come from ``data/scaling_laws.csv`` and
``data/facts.csv`` through :func:`constants`; the refit's come from the 245 training runs
Epoch AI read off Chinchilla's Figure 4 (``data/chinchilla_figure4.csv``) through
:func:`fit_parametric`, and their uncertainty from resampling those runs
(:func:`bootstrap_refit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from herd.base import formats, markup

if TYPE_CHECKING:
    from .refit import Refit

FLOPS_PER_PARAM_TOKEN = 6.0
FLOPS_GRID = np.logspace(18, 26, 81)
"""Budgets (FLOPs) at which the chapter draws each law's compute-optimal curve."""


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


_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def fact_interval(facts: pd.DataFrame, key: str, widen_approximate: bool = True) -> tuple[float, float]:
    """The values a fact could have, given how it is printed: '16.55T tokens' → 16.545–16.555 T.

    The first number in the fact's ``value_as_printed`` sets the precision (half a unit of its
    last digit, scaled to the stored value); a printed 'approximately' or 'about' widens it to
    a whole unit (unless ``widen_approximate`` is false). A fact without a printed number is
    taken as exact.
    """
    row = facts.loc[facts["key"] == key]
    if row.empty:
        raise MissingFact(f"facts.csv has no row {key!r}")
    value = float(row["value"].iloc[0])
    printed = str(row["value_as_printed"].iloc[0])
    match = _NUMBER.search(printed)
    if not match or float(match.group().replace(",", "")) == 0:
        return value, value
    number = match.group().replace(",", "")
    decimals = len(number.split(".")[1]) if "." in number else 0
    approximate = widen_approximate and re.search(r"approximately|about|~", printed, re.I)
    half = (1.0 if approximate else 0.5) * 10.0 ** (-decimals)
    scale = value / float(number)
    return value - half * scale, value + half * scale


def chart_precision(values, digits: int = 6):
    """Values rounded to ``digits`` significant figures for a chart's embedded data: more digits
    than a reader can see, and few enough that re-running an optimiser on another CPU (whose
    exp and log may differ in the last bit) gives the same page."""
    v = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(v == 0, 0, digits - 1 - np.floor(np.log10(np.abs(v))))
    return np.array([round(x, int(k)) if np.isfinite(x) else x for x, k in zip(v.ravel(), np.ravel(scale))]).reshape(
        v.shape
    )


class MissingFact(LookupError):
    """A fact a chapter needs is not in the data package; the message names the key."""


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


def kaplan_relation(table: pd.DataFrame) -> str:
    """Kaplan et al.'s two relations as the chapter writes them, from their constants in
    ``data/scaling_laws.csv``."""
    c = constants(table, "kaplan2020")
    return (
        f"N_opt = {formats.scientific(c['k'])} · (C / PF-day)^{formats.exact(c['e'])} and "
        f"D_opt = {formats.scientific(c['d_coefficient'])} · (C / PF-day)^{formats.exact(c['d_exponent'])} tokens"
    )


def kaplan_note(table: pd.DataFrame, laws: list[str], flops: float) -> str:
    """What the chapter says of Kaplan et al.'s row when it is shown: its size and data at ``flops``
    and how far 6·N·D is from the budget; empty when ``laws`` leaves Kaplan et al. out."""
    if "kaplan2020" not in laws:
        return ""
    law = build_law(table, "kaplan2020")
    size, data = (formats.scaled(float(v), "T", 1) for v in (law.params(flops), law.tokens(flops)))
    ratio = formats.number(kaplan_flops_ratio(table, flops), 1)
    return (
        f"Kaplan et al.'s row uses their own relations, {kaplan_relation(table)}: at this budget {size} "
        f"parameters on {data} tokens. Their D is the data processed when training at the critical batch size, "
        f"which takes more than the minimum compute (their §6.3), so 6·N·D is {ratio} times the budget."
    )


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


REFIT = "refit"
LAW_LABELS = {
    "llama3-text": "Llama 3 paper, text constants (α 0.53, A 0.29)",
    "llama3-figure": "Llama 3 paper, Figure 3 constants (α 0.537, A 0.299)",
    "hoffmann2022-approach1": "Chinchilla Approach 1 (training-curve minima)",
    "hoffmann2022-approach2": "Chinchilla Approach 2 (IsoFLOP profiles)",
    "hoffmann2022-approach3": "Chinchilla Approach 3 (parametric fit, Eq. 10 as printed)",
    "hoffmann2022-approach3-unrounded": "Chinchilla Approach 3 (unrounded constants)",
    "besiroglu2024": "Epoch AI replication (Besiroglu et al. 2024), published constants",
    "kaplan2020": "Kaplan et al. 2020",
    REFIT: "Refit of Chinchilla's Figure 4 data (this chapter)",
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
        return KaplanLaw(c["k"], c["e"], c["pf_day"], c["d_coefficient"], c["d_exponent"])
    raise KeyError(f"no rule to build law {law!r}")


def law_objects(table: pd.DataFrame, laws: list[str], refit: Refit | None = None) -> dict[str, Any]:
    """{law key: law object} for the chosen published laws, plus the refit (key ``refit``) if given."""
    out = {law: build_law(table, law) for law in laws}
    if refit is not None:
        out[REFIT] = refit.law
    return out


def tokens_per_param(table: pd.DataFrame, law: str, flops: float) -> float:
    """The compute-optimal tokens per parameter a law gives at ``flops``."""
    model = build_law(table, law)
    return float(model.tokens(flops) / model.params(flops))


def percentile_interval(values, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of ``values``."""
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(np.asarray(values, dtype=float), [tail, 100 - tail])
    return float(lo), float(hi)


# --------------------------------------------------------------------------- facts and model points

MODEL_QUANTITIES = {"parameters": "parameters", "training_tokens": "tokens", "gpu_hours": "GPU hours"}
"""Quantities data/model_facts.csv maps to facts.csv rows, with the unit each fact must have."""

FACT_KEYS = (
    "scaling.flagship_flops",
    "scaling.predicted_params",
    "scaling.predicted_tokens",
    "scaling.fit_flops.high",
    "training.flops",
    "training.parameters",
    "training.tokens",
    "scaling.besiroglu-bootstrap-draws",
)
"""facts.csv rows the scaling chapter reads by key (besides each model's rows in model_facts.csv)."""


def require_facts(package, keys=FACT_KEYS, reader: str = "the scaling chapter") -> None:
    """Stop with every missing key named if facts.csv lacks a row ``reader`` needs."""
    missing = [k for k in keys if k not in set(package.facts["key"])]
    if missing:
        raise MissingFact(
            f"facts.csv has no row {', '.join(repr(k) for k in missing)}, which {reader} reads "
            "(data/README.md, 'Facts the chapters read')"
        )


def model_points(package, models: list[str]) -> pd.DataFrame:
    """Each model's parameters, training tokens and GPU hours, read from facts.csv through
    data/model_facts.csv, with its training compute C = 6·N·D. A missing row or fact is an
    error naming the model, the quantity and the key."""
    facts = package.facts.set_index("key")
    mapping = package.model_facts.set_index(["model", "quantity"])["fact"]
    names = package.models.set_index("key")["name"]
    rows = []
    for model in models:
        row = {"model": model, "name": names.get(model, model)}
        for quantity, unit in MODEL_QUANTITIES.items():
            if (model, quantity) not in mapping.index:
                raise MissingFact(
                    f"data/model_facts.csv has no row for model {model!r}, quantity {quantity!r}: add one naming "
                    "the facts.csv row that holds it (data/README.md, 'Facts the chapters read')"
                )
            key = mapping[(model, quantity)]
            if key not in facts.index:
                raise MissingFact(
                    f"facts.csv has no row {key!r} (data/model_facts.csv names it for {model!r}, {quantity!r})"
                )
            if facts.loc[key, "unit"] != unit:
                raise MissingFact(
                    f"facts.csv row {key!r} is in {facts.loc[key, 'unit']!r}; "
                    f"{quantity!r} of {model!r} must be in {unit!r}"
                )
            row[quantity] = float(facts.loc[key, "value"])
            row[f"{quantity}_fact"] = key
        rows.append(row)
    out = pd.DataFrame(rows).rename(columns={"training_tokens": "tokens", "parameters": "params"})
    out["flops"] = training_flops(out["params"], out["tokens"])
    printed = facts["value_as_printed"].astype(str)
    # a count the source prints as "up to …" is a bound, not a count: what follows from it is a bound too
    out["tokens_bound"] = [bool(UP_TO.match(printed.get(k, ""))) for k in out["training_tokens_fact"]]
    out["distilled"] = out["model"].isin(distilled_models(package))
    return out


UP_TO = re.compile(r"\s*(up to|at most)\b", re.IGNORECASE)
"""How a source prints a count that is an upper bound (the Llama 3.2 card: "Up to 9T tokens")."""

DISTILLATION_SUFFIX = ".logit_distillation"
"""facts.csv keys ending so say (value 1) that the models of their ``subject`` were trained on a larger model's
logits: their GPU hours leave out the teachers' logit generation."""


def distilled_models(package) -> set[str]:
    """The models facts.csv says were trained on a larger model's logits (:data:`DISTILLATION_SUFFIX`)."""
    facts = package.facts
    rows = facts[facts["key"].str.endswith(DISTILLATION_SUFFIX) & (facts["value"].astype(float) == 1)]
    return {m.strip() for subject in rows["subject"].dropna() for m in str(subject).split(";")}


def models_by_size(package, models) -> list[str]:
    """``models`` ordered by parameter count (from their model_facts rows), then by key."""
    mapping = package.model_facts.set_index(["model", "quantity"])["fact"]
    facts = package.facts.set_index("key")["value"]

    def size(m):
        key = mapping.get((m, "parameters"))
        return float(facts.get(key, float("inf"))) if key is not None else float("inf")

    return sorted(models, key=lambda m: (size(m), m))


def shared_points(points: pd.DataFrame) -> str:
    """A sentence naming the models whose printed size, tokens and GPU hours are all the same (they
    share one point on the charts), or "" when every model has its own."""
    named = points.assign(name=points["name"].str.replace(" (pre-trained)", "", regex=False))
    groups = named.groupby(["params", "tokens", "gpu_hours"], sort=False)["name"].apply(list)
    same = [names for names in groups if len(names) > 1]
    if not same:
        return ""
    parts = [" and ".join([", ".join(n[:-1]), n[-1]] if len(n) > 2 else n) for n in same]
    return (
        "The sources print the same size, training tokens and GPU hours for "
        + "; for ".join(parts)
        + ": on the charts they share one point."
    )


# --------------------------------------------------------------------------- the chapter's tables


def token_law_rerun(package, flops: float) -> pd.DataFrame:
    """The paper's token law at ``flops`` with each printing of its constants, the range every
    rounding of them allows, the paper's stated optimum and the run actually trained: ``tokens``, ``params``
    (the law's C/(6D), or the N the paper prints), ``implied_params`` (C/(6D) on every row) and ``printed``
    (whether ``params`` is printed)."""
    table, fact = package.scaling_laws, package.fact
    rows = []
    for law in ("llama3-text", "llama3-figure"):
        model = build_law(table, law)
        lo, hi = token_law_range(flops, f"{model.A:g}", f"{model.alpha:g}")
        d = float(model.tokens(flops))
        rows.append(
            {
                "constants": LAW_LABELS[law],
                "law": law,
                "tokens": d,
                "params": float(params_for(flops, d)),
                "tokens_low": lo,
                "tokens_high": hi,
                "params_low": float(params_for(flops, hi)),
                "params_high": float(params_for(flops, lo)),
                "printed": False,
            }
        )
    for label, law, tokens, params in (
        ("the paper's stated optimum", "stated", "scaling.predicted_tokens", "scaling.predicted_params"),
        ("the run actually trained", "trained", "training.tokens", "training.parameters"),
    ):
        rows.append({"constants": label, "law": law, "tokens": fact(tokens), "params": fact(params), "printed": True})
    out = pd.DataFrame(rows)
    # every row's N as C/(6D) from its tokens; the printed rows keep their printed N in ``params``
    out["implied_params"] = [float(params_for(flops, d)) for d in out["tokens"]]
    return out


def alpha_sensitivity(table: pd.DataFrame, flops: float, alphas=None) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Implied model size at ``flops`` as α varies (A fixed at the figure's value), and the
    rounding interval of each printed α. Returns (curve, bands, A)."""
    alphas = np.linspace(0.52, 0.545, 26) if alphas is None else np.asarray(alphas, dtype=float)
    A = constants(table, "llama3-figure")["A"]
    tokens = A * float(flops) ** alphas
    curve = pd.DataFrame({"alpha": alphas, "tokens": tokens, "params": params_for(flops, tokens)})
    bands = []
    for name, law in (("text", "llama3-text"), ("figure", "llama3-figure")):
        alpha = constants(table, law)["alpha"]
        lo, hi = printed_interval(f"{alpha:g}")
        bands.append({"from": lo, "to": hi, "printing": f"{name} ({alpha:g})"})
    return curve, pd.DataFrame(bands), A


def optimum_table(
    table: pd.DataFrame,
    laws: list[str],
    flops: float,
    refit: Refit | None = None,
    boot: pd.DataFrame | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Compute-optimal parameters, tokens and tokens per parameter at ``flops`` for each law
    (and the refit, with its bootstrap interval when ``boot`` is given)."""
    rows = []
    for law, model in law_objects(table, laws, refit).items():
        n, d = float(model.params(flops)), float(model.tokens(flops))
        row = {
            "law": law,
            "label": LAW_LABELS.get(law, law),
            "params": n,
            "tokens": d,
            "tokens_per_param": d / n,
            "params_low": np.nan,
            "params_high": np.nan,
            "tokens_low": np.nan,
            "tokens_high": np.nan,
        }
        if law == REFIT and boot is not None:
            row["params_low"], row["params_high"] = percentile_interval(boot["params"], level)
            row["tokens_low"], row["tokens_high"] = percentile_interval(boot["tokens"], level)
        rows.append(row)
    return pd.DataFrame(rows)


def curves(table: pd.DataFrame, laws: list[str], flops=FLOPS_GRID, refit: Refit | None = None) -> pd.DataFrame:
    """Long table of (law, FLOPs, optimal params, optimal tokens) for charts."""
    flops = np.asarray(flops, dtype=float)
    frames = [
        pd.DataFrame(
            {
                "law": law,
                "label": LAW_LABELS.get(law, law),
                "flops": flops,
                "params": chart_precision(model.params(flops)),
                "tokens": chart_precision(model.tokens(flops)),
            }
        )
        for law, model in law_objects(table, laws, refit).items()
    ]
    return pd.concat(frames, ignore_index=True)


def distance_to_optimum(
    table: pd.DataFrame, laws: list[str], points: pd.DataFrame, refit: Refit | None = None
) -> pd.DataFrame:
    """For each model and law: actual tokens ÷ the law's compute-optimal tokens at the model's own
    compute (and the same for parameters)."""
    rows = []
    for p in points.itertuples():
        for law, model in law_objects(table, laws, refit).items():
            rows.append(
                {
                    "model": p.name,
                    "model_key": p.model,
                    "params_actual": p.params,
                    "law": law,
                    "label": LAW_LABELS.get(law, law),
                    "token_ratio": p.tokens / float(model.tokens(p.flops)),
                    "param_ratio": p.params / float(model.params(p.flops)),
                }
            )
    out = pd.DataFrame(rows)
    out["token_ratio"], out["param_ratio"] = chart_precision(out["token_ratio"]), chart_precision(out["param_ratio"])
    return out


def distance_summary(dist: pd.DataFrame, apart: str = "kaplan2020") -> dict[str, str]:
    """Text for the chapter: the smallest and the largest model's token ratios across the
    Llama 3 and Chinchilla-family laws (all but ``apart``), and the smallest model's ratio
    under ``apart`` if it was chosen."""
    family = dist[dist["law"] != apart]
    small = dist.loc[dist["params_actual"].idxmin(), "model"]
    large = dist.loc[dist["params_actual"].idxmax(), "model"]
    s, l = family.loc[family["model"] == small, "token_ratio"], family.loc[family["model"] == large, "token_ratio"]
    short = {
        name: re.sub(r" \([^)]*\)$", "", name) for name in (small, large)
    }  # "Llama 3.1 8B (pre-trained)" → "Llama 3.1 8B"
    out = {
        "small_model": short[small],
        "large_model": short[large],
        "small_low": f"{s.min():.0f}",
        "small_high": f"{s.max():.0f}",
        "large_low": f"{l.min():.1f}",
        "large_high": f"{l.max():.1f}",
        "apart_sentence": "",
    }
    other = dist[(dist["law"] == apart) & (dist["model"] == small)]
    if len(other):
        out["apart_sentence"] = (
            f"Kaplan et al.'s law, which favours much larger models trained on fewer tokens, puts the "
            f"{short[small]} at {float(other['token_ratio'].iloc[0]):.0f} times its optimum."
        )
    return out


def sources_used(package, laws: list[str], models: list[str], fact_keys=()) -> pd.DataFrame:
    """The documents the chapter's numbers come from (the chosen laws' constants, the Figure 4
    runs, the models' facts and ``fact_keys``), as links, in order of first use."""
    facts = package.facts.set_index("key")["source"]
    mapped = package.model_facts[package.model_facts["model"].isin(models)]["fact"]
    keys = [
        *package.scaling_laws[package.scaling_laws["law"].isin(laws)]["source"],
        *package.chinchilla_figure4["source"],
        *facts.reindex([*FACT_KEYS, *mapped, *fact_keys]).dropna(),
    ]
    src = package.sources.set_index("key")
    rows = []
    for key in dict.fromkeys(keys):
        r = src.loc[key]
        title = markup.link(r["title"], r["url"]) if pd.notna(r["url"]) else r["title"]
        version = "" if pd.isna(r["version"]) else str(r["version"])
        if re.fullmatch(r"[0-9a-f]{40}", version):
            version = f"commit {version[:12]}"
        rows.append({"source": title, "by": r["publisher"], "version": version})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- display


# The chapter's units, written by herd.base.formats (B and T for sizes, powers of ten for FLOPs).


def billions(v) -> str:
    """A parameter count in billions, no decimals (``405 B``)."""
    return formats.scaled(v, "B", 0)


def trillions(v) -> str:
    """A token count in trillions, one decimal (``15.6 T``)."""
    return formats.scaled(v, "T", 1)


def trillions2(v) -> str:
    """A token count in trillions, two decimals (``15.60 T``)."""
    return formats.scaled(v, "T", 2)


def millions(v) -> str:
    """A count in millions, two decimals (``30.84 M``)."""
    return formats.scaled(v, "M", 2)


def scientific(v) -> str:
    """A large magnitude such as a FLOP budget as a power of ten, to three significant digits (``3.8 × 10²⁵``)."""
    return formats.scientific(v, 3)


def significant(v) -> str:
    """A number to three significant figures, no exponent (tokens per parameter: ``12.3``)."""
    return formats.significant(v, 3)


def general(v) -> str:
    """A number as printed in its source (every digit it has, no exponent)."""
    return formats.exact(v)


def _range(lo, hi, fmt) -> str:
    return "" if pd.isna(lo) else f"{fmt(lo).split(' ')[0]}–{fmt(hi)}"


def rerun_display(rerun: pd.DataFrame) -> pd.DataFrame:
    """:func:`token_law_rerun` as the chapter shows it."""
    return pd.DataFrame(
        {
            "constants": rerun["constants"],
            "tokens D*": rerun["tokens"].map(trillions2),
            "implied parameters N = C/(6D)": rerun["implied_params"].map(billions),
            "parameters the paper prints": [
                billions(v) if printed else "" for v, printed in zip(rerun["params"], rerun["printed"])
            ],
            "D* range from rounding": [
                _range(lo, hi, trillions) for lo, hi in zip(rerun.get("tokens_low"), rerun.get("tokens_high"))
            ],
            "N range from rounding": [
                _range(lo, hi, billions) for lo, hi in zip(rerun.get("params_low"), rerun.get("params_high"))
            ],
        }
    )


def optimum_display(opt: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """:func:`optimum_table` as the chapter shows it."""
    label = f"{100 * level:g} % bootstrap interval"
    return pd.DataFrame(
        {
            "law": opt["label"],
            "parameters N": opt["params"].map(billions),
            f"N, {label}": [_range(lo, hi, billions) for lo, hi in zip(opt["params_low"], opt["params_high"])],
            "tokens D": opt["tokens"].map(trillions),
            f"D, {label}": [_range(lo, hi, trillions) for lo, hi in zip(opt["tokens_low"], opt["tokens_high"])],
            "tokens per parameter": opt["tokens_per_param"].map(significant),
        }
    )


# --------------------------------------------------------------------------- text for the chapter


def rerun_glue(rerun: pd.DataFrame, package, flops: float) -> dict[str, str]:
    """Numbers the chapter's prose quotes about the paper's token law, formatted."""
    by = rerun.set_index("law")
    fit_high = package.fact("scaling.fit_flops.high")
    return {
        "text_tokens": formats.number(by.loc["llama3-text", "tokens"] / 1e12, 1),
        "fig_tokens": formats.number(by.loc["llama3-figure", "tokens"] / 1e12, 1),
        "text_params": formats.count(by.loc["llama3-text", "params"] / 1e9),
        "fig_params": formats.count(by.loc["llama3-figure", "params"] / 1e9),
        "paper_tokens": formats.number(by.loc["stated", "tokens"] / 1e12, 2),
        "paper_params": formats.count(by.loc["stated", "params"] / 1e9),
        "actual_tokens": formats.number(by.loc["trained", "tokens"] / 1e12, 1),
        "actual_params": formats.count(by.loc["trained", "params"] / 1e9),
        "fit_high": formats.scientific(fit_high),
        "orders_beyond": formats.number(np.log10(flops / fit_high), 1),
    }


def runs_summary(runs: pd.DataFrame) -> dict[str, str]:
    """How many of Chinchilla's runs :func:`herd.analyses.compute.refit.figure4_points` reads and how many it leaves
    out of the fit (``n_runs``, ``n_excluded``), and the largest model and token count among them
    (``max_params`` in B, ``max_tokens`` in B)."""
    return {
        "n_runs": f"{len(runs)}",
        "n_excluded": f"{int(runs['excluded'].sum())}",
        "max_params": formats.count(runs["parameters"].max() / 1e9),
        "max_tokens": formats.count(runs["tokens"].max() / 1e9),
    }


def points_note(package, points: pd.DataFrame, models: list[str], described: list[str]) -> str:
    """What the chart of models says beside it: the models that share a point (:func:`shared_points`)
    and the later models it does not show, with why.

    Parameters
    ----------
    package
        The data package.
    points
        The chosen models' points (:func:`model_points`).
    models
        The chosen models.
    described
        Every model ``model_facts.csv`` describes.
    """
    from herd.record import coverage

    why = (
        "data/model_facts.csv does not say which facts hold {its} size, tokens and GPU hours"
        if models == models_by_size(package, described)
        else "{they} {is} not among the chosen models (parameter `models`)"
    )
    return " ".join(filter(None, [shared_points(points), coverage.note(package, models, why)]))
