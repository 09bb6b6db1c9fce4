"""Binder uses the build's lock, installs what the notebooks read, and every notebook page
gets a launch button pointing at the configured repository."""
import yaml

from conftest import ROOT


def test_binder_pins_the_same_lock():
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert "-r ../requirements.lock" in lines
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "requirements-nodeps.txt" in post and "-e ." in post
    apt = set((ROOT / "binder" / "apt.txt").read_text().split())
    makefile = (ROOT / "Makefile").read_text()
    debian = next(l for l in makefile.splitlines() if l.startswith("DEBIAN_TEXTS"))
    assert set(debian.split(":=")[1].split()) == apt


def test_launch_buttons_point_at_the_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"]
    assert config["launch_buttons"]["binderhub_url"].startswith("https://")
    html = ROOT / "_build" / "html" / "book" / "benchmarks.html"
    if html.exists():
        page = html.read_text()
        assert "mybinder.org/v2/gh/" + url.split("github.com/")[1] in page
