"""The contamination chapter's numbers, computed by functions: the planted-copy findings and
the headline built from them, the AUC comparison, the null simulation over every row of
Table 15 at each benchmark's full N, and the scanner's throughput from the bench results.
Each erratum of the chapter has a test here that the old statement fails."""

import json

import numpy as np
import pandas as pd
import pytest

from herd.analyses.contamination import planting, selection, throughput
from herd.method import montecarlo, sample_sizes
from herd.presentation import planting_text, selection_text, throughput_text
from herd.record import data


@pytest.fixture(scope="module")
def package():
    return data.load()


# ------------------------------------------------------------------ planted copies and the headline


def _planted_scores():
    return pd.DataFrame(
        {
            "id": [f"x{i}" for i in range(8)],
            "planted": ["whole", "whole", "part", "part", "none", "none", "none", "none"],
            "token_match": [0.99, 0.98, 0.52, 0.44, 0.43, 0.0, 0.1, 0.0],
            "longest_match": [120, 110, 40, 35, 6, 0, 3, 0],
            "word13_match": [True, True, True, True, False, False, False, False],
        }
    )


def test_findings_say_both_what_crosses_the_threshold_and_what_the_word_rule_finds():
    """The old headline gave only 'up to 43 % of tokens'; the findings carry the two facts
    that belong beside it: how many unplanted problems cross the threshold (none here), and
    how many partial copies the 13-gram rule finds (all)."""
    f = planting.findings(_planted_scores(), 0.5)
    assert f["none"] == {"examples": 4, "over_threshold": 0, "word13": 0}
    assert f["part"] == {"examples": 2, "over_threshold": 1, "word13": 2}
    assert f["whole"]["over_threshold"] == 2 and f["max_unplanted"] == 0.43 and f["share_unplanted_any"] == 0.5
    assert planting_text.how_many(f["none"]["over_threshold"], f["none"]["examples"]) == "none of the 4"
    assert planting_text.how_many(f["part"]["word13"], f["part"]["examples"]) == "every one of the 2"
    assert planting_text.how_many(1, 2) == "1 of the 2"


def test_summary_and_aucs_tables():
    numbers = planting.summary(_planted_scores(), 0.5)
    assert list(numbers["over_threshold"]) == [2, 1, 0] and list(numbers["word13"]) == [2, 2, 0]
    s = planting_text.summary_table(numbers, 0.5)
    assert list(s["planted"]) == ["whole", "part", "none"]
    counts = [cell.split(" ")[0] for cell in s["TOKEN-MATCH > 0.5 (95 % interval)"]]
    assert counts == ["2", "1", "0"] and s["13-gram word rule (95 % interval)"][2] == "0 (0–49 %)"
    a = planting.aucs(_planted_scores()).set_index("rule")
    assert a.loc["TOKEN-MATCH (share of tokens)", "planted whole vs none"] == 1.0


def test_detection_rates_carry_wilson_intervals():
    """The rates of planted copies found (20 of 20) were printed bare; their Wilson interval says how little
    20 copies pin a rate down. At k = n and k = 0 the interval has a closed form: n/(n + z²) to 1, 0 to
    z²/(n + z²)."""
    z2 = 1.959963984540054**2
    assert planting_text.rate_interval(20, 20) == f"{100 * 20 / (20 + z2):.0f}–100 %" == "84–100 %"
    assert planting_text.rate_interval(0, 124) == f"0–{100 * z2 / (124 + z2):.0f} %" == "0–3 %"
    low, high = (float(v) for v in planting_text.rate_interval(10, 20).rstrip(" %").split("–"))
    assert low < 50 < high and 100 - high == pytest.approx(low, abs=1)  # symmetric about a half
    with pytest.raises(ValueError, match="rate_bounds"):
        planting_text.rate_interval(3, 2)


def test_the_auc_sentence_never_claims_a_difference_its_table_does_not_show():
    """The chapter said the longest run separates part copies 'with an AUC of 0.995, against
    0.995' for the share of tokens, as if one were better; the comparison is made on the values
    as printed."""
    assert planting_text.compare(0.995, 0.995) == "as well as"
    assert planting_text.compare(0.99514, 0.99486, digits=3) == "as well as"
    assert planting_text.compare(0.98, 0.95) == "better than" and planting_text.compare(0.90, 0.95) == "worse than"


# ------------------------------------------------------------------ the null simulation


@pytest.fixture(scope="module")
def null_table(package):
    sizes = sample_sizes.package_sizes(package).set_index("benchmark")
    names = package.benchmarks.set_index("key")["name"]
    return selection.package_null(package, reps=20, seed=0), sizes, names


@pytest.mark.slow
def test_every_row_of_table_15_is_simulated_or_says_why(package, null_table):
    """The chapter skipped BoolQ, HellaSwag and NaturalQuestions silently ('if pd.isna(n):
    continue') while saying 'each benchmark of Table 15'."""
    (null, reported), sizes, names = null_table
    t15 = package.contamination
    assert len(reported) == len(t15)
    assert list(reported["benchmark"]) == [names[k] for k in t15["benchmark"]]
    blank = t15["gain_405b"].isna().to_numpy()
    assert (reported["not_simulated"][blank] != "").all() and (reported["not_simulated"][~blank] == "").all()
    assert reported["not_simulated"][blank].str.startswith("no gain reported").all()
    for key in ("boolq", "hellaswag", "naturalquestions"):
        row = reported[reported["benchmark"] == names[key]].iloc[0]
        assert row["not_simulated"] == "" and row["n"] == int(
            package.benchmarks.set_index("key").loc[key, "test_set_size"]
        )
        assert 0 <= row["null_picked"] <= 1 and np.isfinite(row["p_value"])
    assert set(null["benchmark"]) <= set(reported["benchmark"]) and len(null) > 0


@pytest.mark.slow
def test_null_counts_what_the_chapter_writes(package, null_table):
    (_, reported), _, _ = null_table
    simulated = selection.simulated(reported)
    assert len(package.contamination) == len(reported) and (simulated["not_simulated"] == "").all()
    found = selection.counts(reported)
    plain = montecarlo.decide(simulated["beyond"], simulated["picks"], 0.05, "none")
    assert found["rows"] == len(simulated) and found["uncorrected"] == int(
        (plain["decision"] == montecarlo.BEYOND).sum()
    )
    assert found["corrected"] <= found["uncorrected"] and found["corrected"] + found["open"] <= found["rows"]
    # the Monte Carlo p-value counts the draws at least as large, plus one, never zero
    assert (simulated["p_value"] == (simulated["beyond"] + 1) / (simulated["picks"] + 1)).all()
    assert int(simulated["accuracy_source"].str.startswith("not published").sum()) >= 1  # HellaSwag


def test_table15_as_shown_letters_each_distinct_reason_once(package):
    shown, notes = selection_text.table15(package)
    t15 = package.contamination
    assert list(shown.columns) == ["benchmark", "contaminated (%)", "gain 8B", "gain 70B", "gain 405B", "why blank"]
    assert len(shown) == len(t15) and shown["benchmark"].notna().all()
    assert list(notes["note"]) == list("abcdefgh"[: len(notes)]) and len(notes) == t15["blank_reason"].nunique()
    assert (shown["why blank"].isna() == t15["blank_reason"].isna()).all()


@pytest.mark.slow
def test_n_is_the_full_test_set_size_not_capped(package, null_table):
    """The column said 'N (capped at 5,000)' and showed larger values while the simulation
    used 5,000: WorldSense's null was about four times too wide. N is now the size itself."""
    (_, reported), sizes, names = null_table
    simulated = reported[reported["not_simulated"] == ""].set_index("benchmark")
    keys = {names[k]: k for k in sizes.index if k in names}
    for name, row in simulated.iterrows():
        assert row["n"] == sizes.loc[keys[name], "n"]
    assert (simulated["n"] > 5000).sum() >= 4 and simulated.loc[names["worldsense"], "n"] == 87048


@pytest.mark.slow
def test_the_null_narrows_with_n():
    """At the full N the chance gains are smaller than at a capped N: the cap widened the null."""
    small = selection.simulate(5000, [0.455, 0.611, 0.637], selection.THRESHOLDS, reps=60, seed=1)
    large = selection.simulate(87048, [0.455, 0.611, 0.637], selection.THRESHOLDS, reps=60, seed=1)
    spread = lambda s: s.loc[s["picked"], "gain_2"].abs().median()  # noqa: E731
    assert spread(large) < spread(small) / 2


def test_accuracies_come_from_the_paper_then_the_model_card_then_the_widest_null(package):
    accs, source = selection.accuracies(package.scores, "worldsense")
    assert source == "paper, pre-trained tables" and all(0 < a < 1 for a in accs)
    accs, source = selection.accuracies(package.scores, "boolq")
    assert source == "model card, base models" and accs == [0.75, 0.794, 0.8]
    accs, source = selection.accuracies(package.scores, "hellaswag")
    assert source.startswith("not published") and accs == [0.5, 0.5, 0.5]


def test_new_sizes_have_sources(package):
    b = package.benchmarks.set_index("key")
    sources = set(package.sources["key"])
    for key, n in (("boolq", 3270), ("hellaswag", 10042), ("naturalquestions", 3610)):
        assert b.loc[key, "test_set_size"] == n and b.loc[key, "size_source"] in sources
        assert "paper" in b.loc[key, "size_note"]  # says the paper prints no interval to check it against


# ------------------------------------------------------------------ throughput


def _results():
    return {
        "benchmark_source": "25% paragraphs of Debian's English manuals (seed 0), the rest docstring paragraphs",
        "engines": {
            "megabytes": 100.0,
            "ratios": {"dask_two_workers_vs_one": 1.8},
            "seconds": {
                "serial": 2.0,
                "two_workers": 1.1,
                "dask_two_workers": 1.2,
                "tokenize_only": 10.0,
                "janitor": 20.0,
            },
        },
        "machine": {"cpus": 2, "load_average_1min": {"start": 1.0, "end": 1.5, "max": 2.25}},
        "corpus": {
            "megabytes": 100.0,
            "parts_megabytes": {
                "code": 90.0,
                "licences and boilerplate": 2.0,
                "prose": 6.5,
                "shared prose (a third of the manuals' pages)": 1.5,
            },
        },
        "sweep": [
            {
                "examples": n,
                "share_tokenized": share,
                "mb_per_s_per_core": {"scanner": r, "full_plan": full, "tokenize_only": 10.0},
                "ratio_vs_tokenize_only": r / 10,
                "full_plan_vs_tokenize_only": full / 10,
                "index_seconds": 0.1 * n / 1000,
                "command_line": {"peak_mib": 200 + n / 100},
                # processor seconds per round: bare tokenization 10 s; the scanner at about r/10 times its speed
                "rounds": [{"tokenize_only": 10.0, "scanner": 10.0 / (r / 10 * k)} for k in (0.9, 1.0, 1.1)],
            }
            for n, share, r, full in ((164, 0.003, 50.0, 9.0), (15000, 0.08, 30.0, 8.0))
        ],
    }


def test_terabyte_hours_are_extrapolated_from_the_measured_rates():
    assert throughput.hours_per_terabyte(10.0, 64, 0.9) == pytest.approx(1e12 / (10e6 * 64 * 0.9) / 3600)
    assert throughput.dask_efficiency(_results()) == 0.9
    table = throughput.sweep(_results(), cores=64)
    assert list(table["examples"]) == [164, 15000]
    assert table["1 TB on 64 cores, scanner (min)"].iloc[1] == pytest.approx(
        60 * throughput.hours_per_terabyte(30.0, 64, 0.9)
    )
    assert throughput_text.span_of_time(0.25) == "15 minutes" and throughput_text.span_of_time(2.04) == "2.0 hours"
    assert table["scanner ÷ tokenize-only"].iloc[0] == 5.0 and table["full plan ÷ tokenize-only"].iloc[1] == 0.8
    long = throughput.sweep_long(_results())
    assert len(long) == 4 and set(long["what"]) == {throughput.SCANNER, throughput.TOKENIZE_ONLY}
    engines = throughput.engines(_results()).set_index("what")
    assert engines.loc["scanner, one process", "MB/s"] == 50.0
    assert engines.loc["tokenize every byte, nothing else, one process", "× one process"] == 0.2


def test_sweep_summary_reads_the_smallest_and_the_largest_benchmark():
    s = throughput_text.sweep(throughput.sweep_summary(_results(), cores=64))
    assert (s["sweep_small"], s["sweep_large"], s["sweep_large_rate"], s["sweep_bare_rate"]) == (
        "164",
        "15,000",
        "30",
        "10",
    )
    assert (s["sweep_large_ratio"], s["sweep_small_ratio"], s["sweep_share"]) == ("3.0", "5.0", "8.0 %")
    assert s["sweep_full_ratio"] == "0.8" and s["bench_shared_mb"] == "3.5" and s["bench_load"] == "2.2"
    # the spread over the interleaved rounds: 0.9 to 1.1 times each size's ratio
    assert (s["sweep_large_rounds"], s["sweep_small_rounds"], s["sweep_n_rounds"]) == ("2.7–3.3", "4.5–5.5", "3")
    assert s["sweep_tb_time"] == throughput_text.span_of_time(throughput.hours_per_terabyte(30.0, 64, 0.9))
    assert s["tb_cores"] == 64 and s["dask_efficiency"] == "90 %" and s["bench_mb"] == "100"
    # the shares of the bench benchmarks' examples, as the results state them
    assert (s["manual_share"], s["docstring_share"]) == ("25 %", "75 %")
    assert throughput.terabyte_columns(throughput.sweep(_results())) == [
        "1 TB on 64 cores, scanner (min)",
        "1 TB on 64 cores, tokenize-only (min)",
    ]


def test_the_manuals_share_is_read_from_the_results_or_stops_with_the_file():
    assert throughput.manual_share({"benchmark_source": "30 % paragraphs of manuals"}) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="contamination.json: benchmark_source"):
        throughput.manual_share({"benchmark_source": "paragraphs of manuals"})


def test_bench_results_load_or_say_how_to_make_them(tmp_path):
    with pytest.raises(throughput.BenchResultsMissingError, match="run make bench"):
        throughput.load(tmp_path / "none.json")
    (tmp_path / "r.json").write_text(json.dumps(_results()))
    assert throughput.load(tmp_path / "r.json")["machine"]["cpus"] == 2


def test_committed_bench_results_have_the_sweep_and_the_targets():
    """The committed results hold the sweep the issue asks for, measured against bare
    tokenization, every target with its verdict, and the machine's load."""
    results = throughput.load()
    assert [s["examples"] for s in results["sweep"]] == [164, 1000, 5000, 15000, 50000]
    measured = results["measured"]
    assert set(measured["ratio_vs_tokenize_only"]) == {"164", "1000", "5000", "15000", "50000"}
    for key in ("full_plan_vs_tokenize_only", "peak_mib_at_50000", "index_seconds_at_50000"):
        assert isinstance(measured[key], float)
    assert set(results["targets"]) == set(results["meets_targets"]) == set(measured)
    assert all(s["same_ngrams_as_the_full_plan"] for s in results["sweep"])
    assert "tokenize" in results["baseline"] and "max" in results["machine"]["load_average_1min"]


def test_debian_paragraphs_parser():
    from herd.record import texts

    html = (
        '<p>One <b>two</b>\n three</p><div class="para">Four <span class="indexterm">IDX</span>five</div>'
        "<ul><li>six <p>seven</p></li></ul><p>  </p>"
    )
    assert texts.html_paragraphs(html) == ["One two three", "Four five", "six seven"]


def test_corpus_parts_table(tmp_path):
    from herd.record import texts

    f = tmp_path / "m.py"
    f.write_text("x = 1\n")
    table = texts.corpus_parts([f], {"jargon-file": "abc"})
    assert list(table["part"]) == ["Python standard library source", texts.TEXTS["jargon-file"].name]
    assert table["MB"].tolist() == [6 / 1e6, 3 / 1e6] and table["files"].tolist() == [1, 1]


def _found_every_copy(f: dict) -> bool:
    """Every planted copy is found: whole copies over the threshold, half copies by the 13-gram word rule."""
    return f["whole"]["over_threshold"] == f["whole"]["examples"] and f["part"]["word13"] == f["part"]["examples"]


def test_headline_grammar_and_claim_follow_the_counts():
    f = planting.findings(_planted_scores(), 0.5)
    assert _found_every_copy(f)
    assert (
        planting_text.verb(0, 4, "crosses", "cross") == "crosses"
        and planting_text.verb(4, 4, "crosses", "cross") == "crosses"
    )
    assert planting_text.verb(2, 4, "crosses", "cross") == "cross"
    # "every one of the 20 whole copies crosses it but only 10 of the 20 half copies do"
    assert [planting_text.contrast(k, 4) for k in (0, 2, 4)] == ["but", "but only", "and"]
    worse = _planted_scores()
    worse.loc[2, "word13_match"] = False
    assert not _found_every_copy(planting.findings(worse, 0.5))


def test_the_chapters_benchmark_and_corpus_have_one_home():
    from herd.record import texts

    assert texts.humaneval_path().name == "HumanEval.jsonl.gz" and texts.humaneval_path().exists()
    assert texts.keys_of_kind("code") == ["python-stdlib"] and "kjv-bible" in texts.keys_of_kind("prose")
    sources = texts.stdlib_sources()
    assert any(p.name == "json" or p.parent.name == "json" for p in sources) and not any(
        "test" in p.parts for p in sources
    )


def test_scan_with_plants_finds_the_planted_copies(tmp_path):
    from herd.analyses.contamination import scanner
    from herd.record import texts

    examples = scanner.read_benchmark(texts.humaneval_path(), ["prompt"], "task_id")[:12]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Nothing here is a HumanEval prompt, only ordinary prose about nothing in particular. " * 40)
    filler = "A plain sentence of filler text that surrounds the planted copies. " * 60
    scores = planting.scan_with_plants(examples, [corpus], [filler], tmp_path / "planted", 8, 3, 3, seed=1)
    assert len(scores) == 12 and scores["planted"].value_counts().to_dict() == {"none": 6, "whole": 3, "part": 3}
    whole = scores[scores["planted"] == "whole"]
    assert (whole["token_match"] > 0.9).all()
    assert scores.loc[scores["planted"] == "none", "token_match"].max() < 0.5  # shared boilerplate only


def test_corpus_megabytes_adds_the_parts(tmp_path):
    from herd.record import texts

    f = tmp_path / "m.py"
    f.write_text("x = 1\n")
    assert texts.corpus_megabytes(texts.corpus_parts([f], {"jargon-file": "abc"})) == pytest.approx(9 / 1e6)
