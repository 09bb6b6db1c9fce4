"""Versioned editions: every release recorded in ``editions.yml`` (version, commit, date,
summary), built from its own commit, and the working tree as ``dev``, into ``site/<edition>/``
with a PDF of each, ``site/switcher.json`` for the version switcher, the changelog, and a
root page that opens the newest release.

A release is built in a temporary git worktree of its commit (no tag needed) by that tree's
own ``make book``: its own Makefile, lock, ``herd`` and its executed notebooks as committed
(nothing is re-executed: a release whose build changes a tracked file fails). ``dev`` is the
working tree as it is; its executed notebooks must be current (``make book``). The editions are
built side by side, and the site is swapped in only when every one built. Nothing here
writes a tracked file except ``python -m herd.editions changelog --write`` (``make changelog``).

The record of releases is :mod:`herd.book.releases`, the changelog :mod:`herd.book.changelog` and the site's root
pages :mod:`herd.book.site_index`; this module builds the editions and is the command line. Like the runner, it knows
nothing of the analysis.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from . import build, chapters, crate, pdf
from .changelog import CHANGELOG_FILE, changelog
from .releases import EDITIONS_FILE, TITLE, EditionsError, Release, create_tags, git, load_releases, tree_version
from .site_index import pdf_name, write_site_index

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


CUT_SHOWN = 25
"""How many of the losses of a PDF (:func:`herd.book.pdf.cut_tables`) a failed build names; it counts the rest."""


def make_pdf(single: Path, dest: Path, title: pdf.TitlePage, whole: bool = True) -> dict:
    """Print the single-page build to ``dest`` and check the result: every chapter's title is in
    its text, every chart (drawn before printing) left its title in it, and, when ``whole``, every printed
    table kept its column headers and its last column's values and no text stands past the right margin
    (:func:`herd.book.pdf.cut_tables`: a table cut stops the build, naming its page, table and what was lost;
    otherwise, for a release printed as its commit made it, what was lost is listed in the manifest). Writes a
    manifest ``<pdf>.json`` beside it with what was checked."""
    titles = chapter_titles(single)
    report, printed = pdf.print_apart(single, dest, title)
    began = time.monotonic()
    cut = pdf.cut_tables(report["tables"], printed)
    if cut and whole:
        shown = "\n  ".join(cut[:CUT_SHOWN])
        more = f"\n  and {len(cut) - CUT_SHOWN} more" if len(cut) > CUT_SHOWN else ""
        raise EditionsError(
            f"{dest.name}: the PDF cuts {len(cut)} of what its {len(report['tables'])} tables print "
            f"(widen the print styles of _static/herd.css or herd.book.pdf.PRINT_CSS):\n  {shown}{more}"
        )
    checked = time.monotonic() - began
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
        "tables": len(report["tables"]),
        "cut": cut,
        "table_check_seconds": round(checked, 2),
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
            git(root, "worktree", "add", "--detach", "--force", str(tree), release.commit)
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
        changed = git(tree, "status", "--porcelain", "--untracked-files=no").stdout.strip()
        if changed:
            raise EditionsError(
                f"edition {release.name}: its build changed tracked files (its committed notebooks are not "
                f"current for its inputs, so they were re-executed):\n{changed}"
            )
        html_dir = tree / "_build" / "html"
        if not (html_dir / "index.html").exists():
            raise EditionsError(f"edition {release.name}: make book left no _build/html/index.html (log: {log})")
        shutil.copytree(html_dir, dest, ignore=shutil.ignore_patterns(build.STAMP))
        edition = crate.Edition(release.name, release.version, release.commit, release.date, release.summary)
        write_crate(tree, dest, edition)
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
                    whole=checks_tables(tree),
                )
    finally:
        _remove_worktree(root, tree)


def checks_tables(tree: Path) -> bool:
    """Whether a release's tree was made when its PDF had to keep every table whole (its ``herd.book.pdf`` has
    :func:`herd.book.pdf.cut_tables`): a release made before is printed as its pages were, and what its PDF loses is
    listed in its manifest rather than stopping the build."""
    module = tree / "src" / "herd" / "book" / "pdf.py"
    return module.exists() and "def cut_tables(" in module.read_text()


def write_crate(tree: Path, dest: Path, edition: crate.Edition) -> None:
    """The edition's research object (:mod:`herd.book.crate`), written by this tree's code for every edition (a
    release's own build may predate it) from the files of the edition's own tree, then validated: an invalid crate
    stops the build with the checks it failed."""
    with _timed(f"{edition.name}: RO-Crate"):
        crate.write(tree, dest, edition)
        crate.validate(dest, edition.name)


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
            git(root, "worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(tree, ignore_errors=True)
        git(root, "worktree", "prune", check=False)


def check_dev(root: Path) -> None:
    """The working tree's executed notebooks must be current: ``make editions`` never executes."""
    stale = chapters.stale_notebooks(root)
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
    write_crate(root, dest, crate.dev_edition(root))
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
            git(root, "worktree", "prune", check=False)
    return names


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
    except (EditionsError, chapters.BuildError, pdf.PdfError, crate.CrateError) as exc:
        print(f"editions: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"editions: built {', '.join(names)} into {site}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
