"""The glossary defines every named method the book's code uses: the methods of the published examples the method
page recomputes, each correction for many comparisons a chapter may choose, the bound the metric kinds rest on and
what the intervals' levels make of them together; and every term a page links to is defined."""

import re

from conftest import ROOT
from herd.method import stats
from herd.presentation import compare_text, method_text

GLOSSARY = ROOT / "book" / "glossary.md"


def _terms() -> list[str]:
    block = GLOSSARY.read_text(encoding="utf-8").split("```{glossary}")[1].split("```")[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith((" ", ":"))]


def _defines(name: str) -> bool:
    """Whether a glossary term is the method ``name`` (its name, or its name followed by what kind of thing it
    is: ``Wilson`` → ``Wilson interval``)."""
    return any(t == name or t.startswith(name + " ") for t in _terms())


def test_every_method_of_the_published_examples_has_an_entry():
    # "Agresti–Min exact interval, 7/34 − 1/34" names the Agresti–Min interval: the words before the kind
    kinds = ("interval", "exact", "adjustment", "test")
    names = []
    for method in method_text.published_examples()["method"]:
        words = method.split(",")[0].split()
        names.append(" ".join(words[: next(i for i, w in enumerate(words) if w in kinds)]))
    assert len(names) >= 6 and all(names)
    assert [n for n in names if not _defines(n)] == []


def test_every_correction_and_every_bound_has_an_entry():
    corrections = [name for key, name in stats.CORRECTION_NAMES.items() if key != "none"]
    assert [c for c in corrections if not _defines(c)] == []
    bounds = {m for kind in stats.METRIC_KINDS.values() for m in re.findall(r"\(([A-Z][^)]*)\)", kind.basis)}
    assert bounds and [b for b in bounds if not _defines(b)] == []
    # what the levels make of the intervals together ("… not simultaneous intervals") is a term of its own
    phrases = {note.split(": ")[-1].removeprefix("not ") for note in compare_text.LEVEL_NOTES.values()}
    assert phrases == {"simultaneous intervals"} and _defines("simultaneous intervals")


def test_every_linked_term_is_defined():
    linked = set()
    for page in [*sorted((ROOT / "notebooks").glob("*.md")), GLOSSARY, ROOT / "book" / "about.md"]:
        for text in re.findall(r"\{term\}`([^`]*)`", page.read_text(encoding="utf-8")):
            target = re.search(r"<([^>]*)>$", text)
            linked.add(" ".join((target.group(1) if target else text).split()))
    assert linked and sorted(linked - set(_terms())) == []


def test_the_method_and_claims_pages_link_every_term_they_name():
    """A term is linked from its first use in each chapter (the glossary's own promise): every glossary term the
    method page or the claims audit names in its prose (code cells left out) is linked there at least once, so a
    procedure named in passing ("a union–intersection test", "Brent's method") opens its entry."""
    for name in ("method", "claims"):
        text = (ROOT / "notebooks" / f"{name}.md").read_text(encoding="utf-8")
        linked = {
            " ".join((re.search(r"<([^>]*)>$", t).group(1) if re.search(r"<([^>]*)>$", t) else t).split())
            for t in re.findall(r"\{term\}`([^`]*)`", text)
        }
        prose = " ".join(re.sub(r"\{term\}`[^`]*`", "", re.sub(r"```.*?```", "", text, flags=re.S)).split())
        named = [t for t in _terms() if t in prose]
        assert named and [t for t in named if t not in linked] == [], name
