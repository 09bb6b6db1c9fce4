"""The measured texts load from the registries' packages and token statistics behave."""

import pytest

from herd.analyses.long_context import textstats
from herd.presentation import long_context_text
from herd.record import texts


@pytest.mark.texts
def test_every_text_loads_and_is_substantial():
    loaded = texts.load(list(texts.TEXTS))
    for key, text in loaded.items():
        assert textstats.words(text) > 5000, key
    assert "Ge1:1" not in loaded["kjv-bible"][:200]  # verse labels removed
    assert "\x1f" not in loaded["jargon-file"]
    assert "00-database" not in loaded["devils-dictionary"] and loaded["devils-dictionary"].startswith("THE DEVIL'S")
    assert "Psalms 1:1:" not in loaded["treasury-of-david"] and "(TDavid)" not in loaded["treasury-of-david"]
    assert " * " not in loaded["treasury-of-david"]  # the renderer's italic markers
    assert loaded["austen-novels"].startswith("SENSE AND SENSIBILITY") and "Persuasion\n" in loaded["austen-novels"]
    assert "Ian Murdock" in loaded["debian-history"]


@pytest.mark.texts
def test_at_least_six_narrative_texts_of_different_sources():
    narrative = [k for k, t in texts.TEXTS.items() if t.register == "narrative"]
    assert len(narrative) >= 6
    assert len({texts.TEXTS[k].origin.split(" (")[0] for k in narrative}) == len(narrative)  # each from its own package
    assert set(texts.CORPUS_PROSE) <= set(texts.keys_of_kind("prose"))


def test_unknown_text():
    with pytest.raises(KeyError, match="unknown text"):
        texts.load(["war-and-peace"])


def test_measure_on_a_known_sentence():
    m = textstats.measure("This is a test sentence.")
    assert m["tokens"] == 6 and m["words"] == 5
    assert m["tokens_per_word"] == pytest.approx(1.2)


@pytest.mark.texts
def test_prose_packs_more_words_per_token_than_code():
    loaded = texts.load(["kjv-bible", "python-stdlib"])
    bible = textstats.measure(loaded["kjv-bible"])["words_per_token"]
    code = textstats.measure(loaded["python-stdlib"])["words_per_token"]
    assert bible > 0.7 > 0.5 > code


def test_chunks_cover_the_text():
    text = " ".join(f"w{i}" for i in range(4500))
    parts = textstats.chunks(text, 2000)
    assert [textstats.words(p) for p in parts] == [2000, 2000, 500]


def test_words_and_pages_in_the_window():
    assert textstats.window_words(0.75, 131072) == pytest.approx(98304)
    assert textstats.window_words(0.75, 131072, 500) == pytest.approx(196.608)
    assert textstats.window_label(131072) == "128K tokens"


def test_python_sources_leave_out_tests_and_installed_packages(tmp_path):
    for rel in ["a.py", "pkg/b.py", "pkg/tests/t.py", "test/u.py", "site-packages/dep/c.py", "notes.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    assert [p.relative_to(tmp_path).as_posix() for p in texts.python_sources(tmp_path)] == ["a.py", "pkg/b.py"]
    site = tmp_path / "site-packages"
    assert [p.relative_to(site).as_posix() for p in texts.python_sources(site)] == ["dep/c.py"]


def test_write_texts(tmp_path):
    written = texts.write_texts(["python-reference"], tmp_path / "corpus")
    assert (tmp_path / "corpus" / "python-reference.txt").read_text() == written["python-reference"] != ""


def test_window_summary_by_register():
    import pandas as pd

    whole = pd.DataFrame(
        {
            "text": ["kjv-bible", "fortunes-literature", "debian-faq", "jargon-file", "python-stdlib"],
            "words_per_token": [0.8, 0.7, 0.6, 0.5, 0.4],
        }
    )
    # 131,072 tokens x 0.8 and 0.7 words per token = 104,858 and 91,750 words: a range rounded to thousands
    s = long_context_text.window(textstats.window_summary(whole, 131_072, 100))
    assert s == {
        "narrative_words": "92,000–105,000",
        "n_narrative": 2,
        "technical_words": "66,000–79,000",
        "code_words": "52,000",
        "narrative_pages": "920–1,050",
        "narrative_median": "98,000",
        "narrative_fewest": texts.TEXTS["fortunes-literature"].name,
        "narrative_most": texts.TEXTS["kjv-bible"].name,
    }
    assert long_context_text.window(textstats.window_summary(whole.iloc[:1], 131_072, 100))["technical_words"] == "n/a"


def test_texts_shorter_than_the_window_are_marked_extrapolated():
    import pandas as pd

    whole = pd.DataFrame(
        {
            "text": ["kjv-bible", "debian-history", "debian-governance"],
            "tokens": [996_350, 13_696, 131_072 - 1],
            "words_per_token": [0.79, 0.71, 0.70],
        }
    )
    assert [long_context_text.window_fill(w) for w in textstats.windows_filled(whole["tokens"], 131_072)] == [
        "measured: 7.6 windows",
        "extrapolated: 10 % of one",
        "extrapolated: 100 % of one",  # one token short of the window: still not a measured fill
    ]
    assert long_context_text.window_fill(textstats.windows_filled([131_072], 131_072)[0]) == "measured: 1.0 windows"
    parts = pd.DataFrame({"text": ["kjv-bible"] * 4 + ["debian-history"] * 2 + ["debian-governance"] * 3})
    sentence = long_context_text.short_texts(textstats.short_texts(whole, 131_072, parts))
    history = texts.TEXTS["debian-history"].name
    assert sentence.startswith(f"2 of the 3 texts are shorter than the window, 1 narrative one among them ({history}):")
    assert sentence.endswith("the box plot draws only 2 chunks from the shortest.")
    assert long_context_text.short_texts(textstats.short_texts(whole.iloc[:1], 131_072, parts)) == ""


@pytest.mark.slow
def test_text_table_and_capacity():
    whole, parts = textstats.measure_named(["python-reference", "python-stdlib"])
    table = textstats.text_table(whole, 131_072, 500, parts)
    # each text's chunks as the box plot draws them, and whether its window is measured or extrapolated
    assert table["chunks"].tolist() == [int((parts["text"] == t).sum()) for t in whole["text"]]
    assert [w >= 1 for w in table[textstats.WINDOW_COLUMN]] == (whole["tokens"] >= 131_072).tolist()
    assert list(table["name"]) == [texts.TEXTS["python-reference"].name, texts.TEXTS["python-stdlib"].name]
    assert table["words in 128K tokens"].tolist() == pytest.approx((whole["words_per_token"] * 131_072).tolist())
    assert table["pages in 128K tokens"].tolist() == pytest.approx((table["words in 128K tokens"] / 500).tolist())
    assert set(parts["name"]) == set(table["name"])
    assert list(textstats.capacity(whole)["text"]) == ["python-reference"]  # prose only
