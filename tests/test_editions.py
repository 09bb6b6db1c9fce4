import json
import subprocess

from herd import editions


def test_switcher_prefers_the_newest_release():
    entries = editions.switcher(["v1.0.0", "v1.2.0", "v1.10.0", "dev"])
    assert [e["version"] for e in entries] == ["v1.10.0", "v1.2.0", "v1.0.0", "dev"]
    assert entries[0]["preferred"] and entries[0]["name"] == "v1.10.0 (latest)"
    assert entries[-1]["url"] == "/dev/book/index.html"
    assert editions.switcher(["dev"]) == [{"name": "dev (working tree)", "version": "dev", "url": "/dev/book/index.html"}]


def test_release_tags_are_semver_and_sorted(tmp_path):
    run = lambda *a: subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)
    run("init", "-q")
    (tmp_path / "f").write_text("x")
    run("add", "f")
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    for tag in ("v1.10.0", "v1.2.0", "draft", "v2.0"):
        run("tag", tag)
    assert editions.release_tags(tmp_path) == ["v1.2.0", "v1.10.0"]


def test_write_switcher(tmp_path):
    path = editions.write_switcher(tmp_path / "s", ["dev"])
    assert json.loads(path.read_text())[0]["version"] == "dev"


def test_data_changes_finds_changed_added_and_removed_numbers(tmp_path):
    import shutil

    from conftest import DATA, edit_csv

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(DATA, old)
    shutil.copytree(DATA, new)
    edit_csv(new / "scores.csv", 2, "score", "70.0")  # Table 2, MMLU (5-shot), Llama 3.1 8B: 69.4 → 70.0
    lines = (new / "models.csv").read_text().splitlines()
    (new / "models.csv").write_text("\n".join(lines[:-1]) + "\n")  # drop the last model
    changes = editions.data_changes(old, new)
    changed = [c for c in changes if c["field"] == "score"]
    assert changed == [{"table": "scores", "key": "llama3-paper-v3 / Table 2 / MMLU (5-shot) / llama-3.1-8b-instruct",
                        "field": "score", "from": "69.4", "to": "70.0"}]
    assert any(c["table"] == "models" and c["to"] == "removed" for c in changes)
    assert editions.data_changes(old, old) == []


def test_an_edition_shows_the_version_of_its_own_tree(tmp_path):
    from herd import __version__, edition

    (tmp_path / "src" / "herd").mkdir(parents=True)
    (tmp_path / "src" / "herd" / "__init__.py").write_text('__version__ = "0.9.3"\n')
    assert edition.version(tmp_path) == "0.9.3"
    assert edition.version(tmp_path / "elsewhere") == __version__


def test_citation_file_cites_this_version():
    from pathlib import Path

    from herd import __version__

    cff = (Path(__file__).resolve().parent.parent / "CITATION.cff").read_text()
    assert f"\nversion: {__version__}\n" in cff
