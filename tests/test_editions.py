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
