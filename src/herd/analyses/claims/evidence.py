"""What a check of the claims audit may read: the :class:`Evidence` record (the data package, the judging rules,
the measurements made elsewhere) and how a claim names its evidence table and the printed cells it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from herd.method import compare
from herd.record import data


@dataclass(frozen=True)
class Chance:
    """The contamination chapter's result, as the claims audit reads it: of the ``reported`` contamination gains the
    paper prints, how many exceed what choosing a threshold per benchmark finds by chance, at each item correlation of
    the published range (the chapter's sensitivity table, :func:`herd.analyses.contamination.selection.range_counts`).
    ``counts`` holds ``(item correlation, least, most)``: ``least`` the gains decided beyond chance, ``most`` those and
    the gains the Monte Carlo error leaves undetermined, which may count either way."""

    reported: int
    counts: tuple[tuple[float, int, int], ...]

    def __post_init__(self):
        if not self.counts:
            raise ValueError("the contamination result holds no item correlation")
        for corr, least, most in self.counts:
            if not 0 <= least <= most <= self.reported:
                raise ValueError(
                    f"the contamination result at item correlation {corr:g}: {least}–{most} of {self.reported} gains "
                    "beyond chance is no count"
                )

    @property
    def span(self) -> tuple[int, int]:
        """The fewest and the most gains beyond chance over the range."""
        return min(c[1] for c in self.counts), max(c[2] for c in self.counts)

    @property
    def correlations(self) -> tuple[float, float]:
        """The range's ends."""
        return min(c[0] for c in self.counts), max(c[0] for c in self.counts)


@dataclass
class Evidence:
    """Everything a check may read: the data package, the judging rules, the measured capacity."""

    package: data.DataPackage
    rules: compare.Rules = compare.Rules()
    capacity: pd.DataFrame | None = None  # text, name, register, words_per_token (long-context chapter)
    beyond_chance: Chance | None = None  # contamination chapter: gains beyond chance over the item correlations
    _judged: dict = field(default_factory=dict)
    _cells: dict = field(default_factory=dict)  # (source, table) -> its printed cells, grouped once
    _names: dict = field(default_factory=dict)  # model key -> display name

    def judged(self, source: str, table: str, a: str, b: str, question: str = compare.EVERY) -> pd.DataFrame:
        """The comparisons of ``a`` with ``b`` on every row of one printed table, under ``rules``: by default as a
        claim is judged, a single comparison or one that must hold on every row it names
        (:data:`herd.method.compare.EVERY`, no correction); with ``question=EACH``, as "on which rows do they differ",
        corrected over the rows, as a tally of differences row by row must be."""
        key = (source, table, a, b, question)
        if key not in self._judged:
            self._judged[key] = compare.judge_package(
                self.package, source, table, self.rules, pairs=[(a, b)], question=question
            )
        return self._judged[key]

    def cells(self, source: str, table: str) -> pd.DataFrame:
        """The printed score cells of one table of one source."""
        if not self._cells:
            for key, group in self.package.tables["scores"].groupby(["source", "table"], sort=False):
                self._cells[key] = group
        found = self._cells.get((source, table))
        return found if found is not None else self.package.tables["scores"].iloc[0:0]

    def name(self, model: str) -> str:
        """The display name of a model key (the key itself if the package has no such model)."""
        if not self._names:
            models = self.package.tables["models"]
            self._names.update(zip(models["key"], models["name"]))
        return self._names.get(model, model)

    def cite(self, source: str, location: str, page=None) -> str:
        """How the book cites a location in a source, by :func:`herd.record.data.cite`."""
        return data.cite(self.package, source, location, page)


def evidence_table(claim: pd.Series) -> tuple[str, str]:
    """The source and the table a claim's ``evidence`` names (``source:table``)."""
    source, _, table = str(claim["evidence"]).partition(":")
    return source, table


def cited_cells(ev: Evidence, source: str, table: str, row: str, models: list[str]) -> str:
    """The printed cells of some models on one row as a verdict cites them: the table and its page
    (:func:`herd.record.data.place`), the row, and each model's score (a dash where none is printed) with its marker."""
    cells = ev.cells(source, table)
    hit = cells[(cells["row_label"] == row) & cells["model"].isin(models)]
    parts = [
        f"{ev.name(m)} {('a dash' if pd.isna(s) else f'{s:.1f}')}{'' if pd.isna(mk) else ' ' + mk}"
        for m, s, mk in zip(hit["model"], hit["score"], hit["marker"])
    ]
    page = cells["page"].dropna()
    return f"{data.place(table, page.iloc[0] if len(page) else None)}, {row}: " + "; ".join(parts)
