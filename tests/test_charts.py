"""Charts: each builder returns a Figure whose CSV downloads hold exactly the rows the chart
draws (every dataset of its spec is one of them), its titles are wrapped to the book's width,
and panels that are compared share their scales."""

import csv
import io
import json
import math
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from herd.presentation import charts, downloads

BOOK = Path(__file__).resolve().parent.parent / "book"


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _same(csv_value: str, spec_value) -> bool:
    if spec_value is None or (isinstance(spec_value, float) and math.isnan(spec_value)):
        return csv_value == ""
    if isinstance(spec_value, bool):
        return csv_value == str(spec_value)
    if isinstance(spec_value, (int, float)):
        try:
            return math.isclose(float(csv_value), float(spec_value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return csv_value == str(spec_value)


def dataset_matches(rows: list[dict], records: list[dict]) -> bool:
    """Whether a CSV's rows are a dataset's records (same rows, in order, on the CSV's columns)."""
    if len(rows) != len(records):
        return False
    return all(col in rec and _same(row[col], rec[col]) for row, rec in zip(rows, records) for col in row)


def chart_outputs():
    for path in sorted(BOOK.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            for out in cell.get("outputs", []):
                page = out.get("data", {}).get("text/html", "")
                page = "".join(page) if isinstance(page, list) else page
                if "vegaEmbed" not in page:
                    continue
                start = page.find("})(", page.find("function(spec, embedOpt)"))
                spec, _ = json.JSONDecoder().raw_decode(page[start + 3 :])
                yield f"{path.stem} cell {i}", spec, (out.get("metadata", {}).get("herd") or {}).get("downloads", [])


CHARTS = list(chart_outputs())


@pytest.mark.parametrize("where, spec, items", CHARTS, ids=[c[0] for c in CHARTS])
def test_each_chart_offers_exactly_the_rows_it_draws(where, spec, items):
    datasets = spec.get("datasets", {})
    assert items, f"{where}: no CSV download"
    for item in items:
        rows = _csv_rows(item["csv"])
        assert any(dataset_matches(rows, records) for records in datasets.values()), (
            f"{where}: {item['file']} is not a dataset of the chart"
        )
    for name, records in datasets.items():
        assert any(dataset_matches(_csv_rows(it["csv"]), records) for it in items), (
            f"{where}: dataset {name} has no CSV"
        )


@pytest.mark.parametrize("where, spec, items", CHARTS, ids=[c[0] for c in CHARTS])
def test_each_chart_fits_the_book_and_wraps_its_titles(where, spec, items):
    title = spec.get("title", {})
    lines = title.get("text") if isinstance(title, dict) else title
    lines = [lines] if isinstance(lines, str) else (lines or [])
    assert all(len(line) <= charts.TITLE_CHARS for line in lines), (
        f"{where}: a title line is longer than the book's width"
    )
    subtitle = title.get("subtitle", []) if isinstance(title, dict) else []
    subtitle = [subtitle] if isinstance(subtitle, str) else subtitle
    assert all(len(line) <= charts.SUBTITLE_CHARS for line in subtitle), (
        f"{where}: a subtitle line is longer than the book's width"
    )
    width = spec.get("width")
    if isinstance(width, (int, float)):
        assert width <= charts.WIDTH


def test_the_data_match_rejects_other_rows():
    rows = [{"x": "1.5", "name": "a"}]
    assert dataset_matches(rows, [{"x": 1.5, "name": "a", "other": 3}])
    assert not dataset_matches(rows, [{"x": 1.6, "name": "a"}])
    assert not dataset_matches(rows, [{"x": 1.5, "name": "a"}, {"x": 2, "name": "b"}])
    assert not dataset_matches([{"y": "1"}], [{"x": 1}])


def _intervals():
    return pd.DataFrame(
        {
            "row_label": ["A", "A", "B", "B"],
            "model": ["f", "g", "f", "g"],
            "model_name": ["F", "G", "F", "G"],
            "score": [80.0, 70.0, 50.0, 40.0],
            "low": [75.0, 60.0, 49.0, 39.0],
            "high": [85.0, 80.0, 51.0, 41.0],
            "n_shown": ["100", "100", "9,000", "9,000"],
            "interval_note": ["", "", "", ""],
            "footnote": [None, "other prompt", None, None],
        }
    )


def test_score_panels_share_one_axis_and_mark_footnoted_cells():
    charts.use_theme("html")
    fig = charts.score_intervals(_intervals(), "f", "Title")
    spec = fig.to_dict()
    assert spec["resolve"]["scale"]["x"] == "shared"
    layers = spec["spec"]["layer"]
    assert any(
        layer.get("mark", {}).get("type") == "text" and layer["encoding"]["text"]["field"] == "marked"
        for layer in layers
    )
    (item,) = fig.items
    rows = _csv_rows(item["csv"])
    assert [r["marked"] for r in rows] == ["", "≠", "", ""]


def test_figure_adds_the_download_link_in_the_book_only():
    charts.use_theme("html")
    fig = charts.score_intervals(_intervals(), "f", "Title")
    data, meta = fig._repr_mimebundle_()
    assert "Download CSV" in data["text/html"] and meta["herd"]["downloads"][0]["file"] == fig.items[0]["file"]
    assert fig.items[0]["file"].startswith(downloads.slug("Title"))
    assert data["text/plain"] == "Figure('Title')"  # no memory address: the same on every run, as nbval needs


def test_each_chart_describes_what_its_rows_show():
    """The accessible description is the chart's title, its marks and axes, and a sentence computed from its rows:
    other rows, another sentence."""
    charts.use_theme("html")
    fig = charts.score_intervals(_intervals(), "f", "Title")
    text = fig.to_dict()["description"]
    assert text.startswith("Title: Chart of ") and "against Score (%)" in text
    assert "lines" in text and "points" in text  # the intervals' rules and the scores' dots
    assert "4 published scores of 2 models on 2 benchmark rows" in text and "F scores highest on 2 of the 2" in text
    fewer = charts.score_intervals(_intervals().iloc[:2], "f", "Title").to_dict()["description"]
    assert fewer != text and "2 published scores of 2 models on 1 benchmark row" in fewer
    with pytest.raises(ValueError, match="summary"):
        charts.figure.describe({"title": "T", "mark": "bar"}, " ")


@pytest.mark.parametrize("where, spec, items", CHARTS, ids=[c[0] for c in CHARTS])
def test_each_chart_in_the_book_has_its_description(where, spec, items):
    title = spec.get("title", {})
    text = (title.get("text") if isinstance(title, dict) else title) or ""
    text = " ".join(text) if isinstance(text, list) else text  # a title wrapped over lines
    assert spec.get("description", "").startswith(text + ":"), f"{where}: the description does not name the chart"
    assert len(spec["description"]) > len(text) + 60, f"{where}: {spec['description']!r}"


def test_long_titles_are_wrapped():
    title = charts.wrapped_title("word " * 40, "sub " * 60)
    assert isinstance(title.text, list) and all(len(line) <= charts.TITLE_CHARS for line in title.text)
    assert all(len(line) <= charts.SUBTITLE_CHARS for line in title.subtitle)
    assert isinstance(alt.Title("x"), alt.Title)


@pytest.mark.parametrize("models", [1, 5, 12, 26, 35, 60, 120, 400])
def test_the_coverage_matrix_fits_the_column_for_any_number_of_models(models):
    benchmarks = ["MMLU", "Multilingual MMLU (Portuguese)", "MultiPL-E HumanEval (average)"]
    layout = charts.coverage_layout(models, benchmarks)
    assert layout["width"] + charts.label_px(benchmarks) + charts.AXIS_TITLE_PX <= charts.WIDTH
    assert layout["step"] * models == pytest.approx(layout["width"])
    smallest, usual = charts.COVERAGE_LABEL_FONT
    assert smallest <= layout["font"] <= usual
    if layout["angle"] == -50:  # a slanted label only where the column leaves it room
        assert layout["step"] >= 1.4 * usual and layout["font"] == usual
    else:
        assert layout["angle"] == -90 and layout["font"] <= max(smallest, layout["step"] - 1)
    # labels are dropped only when even the smallest font does not fit a column
    assert (layout["overlap"] == "greedy") == (layout["step"] < smallest + 1)


def test_the_coverage_matrix_uses_its_layout():
    cover = pd.DataFrame(
        {
            "model_name": [f"Model {i}" for i in range(40)],
            "benchmark_name": ["MMLU"] * 40,
            "covered_by": ["paper only"] * 40,
            "where": ["Table 2"] * 40,
            "printed": [1] * 40,
            "model_order": range(40),
            "bench_order": [0] * 40,
        }
    )
    spec = charts.coverage_matrix(cover, "Coverage").chart.to_dict()
    layout = charts.coverage_layout(40, ["MMLU"])
    axis = spec["encoding"]["x"]["axis"]
    assert spec["width"] == layout["width"] and axis["labelAngle"] == layout["angle"] == -90
    assert axis["labelFontSize"] == layout["font"] and spec["encoding"]["x"]["sort"][:2] == ["Model 0", "Model 1"]


def _gaps(lows, highs, gaps=None):
    """Rows of compare.orient as the gap chart reads them, one per interval."""
    lows, highs = list(lows), list(highs)
    return pd.DataFrame(
        {
            "row_label": [f"row {i}" for i in range(len(lows))],
            "competitor_name": ["C"] * len(lows),
            "gap": gaps if gaps is not None else [(lo + hi) / 2 for lo, hi in zip(lows, highs)],
            "gap_low": lows,
            "gap_high": highs,
            "level": [0.01] * len(lows),
            "difference": [
                "ahead" if lo > 0 else "behind" if hi < 0 else "not resolved" for lo, hi in zip(lows, highs)
            ],
            "equivalence": ["not shown"] * len(lows),
            "eq_low": [lo + 0.5 for lo in lows],  # a TOST interval need not nest in the difference's: any will do
            "eq_high": [hi - 0.5 for hi in highs],
            "eq_level": [0.05] * len(lows),
        }
    )


def test_the_gap_axis_keeps_the_whole_band_readable():
    # narrow intervals: the widest rounded up to 5 points
    assert charts.gap_axis([-1.0, 0.5], [1.0, 3.2], 2.0) == 5
    assert charts.gap_axis([-12.1], [3.0], 2.0) == 15
    # a very wide interval (a small test set) would squeeze the band: the axis stops at margin / BAND_SHARE
    assert charts.gap_axis([-31.2, -1.0], [41.9, 1.0], 2.0) == pytest.approx(2.0 / charts.BAND_SHARE)
    # a margin wider than every interval: the band shows whole, with room at both sides
    assert charts.gap_axis([-1.0], [1.0], 10.0) == 15
    assert charts.gap_axis([-1.0], [1.0], 2.0, limit=1.0) == 3
    with pytest.raises(ValueError, match="margin"):
        charts.gap_axis([-1.0], [1.0], 0.0)


def test_an_interval_cut_at_the_edge_says_where_it_ends():
    left, right = charts.cut_labels([-31.2, -1.0, 29.5, -25.0], [41.9, 1.0, 35.8, -22.0], 20.0)
    assert left == ["to -31.2", "", "", "-25.0 to -22.0"]
    assert right == ["to +41.9", "", "+29.5 to +35.8", ""]


def test_the_gap_chart_cuts_what_would_hide_the_band_and_says_where():
    charts.use_theme("html")
    h2h = _gaps([-31.2, -1.0, 29.5], [41.9, 1.0, 35.8], [4.7, 0.0, 32.7])
    fig = charts.gap_intervals(h2h, 2.0, "Gaps", levels_note="a note")
    spec = fig.to_dict()
    layers = spec["spec"]["layer"]
    domain = layers[2]["encoding"]["x"]["scale"]["domain"]
    assert domain == [-20, 20]
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "cut at ±20 points" in subtitle and "2 intervals that run past it" in subtitle and "a note" in subtitle
    (item,) = fig.items
    rows = _csv_rows(item["csv"])
    assert [r["cut_right"] for r in rows] == ["to +41.9", "", "+29.5 to +35.8"]
    assert [float(r["drawn_high"]) for r in rows] == [20.0, 1.0, 20.0]
    # the dot of a gap beyond the axis is not drawn at a false place: a triangle at the edge stands for it
    dots = [layer for layer in layers if layer.get("mark", {}).get("type") == "point" and "shape" not in layer["mark"]]
    assert dots and all("abs(datum.gap) <= 20" in str(layer.get("transform")) for layer in dots)
    shapes = {layer["mark"].get("shape") for layer in layers if layer.get("mark", {}).get("type") == "point"}
    assert {"triangle-left", "triangle-right"} <= shapes
    # the TOST interval that decides equivalence is drawn too, as a wide pale bar, and the subtitle says so
    (tost,) = [layer for layer in layers if layer["encoding"].get("x", {}).get("field") == "drawn_eq_low"]
    assert tost["mark"]["strokeWidth"] > 2 and "decides equivalence" in subtitle
    # and the legend has an entry for it, beside the colours of the difference
    legend = tost["encoding"]["opacity"]
    assert legend["scale"]["domain"] == [charts.TOST_LEGEND] and legend["legend"]["title"] == "Equivalence"
    assert f"'{charts.TOST_LEGEND}'" in str(tost["transform"])
    assert [r["eq_interval"] for r in rows] == ["-30.7 to +41.4", "-0.5 to +0.5", "+30.0 to +35.3"]
    assert [r["eq_confidence"] for r in rows] == ["90 %"] * 3
    # nothing to cut: no triangle drawn, and the subtitle says nothing of a cut
    narrow = charts.gap_intervals(_gaps([-1.0], [3.0]), 2.0, "Gaps")
    assert "cut at" not in " ".join(narrow.to_dict()["title"]["subtitle"])
    assert _csv_rows(narrow.items[0]["csv"])[0]["cut_right"] == ""


GAP_CHARTS = [(where, spec) for where, spec, _ in CHARTS if "cut_right" in json.dumps(spec.get("datasets", {}))]


def test_the_book_has_gap_charts():
    assert len(GAP_CHARTS) >= 2


@pytest.mark.parametrize("where, spec", GAP_CHARTS, ids=[g[0] for g in GAP_CHARTS])
def test_each_gap_chart_in_the_book_shows_the_band_whole_and_every_cut(where, spec):
    """In the executed chapters: the axis holds the whole ±margin band, the band takes at least BAND_SHARE of it
    unless every interval fits, and every interval that runs past the axis is labelled with where it ends."""
    layers = spec["spec"]["layer"]
    margin = layers[0]["encoding"]["x2"]["datum"]
    low, high = layers[2]["encoding"]["x"]["scale"]["domain"]
    assert low == -high and high >= 1.5 * margin, where
    (records,) = [r for r in spec["datasets"].values() if r and "cut_right" in r[0]]
    ends = [abs(v) for r in records for v in (r["gap_low"], r["gap_high"])]
    assert margin / high >= charts.BAND_SHARE or max(ends) <= high, where
    for r in records:
        assert (r["cut_right"] != "") == (r["gap_high"] > high) and (r["cut_left"] != "") == (r["gap_low"] < low)
        end = r["gap_high"] if r["cut_right"] else r["gap_low"] if r["cut_left"] else None
        if end is not None:
            assert f"{end:+.1f}" in (r["cut_right"] or r["cut_left"]), (where, r)
    cut = any(r["cut_right"] or r["cut_left"] for r in records)
    assert cut == ("cut at ±" in " ".join(spec["title"]["subtitle"])), where
    # the TOST line has its legend entry
    assert any(layer["encoding"].get("opacity", {}).get("legend") for layer in layers), where


def test_the_memory_chart_names_its_models_and_their_keys_stay_its_values():
    charts.use_theme("html")
    rows = pd.DataFrame(
        {
            "model": ["m-8b", "m-8b", "m-70b", "m-70b"],
            "context": [1024, 2048, 1024, 2048],
            "weights_bytes_bf16": [16e9, 16e9, 140e9, 140e9],
            "weights_bytes_fp8_recipe": [9e9, 9e9, 75e9, 75e9],
            "kv_bytes_per_token_bf16": [131072, 131072, 327680, 327680],
            "mha_kv_bytes_per_token_bf16": [524288, 524288, 2621440, 2621440],
        }
    )
    spec = charts.kv_memory(rows, 687, "m-70b", "Memory", names={"m-8b": "Model 8B"}).to_dict()
    (model,) = [p for p in spec["params"] if p["name"] == "model"]
    assert model["bind"]["options"] == ["m-8b", "m-70b"] and model["bind"]["labels"] == ["Model 8B", "m-70b"]
    assert model["value"] == "m-70b"


def test_gap_panels_and_matrix_columns_keep_the_questions_order():
    charts.use_theme("html")
    h2h = pd.concat([_gaps([-1.0], [3.0]).assign(competitor_name=name) for name in ["Nemotron", "GPT-4", "Claude"]])
    h2h = h2h.assign(
        focus_score=80.0,
        competitor_score=79.0,
        p_adjusted=0.5,
        like_for_like=True,
        reason="",
    )
    gaps = charts.gap_intervals(h2h, 2.0, "Gaps").to_dict()
    assert gaps["facet"]["sort"] == ["Nemotron", "GPT-4", "Claude"]  # not A to Z
    matrix = charts.verdict_matrix(h2h, "Verdicts").to_dict()
    assert matrix["layer"][0]["encoding"]["x"]["sort"] == ["Nemotron", "GPT-4", "Claude"]


def test_the_bootstrap_chart_spans_its_draws_and_labels_close_rules_apart():
    bins = pd.DataFrame(
        {"low": [300e9, 400e9, 600e9, 0.9e12], "high": [400e9, 600e9, 0.9e12, 2e12], "draws": [5, 80, 120, 10]}
    )
    marks = pd.DataFrame(
        {
            "label": [
                "interval's lower end",
                "interval's upper end",
                "refit to the runs",
                "paper's predicted size",
                "size trained",
            ],
            "params": [390e9, 1171e9, 630e9, 402e9, 405e9],
        }
    )
    fig = charts.bootstrap_optimum(bins, marks, title="T", subtitle="S")
    shown = fig.data["marks"]
    # sorted by size, each label on its own row above the bars, the leftmost the highest (no label crosses a rule)
    assert shown["params"].is_monotonic_increasing and shown["label_y"].is_monotonic_decreasing
    assert shown["label_y"].min() > bins["draws"].max()
    assert (
        shown["text"].iloc[0] == "interval's lower end: 390 B"
        and shown["text"].iloc[-1] == "interval's upper end: 1,171 B"
    )
    spec = fig.chart.to_dict()
    low, high = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    # the axis spans the draws (not a decade either side of them) with a margin
    assert 200e9 < low < 300e9 and 2e12 < high < 4e12
    ticks = spec["layer"][0]["encoding"]["x"]["axis"]["values"]
    assert ticks == [300e9, 500e9, 1e12, 2e12, 3e12][: len(ticks)] and all(low <= t <= high for t in ticks)


def test_log_ticks_keep_labels_apart():
    assert charts.log_ticks(230e9, 3.5e12) == [300e9, 500e9, 1e12, 2e12, 3e12]
    assert charts.log_ticks(0.9, 11) == [1, 2, 3, 5, 10]


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (#rrggbb, #rgb, black or white)."""
    named = {"black": "#000000", "white": "#ffffff"}

    def luminance(colour: str) -> float:
        h = named.get(colour, colour).lstrip("#")
        h = "".join(ch * 2 for ch in h) if len(h) == 3 else h
        c = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_verdict_colours_are_colour_blind_safe_and_legible():
    """Ahead, behind and equivalent take three different colours of Okabe and Ito's palette; each stands out from the
    white chart and the theme's dark page (3:1, WCAG's bar for graphics) and carries its label at 4.5:1."""
    from herd.presentation.charts.theme import OKABE_ITO, VERDICT_COLORS, VERDICT_TEXT

    decided = [VERDICT_COLORS[v] for v in ("ahead", "behind", "equivalent")]
    assert len(set(decided)) == 3 and set(decided) <= set(OKABE_ITO.values())
    for verdict, colour in VERDICT_COLORS.items():
        assert _contrast(colour, VERDICT_TEXT[verdict]) >= 4.5, verdict
        if verdict in ("ahead", "behind", "equivalent"):
            assert _contrast(colour, "white") >= 3 and _contrast(colour, "#121212") >= 3, verdict


SHOWN_CHANNELS = (
    *("x", "y", "color", "fill", "stroke", "shape", "strokeDash", "text", "tooltip", "row", "column", "facet"),
)
"""The encoding channels whose values a reader sees (axis and header labels, legend entries, text, tooltips); the
others (detail, order, offsets, opacity) position or group marks without writing their values."""


def shown_values(spec: dict) -> dict[str, set]:
    """Every value a chart writes for a reader, by where: the values of each field a shown channel of any view
    encodes (read from the rows the view draws, the chart's or an enclosing view's dataset), the options of each
    control bound to a parameter (their labels where it has them), and its title and description."""
    datasets = spec.get("datasets", {})
    found: dict[str, set] = {}

    def rows(view, inherited):
        name = (view.get("data") or {}).get("name")
        return datasets.get(name, inherited) if name else inherited

    def walk(view, inherited):
        records = rows(view, inherited)
        encoding = dict(view.get("encoding") or {})
        if isinstance(view.get("facet"), dict):
            encoding["facet"] = view["facet"]
        for channel in SHOWN_CHANNELS:
            defs = encoding.get(channel)
            for d in defs if isinstance(defs, list) else [defs]:
                if isinstance(d, dict):
                    for sub in [d, d.get("condition")] if isinstance(d.get("condition"), dict) else [d]:
                        field = sub.get("field")
                        if field and records:
                            found.setdefault(f"{channel} {field}", set()).update(
                                str(r[field]) for r in records if r.get(field) is not None
                            )
        for key in ("layer", "vconcat", "hconcat", "concat"):
            for sub in view.get(key, []):
                walk(sub, records)
        if isinstance(view.get("spec"), dict):
            walk(view["spec"], records)

    walk(spec, [])
    params = list(spec.get("params", [])) + [p for v in _all_views(spec) for p in v.get("params", [])]
    for param in params:
        bind = param.get("bind")
        if isinstance(bind, dict) and "options" in bind:
            found.setdefault(f"control {param['name']}", set()).update(map(str, bind.get("labels") or bind["options"]))
    title = spec.get("title", {})
    title = title if isinstance(title, dict) else {"text": title}
    found["title and description"] = {
        " ".join(title.get("text") if isinstance(title.get("text"), list) else [str(title.get("text", ""))]),
        " ".join(title.get("subtitle") or []),
        str(spec.get("description", "")),
    }
    return found


def _all_views(spec: dict) -> list[dict]:
    views = [spec]
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            views += _all_views(sub)
    if isinstance(spec.get("spec"), dict):
        views += _all_views(spec["spec"])
    return views


def raw_keys(found: dict[str, set], keys) -> list[str]:
    """Where a chart shows one of ``keys`` (a model's key in the data package) as it stands: a value equal to a key,
    or a key as a word in its title or description."""
    keys = sorted(keys, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, keys)) + r")(?![\w.-])")
    out = []
    for where, values in found.items():
        for value in values:
            hit = pattern.search(value) if where == "title and description" else (value if value in keys else None)
            if hit:
                out.append(f"{where}: {hit.group(0) if where == 'title and description' else hit}")
    return sorted(set(out))


def test_the_raw_key_check_finds_a_key_wherever_a_reader_sees_it():
    keys = {"m-8b", "m-70b"}
    spec = {
        "datasets": {"d": [{"model": "m-8b", "name": "Model 8B", "n": 1}]},
        "data": {"name": "d"},
        "layer": [
            {"mark": "bar", "encoding": {"y": {"field": "name", "type": "nominal"}, "x": {"field": "n"}}},
            {"mark": "text", "encoding": {"detail": {"field": "model"}}},  # groups marks, writes nothing
        ],
        "params": [{"name": "pick", "bind": {"input": "select", "options": ["m-8b", "m-70b"], "labels": ["A", "B"]}}],
        "title": "Scores of Model 8B",
        "description": "Model 8B scores 1.",
    }
    assert raw_keys(shown_values(spec), keys) == []
    spec["layer"][1]["encoding"]["tooltip"] = [{"field": "model", "type": "nominal"}]
    del spec["params"][0]["bind"]["labels"]
    spec["description"] = "m-70b scores 1 (m-70b-instruct is another model)."
    assert raw_keys(shown_values(spec), keys) == [
        "control pick: m-70b",
        "control pick: m-8b",
        "title and description: m-70b",
        "tooltip model: m-8b",
    ]


def test_no_chart_of_the_book_shows_a_model_by_its_key():
    from herd.record import data

    keys = set(data.load().models["key"])
    shown = {where: raw_keys(shown_values(spec), keys) for where, spec, _ in CHARTS}
    assert {where: found for where, found in shown.items() if found} == {}
    assert any("control model" in shown_values(spec) for _, spec, _ in CHARTS)  # the memory chart's dropdown is read


def test_spread_keeps_labels_apart_in_their_order_and_inside_the_panel():
    wanted, heights = [10.0, 12.0, 14.0, 150.0, 296.0, 299.0], [12.0, 24.0, 12.0, 12.0, 12.0, 24.0]
    placed = charts.scaling.spread(wanted, heights, 0, 300, 3)
    boxes = sorted((p - h / 2, p + h / 2) for p, h in zip(placed, heights))
    assert all(a[1] + 3 <= b[0] + 1e-9 for a, b in zip(boxes, boxes[1:]))  # no two meet
    assert boxes[0][0] >= 0 and boxes[-1][1] <= 300
    assert sorted(range(6), key=lambda i: placed[i]) == sorted(range(6), key=lambda i: wanted[i])
    assert placed[3] == 150.0  # a label with room stays at its line's end
    with pytest.raises(ValueError, match="do not fit"):
        charts.scaling.spread(wanted, [60.0] * 6, 0, 300, 3)


def _laws(n: int, spread_at_end: float) -> pd.DataFrame:
    """``n`` made-up laws whose lines end ``spread_at_end`` decades apart (near one another when small)."""
    flops = [1e20, 1e22, 1e24]
    return pd.DataFrame(
        [
            {
                "label": f"Law number {k} (variant {k})",
                "flops": f,
                "params": 1e9 * (f / 1e20) ** (0.5 + spread_at_end * k),
            }
            for k in range(n)
            for f in flops
        ]
    ).assign(tokens=lambda d: d["flops"] / (6 * d["params"]))


def _models() -> pd.DataFrame:
    return pd.DataFrame({"model": ["Model A"], "flops": [1e23], "tokens": [1e12], "params": [2e10]})


def law_labels(spec: dict) -> list[dict]:
    """For each panel of the chart of the laws: its laws (the colour scale's domain), the laws its legend names, its
    height and plot width, and each label as drawn (its law, its lines, where its first line stands in pixels, and
    how far right of the plot it begins), read from the specification."""
    panels = []
    for view in spec["vconcat"]:
        layers = view["layer"]
        lines = next(v for v in layers if v["mark"]["type"] == "line")
        texts = next(v for v in layers if v["mark"]["type"] == "text")
        y = texts["encoding"]["y"]
        low, high = (math.log10(v) for v in y["scale"]["domain"])
        records = spec["datasets"][texts["data"]["name"]]
        color = lines["encoding"]["color"]
        labels = [
            {
                "law": r["label"],
                "lines": r["text"].split(texts["mark"]["lineBreak"]),
                "first_px": view["height"] * (high - math.log10(r[y["field"]])) / (high - low),
            }
            for r in records
            if r.get(y["field"]) is not None
        ]
        panels.append(
            {
                "laws": color["scale"]["domain"],
                "legend": (color.get("legend") or {}).get("values", []),
                "height": view["height"],
                "right_of_plot": texts["encoding"]["x"]["value"] - view["width"],
                "line_px": texts["mark"]["lineHeight"],
                "labels": labels,
            }
        )
    return panels


def assert_each_law_labelled_apart(spec: dict, where: str) -> None:
    for panel in law_labels(spec):
        named = [label["law"] for label in panel["labels"]]
        assert set(named) | set(panel["legend"]) == set(panel["laws"]), f"{where}: a law neither labelled nor listed"
        assert len(set(named)) == len(named), f"{where}: a law labelled twice"
        assert panel["right_of_plot"] > 0, f"{where}: labels inside the plot, not at the lines' ends"
        boxes = sorted(
            (b["first_px"] - panel["line_px"] / 2, b["first_px"] + panel["line_px"] * (len(b["lines"]) - 0.5))
            for b in panel["labels"]
        )
        # (to a hundredth of a pixel: the values are stored rounded)
        assert all(a[1] <= b[0] + 0.01 for a, b in zip(boxes, boxes[1:])), f"{where}: labels overlap: {boxes}"
        assert boxes[0][0] >= -0.01 and boxes[-1][1] <= panel["height"] + 0.01, f"{where}: a label past the edge"


def test_the_laws_are_named_at_their_lines_ends_or_in_a_legend_when_too_many():
    charts.use_theme("html")
    few = charts.scaling_curves(_laws(5, 0.001), _models(), "Laws")
    spec = few.to_dict()
    assert_each_law_labelled_apart(spec, "five laws")
    assert all(p["legend"] == [] and len(p["labels"]) == 5 for p in law_labels(spec))
    assert "5 laws, each named at the end of its line" in spec["description"]
    assert charts.scaling.law_names(["A (x, y)", "B (one)", "B (two, three)"]) == ["A", "B (one)", "B (two)"]
    crowded = charts.scaling_curves(_laws(26, 0.0005), _models(), "Laws").to_dict()
    assert_each_law_labelled_apart(crowded, "26 laws")
    legend = law_labels(crowded)[0]["legend"]
    assert legend and f"{26 - len(legend)} laws named at the end of its line" in crowded["description"]
    assert f"{legend[0]}" in crowded["description"]


def test_the_scaling_curves_chart_of_the_book_labels_each_law_at_its_line():
    (spec,) = [s for where, s, _ in CHARTS if where.startswith("scaling") and "vconcat" in s]
    assert_each_law_labelled_apart(spec, "the scaling chapter's chart of the laws")
    laws = spec["datasets"][spec["vconcat"][0]["layer"][0]["data"]["name"]]
    last = max(r["flops"] for r in laws)
    ends = {r["label"]: r for r in laws if r["flops"] == last}
    for panel, field in zip(law_labels(spec), ("tokens", "params")):
        assert len(panel["labels"]) >= len(panel["laws"]) / 2  # most laws by a label, not the legend
        records = spec["datasets"][spec["vconcat"][0]["layer"][3]["data"]["name"]]
        for r in records:  # each connector starts where its law's line ends
            assert math.isclose(r[f"{field}_end"], ends[r["label"]][field], rel_tol=1e-9)
