"""The book's one Altair theme: its fonts, palette and page geometry, and the renderer and data transformer every
chart is drawn with.

Every chart fits the text column of the book's pages (:data:`WIDTH`); the theme never lets Vega cut an axis or
legend label or title short (:data:`NO_LIMIT`). In the book, charts render through Altair's ``html`` renderer
against the vega scripts vendored into ``_static/vendor`` (see :mod:`herd.book.vendor`); inside Jupyter, through
Altair's widget renderer, offline (see :func:`chart_renderer`).
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from collections.abc import Mapping

import altair as alt
import pandas as pd
from altair.utils.data import to_values

from herd.base import formats

THEME = "herd"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# The categorical palette of Okabe and Ito ("Color Universal Design", 2008): eight colours that stay apart for
# readers with any common colour-vision deficiency. Their order here is the order a chart's categories take them:
# orange and vermillion, the closest pair, are not four places apart, so lines drawn with the four dashes in turn
# (charts.scaling.law_styles) never give them the same dash; yellow, faint as a line on white, comes last. A chart
# with more categories than colours tells them apart by a second channel too (a dash pattern, a shape).
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "black": "#000000",
    "orange": "#E69F00",
    "yellow": "#F0E442",
}
CATEGORY = list(OKABE_ITO.values())
# The verdicts' colours, from Okabe and Ito's palette (above), so that ahead and behind stay apart for readers with a
# colour-vision deficiency (the green and red they replace did not): ahead bluish green, behind vermillion, equivalent
# blue (the gap charts' "blue line"), and greys for what the data leave open. Each against the white chart and the dark
# page at least 3:1 (WCAG's bar for graphics) and its label in VERDICT_TEXT at least 4.5:1 (black on green 6.1,
# black on vermillion 5.4, white on blue 5.2).
VERDICT_COLORS = {
    "ahead": OKABE_ITO["bluish green"],
    "behind": OKABE_ITO["vermillion"],
    "equivalent": OKABE_ITO["blue"],
    "not resolved": "#bdbdbd",
    "no test": "#efe7d4",
}
VERDICT_TEXT = {"ahead": "black", "behind": "black", "equivalent": "white", "not resolved": "#222", "no test": "#222"}
FOCUS_COLOR = OKABE_ITO["vermillion"]
OTHER_COLOR = OKABE_ITO["blue"]
# The text column of a chapter page is 688 px wide at a 1280 px window, of which vega-embed keeps
# 38 px for its menu; every chart is laid out to fit the rest (narrower screens scroll a chart
# sideways inside its own box).
WIDTH = 610
TITLE_CHARS = 66  # a line of the 15 px bold title
SUBTITLE_CHARS = 100  # a line of the 12 px subtitle
NARROW_TITLE_CHARS = 32  # a line of the title on a phone (a 390 px screen leaves a chart about 330 px)
NARROW_SUBTITLE_CHARS = 42  # a line of the subtitle there
FACET_SPACING = 16
NO_LIMIT = 2000  # px: a label or title limit no text reaches, so Vega never cuts one short
LABEL_PX = 6.4  # width of a character of an 11 px axis or legend label
HEADER_PX = 7.4  # width of a character of a 12 px bold panel header


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            # the marks and guides stay out of the accessibility tree (hundreds of unnamed shapes per chart); a
            # screen reader reads the chart as one image named by its description (figure.describe)
            "aria": False,
            "mark": {"aria": False},
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 320},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee", "domainColor": "#888"},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": NO_LIMIT},
            "legend": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "orient": "bottom",
                "titleLimit": NO_LIMIT,
                "labelLimit": NO_LIMIT,
            },
            "axisX": {"labelLimit": NO_LIMIT, "titleLimit": NO_LIMIT},
            "axisY": {"labelLimit": NO_LIMIT, "titleLimit": NO_LIMIT},
            "range": {"category": CATEGORY},
        }
    }


def chart_renderer(environ: Mapping[str, str] | None = None) -> str:
    """The Altair renderer for where the chapter runs: ``"jupyter"`` or ``"html"``.

    A kernel that a Jupyter server started (JupyterLab, Notebook, Binder) has the
    session's file in ``JPY_SESSION_NAME``; there charts use Altair's widget renderer
    (JupyterChart, an anywidget) in offline mode, which draws with the vega bundle shipped
    inside the vl-convert-python wheel. Everywhere else (papermill and nbval building and
    checking the book, a plain ``python``) charts use the ``html`` renderer, whose pages
    load vega from ``_static/vendor`` in the book.
    """
    environ = os.environ if environ is None else environ
    if not environ.get("JPY_SESSION_NAME"):
        return "html"
    missing = [name for name in ("anywidget", "vl_convert") if importlib.util.find_spec(name) is None]
    if missing:
        warnings.warn(
            f"charts: {' and '.join(missing)} not installed, so charts in Jupyter load vega from the "
            "internet; install the `jupyter` extra (binder/requirements.txt) to draw them offline",
            stacklevel=2,
        )
        return "html"
    return "jupyter"


DATA_TRANSFORMER = "herd"


def stored_values(data, max_rows: int | None = None):
    """Altair's data transformer for the book's charts: the rows as values embedded in the chart (never a file),
    every float at the precision the book stores numbers (:func:`herd.base.formats.stored_frame`), with no row limit."""
    if isinstance(data, pd.DataFrame):
        data = formats.stored_frame(data)
    return to_values(data)


alt.data_transformers.register(DATA_TRANSFORMER, stored_values)


def use_theme(renderer: str | None = None) -> None:
    """Enable the theme and the renderer (:func:`chart_renderer` unless given)."""
    renderer = renderer or chart_renderer()
    alt.theme.enable(THEME)
    alt.data_transformers.enable(DATA_TRANSFORMER)
    if renderer == "jupyter":
        alt.renderers.enable("jupyter", offline=True)
    elif renderer == "html":
        alt.renderers.enable("html")
    else:
        raise ValueError(f"renderer: expected 'html' or 'jupyter', got {renderer!r}")
    alt.data_transformers.disable_max_rows()
