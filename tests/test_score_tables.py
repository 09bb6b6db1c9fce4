"""The printed score tables as data: metadata, the models each prints, other versions of a
benchmark, and the later models a page names when it cannot show them."""

import numpy as np
import pandas as pd
import pytest

from conftest import DATA
from herd.analyses.compute import scaling
from herd.base import formats, params
from herd.base.params import ParameterError
from herd.method import compare, rowwise, sample_sizes
from herd.presentation import compare_text, scaling_text, sizes_text
from herd.record import coverage, data, score_tables


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


def test_every_scores_table_has_its_metadata(package):
    printed = set(map(tuple, package.scores[["source", "table"]].drop_duplicates().to_numpy()))
    described = set(map(tuple, package.score_tables[["source", "table"]].to_numpy()))
    assert printed == described


def test_read_gives_the_table_its_models_and_a_citation(package):
    t = score_tables.read(package, "llama3-paper-v3", "Table 2")
    assert t.name == "the paper's Table 2" and t.page == 3 and t.highlight
    assert len(t.rows) == 16 and len(t.models) == 11
    assert t.citation.endswith("Table 2, p. 3")
    card = score_tables.read(package, "llama-models-model-card-3.3", "Instruction tuned models")
    assert card.models == [
        "llama-3.1-8b-instruct",
        "llama-3.1-70b-instruct",
        "llama-3.3-70b-instruct",
        "llama-3.1-405b-instruct",
    ]
    assert not card.highlight and "marks no best result" in card.reading()


def test_an_unknown_table_lists_the_tables_there_are(package):
    with pytest.raises(
        ParameterError, match=r"no score table 'llama3-paper-v3': 'Table 99'.*'llama3-paper-v3: Table 2'"
    ):
        score_tables.read(package, "llama3-paper-v3", "Table 99")


@pytest.mark.slow
def test_other_versions_pair_gpqa_diamond_with_gpqa_and_never_mix_them(package):
    card = score_tables.read(package, "llama-models-model-card-3.3", "Instruction tuned models")
    v = score_tables.other_versions(package, card.cells[card.cells["model"] == "llama-3.1-405b-instruct"])
    assert set(zip(v["benchmark"], v["other"])) == {("gpqa-diamond", "gpqa"), ("bfcl-v2", "bfcl")}
    gpqa = v[v["benchmark"] == "gpqa-diamond"].set_index("other_where")["other_score"]
    assert gpqa["the paper's Table 2"] == 51.1 and gpqa["the Llama 3.1 model card's instruction-tuned table"] == 50.7
    # no judged pair in any table compares two versions: judging is per table and row
    judged = compare.judge_package(package, "llama-models-model-card-3.3", "Instruction tuned models")
    assert set(judged["benchmark"]) >= {"gpqa-diamond", "bfcl-v2"} and "gpqa" not in set(judged["benchmark"])


@pytest.mark.slow
def test_the_card_invites_equivalence_and_the_book_answers_with_its_margin(package):
    pair = [("llama-3.3-70b-instruct", "llama-3.1-405b-instruct")]
    source, table = "llama-models-model-card-3.3", "Instruction tuned models"
    judged = compare.judge_package(package, source, table, pairs=pair, question=compare.EVERY)
    seen = compare.orient(judged, "llama-3.3-70b-instruct", ["llama-3.1-405b-instruct"]).set_index("row_label")
    assert seen.loc["BFCL v2", "difference"] == "no test"  # macro average without recorded subset sizes
    assert seen.loc["MMLU Pro (CoT)", "difference"] == "behind" and seen.loc["MATH (CoT)", "difference"] == "ahead"
    assert seen.loc["HumanEval", "difference"] == "not resolved"  # 164 problems: neither way
    assert (seen["family"] == compare.EVERY).all() and (seen["level"].dropna() == 0.05).all()
    # "at least as good" (non-inferiority) passes where the smaller model is ahead, and not where it is behind
    assert seen.loc["MATH (CoT)", "noninferior"] and not seen.loc["MMLU Pro (CoT)", "noninferior"]
    # at its own level, equivalence within ±2 could be shown on the big test sets at these scores
    reach = rowwise.equivalence_reachable(seen.reset_index(), 2.0)
    assert reach.dropna().astype(bool).sum() >= 3
    wide = compare.orient(
        compare.judge_package(package, source, table, compare.Rules(margin=20.0), pairs=pair, question=compare.EVERY),
        "llama-3.3-70b-instruct",
    )
    tested = wide[wide["difference"] != "no test"]
    assert (tested["equivalence"] == "equivalent").all()


def test_describe_pair_gives_both_readings_and_names_the_rows():
    seen = pd.DataFrame(
        {
            "row_label": ["A", "B", "C", "D"],
            "difference": ["behind", "ahead", "not resolved", "no test"],
            "equivalence": ["not shown", "equivalent", "not shown", "no test"],
            "noninferior": [False, True, True, False],
            "testable": [True, True, True, False],
            "eq_level": [0.05, 0.05, 0.05, np.nan],
            "focus_score": [50.0, 60.0, 70.0, 80.0],
            "competitor_score": [55.0, 59.0, 69.0, 80.0],
            "n": [100000.0, 100000.0, 100.0, np.nan],
            "kind": ["proportion"] * 4,
        }
    )
    claims = rowwise.readings(seen, 2.0, 0.05)
    p = formats.p_text(rowwise.margin_pvalues(seen, 2.0).loc[0, "p_below"])
    text = compare_text.describe_pair(seen, "Small", "Large", 2.0, claims)
    # A refutes both readings: "no", with the row, its one-sided test and the level α/k it passes
    assert text == (
        "As good as (equivalent within ±2 points on every benchmark): no: on A Small is shown more than 2 points "
        f"behind (one-sided {p}, below α/6 = 0.0083: a test on each side of each of the 3 tested benchmarks, any "
        "one of which can refute it); equivalence is shown on 1 of the 3 (B). At least as good as (not behind by 2 "
        f"points or more on every benchmark): no: on A Small is shown more than 2 points behind (one-sided {p}, "
        "below α/3 = 0.017: a test on each of the 3 tested benchmarks, any one of which can refute it); "
        "non-inferiority is shown on 2 of the 3 (B, C). The differences: Large is ahead on 1 (A); Small is ahead on "
        "1 (B); 1 gap is not resolved either way. 1 cannot be tested (D). At these scores and test-set sizes, no gap "
        "could have been shown equivalent within ±2 points on 1 of the 3 (C)."
    )
    assert compare_text.pair_summary(seen, 2.0, claims).startswith(
        "Within ±2 points everywhere: no (refuted on A; shown on 1 of 3 testable); at least as good: no (refuted on A"
    )
    # every tested row passes, but D cannot be tested: the claim on every row is capped at not resolved
    passing = seen.iloc[1:]
    claims = rowwise.readings(passing, 2.0, 0.05)
    text = compare_text.describe_pair(passing, "Small", "Large", 2.0, claims)
    assert (
        "At least as good as (not behind by 2 points or more on every benchmark): not resolved (shown on every "
        "testable benchmark, but D cannot be tested); non-inferiority is shown on 2 of the 2 (B, C)" in text
    )
    # C does not show equivalence, but no row shows a gap beyond the margin: not resolved, not "no"
    assert (
        "As good as (equivalent within ±2 points on every benchmark): not resolved: no benchmark shows a gap beyond ±2 "
        "points, and D cannot be tested; equivalence is shown on 1 of the 2 (B)" in text
    )
    assert compare_text.pair_summary(passing, 2.0, claims).endswith(
        "at least as good: not resolved (shown on 2 of 2); 1 benchmark cannot be tested."
    )
    tested = passing.iloc[:2]
    assert compare_text.pair_summary(tested, 2.0, rowwise.readings(tested, 2.0, 0.05)).endswith(
        "at least as good: yes (shown on 2 of 2)."
    )


def test_later_models_are_those_released_after_llama_31(package):
    """Read from models.csv: every model dated after the last Llama 3.1 release, oldest first, and
    nothing of the Llama 3.1 family itself."""
    later = coverage.later_models(package)
    models = package.models
    release = models.loc[models["family"] == coverage.RELEASE_FAMILY, "release_date"].max()
    assert not later.empty and set(later["key"]) == set(models.loc[models["release_date"] > release, "key"])
    assert (later["family"] != coverage.RELEASE_FAMILY).all() and later["release_date"].is_monotonic_increasing
    assert coverage.note(package, list(later["key"]), "x") == ""
    # base and instruct count as one: a page showing a later model's base model covers it
    bases = [k.removesuffix("-instruct") for k in later["key"]]
    assert coverage.note(package, bases, "x") == ""
    names = [f"{r.name} (released {pd.Timestamp(r.release_date):%Y-%m-%d})" for r in later.itertuples()]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "is" if len(names) == 1 else "are"
    assert coverage.note(package, [], "no reason") == f"{listed} {verb} not on this page: no reason."
    one = later.iloc[-1]
    assert coverage.note(package, [k for k in later["key"] if k != one["key"]], "why").startswith(f"{one['name']} (")


def test_coverage_note_is_singular_for_one_model_and_lists_several():
    models = pd.DataFrame(
        {
            "key": ["old", "new-a", "new-b-instruct"],
            "name": ["Old", "New A", "New B"],
            "family": [coverage.RELEASE_FAMILY, "x", "x"],
            "release_date": pd.to_datetime(["2024-07-23", "2024-09-25", "2024-12-06"]),
        }
    )

    class Package:
        pass

    fake = Package()
    fake.models = models
    assert coverage.note(fake, [], "why") == (
        "New A (released 2024-09-25) and New B (released 2024-12-06) are not on this page: why."
    )
    assert coverage.note(fake, ["new-a", "new-b"], "why") == ""
    assert coverage.note(fake, ["new-a"], "why") == "New B (released 2024-12-06) is not on this page: why."
    # the reason's pronouns follow the count too
    why = "{they} {was} released after the post, which does not name {it} or {its} scores"
    assert coverage.note(fake, [], why).endswith(
        "are not on this page: they were released after the post, which does not name them or their scores."
    )
    assert coverage.note(fake, ["new-a"], why).endswith(
        "is not on this page: it was released after the post, which does not name it or its scores."
    )


def test_scaling_places_every_described_model_by_size_and_says_which_share_a_point(package):
    """Read from the data: models ordered by the parameters their facts give, and the sentence names
    every group of models whose size, tokens and GPU hours are the same."""
    described = sorted(set(package.model_facts["model"]))
    ordered = scaling.models_by_size(package, described)
    assert sorted(ordered) == described
    points = scaling.model_points(package, ordered)
    assert points["params"].is_monotonic_increasing
    groups = [
        list(g["name"].str.replace(" (pre-trained)", "", regex=False))
        for _, g in points.groupby(["params", "tokens", "gpu_hours"], sort=False)
    ]
    sentence = scaling_text.shared_points(points)
    shared = [g for g in groups if len(g) > 1]
    assert (sentence == "") == (not shared)
    for group in shared:
        assert all(name in sentence for name in group)
    alone = points.drop_duplicates(["params", "tokens", "gpu_hours"])
    assert scaling_text.shared_points(alone) == ""


def test_shared_points_sentence():
    points = pd.DataFrame(
        {
            "name": ["A (pre-trained)", "B", "C", "D"],
            "params": [1.0, 1.0, 2.0, 1.0],
            "tokens": [5.0, 5.0, 5.0, 5.0],
            "gpu_hours": [9.0, 9.0, 9.0, 9.0],
        }
    )
    assert scaling_text.shared_points(points) == (
        "The sources print the same size, training tokens and GPU hours for A, B and D: on the charts they share "
        "one point."
    )
    assert scaling_text.shared_points(points.iloc[[0, 2]]) == ""


def test_the_benchmarks_chapter_tables(package):
    t2 = score_tables.read(package, "llama3-paper-v3", "Table 2")
    names = package.models.set_index("key")["name"]
    assert score_tables.others(t2, "gpt-4o") == [m for m in t2.models if m != "gpt-4o"]
    assert score_tables.capitalized("the paper's Table 2") == "The paper's Table 2"
    sizes = sizes_text.sizes_table(package, t2).set_index("benchmark")
    assert len(sizes) == len(score_tables.benchmarks_of(package, t2)) == t2.cells["benchmark"].nunique()
    assert sizes.loc["MGSM", "N used"].startswith("250") and sizes.loc["MMLU", "N used"].startswith(
        "57 subsets of 100–1,534"
    )
    assert sizes["source of N"].str.startswith("<a href=").all()
    notes = sizes_text.size_notes(package, t2)
    assert notes.startswith("**Notes on N.**\n\n- *")
    # a macro average's note says what its test uses: the variance bound over its subsets at this table's scores,
    # the smallest and largest effective N there, and that the subsets' sum is only the total
    nexus = next(line for line in notes.splitlines() if line.startswith("- *Nexus*"))
    subsets = package.benchmark_subsets.query("benchmark == 'nexus'")["n"]
    at = [sample_sizes.macro_average_n(subsets, v) for v in t2.cells.query("benchmark == 'nexus'")["score"].dropna()]
    assert (
        f"The test uses the variance bound over its {len(subsets)} subsets (effective N "
        f"{formats.span(min(at), max(at))} at this table's scores); {formats.count(subsets.sum())} is the total."
    ) in nexus
    assert "approximation" not in nexus and min(at) < subsets.sum()
    marked = score_tables.footnoted(t2, names)
    assert len(marked) and marked["model"].isin(set(names)).all()
    assert score_tables.footnote_sentence(marked).startswith(
        f"The table's footnotes say that {len(marked)} of its cells"
    )
    assert score_tables.footnote_sentence(marked.iloc[:0]).startswith("No cell of the table carries a footnote")
    shown = score_tables.cells_of(t2, ["gpt-4o"], names)
    assert set(shown["model_name"]) == {"GPT-4o"}


def test_other_versions_text_names_both_versions(package):
    card = score_tables.read(package, "llama-models-model-card-3.3", "Instruction tuned models")
    names = package.models.set_index("key")["name"]
    text = score_tables.other_versions_text(package, card, ["llama-3.3-70b-instruct", "llama-3.1-405b-instruct"], names)
    assert text.startswith("**Other versions of the same benchmark.**") and "*GPQA Diamond* is not *GPQA*" in text
    t2 = score_tables.read(package, "llama3-paper-v3", "Table 21")
    assert score_tables.other_versions_text(package, t2, ["llama-3.1-405b-instruct"], names) == ""


def test_overview_counts_each_tables_cells(package):
    o = score_tables.overview(package).set_index(["source", "table"])
    t2 = o.loc[("llama3-paper-v3", "Table 2")]
    assert (t2["models"], t2["rows"]) == (11, 16) and t2["printed"] <= t2["cells"] == 16 * 11


def test_a_model_the_chosen_table_does_not_print_is_refused_with_the_tables_that_do(package):
    printed = score_tables.read(package, "llama3-paper-v3", "Table 2")
    scores = package.scores
    elsewhere = sorted(set(scores["model"]) - set(printed.models))[0]
    tables = scores.loc[scores["model"] == elsewhere, ["source", "table"]].drop_duplicates()
    with pytest.raises(ParameterError) as info:
        params.check(
            "focus_model", elsewhere, str, choices=printed.models, hint=score_tables.printing(package, elsewhere)
        )
    message = str(info.value)
    assert f"parameter 'focus_model' = {elsewhere!r} is not allowed" in message
    for source, table in zip(tables["source"], tables["table"]):
        assert f"'{source}: {table}'" in message
    assert "`source` and `table`" in message
    assert score_tables.printing(package, "no-such-model") == "no table of data/scores.csv prints 'no-such-model'"


def _second_copies(package) -> int:
    """The printed tables whose ``entry`` names a file of data/transcriptions/ (their second copy)."""
    copies = {p.name for p in (DATA / "transcriptions").glob("*.csv")}
    return sum(any(c in e for c in copies) for e in package.score_tables["entry"])


def test_the_tables_entered_twice_are_those_whose_entry_names_a_second_copy(package):
    entry = score_tables.entry_summary(package)
    twice, total = _second_copies(package), len(package.score_tables)
    assert (entry["n_twice"], entry["n_tables"]) == (str(twice), str(total)) and 0 < twice < total


def test_the_entry_summary_groups_the_second_copies_and_names_every_table_entered_once(package):
    entry = score_tables.entry_summary(package)
    twice, total = _second_copies(package), len(package.score_tables)
    once = package.score_tables[~package.score_tables["entry"].str.contains("data/transcriptions/", regex=False)]
    assert (entry["n_twice"], entry["n_tables"], entry["n_once"]) == (str(twice), str(total), str(len(once)))
    # the groups add up to the tables entered twice: the paper's numbered tables are counted, the others named
    paper = package.score_tables.query("source == 'llama3-paper-v3'")
    assert f"the paper's {len(paper)} tables (Tables 2, 9–14, 17–22 and 29–30), independently" in entry["twice"]
    assert "the Llama 3.3 model card's instruction-tuned table, independently" in entry["twice"]
    assert "the Llama 3.2 model card's instruction-tuned and multilingual tables, by one contributor" in entry["twice"]
    # every table entered once is listed by name with its cells and how it was checked
    lines = entry["once"].split("\n")[2:]
    assert len(lines) == len(once)
    for line, name in zip(lines, once["name"]):
        assert line.startswith(f"- {score_tables.capitalized(name)} (") and line.endswith(".")
    base = score_tables.overview(package).query("table == 'Base pretrained models'")["printed"].iloc[0]
    assert f"base pretrained table ({base} cells): spot-checked (tests/test_data.py)." in entry["once"]


def test_numbered_tables_are_written_as_runs():
    assert (
        score_tables._numbered(["Table 2", "Table 9", "Table 10", "Table 11", "Table 29", "Table 30"])
        == "2, 9–11 and 29–30"
    )
