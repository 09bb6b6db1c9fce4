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
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        editions = build_all(root, (args.site or root / "site").resolve())
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"editions: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"editions: built {', '.join(editions)} into site/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
