"""The tokenizer reproduces llama-models' own test ids (llama3/tests/api/test_tokenizer.py)."""
from herd import tokenizer


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
