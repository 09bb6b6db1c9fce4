"""The home page's findings are read from the executed chapters, never recomputed: each
finding quotes the values its chapter glued, and a missing value is named."""

import json
import re
import shutil

import pytest

from conftest import ROOT
from herd.presentation import findings
from herd.record import data

pytestmark = pytest.mark.book

BOOK = ROOT / "book"


def _home_reads() -> list[str]:
    """The chapters the home page reads, as the runner orders them (the home page's own declaration)."""
    from herd.book import chapters

    return next(nb for nb in chapters.notebooks(ROOT) if nb.name == "index").reads


@pytest.fixture(scope="module")
def glued():
    return findings.Glued(BOOK)


def test_every_finding_quotes_its_chapter(glued):
    found = findings.findings(glued)
    assert {f.chapter for f in found} == set(_home_reads())
    b = glued.values["benchmarks"]
    first = found[0]
    assert first.href == "benchmarks.html#benchmarks-result"
    for key in ("n_pairs", "n_tested", "n_ahead", "n_behind", "n_unresolved"):
        assert f" {b[key]}" in first.finding
    assert glued.values["benchmarks"]["pair_short"] in [f.finding for f in found]
    assert glued.values["scaling"]["refit_n_hi"] in found[3].finding
    # the claims row keeps resolved and not resolved apart, and says what one family over the rankings would change
    post, c = next(f.finding for f in found if f.chapter == "claims"), glued.values["claims"]
    assert (
        f"{c['n_not_resolved']} not resolved ({c['n_within_noise']} right, {c['n_wrong_noise']} wrong in order, "
        f"{c['n_parity_open']} of parity)" in post
    )
    assert f"{c['n_wrong']} shown wrong" in post
    # its groups account for every claim: the counts before "others" add up to the claims
    head = post.split(". ")[0]
    groups = re.findall(r"(?:, |; )(\d+) (?!right|wrong in|of parity)", head)
    assert sum(map(int, groups)) == int(c["n_claims"]), (groups, head)
    assert int(c["n_not_resolved"]) == sum(int(c[k]) for k in ("n_within_noise", "n_wrong_noise", "n_parity_open"))
    # the unresolved count is an upper bound, and says of what
    assert f"not resolved on the other {b['n_unresolved']} (an upper bound" in first.finding
    assert post.endswith(c["family_note"]) and "one family" in post and "would be" in post


WORDS = 40  # issue 31: a finding at most this many words; its question links to the detail


def test_each_finding_is_short_and_links_its_detail(glued):
    for f in findings.findings(glued):
        assert len(f.finding.split()) <= WORDS, (f.anchor, len(f.finding.split()), f.finding)
        assert f.href == f"{f.chapter}.html#{f.anchor}" and "<a href=" in findings.table([f]).iloc[0, 0]


def test_the_refit_and_null_rows_say_what_their_chapters_say(glued):
    """The refit is Chinchilla's law on Chinchilla's data: an interval containing the size trained
    cannot confirm it; the null's count is the one that holds in every seed, as the chapter says."""
    by = {(f.chapter, f.anchor): f.finding for f in findings.findings(glued)}
    refit_row, s = by[("scaling", "scaling-refit")], glued.values["scaling"]
    assert "Chinchilla's law refitted to Chinchilla's runs" in refit_row and "cannot confirm" in refit_row
    assert (
        f"{s['refit_n_lo']}–{s['refit_n_hi']} B, which {s['contains_trained']} the {s['actual_params']} B" in refit_row
    )
    assert f"The paper's {s['paper_params']} B matches neither" in refit_row
    null_row, c = by[("contamination", "contamination-table15")], glued.values["contamination"]
    # the count that holds in every seed (the chapter's corrected count, correlated setting)
    assert f"{c['every_seed_correlated']} of {c['n_reported']} reported gains" in null_row
    assert c["n_beyond"] == c["every_seed_correlated"] and "chance in every seed" in null_row
    # and the span of the count over the item correlations the chapter sweeps, which it rests on
    assert null_row.endswith(f"chance in every seed ({c['sweep_span']}).")
    assert re.fullmatch(rf"\d+(–\d+)? across correlations {c['corr_low']}–{c['corr_high']}", c["sweep_span"])
    # what is planted and what is simulated, as the chapter has it
    assert null_row.startswith("Planted copies: ")
    assert f"Without contamination, picking the threshold finds gains on {c['null_share']} of simulated" in null_row


def test_every_lead_and_every_planted_copy_are_accounted_for(glued):
    """The long-context row accounts for every printed lead as the chapter does; the contamination row says how
    many of the whole and of the half copies its threshold catches, as the chapter does."""
    by = {(f.chapter, f.anchor): f.finding for f in findings.findings(glued)}
    lc, c = glued.values["long_context"], glued.values["contamination"]
    leads = by[("long_context", "long-context-benchmarks")]
    assert leads == f"Of the 405B's {lc['n_wins']} printed leads, {lc['leads_short']}."
    # the parts add up to every lead (each part of the short form begins with its count), and the leads not
    # resolved to theirs
    parts = lc["leads_short"].split("; ")
    assert sum(int(part.split()[0]) for part in parts) == int(lc["n_wins"])
    for part in parts:
        if " not resolved: " in part:
            split = re.findall(r"(?:: |, | and )(\d+) ", part)
            assert split and sum(map(int, split)) == int(part.split()[0]), part
    null_row = by[("contamination", "contamination-table15")]
    assert f"(threshold {c['threshold_text']}) catches {c['whole_short']} whole, {c['part_short']} half." in null_row
    # the same counts as the chapter's sentences write them ("every one of the 20", "10 of the 20", "none of the 20")

    def fraction(phrase: str) -> str:
        n = phrase.split()[-1]
        return f"{n if phrase.startswith('every one') else '0' if phrase.startswith('none') else phrase.split()[0]}/{n}"

    assert (c["whole_short"], c["part_short"]) == (fraction(c["whole_found"]), fraction(c["part_over"]))


def test_a_home_page_number_carries_the_lineage_its_chapter_recorded(glued):
    """A number the home page copies from a traced chapter carries the very record the chapter's executed notebook
    keeps with it (same id); one given without a record carries none."""
    from herd.base.lineage import META_KEY, identity, lineage_of

    kept = {}
    for chapter, output in findings.executed_outputs(BOOK):
        metadata = output.get("metadata", {})
        name = (metadata.get("scrapbook") or {}).get("name")
        if name and META_KEY in metadata:
            kept[(chapter, name)] = metadata[META_KEY]["id"]
    totals = findings.totals(glued)
    for home, source in {"post_scores": ("claims", "n_scores"), "refit_n": ("scaling", "refit_n")}.items():
        assert source in kept, f"book/{source[0]}.ipynb keeps no lineage for {source[1]}"
        assert identity(lineage_of(totals[home]).record()) == kept[source]
    assert lineage_of(findings.totals(_with(glued, {}))["post_scores"]) is None


def test_each_finding_carries_the_records_of_the_values_it_quotes(glued):
    """A finding quotes values its chapter glued: it carries their one record, or one naming every row their records
    read; the home page's findings table gives each finding's cells that lineage."""
    from herd.base.lineage import from_record

    made = findings.findings(glued)
    assert all(f.lineage is not None for f in made), [f.question for f in made if f.lineage is None]
    for f in made:  # values that share one record: the chapter's own record
        if not (f.lineage.function or "").endswith("findings.findings"):
            assert f.lineage in glued.lineage[f.chapter].values(), f.question
    refit = next(f for f in made if f.anchor == "scaling-refit")  # many: every row their records read
    quoted = [glued.lineage["scaling"][n] for n in ("refit_n", "refit_n_lo", "refit_n_hi", "actual_params")]
    assert refit.lineage.function.endswith("findings.findings")
    assert {r for q in quoted for r in q.reads} <= set(refit.lineage.reads)
    assert "scaling.refit_n" in refit.lineage.note
    assert from_record(refit.lineage.record()) == refit.lineage
    cells = findings.table_lineage(made)
    assert [cells["finding"](i) for i in range(len(made))] == [f.lineage for f in made]
    # values read before the findings are written are no part of the first
    glued("data", "n_rows")
    assert findings.findings(glued)[0].lineage == made[0].lineage


def _with(glued, changes: dict[str, dict[str, str]]):
    """The book's glued values with some replaced (chapter → name → text)."""
    values = {chapter: dict(names) for chapter, names in glued.values.items()}
    for chapter, names in changes.items():
        values[chapter].update(names)
    return findings.Glued(BOOK, values=values)


def test_a_count_of_one_takes_the_singular(glued):
    """Every count the findings and the home page's paragraph quote agrees with its verb and noun, one or more."""
    ones = {
        "benchmarks": {
            "n_resolved": "1",
            "n_unresolved": "1",
            "n_equivalent": "1",
            "n_pairs": "1",
            "n_competitors": "1",
        },
        "claims": {
            "n_rankings_resolved": "1",
            "n_correct": "1",
            "n_wrong": "1",
            "n_misleading_total": "1",
            "n_others": "1",
        },
        "scaling": {"n_not_agreeing": "1"},
        "contamination": {"n_beyond": "1"},
        "data": {"n_disagree": "1"},
    }
    one = _with(glued, ones)
    totals = findings.totals(one)
    assert totals["t2_equivalent_text"] == "1 gap is"
    assert totals["t2_resolved_verb"] == totals["t2_unresolved_verb"] == totals["post_rankings_verb"] == "is"
    assert totals["beyond_verb"] == "exceeds"
    text = " ".join(f.finding for f in findings.findings(one))
    for phrase in (
        "Of 1 comparison with 1 rival,",
        "1 is correct, 1 shown wrong, 1 misleading or overstated",
        "; 1 other.",
        "1 is shown equivalent within ±",
        "other 1 traces to",
        "reported gains exceeds chance",
        "disagree in 1 place,",
    ):
        assert phrase in text, phrase
    many = _with(glued, {k: {name: "3" for name in v} for k, v in ones.items()})
    totals = findings.totals(many)
    assert totals["t2_equivalent_text"] == "3 of the gaps are" and totals["beyond_verb"] == "exceed"
    text = " ".join(f.finding for f in findings.findings(many))
    for phrase in (
        "Of 3 comparisons with 3 rivals,",
        "3 are correct",
        "other 3 trace to",
        "reported gains exceed chance",
        "3 others.",
    ):
        assert phrase in text, phrase


def test_each_finding_links_a_section_its_chapter_labels(glued):
    for f in findings.findings(glued):
        text = (ROOT / "notebooks" / f"{f.chapter}.md").read_text()
        assert f"({f.anchor})=" in text, f"notebooks/{f.chapter}.md has no label {f.anchor}"


def test_the_figure_counts_the_chapters_recorded_comparisons(glued):
    names = data.load().models.set_index("key")["name"].to_dict()
    counts = findings.verdict_counts(glued, names)
    table2 = counts[counts["link"] == "benchmarks.html#benchmarks-result"]
    assert table2["comparisons"].sum() == int(glued("benchmarks", "n_pairs"))
    assert int(table2.loc[table2["verdict"] == "ahead", "comparisons"].sum()) == int(glued("benchmarks", "n_ahead"))
    assert set(counts["verdict"]) <= {"ahead", "behind", "not resolved", "no test"}  # the difference
    unresolved = table2.loc[table2["verdict"] == "not resolved", "comparisons"].sum()
    assert int(unresolved) == int(glued("benchmarks", "n_unresolved"))
    if int(glued("benchmarks", "n_equivalent")):
        assert table2["question"].iloc[0].endswith(f" · {glued('benchmarks', 'n_equivalent')} ≈")
    # the post's bottom line is a claim of being at least on a par: its bar counts differences, its label the claim
    record = glued.comparisons("claims")
    tested = record[record["difference"] != "no test"]
    bottom = counts[counts["link"] == "claims.html#claims-result"]
    assert bottom["question"].str.startswith("Bottom line's rows: ").all()
    assert set(bottom["claim"]) == {
        f"at least on a par on {int(tested['noninferior'].sum())} of {len(tested)} tested rows"
    }
    assert (counts.loc[counts["link"] != "claims.html#claims-result", "claim"] == "").all()


def test_a_value_the_chapters_do_not_glue_is_named(tmp_path):
    shutil.copy(BOOK / "benchmarks.ipynb", tmp_path / "benchmarks.ipynb")
    g = findings.Glued(tmp_path)
    with pytest.raises(findings.FindingsError, match=r"book/claims.ipynb: missing"):
        findings.findings(g)
    notebook = json.loads((BOOK / "benchmarks.ipynb").read_text())
    for cell in notebook["cells"]:
        cell["outputs"] = [
            o
            for o in cell.get("outputs", [])
            if (o.get("metadata", {}).get("scrapbook") or {}).get("name") != "n_ahead"
        ]
    (tmp_path / "benchmarks.ipynb").write_text(json.dumps(notebook))
    with pytest.raises(findings.FindingsError, match="no value named 'n_ahead'"):
        findings.Glued(tmp_path)("benchmarks", "n_ahead")


def test_the_home_page_is_executed_after_the_chapters_it_reads():
    from herd.book import chapters

    order = [nb.name for nb in chapters.notebooks(ROOT)]
    home = next(nb for nb in chapters.notebooks(ROOT) if nb.name == "index")
    assert {f.chapter for f in findings.findings(findings.Glued(BOOK))} == set(home.reads)
    assert all(order.index(name) < order.index("index") for name in home.reads)


def test_the_home_page_shows_no_code():
    # the home page is findings and their links: no "show code" toggles between them (every code cell's input removed)
    import jupytext

    home = jupytext.read(ROOT / "notebooks" / "index.md")
    cells = [c for c in home.cells if c.cell_type == "code"]
    assert cells and all("remove-input" in c.metadata.get("tags", []) for c in cells)
