"""How to cite the book comes from CITATION.cff, and the repository's address is written once,
in _config.yml (CITATION.cff, the standard file, must give the same address)."""

import subprocess

import pytest
import yaml

from conftest import ROOT
from herd.book import cite


def test_citation_and_bibtex_from_the_cff():
    c = cite.read(ROOT)
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert c.title == cff["title"] and c.version == str(cff["version"])
    assert c.text().startswith(cff["authors"][0]["name"]) and c.url in c.text()
    bib = c.bibtex()
    assert bib.startswith("@software{") and f"version = {{{c.version}}}" in bib and f"url = {{{c.url}}}" in bib
    assert "author = {{The Llama 3.1, Reproduced contributors}}" in bib  # an organisation stays one name


def test_a_missing_field_is_named(tmp_path):
    (tmp_path / "CITATION.cff").write_text("cff-version: 1.2.0\ntitle: X\nauthors:\n  - name: Y\n")
    with pytest.raises(cite.CitationError, match="version"):
        cite.read(tmp_path)
    with pytest.raises(cite.CitationError, match="missing"):
        cite.read(tmp_path / "nowhere")


def test_the_repository_address_is_written_in_one_place():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert cite.read(ROOT).url == url
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    holders = sorted(
        f
        for f in tracked
        if (ROOT / f).is_file()
        and not f.startswith(("book/", "tests/"))
        and url in (ROOT / f).read_text(errors="ignore")
    )
    assert holders == ["CITATION.cff", "_config.yml"], holders


def test_the_audited_post_has_its_address():
    import csv

    rows = {r["key"]: r for r in csv.DictReader((ROOT / "data" / "sources.csv").open())}
    assert rows["blog-llama31-in-depth"]["url"].startswith("https://")
