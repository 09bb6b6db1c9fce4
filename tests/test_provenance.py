import pandas as pd

from conftest import DATA
from herd import data, provenance, stats


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
    sizes = stats.effective_sizes(package.benchmarks, package.scores).set_index("benchmark")
    assert sizes.loc["humaneval", "basis"] == "official" and sizes.loc["humaneval", "n"] == 164
    assert sizes.loc["zeroscrolls-quality", "n"] == 21  # 17/21, 19/21, 20/21 with the printed CIs
    assert sizes.loc["zeroscrolls-quality", "basis"].startswith("implied by")
    assert pd.isna(sizes.loc["triviaqa-wiki", "n"])  # no official size and no printed interval


def test_coverage_counts_cells():
    cover = provenance.coverage(data.load(DATA).scores)
    t2 = cover[cover["table_ref"] == "llama3-paper-v3 · Table 2"]
    assert t2["cells"].sum() == 176 and t2["printed"].sum() == 153
