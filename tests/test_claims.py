"""Every claim of the audited post gets a verdict computed from the data, and known cases come
out as the sources say. If data or rules change a verdict, these fail."""
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from conftest import DATA, ROOT, edit_csv
from herd import claims, compare, data

CAPACITY = pd.DataFrame({
    "text": ["a", "b", "c", "d"], "name": ["Narrative A", "Narrative B", "Technical C", "Technical D"],
    "register": ["narrative", "narrative", "technical", "technical"],
    "words_per_token": [0.74, 0.70, 0.58, 0.55],
})


@pytest.fixture(scope="module")
def audit():
    return claims.audit(data.load(DATA), capacity=CAPACITY).set_index("claim_id")


def test_every_claim_has_a_verdict_a_rule_and_evidence(audit):
    assert set(audit["verdict"]) <= set(claims.VERDICTS)
    assert audit["evidence"].str.len().gt(0).all() and audit["rule"].str.len().gt(0).all()
    assert "verdict" not in data.load(DATA).claims.columns  # verdicts are computed, never stored
    comparisons = audit[audit["kind"].isin(["ranking", "top"]) & (audit["verdict"] != "not checkable")]
    assert comparisons["gap"].notna().all() and comparisons["cells"].str.len().gt(0).all()


@pytest.mark.parametrize("claim_id, verdict, evidence", [
    ("mmlu-cot-405b", "correct", "printed 88.6"),
    ("humaneval-nemotron", "wrong number", "printed 73.2"),
    ("nexus-nemotron", "wrong number", "45.7 is the score of Claude 3.5 Sonnet"),
    ("gsm8k-gpt4o", "wrong number", "printed 96.1"),
    ("mmlu-cot-claude-gt-405b", "wrong order", "the printed order is the reverse"),
    ("bfcl-gpt4o-gt-405b", "wrong order", "the printed order is the reverse"),
    ("nih-405b-gt-gpt4o", "wrong order", "no test (average recall"),
    ("humaneval-405b-gt-gpt4", "correct, within noise", "not resolved"),
    ("mmlu-cot-gpt4o-gt-405b", "correct, within noise", "equivalent"),  # "slightly higher": true, within noise
    ("mmlu-cot-405b-gt-nemotron", "misleading: unlike settings", "without CoT"),
    ("gsm8k-claude-eq-gpt4o", "misleading: unlike settings", "zero-shot"),
    ("mmlu-cot-405b-gt-gpt4", "correct", "verdict: ahead"),
    ("quality-405b-eq-gpt4o", "not resolved", "neither show them equal"),
    ("math-leader", "misleading: leaves out the leader", "GPT-4o"),
    ("humaneval-leader", "correct", "top printed score"),
    ("ctx-beats-all", "wrong order", "comparisons on"),
    ("infra-gpus", "correct", "16K"),
    ("contam-threshold-8-words", "imprecise", "the post counts words"),
    ("contam-threshold-role", "wrong number", "contamination threshold"),
    ("contam-mmlu-no-estimate", "correct", "named in the text"),
    ("bl-par-gpt4", "not resolved", "against GPT-4 (0125)"),
    ("intro-92-pages", "correct", "92"),
    ("scaling-forecast-gpu-time", "contradicted", "says otherwise"),
    ("adversarial-degrades", "overstated", "of all 3"),
    ("reasoning-mcts", "imprecise", "Monte Carlo"),
    ("conclusion-no-memorization", "overstated", "BIG-Bench Hard"),
])
def test_known_verdicts(audit, claim_id, verdict, evidence):
    assert audit.loc[claim_id, "verdict"] == verdict, audit.loc[claim_id, "evidence"]
    assert evidence in audit.loc[claim_id, "evidence"]


def test_counts_add_up(audit):
    counts = claims.counts(audit)
    assert counts.sum() == len(audit)
    groups = [v for members in claims.SUMMARY_GROUPS.values() for v in members]
    assert sorted(groups) == sorted(claims.VERDICTS)  # every verdict in exactly one group
    assert claims.summary(audit).sum() == len(audit)


def test_a_pair_gets_the_same_verdict_here_as_in_the_chapters(audit):
    package = data.load(DATA)
    judged = compare.judge_package(package, "llama3-paper-v3", "Table 2")
    expected = {"ahead": "correct", "not resolved": "correct, within noise", "equivalent": "correct, within noise"}
    rankings = audit[(audit["kind"] == "ranking") & (audit["relation"] == "above")]
    for claim_id, c in rankings.iterrows():
        p = compare.pair(judged, c["subject"], c["other"], c["benchmark_row"])
        if p is None or pd.isna(p["focus_score"]) or pd.isna(p["competitor_score"]):
            continue
        if not p["like_for_like"]:
            assert c["verdict"] == "misleading: unlike settings", claim_id
        elif p["focus_score"] <= p["competitor_score"]:
            assert c["verdict"] == "wrong order", claim_id
        elif p["testable"]:
            assert c["verdict"] == expected[p["verdict"]], claim_id
        if p["testable"] and p["like_for_like"]:
            assert c["gap_low"] == pytest.approx(p["gap_low"]) and c["gap_high"] == pytest.approx(p["gap_high"])


def test_verdict_follows_the_data(data_copy):
    # If Table 2 printed 80.9 for Nemotron on HumanEval, the post's number would be right.
    lines = (data_copy / "scores.csv").read_text().splitlines()
    line = next(i for i, l in enumerate(lines, 1) if l.startswith("llama3-paper-v3,Table 2,3,HumanEval (0-shot),nemotron"))
    edit_csv(data_copy / "scores.csv", line, "score", "80.9")
    audit = claims.audit(data.load(data_copy)).set_index("claim_id")
    assert audit.loc["humaneval-nemotron", "verdict"] == "correct"


def test_the_correction_changes_borderline_verdicts(audit):
    lenient = claims.audit(data.load(DATA), rules=compare.Rules(correction="none"), capacity=CAPACITY).set_index("claim_id")
    assert (lenient["verdict"] == "correct").sum() > (audit["verdict"] == "correct").sum()


def test_words_and_pages_are_judged_against_narrative_prose(audit):
    assert "narrative prose: median" in audit.loc["ctx-words", "evidence"]
    no_capacity = claims.audit(data.load(DATA), claims=data.load(DATA).claims.query("kind == 'context-words'"))
    assert (no_capacity["verdict"] == "not checkable").all()


def test_the_audit_runs_without_the_tokenizer_or_the_texts():
    # Block the tokenizer's library and the texts module: every claim that does not need a
    # measurement is still judged, and those that do say what they need.
    code = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name in ("tiktoken", "herd.tokenizer", "herd.texts", "herd.textstats"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        from herd import claims, data
        audit = claims.audit(data.load({str(DATA)!r}))
        need = audit[audit["kind"].isin(["context-words", "context-pages"])]
        assert (need["code"] == "needs-measurement").all()
        assert (audit.loc[~audit.index.isin(need.index), "code"] != "needs-measurement").all()
        print("ok", len(audit))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("ok")


def test_unknown_kind_is_an_error():
    bad = data.load(DATA).claims.head(1).assign(kind="vibes")
    with pytest.raises(ValueError, match="unknown kind"):
        claims.audit(data.load(DATA), claims=bad)
