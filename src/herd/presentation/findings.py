"""The book's findings at a glance, for its home page: read from the executed chapters.

Every number here is a value a chapter glued into its own prose (``myst_nb.glue``), read back
from ``book/<chapter>.ipynb`` with :func:`glued_values`; nothing is recomputed,
so the home page and the chapters cannot disagree. A value carries the lineage its chapter recorded
with it (:func:`glued_lineage`), so a number on the home page has the same record as in its chapter.
The build re-executes the home page whenever an executed chapter changes (the home page's text
notebook lists the chapters it reads under ``herd: reads:`` in its front matter, and
:mod:`herd.book.chapters` hashes them into its inputs).
"""

from __future__ import annotations

import ast
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from herd.analyses.claims.evidence import Chance
from herd.analyses.contamination import selection
from herd.base import formats
from herd.base.lineage import META_KEY, Lineage, Traced, computed, from_record, identity
from herd.record import coverage
from herd.record import lineage as rows_of

from . import downloads, tables


class FindingsError(KeyError):
    """A chapter does not glue a value the home page needs; the message names both."""

    def __str__(self) -> str:
        return str(self.args[0])


def book_dir() -> Path:
    """The folder of executed notebooks: ``$HERD_BOOK``, else ``book/`` of the working copy."""
    env = os.environ.get("HERD_BOOK")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *Path.cwd().parents, *here.parents]:
        if (parent / "book" / "benchmarks.ipynb").exists():
            return parent / "book"
    raise FileNotFoundError("no book/ folder with executed chapters found; set HERD_BOOK, or run `make book`")


def executed_outputs(book: Path):
    """Every output of every executed notebook in ``book``, as ``(chapter, output)`` in file and cell order; a
    notebook that cannot be read is passed over."""
    for path in sorted(book.glob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                yield path.stem, output


GLUE_KINDS = ("application/papermill.record/text/markdown", "application/papermill.record/text/plain", "text/plain")
"""Where a glue output keeps its value as text, first found first (a glued Markdown object by its text)."""


def glued_values(book: Path) -> dict[str, dict[str, str]]:
    """``{chapter: {name: value}}``: the values each executed notebook glues into its prose
    (myst-nb glue outputs, recorded with a ``scrapbook`` name), as plain text."""
    out: dict[str, dict[str, str]] = {}
    for chapter, output in executed_outputs(book):
        name = (output.get("metadata", {}).get("scrapbook") or {}).get("name")
        if not name:
            continue
        data = output.get("data", {})
        value = next((data[k] for k in GLUE_KINDS if k in data), "")
        value = "".join(value) if isinstance(value, list) else str(value)
        out.setdefault(chapter, {})[name] = _unquote(value.strip())
    return out


def glued_lineage(book: Path) -> dict[str, dict[str, Lineage]]:
    """``{chapter: {name: lineage}}``: the lineage each executed notebook recorded with a glued value
    (:mod:`herd.presentation.glue`), for the values that carry one."""
    out: dict[str, dict[str, Lineage]] = {}
    for chapter, output in executed_outputs(book):
        metadata = output.get("metadata", {})
        name = (metadata.get("scrapbook") or {}).get("name")
        found = metadata.get(META_KEY) or {}
        if name and "record" in found:
            out.setdefault(chapter, {})[name] = from_record(found["record"])
    return out


def _unquote(text: str) -> str:
    r"""A glued string's text: its Python repr (``'it\'s'``) decoded, other values as they are."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text.strip("'\"")
        if isinstance(value, str):
            return value
    return text


class Glued:
    """The values the executed chapters glued, looked up by chapter and name with a clear error."""

    def __init__(
        self,
        book: Path | None = None,
        values: dict[str, dict[str, str]] | None = None,
        lineage: dict[str, dict[str, Lineage]] | None = None,
    ):
        """The values glued in ``book`` (:func:`book_dir` by default) with their lineage, or ``values`` (chapter →
        name → text) and ``lineage`` (chapter → name → lineage; none by default) as given."""
        self.book = Path(book) if book is not None else book_dir()
        self.values = values if values is not None else glued_values(self.book)
        if lineage is None:
            lineage = glued_lineage(self.book) if values is None else {}
        self.lineage = lineage
        self._read: dict[str, Lineage] = {}  # the lineage of the values read since the last finding, by name

    def __call__(self, chapter: str, name: str) -> str:
        """The text ``chapter`` glued under ``name``, carrying the lineage the chapter recorded with it (a
        :class:`~herd.base.lineage.Traced` string) when it has one; :class:`FindingsError` if either is missing."""
        if chapter not in self.values:
            raise FindingsError(f"book/{chapter}.ipynb: missing or glues nothing; run `make book`")
        if name not in self.values[chapter]:
            raise FindingsError(
                f"book/{chapter}.ipynb glues no value named {name!r}, which the home page reads "
                f"(notebooks/{chapter}.md must glue it)"
            )
        return self._traced(chapter, name, self.values[chapter][name])

    def _traced(self, chapter: str, name: str, text: str) -> str:
        found = self.lineage.get(chapter, {}).get(name)
        if found is None:
            return text
        self._read[f"{chapter}.{name}"] = found
        return Traced(text, found)

    def finding(self, chapter: str, anchor: str, question: str, finding: str) -> Finding:
        """A :class:`Finding` whose lineage is that of the glued values read to write it (its arguments are read
        before it is made, and each finding is made before the next is written): the one record they share, or else
        one naming them and every row their records read."""
        read, self._read = self._read, {}
        return Finding(chapter, anchor, question, finding, _combined(read))

    def number(self, chapter: str, name: str) -> float:
        """A glued value as a number (thousands separators and a trailing % dropped)."""
        text = self(chapter, name)
        try:
            return float(text.replace(",", "").rstrip("%").strip())
        except ValueError:
            raise FindingsError(f"book/{chapter}.ipynb glues {name} = {text!r}, not a number") from None

    def comparisons(self, chapter: str, name: str = "comparisons") -> pd.DataFrame:
        """A glued table of comparisons (the JSON of :func:`herd.presentation.compare_text.record`) as a DataFrame."""
        try:
            rows = json.loads(self(chapter, name))
        except json.JSONDecodeError:
            raise FindingsError(
                f"book/{chapter}.ipynb glues {name} that is not the JSON of herd.presentation.compare_text.record"
            ) from None
        return pd.DataFrame(rows)

    def counted(self, chapter: str, name: str, text: str) -> str:
        """A glued count followed by ``text`` in its number (:func:`herd.record.coverage.counted`): ``{is|are}``,
        ``{gap|gaps}``; "1 is resolved", "4 are resolved"."""
        return self._traced(chapter, name, coverage.counted(int(self.number(chapter, name)), text))

    def agree(self, chapter: str, name: str, text: str) -> str:
        """``text`` in the number of a glued count, without the count (:func:`herd.record.coverage.agree`)."""
        return coverage.agree(text, int(self.number(chapter, name)))


def archive(package) -> Traced:
    """The home page's link to the data package archive (:func:`herd.presentation.downloads.archive_link`), carrying
    what it holds: every table of the data package, as :func:`herd.presentation.downloads.data_archive` zips it."""
    reads = tuple(read for name in package.tables for read in rows_of.rows(package, name))
    return Traced(
        downloads.archive_link(f"the whole data package ({downloads.ARCHIVE})"),
        computed(
            downloads.data_archive,
            reads,
            output="the archive",
            note="every table of the data package, zipped as the book is built",
        ),
    )


RANGE_FUNCTION = "herd.analyses.contamination.selection.range_counts"
"""The function whose table (a row per item correlation) the contamination chapter shows and the claims audit reads."""


def shown_table(chapter: str, function: str, book: Path | None = None) -> pd.DataFrame:
    """The rows of the table an executed chapter shows (:func:`herd.presentation.tables.show`, as its "Download CSV"
    holds them) whose cells' lineage names ``function``; :class:`FindingsError` if it shows none."""
    for name, output in executed_outputs(book or book_dir()):
        metadata = output.get("metadata", {})
        records = (metadata.get(META_KEY) or {}).get("records", {})
        found = (metadata.get(downloads.META_KEY) or {}).get("downloads", [])
        if name == chapter and found and any(r.get("function") == function for r in records.values()):
            return pd.read_csv(io.StringIO(found[0]["csv"]))
    raise FindingsError(f"book/{chapter}.ipynb shows no table computed by {function}, which the claims audit reads")


def beyond_chance(package, glued: Glued | None = None) -> Chance:
    """The contamination chapter's result, as the claims audit reads it: of the paper's reported contamination gains,
    how many exceed chance at each item correlation of the published range
    (:func:`herd.analyses.contamination.selection.published_range`), read from the chapter's table of counts across
    the item correlations (:data:`RANGE_FUNCTION`): the count its correction decides, and that count with the rows
    the Monte Carlo error leaves undetermined (as the chapter's span over the range counts them)."""
    g = glued or Glued()
    ranged = shown_table("contamination", RANGE_FUNCTION, g.book)
    low, high = selection.published_range(package)
    inside = ranged[ranged["item correlation"].between(low, high)]
    open_column = next((c for c in ranged.columns if str(c).startswith("not determined (")), None)
    if inside.empty or open_column is None:
        raise FindingsError(
            f"book/contamination.ipynb: its table of counts across the item correlations has no row between {low:g} "
            f"and {high:g}, or no column of undetermined rows"
        )
    counted = open_column.removeprefix("not determined (").removesuffix(")")
    undetermined = [0 if formats.missing(n) or n == "none" else len(str(n).split(", ")) for n in inside[open_column]]
    return Chance(
        reported=int(g.number("contamination", "n_reported")),
        counts=tuple(
            (float(c), int(k), int(k) + u) for c, k, u in zip(inside["item correlation"], inside[counted], undetermined)
        ),
    )


def contamination_values(glued: Glued | None = None) -> dict[str, str]:
    """What the claims audit's contamination verdicts rest on, as the contamination chapter glued it (each value
    with the chapter's record): the count of reported gains beyond chance in every seed, of how many, at which item
    correlation, and the span of the count over the published range of the item correlation."""
    g = glued or Glued()
    return {
        "contam_beyond": g("contamination", "n_beyond"),
        "contam_reported": g("contamination", "n_reported"),
        "contam_corr": g("contamination", "corr_phrase"),
        "contam_sweep": g("contamination", "sweep_span"),
    }


@dataclass(frozen=True)
class Finding:
    """One finding of the home page: the chapter and section that show it, the question it answers, and
    the answer."""

    chapter: str
    anchor: str
    question: str
    finding: str
    lineage: Lineage | None = None

    @property
    def href(self) -> str:
        """Link to the section that shows the finding, ``<chapter>.html#<anchor>``."""
        return f"{self.chapter}.html#{self.anchor}"


def _combined(read: dict[str, Lineage]) -> Lineage | None:
    """One lineage for the values ``read`` (glued name -> its chapter's lineage): the one record they share, or the
    lineage of the sentence that quotes them, naming each and every row their records read."""
    distinct = {identity(found.record()): found for found in read.values()}
    if len(distinct) <= 1:
        return next(iter(distinct.values()), None)
    reads = tuple(dict.fromkeys(r for found in distinct.values() for r in found.reads))
    names = ", ".join(sorted(read))
    return computed(
        findings,
        reads,
        note=f"a finding written from values its chapter glued ({names}); each one's own record is on its "
        "chapter's page",
    )


def _near_end(position: str) -> str:
    """The scaling chapter's note of where the trained size lies in the interval (``, near its lower end (the seeds'
    lower ends: …)``) without its detail: ``, near its lower end``; empty when it lies well inside."""
    return position.split(" (", 1)[0]


def findings(g: Glued) -> list[Finding]:
    """One finding per question the book answers, in the order of the chapters, each with the
    section of its chapter that shows it; every count agrees with its verb and noun (one or more), and each
    carries the lineage of the values it quotes (:meth:`Glued.finding`)."""
    b = lambda name: g("benchmarks", name)  # noqa: E731
    c = lambda name: g("claims", name)  # noqa: E731
    s = lambda name: g("scaling", name)  # noqa: E731
    lc = lambda name: g("long_context", name)  # noqa: E731
    ct = lambda name: g("contamination", name)  # noqa: E731
    g._read.clear()  # what was read before the first finding is no part of it
    return [
        g.finding(
            "benchmarks",
            "benchmarks-result",
            f"Is {b('focus_name')} ahead of its rivals in {b('table_name')}?",
            f"Of {g.counted('benchmarks', 'n_pairs', '{comparison|comparisons}')} with "
            f"{g.counted('benchmarks', 'n_competitors', '{rival|rivals}')}, {b('n_tested')} can be tested: "
            f"ahead on {b('n_ahead')}, behind on {b('n_behind')}, not resolved on the other {b('n_unresolved')} "
            f"(an upper bound: a paired test could resolve some); "
            f"{g.counted('benchmarks', 'n_equivalent', '{is|are}')} shown equivalent within ±{b('margin_text')} "
            "points.",
        ),
        g.finding(
            "benchmarks",
            "benchmarks-pair",
            f"Is {b('pair_name')} as good as {b('pair_reference_name')}?",
            b("pair_short"),
        ),
        g.finding(
            "claims",
            "claims-result",
            "How much of a popular post about the release holds?",
            f"Of {g.counted('claims', 'n_claims', '{claim|claims}')}, "
            f"{g.counted('claims', 'n_correct', '{is|are}')} correct, {c('n_wrong')} shown wrong, "
            f"{c('n_misleading_total')} misleading or overstated; "
            f"{c('n_not_resolved')} not resolved ({c('n_within_noise')} right, "
            f"{c('n_wrong_noise')} wrong in order, {c('n_parity_open')} of parity); "
            f"{g.counted('claims', 'n_others', '{other|others}')}. {c('family_note')}",
        ),
        g.finding(
            "scaling",
            "scaling-refit",
            "Where does the scaling law put the compute-optimal model?",
            f"Chinchilla's law refitted to Chinchilla's runs: {s('refit_n')} B, {s('level')} % interval "
            f"{s('refit_n_lo')}–{s('refit_n_hi')} B, which {s('contains_trained')} the {s('actual_params')} B trained"
            f"{_near_end(s('trained_position'))}; "
            f"another corpus's law cannot confirm Meta's choice. The paper's {s('paper_params')} B matches neither "
            "printing of its law.",
        ),
        g.finding(
            "scaling",
            "scaling-checks",
            "Does the arithmetic of the training run add up?",
            f"Of {g.counted('scaling', 'n_checks', '{check|checks}')}, {s('agreement_phrase')}; the other "
            f"{g.counted('scaling', 'n_not_agreeing', '{traces|trace}')} to {s('causes_phrase')}.",
        ),
        g.finding(
            "long_context",
            "long-context-tokens",
            f"How much text do {lc('context_k')}K tokens hold?",
            f"About {lc('narrative_words')} words of narrative English "
            f"({g.counted('long_context', 'n_narrative', '{text|texts}')}; "
            f"{lc('narrative_pages')} pages), {lc('technical_words')} of technical prose and {lc('code_words')} of "
            f"Python code, measured with the real tokenizer on a handful of texts.",
        ),
        g.finding(
            "long_context",
            "long-context-benchmarks",
            "Are the long-context wins real?",
            f"Of the 405B's {g.counted('long_context', 'n_wins', 'printed {lead|leads}')}, {lc('leads_short')}.",
        ),
        g.finding(
            "contamination",
            "contamination-table15",
            "Can the paper's contamination analysis be trusted?",
            f"Planted copies: {ct('ngram_text')} matching (threshold {ct('threshold_text')}) catches "
            f"{ct('whole_short')} whole, {ct('part_short')} half. Without contamination, picking the threshold finds "
            f"gains on {ct('null_share')} of simulated benchmarks; {ct('n_beyond')} of {ct('n_reported')} reported "
            f"gains {g.agree('contamination', 'n_beyond', '{exceeds|exceed}')} chance in every seed "
            f"({ct('sweep_span')}).",
        ),
        g.finding(
            "data",
            "data-disagreements",
            "Where do the numbers come from?",
            f"{g.counted('data', 'n_rows', '{row|rows}')} in "
            f"{g.counted('data', 'n_tables', 'validated {table|tables}')}, each citing one of "
            f"{g.counted('data', 'n_sources', '{document|documents}')}; the sources disagree in "
            f"{g.counted('data', 'n_disagree', '{place|places}')}, and the book keeps both values.",
        ),
    ]


def table_lineage(items: list[Finding]) -> dict:
    """The lineage of the findings table's cells (:func:`table`): each finding's, for its question and its answer."""
    return {column: (lambda i: items[i].lineage) for column in ("question (opens its section)", "finding")}


def table(items: list[Finding]) -> pd.DataFrame:
    """The findings as the home page's table: the question, linked to its section, and the answer."""
    return pd.DataFrame(
        {
            "question (opens its section)": [tables.link(f.question, f.href) for f in items],
            "finding": [tables.html.escape(f.finding) for f in items],
        }
    )


QUESTIONS = (
    ("benchmarks", "comparisons", "benchmarks-result", "Table 2: {a} vs {n} rivals", False),
    ("benchmarks", "pair_comparisons", "benchmarks-pair", "Model card: {a} vs {b}", False),
    ("long_context", "comparisons", "long-context-benchmarks", "Table 21, long context: {a} vs {n} rivals", False),
    ("claims", "comparisons", "claims-result", "Bottom line's rows: {a} vs {b}", True),
)
"""The home figure's bars: chapter, glued record, section, label, and whether the question is a claim of being at
least on a par on every row (its bar counts the differences on its rows, which are not the claim's verdict, so its
label names them as rows, and ``claim`` counts the rows that show the claim)."""


def verdict_counts(g: Glued, names: dict[str, str]) -> pd.DataFrame:
    """How many comparisons of each question got each difference (ahead, behind, not resolved, no test: the home
    page's figure), from the comparisons each chapter records (:func:`herd.presentation.compare_text.record`), with the
    number also shown equivalent in the question's label (``· 1 ≈``) and, for a claim of being at least on a par, the
    tested rows that show it in ``claim`` ("at least on a par on 13 of 15 tested rows"; blank for the others);
    ``names`` maps model keys to the names the figure shows."""
    from herd.method.compare import VERDICTS

    rows = []
    for chapter, key, anchor, label, parity in QUESTIONS:
        seen = g.comparisons(chapter, key)
        if seen.empty:
            continue
        a, b = (names.get(k, k).removesuffix(" Instruct") for k in (seen["a"].iloc[0], seen["b"].iloc[0]))
        text = label.format(a=a, b=b, n=seen["b"].nunique())
        # the difference, as every chapter reports it; gaps also shown equivalent are counted in the label
        n_equivalent = int((seen["equivalence"] == "equivalent").sum())
        if n_equivalent:
            text += f" · {n_equivalent} ≈"
        claim = ""
        if parity:  # the claim itself: non-inferiority row by row, as the claims audit judges it
            tested = seen[seen["difference"] != "no test"]
            claim = f"at least on a par on {int(tested['noninferior'].astype(bool).sum())} of {len(tested)} tested rows"
        counts = seen["difference"].value_counts()
        for verdict in VERDICTS:
            if counts.get(verdict, 0):
                rows.append(
                    {
                        "question": text,
                        "verdict": verdict,
                        "comparisons": int(counts[verdict]),
                        "claim": claim,
                        "link": f"{chapter}.html#{anchor}",
                    }
                )
    return pd.DataFrame(rows)


def totals(g: Glued) -> dict[str, str]:
    """Numbers the home page's "what this means" paragraph quotes, as the chapters wrote them."""
    return {
        "t2_tested": g("benchmarks", "n_tested"),
        "t2_resolved": g("benchmarks", "n_resolved"),
        "t2_unresolved": g("benchmarks", "n_unresolved"),
        "focus_name": g("benchmarks", "focus_name"),
        "post_scores_right": g("claims", "n_scores_right"),
        "post_scores": g("claims", "n_scores"),
        "post_rankings": g("claims", "n_rankings"),
        "post_rankings_resolved": g("claims", "n_rankings_resolved"),
        "t2_equivalent": g("benchmarks", "n_equivalent"),
        # the verbs and nouns that follow a count, in its number ("1 is", "4 are"; "1 gap is", "3 of the gaps are")
        "t2_resolved_verb": g.agree("benchmarks", "n_resolved", "{is|are}"),
        "t2_unresolved_verb": g.agree("benchmarks", "n_unresolved", "{is|are}"),
        "t2_equivalent_text": g.counted("benchmarks", "n_equivalent", "{gap is|of the gaps are}"),
        "post_rankings_verb": g.agree("claims", "n_rankings_resolved", "{is|are}"),
        "beyond_verb": g.agree("contamination", "n_beyond", "{exceeds|exceed}"),
        "refit_n": g("scaling", "refit_n"),
        "refit_lo": g("scaling", "refit_n_lo"),
        "refit_hi": g("scaling", "refit_n_hi"),
        "refit_tpp": g("scaling", "refit_tpp"),
        "llama_tpp": g("scaling", "llama_tpp"),
        "contains_trained": g("scaling", "contains_trained"),
        "paper_params": g("scaling", "paper_params"),
        "narrative_words": g("long_context", "narrative_words"),
        "technical_words": g("long_context", "technical_words"),
        "null_share": g("contamination", "null_share"),
        "n_beyond": g("contamination", "n_beyond"),
        "n_reported": g("contamination", "n_reported"),
        "sweep_span": g("contamination", "sweep_span"),
    }
