"""The book's charts: one Altair theme, and a builder for each chart, in the module of the chapter that draws it.

Every chart has a title, axis titles with units, a tooltip and a short text description (used as the chart's
accessible description). Every chart fits the text column of the book's pages (:data:`WIDTH`): titles and subtitles
are wrapped to it, axis and legend labels are never cut short, and a legend names every kind of mark. Panels that are
compared share their scales. Numbers on axes and in tooltips are written as :mod:`herd.base.formats` writes them (B
and T for sizes, powers of ten for FLOPs). A builder returns a :class:`Figure`: the chart plus the rows it draws,
which the book offers as CSV downloads under the chart.

The subpackage holds ``theme`` (the theme, palette and page geometry; the renderer, :func:`chart_renderer`, and
:func:`use_theme`, which every chapter calls first), ``figure`` (:class:`Figure` and what every builder uses: the
wrapped title, the fitted width, the axes of sizes and powers, the colours of the verdicts, the layout of panels), and
one module of builders per chapter: ``benchmarks``, ``claims``, ``contamination``, ``coverage`` (the data chapter),
``home`` (the home page), ``long_context`` and ``scaling``. Chapters call the builders from here:
``from herd.presentation import charts; charts.gap_intervals(...)``.
"""

from .benchmarks import BAND_SHARE, TOST_LEGEND, cut_labels, gap_axis, gap_intervals, score_intervals, verdict_matrix
from .claims import verdict_summary
from .contamination import null_gains, scan_sweep, score_distribution
from .coverage import AXIS_TITLE_PX, COVERAGE_LABEL_FONT, coverage_layout, coverage_matrix
from .figure import Figure, label_px, wrapped_title
from .home import findings_summary
from .long_context import kv_memory, rope_bands, words_per_token
from .scaling import alpha_sensitivity, bootstrap_optimum, figure4_runs, log_ticks, optimum_ratio, scaling_curves
from .theme import SUBTITLE_CHARS, THEME, TITLE_CHARS, WIDTH, chart_renderer, use_theme

__all__ = [
    "AXIS_TITLE_PX",
    "BAND_SHARE",
    "COVERAGE_LABEL_FONT",
    "SUBTITLE_CHARS",
    "THEME",
    "TITLE_CHARS",
    "TOST_LEGEND",
    "WIDTH",
    "Figure",
    "alpha_sensitivity",
    "bootstrap_optimum",
    "chart_renderer",
    "coverage_layout",
    "coverage_matrix",
    "cut_labels",
    "figure4_runs",
    "findings_summary",
    "gap_axis",
    "gap_intervals",
    "kv_memory",
    "label_px",
    "log_ticks",
    "null_gains",
    "optimum_ratio",
    "rope_bands",
    "scaling_curves",
    "scan_sweep",
    "score_distribution",
    "score_intervals",
    "use_theme",
    "verdict_matrix",
    "verdict_summary",
    "words_per_token",
    "wrapped_title",
]
