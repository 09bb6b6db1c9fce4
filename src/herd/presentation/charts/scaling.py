"""The scaling chapter's charts: Chinchilla's training runs (:func:`figure4_runs`), the model size the exponent
implies (:func:`alpha_sensitivity`), the bootstrap of the compute-optimal size (:func:`bootstrap_optimum`), the
published laws' compute-optimal allocations with the models as trained (:func:`scaling_curves`) and each model's
tokens against its optimum (:func:`optimum_ratio`)."""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Mapping

import altair as alt
import pandas as pd

from herd.base import formats

from .figure import Figure, finish, fit_width, one_mark, power_axis, size_axis, wrapped_title
from .theme import CATEGORY, LABEL_PX, OKABE_ITO, OTHER_COLOR, WIDTH


def figure4_runs(points: pd.DataFrame, title: str) -> Figure:
    """Chinchilla's training runs as read off its Figure 4: compute against model size (log–log),
    coloured by final loss; runs left out of the fit drawn as crosses."""
    data = points.assign(fit=points["excluded"].map({True: "left out (highest loss)", False: "used in the fit"}))
    data = data[["source_line", "parameters", "training_flops", "tokens", "loss", "fit"]].copy()
    data["parameters_text"] = data["parameters"].map(lambda v: formats.size(v, 1) if v < 1e9 else formats.size(v, 2))
    data["flops_text"] = data["training_flops"].map(lambda v: formats.scientific(v, 3))
    data["tokens_text"] = data["tokens"].map(lambda v: formats.size(v, 1))
    chart = (
        alt.Chart(data)
        .mark_point(size=45, filled=True)
        .encode(
            x=alt.X("training_flops:Q", scale=alt.Scale(type="log"), axis=power_axis("Training compute C (FLOPs)")),
            y=alt.Y(
                "parameters:Q",
                scale=alt.Scale(type="log"),
                axis=size_axis("Model size N (parameters)", powers_only=True),
            ),
            color=alt.Color(
                "loss:Q",
                title="Final loss (nats/token)",
                scale=alt.Scale(scheme="viridis", reverse=True),
                legend=alt.Legend(orient="right"),
            ),
            shape=alt.Shape(
                "fit:N",
                title=None,
                scale=alt.Scale(domain=["used in the fit", "left out (highest loss)"], range=["circle", "cross"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("source_line:Q", title="Line in Epoch AI's file"),
                alt.Tooltip("parameters_text:N", title="Parameters"),
                alt.Tooltip("flops_text:N", title="FLOPs"),
                alt.Tooltip("tokens_text:N", title="Tokens D = C/(6N)"),
                alt.Tooltip("loss:Q", title="Loss", format=".3f"),
                alt.Tooltip("fit:N", title="Fit"),
            ],
        )
        .properties(title=wrapped_title(title, "Each mark is one training run, placed where Figure 4 draws it."))
    )
    summary = (
        f"{formats.noun(len(data), 'training run')} from {formats.size(data['parameters'].min())} to "
        f"{formats.size(data['parameters'].max())} parameters and {formats.scientific(data['training_flops'].min())} "
        f"to {formats.scientific(data['training_flops'].max())} FLOPs, final loss "
        f"{formats.number(data['loss'].min(), 2)} to {formats.number(data['loss'].max(), 2)}; "
        f"{formats.noun(points['excluded'].sum(), 'run')} left out of the fit"
    )
    return finish(fit_width(chart, 300), summary, {"runs": data}, title)


def alpha_sensitivity(curve: pd.DataFrame, bands: pd.DataFrame, title: str, subtitle: str) -> Figure:
    """Implied model size as a function of the exponent α, with rounding intervals shaded."""
    curve = curve[["alpha", "tokens", "params"]].copy()
    curve["tokens_text"] = curve["tokens"].map(formats.tokens)
    curve["params_text"] = curve["params"].map(formats.params)
    shade = (
        alt.Chart(bands)
        .mark_rect(opacity=0.18)
        .encode(
            x="from:Q",
            x2="to:Q",
            color=alt.Color("printing:N", title="Values that round to the printed α", legend=alt.Legend(columns=1)),
        )
    )
    line = (
        alt.Chart(curve)
        .mark_line(color="#333")
        .encode(
            x=alt.X("alpha:Q", title="Exponent α", scale=alt.Scale(zero=False)),
            y=alt.Y("params:Q", axis=size_axis("Implied model size at the budget (parameters)")),
            tooltip=[
                alt.Tooltip("alpha:Q", title="α", format=".4f"),
                alt.Tooltip("tokens_text:N", title="Tokens"),
                alt.Tooltip("params_text:N", title="Parameters"),
            ],
        )
    )
    chart = fit_width(alt.layer(shade, line), 260).properties(title=wrapped_title(title, subtitle))
    ends = curve.sort_values("alpha").iloc[[0, -1]]
    summary = (
        f"As α goes from {formats.number(ends['alpha'].iloc[0], 4)} to {formats.number(ends['alpha'].iloc[1], 4)}, "
        f"the implied size goes from {ends['params_text'].iloc[0]} to {ends['params_text'].iloc[1]} parameters; "
        f"shaded: {formats.listing(bands['printing'].astype(str).unique())}"
    )
    return finish(chart, summary, {"curve": curve, "rounding intervals": bands}, title)


LOG_TICKS = (1, 2, 3, 5)
"""The multiples of each power of ten a log axis over less than two decades is labelled at."""


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values of a log axis from ``low`` to ``high``: each of :data:`LOG_TICKS` times a power of ten
    that falls inside, far enough apart on an axis of a decade or so that their labels never meet."""
    ticks = []
    for power in range(int(math.floor(math.log10(low))), int(math.ceil(math.log10(high))) + 1):
        ticks += [m * 10.0**power for m in LOG_TICKS if low <= m * 10.0**power <= high]
    return ticks


def labelled_rules(
    marks: pd.DataFrame, low: float, high: float, top: float, plot_px: float, margin: float = 1.25
) -> tuple[pd.DataFrame, float, float]:
    """Where the labels of vertical rules at ``marks["params"]`` go so that close rules can be told apart:
    each label on a row of its own above the highest bar (``top``), the leftmost rule's the highest, and
    written to the right of its rule, which ends at its label; so no label crosses another rule. Returns
    the marks with their label text (``text``) and height (``label_y``), and the axis's ends: ``low`` and
    ``high`` widened by ``margin`` (a factor) and until the rightmost label fits (``plot_px`` wide plot)."""
    marks = marks.sort_values("params", kind="stable").reset_index(drop=True)
    marks["text"] = [f"{label}: {formats.scaled(v, 'B', 0)}" for label, v in zip(marks["label"], marks["params"])]
    lo = min(low, float(marks["params"].min())) / margin
    hi = max(high, float(marks["params"].max())) * margin
    for x, text in zip(marks["params"], marks["text"]):  # each label must end inside the plot
        share = min((LABEL_PX * len(text) + 14) / plot_px, 0.9)  # the symbol, then the text
        hi = max(hi, math.exp((math.log(x) - share * math.log(lo)) / (1 - share)))
    rows = len(marks)
    marks["label_y"] = [top * (1.1 + 0.14 * (rows - 1 - k)) for k in range(rows)]
    return marks, lo, hi


def bootstrap_optimum(bins: pd.DataFrame, marks: pd.DataFrame, title: str, subtitle: str) -> Figure:
    """Histogram of the compute-optimal model size over bootstrap draws on a log axis (``bins``:
    columns low, high, draws), with vertical rules at ``marks`` (columns params, label: the
    interval's ends, the refit, the paper's prediction, the trained model), each labelled where it ends
    (:func:`labelled_rules`); the axis spans the draws and the marks, with a margin."""
    bins = bins.assign(low_text=bins["low"].map(formats.params), high_text=bins["high"].map(formats.params))
    drawn = bins[bins["draws"] > 0]
    top = float(bins["draws"].max())
    plot_px = WIDTH - 70  # the y axis and its title take the rest
    marks, lo, hi = labelled_rules(marks, float(drawn["low"].min()), float(drawn["high"].max()), top, plot_px)
    marks = marks.assign(params_text=marks["params"].map(lambda v: formats.scaled(v, "B", 0)))
    scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    x = alt.X(
        "low:Q",
        scale=scale,
        axis=size_axis("Compute-optimal parameters N (log scale)", values=log_ticks(lo, hi)),
    )
    y_scale = alt.Scale(domain=[0, float(marks["label_y"].max()) * 1.06], nice=False)
    bars = (
        alt.Chart(bins)
        .mark_rect(color=OTHER_COLOR, opacity=0.7, clip=True)
        .encode(
            x=x,
            x2="high:Q",
            y=alt.Y("draws:Q", title="Bootstrap draws", scale=y_scale, axis=alt.Axis(values=_count_ticks(top))),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("low_text:N", title="From"),
                alt.Tooltip("high_text:N", title="To"),
                alt.Tooltip("draws:Q", title="Draws", format=","),
            ],
        )
    )
    # Marks a few pixels apart (the paper's size, the size trained, an end of the interval) cannot be told apart by
    # their lines: each is told by what stands at its label's height, where no other mark is, a symbol of its own
    # in its own colour before the label; the lines down to the axis are thin and grey.
    order = list(marks["label"])
    shapes = alt.Scale(domain=order, range=MODEL_SHAPES[: len(order)])
    colors = alt.Scale(domain=order, range=[c for c in CATEGORY if c != OKABE_ITO["yellow"]][: len(order)])
    tooltip = [alt.Tooltip("label:N", title="Mark"), alt.Tooltip("params_text:N", title="Parameters")]
    base = alt.Chart(marks).encode(x=alt.X("params:Q", scale=scale), tooltip=tooltip)
    rules = base.mark_rule(strokeWidth=1, color="#666", strokeDash=[3, 2]).encode(
        y=alt.Y("label_y:Q", scale=y_scale), y2=alt.datum(0)
    )
    symbols = base.mark_point(filled=True, size=70, opacity=1).encode(
        y=alt.Y("label_y:Q", scale=y_scale),
        shape=alt.Shape("label:N", scale=shapes, legend=None),
        color=alt.Color("label:N", scale=colors, legend=None),
    )
    labels = base.mark_text(align="left", baseline="middle", dx=8, fontSize=11, color="#222").encode(
        y=alt.Y("label_y:Q", scale=y_scale), text="text:N"
    )
    chart = fit_width(alt.layer(bars, rules, symbols, labels), 300).properties(title=wrapped_title(title, subtitle))
    summary = (
        f"{formats.noun(bins['draws'].sum(), 'draw')}, from {formats.params(drawn['low'].min())} to "
        f"{formats.params(drawn['high'].max())}, most of them ({formats.count(top)}) between "
        f"{bins.loc[bins['draws'].idxmax(), 'low_text']} and {bins.loc[bins['draws'].idxmax(), 'high_text']}; marked: "
        + formats.listing(marks["text"])
    )
    return finish(chart, summary, {"draws": bins, "marks": marks}, title)


def _count_ticks(top: float) -> list[float]:
    """Round tick values from 0 to ``top`` (a count axis), about five of them."""
    step = 10.0 ** math.floor(math.log10(max(top, 1) / 5))
    step *= next(m for m in (1, 2, 5, 10) if top / (m * step) <= 6)
    return [k * step for k in range(int(top // step) + 1)]


MODEL_SHAPES = [
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "triangle-down",
    "cross",
    "triangle-left",
    "triangle-right",
]


LAW_DASHES = ([1, 0], [7, 3], [2, 2], [10, 3, 2, 3])
"""The dash patterns of the laws' lines, taken in turn alongside the palette's colours."""


# two colours for lines beside the palette's seven but yellow, so that nine laws each take a hue of their own: a grey
# (4.5:1 on white) and the wine of Paul Tol's colour-blind-safe "muted" scheme, far darker than reddish purple
LINE_EXTRA = ("#767676", "#882255")


def law_styles(n: int) -> tuple[list[str], list[list[int]]]:
    """A colour and a dash pattern for each of ``n`` lines, no two alike and neighbours different in both: the
    palette's colours but yellow (too faint for a line), then grey and wine (:data:`LINE_EXTRA`), in turn, so that
    up to nine lines each take a hue of their own; the dashes of :data:`LAW_DASHES` in turn beside them (orange and
    vermillion, the closest pair, five places apart, never share one); each further round of the colours with the
    dashes shifted by one."""
    colors = [c for c in CATEGORY if c != OKABE_ITO["yellow"]] + list(LINE_EXTRA)
    if n > len(colors) * len(LAW_DASHES):
        raise ValueError(f"{n} lines but only {len(colors) * len(LAW_DASHES)} pairs of colour and dash")
    pairs = [divmod(i, len(colors)) for i in range(n)]  # (round, colour)
    return [colors[c] for _, c in pairs], [list(LAW_DASHES[(c + r) % len(LAW_DASHES)]) for r, c in pairs]


LAW_LABEL_CHARS = 22
"""Characters in a line of a law's label at the end of its line: longer labels wrap."""
LABEL_LINE_PX = 12  # the height of a line of an 11 px label
LABEL_GAP_PX = 3  # the least room between two labels
CONNECTOR_PX = 16  # a thin grey line from a line's end to its label, which may stand higher or lower
SWATCH_PX = 20  # before each label, a short stretch of the law's line (its colour and dash; a dash repeats in 18 px)


def law_names(labels) -> list[str]:
    """A law's label at the end of its line, shortened: its label up to its parenthesis ("Chinchilla Approach 1
    (training-curve minima)" → "Chinchilla Approach 1"); where two laws would then read the same, each keeps the
    first clause of its parenthesis ("Chinchilla Approach 3 (unrounded constants)")."""
    labels = list(labels)
    heads = [label.split(" (")[0] for label in labels]
    names = []
    for label, head in zip(labels, heads):
        inner = label[len(head) + 2 :].rstrip(")").split(",")[0]
        names.append(head if heads.count(head) == 1 or not inner else f"{head} ({inner})")
    return names


def spread(wanted: list[float], heights: list[float], low: float, high: float, gap: float) -> list[float]:
    """Where labels of ``heights`` go, near their ``wanted`` centres (pixels down from the top), so that no two
    overlap (``gap`` pixels at least between them) and all lie within ``low`` to ``high``: labels that would meet
    are stacked as one block centred where they want to be, blocks that meet merge, and a block past an end is
    moved back inside. The labels keep their order. A ValueError when they cannot all fit."""
    if sum(heights) + gap * max(len(heights) - 1, 0) > high - low:
        raise ValueError(f"{len(heights)} labels of {sum(heights):.0f} px do not fit in {high - low:.0f} px")
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    blocks: list[list[int]] = []  # runs of labels (indices, in order) stacked together

    def size(block: list[int]) -> float:
        return sum(heights[i] for i in block) + gap * (len(block) - 1)

    def top(block: list[int]) -> float:
        # the top that puts the block's labels, on average, where they want to be, moved inside the ends
        offsets, at = [], 0.0
        for i in block:
            offsets.append(at + heights[i] / 2)
            at += heights[i] + gap
        ideal = sum(wanted[i] - o for i, o in zip(block, offsets)) / len(block)
        return min(max(ideal, low), high - size(block))

    for i in order:
        blocks.append([i])
        while len(blocks) > 1 and top(blocks[-2]) + size(blocks[-2]) + gap > top(blocks[-1]):
            last = blocks.pop()
            blocks[-1] += last
    placed = [0.0] * len(wanted)
    for block in blocks:
        at = top(block)
        for i in block:
            placed[i] = at + heights[i] / 2
            at += heights[i] + gap
    return placed


def fitting_labels(wanted: list[float], heights: list[float], room: float, gap: float) -> list[bool]:
    """Which of the labels :func:`spread` places in ``room`` pixels: all when they fit; otherwise, one at a time,
    the label that :func:`spread` would move farthest from its line (with every label shrunk until they fit) is
    left out (the chart names it in a legend instead), until the rest fit."""
    kept = [True] * len(wanted)
    while True:
        idx = [i for i in range(len(wanted)) if kept[i]]
        need = sum(heights[i] for i in idx) + gap * max(len(idx) - 1, 0)
        if need <= room:
            return kept
        shrink = 0.999 * room / sum(heights[i] for i in idx)  # (no gaps: they may not fit either)
        placed = spread([wanted[i] for i in idx], [heights[i] * shrink for i in idx], 0, room, 0)
        farthest = max(range(len(idx)), key=lambda k: abs(placed[k] - wanted[idx[k]]))
        kept[idx[farthest]] = False


def end_labels(ends: pd.DataFrame, domains: Mapping[str, tuple[float, float]], height: float) -> pd.DataFrame:
    """The labels of the laws at their lines' right ends (``ends``: each law's ``label``, its ``name`` and its
    values at the largest compute), in each panel of a log y axis (``domains``: a field, such as ``tokens``, and the
    ends of its axis) ``height`` pixels tall: each label's text wrapped to :data:`LAW_LABEL_CHARS` (``text``, its
    lines joined by newlines), and for each field the value its line ends at (``<field>_end``) and the value its
    label's middle stands at (``<field>_label_at``; its first line at ``<field>_text_at``), moved by :func:`spread`
    so that no two labels meet; a label that does not fit (:func:`fitting_labels`) has none (the chart names its law
    in a legend)."""
    lines = [textwrap.wrap(name, LAW_LABEL_CHARS) for name in ends["name"]]
    heights = [float(LABEL_LINE_PX * len(text)) for text in lines]
    out = pd.DataFrame({"label": list(ends["label"]), "text": ["\n".join(text) for text in lines]})
    for field, domain in domains.items():
        low, high = (math.log10(v) for v in domain)
        wanted = [height * (high - math.log10(v)) / (high - low) for v in ends[field]]
        kept = fitting_labels(wanted, heights, height, LABEL_GAP_PX)
        idx = [i for i, k in enumerate(kept) if k]
        placed = dict(zip(idx, spread([wanted[i] for i in idx], [heights[i] for i in idx], 0, height, LABEL_GAP_PX)))
        out[f"{field}_end"] = list(ends[field])
        value = {i: 10 ** (high - px / height * (high - low)) for i, px in placed.items()}
        out[f"{field}_label_at"] = [value.get(i) for i in range(len(out))]
        # Vega sets a label of several lines with its first line where it is placed: that line goes half the
        # others' height above the label's middle
        first = {i: px - LABEL_LINE_PX * (len(lines[i]) - 1) / 2 for i, px in placed.items()}
        out[f"{field}_text_at"] = [
            10 ** (high - first[i] / height * (high - low)) if i in first else None for i in range(len(out))
        ]
    return out


def _log_domain(*values: pd.Series) -> tuple[float, float]:
    """The powers of ten just below and above every one of ``values``: the ends of a log axis."""
    low = min(float(v.min()) for v in values)
    high = max(float(v.max()) for v in values)
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))


def scaling_curves(curves: pd.DataFrame, points: pd.DataFrame, title: str) -> Figure:
    """Compute-optimal tokens and parameters against FLOPs for each law (log–log), each law named at the right end
    of its line in both panels (:func:`end_labels`: labels that would meet moved apart, each joined to its line's
    end by a thin line and drawn after a stretch of the law's line; a law whose label does not fit named in a
    legend instead), with the actual models marked and named. Click a law's line or label to highlight it."""
    curves = curves[["label", "flops", "tokens", "params"]].copy()
    curves["flops_text"] = curves["flops"].map(formats.scientific)
    curves["tokens_text"] = curves["tokens"].map(formats.size)
    curves["params_text"] = curves["params"].map(formats.size)
    points = points[["model", "flops", "tokens", "params"]].copy()
    points["flops_text"] = points["flops"].map(formats.scientific)
    points["tokens_text"] = points["tokens"].map(formats.tokens)
    points["params_text"] = points["params"].map(formats.params)
    models = list(dict.fromkeys(points["model"]))
    laws = list(dict.fromkeys(curves["label"]))
    names = dict(zip(laws, law_names(laws)))
    last = curves[curves["flops"] == curves["flops"].max()].assign(name=lambda d: d["label"].map(names))
    height = 300
    domains = {field: _log_domain(curves[field], points[field]) for field in ("tokens", "params")}
    labels = end_labels(last, domains, height)
    unlabelled = [
        law
        for law, t, p in zip(labels["label"], labels["tokens_label_at"], labels["params_label_at"])
        if pd.isna(t) or pd.isna(p)
    ]
    colors, dashes = law_styles(len(laws))
    # a law without a label in a panel is named in a legend under the chart, by its colour and dash together
    legend = alt.Legend(values=unlabelled, orient="bottom", columns=1, symbolType="stroke", symbolSize=400)
    legend = legend if unlabelled else None
    color = alt.Color("label:N", title="Law", sort=laws, scale=alt.Scale(domain=laws, range=colors), legend=legend)
    dash = alt.StrokeDash("label:N", title="Law", sort=laws, scale=alt.Scale(domain=laws, range=dashes), legend=legend)
    shape = alt.Shape(
        "model:N",
        title="Model as trained (C = 6·N·D)",
        sort=models,
        scale=alt.Scale(domain=models, range=MODEL_SHAPES[: len(models)]),
        legend=alt.Legend(orient="bottom", columns=2),
    )
    pick = alt.selection_point(fields=["label"], on="click", name="law")
    shown = alt.condition(pick, alt.value(1.0), alt.value(0.15))
    widest = max(len(line) for text in labels["text"] for line in text.split("\n"))
    # the y axis and its title, then the labels (a connector, a stretch of line and the text) take the rest
    plot_px = int(WIDTH - 90 - CONNECTOR_PX - SWATCH_PX - 4 - LABEL_PX * widest)
    # the lines end at the plot's right edge, where their labels begin
    x_scale = alt.Scale(type="log", domain=[float(curves["flops"].min()), float(curves["flops"].max())], nice=False)
    x = alt.X("flops:Q", scale=x_scale, axis=power_axis("Training compute C (FLOPs)"))

    def panel(field: str, axis_title: str) -> alt.LayerChart:
        y_scale = alt.Scale(type="log", domain=list(domains[field]), nice=False)
        y = alt.Y(f"{field}:Q", scale=y_scale, axis=size_axis(axis_title, powers_only=True))
        lines = (
            alt.Chart(curves)
            .mark_line(strokeWidth=2)
            .encode(
                x=x,
                y=y,
                color=color,
                strokeDash=dash,
                opacity=shown,
                tooltip=[
                    alt.Tooltip("label:N", title="Law"),
                    alt.Tooltip("flops_text:N", title="FLOPs"),
                    alt.Tooltip(f"{field}_text:N", title=axis_title),
                ],
            )
        )
        connectors, swatches, texts = _label_layers(labels, field, y_scale, plot_px, (color, dash, shown))
        dots = (
            alt.Chart(points)
            .mark_point(size=110, filled=True, color="black")
            .encode(
                x="flops:Q",
                y=f"{field}:Q",
                shape=shape,
                tooltip=[
                    alt.Tooltip("model:N", title="Model"),
                    alt.Tooltip("flops_text:N", title="FLOPs (6·N·D)"),
                    alt.Tooltip("params_text:N", title="Parameters"),
                    alt.Tooltip("tokens_text:N", title="Tokens"),
                ],
            )
        )
        layers = alt.layer(lines.add_params(pick), connectors, swatches, texts.add_params(pick), dots)
        return layers.properties(width=plot_px, height=height)

    with warnings.catch_warnings():  # one selection, clicked in either panel: Altair says it joined them into one
        warnings.filterwarnings("ignore", message="Automatically deduplicated selection parameter")
        panels = alt.vconcat(
            panel("tokens", "Compute-optimal training tokens"), panel("params", "Compute-optimal parameters")
        )
    chart = panels.properties(
        title=wrapped_title(
            title,
            "Lines: each law's compute-optimal allocation, named at its right end (click a line or a name to "
            "highlight its law). Black marks: the models as trained, each with its own shape (C = 6·N·D); models "
            "the sources give the same size and tokens share a mark.",
        )
    )
    summary = _curves_summary(curves, points, unlabelled)
    return finish(chart, summary, {"laws": curves, "models": points, "labels": labels}, title)


def _label_layers(
    labels: pd.DataFrame, field: str, y_scale: alt.Scale, plot_px: int, styles: tuple
) -> tuple[alt.Chart, alt.Chart, alt.Chart]:
    """The layers that name the laws right of a panel ``plot_px`` wide whose y axis (``y_scale``) shows ``field``,
    from :func:`end_labels`' ``labels``: a thin grey line from each line's end to its label, a stretch of the law's
    line (``styles``: its colour, dash and opacity encodings) and the label's text."""
    color, dash, shown = styles
    placed = alt.Chart(labels).transform_filter(f"isValid(datum.{field}_label_at)")
    connectors = placed.mark_rule(strokeWidth=1, color="#888").encode(
        x=alt.value(plot_px + 2),
        x2=alt.value(plot_px + CONNECTOR_PX),
        y=alt.Y(f"{field}_end:Q", scale=y_scale),
        y2=f"{field}_label_at:Q",
        opacity=shown,
    )
    swatches = placed.mark_rule(strokeWidth=2).encode(
        x=alt.value(plot_px + CONNECTOR_PX),
        x2=alt.value(plot_px + CONNECTOR_PX + SWATCH_PX),
        y=alt.Y(f"{field}_label_at:Q", scale=y_scale),
        color=color,
        strokeDash=dash,
        opacity=shown,
    )
    texts = placed.mark_text(
        align="left", baseline="middle", fontSize=11, lineHeight=LABEL_LINE_PX, lineBreak="\n", color="#222"
    ).encode(
        x=alt.value(plot_px + CONNECTOR_PX + SWATCH_PX + 4),
        y=alt.Y(f"{field}_text_at:Q", scale=y_scale),
        text="text:N",
        opacity=shown,
        tooltip=[alt.Tooltip("label:N", title="Law")],
    )
    return connectors, swatches, texts


def _curves_summary(curves: pd.DataFrame, points: pd.DataFrame, unlabelled: list[str]) -> str:
    """What the chart of the laws shows, in a sentence: how many laws and how they are named, how far apart their
    optima are at the largest compute drawn, and the models marked."""
    end = curves[curves["flops"] == curves["flops"].max()].sort_values("params")
    laws = curves["label"].nunique()
    named = (
        f"{formats.noun(laws - len(unlabelled), 'law')} named at the end of its line, "
        f"{formats.listing(unlabelled)} in a legend"
        if unlabelled
        else f"{formats.noun(laws, 'law')}, each named at the end of its line"
    )
    return (
        f"{named}; at {end['flops_text'].iloc[0]} FLOPs their "
        f"compute-optimal size runs from {end['params_text'].iloc[0]} ({end['label'].iloc[0]}) to "
        f"{end['params_text'].iloc[-1]} ({end['label'].iloc[-1]}) parameters; models marked: "
        + formats.listing(dict.fromkeys(points["model"]))
    )


def optimum_ratio(table: pd.DataFrame, title: str) -> Figure:
    """Tokens trained per compute-optimal token, per model and law (log scale, 1 = optimal)."""
    data = table[["model", "label", "token_ratio", "param_ratio"]].copy()
    x = alt.X("token_ratio:Q", title="Tokens trained ÷ compute-optimal tokens (log scale)", scale=alt.Scale(type="log"))
    laws = sorted(set(data["label"]))  # the legend's order
    points = (
        alt.Chart()
        .mark_point(filled=True, size=60)
        .encode(
            y=alt.Y("model:N", title=None),
            # each law on its own line within a model's band, so laws that agree do not hide each other
            yOffset=alt.YOffset("label:N", sort=laws, scale=alt.Scale(paddingInner=0.1)),
            x=x,
            color=alt.Color("label:N", title="Law", legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("label:N", title="Law"),
                alt.Tooltip("token_ratio:Q", title="Tokens ÷ optimal tokens", format=",.2f"),
                alt.Tooltip("param_ratio:Q", title="Parameters ÷ optimal parameters", format=",.2f"),
            ],
        )
    )
    rule = one_mark().mark_rule(strokeDash=[4, 3], color="#666").encode(x=alt.datum(1.0))
    chart = fit_width(alt.layer(rule, points, data=data)).properties(
        height=data["model"].nunique() * max(40, 10 * len(laws)),
        title=wrapped_title(
            title, "Right of 1 (dashed): trained on more tokens than the law's optimum for the same compute."
        ),
    )
    low, high = data.loc[data["token_ratio"].idxmin()], data.loc[data["token_ratio"].idxmax()]
    summary = (
        f"{formats.noun(data['model'].nunique(), 'model')} under {formats.noun(len(laws), 'law')}: the ratio runs "
        f"from {formats.times(low['token_ratio'])} ({low['model']}, {low['label']}) to "
        f"{formats.times(high['token_ratio'])} ({high['model']}, {high['label']}); "
        f"{formats.noun((data['token_ratio'] > 1).sum(), 'pair')} of {len(data)} lie right of 1"
    )
    return finish(chart, summary, {"ratios": data}, title)
