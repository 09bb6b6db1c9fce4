"""Versioned editions: every release recorded in ``editions.yml`` (version, commit, date,
summary), built from its own commit, and the working tree as ``dev``, into ``site/<edition>/``
with a PDF of each, ``site/switcher.json`` for the version switcher, the changelog, and a
root page that opens the newest release.

A release is built in a temporary git worktree of its commit (no tag needed) by that tree's
own ``make book``: its own Makefile, lock, ``herd`` and its executed notebooks as committed
(nothing is re-executed: a release whose build changes a tracked file fails). ``dev`` is the
working tree as it is; its executed notebooks must be current (``make book``). Nothing here
writes a tracked file except ``python -m herd.editions changelog --write`` (``make changelog``).

Like the runner, this module knows nothing of the analysis: it builds books and compares the
data packages and the glued values of the recorded editions.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import datetime
import functools
import html
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import build, pdf

EDITIONS_FILE = "editions.yml"
CHANGELOG_FILE = "CHANGELOG.md"
TITLE = "Llama 3.1, Reproduced"
VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
FIELDS = ("version", "commit", "date", "summary")
# Variables of the calling make or build that must not reach a release's own build.
PRIVATE_ENV = (
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
    "FORCE",
    "HERD_DATA",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "HERD_EDITION",
)


class EditionsError(RuntimeError):
    """A recorded edition or a step of building one failed; the message says which and why."""


def pdf_name(edition: str) -> str:
    """File name of an edition's PDF, beside its ``book/`` folder in the site."""
    return f"llama-3.1-reproduced-{edition}.pdf"


# ------------------------------------------------------------------ the record of releases


@dataclass(frozen=True)
class Release:
    """One release recorded in ``editions.yml``: version, commit, date, summary, and the line where its
    entry starts."""

    version: str
    commit: str
    date: str
    summary: str
    line: int = 0  # where the entry starts in editions.yml

    @property
    def name(self) -> str:
        """The edition's name, ``v`` and the version (``v1.0.0``)."""
        return f"v{self.version}"


def _git(root: Path, *args: str, check: bool = True, binary: bool = False):
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=not binary)
    if check and proc.returncode != 0:
        err = proc.stderr if not binary else proc.stderr.decode(errors="replace")
        raise EditionsError(f"git {' '.join(args)}: {err.strip()}")
    return proc


def tree_version(text: str) -> str | None:
    """``__version__`` as written in a ``src/herd/__init__.py``."""
    hit = re.search(r"^__version__\s*=\s*[\"']([^\"']+)[\"']", text, re.M)
    return hit.group(1) if hit else None


def load_releases(root: Path, check_git: bool = True) -> list[Release]:
    """The releases recorded in ``editions.yml``, oldest first, validated: each entry has exactly
    version (X.Y.Z, increasing), commit (full hash; with ``check_git``, present in this clone and
    carrying that version in its ``src/herd/__init__.py``), date (YYYY-MM-DD, not decreasing) and
    a one-line summary. Errors name the file and line."""
    path = root / EDITIONS_FILE
    where = EDITIONS_FILE
    if not path.exists():
        raise EditionsError(f"{where}: missing (it records the released editions; an empty list is `[]`)")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise EditionsError(f"{where}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if node is None or (isinstance(node, yaml.SequenceNode) and not node.value):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise EditionsError(f"{where}, line {node.start_mark.line + 1}: expected a list of editions")
    releases: list[Release] = []
    for item in node.value:
        line = item.start_mark.line + 1
        at = f"{where}, line {line}"
        if not isinstance(item, yaml.MappingNode):
            raise EditionsError(f"{at}: each edition is a mapping with {', '.join(FIELDS)}")
        entry = {}
        for key_node, value_node in item.value:
            key = key_node.value
            if key not in FIELDS:
                raise EditionsError(
                    f"{where}, line {key_node.start_mark.line + 1}: unknown field {key!r}; an edition has "
                    f"{', '.join(FIELDS)}"
                )
            if not isinstance(value_node, yaml.ScalarNode):
                raise EditionsError(f"{where}, line {value_node.start_mark.line + 1}: {key} must be a single value")
            entry[key] = (str(value_node.value).strip(), value_node.start_mark.line + 1)
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise EditionsError(f"{at}: missing {', '.join(missing)}")
        (version, vline), (commit, cline), (date, dline), (summary, sline) = (entry[f] for f in FIELDS)
        if not VERSION.match(version):
            raise EditionsError(f"{where}, line {vline}: version {version!r} is not X.Y.Z (e.g. 1.1.0)")
        if releases and _key(version) <= _key(releases[-1].version):
            raise EditionsError(
                f"{where}, line {vline}: version {version} does not come "
                f"after {releases[-1].version} (list editions oldest first)"
            )
        if not COMMIT.match(commit):
            raise EditionsError(
                f"{where}, line {cline}: commit {commit!r} is not a full 40-character hash (git rev-parse <commit>)"
            )
        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            raise EditionsError(f"{where}, line {dline}: date {date!r} is not YYYY-MM-DD") from None
        if releases and date < releases[-1].date:
            raise EditionsError(
                f"{where}, line {dline}: date {date} is before the previous edition's ({releases[-1].date})"
            )
        if not summary or "\n" in summary or len(summary) > 300:
            raise EditionsError(f"{where}, line {sline}: summary must be one line of at most 300 characters")
        if check_git:
            if _git(root, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode != 0:
                raise EditionsError(
                    f"{where}, line {cline}: commit {commit[:12]} is not in this clone (fetch the branch that holds it)"
                )
            init = _git(root, "show", f"{commit}:src/herd/__init__.py", check=False)
            found = tree_version(init.stdout) if init.returncode == 0 else None
            if found != version:
                raise EditionsError(
                    f"{where}, line {vline}: commit {commit[:12]} carries version {found}, not {version} "
                    "(bump __version__ in src/herd/__init__.py and CITATION.cff before recording the release)"
                )
        releases.append(Release(version, commit, date, summary, line))
    return releases


def _key(version: str) -> tuple[int, ...]:
    match = VERSION.match(version)
    if match is None:
        raise EditionsError(f"version {version!r} is not X.Y.Z")
    return tuple(int(x) for x in match.groups())


def create_tags(root: Path) -> list[str]:
    """Optional: a lightweight tag vX.Y.Z for each recorded release that has none."""
    made = []
    for r in load_releases(root):
        if _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{r.name}", check=False).returncode != 0:
            _git(root, "tag", r.name, r.commit)
            made.append(r.name)
    return made


# ------------------------------------------------------------------ building


def _child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    env.update(extra)
    return env


def _run(cmd: list[str], cwd: Path, log: Path, env: dict, what: str) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise EditionsError(f"{what} failed (log: {log}):\n{tail}")


def chapter_titles(single: Path) -> list[str]:
    """Titles of the documents of a single-page HTML build, in order (each follows its
    ``document-<name>`` marker)."""
    page = pdf.print_page(single) if not (single / "print.html").exists() else single / "print.html"
    text = page.read_text(errors="replace")
    titles = []
    for marker in re.finditer(r'id="document-[^"]+"', text):
        heading = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.S).search(text, marker.end())
        if heading:
            titles.append(_plain(heading.group(1)))
    return titles


def _plain(fragment: str) -> str:
    text = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def make_pdf(single: Path, dest: Path, title: pdf.TitlePage) -> dict:
    """Print the single-page build to ``dest`` and check the result: every chapter's title is in
    its text and every chart (drawn before printing) left its title in it. Writes a manifest
    ``<pdf>.json`` beside it with what was checked."""
    titles = chapter_titles(single)
    report, printed = pdf.print_apart(single, dest, title)
    text = printed.text
    missing = [t for t in titles if _norm(t) not in text]
    charts = [{"title": _norm(c["title"]), "kind": c["kind"], "inked": c["inked"]} for c in report["charts"]]
    unprinted = [c["title"] for c in charts if c["title"] and c["title"] not in text]
    if missing or unprinted or not titles:
        raise EditionsError(
            f"{dest.name}: chapters missing from the PDF text: {missing or 'none'}; "
            f"charts whose title is not printed: {unprinted or 'none'}; chapters found: {len(titles)}"
        )
    manifest = {
        "edition": title.edition,
        "version": title.version,
        "commit": title.commit,
        "pages": len(printed.pages),
        "chapters": titles,
        "charts": charts,
        "refused_requests": report["refused"],
    }
    dest.with_suffix(".json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def build_release(root: Path, release: Release, dest: Path, work: Path, with_pdf: bool = True) -> None:
    """Build a recorded release from its commit into ``dest``: a git worktree of the commit in
    ``work``, that tree's own ``make book`` (its lock, its code, its committed notebooks), then
    its single-page build printed to PDF."""
    tree = work / "tree"
    log = work / "build.log"
    _remove_worktree(root, tree)
    work.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    with _timed(f"{release.name}: worktree of {release.commit[:12]}"):
        with _WORKTREES:
            _git(root, "worktree", "add", "--detach", "--force", str(tree), release.commit)
    try:
        env = _child_env(HERD_EDITION=release.name, HERD_PDF=pdf_name(release.name) if with_pdf else "")
        shown = log.relative_to(root) if log.is_relative_to(root) else log
        with _timed(f"{release.name}: its own `make book` (log: {shown})"):
            _run(
                ["make", "--no-print-directory", "-C", str(tree), "book"],
                tree,
                log,
                env,
                f"edition {release.name}: make book",
            )
        changed = _git(tree, "status", "--porcelain", "--untracked-files=no").stdout.strip()
        if changed:
            raise EditionsError(
                f"edition {release.name}: its build changed tracked files (its committed notebooks are not "
                f"current for its inputs, so they were re-executed):\n{changed}"
            )
        html_dir = tree / "_build" / "html"
        if not (html_dir / "index.html").exists():
            raise EditionsError(f"edition {release.name}: make book left no _build/html/index.html (log: {log})")
        shutil.copytree(html_dir, dest, ignore=shutil.ignore_patterns(build.STAMP))
        if with_pdf:
            with _timed(f"{release.name}: single-page HTML"):
                single = build.jupyter_book(
                    tree,
                    work / "single",
                    "singlehtml",
                    edition=release.name,
                    bin_dir=tree / ".venv" / "bin",
                    env={"HERD_PDF": pdf_name(release.name)},
                )
            with _timed(f"{release.name}: PDF"):
                make_pdf(
                    single,
                    dest / pdf_name(release.name),
                    pdf.TitlePage(TITLE, release.name, release.version, release.commit, release.date, release.summary),
                )
    finally:
        _remove_worktree(root, tree)


@contextmanager
def _timed(what: str):
    """Print ``what`` as a step of the build, then how long it took (CI reads these)."""
    print(f"editions: {what}", flush=True)
    began = time.monotonic()
    yield
    print(f"editions: {what}: {time.monotonic() - began:.0f} s", flush=True)


_WORKTREES = threading.Lock()  # git's worktree commands of builds side by side, one at a time


def _remove_worktree(root: Path, tree: Path) -> None:
    with _WORKTREES:
        if tree.exists():
            _git(root, "worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(tree, ignore_errors=True)
        _git(root, "worktree", "prune", check=False)


def check_dev(root: Path) -> None:
    """The working tree's executed notebooks must be current: ``make editions`` never executes."""
    stale = build.stale_notebooks(root)
    if stale:
        raise EditionsError(
            "dev: executed notebooks are not current for their inputs: "
            + ", ".join(str(nb.executed.relative_to(root)) for nb in stale)
            + "; run `make book` (and commit them) first: `make editions` never executes notebooks"
        )


def build_dev(root: Path, dest: Path, work: Path, with_pdf: bool = True) -> None:
    """The working tree as edition ``dev``: its executed notebooks as they are (never re-executed
    here: a stale one is an error that says to run ``make book``)."""
    check_dev(root)
    build.write_switcher(root / "_build" / "edition", build.switcher(["dev"]))  # html_extra_path of the book
    extra = {"HERD_PDF": pdf_name("dev")} if with_pdf else {}
    with _timed("dev: the working tree"):
        html_dir = build.jupyter_book(root, work / "html", "html", edition="dev", env=extra)
    shutil.copytree(html_dir, dest, ignore=shutil.ignore_patterns(build.STAMP))
    if with_pdf:
        with _timed("dev: single-page HTML"):
            single = build.jupyter_book(root, work / "single", "singlehtml", edition="dev", env=extra)
        head = build.git_commit(root) or "unknown"
        commit = head + (" with uncommitted changes" if build.git_dirty(root) else "")
        version = tree_version((root / "src" / "herd" / "__init__.py").read_text()) or "unknown"
        with _timed("dev: PDF"):
            make_pdf(
                single,
                dest / pdf_name("dev"),
                pdf.TitlePage(TITLE, "dev", version, commit, "", "The working tree, not a release."),
            )


def _build_dev_apart(root: Path, dest: Path, with_pdf: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="_build.", dir=root))
    try:
        build_dev(root, dest, work, with_pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)


JOBS_ENV = "HERD_EDITION_JOBS"
"""How many editions are built at once (default: the machine's cores); each build is a process of its own (its
``make book``, Sphinx, Chromium), most of them on one core."""


def _run_side_by_side(jobs: dict) -> None:
    """Run the editions' builds ``jobs`` (name: a call), as many at once as there are cores (``HERD_EDITION_JOBS``),
    and every one to its end even when another fails (its log is kept); then raise the first failure, in the
    order of ``jobs``."""
    workers = max(1, int(os.environ.get(JOBS_ENV) or os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
    failures = [(name, f.exception()) for name, f in futures.items() if f.exception() is not None]
    if failures:
        name, exc = failures[0]
        others = ", ".join(n for n, _ in failures[1:])
        if others:
            print(f"editions: also failed: {others}", file=sys.stderr)
        raise exc  # type: ignore[misc]


def build_site(root: Path, site: Path, with_pdf: bool = True, only: list[str] | None = None) -> list[str]:
    """Every recorded release and the working tree into ``site``; swapped in only when all built."""
    if with_pdf:
        pdf.require_chromium()  # before minutes of building, not after
    with build.build_lock(root, "editions"):
        releases = load_releases(root)
        if not only or "dev" in only:
            check_dev(root)  # before spending minutes on the releases
        chosen = [r for r in releases if not only or r.name in only]
        unknown = sorted(set(only or []) - {r.name for r in releases} - {"dev"})
        if unknown:
            raise EditionsError(
                f"no edition {', '.join(unknown)} in {EDITIONS_FILE}; recorded: "
                + ", ".join([r.name for r in releases] + ["dev"])
            )
        work_root = root / "_build" / "editions"
        shutil.rmtree(work_root, ignore_errors=True)  # logs of an earlier run
        staging = Path(tempfile.mkdtemp(prefix="site.", dir=root))
        try:
            jobs = {
                r.name: functools.partial(build_release, root, r, staging / r.name, work_root / r.name, with_pdf)
                for r in chosen
            }
            if not only or "dev" in only:
                jobs["dev"] = functools.partial(_build_dev_apart, root, staging / "dev", with_pdf)
            _run_side_by_side(jobs)
            names = list(jobs)
            with _timed("the site's index and changelog"):
                write_site_index(staging, releases, names, changelog(root, releases))
            if site.exists():
                shutil.rmtree(site)
            staging.rename(site)
            shutil.rmtree(work_root, ignore_errors=True)  # kept after a failure: its build logs
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            _git(root, "worktree", "prune", check=False)
    return names


def write_site_index(site: Path, releases: list[Release], names: list[str], changelog_text: str) -> None:
    """The site's root: switcher.json, index.html (opens the newest release), CHANGELOG.md and
    changelog.html (every edition with its book and PDF, then the changes)."""
    from markdown_it import MarkdownIt

    build.write_switcher(site, build.switcher(names))
    built_releases = [r for r in releases if r.name in names]
    newest = built_releases[-1].name if built_releases else "dev"
    target = f"{newest}/book/index.html"
    (site / "index.html").write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><title>{TITLE}</title>'
        f'<meta http-equiv="refresh" content="0; url={target}"><a href="{target}">{target}</a>\n'
    )
    (site / CHANGELOG_FILE).write_text(changelog_text)
    rows = []
    for r in reversed(built_releases):
        rows.append(
            f"<tr><td>{r.name}</td><td>{r.date}</td><td><code>{r.commit[:12]}</code></td><td>{html.escape(r.summary)}</td>"
            f'<td><a href="{r.name}/book/index.html">book</a></td><td><a '
            f'href="{r.name}/{pdf_name(r.name)}">PDF</a></td></tr>'
        )
    if "dev" in names:
        rows.append(
            "<tr><td>dev</td><td></td><td></td><td>the working tree</td><td><a "
            'href="dev/book/index.html">book</a></td>'
            f'<td><a href="dev/{pdf_name("dev")}">PDF</a></td></tr>'
        )
    body = MarkdownIt("commonmark").enable("table").render(changelog_text)
    (site / "changelog.html").write_text(
        f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>{TITLE}: editions and changes</title>'
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}</style>"
        f"<h1>{TITLE}: "
        "editions</h1><table><tr><th>edition</th><th>date</th><th>commit</th><th>summary</th><th></th><th></th></tr>"
        + "".join(rows)
        + "</table>"
        + body
        + "</html>\n"
    )


# ------------------------------------------------------------------ what changed between editions


def read_package(folder: Path) -> dict[str, dict]:
    """``{table: {"fields": [...], "key": [...], "rows": {key tuple: row}}}`` read with the csv
    module only (an old edition's data, whatever this edition's loader expects)."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    for r in descriptor["resources"]:
        fields = [f["name"] for f in r["schema"]["fields"]]
        pk = r["schema"].get("primaryKey") or [fields[0]]
        pk = [pk] if isinstance(pk, str) else list(pk)
        rows = {}
        path = folder / r["path"]
        if path.exists():
            with path.open(newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    rows[tuple(row.get(k, "") for k in pk)] = row
        out[r["name"]] = {"fields": fields, "key": pk, "rows": rows}
    return out


def data_changes(old: Path | None, new: Path) -> dict:
    """The data rows that changed between two data packages: per table the columns added and
    removed, and the rows added, removed and changed (with each changed value, old → new)."""
    before = read_package(old) if old else {}
    after = read_package(new)
    tables = {}
    for name in sorted(set(before) | set(after)):
        a = after.get(name, {"fields": [], "key": [], "rows": {}})
        b = before.get(name, {"fields": [], "key": a["key"], "rows": {}})
        common = [f for f in a["fields"] if f in b["fields"]]
        changed = []
        for key, row in a["rows"].items():
            prev = b["rows"].get(key)
            if prev is None:
                continue
            diffs = [(f, prev.get(f, ""), row.get(f, "")) for f in common if prev.get(f, "") != row.get(f, "")]
            if diffs:
                changed.append({"key": key, "changes": diffs})
        entry = {
            "key": a["key"] or b["key"],
            "columns_added": [f for f in a["fields"] if f not in b["fields"]] if name in before else [],
            "columns_removed": [f for f in b["fields"] if f not in a["fields"]] if name in after else [],
            "added": [k for k in a["rows"] if k not in b["rows"]],
            "removed": [k for k in b["rows"] if k not in a["rows"]],
            "changed": changed,
            "rows": len(a["rows"]),
            "new_table": name not in before and bool(before),
            "dropped_table": name not in after,
        }
        tables[name] = entry
    return tables


class _Tables(html.parser.HTMLParser):
    """Every HTML table in an output: a list of rows, each a list of cell texts (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


VERDICT_COLUMNS = ("verdict", "difference")
"""The columns of a chapter's table that hold its verdicts, the first one present counting: a claim's verdict,
or a comparison's difference (ahead, behind, not resolved, no test; equivalence is a column of its own)."""


def verdicts(book: Path) -> dict[tuple[str, tuple[str, ...]], dict[tuple[str, ...], str]]:
    """The verdicts each executed notebook shows in its tables: for every output table with a
    verdict column (:data:`VERDICT_COLUMNS`), ``{(chapter, key columns): {row key: verdict}}``. A row's key is
    its leading columns, as few as make every row of the table distinct."""
    from herd.presentation.findings import executed_outputs

    out = {}
    for chapter, output in executed_outputs(book):
        page = output.get("data", {}).get("text/html")
        if not page:
            continue
        parser = _Tables()
        parser.feed("".join(page) if isinstance(page, list) else page)
        for table in parser.tables:
            header = [h.lower() for h in table[0]] if table else []
            named = [c for c in VERDICT_COLUMNS if c in header]
            if not named:
                continue
            col = header.index(named[0])
            rows = [r for r in table[1:] if len(r) == len(header)]
            width = next((w for w in range(1, col + 1) if len({tuple(r[:w]) for r in rows}) == len(rows)), None)
            if not rows or width is None:
                continue
            out[(chapter, tuple(table[0][:width]))] = {tuple(r[:width]): r[col] for r in rows}
    return out


def verdict_changes(old: dict, new: dict) -> list[tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None]]:
    """``(chapter, key columns, row key, old verdict, new verdict)`` for every verdict that
    changed, appeared or disappeared in a table present in both editions."""
    out = []
    for table in sorted(set(old) & set(new)):
        a, b = old[table], new[table]
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                out.append((table[0], table[1], key, a.get(key), b.get(key)))
    return out


def glue_changes(
    old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]
) -> list[tuple[str, str, str | None, str | None]]:
    """``(chapter, name, old, new)`` for every glued value that changed, appeared or disappeared."""
    out = []
    for chapter in sorted(set(old) | set(new)):
        a, b = old.get(chapter, {}), new.get(chapter, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                out.append((chapter, name, a.get(name), b.get(name)))
    return out


def _snapshot(root: Path, commit: str, dest: Path) -> Path:
    """``data/`` and ``book/`` of a commit, unpacked into ``dest`` (git archive: no checkout)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = _git(root, "archive", "--format=tar", commit, "data", "book", binary=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def _fmt_key(key: tuple) -> str:
    return ", ".join(key)


def changelog(root: Path, releases: list[Release] | None = None, limit: int = 200) -> str:
    """CHANGELOG.md: each recorded edition, newest first, with the data rows and the values
    quoted in the prose that changed since the previous edition. Made from the recorded commits
    only, so it changes when an edition is recorded, not with the working tree."""
    from herd.presentation.findings import glued_values

    releases = load_releases(root) if releases is None else releases
    lines = [
        "# Changelog",
        "",
        f"The editions of *{TITLE}* recorded in `{EDITIONS_FILE}`, newest first. For each: the data rows that",
        "changed since the previous edition (by table and primary key, every changed value old → new) and the",
        "verdicts in the chapters' tables and the values the chapters quote in their prose (myst-nb glue), both read",
        "from each edition's executed notebooks. Nothing is re-executed to make it.",
        "",
        "Generated by `make changelog` from the recorded commits; a test fails when this file is out of date.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="herd-changelog-") as tmp:
        snaps = [_snapshot(root, r.commit, Path(tmp) / r.name) for r in releases]
        for i in range(len(releases) - 1, -1, -1):
            r, snap = releases[i], snaps[i]
            prev = (releases[i - 1], snaps[i - 1]) if i > 0 else None
            lines += [f"## {r.name} ({r.date})", "", f"Commit `{r.commit}`. {r.summary}", ""]
            glue = glued_values(snap / "book")
            if prev is None:
                tables = read_package(snap / "data")
                n_rows = sum(len(t["rows"]) for t in tables.values())
                n_glue = sum(len(v) for v in glue.values())
                n_verdicts = sum(len(v) for v in verdicts(snap / "book").values())
                lines += [
                    f"First edition: {len(tables)} tables with {n_rows:,} "
                    f"data rows; {n_verdicts} table rows with a verdict in the "
                    f"chapters; {n_glue} values quoted in the prose of {len(glue)} chapters.",
                    "",
                ]
                continue
            lines += _data_section(data_changes(prev[1] / "data", snap / "data"), prev[0].name, limit)
            lines += _verdict_section(
                verdict_changes(verdicts(prev[1] / "book"), verdicts(snap / "book")), prev[0].name, limit
            )
            lines += _glue_section(glue_changes(glued_values(prev[1] / "book"), glue), prev[0].name, limit)
    return "\n".join(lines).rstrip() + "\n"


def _data_section(tables: dict, since: str, limit: int) -> list[str]:
    n_changed = sum(len(t["changed"]) for t in tables.values())
    n_added = sum(len(t["added"]) for t in tables.values())
    n_removed = sum(len(t["removed"]) for t in tables.values())
    out = [f"### Data rows since {since}", "", f"{n_changed} row(s) changed, {n_added} added, {n_removed} removed.", ""]
    shown = 0
    for name, t in tables.items():
        key = ", ".join(t["key"])
        if t["new_table"]:
            out.append(f"- `{name}`: new table ({t['rows']} rows)")
        if t["dropped_table"]:
            out.append(f"- `{name}`: table removed")
        if t["columns_added"]:
            out.append(f"- `{name}`: column(s) added: {', '.join(t['columns_added'])}")
        if t["columns_removed"]:
            out.append(f"- `{name}`: column(s) removed: {', '.join(t['columns_removed'])}")
        for c in t["changed"]:
            if shown < limit:
                values = "; ".join(f"{f}: {a or '(blank)'} → {b or '(blank)'}" for f, a, b in c["changes"])
                out.append(f"- `{name}` ({key}) = ({_fmt_key(c['key'])}): {values}")
            shown += 1
        if not t["new_table"]:
            for label, keys in (("added", t["added"]), ("removed", t["removed"])):
                for k in keys:
                    if shown < limit:
                        out.append(f"- `{name}` ({key}) = ({_fmt_key(k)}): row {label}")
                    shown += 1
    if shown > limit:
        out.append(f"- … and {shown - limit} more (compare the two commits' `data/` for the rest)")
    return out + [""]


def _verdict_section(changes: list, since: str, limit: int) -> list[str]:
    out = [
        f"### Verdicts since {since}",
        "",
        f"{len(changes)} verdict(s) changed, appeared or disappeared in the chapters' tables.",
        "",
    ]
    for chapter, columns, key, a, b in changes[:limit]:
        out.append(f"- {chapter}, ({', '.join(columns)}) = ({', '.join(key)}): {a or '(new)'} → {b or '(removed)'}")
    if len(changes) > limit:
        out.append(f"- … and {len(changes) - limit} more")
    return out + [""]


def _glue_section(changes: list, since: str, limit: int) -> list[str]:
    out = [
        f"### Values quoted in the prose since {since}",
        "",
        f"{len(changes)} value(s) changed, appeared or disappeared.",
        "",
    ]
    for chapter, name, a, b in changes[:limit]:
        out.append(f"- {chapter}, `{name}`: {a if a is not None else '(new)'} → {b if b is not None else '(removed)'}")
    if len(changes) > limit:
        out.append(f"- … and {len(changes) - limit} more")
    return out + [""]


# ------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    """``python -m herd.editions``: build the editions into ``site/`` (the default), print, check or
    write the changelog, validate ``editions.yml``, or create missing tags; 1 if it failed, else 0."""
    parser = argparse.ArgumentParser(prog="python -m herd.editions", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", help="build every recorded edition and dev into site/ (the default)")
    b.add_argument("--site", type=Path, default=None)
    b.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    b.add_argument("--only", nargs="+", metavar="EDITION", help="build only these editions (e.g. v1.0.0 dev)")
    c = sub.add_parser("changelog", help="print the changelog, or check or rewrite CHANGELOG.md")
    c.add_argument("--write", action="store_true", help=f"rewrite {CHANGELOG_FILE}")
    c.add_argument("--check", action="store_true", help=f"exit 1 if {CHANGELOG_FILE} is out of date")
    sub.add_parser("check", help=f"validate {EDITIONS_FILE}")
    sub.add_parser("tags", help="create a tag vX.Y.Z for each recorded release that has none (optional)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "changelog":
            text = changelog(root)
            path = root / CHANGELOG_FILE
            if args.write:
                path.write_text(text)
                print(f"editions: {CHANGELOG_FILE} written")
            elif args.check:
                if not path.exists() or path.read_text() != text:
                    print(f"editions: {CHANGELOG_FILE} is out of date; run `make changelog`", file=sys.stderr)
                    return 1
                print(f"editions: {CHANGELOG_FILE} is current")
            else:
                sys.stdout.write(text)
            return 0
        if args.command == "check":
            releases = load_releases(root)
            print(f"editions: {EDITIONS_FILE} valid: " + (", ".join(r.name for r in releases) or "no releases"))
            return 0
        if args.command == "tags":
            made = create_tags(root)
            print(f"editions: tags created: {', '.join(made) or 'none needed'}")
            return 0
        site = (getattr(args, "site", None) or root / "site").resolve()
        names = build_site(root, site, with_pdf=not getattr(args, "no_pdf", False), only=getattr(args, "only", None))
    except (EditionsError, build.BuildError, pdf.PdfError) as exc:
        print(f"editions: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"editions: built {', '.join(names)} into {site}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
