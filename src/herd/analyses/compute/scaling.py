"""The scaling chapter's numbers: each model's facts by key, what a printed fact allows, and the
chapter's tables built from the published laws (:mod:`herd.analyses.compute.laws`) and the refit
(:mod:`herd.analyses.compute.refit`).

Constants are never literals here: published ones come from ``data/scaling_laws.csv`` and
``data/facts.csv``; the refit's come from the 245 training runs Epoch AI read off Chinchilla's
Figure 4 (``data/chinchilla_figure4.csv``), and their uncertainty from resampling those runs.
The tables hold numbers; :mod:`herd.presentation.scaling_text` writes them as the chapter shows them.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .laws import build_law, constants, params_for, printed_interval, token_law_range, training_flops
from .refit import Refit, percentile_interval

FLOPS_GRID = np.logspace(18, 26, 81)
"""Budgets (FLOPs) at which the chapter draws each law's compute-optimal curve."""


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


def bootstrap_histogram(boot: pd.DataFrame, bins: int = 40) -> pd.DataFrame:
    """Counts of the draws' compute-optimal N in ``bins`` equal steps of log N."""
    counts, edges = np.histogram(np.log10(boot["params"]), bins=bins)
    return pd.DataFrame(
        {"low": chart_precision(10 ** edges[:-1]), "high": chart_precision(10 ** edges[1:]), "draws": counts}
    )


def bootstrap_marks(opt: pd.DataFrame, package) -> pd.DataFrame:
    """Vertical marks for the bootstrap chart: the interval's ends, the refit's optimum, the
    paper's predicted size and the size trained."""
    row = opt.set_index("law").loc[REFIT]
    marks = pd.DataFrame(
        [
            {"label": "interval's lower end", "params": row["params_low"]},
            {"label": "interval's upper end", "params": row["params_high"]},
            {"label": "refit to the runs", "params": row["params"]},
            {"label": "paper's predicted size", "params": package.fact("scaling.predicted_params")},
            {"label": "size trained", "params": package.fact("training.parameters")},
        ]
    )
    marks["params"] = chart_precision(marks["params"])
    return marks
