"""Build performance (make bench): cold and warm `make book` on a fresh clone, each
notebook's execution time, and the weight of every page. Writes bench/build/results.json.
Targets: warm build ≤ 5 % of cold; every page under 1 MB (HTML with its inline chart
specs; the shared vendored scripts are not counted)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = (
    ROOT / "bench" / "build" / "results.json"
)  # not in bench/results/: no chapter reads it, so it must not make notebooks stale


def timed_make(cwd: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(["make", "book", *args], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="herd-bench-build-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        cold = timed_make(clone)
        warm = timed_make(clone)
        forced = timed_make(clone, "FORCE=1")
        executed = json.loads((clone / "book" / "execution.json").read_text())
        html = clone / "_build" / "html"
        pages = {
            str(p.relative_to(html)): p.stat().st_size
            for p in sorted([html / "index.html", *(html / "book").glob("*.html")])
        }
    results = {
        "seconds": {"cold_make_book": cold, "warm_make_book": warm, "make_book_force": forced},
        "warm_over_cold": warm / cold,
        "notebook_seconds": {k: v["seconds"] for k, v in executed.items()},
        "page_bytes": pages,
        "targets": {"warm_over_cold_max": 0.05, "page_bytes_max": 1_000_000},
        "meets_targets": {"warm": warm / cold <= 0.05, "pages": max(pages.values()) < 1_000_000},
        "note": "cold = fresh clone with the package caches of this machine warm (uv, npm); notebooks committed and "
        "current, so a cold build does not execute them",
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(json.dumps({k: results[k] for k in ("seconds", "warm_over_cold", "meets_targets")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
