"""Text from the data reaches the pages as text: JSON in a chart's script block cannot end it, a link
leads only to a web address, and tables and Markdown keep only the tags herd writes itself."""

import json
import re

import altair as alt
import pandas as pd
import pytest

from herd.base import markup
from herd.presentation import charts, downloads, tables

HOSTILE = "a</script><script>alert(1)</script><!--<script> & \u2028\u2029 <img src=x onerror=alert(2)>"


def test_json_for_a_script_block_holds_no_character_that_could_end_it_and_reads_back_the_same():
    text = json.dumps({"name": HOSTILE, "n": [1, 2.5]}, cls=markup.ScriptSafeJSON)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"name": HOSTILE, "n": [1, 2.5]}
    assert json.dumps({"a": "plain"}, cls=markup.ScriptSafeJSON) == json.dumps({"a": "plain"})  # the same bytes


def _html(figure: charts.Figure) -> str:
    data, _ = figure._repr_mimebundle_()
    return data["text/html"]


def _script(html: str) -> str:
    return re.search(r"<script[^>]*>(.*?)</script>", html, re.S).group(1)


def test_a_chart_of_hostile_names_writes_them_as_escaped_json():
    charts.use_theme("html")
    rows = pd.DataFrame({"model": [HOSTILE, "b"], "score": [1.0, 2.0]})
    figure = charts.Figure(alt.Chart(rows).mark_bar().encode(x="model", y="score"), {"rows": rows}, "hostile")
    html = _html(figure)
    assert html.lower().count("</script") == 1  # only the block's own end
    assert "<!--" not in html and "<img" not in html
    spec = json.loads(re.search(r"\}\)\((\{.*\}), \{\"mode\"", _script(html), re.S).group(1))
    assert [r["model"] for r in next(iter(spec["datasets"].values()))] == [HOSTILE, "b"]


def test_a_chart_of_normal_names_is_written_as_altair_writes_it():
    charts.use_theme("html")
    rows = pd.DataFrame({"model": ["Llama 3.1 405B", "GPT-4o"], "score": [88.6, 88.7]})
    chart = alt.Chart(rows).mark_bar().encode(x="model", y="score")
    ours = _html(charts.Figure(chart, {"rows": rows}, "plain")).split("\n<p class=")[0]
    altairs = chart._repr_mimebundle_()["text/html"]
    ids = re.compile(r"altair-viz-[0-9a-f]{32}")
    assert ids.sub("ID", ours) == ids.sub("ID", altairs)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "JAVASCRIPT:x", "data:text/html,x"]
)
def test_a_link_leads_only_to_a_web_address(url):
    with pytest.raises(ValueError, match="not a web address"):
        tables.link("click", url)


def test_a_link_escapes_its_text_and_address():
    assert tables.link("A & <B>", 'https://example.org/?q="x"&r=1') == (
        '<a href="https://example.org/?q=&quot;x&quot;&amp;r=1">A &amp; &lt;B&gt;</a>'
    )
    assert tables.link("section", "benchmarks.html#result") == '<a href="benchmarks.html#result">section</a>'


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="https://example.org/a?b=1&amp;c=2">The paper</a>',
        "Holm-adjusted<br><small><em>Rule:</em> at least on par</small>",
        "p < 0.001; 3 > 2",
        '<a href="benchmarks.html#benchmarks-result">Table 2</a>',
        downloads.archive_link(),
    ],
)
def test_sanitize_leaves_the_books_own_fragments_unchanged(fragment):
    assert markup.sanitize(fragment) == fragment


@pytest.mark.parametrize(
    "fragment",
    [
        HOSTILE,
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "<SCRIPT>alert(1)</SCRIPT>",
        '<a href="javascript:alert(1)" href="https://example.org">x</a>',
        '<a href="https://example.org" download="../../x">x</a>',
        '<a href="https://example.org" class="x" onmouseover="alert(1)">x</a>',
    ],
)
def test_sanitize_turns_every_other_tag_into_text(fragment):
    safe = markup.sanitize(fragment)
    assert not re.search(r"<(?!a href=\"https?:|/a>|br>|/?(em|small)>)[A-Za-z/!?]", safe)


def test_a_table_shows_markup_from_the_data_as_text_even_unescaped():
    frame = pd.DataFrame(
        {"source": [tables.link("paper", "https://arxiv.org/abs/2407.21783"), HOSTILE], "by": [HOSTILE, "Meta"]}
    )
    for escape in (True, False):
        html, _ = tables.render(frame, {"source": str}, escape=escape)
        assert '<a href="https://arxiv.org/abs/2407.21783">paper</a>' in html
        assert "<script" not in html.lower() and "<img" not in html and "<!--" not in html


@pytest.mark.book
def test_the_books_own_markdown_and_table_cells_pass_the_sanitizer_unchanged():
    """What the chapters write as Markdown (outputs and glued values) and as table cells keeps every tag it
    has: the sanitizer removes only what the book never writes itself."""
    from conftest import ROOT

    seen = 0
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for output in cell.get("outputs", []):
                for mime, value in output.get("data", {}).items():
                    text = "".join(value) if isinstance(value, list) else str(value)
                    if mime.endswith("text/markdown"):
                        parts = [text]
                    elif mime == "text/html" and "herd-table" in text:
                        parts = re.findall(r"<td[^>]*>(.*?)</td>", text, re.S)
                    else:
                        continue
                    for part in parts:
                        seen += "<" in part
                        assert markup.sanitize(part) == part, f"{path.name}: {part[:200]}"
    assert seen > 50  # the check met the book's links, line breaks and emphasis
