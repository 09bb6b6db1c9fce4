import pandas as pd

from conftest import DATA
from herd.method import sample_sizes
from herd.presentation import sizes_text
from herd.record import data, provenance


def test_disagreements_include_the_known_ones():
    d = provenance.disagreements(data.load(DATA).scores)
    found = {(r.model, r.benchmark, r.score_a, r.score_b) for r in d.itertuples()}
    assert ("gpt-4-0125", "infinitebench-en-mc", 72.1, 72.0) in found  # Table 2 vs Table 21
    assert ("llama-3.1-70b-instruct", "gpqa", 46.7, 41.7) in found  # model card before and after its correction
    assert ("llama-3.1-405b", "winogrande", 86.7, 82.2) in found  # model card vs Table 11
    # MMLU 5-shot and MMLU 0-shot CoT are different measurements, never paired
    mmlu = d[(d["benchmark"] == "mmlu")]
    assert mmlu.empty


def test_disagreement_setting_labels():
    d = provenance.disagreements(data.load(DATA).scores)
    gpqa405 = d[(d["model"] == "llama-3.1-405b-instruct") & (d["benchmark"] == "gpqa")].iloc[0]
    assert gpqa405["setting"] == "CoT in one, not the other"


def test_effective_sizes_invert_printed_intervals():
    package = data.load(DATA)
    sizes = sample_sizes.effective_sizes(package.benchmarks, package.scores).set_index("benchmark")
    assert sizes.loc["humaneval", "basis"] == "official" and sizes.loc["humaneval", "n"] == 164
    assert sizes.loc["zeroscrolls-quality", "n"] == 21  # 17/21, 19/21, 20/21 with the printed CIs
    assert pd.isna(sizes.loc["triviaqa-wiki", "n"])  # no official size and no printed interval
    # one rule for the three ZeroSCROLLS tasks, whatever the metric: the one N their printed intervals imply (the
    # cold read's own inversion: 27.9–28.1 on every Qasper cell, 79–80 on every SQuALITY cell)
    printed = package.scores.dropna(subset=["ci95"])
    for key, n in [("zeroscrolls-quality", 21), ("zeroscrolls-qasper", 28), ("zeroscrolls-squality", 80)]:
        cells = printed[printed["benchmark"] == key]
        implied = [sample_sizes.n_from_ci(s, h) for s, h in zip(cells["score"], cells["ci95"])]
        assert len(implied) >= 3 and sample_sizes.implies_one_n(
            min(implied), max(implied), float(pd.Series(implied).median())
        )
        assert sizes.loc[key, "basis"] == f"implied by {len(implied)} printed CIs" and sizes.loc[key, "n"] == n
        assert pd.isna(package.benchmarks.set_index("key").loc[key, "n_items"])  # no README count overrides it
    assert sizes_text.sizes_text(package, ["zeroscrolls-quality", "zeroscrolls-qasper", "zeroscrolls-squality"]) == (
        "21, 28 and 80"
    )


def test_coverage_counts_cells():
    cover = provenance.coverage(data.load(DATA).scores)
    t2 = cover[cover["table_ref"] == "llama3-paper-v3 · Table 2"]
    assert t2["cells"].sum() == 176 and t2["printed"].sum() == 153


def test_one_format_for_every_source_reference():
    package = data.load(DATA)
    assert data.place("Table 2", 3) == "Table 2, p. 3" and data.place("Table 2", float("nan")) == "Table 2"
    assert data.cell_reference("llama3-paper-v3", "Table 2", 3.0) == "llama3-paper-v3 · Table 2, p. 3"
    assert data.cite(package, "llama3-paper-v3", "Table 2", 3).endswith(", Table 2, p. 3")
    row = package.scores.iloc[0]
    assert provenance.cell_reference(row) == data.cell_reference(row["source"], row["table"], row["page"])


def test_the_data_chapters_tables():
    package = data.load(DATA)
    overview = data.overview(package)
    assert list(overview["table"]) == list(package.tables) and overview["rows"].sum() == data.row_count(package)
    scores = data.schema_table(package, "scores").set_index("column")
    assert "percent" in scores.loc["scale", "allowed"] and scores.loc["model", "required"] == "yes"
    assert data.schema_caption(package, "scores").endswith(f"(data/scores.csv, {len(package.scores):,} rows)")
    sources = provenance.sources_table(package).set_index("key")
    assert (
        sources["rows citing it"].sum() >= len(package.scores)
        and sources.loc["llama3-paper-v3", "rows citing it"] > 100
    )
    assert not sources["version"].astype(str).str.fullmatch(r"[0-9a-f]{40}").any()  # commits are shortened
    cells = provenance.coverage_cells(package)
    assert (
        set(cells["covered_by"]) <= {"paper only", "model card only", "paper and model card"}
        and cells["model_name"].notna().all()
    )
    only_t2 = provenance.coverage_cells(package, ["Table 2"])
    assert len(only_t2) < len(cells) and set(only_t2["covered_by"]) == {"paper only"}
    shown = provenance.disagreement_table(package, provenance.disagreements(package.scores))
    assert shown["model"].isin(set(package.models["name"])).all()
    overview = data.overview(package, rows_are={"claims": "counted"}).set_index("table")["a row is"]
    assert overview["claims"] == "counted" and overview["scores"] == package.resource("scores")["description"]


def test_each_disagreeing_value_is_shown_as_its_source_prints_it():
    package = data.load(DATA)
    places = provenance.stored_decimals(package)
    assert len(places) == len(package.scores) and places[package.scores["score"].isna()].isna().all()
    printed = package.scores.assign(places=places)
    two = printed[printed["places"] == 2]
    assert len(two) and (two["score"] * 100 % 10).round(6).ne(0).any()  # such as 62.12
    assert (printed.loc[printed["places"] == 1, "score"] % 1).round(6).eq(0).any()  # a trailing zero is kept: 72.0
    disagree = provenance.disagreements(provenance.scores_as_printed(package))
    shown = provenance.disagreement_table(package, disagree)
    for side in ("a", "b"):
        # every value written back is the stored one, to its own places: nothing is rounded away or padded
        assert [float(v.replace(",", "")) for v in shown[f"score_{side}"]] == list(disagree[f"score_{side}"])
        assert [len(v.partition(".")[2]) for v in shown[f"score_{side}"]] == list(disagree[f"decimals_{side}"])
    # a disagreement never reads as no difference: 62.12 against 62.1 is -0.02, not 0.0
    assert all(float(d) != 0 for d in shown["difference"])
    assert (shown["difference"].str.len() > 0).all() and "-0.02" in set(shown["difference"])


def test_inversion_table_and_its_agreement_with_official_sizes():
    package = data.load(DATA)
    inversion = sizes_text.inversion_table(package)
    assert inversion["n_from_ci_min"].notna().all() and (inversion["n_from_ci_min"] <= inversion["n_from_ci_max"]).all()
    a = sample_sizes.inversion_agreement(inversion)
    assert a["n_official_checked"] == inversion["test_set_size"].notna().sum() >= a["n_official_consistent"] > 0
    # a macro average with recorded subsets has no one N used: its tests use the variance bound, as its basis says
    nexus = inversion.set_index("name").loc["Nexus"]
    assert pd.isna(nexus["n"]) and nexus["basis"].startswith("the test uses the variance bound over its 8 subsets")
    assert nexus["basis"].endswith(f"{int(nexus['test_set_size'])} is the total")
    made_up = pd.DataFrame(
        {"test_set_size": [100.0, 100.0, None], "n_from_ci_min": [95.0, 50.0, 3.0], "n_from_ci_max": [109.0, 60.0, 4.0]}
    )
    assert sample_sizes.inversion_agreement(made_up) == {"n_official_checked": 2, "n_official_consistent": 1}
    # what the chapter says it checks: a range that only reaches within 10 % counts, though its lowest is 20 % below
    reaching = pd.DataFrame({"test_set_size": [100.0], "n_from_ci_min": [80.0], "n_from_ci_max": [91.0]})
    assert sample_sizes.INVERSION_TOLERANCE == 0.1
    assert sample_sizes.inversion_agreement(reaching)["n_official_consistent"] == 1
    assert sample_sizes.inversion_agreement(reaching.assign(n_from_ci_max=[89.0]))["n_official_consistent"] == 0
