"""Real texts available offline through the package registries, for measuring the
tokenizer: English prose (from Debian packages and Python's own documentation) and
code (the Python standard library). Each text says where it comes from and its licence.
"""
from __future__ import annotations

import gzip
import re
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pydoc_data.topics


class TextMissingError(FileNotFoundError):
    """A text's source files are not installed; the message says how to install them."""


@dataclass(frozen=True)
class Text:
    key: str
    name: str
    kind: str  # "prose" or "code"
    register: str  # "narrative" (continuous storytelling or literary prose), "technical" (reference, legal or jargon) or "code"
    origin: str
    licence: str
    reader: Callable[[], str]

    def read(self) -> str:
        return self.reader()


def _gz(path: str, package: str) -> Callable[[], str]:
    def read() -> str:
        p = Path(path)
        if not p.exists():
            raise TextMissingError(f"{p}: missing; install the Debian package '{package}' (apt-get install {package})")
        return gzip.decompress(p.read_bytes()).decode("utf-8", errors="replace")
    return read


def _jargon() -> str:
    text = _gz("/usr/share/info/jargon.info.gz", "jargon")()
    # drop the Info navigation lines ("File: jargon.info, Node: ...") and the control characters around them
    text = re.sub(r"\x1f\n?File: jargon\.info,[^\n]*\n", "\n", text)
    return text.replace("\x1f", "")


def _debian_governance() -> str:
    return "\n\n".join(_gz(f"/usr/share/doc/debian/{name}", "doc-debian")() for name in ("constitution.txt.gz", "social-contract.txt.gz"))


def _kjv() -> str:
    import shutil
    import subprocess

    if shutil.which("bible") is None:
        raise TextMissingError("the 'bible' program is missing; install the Debian package 'bible-kjv' (apt-get install bible-kjv)")
    out = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"^\S+\d+:\d+ ", "", out, flags=re.M)  # drop the verse labels ("Ge1:1 ")


def _fortunes_literature() -> str:
    p = Path("/usr/share/games/fortunes/literature")
    if not p.exists():
        raise TextMissingError(f"{p}: missing; install the Debian package 'fortunes-min' (apt-get install fortunes-min)")
    return p.read_text(encoding="utf-8", errors="replace").replace("\n%\n", "\n\n")


def _python_reference() -> str:
    topics = pydoc_data.topics.topics
    return "\n\n".join(topics[k] for k in sorted(topics))


def _python_stdlib() -> str:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py"))
    return "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


TEXTS = {
    t.key: t for t in [
        Text("kjv-bible", "The King James Bible", "prose", "narrative", "Debian package bible-kjv (the bible program, Genesis 1:1 to Revelation 22:21)",
             "public domain (Crown rights in the United Kingdom)", _kjv),
        Text("fortunes-literature", "Quotations from literature (fortune)", "prose", "narrative", "Debian package fortunes-min (/usr/share/games/fortunes/literature)",
             "BSD (fortune-mod); quotations from their authors", _fortunes_literature),
        Text("jargon-file", "The Jargon File 4.0.0", "prose", "technical", "Debian package jargon (/usr/share/info/jargon.info.gz)", "public domain", _jargon),
        Text("debian-faq", "The Debian GNU/Linux FAQ", "prose", "technical", "Debian package doc-debian (/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz)",
             "GPL-2+", _gz("/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz", "doc-debian")),
        Text("debian-governance", "Debian Constitution and Social Contract", "prose", "technical", "Debian package doc-debian (/usr/share/doc/debian/)",
             "Open Publication License / GPL (see the package copyright)", _debian_governance),
        Text("python-reference", "Python language reference topics (pydoc_data)", "prose", "technical", "Python standard library, pydoc_data/topics.py",
             "PSF License", _python_reference),
        Text("python-stdlib", "Python standard library source (top-level modules)", "code", "code", "Python standard library, lib/python3.11/*.py",
             "PSF License", _python_stdlib),
    ]
}


def load(keys: list[str]) -> dict[str, str]:
    unknown = [k for k in keys if k not in TEXTS]
    if unknown:
        raise KeyError(f"unknown text(s) {unknown}; known: {sorted(TEXTS)}")
    return {k: TEXTS[k].read() for k in keys}


SOURCE_SKIP = {"test", "tests", "idle_test", "site-packages"}


def python_sources(root: Path) -> list[Path]:
    """The ``.py`` files under ``root``, without test folders and without installed packages
    (``site-packages``) below it: for the standard library, its own source."""
    root = Path(root)
    return sorted(p for p in root.rglob("*.py") if not SOURCE_SKIP & set(p.relative_to(root).parts))


def write_texts(keys: list[str], folder: Path) -> dict[str, str]:
    """Write each text to ``folder/<key>.txt`` (a corpus of files) and return the texts."""
    loaded = load(keys)
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in loaded.items():
        (folder / f"{key}.txt").write_text(text)
    return loaded
