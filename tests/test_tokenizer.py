"""The tokenizer reproduces llama-models' own test ids (llama3/tests/api/test_tokenizer.py)."""

from herd.record import tokenizer


def test_special_tokens_as_llama_models_defines_them():
    spec = tokenizer.read_spec()
    assert len(spec.special_tokens) == 256
    assert spec.special_tokens[:2] == ["<|begin_of_text|>", "<|end_of_text|>"]
    assert spec.special_tokens[-1] == "<|reserved_special_token_245|>"  # 12 named + 244 reserved
    enc = tokenizer.load()
    assert enc.n_vocab == 128_256
    assert enc.encode_single_token("<|begin_of_text|>") == 128000
    assert enc.encode_single_token("<|eot_id|>") == 128009


def test_known_ids_from_llama_models_tests():
    ids = tokenizer.encode("This is a test sentence.", bos=True, eos=True)
    assert ids == [128000, 2028, 374, 264, 1296, 11914, 13, 128001]
    assert tokenizer.load().decode(ids) == "<|begin_of_text|>This is a test sentence.<|end_of_text|>"


def test_header_tokens_match_the_chat_format_test():
    enc = tokenizer.load()
    assert enc.encode_ordinary("user") == [882]
    assert enc.encode_ordinary("\n\n") == [271]


def test_special_strings_in_text_are_not_special():
    assert 128000 not in tokenizer.encode("<|begin_of_text|>")


def test_tokens_of_a_text_are_the_tokens_of_its_pieces():
    """tokenizer.PIECE_BREAK: cutting at piece breaks never changes the tokens (random text
    from an alphabet rich in newlines, spaces and Unicode whitespace, and real source files)."""
    import random
    import sysconfig
    from pathlib import Path

    enc = tokenizer.load()
    tokenizer.check_piece_breaks()
    alphabet = list("\n\n\n\r  \t\t\x0b\x0cab'sZ09.:(){}#\"-_é\u00a0\u2028\u3000字🙂\u0301")
    rng = random.Random(1)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    texts += [f.read_text(encoding="utf-8") for f in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:40]]
    cut_somewhere = 0
    for text in texts:
        data = text.encode()
        pieces = tokenizer.pieces(data)
        assert [t for a, b in pieces for t in enc.encode_ordinary(data[a:b].decode())] == enc.encode_ordinary(text)
        cut_somewhere += len(pieces) > 1
    assert cut_somewhere > 500


def test_pieces_break_where_a_blank_line_or_a_new_line_of_text_begins():
    data = b"ab\n  cd\n\n  \nx\ty\n"
    assert tokenizer.pieces(data) == [(0, 3), (3, 12), (12, 16)]


def test_piece_breaks_refuse_another_pattern():
    import dataclasses

    import pytest

    spec = tokenizer.read_spec()
    tokenizer.check_piece_breaks(spec)
    with pytest.raises(tokenizer.TokenizerSourceError, match="pattern changed"):
        tokenizer.check_piece_breaks(dataclasses.replace(spec, pat_str=spec.pat_str.replace("{1,3}", "{1,4}")))
