"""Each edition's research object: an RO-Crate (``ro-crate-metadata.json`` at the site's root, RO-Crate 1.1, written
with the ``rocrate`` package) describing what the edition is made of and how it was made.

The crate describes, each as an entity of its graph:

- the data package (``data/``: ``datapackage.json`` and every table it lists, each with its description, and the
  documents of ``data/sources.csv`` as contextual entities with their addresses, cited by the tables whose rows
  name them);
- the text notebooks (``notebooks/*.md`` and ``notebooks/parameters.yml``) and the executed notebooks
  (``book/*.ipynb``), copied into the site beside the pages so the crate holds what it describes;
- one ``CreateAction`` per chapter: papermill's execution of its text notebook into its executed notebook, with
  the parameters it ran with (read from the executed notebook's parameters cells, as the build records them), the
  software it ran on (versions from the lock), the commit of the book's code, when it started and ended (from the
  build's log ``book/execution.json``: the executed notebook itself keeps no times, so that it is the same bytes
  when its outputs are) and the project as its agent;
- the site: every HTML page, each based on its executed notebook, and each page's lineage records
  (``_lineage/<docname>.json``, written by the HTML build) linked from the page; the downloads of the pages
  (``book/downloads/``: each table's or chart's CSV, about its page, and each table's ``.lineage.csv`` side file,
  about its CSV); and ``lineage-coverage.json``, how many of each page's numbers carry their lineage.

The crate is deterministic: the same edition built twice gives the same bytes (its only date is the edition's
recorded date; the working tree's is its commit's). :func:`validate` checks a crate against the RO-Crate 1.1
profile of ``roc-validator`` at the required level, offline (see :func:`_context_cache`).
"""

from __future__ import annotations

import ast
import csv
import importlib.resources
import io
import json
import platform
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from .edition import KEY_PACKAGES
from .releases import TITLE

CRATE_FILE = "ro-crate-metadata.json"
LINEAGE_DIR = "_lineage"
VERSION = "1.1"
CONTEXT = "https://w3id.org/ro/crate/1.1/context"
PROFILE = "ro-crate-1.1"
LOCKS = ("requirements.lock", "requirements-nodeps.txt")
PARAMETERS = "notebooks/parameters.yml"
FORMATS = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".md": "text/markdown",
    ".yml": "application/yaml",
    ".ipynb": "application/x-ipynb+json",
    ".html": "text/html",
    ".txt": "text/plain",
    ".lock": "text/plain",
    ".zip": "application/zip",
}
COVERAGE_FILE = "lineage-coverage.json"  # at the site's root, written by the HTML build (_ext/lineage.py)
DOWNLOADS = "book/downloads"  # the pages' downloads (herd.presentation.downloads.FOLDER beside the pages)
LINEAGE_SUFFIX = ".lineage.csv"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^\s;#]+)")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


class CrateError(RuntimeError):
    """An edition's crate could not be written or is not valid; the message says which edition, file and check."""


@dataclass(frozen=True)
class Edition:
    """What identifies the edition a crate describes: its name (``v1.1.0``, ``dev``), version, commit (a full hash,
    or one followed by `` with uncommitted changes``), date (YYYY-MM-DD) and one-line summary."""

    name: str
    version: str
    commit: str
    date: str
    summary: str


def dev_edition(root: Path, name: str = "dev") -> Edition:
    """The working tree as edition ``name`` (``dev``): its version and commit as the About page gives them, dated by
    its commit (so two builds of the same tree give the same crate), or outside a git checkout by the release date
    of ``CITATION.cff``."""
    from .edition import commit, version

    proc = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=root, capture_output=True, text=True)
    date = proc.stdout.strip() if proc.returncode == 0 else ""
    cff = root / "CITATION.cff"
    if not date and cff.exists():
        date = str((yaml.safe_load(cff.read_text(encoding="utf-8")) or {}).get("date-released") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise CrateError(f"{root}: the working tree's crate has no date (neither a git commit nor CITATION.cff's)")
    return Edition(name, version(root), commit(root), date, "The working tree, not a release.")


# ---------------------------------------------------------------- reading the tree


def lock_versions(root: Path) -> dict[str, str]:
    """Every package pinned ``name==version`` in the tree's locks (``requirements.lock``,
    ``requirements-nodeps.txt``), by lower-case name."""
    pins: dict[str, str] = {}
    for name in LOCKS:
        path = root / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                hit = _PIN.match(line.strip())
                if hit:
                    pins[hit.group(1).lower()] = hit.group(2)
    return pins


def _cell_values(source: str) -> dict[str, object]:
    """The values a parameters cell assigns (``name = literal``); a value that is not a literal is kept as its
    source text."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                out[node.targets[0].id] = ast.get_source_segment(source, node.value)
    return out


def executed_parameters(executed: Path) -> dict[str, object]:
    """The parameters an executed notebook ran with: its ``parameters`` cell, overridden by papermill's
    ``injected-parameters`` cell when it has one."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as exc:
        raise CrateError(f"{executed}: not a readable notebook: {exc}") from None
    found: dict[str, object] = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in cells:
            if cell.get("cell_type") == "code" and tag in cell.get("metadata", {}).get("tags", []):
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                found.update(_cell_values(source))
    return found


def _parameter_help(root: Path) -> dict[str, dict[str, str]]:
    """Each chapter's parameters' help from ``notebooks/parameters.yml`` ({} when the file is absent)."""
    path = root / PARAMETERS
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    out: dict[str, dict[str, str]] = {}
    for chapter, specs in (data or {}).items():
        if isinstance(specs, dict):
            out[str(chapter)] = {
                str(k): str(v["help"]) for k, v in specs.items() if isinstance(v, dict) and v.get("help")
            }
    return out


def repository_url(root: Path) -> str | None:
    """The address ``_config.yml`` gives the repository (``repository.url``), or None."""
    path = root / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    url = ((config or {}).get("repository") or {}).get("url")
    return str(url).rstrip("/") if url else None


def _source_keys(path: Path, fields: list[str]) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return sorted({row[f] for row in csv.DictReader(handle) for f in fields if row.get(f)})


def data_resources(root: Path) -> tuple[dict, list[dict]]:
    """The data package (``data/datapackage.json``) and its resources, each with ``cites``: the keys of
    ``sources`` its rows name through a foreign key to that table."""
    package_file = root / "data" / "datapackage.json"
    try:
        package = json.loads(package_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CrateError(f"{package_file}: not a readable data package: {exc}") from None
    resources = []
    for res in package.get("resources", []):
        path = root / "data" / res["path"]
        if not path.is_file():
            raise CrateError(f"{package_file}: resource {res.get('name')!r} names {res['path']}, which is missing")
        fields = [
            f
            for fk in res.get("schema", {}).get("foreignKeys", [])
            if fk.get("reference", {}).get("resource") == "sources"
            for f in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"][:1])
        ]
        resources.append({**res, "cites": _source_keys(path, fields) if fields else []})
    return package, resources


def sources(root: Path) -> list[dict[str, str]]:
    """The rows of ``data/sources.csv`` ([] when the package has none)."""
    path = root / "data" / "sources.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def page_title(page: Path) -> str:
    """An HTML page's ``<title>``, its markup and the theme's site suffix removed (the file name if it has none)."""
    hit = _TITLE.search(page.read_text(encoding="utf-8", errors="replace"))
    if not hit:
        return page.name
    text = re.sub(r"<[^>]+>", "", hit.group(1))
    text = re.sub(r"\s+", " ", text.replace("&#8212;", "—").replace("&amp;", "&")).strip()
    return text.split(" — ")[0] or page.name


# ---------------------------------------------------------------- copying what the crate holds


def copy_into_site(root: Path, site: Path) -> list[str]:
    """Copy into the site what the crate describes that the HTML build does not write: the data package, the text
    notebooks with their parameters, the locks and the executed notebooks, at their paths in the repository.
    Returns those paths."""
    _, resources = data_resources(root)
    paths = ["data/datapackage.json", *(f"data/{r['path']}" for r in resources)]
    paths += [p.relative_to(root).as_posix() for p in sorted((root / "notebooks").glob("*.md"))]
    paths += [p for p in (PARAMETERS, *LOCKS) if (root / p).exists()]
    paths += [f"book/{p.stem}.ipynb" for p in sorted((root / "notebooks").glob("*.md"))]
    for rel in paths:
        src = root / rel
        if not src.is_file():
            raise CrateError(f"{src}: missing; the edition's crate describes it")
        dest = site / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return paths


# ---------------------------------------------------------------- the graph


def _file(crate, site: Path, rel: str, **props):
    """A File entity for ``rel`` (a file inside the site), with its format and size."""
    from rocrate.model.file import File

    path = site / rel
    fmt = FORMATS.get(path.suffix, "application/octet-stream")
    base = {"name": rel, "encodingFormat": fmt, "contentSize": str(path.stat().st_size)}
    return crate.add(File(crate, dest_path=rel, properties={**base, **props}))


def _ref(entity) -> dict:
    return {"@id": entity.id}


def _add_data(crate, root: Path, site: Path) -> object:
    """The data package as a ``Dataset`` (``data/``) of its tables, each citing its sources."""
    from rocrate.model.contextentity import ContextEntity
    from rocrate.model.dataset import Dataset

    package, resources = data_resources(root)
    by_key = {}
    for row in sources(root):
        doc = {"@type": "CreativeWork", "name": row.get("title") or row["key"], "identifier": row["key"]}
        fields = (("url", "url"), ("version", "version"), ("date", "datePublished"), ("publisher", "publisher"))
        doc.update({term: row[col] for col, term in fields if row.get(col)})
        by_key[row["key"]] = crate.add(ContextEntity(crate, f"#source-{row['key']}", properties=doc))
    licenses = [_license(crate, lic.get("name", ""), lic.get("title")) for lic in package.get("licenses", [])]
    files = [_file(crate, site, "data/datapackage.json", name="datapackage.json (Frictionless data package)")]
    for res in resources:
        rel = f"data/{res['path']}"
        unknown = [k for k in res["cites"] if k not in by_key]
        if unknown:
            raise CrateError(f"{rel}: rows cite {', '.join(unknown)}, not keys of data/sources.csv")
        props: dict = {"name": res.get("title") or res["name"], "description": res.get("description", "")}
        if res["cites"]:
            props["citation"] = [_ref(by_key[k]) for k in res["cites"]]
        files.append(_file(crate, site, rel, **props))
    data_props: dict = {
        "name": package.get("title", "The data package"),
        "description": package.get("description", ""),
        "hasPart": [_ref(f) for f in files],
    }
    if licenses:
        data_props["license"] = [_ref(lic) for lic in licenses]
    if by_key:
        data_props["mentions"] = [_ref(e) for e in by_key.values()]
    return crate.add(Dataset(crate, dest_path="data/", properties=data_props))


def _license(crate, name: str, title: str | None = None):
    from rocrate.model.contextentity import ContextEntity

    lid = f"https://spdx.org/licenses/{name}" if re.fullmatch(r"[A-Za-z0-9.+-]+", name) else f"#license-{name}"
    return crate.add(ContextEntity(crate, lid, properties={"@type": "CreativeWork", "name": title or name}))


def _add_software(crate, root: Path, edition: Edition) -> list:
    """The software the chapters ran on: Python, the book's own package ``herd`` at the edition's commit, and the
    key packages at the versions of the tree's lock."""
    from rocrate.model.softwareapplication import SoftwareApplication

    pins = lock_versions(root)
    url = repository_url(root)
    commit = edition.commit.split()[0]
    herd = {"name": "herd (this book's package)", "version": edition.version, "identifier": edition.commit}
    if url and re.fullmatch(r"[0-9a-f]{40}", commit):
        herd["url"] = f"{url}/tree/{commit}"
    out = [
        crate.add(
            SoftwareApplication(crate, "#software-python", {"name": "Python", "version": platform.python_version()})
        ),
        crate.add(SoftwareApplication(crate, "#software-herd", herd)),
    ]
    for name in KEY_PACKAGES:
        if name.lower() in pins:
            props = {"name": name, "version": pins[name.lower()], "url": f"https://pypi.org/project/{name}/"}
            out.append(crate.add(SoftwareApplication(crate, f"#software-{name}", props)))
    return out


def _add_project(crate, root: Path):
    """The project as the agent of the chapters' executions: an organization, at its repository's address."""
    from rocrate.model.contextentity import ContextEntity

    url = repository_url(root)
    props = {"@type": "Organization", "name": f"{TITLE} (the project)"}
    if url:
        props["url"] = url
    return crate.add(ContextEntity(crate, url or "#project", properties=props))


def execution_log(root: Path) -> dict[str, dict[str, str]]:
    """When each chapter's execution that wrote its executed notebook started and ended (``startTime``,
    ``endTime``), by chapter, from the build's log ``book/execution.json`` (:func:`herd.book.build.run_notebooks`); a
    chapter the log gives no times has none."""
    path = root / "book" / "execution.json"
    try:
        log = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError) as exc:
        raise CrateError(f"{path}: not readable JSON: {exc}") from None
    terms = (("start_time", "startTime"), ("end_time", "endTime"))
    return {name: {t: str(e[k]) for k, t in terms if e.get(k)} for name, e in log.items() if isinstance(e, dict)}


def _add_executions(crate, root: Path, site: Path, software: list, data) -> tuple[list, list, list]:
    """Per chapter: its text notebook, its executed notebook and papermill's ``CreateAction`` between them, with
    the parameters it ran with as ``PropertyValue`` entities, its start and end and the project as its agent.
    Returns (text notebooks, executed, actions)."""
    from rocrate.model.contextentity import ContextEntity

    agent = _add_project(crate, root)
    ran = execution_log(root)
    helps = _parameter_help(root)
    params_file = (
        _file(crate, site, PARAMETERS, name="The chapters' parameters") if (site / PARAMETERS).exists() else None
    )
    texts, executed, actions = [], [], []
    for text_path in sorted((root / "notebooks").glob("*.md")):
        name = text_path.stem
        text = _file(crate, site, f"notebooks/{name}.md", name=f"Text notebook {name} (MyST, jupytext)")
        result = _file(crate, site, f"book/{name}.ipynb", name=f"Executed notebook {name}", isBasedOn=_ref(text))
        nb = json.loads((root / "book" / f"{name}.ipynb").read_text(encoding="utf-8"))
        digest = nb.get("metadata", {}).get("herd", {}).get("inputs_sha256")
        values = []
        for key, value in executed_parameters(root / "book" / f"{name}.ipynb").items():
            props = {"@type": "PropertyValue", "name": key, "value": _value(value)}
            if helps.get(name, {}).get(key):
                props["description"] = helps[name][key]
            values.append(crate.add(ContextEntity(crate, f"#parameter-{name}-{key}", properties=props)))
        objects = [text, *([params_file] if params_file else []), data, *values]
        props = {
            "@type": "CreateAction",
            "name": f"papermill executes notebooks/{name}.md into book/{name}.ipynb",
            "description": "Executed by the book's runner (python -m herd.build) with the parameters listed"
            + (f"; the hash of its inputs: sha256 {digest}" if digest else ""),
            "instrument": [_ref(s) for s in software],
            "object": [_ref(o) for o in objects],
            "result": [_ref(result)],
            "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"},
            "agent": _ref(agent),
            **ran.get(name, {}),
        }
        actions.append(crate.add(ContextEntity(crate, f"#execution-{name}", properties=props)))
        texts.append(text)
        executed.append(result)
    return texts, executed, actions


def _value(value: object) -> object:
    """A parameter's value as a ``PropertyValue`` holds it: a number, text or truth value as it is; anything else
    as its JSON."""
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _add_site(crate, site: Path) -> tuple[dict, object | None]:
    """Every HTML page of the site (outside the folders whose names start with ``_``), each based on the executed
    notebook of the same name; and each page's lineage records (``_lineage/<docname>.json``) as a File linked from
    its page (``subjectOf``) and gathered in the ``_lineage/`` Dataset. Returns (pages, the lineage Dataset)."""
    from rocrate.model.dataset import Dataset

    pages: dict = {}
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if any(part.startswith("_") for part in Path(rel).parts[:-1]):
            continue
        props: dict = {"name": page_title(html)}
        notebook = site / Path(rel).with_suffix(".ipynb")
        if notebook.exists():
            props["isBasedOn"] = {"@id": notebook.relative_to(site).as_posix()}
        pages[rel] = _file(crate, site, rel, **props)
    lineage = []
    for path in sorted((site / LINEAGE_DIR).rglob("*.json")):
        rel = path.relative_to(site).as_posix()
        docname = path.relative_to(site / LINEAGE_DIR).with_suffix("").as_posix()
        records = _lineage_records(path, docname)
        page = pages.get(f"{docname}.html")
        props = {"name": f"Lineage of the numbers on {docname}", "description": f"{records} lineage records"}
        if page is not None:
            props["about"] = _ref(page)
        entity = _file(crate, site, rel, **props)
        if page is not None:
            page.append_to("subjectOf", entity)
        lineage.append(entity)
    if not lineage:
        return pages, None
    props = {"name": "Lineage records of the pages", "hasPart": [_ref(e) for e in lineage]}
    return pages, crate.add(Dataset(crate, dest_path=f"{LINEAGE_DIR}/", properties=props))


def _add_downloads(crate, root: Path, site: Path, pages: dict) -> object | None:
    """The pages' downloads (``book/downloads/``) as a Dataset: each CSV a page's table or chart offers, about that
    page (the executed notebook that carries it names it), each table's lineage side file about its CSV, and any
    other file of the folder (the data package's archive). None when the site has no downloads."""
    from rocrate.model.dataset import Dataset

    from herd.presentation import downloads

    folder = site / DOWNLOADS
    if not folder.is_dir():
        return None
    shown_on: dict[str, str] = {}
    for notebook in sorted((root / "book").glob("*.ipynb")):
        for name in downloads.collect(notebook):
            shown_on.setdefault(name, f"book/{notebook.stem}.html")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    csvs, parts = {}, []
    for path in (p for p in files if not p.name.endswith(LINEAGE_SUFFIX)):
        rel = path.relative_to(site).as_posix()
        page = pages.get(shown_on.get(path.name, ""))
        props: dict = {"name": path.name}
        if path.suffix == ".csv":
            where = f"on {page['name']}" if page is not None else "of a page"
            props["description"] = f"The rows of a table or chart {where}, as its “Download CSV” link gives them"
            if page is not None:
                props["about"] = _ref(page)
        csvs[path.name] = entity = _file(crate, site, rel, **props)
        parts.append(entity)
    for path in (p for p in files if p.name.endswith(LINEAGE_SUFFIX)):
        table = csvs.get(path.name.removesuffix(LINEAGE_SUFFIX) + ".csv")
        if table is None:
            raise CrateError(f"{path}: a lineage side file without its table's CSV in {DOWNLOADS}/")
        props = {
            "name": path.name,
            "description": f"Where the numbers of {table['name']} came from: one line per cell that shows a number "
            "(its row and column), with its lineage record (the function and parameters, or the data rows, and the "
            "sources)",
            "about": _ref(table),
        }
        parts.append(_file(crate, site, path.relative_to(site).as_posix(), **props))
    props = {"name": "The pages' downloads: the CSV of each table and chart, and each table's lineage side file",
             "hasPart": [_ref(e) for e in parts]}  # fmt: skip
    return crate.add(Dataset(crate, dest_path=f"{DOWNLOADS}/", properties=props))


def _add_coverage(crate, site: Path, lineage) -> object | None:
    """``lineage-coverage.json``: by page, how many numbers a reader sees and how many carry their lineage."""
    if not (site / COVERAGE_FILE).exists():
        return None
    props: dict = {
        "name": "How many of each page's numbers carry their lineage",
        "description": "By page: the numbers of its glued values and of its table cells, those with a lineage, and "
        "the values and cells whose numbers carry none (the coverage About this edition shows)",
    }
    if lineage is not None:
        props["about"] = _ref(lineage)
    return _file(crate, site, COVERAGE_FILE, **props)


def _lineage_records(path: Path, docname: str) -> int:
    """How many records a page's lineage file holds; a file that is not ``{"page": docname, "records": {...}}``
    is an error naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CrateError(f"{path}: not readable JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("records"), dict) or data.get("page") != docname:
        raise CrateError(f'{path}: expected {{"page": "{docname}", "records": {{id: record}}}}')
    return len(data["records"])


def build_crate(root: Path, site: Path, edition: Edition):
    """The crate (a ``rocrate.rocrate.ROCrate``) of the edition built from ``root`` into ``site``; the files it
    describes must already be in the site (:func:`copy_into_site`)."""
    from rocrate.rocrate import ROCrate

    crate = ROCrate(gen_preview=False, version=VERSION)
    data = _add_data(crate, root, site)
    software = _add_software(crate, root, edition)
    texts, executed, actions = _add_executions(crate, root, site, software, data)
    by_page, lineage = _add_site(crate, site)
    pages = list(by_page.values())
    extra = [e for e in (_add_downloads(crate, root, site, by_page), _add_coverage(crate, site, lineage)) if e]
    locks = [_file(crate, site, p, name=f"{p}: the pinned Python packages") for p in LOCKS if (site / p).exists()]
    parts = [data, *texts, *executed, *pages, *([lineage] if lineage else []), *extra, *locks]
    params = site / PARAMETERS
    if params.exists():
        parts.insert(1 + len(texts), crate.dereference(PARAMETERS))
    home = crate.dereference("book/index.html") or crate.dereference("index.html")
    root_props = {
        "name": f"{TITLE}, edition {edition.name}",
        "description": f"{edition.summary} An executable research report: the data package, the text notebooks, "
        "their executions, the executed notebooks and the HTML pages of this edition.",
        "datePublished": edition.date,
        "version": edition.version,
        "identifier": edition.commit,
        "license": _ref(_license(crate, "MIT")),
        "hasPart": [_ref(p) for p in parts],
        "mentions": [_ref(a) for a in actions],
    }
    if home is not None:
        root_props["mainEntity"] = _ref(home)
    for key, value in root_props.items():  # the date replaces the creation time rocrate gives a new crate
        crate.root_dataset[key] = value
    return crate


# ---------------------------------------------------------------- writing and checking


def write(root: Path, site: Path, edition: Edition) -> Path:
    """Copy what the crate describes into ``site`` and write its ``ro-crate-metadata.json``; returns its path."""
    copy_into_site(root, site)
    crate = build_crate(root, site, edition)
    graph = crate.metadata.generate()
    path = site / CRATE_FILE
    path.write_text(json.dumps(graph, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def reachable(graph: dict) -> set[str]:
    """The ids of the entities of a crate's graph that can be reached from its root dataset (``./``) by following
    references (``{"@id": ...}``) in any property."""
    by_id = {e["@id"]: e for e in graph["@graph"]}
    seen, todo = set(), ["./"]
    while todo:
        eid = todo.pop()
        if eid in seen or eid not in by_id:
            continue
        seen.add(eid)
        todo += [ref for value in by_id[eid].values() for ref in _refs(value)]
    return seen


def _refs(value) -> list[str]:
    if isinstance(value, dict):
        return [value["@id"]] if "@id" in value and len(value) == 1 else []
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


_VALIDATING = threading.Lock()  # the validator's HTTP client is one per process: one validation at a time


def validate(site: Path, name: str = "") -> None:
    """Check the crate at ``site`` against the RO-Crate 1.1 profile (roc-validator, required level), offline; a
    crate that fails is a :class:`CrateError` listing each failed check."""
    from rocrate_validator import services
    from rocrate_validator.models import Severity, ValidationSettings

    if not (site / CRATE_FILE).exists():
        raise CrateError(f"edition {name or site}: no {CRATE_FILE} in {site}")
    with _VALIDATING, tempfile.TemporaryDirectory(prefix="herd-crate-") as tmp:
        cache = _context_cache(Path(tmp))
        settings = ValidationSettings(
            rocrate_uri=str(site),
            profile_identifier=PROFILE,
            requirement_severity=Severity.REQUIRED,
            offline=True,
            cache_path=cache,
        )
        result = services.validate(settings)
        issues = [f"{i.check.identifier if i.check else '?'}: {i.message}" for i in result.get_issues()]
        passed = result.passed()
    if not passed:
        raise CrateError(
            f"edition {name or site}: {CRATE_FILE} is not a valid RO-Crate {VERSION} (roc-validator, required "
            "level):\n  " + "\n  ".join(issues or ["failed without naming a check"])
        )


def _context_cache(folder: Path) -> Path:
    """An HTTP cache for the validator's offline mode holding the RO-Crate context at its address, so no request
    leaves the machine. The context served is the one the ``rocrate`` package ships (RO-Crate 1.3's: every term of
    1.1's but five the crate does not use, at the same schema.org addresses, and later terms besides), so a term
    defined only after 1.1 would not be caught here."""
    import requests
    import urllib3
    from requests.adapters import BaseAdapter, HTTPAdapter
    from requests_cache import CachedSession

    body = importlib.resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_bytes()

    class Served(BaseAdapter):
        def send(self, request, **kwargs):
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(body),
                headers={"Content-Type": "application/ld+json"},
                status=200,
                preload_content=False,
                request_url=request.url,
            )
            return HTTPAdapter().build_response(request, raw)

        def close(self):
            pass

    cache = folder / "http-cache"
    session = CachedSession(cache_name=str(cache), backend="sqlite", allowable_codes=(200,))
    session.mount(CONTEXT, Served())
    try:
        if session.get(CONTEXT, headers={"Accept": "application/ld+json"}).status_code != 200:
            raise CrateError(f"could not serve the RO-Crate context {CONTEXT} to the validator")
    except requests.RequestException as exc:
        raise CrateError(f"could not serve the RO-Crate context {CONTEXT} to the validator: {exc}") from None
    finally:
        session.close()
    return cache
