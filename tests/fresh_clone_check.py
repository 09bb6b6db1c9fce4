"""`make editions` on a fresh clone of this commit, without tags: every release recorded in
editions.yml and dev are built, each with its PDF (every chapter and chart printed), the site's
changelog equals the committed CHANGELOG.md, and `git status` is clean afterwards.

Slow (a clone, its installs and every edition's build), so not part of `make test`: run by
`make editions-check`, which CI runs after `make test`."""

import json
import os
import re
import subprocess

import pytest
import yaml

from conftest import ROOT
from herd.book import crate, editions, pdf, releases, site_index

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(pdf.chromium() is None, reason=f"the PDFs are printed with Chromium: {pdf.INSTALL_HINT}"),
]


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    dest = tmp_path_factory.mktemp("fresh") / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-tags", str(ROOT), str(dest)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in editions.PRIVATE_ENV}
    proc = subprocess.run(
        ["make", "--no-print-directory", "editions"], cwd=dest, env=env, capture_output=True, text=True
    )
    (dest.parent / "make-editions.log").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, f"make editions failed on a fresh clone:\n{(proc.stdout + proc.stderr)[-4000:]}"
    return dest


def test_the_clone_has_no_tags_and_a_clean_status_afterwards(clone):
    assert _git(clone, "tag") == ""
    assert _git(clone, "status", "--porcelain", "--untracked-files=all") == ""
    assert len(_git(clone, "worktree", "list").splitlines()) == 1  # no worktree left registered


def test_every_recorded_edition_and_dev_is_built(clone):
    recorded = releases.load_releases(clone)
    names = [r.name for r in recorded] + ["dev"]
    site = clone / "site"
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == sorted(names)
    switcher = json.loads((site / "switcher.json").read_text())
    assert [e["version"] for e in switcher] == [r.name for r in reversed(recorded)] + ["dev"]
    assert f"url={recorded[-1].name}/book/index.html" in (site / "index.html").read_text()
    for name in names:
        assert (site / name / "book" / "index.html").exists()


def _about(site, name):
    page = (site / name / "book" / "about.html").read_text()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_about_pages_name_their_own_commit_and_are_clean(clone):
    site = clone / "site"
    for r in releases.load_releases(clone):
        about = _about(site, r.name)
        assert f"Edition {r.name} Version {r.version} Git commit {r.commit} " in about
    head = _git(clone, "rev-parse", "HEAD").strip()
    about = _about(site, "dev")
    assert f"Git commit {head} " in about and "uncommitted" not in about
    assert f'href="../{site_index.pdf_name("dev")}"' in (site / "dev" / "book" / "about.html").read_text()


def test_every_page_of_dev_offers_the_pdf_in_its_download_menu(clone):
    pages = sorted((clone / "site" / "dev" / "book").glob("*.html"))
    assert len(pages) >= 7
    for page in pages:
        menu = re.search(r'<a href="([^"]+)"[^>]*class="[^"]*btn-download-edition-pdf-button', page.read_text())
        assert menu and menu.group(1) == f"../{site_index.pdf_name('dev')}", f"{page.name}: no PDF in the download menu"


def test_each_edition_has_its_pdf_with_every_chapter_and_chart(clone):
    site = clone / "site"
    for name in [r.name for r in releases.load_releases(clone)] + ["dev"]:
        path = site / name / site_index.pdf_name(name)
        manifest = json.loads(path.with_suffix(".json").read_text())
        printed = pdf.read(path)
        assert manifest["edition"] == name and manifest["pages"] == len(printed.pages)
        first = re.sub(r"\s+", " ", printed.pages[0])
        assert f"Edition {name}" in first and manifest["commit"][:40] in first
        assert f"page 1 of {len(printed.pages)}" in first
        assert len(manifest["chapters"]) >= 7
        for title in manifest["chapters"]:
            assert title in printed.text, f"{name}: chapter {title!r} missing from its PDF"
        assert len(manifest["charts"]) >= 10
        for chart in manifest["charts"]:
            assert chart["inked"] > 0 and chart["title"] in printed.text, f"{name}: chart {chart['title']!r} not drawn"
        assert manifest["refused_requests"] == []
        if name == "dev":  # its build stops on a table cut; a release made before that check lists what it lost
            assert manifest["tables"] >= 10 and manifest["cut"] == []


def test_the_dev_pdf_holds_every_page_of_the_table_of_contents_and_numbers_its_pages(clone):
    # what `make test` once printed a PDF of its own for: the chapters are the table of contents' pages, in its
    # order, by the titles of their built pages; the book is long and its last page is numbered too
    toc = yaml.safe_load((clone / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    titles = []
    for f in files:
        page = (clone / "site" / "dev" / f"{f}.html").read_text()
        titles.append(re.sub(r"\s+", " ", re.search(r"<title>(.*?) &#8212;", page, re.S).group(1)).strip())
    path = clone / "site" / "dev" / site_index.pdf_name("dev")
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["chapters"] == titles and len(titles) == len(files)
    pages = pdf.read(path).pages
    assert len(pages) > 40
    assert f"page {len(pages)} of {len(pages)}" in re.sub(r"\s+", " ", pages[-1])


def test_the_site_changelog_is_the_committed_one(clone):
    assert (clone / "site" / "CHANGELOG.md").read_text() == (clone / "CHANGELOG.md").read_text()
    page = (clone / "site" / "changelog.html").read_text()
    for r in releases.load_releases(clone):
        assert f'href="{r.name}/{site_index.pdf_name(r.name)}"' in page


def test_every_edition_ships_its_crate_dated_and_describing_each_chapter(clone):
    # make editions validated each one (it stops on an invalid crate); here: each names its own edition
    site = clone / "site"
    dated = {r.name: (r.date, r.commit) for r in releases.load_releases(clone)}
    for name in [*dated, "dev"]:
        graph = {e["@id"]: e for e in json.loads((site / name / crate.CRATE_FILE).read_text())["@graph"]}
        root = graph["./"]
        if name in dated:
            assert (root["datePublished"], root["identifier"]) == dated[name]
        texts = [i["@id"] for i in root["hasPart"] if i["@id"].startswith("notebooks/") and i["@id"].endswith(".md")]
        assert texts and all(f"#execution-{t[10:-3]}" in graph for t in texts)
