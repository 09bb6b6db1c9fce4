"""Tokens per word, per character and per page, measured with the Llama 3 tokenizer, and what a
context window holds.

The tokenizer is imported only where a text is measured, so code that reads measurements made
elsewhere (the claims audit) needs neither the tokenizer nor the texts.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

WORD = re.compile(r"\S+")


def words(text: str) -> int:
    """Words as whitespace-separated strings (the usual word-processor count)."""
    return len(WORD.findall(text))


def measure(text: str) -> dict[str, float]:
    """Characters, words and Llama 3 tokens of one text, and their ratios."""
    from herd.record import tokenizer

    n_tokens = tokenizer.count(text)
    n_words = words(text)
    return {
        "characters": len(text),
        "words": n_words,
        "tokens": n_tokens,
        "tokens_per_word": n_tokens / n_words,
        "characters_per_token": len(text) / n_tokens,
        "words_per_token": n_words / n_tokens,
    }


def chunks(text: str, words_per_chunk: int = 2000) -> list[str]:
    """Consecutive pieces of about ``words_per_chunk`` words (whitespace kept)."""
    spans = [m.span() for m in WORD.finditer(text)]
    out = []
    for start in range(0, len(spans), words_per_chunk):
        piece = spans[start : start + words_per_chunk]
        out.append(text[piece[0][0] : piece[-1][1]])
    return out


def measure_texts(
    texts: dict[str, str], kinds: dict[str, str], words_per_chunk: int = 2000
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Whole-text measurements and per-chunk words-per-token (for the spread within a text).

    Tokenizing the texts takes seconds and three chapters measure the same ones: the result is kept in
    :mod:`herd.base.memo` under the texts' contents, the chunk size and the tokenizer's identity."""
    from herd.base import memo
    from herd.record import tokenizer

    inputs = {
        "texts": [[key, hashlib.sha256(text.encode("utf-8")).hexdigest(), kinds[key]] for key, text in texts.items()],
        "words_per_chunk": words_per_chunk,
        "tokenizer": tokenizer.identity(),
    }
    whole, parts = memo.remember(
        __name__,
        "measure_texts",
        inputs,
        lambda: _measure_texts(texts, kinds, words_per_chunk),
        memo.frames_dump,
        memo.frames_load,
    )
    return whole, parts


def _measure_texts(
    texts: dict[str, str], kinds: dict[str, str], words_per_chunk: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    whole, parts = [], []
    for key, text in texts.items():
        whole.append({"text": key, "kind": kinds[key], **measure(text)})
        for i, piece in enumerate(chunks(text, words_per_chunk)):
            if words(piece) >= words_per_chunk // 2:
                m = measure(piece)
                parts.append({"text": key, "kind": kinds[key], "chunk": i, "words_per_token": m["words_per_token"]})
    return pd.DataFrame(whole), pd.DataFrame(parts)


def measure_named(keys: list[str], words_per_chunk: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`measure_texts` of the texts of :data:`herd.record.texts.TEXTS` named by ``keys``, each with
    its kind, and its name beside every row (whole texts and chunks)."""
    from herd.record import texts

    whole, parts = measure_texts(texts.load(keys), {k: texts.TEXTS[k].kind for k in keys}, words_per_chunk)
    for frame in (whole, parts):
        if len(frame):
            frame["name"] = frame["text"].map(lambda k: texts.TEXTS[k].name)
    return whole, parts


def window_words(words_per_token, context_tokens: float, words_per_page: float | None = None):
    """The words a context window of ``context_tokens`` tokens holds at ``words_per_token`` (a number
    or a column), or the pages when ``words_per_page`` is given. The one place the book computes it."""
    words = words_per_token * context_tokens
    return words if words_per_page is None else words / words_per_page


def window_label(context_tokens: int) -> str:
    """How the book names a context length in a heading: ``128K tokens`` for 131,072."""
    return f"{context_tokens // 1024}K tokens"


WINDOW_COLUMN = "words in the window: measured or extrapolated"
"""The column of :func:`text_table` saying whether a text fills the window (its words there measured) or not."""


def windows_filled(tokens, context_tokens: int) -> list[float]:
    """For each text of ``tokens`` tokens, its length in windows of ``context_tokens``: the words a window holds are
    measured where the text fills one (1 or more), its rate extrapolated to a window it does not fill (below 1: the
    share of one window it fills)."""
    return [t / context_tokens for t in tokens]


def text_table(
    whole: pd.DataFrame, context_tokens: int, words_per_page: float, parts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The measured texts as the long-context chapter shows them: each with its kind, what a full
    context window of it holds in words and pages, whether that is measured or extrapolated
    (:func:`windows_filled`), its ratios and sizes, the chunks the box plot draws, origin and licence.

    Parameters
    ----------
    whole
        Whole-text measurements (from :func:`measure_named`).
    context_tokens
        The context window in tokens.
    words_per_page
        The page convention.
    parts
        The chunks measured (from :func:`measure_named`); when given, a column counts each text's.

    Returns
    -------
    pandas.DataFrame
        One row per text, in the order measured, with the columns as the chapter labels them.
    """
    from herd.record import texts

    label = window_label(context_tokens)
    out = whole.assign(
        register=whole["text"].map(lambda k: texts.TEXTS[k].register),
        origin=whole["text"].map(lambda k: texts.TEXTS[k].origin),
        licence=whole["text"].map(lambda k: texts.TEXTS[k].licence),
    )
    out[f"words in {label}"] = window_words(out["words_per_token"], context_tokens)
    out[f"pages in {label}"] = window_words(out["words_per_token"], context_tokens, words_per_page)
    out[WINDOW_COLUMN] = windows_filled(out["tokens"], context_tokens)
    chunks = []
    if parts is not None:
        out["chunks"] = out["text"].map(parts.groupby("text").size()).fillna(0).astype(int)
        chunks = ["chunks"]
    return out[
        [
            "name",
            "kind",
            "register",
            "words_per_token",
            f"words in {label}",
            f"pages in {label}",
            WINDOW_COLUMN,
            "characters_per_token",
            "words",
            "tokens",
            *chunks,
            "characters",
            "origin",
            "licence",
        ]
    ].rename(columns={"words_per_token": "words per token", "characters_per_token": "characters per token"})


def short_texts(whole: pd.DataFrame, context_tokens: int, parts: pd.DataFrame) -> dict[str, object] | None:
    """The texts shorter than the window (:func:`windows_filled`): how many (``short``, of ``texts``), the names of the
    narrative ones among them (``narrative``) and the fewest chunks any of them gives the box plot (``fewest_chunks``);
    ``None`` when every text fills it."""
    from herd.record import texts

    short = whole[whole["tokens"] < context_tokens]
    if not len(short):
        return None
    chunks = parts.groupby("text").size().reindex(short["text"]).fillna(0).astype(int)
    return {
        "short": len(short),
        "texts": len(whole),
        "narrative": [texts.TEXTS[k].name for k in short["text"] if texts.TEXTS[k].register == "narrative"],
        "fewest_chunks": int(chunks.min()),
    }


def window_summary(whole: pd.DataFrame, context_tokens: int, words_per_page: float) -> dict[str, object]:
    """What a full context window holds by register (:mod:`herd.presentation.long_context_text` writes it).

    Parameters
    ----------
    whole
        Whole-text measurements (from :func:`measure_named`).
    context_tokens
        The context window in tokens.
    words_per_page
        The page convention.

    Returns
    -------
    dict
        ``narrative``, ``technical`` and ``code`` (the words a window holds in each text of the register, a list,
        empty where none was measured), ``narrative_pages`` (the narrative texts' pages) and, when narrative texts
        were measured, the names of those holding the fewest and the most words (``narrative_fewest``,
        ``narrative_most``).
    """
    from herd.record import texts

    words = window_words(whole["words_per_token"], context_tokens)
    register = whole["text"].map(lambda k: texts.TEXTS[k].register)
    narrative, technical, code = (words[register == r] for r in ("narrative", "technical", "code"))
    names = whole["text"].map(lambda k: texts.TEXTS[k].name)
    extremes = {}
    if len(narrative):
        extremes = {"narrative_fewest": names[narrative.idxmin()], "narrative_most": names[narrative.idxmax()]}
    return extremes | {
        "narrative": narrative.tolist(),
        "technical": technical.tolist(),
        "code": code.tolist(),
        "narrative_pages": (narrative / words_per_page).tolist(),
    }


def capacity(measured: pd.DataFrame) -> pd.DataFrame:
    """Words per token of each measured prose text with its name and register, the record the claims
    audit judges "words in the context window" against (``measured`` from :func:`measure_texts`)."""
    from herd.record import texts

    prose = measured[measured["text"].map(lambda k: texts.TEXTS[k].kind) == "prose"]
    out = prose[["text", "words_per_token"]].copy()
    out["name"] = out["text"].map(lambda k: texts.TEXTS[k].name)
    out["register"] = out["text"].map(lambda k: texts.TEXTS[k].register)
    return out[["text", "name", "register", "words_per_token"]]
