"""Every number the executed chapters show is written by herd.base.formats: the old forms (a count
without thousands separators, a p-value in scientific notation or as a bare 1, the SI prefix
G for billions, a snake_case column header, a raw float pasted into the prose) appear
nowhere in the outputs of book/*.ipynb, nor in the charts' axes and tooltips."""

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.book

BOOK = Path(__file__).resolve().parent.parent / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))

TABLE = re.compile(r"<table\b.*?</table>", re.S)
TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
TD = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S)
ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
TAG = re.compile(r"<[^>]+>")
OLD_FORMS = {
    "scientific notation": re.compile(r"(?<![\w.])\d+(?:\.\d+)?e[-+]?\d{1,3}\b"),
    "a p-value of exactly 1 or 0": re.compile(r"\bp = [01](?:\.0+)?(?![.\d])"),
    "a p-value below 0.001 written with more zeros": re.compile(r"< 0\.000\d"),
    "the SI prefix G for billions": re.compile(r"(?<![\w.])\d+(?:\.\d+)? ?G\b(?!B)"),
}
BIG_BARE_NUMBER = re.compile(r"^-?\d{5,}(?:\.\d+)?$")
SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _outputs(path: Path):
    """(cell index, output) for every output of the executed notebook."""
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for out in cell.get("outputs", []):
            yield i, out


def _shown(out) -> str | None:
    """What a reader sees of an output (None for charts and glue records)."""
    data = out.get("data", {})
    page = _text(data.get("text/html", "")) or _text(data.get("text/markdown", "")) or _text(out.get("text", ""))
    if "vegaEmbed" in page:
        return None
    return page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_tables_and_text_use_the_book_number_forms(path):
    found = []
    for i, out in _outputs(path):
        page = _shown(out)
        if not page:
            continue
        texts = [TABLE.sub(" ", page)]  # the prose around the tables
        for table in TABLE.findall(page):
            header = [re.sub(r"\s+", " ", TAG.sub("", c)).strip() for c in TH.findall(table)]
            for h in header:
                if SNAKE.match(h):
                    found.append(f"cell {i}: a snake_case column header: {h}")
            for row in ROW.findall(table):
                for column, cell in zip(header or [""] * 99, TD.findall(row)):
                    if "as printed" in column:  # a source quoted as it prints the number
                        continue
                    text = re.sub(r"\s+", " ", TAG.sub("", cell)).strip()
                    if BIG_BARE_NUMBER.match(text.replace("\u2212", "-")):
                        found.append(f"cell {i}: a number without thousands separators in a table: {text}")
                    texts.append(text)
        plain = TAG.sub(" ", " ".join(texts))
        for name, pattern in OLD_FORMS.items():
            for hit in pattern.findall(plain):
                found.append(f"cell {i}: {name}: {hit!r}")
    assert not found, f"{path.name}:\n" + "\n".join(found[:40])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_glued_numbers_are_written_by_the_formatter(path):
    """A number glued as a Python int or float is pasted as Python prints it: fine for a small
    count, but 19194 or 0.30000000000000004 in a sentence is not the book's form."""
    found = []
    for _, out in _outputs(path):
        meta = out.get("metadata", {}).get("scrapbook")
        if not meta:
            continue
        plain = _text(out.get("data", {}).get("application/papermill.record/text/plain", "")).strip()
        if re.fullmatch(r"-?\d+", plain) and abs(int(plain)) >= 1000:
            found.append(f"{meta['name']} = {plain} (a count of 1,000 or more glued as an int)")
        elif re.fullmatch(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+", plain):
            found.append(f"{meta['name']} = {plain} (a float glued raw)")
        text = plain.strip("'\"")
        for name, pattern in OLD_FORMS.items():
            if not meta["name"].endswith("comparisons") and pattern.search(text):
                found.append(f"{meta['name']} = {text[:80]!r}: {name}")
    assert not found, f"{path.name}:\n" + "\n".join(found)


def _specs(path: Path):
    for i, out in _outputs(path):
        page = _text(out.get("data", {}).get("text/html", ""))
        start = page.find("})(", page.find("function(spec, embedOpt)"))
        if "vegaEmbed" not in page or start < 0:
            continue
        spec, _ = json.JSONDecoder().raw_decode(page[start + 3 :])
        yield i, spec


def _walk(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, k)
        yield key, node
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chart_axes_and_tooltips_use_the_book_number_forms(path):
    """No axis or tooltip formats a number with d3's SI prefixes (G for billions) or an exponent,
    and no axis label is cut short (labelLimit)."""
    found = []
    for i, spec in _specs(path):
        for key, node in _walk(spec):
            if not isinstance(node, dict):
                continue
            fmt = node.get("format")
            if isinstance(fmt, str) and re.search(r"[se]$", fmt) and "labelExpr" not in node:
                found.append(f"cell {i}: {key} formats numbers as {fmt!r}")
            limit = node.get("labelLimit")
            if isinstance(limit, (int, float)) and 0 < limit < 1000:
                found.append(f"cell {i}: {key} cuts its labels at {limit} px")
    assert not found, f"{path.name}:\n" + "\n".join(found)


def test_the_scan_finds_the_old_forms():
    """The patterns above catch what they are meant to catch."""
    assert OLD_FORMS["scientific notation"].search("p = 1.98e-111")
    assert OLD_FORMS["a p-value of exactly 1 or 0"].search("gives p = 1 here")
    assert not OLD_FORMS["a p-value of exactly 1 or 0"].search("p = 0.046")
    assert OLD_FORMS["a p-value below 0.001 written with more zeros"].search("< 0.0001")
    assert OLD_FORMS["the SI prefix G for billions"].search("800G")
    assert not OLD_FORMS["the SI prefix G for billions"].search("80GB node")
    assert BIG_BARE_NUMBER.match("87048") and not BIG_BARE_NUMBER.match("87,048")
    assert SNAKE.match("batch_size_per_dp") and not SNAKE.match("p adjusted")


def test_a_short_commit_hash_is_not_scientific_notation():
    assert not OLD_FORMS["scientific notation"].search("commit 141e24327303")
    assert OLD_FORMS["scientific notation"].search("3.8e+25 FLOPs")
