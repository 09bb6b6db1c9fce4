"""The claims audit covers the whole post: every paragraph yields claims or says why not, and
the paragraph record matches the post wherever the post is available."""

import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, ROOT
from herd.record import data, post


def test_every_paragraph_has_claims_or_a_reason():
    package = data.load(DATA)
    paragraphs = package.post_paragraphs
    with_claims = set(package.claims["paragraph"])
    for _, p in paragraphs.iterrows():
        has = p["paragraph"] in with_claims
        assert has or pd.notna(p["excluded_because"]), f"{p['paragraph']} has no claim and no reason"
        assert not (has and pd.notna(p["excluded_because"])), f"{p['paragraph']} has claims and an exclusion"
        if pd.notna(p["numbers"]):
            assert has, f"{p['paragraph']} states numbers ({p['numbers']}) but no claim comes from it"


def _locate() -> Path | None:
    """The post's file: ``$HERD_POST``, else the single text in the shared seed folder beside the repository, else
    None (the post is not shipped with the book)."""
    env = os.environ.get("HERD_POST")
    if env:
        return Path(env)
    found = sorted((ROOT.parent / "shared" / "seed").glob("*.txt"))
    return found[0] if len(found) == 1 else None


def test_the_record_matches_the_post():
    path = _locate()
    if path is None or not path.exists():
        pytest.skip("the audited post is not on this machine (set HERD_POST to its file)")
    found = post.paragraphs(path.read_text())
    record = data.load(DATA).post_paragraphs
    assert [p.id for p in found] == list(record["paragraph"])
    for p, (_, r) in zip(found, record.iterrows()):
        assert p.fingerprint == r["fingerprint"], f"{p.id}: the paragraph changed"
        assert ";".join(p.numbers) == ("" if pd.isna(r["numbers"]) else r["numbers"]), p.id


def test_paragraph_parsing():
    md = (
        "---\ntitle: x\n---\n\nIntro with 3 numbers: 12.5 and 1,000.\n\n## **Section**\n\n![img](u)\n\n"
        "* **Row:** GPT-4o (88.7) beats Llama 3.1 405B (0-shot) [link](http://x)\n"
    )
    ps = post.paragraphs(md)
    assert [p.id for p in ps] == ["P01", "P02"]
    assert ps[0].numbers == ["3", "12.5", "1000"] and ps[1].section == "Section"
    assert ps[1].numbers == ["88.7"]  # model names, sizes and shot counts are not statements
    assert "http" not in ps[1].text
