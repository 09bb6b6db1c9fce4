"""The official Llama 3.x architecture arguments and what follows from them: parameter counts
by component, weight and KV-cache memory, and RoPE frequency scaling.

The arguments are read from the PyPI package ``llama-models`` (``sku_list.py``, and
``llama3/model.py`` for the RoPE scaling constants) by parsing its source, without
importing it (its model code needs PyTorch). Whether a model's output head shares the token
embedding matrix is not among those arguments (llama-models' model code always builds the two
apart); it is read from the data package (``model_facts.csv``, quantity ``shared_embeddings``).
"""

from __future__ import annotations

import ast
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from herd.record.tokenizer import package_dir

# The functions of llama-models' sku_list.py that describe Llama 3.x text models (base and instruct).
SKU_FUNCTIONS = (
    "llama3_1_base_models",
    "llama3_1_instruct_models",
    "llama3_2_base_models",
    "llama3_2_instruct_models",
    "llama3_3_instruct_models",
)
BYTES = {"bf16": 2, "fp8": 1}
# Weight precisions: all BF16, or the FP8 recipe of the paper (§6.2) and of llama-models' quantization loader:
# the feed-forward weights of every layer but the first and the last in FP8, with one BF16 scale per output row;
# attention, embeddings, norms and the output head stay in BF16.
WEIGHT_SCHEMES = ("bf16", "fp8-mixed")


def model_key(core_model_id: str) -> str:
    """The data package's key for a llama-models core model id: llama3_1_405b → llama-3.1-405b,
    llama3_3_70b_instruct → llama-3.3-70b-instruct."""
    head, _, rest = core_model_id.partition("_")  # "llama3", "1_405b"
    major = head.removeprefix("llama")
    minor, _, rest = rest.partition("_")
    return f"llama-{major}.{minor}-{rest.replace('_', '-')}"


class ArchSourceError(RuntimeError):
    """llama-models' source does not have the expected shape."""


class ArchDataError(ValueError):
    """The data package describes a model's architecture in a way this module cannot read."""


# ArchArgs fields that llama-models' arch_args define (the rest come from the data package).
OFFICIAL_FIELDS = (
    "dim",
    "n_layers",
    "n_heads",
    "n_kv_heads",
    "vocab_size",
    "ffn_dim_multiplier",
    "multiple_of",
    "norm_eps",
    "rope_theta",
    "use_scaled_rope",
)


@dataclass(frozen=True)
class ArchArgs:
    """The architecture of one Llama model as llama-models' source defines it (its ``arch_args``), with the
    sizes derived from it."""

    model: str
    dim: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    vocab_size: int
    ffn_dim_multiplier: float
    multiple_of: int
    norm_eps: float
    rope_theta: float
    use_scaled_rope: bool
    # Not an argument of llama-models: whether the output head reuses the token embedding matrix, from the
    # data package (:func:`shared_embeddings`); False is llama-models' own model code, which builds both.
    shared_embeddings: bool = False

    @property
    def head_dim(self) -> int:
        """Width of one attention head, ``dim // n_heads``."""
        return self.dim // self.n_heads

    @property
    def ffn_dim(self) -> int:
        """Hidden size of the SwiGLU feed-forward layers, by :func:`ffn_hidden_dim`."""
        return ffn_hidden_dim(self.dim, self.multiple_of, self.ffn_dim_multiplier)


def ffn_hidden_dim(dim: int, multiple_of: int, multiplier: float | None) -> int:
    """The SwiGLU hidden size as llama-models computes it: start from 4·dim, take two
    thirds, apply the multiplier, round up to a multiple of ``multiple_of``."""
    hidden = int(2 * (4 * dim) / 3)
    if multiplier is not None:
        hidden = int(multiplier * hidden)
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


def _module_constants(tree: ast.Module) -> dict:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


def _resolve(node: ast.AST | None, names: dict):
    """The Python value of an expression of sku_list.py: names from its constants, dicts built of
    them, literals; None for a missing value or a dict that unpacks another (``{**helper(), ...}``)."""
    if node is None:
        return None
    if isinstance(node, ast.Dict) and any(k is None for k in node.keys):  # {**helper(), ...}
        return None
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ArchSourceError(f"sku_list.py: unknown name {node.id}")
        return names[node.id]
    if isinstance(node, ast.Dict):
        return {_resolve(k, names): _resolve(v, names) for k, v in zip(node.keys, node.values)}
    return ast.literal_eval(node)


def read_arch_args(root: Path | None = None) -> dict[str, ArchArgs]:
    """{model key: ArchArgs} for every Llama 3.x text model in llama-models' sku_list.py (vision
    models, whose arguments ArchArgs does not describe, are left out)."""
    source = (root or package_dir()) / "sku_list.py"
    tree = ast.parse(source.read_text())
    names = _module_constants(tree)
    helpers: dict[str, ast.Dict] = {}  # functions such as arch_args_1b() that return an arguments dict
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and len(node.body) == 1 and isinstance(node.body[0], ast.Return):
            if isinstance(node.body[0].value, ast.Dict):
                helpers[node.name] = node.body[0].value
    fields = set(OFFICIAL_FIELDS)
    found: dict[str, ArchArgs] = {}
    for name in SKU_FUNCTIONS:
        func = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)
        if func is None:
            raise ArchSourceError(f"{source}: no function {name}")
        for call in ast.walk(func):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Model"):
                continue
            kw = {k.arg: k.value for k in call.keywords}
            core_node = kw.get("core_model_id")
            core = core_node.attr if isinstance(core_node, ast.Attribute) else None
            arch_node = kw.get("arch_args")
            if (
                isinstance(arch_node, ast.Call)
                and isinstance(arch_node.func, ast.Name)
                and arch_node.func.id in helpers
            ):
                arch_node = helpers[arch_node.func.id]
            args = _resolve(arch_node, names)
            if core is None or not isinstance(args, dict) or set(args) != fields:
                continue  # a vision model, or another kind of entry
            found.setdefault(model_key(core), ArchArgs(model=model_key(core), **args))
    expected = {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"}
    if not expected <= set(found):
        raise ArchSourceError(f"{source}: expected arch_args for {sorted(expected)}, found {sorted(found)}")
    return found


def read_rope_scaling(root: Path | None = None) -> dict[str, float]:
    """The constants of llama-models' ``apply_scaling`` (llama3/model.py)."""
    source = (root or package_dir()) / "llama3" / "model.py"
    tree = ast.parse(source.read_text())
    func = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "apply_scaling"), None)
    if func is None:
        raise ArchSourceError(f"{source}: no function apply_scaling")
    wanted = ("scale_factor", "low_freq_factor", "high_freq_factor", "old_context_len")
    out = {}
    for node in func.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in wanted:
            out[node.targets[0].id] = float(ast.literal_eval(node.value))
    if set(out) != set(wanted):
        raise ArchSourceError(f"{source}: apply_scaling constants {sorted(set(wanted) - set(out))} not found")
    return out


def parameter_counts(a: ArchArgs) -> dict[str, int]:
    """Parameters by component: input embedding, attention, feed-forward, RMSNorm weights and output
    head. A model whose output head reuses the embedding matrix (``a.shared_embeddings``) counts that
    matrix once, under ``embeddings``, and its ``output head`` is 0."""
    kv_dim = a.n_kv_heads * a.head_dim
    attention = a.n_layers * (a.dim * a.dim * 2 + a.dim * kv_dim * 2)  # wq, wo; wk, wv
    feed_forward = a.n_layers * 3 * a.dim * a.ffn_dim  # w1, w2, w3
    norms = a.n_layers * 2 * a.dim + a.dim
    embeddings = a.vocab_size * a.dim
    output = 0 if a.shared_embeddings else a.vocab_size * a.dim
    counts = {
        "embeddings": embeddings,
        "attention": attention,
        "feed-forward": feed_forward,
        "norms": norms,
        "output head": output,
    }
    counts["total"] = sum(counts.values())
    return counts


def kv_cache_bytes(
    a: ArchArgs, tokens: int, precision: str = "bf16", batch: int = 1, kv_heads: int | None = None
) -> int:
    """Bytes of the key/value cache: 2 (K and V) · layers · KV heads · head dim · bytes · tokens · batch.
    ``kv_heads`` overrides the model's (e.g. ``n_heads`` for a multi-head baseline)."""
    heads = a.n_kv_heads if kv_heads is None else kv_heads
    return 2 * a.n_layers * heads * a.head_dim * BYTES[precision] * tokens * batch


def weight_bytes(a: ArchArgs, scheme: str = "bf16") -> int:
    """Bytes of the weights in a precision scheme (:data:`WEIGHT_SCHEMES`).

    ``fp8-mixed`` is the paper's FP8 inference (§6.2) as llama-models' quantization loader applies
    it: the three feed-forward matrices of every layer except the first and the last are stored in
    FP8 with one BF16 scale per output row; everything else stays BF16.
    """
    if scheme not in WEIGHT_SCHEMES:
        raise ValueError(f"unknown weight scheme {scheme!r}; allowed: {', '.join(WEIGHT_SCHEMES)}")
    total = parameter_counts(a)["total"]
    if scheme == "bf16":
        return total * BYTES["bf16"]
    fp8_layers = max(a.n_layers - 2, 0)
    fp8_params = fp8_layers * 3 * a.dim * a.ffn_dim
    scales = fp8_layers * (2 * a.ffn_dim + a.dim)  # one per output row of w1, w3 (ffn_dim rows) and w2 (dim rows)
    return (total - fp8_params) * BYTES["bf16"] + fp8_params * BYTES["fp8"] + scales * BYTES["bf16"]


def kv_dominance_tokens(a: ArchArgs, scheme: str = "bf16", kv_precision: str = "bf16") -> float:
    """Tokens in flight (context length × sequences) beyond which the KV cache outweighs the weights."""
    return weight_bytes(a, scheme) / kv_cache_bytes(a, 1, kv_precision)


def sequences_that_fit(
    a: ArchArgs, context: int, memory_bytes: float, scheme: str = "bf16", kv_precision: str = "bf16"
) -> int:
    """Full-length sequences whose KV cache fits beside the weights in ``memory_bytes`` (weights and
    KV cache only; 0 when the weights alone do not fit)."""
    free = memory_bytes - weight_bytes(a, scheme)
    return max(0, int(free // kv_cache_bytes(a, context, kv_precision)))


def rope_wavelengths(a: ArchArgs, scaling: dict[str, float]) -> pd.DataFrame:
    """Wavelength (in tokens) of every rotary dimension pair, before and after
    Llama 3.1's frequency scaling, with the band each pair falls in."""
    i = np.arange(0, a.head_dim, 2)[: a.head_dim // 2]
    freqs = 1.0 / (a.rope_theta ** (i / a.head_dim))
    wavelen = 2 * math.pi / freqs
    old, low, high, factor = (
        scaling["old_context_len"],
        scaling["low_freq_factor"],
        scaling["high_freq_factor"],
        scaling["scale_factor"],
    )
    low_wavelen, high_wavelen = old / low, old / high
    smooth = (old / wavelen - low) / (high - low)
    scaled = np.where(wavelen > low_wavelen, freqs / factor, freqs)
    blended = (1 - smooth) * scaled / factor + smooth * scaled
    new = np.where((wavelen >= high_wavelen) & (wavelen <= low_wavelen), blended, scaled)
    band = np.where(
        wavelen < high_wavelen,
        "high frequency: unchanged",
        np.where(wavelen > low_wavelen, f"low frequency: divided by {factor:g}", "middle: interpolated"),
    )
    return pd.DataFrame(
        {"pair": i // 2, "wavelength_before": wavelen, "wavelength_after": 2 * math.pi / new, "band": band}
    )


PAPER_ARGUMENTS = (
    ("layers", "n_layers", "layers"),
    ("model dimension", "dim", "model-dimension"),
    ("FFN dimension", "ffn_dim", "ffn-dimension"),
    ("attention heads", "n_heads", "attention-heads"),
    ("key/value heads", "n_kv_heads", "key-value-heads"),
)


def check_against_paper(args: dict[str, ArchArgs], facts: pd.DataFrame, special_tokens: int) -> pd.DataFrame:
    """Each model's llama-models arguments beside the paper's Table 3 (``facts.csv`` rows
    ``architecture.<model>.<argument>``); a model the paper does not describe gets its row
    with the reason instead of a verdict."""
    values = facts.set_index("key")["value"]
    vocab = values.get("architecture.vocabulary-size")
    theta = values.get("architecture.positional-embeddings-rope")
    rows = []
    for key, a in args.items():
        for label, attr, fact_key in PAPER_ARGUMENTS:
            paper = values.get(f"architecture.{key}.{fact_key}")
            rows.append((key, label, getattr(a, attr), paper))
        if any(f"architecture.{key}." in k for k in values.index):
            rows.append(
                (key, "vocabulary (BPE + special)", a.vocab_size, None if vocab is None else vocab + special_tokens)
            )
            rows.append((key, "RoPE θ", a.rope_theta, theta))
    out = pd.DataFrame(rows, columns=["model", "argument", "llama-models", "paper Table 3"])
    out["agree"] = [
        "no paper value: the paper's Table 3 does not describe this model"
        if pd.isna(p)
        else ("yes" if m == p else "NO")
        for m, p in zip(out["llama-models"], out["paper Table 3"])
    ]
    return out


def node_fit(args: dict[str, ArchArgs], context: int, memory_bytes: float) -> pd.DataFrame:
    """For each model and precision choice: weights, KV cache per full-length sequence, and how many
    such sequences fit beside the weights in ``memory_bytes`` (weights and cache only)."""
    rows = []
    for key, a in args.items():
        for scheme in WEIGHT_SCHEMES:
            for kv in ("bf16", "fp8"):
                rows.append(
                    {
                        "model": key,
                        "weights": scheme,
                        "KV cache": kv,
                        "weights (GB)": weight_bytes(a, scheme) / 1e9,
                        "KV cache per sequence (GB)": kv_cache_bytes(a, context, kv) / 1e9,
                        "sequences that fit": sequences_that_fit(a, context, memory_bytes, scheme, kv),
                    }
                )
    return pd.DataFrame(rows)


def one_per_model(args: dict[str, ArchArgs]) -> dict[str, ArchArgs]:
    """Drop the instruct variant of every model whose base model is listed: post-training does
    not change the architecture."""
    return {k: a for k, a in args.items() if not (k.endswith("-instruct") and k.removesuffix("-instruct") in args)}


# ---------------------------------------------------------------- the long-context chapter's tables


SHARED_UNIT = "yes (1) / no (0)"


def shared_embeddings(package) -> dict[str, bool]:
    """{model key: whether its output head shares the token embedding matrix} for every model with a
    ``shared_embeddings`` row in ``model_facts.csv`` (the facts.csv row it names must be in
    ``yes (1) / no (0)`` and hold 0 or 1)."""
    mapping = package.tables["model_facts"]
    facts = package.tables["facts"].set_index("key")
    out = {}
    for row in mapping[mapping["quantity"] == "shared_embeddings"].itertuples():
        where = f"data/model_facts.csv, model {row.model!r}, quantity 'shared_embeddings'"
        if row.fact not in facts.index:
            raise ArchDataError(f"{where}: facts.csv has no row {row.fact!r}")
        unit, value = facts.loc[row.fact, "unit"], float(facts.loc[row.fact, "value"])
        if unit != SHARED_UNIT or value not in (0.0, 1.0):
            raise ArchDataError(
                f"{where}: facts.csv row {row.fact!r} holds {value:g} in {unit!r}; it must be 0 or 1 in {SHARED_UNIT!r}"
            )
        out[row.model] = value == 1.0
    return out


def package_models(package) -> dict[str, ArchArgs]:
    """The architecture of every model llama-models describes that the data package knows, one per
    model (an instruct model has its base model's architecture), with whether its embeddings are
    shared (:func:`shared_embeddings`; no row means separate, as llama-models builds them)."""
    known = set(package.tables["models"]["key"])
    shared = shared_embeddings(package)
    args = one_per_model({k: a for k, a in read_arch_args().items() if k in known})
    return {k: dataclasses.replace(a, shared_embeddings=shared.get(k, False)) for k, a in args.items()}


def display_names(package, keys) -> dict[str, str]:
    """Each model's name as ``data/models.csv`` gives it, without the "(pre-trained)" suffix: an
    architecture is the same before and after post-training."""
    names = package.tables["models"].set_index("key")["name"]
    return {k: names[k].replace(" (pre-trained)", "") for k in keys}


def paper_check_summary(check: pd.DataFrame) -> dict[str, int]:
    """How many of the values :func:`check_against_paper` can compare agree with the paper.

    Returns
    -------
    dict
        ``n_agree`` (values that agree) and ``n`` (values compared: those the paper prints).
    """
    compared = check[check["agree"].isin(["yes", "NO"])]
    return {"n_agree": int((compared["agree"] == "yes").sum()), "n": len(compared)}


def parameter_table(args: dict[str, ArchArgs], package) -> pd.DataFrame:
    """Parameters by component for each model, beside the size its source prints.

    Parameters
    ----------
    args
        The models' architectures (from :func:`package_models`).
    package
        The data package: ``models.csv`` gives each model's name and ``parameters_billion``.

    Returns
    -------
    pandas.DataFrame
        One row per model (``model`` its display name), the counts of :func:`parameter_counts`,
        ``output head shares embeddings`` ("yes" or "no", from the data), ``printed size`` (parameters,
        as ``parameters_billion`` records the size its source prints) and ``total ÷ printed``.
    """
    names = display_names(package, args)
    billions = package.tables["models"].set_index("key")["parameters_billion"]
    counts = pd.DataFrame({names[k]: parameter_counts(a) for k, a in args.items()}).T
    counts.insert(
        list(counts.columns).index("output head") + 1,
        "output head shares embeddings",
        ["yes" if a.shared_embeddings else "no" for a in args.values()],
    )
    counts["printed size"] = [billions[k] * 1e9 for k in args]
    counts["total ÷ printed"] = counts["total"] / counts["printed size"]
    return counts.reset_index(names="model")


def kv_table(a: ArchArgs, context_lengths: list[int], batch: int = 1) -> pd.DataFrame:
    """The KV cache in GB at each context length, in BF16 and FP8, with grouped-query attention
    and with a multi-head baseline of the same shape.

    Parameters
    ----------
    a
        The model's architecture.
    context_lengths
        Context lengths in tokens, one pair of rows each.
    batch
        Sequences per batch.

    Returns
    -------
    pandas.DataFrame
        ``context (tokens)``, ``precision``, ``GQA KV cache (GB)``, ``multi-head KV cache (GB)``.
    """
    rows = []
    for n in context_lengths:
        for prec in ("bf16", "fp8"):
            rows.append(
                {
                    "context (tokens)": n,
                    "precision": prec,
                    "GQA KV cache (GB)": kv_cache_bytes(a, n, prec, batch) / 1e9,
                    "multi-head KV cache (GB)": kv_cache_bytes(a, n, prec, batch, kv_heads=a.n_heads) / 1e9,
                }
            )
    return pd.DataFrame(rows)


def memory_summary(a: ArchArgs, context: int, precision: str, weights: str, batch: int = 1) -> dict[str, object]:
    """The numbers of the chapter's sentences on memory (:mod:`herd.presentation.long_context_text` writes them).

    Parameters
    ----------
    a
        The model's architecture.
    context
        The full context length in tokens.
    precision
        The KV cache's precision (``bf16`` or ``fp8``).
    weights
        The weights' precision scheme (:data:`WEIGHT_SCHEMES`).
    batch
        Sequences per batch.

    Returns
    -------
    dict
        ``kv_gb_one`` (one full-length sequence's cache, GB), ``kv_ratio`` (that cache over the weights),
        ``weights_dominate`` (whether the weights outweigh one full-length sequence's cache: serving one long context
        is dominated by them), ``gqa_factor`` (query heads per KV head, int), ``weights_gb``, ``weights`` (the
        scheme), ``kv_share`` (the batch's cache over the weights), ``crossover_tokens`` and ``crossover_sequences``
        (where the cache outweighs the weights), ``per_token`` (bytes of cache per token).
    """
    weights_gb = weight_bytes(a, weights) / 1e9
    crossover = kv_dominance_tokens(a, weights, precision)
    one = kv_cache_bytes(a, context, precision) / 1e9
    return {
        "kv_gb_one": one,
        "kv_ratio": one / weights_gb,
        "weights_dominate": bool(crossover >= context),
        "gqa_factor": a.n_heads // a.n_kv_heads,
        "weights_gb": weights_gb,
        "weights": weights,
        "kv_share": kv_cache_bytes(a, context, precision, batch) / 1e9 / weights_gb,
        "crossover_tokens": crossover,
        "crossover_sequences": crossover / context,
        "per_token": kv_cache_bytes(a, 1, precision),
    }


MEMORY_UNITS = {"GB": 1e9, "GiB": 2.0**30}
"""Bytes in each unit a GPU's memory may be recorded in (``facts.csv``, ``unit``)."""


def gpu_memory_bytes(package, key: str = "gpu_memory_gb") -> float:
    """The memory of one GPU in bytes, in the unit its ``facts.csv`` row records (the H100's "80GB" is
    80 GiB, 85.9 × 10⁹ bytes); an unknown unit is named in the error."""
    unit = package.facts.set_index("key").loc[key, "unit"]
    if unit not in MEMORY_UNITS:
        raise ValueError(f"data/facts.csv, row {key!r}, column unit: {unit!r} is not one of {sorted(MEMORY_UNITS)}")
    return package.fact(key) * MEMORY_UNITS[unit]


def node_memory_gb(package) -> float:
    """The GPU memory of one training server in decimal GB (10⁹ bytes, the unit of the book's memory
    figures): GPUs per server × memory per GPU (``facts.csv``, :func:`gpu_memory_bytes`)."""
    return package.fact("training.server.gpus-per-server") * gpu_memory_bytes(package) / 1e9


def memory_grid(args: dict[str, ArchArgs], context: int, points: int = 29) -> pd.DataFrame:
    """Weights (BF16 and the paper's FP8 recipe) and KV cache per token (BF16, with grouped-query and
    multi-head attention) of every model at ``points`` context lengths spaced evenly in log scale from
    1,024 to ``context`` tokens, the rows :func:`herd.presentation.charts.kv_memory` draws."""
    rows = []
    lengths = np.unique(np.geomspace(1024, context, points).astype(int))
    for key, m in args.items():
        for n in lengths:
            rows.append(
                {
                    "model": key,
                    "context": int(n),
                    "weights_bytes_bf16": weight_bytes(m, "bf16"),
                    "weights_bytes_fp8_recipe": weight_bytes(m, "fp8-mixed"),
                    "kv_bytes_per_token_bf16": kv_cache_bytes(m, 1, "bf16"),
                    "mha_kv_bytes_per_token_bf16": kv_cache_bytes(m, 1, "bf16", kv_heads=m.n_heads),
                }
            )
    return pd.DataFrame(rows)


def rope_summary(a: ArchArgs, scaling: dict[str, float], waves: pd.DataFrame) -> dict[str, object]:
    """The numbers of the chapter's RoPE paragraph (``waves`` from :func:`rope_wavelengths`;
    :mod:`herd.presentation.long_context_text` writes them).

    Returns
    -------
    dict
        ``rope_theta``, ``old_context``, ``scale_factor``, ``high_wavelen`` and ``low_wavelen`` (the wavelengths, in
        tokens, above and below which a pair is left unchanged or scaled), and the pairs in each band: ``n_fast``,
        ``n_slow``, ``n_middle`` (int).
    """
    return {
        "rope_theta": a.rope_theta,
        "old_context": scaling["old_context_len"],
        "n_fast": int(waves["band"].str.startswith("high").sum()),
        "n_slow": int(waves["band"].str.startswith("low").sum()),
        "n_middle": int(waves["band"].str.startswith("middle").sum()),
        "scale_factor": scaling["scale_factor"],
        "high_wavelen": scaling["old_context_len"] / scaling["high_freq_factor"],
        "low_wavelen": scaling["old_context_len"] / scaling["low_freq_factor"],
    }


def rope_band_table(waves: pd.DataFrame, context: int) -> pd.DataFrame:
    """The bands of ``apply_scaling``: pairs in each, the shortest and longest wavelength before and
    after scaling, and how many pairs are longer than ``context`` tokens after it."""
    bands = (
        waves.groupby("band")
        .agg(
            pairs=("pair", "count"),
            shortest_before=("wavelength_before", "min"),
            longest_before=("wavelength_before", "max"),
            shortest_after=("wavelength_after", "min"),
            longest_after=("wavelength_after", "max"),
        )
        .reset_index()
    )
    label = f"longer than {context // 1024}K after scaling"
    bands[label] = [int((waves[waves["band"] == b]["wavelength_after"] > context).sum()) for b in bands["band"]]
    return bands.rename(
        columns={
            "shortest_before": "shortest before",
            "longest_before": "longest before",
            "shortest_after": "shortest after",
            "longest_after": "longest after",
        }
    )


def fit_on_node(package, args: dict[str, ArchArgs], context: int) -> pd.DataFrame:
    """:func:`node_fit` on one training server's GPU memory (:func:`node_memory_gb`)."""
    return node_fit(args, context, node_memory_gb(package) * 1e9)
