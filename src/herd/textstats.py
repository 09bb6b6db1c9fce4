"""Tokens per word, per character and per page, measured with the Llama 3 tokenizer."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import tokenizer

WORD = re.compile(r"\S+")


def words(text: str) -> int:
    """Words as whitespace-separated strings (the usual word-processor count)."""
    return len(WORD.findall(text))


def measure(text: str) -> dict[str, float]:
    n_tokens = tokenizer.count(text)
    n_words = words(text)
    return {"characters": len(text), "words": n_words, "tokens": n_tokens,
            "tokens_per_word": n_tokens / n_words, "characters_per_token": len(text) / n_tokens, "words_per_token": n_words / n_tokens}


def chunks(text: str, words_per_chunk: int = 2000) -> list[str]:
    """Consecutive pieces of about ``words_per_chunk`` words (whitespace kept)."""
    spans = [m.span() for m in WORD.finditer(text)]
    out = []
    for start in range(0, len(spans), words_per_chunk):
        piece = spans[start:start + words_per_chunk]
        out.append(text[piece[0][0]:piece[-1][1]])
    return out


def measure_texts(texts: dict[str, str], kinds: dict[str, str], words_per_chunk: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Whole-text measurements and per-chunk words-per-token (for the spread within a text)."""
    whole, parts = [], []
    for key, text in texts.items():
        whole.append({"text": key, "kind": kinds[key], **measure(text)})
        for i, piece in enumerate(chunks(text, words_per_chunk)):
            if words(piece) >= words_per_chunk // 2:
                m = measure(piece)
                parts.append({"text": key, "kind": kinds[key], "chunk": i, "words_per_token": m["words_per_token"]})
    return pd.DataFrame(whole), pd.DataFrame(parts)


def context_capacity(words_per_token: float, context_tokens: int, words_per_page: float) -> dict[str, float]:
    w = words_per_token * context_tokens
    return {"words": w, "pages": w / words_per_page}


def capacity(measured: pd.DataFrame) -> pd.DataFrame:
    """Words per token of each measured text with its name and register, the record the claims
    audit judges "words in the context window" against (``measured`` from :func:`measure_texts`)."""
    from . import texts

    out = measured[["text", "words_per_token"]].copy()
    out["name"] = out["text"].map(lambda k: texts.TEXTS[k].name)
    out["register"] = out["text"].map(lambda k: texts.TEXTS[k].register)
    return out[["text", "name", "register", "words_per_token"]]
