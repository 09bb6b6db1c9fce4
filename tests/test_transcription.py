"""Tables entered twice: every second copy agrees with data/scores.csv, and where sources print the same runs.

Each second copy in ``data/transcriptions/`` has one format (data/README.md, "Second copies"): one row per
printed cell, keyed like ``scores.csv`` by (source, table, row_label, model), with its score and, where the
table prints them, its 95 % intervals. One test finds every copy there and compares it with ``scores.csv``
cell by cell, so a table entered twice needs a file and no test. The tests after it check what equality
alone does not: a footnote marker the two readers placed differently, the column labels a reader saw,
and the cells that several sources print for the same runs.
"""

import csv
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, ROOT, edit_csv
from herd.record import data

TRANSCRIPTIONS = DATA / "transcriptions"
COPIES = sorted(TRANSCRIPTIONS.glob("*.csv"))
KEY = ("source", "table", "row_label", "model")
# Compared with scores.csv: the score always (blank for a printed dash), the interval where the copy has the column.
COMPARED = ("score", "ci95")
# Kept for the record and not compared here: the column label as the reader saw it, and the footnote marker
# (where the two readers place one differently, a test below names the cells and which reading is kept).
RECORDED = ("model_label", "marker")
COLUMNS = (*KEY, *COMPARED, *RECORDED)
REQUIRED = (*KEY, "score")


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def second_copy_problems(package: data.DataPackage, path: Path) -> list[str]:
    """Every way the second copy at ``path`` differs from the package's ``scores.csv``, one line each, naming
    the copy's file, line and column; empty when the two agree cell by cell. The copy covers each (source,
    table) it names, so a cell of those tables that it lacks is a difference too."""
    name = _shown(path)
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED if c not in header]
            unknown = [c for c in header if c not in COLUMNS]
            if missing or unknown or len(set(header)) != len(header):
                return [
                    f"{name}, line 1: the header is {', '.join(header) or 'empty'}; a second copy has the columns "
                    f"{', '.join(REQUIRED)}, and may add {', '.join(c for c in COLUMNS if c not in REQUIRED)}"
                    + (f" (missing: {', '.join(missing)})" if missing else "")
                    + (f" (not in the format: {', '.join(unknown)})" if unknown else "")
                    + (" (a column is named twice)" if len(set(header)) != len(header) else "")
                ]
            rows = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as error:
        return [f"{name}: not UTF-8 ({error}); save the file as UTF-8"]
    compared = [c for c in COMPARED if c in header]
    sources = set(package.sources["key"])
    models = set(package.models["key"])
    tables = set(zip(package.score_tables["source"], package.score_tables["table"], strict=True))
    problems: list[str] = []
    cells: dict[tuple, tuple[int, dict[str, float | None]]] = {}
    labels: dict[tuple, dict[str, set[str]]] = {}
    for line, row in rows:
        where = f"{name}, line {line}"
        if None in row or any(row[c] is None for c in header):
            problems.append(f"{where}: the row has {len(header)} columns in the header but not as many values")
            continue
        blank = [c for c in KEY if not row[c]]
        if blank:
            problems.append(f"{where}: {', '.join(blank)} blank; every cell names its source, table, row and model")
            continue
        if row["source"] not in sources:
            problems.append(f"{where}, column 'source': '{row['source']}' is not a key of data/sources.csv")
        elif (row["source"], row["table"]) not in tables:
            problems.append(
                f"{where}, column 'table': ('{row['source']}', '{row['table']}') is not a table of "
                "data/score_tables.csv"
            )
        if row["model"] not in models:
            problems.append(f"{where}, column 'model': '{row['model']}' is not a key of data/models.csv")
        values = {}
        for column in compared:
            try:
                values[column] = _number(row[column])
            except ValueError:
                problems.append(f"{where}, column '{column}': '{row[column]}' is not a number (blank for a dash)")
        key = tuple(row[c] for c in KEY)
        if key in cells:
            problems.append(f"{where}: the cell {key} is already on line {cells[key][0]}")
            continue
        cells[key] = (line, values)
        if "model_label" in header:
            labels.setdefault(key[:2], {}).setdefault(row["model_label"], set()).add(row["model"])
    for table, by_label in labels.items():
        for label, keys in by_label.items():
            if len(keys) > 1:
                problems.append(f"{name}: in {table}, the column label '{label}' stands for {sorted(keys)}")
    covered = {key[:2] for key in cells}
    scores = package.scores[[(s, t) in covered for s, t in zip(package.scores["source"], package.scores["table"])]]
    first = {
        tuple(r[c] for c in KEY): {c: None if pd.isna(r[c]) else float(r[c]) for c in compared}
        for r in scores.to_dict("records")
    }
    for key in sorted(set(first) - set(cells)):
        problems.append(f"{name}: no row for the cell {key}, which data/scores.csv has (the copy covers its table)")
    for key, (line, values) in sorted(cells.items(), key=lambda item: item[1][0]):
        if key not in first:
            if key[:2] in tables:
                problems.append(f"{name}, line {line}: the cell {key} is not in data/scores.csv")
            continue
        for column, value in values.items():
            theirs = first[key][column]
            same = value == theirs or (value is not None and theirs is not None and math.isclose(value, theirs))
            if not same:
                problems.append(
                    f"{name}, line {line}, column '{column}': {'a dash' if value is None else f'{value:g}'} here, "
                    f"{'a dash' if theirs is None else f'{theirs:g}'} in data/scores.csv for {key}"
                )
    return problems


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


@pytest.mark.parametrize("path", COPIES, ids=[p.name for p in COPIES])
def test_every_second_copy_agrees_with_scores_cell_by_cell(package, path):
    """Whatever its name, a CSV file in data/transcriptions/ is a second copy and must agree with scores.csv."""
    problems = second_copy_problems(package, path)
    assert not problems, "\n".join(problems)


def test_each_table_entered_twice_names_the_copy_that_covers_it(package):
    """score_tables.csv's `entry` names the second copy of each table entered twice, and that copy covers the
    table; every table a copy covers names that copy."""
    named = {}
    for r in package.score_tables.itertuples():
        for file in set(re.findall(r"data/transcriptions/[\w.-]+\.csv", r.entry)):
            named.setdefault(ROOT / file, set()).add((r.source, r.table))
    covered = {}
    for path in COPIES:
        with path.open(newline="", encoding="utf-8") as f:
            covered[path] = {(row["source"], row["table"]) for row in csv.DictReader(f)}
    assert named, "no table of data/score_tables.csv names a second copy in its `entry`"
    problems = [
        f"data/score_tables.csv: the entry of {table} names {_shown(path)}, "
        + ("which is not there" if path not in covered else "which does not cover that table")
        for path, tables in named.items()
        for table in sorted(tables - covered.get(path, set()))
    ] + [
        f"data/score_tables.csv: the entry of {table} does not name {_shown(path)}, its second copy"
        for path, tables in covered.items()
        for table in sorted(tables - named.get(path, set()))
    ]
    assert not problems, "\n".join(problems)


def test_a_copy_that_disagrees_is_named_by_file_line_and_column(package, tmp_path):
    """The comparison fails on a changed score or interval, a missing cell, an unknown column and an unknown model."""
    original = TRANSCRIPTIONS / "llama32-card-second-copy.csv"
    assert second_copy_problems(package, original) == []
    rows = list(csv.DictReader(original.open(newline="")))

    changed = tmp_path / "changed.csv"
    changed.write_bytes(original.read_bytes())
    edit_csv(changed, 3, "score", f"{float(rows[1]['score']) + 0.1:g}")
    assert second_copy_problems(package, changed) == [
        f"{changed}, line 3, column 'score': {float(rows[1]['score']) + 0.1:g} here, {float(rows[1]['score']):g} in "
        f"data/scores.csv for {tuple(rows[1][c] for c in KEY)}"
    ]

    short = tmp_path / "short.csv"
    lines = original.read_text().splitlines(keepends=True)
    short.write_text("".join(lines[:2] + lines[3:]))
    assert second_copy_problems(package, short) == [
        f"{short}: no row for the cell {tuple(rows[1][c] for c in KEY)}, which data/scores.csv has (the copy covers "
        "its table)"
    ]

    renamed = tmp_path / "renamed.csv"
    renamed.write_text(lines[0].replace(",score", ",scor") + "".join(lines[1:]))
    [problem] = second_copy_problems(package, renamed)
    assert (
        problem.startswith(f"{renamed}, line 1:")
        and "(missing: score)" in problem
        and "(not in the format: scor)" in problem
    )

    with_intervals = TRANSCRIPTIONS / "tables-9-22-second-copy.csv"
    interval = tmp_path / "interval.csv"
    interval.write_bytes(with_intervals.read_bytes())
    row = next(csv.DictReader(with_intervals.open(newline="")))  # line 2, a cell printed with its interval
    assert row["ci95"]
    edit_csv(interval, 2, "ci95", f"{float(row['ci95']) * 2:g}")
    assert second_copy_problems(package, interval) == [
        f"{interval}, line 2, column 'ci95': {float(row['ci95']) * 2:g} here, {float(row['ci95']):g} in "
        f"data/scores.csv for {tuple(row[c] for c in KEY)}"
    ]

    unknown = tmp_path / "unknown.csv"
    unknown.write_bytes(original.read_bytes())
    edit_csv(unknown, 2, "model", "no-such-model")
    problems = second_copy_problems(package, unknown)
    assert f"{unknown}, line 2, column 'model': 'no-such-model' is not a key of data/models.csv" in problems
    assert any(p.startswith(f"{unknown}: no row for the cell") for p in problems)


# Where the paper's Table 2 and Meta's model card print different numbers for the same
# Llama 3.1 model and benchmark. GPQA: the card's row is 0-shot without CoT ("em") while
# Table 2's is "(0-shot, CoT)", so the two are different settings, not a correction.
KNOWN_DIFFERENCES = {
    ("gpqa", "llama-3.1-8b-instruct"): (32.8, 30.4),
    ("gpqa", "llama-3.1-405b-instruct"): (51.1, 50.7),
}


def test_model_card_agrees_with_table2_except_known_differences():
    package = data.load(DATA)
    s = package.scores
    paper = s[s["table"] == "Table 2"]
    card = s[
        (s["source"] == "llama-models-model-card")
        & (s["table"] == "Instruction tuned models")
        & s["model"].str.startswith("llama-3.1-")
        & s["benchmark"].isin(paper["benchmark"])
    ]
    merged = card.merge(paper, on=["model", "benchmark"], suffixes=("_card", "_paper"))
    # MMLU has two rows (5-shot and 0-shot CoT) in both sources: pair them by shots.
    merged = merged[(merged["benchmark"] != "mmlu") | (merged["shots_card"] == merged["shots_paper"])]
    assert len(merged) == len(card) == 39  # every card row finds its Table 2 cell
    found = {
        (r.benchmark, r.model): (r.score_paper, r.score_card)
        for r in merged.itertuples()
        if r.score_paper != r.score_card
    }
    assert found == KNOWN_DIFFERENCES


def test_llama33_card_repeats_the_llama31_card_where_both_print_the_same_benchmark():
    """Every Llama 3.1 cell of the 3.3 card equals the 3.1 card's cell on the same benchmark and
    shots; GPQA Diamond and BFCL v2 are other versions (version_of), so they have no counterpart."""
    package = data.load(DATA)
    s = package.scores
    new = s[(s["source"] == "llama-models-model-card-3.3") & s["model"].str.startswith("llama-3.1-")]
    old = s[(s["source"] == "llama-models-model-card") & (s["table"] == "Instruction tuned models")]
    merged = new.merge(old, on=["model", "benchmark", "shots"], suffixes=("_new", "_old"))
    assert set(new["benchmark"]) - set(merged["benchmark"]) == {"gpqa-diamond", "bfcl-v2"}
    assert (merged["score_new"] == merged["score_old"]).all()
    versions = package.benchmarks.set_index("key")["version_of"]
    assert versions["gpqa-diamond"] == "gpqa" and versions["bfcl-v2"] == "bfcl"


# Where the two copies of Tables 29 and 30 read a footnote marker differently. The second copy,
# entered from another extraction of the PDF, puts Table 29's triangle ("results obtained using
# external OCR tools") on Gemini 1.5 Pro's TextVQA cell; the first copy puts it on Gemini 1.5 Pro's
# DocVQA cell, as two further readings of the paper do (the v3 text extraction prints "93.1△" on
# the DocVQA line). The first copy's reading is kept; every score agrees.
MARKER_DISAGREEMENTS = {
    ("Table 29", "TextVQA (val)", "gemini-1.5-pro"): ("", "△"),
    ("Table 29", "DocVQA (test)", "gemini-1.5-pro"): ("△", ""),
}


def test_tables_29_and_30_second_copy_places_the_markers_as_the_first_except_where_resolved(package):
    """The paper's vision tables (image understanding, Table 29; video, Table 30), entered twice independently
    (their scores and dashes are compared by the test above): the footnote markers agree except where the
    disagreement was resolved against the paper (MARKER_DISAGREEMENTS), and the column labels the second reader
    saw are the models' labels except Table 29's short "Claude 3.5"."""
    second = pd.read_csv(TRANSCRIPTIONS / "tables-29-30-second-copy.csv", keep_default_na=False)
    s = package.scores
    first = s[(s["source"] == "llama3-paper-v3") & s["table"].isin(set(second["table"]))]
    mine = {(r.table, r.row_label, r.model): "" if pd.isna(r.marker) else r.marker for r in first.itertuples()}
    theirs = {(r.table, r.row_label, r.model): r.marker for r in second.itertuples()}
    assert set(first["table"]) == {"Table 29", "Table 30"} and set(mine) == set(theirs)
    assert {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]} == MARKER_DISAGREEMENTS
    labels = package.models.set_index("key")["label_in_source"]
    mislabelled = {(r.model, r.model_label) for r in second.itertuples() if labels[r.model] != r.model_label}
    assert mislabelled <= {("claude-3.5-sonnet", "Claude 3.5"), ("gemini-1.0-ultra", "Gemini 1.0 Ultra")}


LLAMA32 = "llama-models-model-card-3.2-2024-09-25"  # the card as released
LLAMA32_LATER = "llama-models-model-card-3.2"  # the card after the quantized models were added


def test_llama32_second_copy_reads_the_labels_models_csv_records(package):
    """The Llama 3.2 card's two tables as released, entered twice (their cells are compared by the test above):
    the second reader's column labels for the models this card introduces are the labels models.csv records."""
    second = pd.read_csv(TRANSCRIPTIONS / "llama32-card-second-copy.csv")
    labels = package.models.set_index("key")["label_in_source"]
    own = second[second["model"].isin(package.models.loc[package.models["source"] == LLAMA32, "key"])]
    assert not own.empty and (own["model_label"] == own["model"].map(labels)).all()


def test_llama32_later_card_changes_exactly_the_footnoted_cells():
    """The later card's cells are the first version's cells whose footnote names the later value, each
    footnote names it, and every later cell differs from the first version's; the Portuguese row only drops
    a decimal."""
    s = data.load(DATA).scores
    first = s[s["source"] == LLAMA32].set_index(["table", "row_label", "model"])
    later = s[s["source"] == LLAMA32_LATER].set_index(["table", "row_label", "model"])
    footnoted = first[first["footnote"].fillna("").str.contains("llama-models-model-card-3.2")]
    assert set(later.index) == set(footnoted.index) and len(later) > 0
    for key, cell in later.iterrows():
        old = float(first.loc[key, "score"])
        assert f"{float(cell['score']):g}" in first.loc[key, "footnote"]
        assert f"{old:g}" in cell["footnote"] and old != float(cell["score"])
        if key[1].endswith("Portuguese"):
            assert round(old, 1) == float(cell["score"])
        for column in ("benchmark", "shots", "cot"):
            assert cell[column] == first.loc[key, column]


# Where the Llama 3.2 card's Llama 3.1 8B Instruct column differs from another source's cell on the same
# benchmark: GPQA (the 3.1 card's row is 0-shot without CoT; the 3.2 card's 32.8 is Table 2's CoT score),
# BFCL v2 (three printings of one benchmark at one gorilla commit), the two InfiniteBench tasks (the 3.2
# card's notes truncate the inputs to 128K tokens) and the Portuguese MMLU the later card rounds.
LLAMA32_KNOWN_DIFFERENCES = {
    ("gpqa", "llama-models-model-card", "GPQA"): (32.8, 30.4),
    ("bfcl-v2", "llama-models-model-card-3.3", "BFCL v2"): (70.9, 65.4),
    ("bfcl-v2", LLAMA32_LATER, "BFCL V2"): (70.9, 67.1),
    ("infinitebench-en-qa", "llama3-paper-v3", "InfiniteBench/En.QA"): (27.3, 27.1),
    ("infinitebench-en-mc", "llama3-paper-v3", "InfiniteBench/En.MC"): (72.2, 65.1),
    ("multilingual-mmlu-portuguese", LLAMA32_LATER, "MMLU (5-shot, macro_avg/acc), Portuguese"): (62.12, 62.1),
}


def test_llama32_card_llama31_column_agrees_with_the_other_sources_except_known_differences():
    """The Llama 3.1 8B Instruct cells of the Llama 3.2 card equal every other source's cell for the same
    model and benchmark in the same setting (shots where both state them, CoT), except LLAMA32_KNOWN_DIFFERENCES."""
    s = data.load(DATA).scores
    new = s[(s["source"] == LLAMA32) & (s["model"] == "llama-3.1-8b-instruct")]
    old = s[(s["source"] != LLAMA32) & (s["model"] == "llama-3.1-8b-instruct")]
    merged = new.merge(old, on=["model", "benchmark", "cot"], suffixes=("_new", "_old"))
    merged = merged[merged["shots_old"].isna() | (merged["shots_old"] == merged["shots_new"])]
    assert len(set(merged["benchmark"])) >= 10  # most of the card's rows have a counterpart
    found = {
        (r.benchmark, r.source_old, r.row_label_old): (r.score_new, r.score_old)
        for r in merged.itertuples()
        if r.score_new != r.score_old
    }
    assert found == LLAMA32_KNOWN_DIFFERENCES
