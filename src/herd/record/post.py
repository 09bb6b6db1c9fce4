"""The audited blog post, read paragraph by paragraph, without keeping its sentences.

The book paraphrases the post's claims and never reproduces its text. To prove that every
paragraph with a number was read, ``data/post_paragraphs.csv`` records each paragraph's
position, the section it stands in, a fingerprint of its text (a hash, not the text) and the
numbers it states; this module recomputes those from the post itself wherever the post is
available (``$HERD_POST``, or the project's shared seed folder), so a test can check that the
record still matches the post it describes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"</?mark>")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:[kKMBT](?![a-z]))?")
SKIP = ("![", "[![", "%[", "---")
# Numbers that are part of a name, not a statement: model names and sizes, shot counts.
NAMES = re.compile(
    r"(?:Llama|LLaMA)\s*\d(?:\.\d)?(?:\s*\(?\d+B\)?)?|GPT[- ]?\d(?:\.\d)?o?|Claude(?:'s)?\s*\d(?:\.\d)?"
    r"|Nemotron\s*\d|Gemma\s*\d|Mixtral\s*8x22b|\b\d+B\b|\d+-shot",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the post: its id (P01, P02, …), its section, and its visible text."""

    id: str
    section: str
    text: str

    @property
    def fingerprint(self) -> str:
        """sha256 of the whitespace-normalised visible text, first 16 hex digits."""
        return hashlib.sha256(" ".join(self.text.split()).encode()).hexdigest()[:16]

    @property
    def numbers(self) -> list[str]:
        """The numbers the paragraph states, as written (thousands separators removed), leaving
        out those that belong to a name (model names and sizes, shot counts)."""
        return [m.group(0).replace(",", "") for m in NUMBER.finditer(NAMES.sub(" ", self.text))]


def visible(markdown: str) -> str:
    """The text a reader sees: link labels without their addresses, no emphasis or mark-up."""
    text = LINK.sub(lambda m: m.group(1), markdown)
    text = TAG.sub("", text)
    return text.replace("**", "").replace("\\", "")


def paragraphs(markdown: str) -> list[Paragraph]:
    """The post's paragraphs in order (front matter, headings, images and embeds skipped)."""
    body = markdown.split("\n---\n", 1)[1] if markdown.startswith("---") else markdown
    section, out = "Introduction", []  # type: ignore[var-annotated]
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(SKIP):
            continue
        if block.startswith("#"):
            section = visible(block.lstrip("#")).strip().rstrip(":")
            continue
        out.append(Paragraph(f"P{len(out) + 1:02d}", section, visible(block).strip()))
    return out
