"""The long-context chapter's charts: words per token across real texts (:func:`words_per_token`), the memory of
weights and KV cache against context length (:func:`kv_memory`) and the wavelengths of the rotary dimensions before
and after Llama 3.1's scaling (:func:`rope_bands`)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, fit_column, fit_width, narrow_title, one_mark, size_axis, wrapped_title
from .theme import FOCUS_COLOR, OKABE_ITO, OTHER_COLOR


def words_per_token(chunks: pd.DataFrame, title: str) -> Figure:
    """Words per token in every chunk of every text: the spread within and between texts."""
    data = chunks[["name", "kind", "words_per_token"]]
    chart = (
        alt.Chart(data)
        .mark_boxplot(extent="min-max", size=18)
        .encode(
            y=alt.Y(
                "name:N", title=None, sort=alt.EncodingSortField("words_per_token", op="median", order="descending")
            ),
            x=alt.X("words_per_token:Q", title="Words per token (chunks of 2,000 words)", scale=alt.Scale(zero=False)),
            color=alt.Color("kind:N", title="Kind of text"),
            tooltip=[alt.Tooltip("name:N", title="Text"), alt.Tooltip("kind:N", title="Kind")],
        )
        .properties(
            height=alt.Step(30),
            title=wrapped_title(
                title, "Boxes: the middle half of the chunks of each text; whiskers: the lowest and highest chunk."
            ),
        )
    )
    # the book's width: the texts' names take most of a phone's width, so on a phone the chart scrolls sideways
    chart = fit_width(chart)
    medians = data.groupby("name")["words_per_token"].median().sort_values()
    summary = (
        f"{formats.noun(len(data), 'chunk')} of {formats.noun(len(medians), 'text')}; the median words per token "
        f"runs from {formats.number(medians.iloc[0], 2)} ({medians.index[0]}) to "
        f"{formats.number(medians.iloc[-1], 2)} ({medians.index[-1]})"
    )
    return finish(chart, summary, {"chunks": data}, title)


def kv_memory(
    rows: pd.DataFrame,
    node_gb: float,
    default_model: str,
    title: str,
    default_weights: str = "bf16",
    default_cache: str = "bf16",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Weights plus KV cache (GB) against context length, with the node's memory as a
    rule. Dropdown: model, shown by its name in ``names`` (model key → name; the key where it has none);
    radios: weight precision (all BF16, or the paper's FP8 recipe) and KV-cache precision (BF16 or FP8);
    slider: batch size. ``rows`` has one row per (model, context) with ``weights_bytes_bf16``,
    ``weights_bytes_fp8_recipe``, ``kv_bytes_per_token_bf16`` and ``mha_kv_bytes_per_token_bf16``."""
    models = list(dict.fromkeys(rows["model"]))
    labels = [(names or {}).get(m, m) for m in models]
    model = alt.param(
        name="model", value=default_model, bind=alt.binding_select(options=models, labels=labels, name="Model ")
    )
    recipe = "FP8 recipe (paper §6.2)"
    first_weights, first_cache = (recipe if default_weights == "fp8-mixed" else "BF16"), default_cache.upper()
    weights = alt.param(
        name="weights",
        value=first_weights,
        bind=alt.binding_radio(options=["BF16", recipe], name="Weights "),
    )
    cache = alt.param(
        name="cache", value=first_cache, bind=alt.binding_radio(options=["BF16", "FP8"], name="KV cache ")
    )
    batch = alt.param(
        name="batch", value=1, bind=alt.binding_range(min=1, max=64, step=1, name="Sequences in the batch ")
    )
    kv_factor = "(cache == 'FP8' ? 0.5 : 1)"
    gqa_name, mha_name = "grouped-query attention (8 KV heads)", "same model, one KV head per query head"
    node_name = f"one 8×H100-80GB node ({node_gb:,.0f} GB)"
    series = alt.Scale(domain=[gqa_name, mha_name, node_name], range=[OTHER_COLOR, FOCUS_COLOR, OKABE_ITO["black"]])
    dashes = alt.Scale(domain=[gqa_name, mha_name, node_name], range=[[1, 0], [5, 3], [1, 0]])
    base = (
        alt.Chart()
        .transform_filter("datum.model == model")
        .transform_calculate(
            weights_gb="(weights == 'BF16' ? datum.weights_bytes_bf16 : datum.weights_bytes_fp8_recipe) / 1e9",
            kv_gb=f"datum.kv_bytes_per_token_bf16 * {kv_factor} * datum.context * batch / 1e9",
            mha_kv_gb=f"datum.mha_kv_bytes_per_token_bf16 * {kv_factor} * datum.context * batch / 1e9",
        )
        .transform_calculate(
            total_gb="datum.weights_gb + datum.kv_gb", mha_total_gb="datum.weights_gb + datum.mha_kv_gb"
        )
    )
    x = alt.X(
        "context:Q",
        title="Context length (tokens)",
        scale=alt.Scale(type="log", base=2),
        axis=alt.Axis(values=[1024, 4096, 16384, 65536, 131072], labelExpr="format(datum.value / 1024, ',') + 'K'"),
    )
    lines = (
        base.transform_fold(["total_gb", "mha_total_gb"], as_=["which", "gb"])
        .transform_calculate(
            series=f"datum.which == 'total_gb' ? '{gqa_name}' : '{mha_name}'",
            kv_shown="datum.which == 'total_gb' ? datum.kv_gb : datum.mha_kv_gb",
        )
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("gb:Q", title="Memory: weights + KV cache (GB)"),
            color=alt.Color("series:N", title=None, scale=series, legend=alt.Legend(orient="bottom", columns=1)),
            strokeDash=alt.StrokeDash("series:N", scale=dashes, legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="Attention"),
                alt.Tooltip("context:Q", title="Context (tokens)", format=","),
                alt.Tooltip("weights_gb:Q", title="Weights (GB)", format=",.1f"),
                alt.Tooltip("kv_shown:Q", title="KV cache (GB)", format=",.1f"),
                alt.Tooltip("gb:Q", title="Total (GB)", format=",.1f"),
            ],
        )
    )
    node = (
        one_mark()
        .transform_calculate(limit=f"'{node_name}'")
        .mark_rule(strokeWidth=2)
        .encode(
            y=alt.datum(node_gb), color=alt.datum(node_name), tooltip=[alt.Tooltip("limit:N", title="Memory limit")]
        )
    )
    # as wide as its column (a phone's too): two axes of numbers, the legend under the plot
    chart = fit_column(alt.layer(lines, node, data=rows).add_params(model, weights, cache, batch), 300).properties(
        title=narrow_title(
            title,
            "Choose the model, the precision of the weights and of the KV cache, and the number of "
            "sequences below the chart.",
        )
    )
    name = labels[models.index(default_model)]
    summary = _memory_summary(rows, node_gb, default_model, name, first_weights, first_cache)
    return finish(chart, summary, {"memory": rows}, title)


def _memory_summary(rows: pd.DataFrame, node_gb: float, model: str, name: str, weights: str, cache: str) -> str:
    """What the memory chart first shows, in a sentence: the chosen model's memory at its longest context, for one
    sequence, with the precisions it opens with, against the node's memory."""
    row = rows[rows["model"] == model].sort_values("context").iloc[-1]
    factor = 0.5 if cache == "FP8" else 1.0
    weights_gb = (row["weights_bytes_bf16"] if weights == "BF16" else row["weights_bytes_fp8_recipe"]) / 1e9
    gqa = weights_gb + row["kv_bytes_per_token_bf16"] * factor * row["context"] / 1e9
    mha = weights_gb + row["mha_kv_bytes_per_token_bf16"] * factor * row["context"] / 1e9
    return (
        f"As first drawn ({name}, weights {weights}, KV cache {cache}, one sequence), at "
        f"{formats.count(row['context'])} tokens the model needs {formats.count(gqa)} GB with grouped-query attention "
        f"and {formats.count(mha)} GB with one KV head per query head, against {formats.count(node_gb)} GB in the node"
    )


def rope_bands(table: pd.DataFrame, title: str) -> Figure:
    """Wavelength of each rotary dimension pair before and after Llama 3.1's scaling, with the
    pre-training and extended context lengths drawn and named."""
    long = table.melt(
        id_vars=["pair", "band"],
        value_vars=["wavelength_before", "wavelength_after"],
        var_name="when",
        value_name="wavelength",
    )
    long["when"] = long["when"].map(
        {"wavelength_before": "base RoPE (θ = 500,000)", "wavelength_after": "with Llama 3.1 scaling"}
    )
    lengths = pd.DataFrame(
        {"tokens": [8192, 131072], "label": ["8K tokens (pre-training context)", "128K tokens (extended context)"]}
    )
    y = alt.Y(
        "wavelength:Q", scale=alt.Scale(type="log"), axis=size_axis("Wavelength (tokens, log scale)", powers_only=True)
    )
    points = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("pair:Q", title="Rotary dimension pair (0 = fastest)"),
            y=y,
            color=alt.Color("when:N", title=None, legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=[
                alt.Tooltip("pair:Q", title="Pair"),
                alt.Tooltip("when:N", title="RoPE"),
                alt.Tooltip("wavelength:Q", title="Wavelength (tokens)", format=",.0f"),
                alt.Tooltip("band:N", title="Band"),
            ],
        )
    )
    rules = (
        alt.Chart(lengths)
        .mark_rule(strokeDash=[4, 3], color="#666")
        .encode(y=alt.Y("tokens:Q"), tooltip=[alt.Tooltip("label:N", title="Context")])
    )
    names = (
        alt.Chart(lengths)
        .mark_text(align="left", dx=4, dy=-6, color="#444", fontSize=11)
        .encode(x=alt.datum(0), y=alt.Y("tokens:Q"), text="label:N")
    )
    # as wide as its column (a phone's too): two axes of numbers, the legend under the plot
    chart = fit_column(alt.layer(points, rules, names), 300).properties(
        title=narrow_title(title, "Dashed: the context lengths of pre-training and of the extended model.")
    )
    changed = table[table["wavelength_after"] != table["wavelength_before"]]
    summary = (
        f"Llama 3.1's scaling changes the wavelength of {len(changed)} of the {len(table)} pairs; the longest "
        f"goes from {formats.count(table['wavelength_before'].max())} to "
        f"{formats.count(table['wavelength_after'].max())} tokens"
    )
    return finish(chart, summary, {"wavelengths": long, "context lengths": lengths}, title)
