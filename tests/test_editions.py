"""Editions recorded in editions.yml (validated, no tags needed), the changelog made from the
recorded commits (data rows and glued values that changed), and the site's root files."""

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import DATA, ROOT, edit_csv
from herd import __version__
from herd.book import changelog, chapters, edition, editions, releases, site_index
from herd.method import stats
from herd.presentation import findings

pytestmark = [pytest.mark.book, pytest.mark.slow]

# ---------------------------------------------------------------- the committed record


def test_recorded_editions_are_valid_and_start_with_1_0_0():
    recorded = releases.load_releases(ROOT)
    first = recorded[0]
    assert (first.name, first.commit, first.date) == (
        "v1.0.0",
        "684b8ab0d43cc2552e5187a367001054d6d3e9aa",
        "2026-11-27",
    )
    assert releases.tree_version((ROOT / "src" / "herd" / "__init__.py").read_text()) == __version__
    # the working tree is never behind the newest release
    assert releases._key(__version__) >= releases._key(recorded[-1].version)


def test_changelog_is_current():
    expected = changelog.changelog(ROOT)
    assert (ROOT / "CHANGELOG.md").read_text() == expected, (
        "CHANGELOG.md is out of date: run `make changelog` and commit it"
    )


def test_citation_file_cites_this_version():
    cff = (ROOT / "CITATION.cff").read_text()
    assert f"\nversion: {__version__}\n" in cff


def test_an_edition_shows_the_version_of_its_own_tree(tmp_path):
    (tmp_path / "src" / "herd").mkdir(parents=True)
    (tmp_path / "src" / "herd" / "__init__.py").write_text('__version__ = "0.9.3"\n')
    assert edition.version(tmp_path) == "0.9.3"
    assert edition.version(tmp_path / "elsewhere") == __version__


# ---------------------------------------------------------------- a repository with two releases


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def _commit(repo, message):
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)
    return _git(repo, "rev-parse", "HEAD")


def _glue_notebook(values: dict, verdicts: dict | None = None) -> str:
    outputs = [
        {
            "output_type": "display_data",
            "metadata": {"scrapbook": {"name": k, "mime_prefix": "application/papermill.record/"}},
            "data": {"application/papermill.record/text/plain": repr(v)},
        }
        for k, v in values.items()
    ]
    if verdicts:  # a table as herd.presentation.tables shows it: benchmark and competitor identify a row
        rows = "".join(
            f"<tr><td>{b}</td><td>{c}</td><td>{g}</td><td>{v}</td></tr>" for (b, c), (g, v) in verdicts.items()
        )
        outputs.append(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "text/html": [
                        "<table><thead><tr><th>benchmark</th><th>competitor</th><th>gap "
                        "(points)</th><th>verdict</th></tr></thead>",
                        f"<tbody>{rows}</tbody></table>",
                    ]
                },
            }
        )
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "source": "glue", "metadata": {}, "outputs": outputs}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 4,
        }
    )


@pytest.fixture
def repo(tmp_path):
    """A repository whose data package and glued values change between 1.0.0 and 1.1.0."""
    r = tmp_path / "repo"
    shutil.copytree(DATA, r / "data")
    (r / "src" / "herd").mkdir(parents=True)
    (r / "book").mkdir()
    (r / "src" / "herd" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (r / "book" / "benchmarks.ipynb").write_text(
        _glue_notebook(
            {"n_win": 16, "n_tie": 37, "focus_name": "Llama 3.1 405B Instruct"},
            {
                ("MMLU", "GPT-4o"): ("+1.2", "tie"),
                ("MMLU", "GPT-4 (0125)"): ("+3.0", "win"),
                ("GSM8K", "GPT-4o"): ("+0.4", "tie"),
            },
        )
    )
    _git(r, "init", "-q")
    first = _commit(r, "1.0.0")
    edit_csv(r / "data" / "scores.csv", 2, "score", "70.0")  # Table 2, MMLU (5-shot), Llama 3.1 8B: 69.4 → 70.0
    lines = (r / "data" / "models.csv").read_text().splitlines()
    (r / "data" / "models.csv").write_text("\n".join(lines[:-1]) + "\n")  # drop the last model
    (r / "src" / "herd" / "__init__.py").write_text('__version__ = "1.1.0"\n')
    (r / "book" / "benchmarks.ipynb").write_text(
        _glue_notebook(
            {"n_win": 17, "n_tie": 36, "focus_name": "Llama 3.1 405B Instruct", "n_equivalent": 9},
            {
                ("MMLU", "GPT-4o"): ("+2.9", "win"),
                ("MMLU", "GPT-4 (0125)"): ("+3.1", "win"),
                ("IFEval", "GPT-4o"): ("-0.1", "tie"),
            },
        )
    )
    second = _commit(r, "1.1.0")
    (r / "editions.yml").write_text(
        textwrap.dedent(f"""\
        # releases
        - version: 1.0.0
          commit: {first}
          date: 2026-11-27
          summary: First edition.
        - version: 1.1.0
          commit: {second}
          date: 2026-12-10
          summary: Statistics and claims revised.
        """)
    )
    return r


def test_changelog_lists_changed_rows_and_glued_values_between_releases(repo):
    text = changelog.changelog(repo)
    assert text.index("## v1.1.0 (2026-12-10)") < text.index("## v1.0.0 (2026-11-27)")  # newest first
    assert (
        "- `scores` (source, table, row_label, model) = (llama3-paper-v3, Table 2, MMLU (5-shot), "
        "llama-3.1-8b-instruct): "
        "score: 69.4 → 70.0"
    ) in text
    dropped = (DATA / "models.csv").read_text().splitlines()[-1].split(",")[0]
    assert f"- `models` (key) = ({dropped}): row removed" in text
    assert "1 row(s) changed, 0 added, 1 removed." in text
    assert "- benchmarks, `n_win`: 16 → 17" in text and "- benchmarks, `n_tie`: 37 → 36" in text
    assert "- benchmarks, `n_equivalent`: (new) → 9" in text
    assert "focus_name" not in text  # unchanged values are not listed
    assert "- benchmarks, (benchmark, competitor) = (MMLU, GPT-4o): tie → win" in text
    assert "- benchmarks, (benchmark, competitor) = (GSM8K, GPT-4o): tie → (removed)" in text
    assert "- benchmarks, (benchmark, competitor) = (IFEval, GPT-4o): (new) → tie" in text
    assert "GPT-4 (0125)): " not in text  # its gap moved, its verdict did not
    assert "3 verdict(s) changed, appeared or disappeared" in text
    resources = len(json.loads((DATA / "datapackage.json").read_text())["resources"])
    assert f"First edition: {resources} tables" in text and "3 table rows with a verdict in the chapters" in text


def test_changelog_says_why_and_lists_every_verdict_of_a_table_shown_in_one_edition(repo):
    text = (repo / "editions.yml").read_text()
    why = (
        "  why:\n    - The gaps are judged over every true score the printed rounding allows.\n    - A second reason.\n"
    )
    (repo / "editions.yml").write_text(text + why)
    assert releases.load_releases(repo)[-1].why == (
        "The gaps are judged over every true score the printed rounding allows.",
        "A second reason.",
    )
    out = changelog.changelog(repo)
    section = out[out.index("## v1.1.0") : out.index("## v1.0.0")]
    assert section.index("### Why verdicts and numbers moved") < section.index("### Data rows since v1.0.0")
    assert "- The gaps are judged over every true score the printed rounding allows." in section
    (repo / "editions.yml").write_text(text + "  why: one line\n")
    with pytest.raises(releases.EditionsError, match=r"line 10: why must be a list of one-line reasons"):
        releases.load_releases(repo)
    old = {("benchmarks", ("model",), 1): {("a",): "ahead"}, ("benchmarks", ("model",), 2): {("a",): "behind"}}
    new = {("benchmarks", ("model",), 1): {("a",): "ahead"}}
    assert changelog.verdict_changes(old, new) == [("benchmarks", ("model",), 2, ("a",), "behind", None)]
    # a row that moved from one table to another is no change, or one change if its verdict moved with it
    old = {("claims", ("id",), 1): {("a",): "wrong", ("b",): "wrong", ("c",): "wrong"}}
    new = {
        ("claims", ("id",), 1): {("c",): "wrong", ("d",): "right"},
        ("claims", ("id",), 2): {("a",): "wrong", ("b",): "misleading"},
    }
    assert changelog.verdict_changes(old, new) == [
        ("claims", ("id",), 1, ("d",), None, "right"),
        ("claims", ("id",), 2, ("b",), "wrong", "misleading"),
    ]


def test_changelog_reads_commits_not_the_working_tree(repo):
    before = changelog.changelog(repo)
    edit_csv(repo / "data" / "scores.csv", 3, "score", "1.0")  # uncommitted: not part of any edition
    shutil.rmtree(repo / "book")
    assert changelog.changelog(repo) == before


def test_changelog_check_and_write_from_the_command_line(repo):
    check = subprocess.run(
        [sys.executable, "-m", "herd.editions", "--root", str(repo), "changelog", "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1 and "run `make changelog`" in check.stderr
    assert editions.main(["--root", str(repo), "changelog", "--write"]) == 0
    assert editions.main(["--root", str(repo), "changelog", "--check"]) == 0


def test_tags_are_optional_and_made_from_the_record(repo):
    assert _git(repo, "tag") == ""
    assert [r.name for r in releases.load_releases(repo)] == ["v1.0.0", "v1.1.0"]
    assert releases.create_tags(repo) == ["v1.0.0", "v1.1.0"]
    assert releases.create_tags(repo) == []
    assert _git(repo, "rev-parse", "v1.0.0") == releases.load_releases(repo)[0].commit


def _entry(repo, **change):
    first = _git(repo, "rev-list", "--max-parents=0", "HEAD")
    fields = {"version": "1.0.0", "commit": first, "date": "2026-11-27", "summary": "First edition."} | change
    return "\n".join(["- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items() if v is not None)]) + "\n"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"commit": "684b8ab"}, "line 2: commit '684b8ab' is not a full 40-character hash"),
        ({"commit": "0" * 40}, "line 2: commit 000000000000 is not in this clone"),
        ({"version": "1.1.0"}, "line 1: commit .* carries version 1.0.0, not 1.1.0"),
        ({"version": "v1.0"}, "line 1: version 'v1.0' is not X.Y.Z"),
        ({"date": "27/11/2026"}, "line 3: date '27/11/2026' is not YYYY-MM-DD"),
        ({"summary": None}, "line 1: missing summary"),
        ({"tag": "v1.0.0"}, "line 5: unknown field 'tag'"),
    ],
)
def test_bad_edition_records_name_the_line(repo, change, message):
    (repo / "editions.yml").write_text(_entry(repo, **change))
    with pytest.raises(releases.EditionsError, match="^editions.yml, " + message):
        releases.load_releases(repo)


def test_editions_out_of_order_and_bad_yaml(repo):
    text = (repo / "editions.yml").read_text()
    older, newer = text.split("- version: 1.1.0")
    (repo / "editions.yml").write_text("- version: 1.1.0" + newer + older.replace("# releases\n", ""))
    with pytest.raises(releases.EditionsError, match=r"line 5: version 1.0.0 does not come after 1.1.0"):
        releases.load_releases(repo)
    (repo / "editions.yml").write_text("- version: 1.0.0\n  commit: [unclosed\n")
    with pytest.raises(releases.EditionsError, match=r"^editions.yml, line 3: not valid YAML"):
        releases.load_releases(repo)
    assert (
        subprocess.run(
            [sys.executable, "-m", "herd.editions", "--root", str(repo), "check"], capture_output=True, text=True
        ).returncode
        == 1
    )


# ---------------------------------------------------------------- pieces of the site


def test_data_changes_finds_changed_added_and_removed_rows_and_columns(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(DATA, old)
    shutil.copytree(DATA, new)
    edit_csv(new / "scores.csv", 2, "score", "70.0")
    lines = (new / "benchmarks.csv").read_text().splitlines()
    (new / "benchmarks.csv").write_text(
        "\n".join(
            [
                lines[0] + ",n_source_page",
                *(l + "," for l in lines[1:]),
                "example-benchmark,Example benchmark" + "," * 9,
            ]
        )
        + "\n"
    )
    descriptor = json.loads((new / "datapackage.json").read_text())
    bench = next(r for r in descriptor["resources"] if r["name"] == "benchmarks")
    bench["schema"]["fields"].append({"name": "n_source_page", "type": "integer"})
    (new / "datapackage.json").write_text(json.dumps(descriptor))
    changes = changelog.data_changes(old, new)
    assert changes["scores"]["changed"] == [
        {
            "key": ("llama3-paper-v3", "Table 2", "MMLU (5-shot)", "llama-3.1-8b-instruct"),
            "changes": [("score", "69.4", "70.0")],
        }
    ]
    assert changes["benchmarks"]["columns_added"] == ["n_source_page"]
    assert changes["benchmarks"]["changed"] == []  # a new column is reported once, not on every row
    assert changes["benchmarks"]["added"] == [("example-benchmark",)]
    assert all(not t["changed"] and not t["added"] for t in changelog.data_changes(old, old).values())


def test_verdicts_read_from_the_chapters_tables():
    tables = changelog.verdicts(ROOT / "book")
    benchmarks = tables[("benchmarks", ("benchmark", "competitor"), 1)]
    assert len(benchmarks) >= 16 and set(benchmarks.values()) <= set(stats.VERDICTS)
    # the claims chapter shows several tables of claims by id (the wrong ones, the misleading ones, all of them)
    claims = max(
        (rows for (chapter, columns, _), rows in tables.items() if (chapter, columns) == ("claims", ("id",))), key=len
    )
    assert claims[("mmlu-cot-405b",)] and len(claims) >= 100
    assert changelog.verdict_changes(tables, tables) == []


def test_a_column_of_numbers_named_difference_holds_no_verdict(tmp_path):
    """A comparison's "difference" holds its verdict (ahead, behind, not resolved); a table whose "difference" is the
    difference of two values (the data chapter's disagreements between sources) holds none, so it is not read as
    verdicts that change whenever a value does."""

    def table(rows):
        body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
        return {
            "output_type": "display_data",
            "metadata": {},
            "data": {
                "text/html": "<table><thead><tr><th>row</th><th>difference</th></tr></thead>"
                f"<tbody>{body}</tbody></table>"
            },
        }

    outputs = [table([("a", "ahead"), ("b", "not resolved")]), table([("a", "+0.1"), ("b", "−15.2"), ("c", "—")])]
    notebook = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs}], "metadata": {}}
    (tmp_path / "chapter.ipynb").write_text(json.dumps(notebook))
    assert changelog.verdicts(tmp_path) == {("chapter", ("row",), 1): {("a",): "ahead", ("b",): "not resolved"}}


def test_glued_values_read_from_executed_notebooks():
    values = findings.glued_values(ROOT / "book")  # what the changelog compares between editions
    assert set(values) == {nb.name for nb in chapters.notebooks(ROOT)}
    assert values["benchmarks"]["focus_name"] == "Llama 3.1 405B Instruct"
    assert int(values["benchmarks"]["n_ahead"]) >= 0
    assert changelog.glue_changes(values, values) == []


def test_site_root_lists_every_edition_with_its_pdf(tmp_path, repo):
    recorded = releases.load_releases(repo)
    site_index.write_site_index(tmp_path, recorded, ["v1.0.0", "v1.1.0", "dev"], "# Changelog\n\n## v1.1.0\n")
    switcher = json.loads((tmp_path / "switcher.json").read_text())
    assert [e["version"] for e in switcher] == ["v1.1.0", "v1.0.0", "dev"] and switcher[0]["preferred"]
    assert "url=v1.1.0/book/index.html" in (tmp_path / "index.html").read_text()
    page = (tmp_path / "changelog.html").read_text()
    for name in ("v1.1.0", "v1.0.0", "dev"):
        assert f'href="{name}/{site_index.pdf_name(name)}"' in page and f'href="{name}/book/index.html"' in page
    assert "<h1>Changelog</h1>" in page
    assert (tmp_path / "CHANGELOG.md").read_text().startswith("# Changelog")


def test_dev_edition_refuses_stale_notebooks(tmp_path, monkeypatch):
    fake = chapters.Notebook("demo", tmp_path / "notebooks" / "demo.md", tmp_path / "book" / "demo.ipynb", {})
    monkeypatch.setattr(chapters, "stale_notebooks", lambda root: [fake])
    with pytest.raises(releases.EditionsError, match=r"book/demo.ipynb; run `make book`.*never executes notebooks"):
        editions.build_dev(tmp_path, tmp_path / "site" / "dev", tmp_path / "work")


def test_a_release_build_gets_none_of_the_callers_make_or_build_settings(monkeypatch):
    for name in ("MAKEFLAGS", "FORCE", "HERD_DATA", "MAKELEVEL"):
        monkeypatch.setenv(name, "1")
    env = editions._child_env(HERD_EDITION="v1.0.0")
    assert not {"MAKEFLAGS", "FORCE", "HERD_DATA", "MAKELEVEL"} & set(env) and env["HERD_EDITION"] == "v1.0.0"
