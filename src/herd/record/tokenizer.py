"""The real Llama 3 tokenizer, loaded from the file that ships in the PyPI package
``llama-models``, through tiktoken.

``llama-models`` is installed without its dependencies and never imported: this
module finds the package folder, reads the BPE ranks file ``llama3/tokenizer.model``
with tiktoken, and reads the split pattern and the special tokens from
``llama3/tokenizer.py`` by parsing its source (``ast``), so the definitions used here
are exactly the package's own.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tiktoken
from tiktoken.load import load_tiktoken_bpe

PACKAGE = "llama_models"


class TokenizerSourceError(RuntimeError):
    """llama-models is missing or its tokenizer source no longer has the expected shape."""


def package_dir() -> Path:
    """The folder of the installed llama-models package, found without importing it."""
    spec = importlib.util.find_spec(PACKAGE)  # locates the folder without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerSourceError("the PyPI package llama-models is not installed (see requirements-nodeps.txt)")
    return Path(list(spec.submodule_search_locations)[0])


@dataclass(frozen=True)
class TokenizerSpec:
    """The tokenizer as llama-models defines it: the BPE ranks file, the split pattern and the special
    tokens."""

    model_file: Path
    pat_str: str
    special_tokens: list[str]


def _class_attr(cls: ast.ClassDef, name: str):
    for node in cls.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        value = getattr(node, "value", None)
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and value is not None:
            return ast.literal_eval(value)
    raise TokenizerSourceError(f"llama3/tokenizer.py: class attribute {name!r} not found")


def read_spec(root: Path | None = None) -> TokenizerSpec:
    """Split pattern and the full list of special tokens, as llama-models defines them."""
    root = root or package_dir()
    source_file = root / "llama3" / "tokenizer.py"
    tree = ast.parse(source_file.read_text())
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tokenizer"), None)
    if cls is None:
        raise TokenizerSourceError(f"{source_file}: no class Tokenizer")
    pat_str = _class_attr(cls, "pat_str")
    n_reserved = _class_attr(cls, "num_reserved_special_tokens")
    named = None
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "special_tokens" for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            named = ast.literal_eval(node.value)
            break
    if named is None:
        raise TokenizerSourceError(f"{source_file}: no literal list of special tokens")
    # The package fills the remaining slots with reserved tokens numbered after the two it names itself.
    named_reserved = sum(t.startswith("<|reserved_special_token_") for t in named)
    reserved = [f"<|reserved_special_token_{named_reserved + i}|>" for i in range(n_reserved - len(named))]
    return TokenizerSpec(root / "llama3" / "tokenizer.model", pat_str, named + reserved)


@lru_cache(maxsize=2)
def identity(root: Path | None = None) -> dict:
    """What the token counts depend on beyond the text: the BPE ranks file (its SHA-256), the split pattern,
    the special tokens and tiktoken's version (a result measured with one tokenizer is not one of another)."""
    from importlib.metadata import version

    spec = read_spec(root)
    return {
        "ranks_sha256": hashlib.sha256(spec.model_file.read_bytes()).hexdigest(),
        "pat_str": spec.pat_str,
        "special_tokens": spec.special_tokens,
        "tiktoken": version("tiktoken"),
    }


@lru_cache(maxsize=2)
def load(root: Path | None = None) -> tiktoken.Encoding:
    """The Llama 3 tokenizer as a tiktoken Encoding (128,000 BPE tokens + 256 special)."""
    spec = read_spec(root)
    ranks = load_tiktoken_bpe(str(spec.model_file))
    special = {token: len(ranks) + i for i, token in enumerate(spec.special_tokens)}
    return tiktoken.Encoding(name="llama3", pat_str=spec.pat_str, mergeable_ranks=ranks, special_tokens=special)


def encode(text: str, bos: bool = False, eos: bool = False) -> list[int]:
    """Token ids of ``text`` (special-token strings inside it are encoded as plain text)."""
    enc = load()
    ids = enc.encode_ordinary(text)
    if bos:
        ids = [enc.encode_single_token("<|begin_of_text|>"), *ids]
    if eos:
        ids = [*ids, enc.encode_single_token("<|end_of_text|>")]
    return ids


def count(text: str) -> int:
    """Number of Llama 3 tokens in ``text``, no special tokens added."""
    return len(load().encode_ordinary(text))


# ------------------------------------------------------------------ where tokenization can be split

# The pre-tokenizer pattern for which the break rule below was derived (llama-models, llama3/tokenizer.py).
PATTERN_WITH_PIECE_BREAKS = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# A piece break: the position just after a newline that is followed, past any spaces and tabs,
# by a printable ASCII character. With the pattern above, no pre-token can contain a newline
# followed by anything but newlines: the alternatives that take a newline end at the last
# newline of a whitespace run ("\s*[\r\n]+", and "[\r\n]*" after punctuation), letters and digits
# exclude it, and "\s+(?!\S)" is never reached while a newline lies ahead in the run. The
# pattern has no look-behind and its only look-ahead stays inside the whitespace run, and BPE
# works inside one pre-token. So the tokens of a text are the tokens of its pieces between
# breaks, concatenated; tests/test_tokenizer.py checks this on random and real text.
PIECE_BREAK = re.compile(rb"\n(?=[ \t]*[!-~])")


def check_piece_breaks(spec: TokenizerSpec | None = None) -> None:
    """Refuse to split text if llama-models' pattern is not the one the break rule was derived for."""
    spec = spec or read_spec()
    if spec.pat_str != PATTERN_WITH_PIECE_BREAKS:
        raise TokenizerSourceError(
            "llama3/tokenizer.py: the pre-tokenizer pattern changed; re-derive PIECE_BREAK before splitting text"
        )


@lru_cache(maxsize=2)
def token_byte_lengths(root: Path | None = None):
    """The number of bytes each ordinary token id stands for, as a numpy array (special tokens
    count 0: ``encode_ordinary`` never produces them)."""
    import numpy as np

    enc = load() if root is None else load(root)  # one cache entry for the default
    lengths = np.zeros(enc.n_vocab, dtype=np.int64)
    ranks = getattr(enc, "_mergeable_ranks", None)
    if ranks is None:  # not exposed by this tiktoken version: ask token by token
        ranks = {enc.decode_single_token_bytes(i): i for i in range(enc.n_vocab - len(enc.special_tokens_set))}
    lengths[np.fromiter(ranks.values(), dtype=np.int64, count=len(ranks))] = np.fromiter(
        map(len, ranks), dtype=np.int64, count=len(ranks)
    )
    return lengths


def pieces(data: bytes) -> list[tuple[int, int]]:
    """``data`` cut at every piece break, as (start, end) byte offsets."""
    cuts = [0, *(m.end() for m in PIECE_BREAK.finditer(data)), len(data)]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
