"""Tables as a reader sees them: deterministic HTML with formatted numbers and links.

pandas' Styler embeds random ids, which would make every re-execution differ; these
helpers render with ``DataFrame.to_html`` so an executed notebook is reproducible.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import pandas as pd
from IPython.display import HTML, display

Formatter = Callable[[object], str]


def number(decimals: int = 1, sign: bool = False, blank: str = "—") -> Formatter:
    spec = f"{'+' if sign else ''}.{decimals}f"
    # round first and add 0.0 so that -0.04 prints as 0.0, not -0.0
    return lambda v: blank if pd.isna(v) else format(round(float(v), decimals) + 0.0, spec)


def pvalue(v) -> str:
    if pd.isna(v):
        return "—"
    return "< 0.0001" if v < 1e-4 else f"{v:.4f}"


def integer(v) -> str:
    return "—" if pd.isna(v) else f"{int(v):,}"


def link(text: str, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def show(frame: pd.DataFrame, formats: Mapping[str, Formatter] | None = None, escape: bool = True,
         caption: str | None = None, sortable: bool = False) -> None:
    """Display a whole table (no truncation) as HTML with the book's table class. It is
    displayed wherever the call stands in a cell, not only as the cell's last line."""
    formats = dict(formats or {})
    out = frame.copy()
    for column in out.columns:
        fmt = formats.get(column)
        if fmt is not None:
            out[column] = out[column].map(fmt)
        elif escape:
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else html.escape(str(v)))
        else:
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else str(v))
    classes = ["herd-table", "sortable"] if sortable else ["herd-table"]
    body = out.to_html(index=False, escape=False, border=0, classes=classes, na_rep="")
    if caption:
        body = body.replace(">\n  <thead>", f">\n  <caption>{html.escape(caption)}</caption>\n  <thead>", 1)
    display(HTML(f'<div class="herd-table-wrap">{body}</div>'))
