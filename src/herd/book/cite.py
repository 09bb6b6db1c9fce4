"""How to cite the book, from ``CITATION.cff`` (the Citation File Format file GitHub and
Zenodo read): a reference in words and a BibTeX entry, so the book's "Cite this book"
block and the file can never disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

CFF = "CITATION.cff"


class CitationError(ValueError):
    """CITATION.cff lacks something a citation needs; the message names it."""


@dataclass(frozen=True)
class Citation:
    """How the book is cited, as ``CITATION.cff`` describes it: title, authors, version, release date,
    repository URL and licence."""

    title: str
    authors: list[str]
    version: str
    date: str
    url: str
    license: str

    @property
    def year(self) -> str:
        """The year of release, the first four characters of ``date``."""
        return self.date[:4]

    def text(self) -> str:
        """The reference in words: ``Authors (year). Title (version x). URL``."""
        return f"{_join(self.authors)} ({self.year}). {self.title} (version {self.version}). {self.url}"

    def bibtex(self) -> str:
        """A BibTeX ``@software`` entry (authors that are organisations in double braces)."""
        key = re.sub(r"[^a-z0-9]+", "", self.title.split(":")[0].lower()) + self.year
        fields = [
            ("title", "{" + self.title + "}"),
            ("author", " and ".join("{" + a + "}" for a in self.authors)),
            ("year", self.year),
            ("version", self.version),
            ("url", self.url),
        ]
        if self.license:
            fields.append(("note", f"License: {self.license}"))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@software{{{key},\n{body}\n}}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _author(entry: dict) -> str:
    if entry.get("name"):
        return str(entry["name"])
    given, family = entry.get("given-names", ""), entry.get("family-names", "")
    if not family:
        raise CitationError(f"{CFF}: an author has neither 'name' nor 'family-names': {entry}")
    return f"{family}, {given}".strip(", ")


def read(root: Path) -> Citation:
    """The citation ``CITATION.cff`` in ``root`` describes; a missing field is named."""
    path = Path(root) / CFF
    if not path.exists():
        raise CitationError(f"{path}: missing (the book's citation comes from it)")
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key in ("title", "authors", "version", "date-released", "repository-code"):
        if not cff.get(key):
            raise CitationError(f"{CFF}: no '{key}'")
    return Citation(
        title=str(cff["title"]),
        authors=[_author(a) for a in cff["authors"]],
        version=str(cff["version"]),
        date=str(cff["date-released"]),
        url=str(cff["repository-code"]),
        license=str(cff.get("license", "")),
    )
