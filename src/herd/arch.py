"""The official Llama 3.1 architecture arguments and what follows from them:
parameter counts by component, KV-cache size, and RoPE frequency scaling.

The arguments are read from the PyPI package ``llama-models`` (``sku_list.py``, and
``llama3/model.py`` for the RoPE scaling constants) by parsing its source, without
importing it (its model code needs PyTorch).
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .tokenizer import package_dir

MODELS = {"llama3_1_8b": "llama-3.1-8b", "llama3_1_70b": "llama-3.1-70b", "llama3_1_405b": "llama-3.1-405b"}
BYTES = {"bf16": 2, "fp8": 1}


class ArchSourceError(RuntimeError):
    """llama-models' source does not have the expected shape."""


@dataclass(frozen=True)
class ArchArgs:
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

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    @property
    def ffn_dim(self) -> int:
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


def _resolve(node: ast.AST, names: dict):
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ArchSourceError(f"sku_list.py: unknown name {node.id}")
        return names[node.id]
    if isinstance(node, ast.Dict):
        return {_resolve(k, names): _resolve(v, names) for k, v in zip(node.keys, node.values)}
    return ast.literal_eval(node)


def read_arch_args(root: Path | None = None) -> dict[str, ArchArgs]:
    """{model key: ArchArgs} for the Llama 3.1 base models in llama-models' sku_list.py."""
    source = (root or package_dir()) / "sku_list.py"
    tree = ast.parse(source.read_text())
    names = _module_constants(tree)
    func = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "llama3_1_base_models"), None)
    if func is None:
        raise ArchSourceError(f"{source}: no function llama3_1_base_models")
    found: dict[str, ArchArgs] = {}
    for call in ast.walk(func):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Model"):
            continue
        kw = {k.arg: k.value for k in call.keywords}
        core = kw["core_model_id"].attr if isinstance(kw.get("core_model_id"), ast.Attribute) else None
        if core in MODELS and MODELS[core] not in found:
            args = _resolve(kw["arch_args"], names)
            found[MODELS[core]] = ArchArgs(model=MODELS[core], **args)
    if set(found) != set(MODELS.values()):
        raise ArchSourceError(f"{source}: expected arch_args for {sorted(MODELS.values())}, found {sorted(found)}")
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
    """Parameters by component (untied input embedding and output head, RMSNorm weights)."""
    kv_dim = a.n_kv_heads * a.head_dim
    attention = a.n_layers * (a.dim * a.dim * 2 + a.dim * kv_dim * 2)  # wq, wo; wk, wv
    feed_forward = a.n_layers * 3 * a.dim * a.ffn_dim  # w1, w2, w3
    norms = a.n_layers * 2 * a.dim + a.dim
    embeddings = a.vocab_size * a.dim
    output = a.vocab_size * a.dim
    counts = {"embeddings": embeddings, "attention": attention, "feed-forward": feed_forward, "norms": norms, "output head": output}
    counts["total"] = sum(counts.values())
    return counts


def kv_cache_bytes(a: ArchArgs, tokens: int, precision: str = "bf16", batch: int = 1, kv_heads: int | None = None) -> int:
    """Bytes of the key/value cache: 2 (K and V) · layers · KV heads · head dim · bytes · tokens · batch.
    ``kv_heads`` overrides the model's (e.g. ``n_heads`` for a multi-head baseline)."""
    heads = a.n_kv_heads if kv_heads is None else kv_heads
    return 2 * a.n_layers * heads * a.head_dim * BYTES[precision] * tokens * batch


def rope_wavelengths(a: ArchArgs, scaling: dict[str, float]) -> pd.DataFrame:
    """Wavelength (in tokens) of every rotary dimension pair, before and after
    Llama 3.1's frequency scaling, with the band each pair falls in."""
    i = np.arange(0, a.head_dim, 2)[: a.head_dim // 2]
    freqs = 1.0 / (a.rope_theta ** (i / a.head_dim))
    wavelen = 2 * math.pi / freqs
    old, low, high, factor = scaling["old_context_len"], scaling["low_freq_factor"], scaling["high_freq_factor"], scaling["scale_factor"]
    low_wavelen, high_wavelen = old / low, old / high
    smooth = (old / wavelen - low) / (high - low)
    scaled = np.where(wavelen > low_wavelen, freqs / factor, freqs)
    blended = (1 - smooth) * scaled / factor + smooth * scaled
    new = np.where((wavelen >= high_wavelen) & (wavelen <= low_wavelen), blended, scaled)
    band = np.where(wavelen < high_wavelen, "high frequency: unchanged",
                    np.where(wavelen > low_wavelen, f"low frequency: divided by {factor:g}", "middle: interpolated"))
    return pd.DataFrame({"pair": i // 2, "wavelength_before": wavelen, "wavelength_after": 2 * math.pi / new, "band": band})
