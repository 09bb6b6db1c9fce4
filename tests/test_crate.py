"""Each edition's research object (herd.book.crate): an RO-Crate at the site's root describing the data package and
its sources, the text notebooks, their executions, the executed notebooks, the pages and their lineage files.

The crates here are built from a small temporary tree (the real data package, one made-up chapter) into a small
temporary site, so the unmarked tests stay fast; the validation against the RO-Crate 1.1 profile is slow
(roc-validator alone takes seconds) and marked so."""

import csv
import json
import re
import shutil
import textwrap

import pytest
import yaml

from conftest import DATA, ROOT
from herd.book import crate

EDITION = crate.Edition("v9.9.9", "9.9.9", "0123456789abcdef0123456789abcdef01234567", "2026-12-01", "A test edition.")
PARAMS_CELL = 'source = "llama3-paper-v3"\nalpha = 0.05\nmodels = ["a", "b"]\nrounds = 3 * 10\n'


RAN = {"seconds": 42.5, "start_time": "2025-11-30T10:00:00+00:00", "end_time": "2025-11-30T10:00:43+00:00"}


def _notebook(cells):
    return {"cells": cells, "metadata": {"herd": {"inputs_sha256": "ab" * 32}}, "nbformat": 4, "nbformat_minor": 4}


def _code(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source, "outputs": []}


@pytest.fixture
def tree(tmp_path):
    """A book's tree: the real data package and locks, one chapter ``demo`` executed with an injected parameter."""
    root = tmp_path / "tree"
    shutil.copytree(DATA, root / "data")
    for name in crate.LOCKS:
        shutil.copyfile(ROOT / name, root / name)
    shutil.copyfile(ROOT / "_config.yml", root / "_config.yml")
    (root / "notebooks").mkdir()
    (root / "notebooks" / "demo.md").write_text("# Demo\n\n```{code-cell}\n:tags: [parameters]\nalpha = 0.05\n```\n")
    (root / "notebooks" / "parameters.yml").write_text(
        textwrap.dedent("""\
        demo:
          alpha:
            type: float
            default: 0.05
            help: The test's level.
        """)
    )
    cells = [_code(PARAMS_CELL, ["parameters"]), _code("alpha = 0.01\n", ["injected-parameters"]), _code("1 + 1")]
    (root / "book").mkdir()
    (root / "book" / "demo.ipynb").write_text(json.dumps(_notebook(cells)))
    (root / "book" / "execution.json").write_text(json.dumps({"demo": RAN}))  # the build's log of the execution
    return root


@pytest.fixture
def site(tmp_path):
    """A built site: a home page, the chapter's page and a page of another kind, no lineage yet."""
    out = tmp_path / "site"
    (out / "book").mkdir(parents=True)
    (out / "_static").mkdir()
    (out / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/index.html" />')
    (out / "book" / "index.html").write_text("<html><head><title>Home &#8212; Llama 3.1, Reproduced</title></head>")
    (out / "book" / "demo.html").write_text("<html><head><title>Demo &#8212; Llama 3.1, Reproduced</title></head>")
    (out / "_static" / "theme.html").write_text("<html></html>")
    return out


def _graph(site):
    return {e["@id"]: e for e in json.loads((site / crate.CRATE_FILE).read_text())["@graph"]}


def _ids(value):
    return [v["@id"] for v in (value if isinstance(value, list) else [value])]


def test_the_data_package_its_tables_and_their_sources(tree, site):
    crate.write(tree, site, EDITION)
    graph = _graph(site)
    package = json.loads((DATA / "datapackage.json").read_text())
    data = graph["data/"]
    assert data["@type"] == "Dataset" and data["name"] == package["title"]
    assert "data/" in _ids(graph["./"]["hasPart"])
    rows = list(csv.DictReader((DATA / "sources.csv").open(newline="", encoding="utf-8")))
    for res in package["resources"]:
        entity = graph[f"data/{res['path']}"]
        assert entity["@type"] == "File" and entity["description"] == res["description"]
        assert f"data/{res['path']}" in _ids(data["hasPart"])
        assert (site / "data" / res["path"]).read_bytes() == (DATA / res["path"]).read_bytes()
    for row in rows:
        source = graph[f"#source-{row['key']}"]
        assert source["url"] == row["url"] and source["name"] == row["title"]
    # a table cites exactly the sources its rows name (scores.csv: its source column)
    scores = {r["source"] for r in csv.DictReader((DATA / "scores.csv").open(newline="", encoding="utf-8"))}
    assert set(_ids(graph["data/scores.csv"]["citation"])) == {f"#source-{k}" for k in scores}


def test_each_chapter_execution_with_its_parameters_software_and_commit(tree, site):
    crate.write(tree, site, EDITION)
    graph = _graph(site)
    action = graph["#execution-demo"]
    assert action["@type"] == "CreateAction" and "#execution-demo" in _ids(graph["./"]["mentions"])
    assert _ids(action["result"]) == ["book/demo.ipynb"]
    objects = _ids(action["object"])
    assert {"notebooks/demo.md", "notebooks/parameters.yml", "data/"} <= set(objects)
    values = {graph[i]["name"]: graph[i]["value"] for i in objects if graph[i]["@type"] == "PropertyValue"}
    # the injected value wins over the cell's default; a list is kept as JSON; an expression as its source text
    assert values == {"source": "llama3-paper-v3", "alpha": 0.01, "models": '["a", "b"]', "rounds": "3 * 10"}
    assert graph["#parameter-demo-alpha"]["description"] == "The test's level."
    pins = crate.lock_versions(tree)
    instruments = {graph[i]["name"]: graph[i] for i in _ids(action["instrument"])}
    assert instruments["papermill"]["version"] == pins["papermill"]
    assert instruments["pandas"]["version"] == pins["pandas"]
    herd = instruments["herd (this book's package)"]
    assert herd["identifier"] == EDITION.commit and herd["url"].endswith(f"/tree/{EDITION.commit}")
    assert graph["book/demo.ipynb"]["isBasedOn"] == {"@id": "notebooks/demo.md"}
    assert (site / "book" / "demo.ipynb").read_bytes() == (tree / "book" / "demo.ipynb").read_bytes()
    # when it ran, as the build's log records it, and by whom: the project, not a person
    assert (action["startTime"], action["endTime"]) == (RAN["start_time"], RAN["end_time"])
    agent = graph[action["agent"]["@id"]]
    assert agent["@type"] == "Organization" and agent["url"] == crate.repository_url(tree)


def test_an_execution_without_recorded_times_has_none(tree, site):
    (tree / "book" / "execution.json").write_text(json.dumps({"demo": {"seconds": 1.0}}))  # an older log
    crate.write(tree, site, EDITION)
    action = _graph(site)["#execution-demo"]
    assert "startTime" not in action and "endTime" not in action and "agent" in action


def _downloads(tree, site):
    """The chapter's page offers a table's CSV and its lineage side file; the site has its lineage coverage."""
    notebook = json.loads((tree / "book" / "demo.ipynb").read_text())
    files = {"a-table-0a1b2c3d.csv": "x\n1\n", "a-table-0a1b2c3d.lineage.csv": "row,column,lineage\n1,x,L1\n"}
    output = {"output_type": "display_data", "data": {"text/html": "<table></table>"},
              "metadata": {"herd": {"downloads": [{"file": f, "csv": t} for f, t in files.items()]}}}  # fmt: skip
    notebook["cells"][-1]["outputs"] = [output]
    (tree / "book" / "demo.ipynb").write_text(json.dumps(notebook))
    folder = site / crate.DOWNLOADS
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    (folder / "data-package.zip").write_bytes(b"PK")
    (site / crate.COVERAGE_FILE).write_text(json.dumps([{"page": "book/demo", "glued_numbers": 3}]))
    return files


def test_the_downloads_their_lineage_side_files_and_the_coverage_are_described(tree, site):
    _downloads(tree, site)
    crate.write(tree, site, EDITION)
    doc = json.loads((site / crate.CRATE_FILE).read_text())
    graph = _graph(site)
    table, side = (f"{crate.DOWNLOADS}/a-table-0a1b2c3d{s}" for s in (".csv", ".lineage.csv"))
    assert graph[table]["about"] == {"@id": "book/demo.html"} and graph[table]["encodingFormat"] == "text/csv"
    assert "Demo" in graph[table]["description"]
    assert graph[side]["about"] == {"@id": table} and "a-table-0a1b2c3d.csv" in graph[side]["description"]
    folder = graph[f"{crate.DOWNLOADS}/"]
    assert set(_ids(folder["hasPart"])) == {table, side, f"{crate.DOWNLOADS}/data-package.zip"}
    assert graph[crate.COVERAGE_FILE]["encodingFormat"] == "application/json"
    assert {table, side, crate.COVERAGE_FILE} <= crate.reachable(doc)


def test_a_lineage_side_file_without_its_table_is_an_error_naming_it(tree, site):
    _downloads(tree, site)
    (site / crate.DOWNLOADS / "a-table-0a1b2c3d.csv").unlink()
    with pytest.raises(crate.CrateError, match=r"a-table-0a1b2c3d.lineage.csv: a lineage side file without"):
        crate.write(tree, site, EDITION)


def test_the_pages_and_the_root(tree, site):
    crate.write(tree, site, EDITION)
    graph = _graph(site)
    root = graph["./"]
    assert root["datePublished"] == EDITION.date and root["version"] == EDITION.version
    assert root["mainEntity"] == {"@id": "book/index.html"}
    parts = _ids(root["hasPart"])
    assert {"index.html", "book/index.html", "book/demo.html"} <= set(parts)
    assert "_static/theme.html" not in graph  # the theme's files are not pages
    assert graph["book/demo.html"]["name"] == "Demo" and graph["book/demo.html"]["isBasedOn"] == {
        "@id": "book/demo.ipynb"
    }
    assert f"{crate.LINEAGE_DIR}/" not in graph  # no lineage files yet: none described, no failure
    assert set(graph) - crate.reachable(json.loads((site / crate.CRATE_FILE).read_text())) == {crate.CRATE_FILE}


def test_a_page_lineage_file_is_reachable_from_the_root_through_its_page(tree, site):
    lineage = site / crate.LINEAGE_DIR / "book" / "demo.json"
    lineage.parent.mkdir(parents=True)
    lineage.write_text(json.dumps({"page": "book/demo", "records": {"n1": {"kind": "data"}, "n2": {}}}))
    crate.write(tree, site, EDITION)
    doc = json.loads((site / crate.CRATE_FILE).read_text())
    graph = _graph(site)
    rel = "_lineage/book/demo.json"
    assert rel in crate.reachable(doc)
    assert rel in _ids(graph["book/demo.html"]["subjectOf"]) and graph[rel]["about"] == {"@id": "book/demo.html"}
    assert graph[rel]["description"] == "2 lineage records"
    # reachable through the page alone, not only through the lineage folder
    without_folder = {"@graph": [e for e in doc["@graph"] if e["@id"] != f"{crate.LINEAGE_DIR}/"]}
    assert rel in crate.reachable(without_folder)


def test_a_lineage_file_for_another_page_is_an_error_naming_it(tree, site):
    lineage = site / crate.LINEAGE_DIR / "book" / "demo.json"
    lineage.parent.mkdir(parents=True)
    lineage.write_text(json.dumps({"page": "book/other", "records": {}}))
    with pytest.raises(crate.CrateError, match=r"_lineage/book/demo.json: expected .*book/demo"):
        crate.write(tree, site, EDITION)


def test_the_crate_is_the_same_bytes_on_a_second_build(tree, site, tmp_path):
    first = crate.write(tree, site, EDITION).read_bytes()
    again = tmp_path / "again"
    shutil.copytree(site, again)
    (again / crate.CRATE_FILE).unlink()
    assert crate.write(tree, again, EDITION).read_bytes() == first
    assert first.count(b"2026-") == first.count(EDITION.date.encode()) + sum(
        row["date"].startswith("2026-") for row in csv.DictReader((DATA / "sources.csv").open(encoding="utf-8"))
    )


def test_a_resource_the_package_lists_but_lacks_is_an_error(tree, site):
    (tree / "data" / "scores.csv").unlink()
    with pytest.raises(crate.CrateError, match=r"datapackage.json: resource 'scores' names scores.csv, which is missi"):
        crate.write(tree, site, EDITION)


@pytest.mark.slow
def test_the_crate_is_valid_and_a_broken_one_is_not(tree, site):
    lineage = site / crate.LINEAGE_DIR / "book" / "demo.json"
    lineage.parent.mkdir(parents=True)
    lineage.write_text(json.dumps({"page": "book/demo", "records": {}}))
    _downloads(tree, site)
    crate.write(tree, site, EDITION)
    crate.validate(site, EDITION.name)
    doc = json.loads((site / crate.CRATE_FILE).read_text())
    del doc["@graph"][0]["datePublished"]
    (site / crate.CRATE_FILE).write_text(json.dumps(doc))
    with pytest.raises(crate.CrateError, match=r"edition v9.9.9: .* not a valid RO-Crate 1.1(.|\n)*datePublished"):
        crate.validate(site, EDITION.name)


def test_the_working_tree_is_dated_by_its_commit_or_else_by_its_citation(tmp_path):
    dev = crate.dev_edition(ROOT)
    assert dev.name == "dev" and dev.commit.split()[0] in dev.commit
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dev.date)
    shutil.copyfile(ROOT / "CITATION.cff", tmp_path / "CITATION.cff")
    cited = yaml.safe_load((ROOT / "CITATION.cff").read_text())["date-released"]
    assert crate.dev_edition(tmp_path, "v0").date == str(cited)
    (tmp_path / "CITATION.cff").unlink()
    with pytest.raises(crate.CrateError, match="no date"):
        crate.dev_edition(tmp_path)


HTML = ROOT / "_build" / "html"


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.skipif(not (HTML / "index.html").exists(), reason="no built book: run `make book` first")
def test_the_built_book_ships_a_valid_crate_of_every_chapter():
    graph = _graph(HTML)
    for text in sorted((ROOT / "notebooks").glob("*.md")):
        action = graph[f"#execution-{text.stem}"]
        assert _ids(action["result"]) == [f"book/{text.stem}.ipynb"]
        assert (HTML / "book" / f"{text.stem}.ipynb").read_bytes() == (ROOT / "book" / text.stem).with_suffix(
            ".ipynb"
        ).read_bytes()
    pages = {p.relative_to(HTML).as_posix() for p in (HTML / "book").glob("*.html")}
    assert pages <= set(_ids(graph["./"]["hasPart"]))
    reachable = crate.reachable(json.loads((HTML / crate.CRATE_FILE).read_text()))
    for lineage in sorted((HTML / crate.LINEAGE_DIR).rglob("*.json")):
        assert lineage.relative_to(HTML).as_posix() in reachable
    # every download and its lineage side file, and the coverage file
    downloads = sorted((HTML / crate.DOWNLOADS).iterdir())
    assert downloads and crate.COVERAGE_FILE in reachable
    for path in downloads:
        rel = path.relative_to(HTML).as_posix()
        assert rel in reachable, rel
        if path.name.endswith(crate.LINEAGE_SUFFIX):
            assert graph[rel]["about"] == {"@id": rel.removesuffix(crate.LINEAGE_SUFFIX) + ".csv"}
        elif path.suffix == ".csv":
            assert graph[rel]["about"]["@id"].startswith("book/"), rel
    # each execution names when it ran, as the build's log records it, and the project as its agent
    for text in sorted((ROOT / "notebooks").glob("*.md")):
        action = graph[f"#execution-{text.stem}"]
        assert action["startTime"] <= action["endTime"], text.stem
        assert graph[action["agent"]["@id"]]["@type"] == "Organization"
    crate.validate(HTML, "dev")
