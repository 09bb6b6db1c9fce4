"""Facts that identify an edition of the book: version, commit, data checksum,
software versions and each notebook's execution time."""

from __future__ import annotations

import ast
import json
import platform
from importlib import metadata
from pathlib import Path

from herd import __version__
from herd.record.data import checksum

from .build import git_commit, git_dirty

KEY_PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "sphinx-book-theme",
    "jupytext",
    "papermill",
    "nbval",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "altair",
    "frictionless",
    "tiktoken",
    "dask",
    "llama-models",
)


def commit(root: Path) -> str:
    """The commit the book is built from, and whether the tree differs from it (as the runner
    judges it: :func:`herd.book.build.git_dirty`)."""
    head = git_commit(root)
    if head is None:
        return "unknown (not a git checkout)"
    return head + (" with uncommitted changes" if git_dirty(root) else "")


def version(root: Path) -> str:
    """The version written in the built tree's own ``src/herd/__init__.py``: an older edition,
    built from its tag, shows its version, not the installed package's."""
    init = root / "src" / "herd" / "__init__.py"
    if init.exists():
        for node in ast.parse(init.read_text()).body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
            ):
                return ast.literal_eval(node.value)
    return __version__


def package_versions() -> dict[str, str]:
    """The Python version and the installed version of each of ``KEY_PACKAGES`` (``not installed``
    if absent)."""
    out = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def vendored_versions(root: Path) -> dict[str, str]:
    """The versions of vega, vega-lite, vega-embed and MathJax locked in ``package-lock.json``."""
    lock = json.loads((root / "package-lock.json").read_text())
    pkgs = lock.get("packages", {})
    return {
        k.removeprefix("node_modules/"): v["version"]
        for k, v in sorted(pkgs.items())
        if k.count("node_modules/") == 1
        and k.removeprefix("node_modules/") in {"vega", "vega-lite", "vega-embed", "mathjax"}
    }


def execution_times(root: Path) -> dict[str, float]:
    """Seconds each notebook took to execute, from ``book/execution.json`` (empty before the first
    build)."""
    path = root / "book" / "execution.json"
    if not path.exists():
        return {}
    return {name: entry["seconds"] for name, entry in json.loads(path.read_text()).items()}


def facts(root: Path) -> dict:
    """What identifies this edition, for the ``edition-facts`` directive: version, commit, data checksum,
    software and vendored versions, and each notebook's execution time."""
    return {
        "version": version(root),
        "commit": commit(root),
        "data_sha256": checksum(root / "data"),
        "software": package_versions(),
        "vendored": vendored_versions(root),
        "execution_seconds": execution_times(root),
    }
