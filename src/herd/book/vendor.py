"""Vendored JavaScript for offline pages.

The book must render its charts and its math with no network. Altair's ``html``
renderer emits a loader that fetches vega, vega-lite and vega-embed from a CDN
unless a global ``VEGA_DEBUG`` already records the versions it wants.  This module
joins the npm-pinned builds into one script, presets ``VEGA_DEBUG`` with the
versions Altair emits, and copies MathJax, all into ``_static/vendor``. It also copies axe-core, the
accessibility checker the browser tests run on every page, into ``_build/vendor``: a tool of the tests, kept
out of the book its readers download.

It reads versions from ``package-lock.json`` and ``node_modules`` only; it never
downloads anything.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

VEGA_PACKAGES = {
    # npm package -> (file inside the package, Altair constant, VEGA_DEBUG key)
    "vega": ("build/vega.min.js", "VEGA_VERSION", "vega_version"),
    "vega-lite": ("build/vega-lite.min.js", "VEGALITE_VERSION", "vegalite_version"),
    "vega-embed": ("build/vega-embed.min.js", "VEGAEMBED_VERSION", "vegaembed_version"),
}
MATHJAX_FILE = "es5/tex-svg-full.js"
BUNDLE_NAME = "vega-bundle.js"
MATHJAX_NAME = "mathjax-tex-svg-full.js"
AXE_FILE = "axe.min.js"  # inside the npm package axe-core
AXE_DEST = Path("_build") / "vendor" / "axe.min.js"  # under the repository's root


class VendorError(RuntimeError):
    """The vendored scripts are missing or do not match what Altair expects."""


@dataclass(frozen=True)
class VersionCheck:
    """One vega package: the version locked in ``package-lock.json`` and the one Altair's renderer
    expects."""

    package: str
    locked: str
    altair_expects: str

    @property
    def compatible(self) -> bool:
        """Altair asks for either an exact version (``6.4.1``) or a major (``6``)."""
        want = self.altair_expects.lstrip("v")
        if want.count(".") == 2:
            return self.locked == want
        return self.locked.split(".")[: want.count(".") + 1] == want.split(".")

    def __str__(self) -> str:
        flag = "ok" if self.compatible else "MISMATCH"
        return f"{self.package}: locked {self.locked}, Altair emits {self.altair_expects} ({flag})"


def locked_versions(root: Path) -> dict[str, str]:
    """Exact versions of the vendored packages recorded in ``package-lock.json``."""
    lock_path = root / "package-lock.json"
    try:
        lock = json.loads(lock_path.read_text())
    except FileNotFoundError as exc:
        raise VendorError(f"{lock_path}: missing; run `npm install` once and commit the lock") from exc
    packages = lock.get("packages", {})
    out = {}
    for name in [*VEGA_PACKAGES, "mathjax", "axe-core"]:
        entry = packages.get(f"node_modules/{name}")
        if entry is None:
            raise VendorError(f"{lock_path}: no entry for {name}; add it to package.json")
        out[name] = entry["version"]
    return out


def altair_expected_versions() -> dict[str, str]:
    """The versions Altair's html renderer writes into each chart's loader."""
    import altair as alt

    return {pkg: getattr(alt, const) for pkg, (_, const, _) in VEGA_PACKAGES.items()}


def check_versions(root: Path) -> list[VersionCheck]:
    """A :class:`VersionCheck` for each of vega, vega-lite and vega-embed."""
    locked = locked_versions(root)
    expected = altair_expected_versions()
    return [VersionCheck(pkg, locked[pkg], expected[pkg]) for pkg in VEGA_PACKAGES]


def vendor(root: Path, dest: Path | None = None) -> Path:
    """Write ``_static/vendor`` (vega bundle with VEGA_DEBUG preset, MathJax)."""
    checks = check_versions(root)
    bad = [str(c) for c in checks if not c.compatible]
    if bad:
        raise VendorError("vendored JavaScript does not match Altair: " + "; ".join(bad))
    modules = root / "node_modules"
    dest = dest or root / "_static" / "vendor"
    dest.mkdir(parents=True, exist_ok=True)
    parts = []
    for pkg, (rel, _, _) in VEGA_PACKAGES.items():
        src = modules / pkg / rel
        if not src.exists():
            raise VendorError(f"{src}: missing; run `npm ci`")
        installed = json.loads((modules / pkg / "package.json").read_text())["version"]
        locked = next(c.locked for c in checks if c.package == pkg)
        if installed != locked:
            raise VendorError(f"{modules / pkg}: version {installed} installed, {locked} locked; run `npm ci`")
        code = "\n".join(line for line in src.read_text().splitlines() if not line.startswith("//# sourceMappingURL"))
        parts.append(f"/* {pkg}@{installed} */\n" + code + "\n")
    expected = altair_expected_versions()
    preset = {key: expected[pkg] for pkg, (_, _, key) in VEGA_PACKAGES.items()}
    parts.append(
        "/* Altair's loader skips the CDN when VEGA_DEBUG names the versions it wants. */\n"
        f"var VEGA_DEBUG = {json.dumps(preset, sort_keys=True)};\n"
    )
    bundle = dest / BUNDLE_NAME
    _write_if_changed(bundle, "".join(parts))
    mathjax = modules / "mathjax" / MATHJAX_FILE
    if not mathjax.exists():
        raise VendorError(f"{mathjax}: missing; run `npm ci`")
    target = dest / MATHJAX_NAME
    if not target.exists() or target.read_bytes() != mathjax.read_bytes():
        shutil.copyfile(mathjax, target)
    return dest


def vendor_axe(root: Path, dest: Path | None = None) -> Path:
    """Copy axe-core's script, at the version ``package-lock.json`` locks, to ``dest`` (default :data:`AXE_DEST`
    under ``root``); returns where it is."""
    package = root / "node_modules" / "axe-core"
    src = package / AXE_FILE
    if not src.exists():
        raise VendorError(f"{src}: missing; run `npm ci`")
    installed = json.loads((package / "package.json").read_text())["version"]
    locked = locked_versions(root)["axe-core"]
    if installed != locked:
        raise VendorError(f"{package}: version {installed} installed, {locked} locked; run `npm ci`")
    dest = dest or root / AXE_DEST
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists() or dest.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dest)
    return dest


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def main() -> int | str:
    """``python -m herd.vendor``: vendor into ``_static/vendor`` of the current folder; the error's message as
    the exit status when it fails."""
    try:
        out = vendor(Path.cwd())
        axe = vendor_axe(Path.cwd())
    except VendorError as exc:
        return f"vendor: {exc}"
    print(f"vendor: wrote {out} and {axe}")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through make
    raise SystemExit(main())
