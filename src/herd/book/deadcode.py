"""The dead-code check of ``make lint``: no function, class, method, constant or attribute of ``herd`` that nothing
uses (``python -m herd.book.deadcode``).

Used means used by the package itself, by a chapter's code cells (``notebooks/*.md``), by the Sphinx extensions
(``_ext/``) or by the benchmarks (``bench/``); a name only the tests use is dead, since the tests are there to
check the package, not to be its users. The search is vulture's (static, by name); the few names a framework calls
by convention are listed in :data:`CALLED_BY_CONVENTION`, each with who calls it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
USERS = ("_ext", "bench")
"""Folders of code that uses ``herd`` besides the package itself and the chapters."""
CONFIDENCE = 60
"""vulture's lowest confidence reported: 60 % is every unused function, class, method, variable and attribute."""

CALLED_BY_CONVENTION = {
    "handle_starttag": "html.parser.HTMLParser, for each opening tag",
    "handle_endtag": "html.parser.HTMLParser, for each closing tag",
    "handle_data": "html.parser.HTMLParser, for the text between tags",
    "log_message": "http.server's request handler, for each request (silenced)",
    "_posttask": "dask's Callback, after each task",
    "dsk": "an argument of dask's Callback._posttask",
    "worker_id": "an argument of dask's Callback._posttask",
    "_max_workers": "dask's process scheduler, read from the pool it is given",
    "compress_type": "zipfile.ZipInfo, read when the entry is written",
    "external_attr": "zipfile.ZipInfo, read when the entry is written",
    "__getattr__": "Python, for a name a module does not define (PEP 562)",
    "norm_eps": "a field of llama-models' ModelArgs, read from the published params.json",
    "use_scaled_rope": "a field of llama-models' ModelArgs, read from the published params.json",
    "_theme": "Altair's theme registry, which its decorator registers it in",
    "max_rows": "an argument Altair's data-transformer registry passes to a transformer",
    "send": "requests' Session, for each request to the address an adapter is mounted at",
}


class DeadCodeError(RuntimeError):
    """Some name of the package is used nowhere; the message lists each with its file and line."""


def chapter_code(root: Path, into: Path) -> list[Path]:
    """The code cells of every chapter (``notebooks/*.md``), one Python file each in ``into``, for the search (the
    notebooks' magics and shell lines dropped)."""
    import jupytext

    files = []
    for source in sorted((root / "notebooks").glob("*.md")):
        cells = [c.source for c in jupytext.read(source, fmt="md:myst").cells if c.cell_type == "code"]
        lines = [ln for ln in "\n\n".join(cells).splitlines() if not ln.lstrip().startswith(("%", "!"))]
        out = into / f"{source.stem}.py"
        out.write_text("\n".join(lines) + "\n")
        files.append(out)
    return files


def unused(root: Path = ROOT) -> list[str]:
    """Every name of ``src/herd`` that nothing uses, as ``file:line: what`` (paths relative to ``root``)."""
    from vulture import Vulture

    package = root / "src" / "herd"
    with tempfile.TemporaryDirectory() as tmp:
        search = Vulture(ignore_names=sorted(CALLED_BY_CONVENTION))
        users = [root / u for u in USERS if (root / u).is_dir()]
        search.scavenge([str(p) for p in [package, *users, *chapter_code(root, Path(tmp))]])
        found = search.get_unused_code(min_confidence=CONFIDENCE)
        return [
            f"{Path(item.filename).relative_to(root)}:{item.first_lineno}: {item.message}"
            for item in sorted(found, key=lambda i: (str(i.filename), i.first_lineno))
            if Path(item.filename).is_relative_to(package)
        ]


def check(root: Path = ROOT) -> None:
    """Raise :class:`DeadCodeError` when :func:`unused` finds anything."""
    dead = unused(root)
    if dead:
        raise DeadCodeError(
            f"{len(dead)} unused name(s) in the package (remove them; a name only the tests use is unused too; a "
            "name a framework calls by convention goes in herd.book.deadcode.CALLED_BY_CONVENTION with who calls it):\n"
            + "\n".join(dead)
        )


def main() -> None:
    """``python -m herd.book.deadcode``: say that nothing is unused, or list what is and exit 1."""
    try:
        check()
    except DeadCodeError as exc:
        print(f"deadcode: {exc}", file=sys.stderr)
        sys.exit(1)
    print("deadcode: no unused names in src/herd")


if __name__ == "__main__":
    main()
