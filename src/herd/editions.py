"""Versioned editions: every release tag (vX.Y.Z) and the working tree, built into
``site/<edition>/``, with ``site/switcher.json`` for the version switcher and a root page
that redirects to the newest release.

Like the runner, this module knows nothing of the analysis: it only builds books.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")


def release_tags(root: Path) -> list[str]:
    out = subprocess.run(["git", "tag", "--list", "v*"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    return sorted((t for t in out if TAG.match(t)), key=lambda t: tuple(int(x) for x in TAG.match(t).groups()))


def switcher(editions: list[str]) -> list[dict]:
    """Entries for the pydata-sphinx-theme version switcher; the newest release is preferred."""
    releases = [e for e in editions if TAG.match(e)]
    newest = releases[-1] if releases else None
    entries = [{"name": f"{e} (latest)" if e == newest else e, "version": e, "url": f"/{e}/book/index.html", **({"preferred": True} if e == newest else {})}
               for e in reversed(releases)]
    if "dev" in editions:
        entries.append({"name": "dev (working tree)", "version": "dev", "url": "/dev/book/index.html"})
    return entries


def write_switcher(folder: Path, editions: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "switcher.json"
    path.write_text(json.dumps(switcher(editions), indent=1) + "\n")
    return path


def _build(source: Path, edition: str, dest: Path, root: Path) -> None:
    env = {**os.environ, "HERD_EDITION": edition}
    write_switcher(source / "_build" / "edition", [edition])
    vendor = root / "_static" / "vendor"
    if source != root and vendor.exists():  # vendored JavaScript is built, not committed
        shutil.copytree(vendor, source / "_static" / "vendor", dirs_exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="herd-edition-") as tmp:
        jb = Path(sys.executable).parent / "jupyter-book"
        proc = subprocess.run([str(jb), "build", str(source), "--path-output", tmp, "-W", "-n", "--keep-going", "--all", "-q"],
                              cwd=source, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"edition {edition}: jupyter-book build failed:\n" + "\n".join((proc.stdout + proc.stderr).splitlines()[-30:]))
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(Path(tmp) / "_build" / "html", dest)


def build_all(root: Path, site: Path) -> list[str]:
    editions = []
    staging = Path(tempfile.mkdtemp(prefix="site.", dir=root))
    try:
        for tag in release_tags(root):
            worktree = Path(tempfile.mkdtemp(prefix=f"herd-{tag}-"))
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), tag], cwd=root, check=True, capture_output=True)
            try:
                _build(worktree, tag, staging / tag, root)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=root, capture_output=True)
            editions.append(tag)
        _build(root, "dev", staging / "dev", root)
        editions.append("dev")
        write_switcher(staging, editions)
        newest = [e for e in editions if TAG.match(e)]
        target = f"{newest[-1] if newest else 'dev'}/book/index.html"
        (staging / "index.html").write_text(f'<!DOCTYPE html><meta charset="utf-8"><title>Llama 3.1, Reproduced</title>'
                                            f'<meta http-equiv="refresh" content="0; url={target}"><a href="{target}">{target}</a>\n')
        if site.exists():
            shutil.rmtree(site)
        staging.rename(site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return editions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m herd.editions", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--site", type=Path, default=None)
    parser.add_argument("--changelog-only", action="store_true", help="only rewrite CHANGELOG.md")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    (root / "CHANGELOG.md").write_text(changelog(root))
    if args.changelog_only:
        print("editions: CHANGELOG.md written")
        return 0
    try:
        editions = build_all(root, (args.site or root / "site").resolve())
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"editions: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"editions: built {', '.join(editions)} into site/")
    return 0



# ------------------------------------------------------------------ changelog

def _read_package(folder: Path) -> dict[str, tuple[list[str], dict[tuple, dict]]]:
    """{resource: (numeric fields, {primary key: row})} read with the csv module only."""
    import csv

    descriptor = json.loads((folder / "datapackage.json").read_text())
    out = {}
    for r in descriptor["resources"]:
        fields = r["schema"]["fields"]
        numeric = [f["name"] for f in fields if f["type"] in ("number", "integer")]
        pk = r["schema"].get("primaryKey") or [fields[0]["name"]]
        path = folder / r["path"]
        rows = {}
        if path.exists():
            with path.open(newline="") as f:
                for row in csv.DictReader(f):
                    rows[tuple(row[k] for k in pk)] = row
        out[r["name"]] = (numeric, rows)
    return out


def data_changes(old: Path | None, new: Path) -> list[dict]:
    """Every published number that changed, appeared or disappeared between two data packages."""
    before = _read_package(old) if old else {}
    after = _read_package(new)
    changes = []
    for name, (numeric, rows) in after.items():
        old_rows = before.get(name, ([], {}))[1]
        for key, row in rows.items():
            prev = old_rows.get(key)
            for field in numeric:
                value = row.get(field, "")
                was = None if prev is None else prev.get(field, "")
                if value != (was or "") and not (was is None and value == ""):
                    changes.append({"table": name, "key": " / ".join(key), "field": field, "from": was, "to": value})
        for key in set(old_rows) - set(rows):
            changes.append({"table": name, "key": " / ".join(key), "field": "(row)", "from": "present", "to": "removed"})
    return changes


def _data_at(root: Path, ref: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref, "data"], cwd=root, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "data"


def changelog(root: Path, limit: int = 40) -> str:
    """CHANGELOG.md text: each edition, newest first, with the published numbers that changed."""
    tags = release_tags(root)
    lines = ["# Changelog", "",
             "Editions of *Llama 3.1, Reproduced*, newest first. For each, the published numbers of the data package",
             "that changed since the previous edition (computed from `data/` at each tag; `make editions` rewrites this file).", ""]
    with tempfile.TemporaryDirectory(prefix="herd-changelog-") as tmp:
        refs = [(t, _data_at(root, t, Path(tmp) / t)) for t in tags] + [("dev (working tree)", root / "data")]
        for i in range(len(refs) - 1, -1, -1):
            name, folder = refs[i]
            previous = refs[i - 1] if i > 0 else None
            changes = data_changes(previous[1] if previous else None, folder)
            changed = [c for c in changes if c["from"] is not None and c["field"] != "(row)"]
            added = {(c["table"], c["key"]) for c in changes if c["from"] is None}
            removed = [c for c in changes if c["field"] == "(row)"]
            lines.append(f"## {name}")
            lines.append("")
            since = f"since {previous[0]}" if previous else "first edition"
            lines.append(f"{since}: {len(changed)} published number(s) changed, {len(added)} row(s) added, {len(removed)} removed.")
            lines.append("")
            for c in changed[:limit]:
                lines.append(f"- `{c['table']}` {c['key']}, {c['field']}: {c['from']} → {c['to']}")
            if len(changed) > limit:
                lines.append(f"- … and {len(changed) - limit} more")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
