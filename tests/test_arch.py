"""Architecture arguments from llama-models, parameter counts, KV cache and RoPE scaling."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from conftest import DATA
from herd.analyses.long_context import arch
from herd.presentation import long_context_text
from herd.record import data


@pytest.fixture(scope="module")
def args():
    return arch.read_arch_args()


def test_every_llama_3x_text_model_is_read(args):
    assert {"llama-3.1-8b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b-instruct", "llama-3.3-70b-instruct"} <= set(
        args
    )
    assert not any("vision" in k for k in args)
    assert arch.model_key("llama3_3_70b_instruct") == "llama-3.3-70b-instruct"
    assert args["llama-3.3-70b-instruct"] == arch.ArchArgs(
        **{**args["llama-3.1-70b"].__dict__, "model": "llama-3.3-70b-instruct"}
    )


def test_official_args_match_the_papers_table_3(args):
    facts = data.load(DATA).facts.set_index("key")["value"]
    for key in ("llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"):
        a = args[key]
        assert a.n_layers == facts[f"architecture.{key}.layers"]
        assert a.dim == facts[f"architecture.{key}.model-dimension"]
        assert a.ffn_dim == facts[f"architecture.{key}.ffn-dimension"]
        assert a.n_heads == facts[f"architecture.{key}.attention-heads"]
        assert a.n_kv_heads == facts[f"architecture.{key}.key-value-heads"]
        assert a.rope_theta == facts["architecture.positional-embeddings-rope"]
        assert a.vocab_size == 128_256  # 128,000 BPE tokens + 256 special tokens


def test_ffn_formula():
    # 8B: 4·4096 = 16384 → 2/3 → 10922 → ×1.3 → 14198 → next multiple of 1024 = 14336
    assert arch.ffn_hidden_dim(4096, 1024, 1.3) == 14336
    assert arch.ffn_hidden_dim(16384, 4096, 1.2) == 53248


@pytest.mark.parametrize(
    "model, total",
    [("llama-3.1-8b", 8_030_261_248), ("llama-3.1-70b", 70_553_706_496), ("llama-3.1-405b", 405_853_388_800)],
)
def test_parameter_counts(args, model, total):
    counts = arch.parameter_counts(args[model])
    assert counts["total"] == pytest.approx(total, rel=1e-3)
    assert sum(v for k, v in counts.items() if k != "total") == counts["total"]


def test_8b_components_by_hand(args):
    c = arch.parameter_counts(args["llama-3.1-8b"])
    assert c["embeddings"] == 128_256 * 4096
    assert c["attention"] == 32 * (2 * 4096 * 4096 + 2 * 4096 * 1024)
    assert c["feed-forward"] == 32 * 3 * 4096 * 14336


def test_kv_cache(args):
    a = args["llama-3.1-8b"]
    # 2 (K, V) · 32 layers · 8 KV heads · 128 head dim · 2 bytes = 131,072 bytes per token
    assert arch.kv_cache_bytes(a, 1) == 131_072
    assert arch.kv_cache_bytes(a, 131_072, "fp8", batch=2) == 131_072 * 131_072 * 2 // 2
    assert arch.kv_cache_bytes(a, 1, kv_heads=a.n_heads) == 4 * arch.kv_cache_bytes(a, 1)


def test_rope_scaling(args):
    scaling = arch.read_rope_scaling()
    assert scaling == {"scale_factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "old_context_len": 8192.0}
    w = arch.rope_wavelengths(args["llama-3.1-8b"], scaling)
    assert len(w) == 64
    fast = w[w["band"].str.startswith("high")]
    slow = w[w["band"].str.startswith("low")]
    assert list(fast["wavelength_after"]) == pytest.approx(list(fast["wavelength_before"]))
    assert list(slow["wavelength_after"]) == pytest.approx(list(8 * slow["wavelength_before"]))
    assert w["wavelength_after"].max() > 131_072  # the slowest pairs now span more than 128K tokens


def test_check_against_paper_skips_models_the_paper_does_not_describe(args):
    facts = data.load(DATA).facts
    out = arch.check_against_paper({k: args[k] for k in ("llama-3.1-8b", "llama-3.3-70b-instruct")}, facts, 256)
    ours = out[out["model"] == "llama-3.1-8b"]
    assert (ours["agree"] == "yes").all() and len(ours) == 7
    theirs = out[out["model"] == "llama-3.3-70b-instruct"]
    assert theirs["agree"].str.startswith("no paper value").all()


def test_fp8_recipe_keeps_attention_and_the_outer_layers_in_bf16(args):
    # Erratum: the paper's FP8 inference (§6.2) quantizes only the feed-forward weights of the inner
    # layers, so the 405B's weights are about 487 GB, not the 406 GB of "every weight in FP8".
    a = args["llama-3.1-405b"]
    total = arch.parameter_counts(a)["total"]
    fp8 = arch.weight_bytes(a, "fp8-mixed")
    ffn_inner = (a.n_layers - 2) * 3 * a.dim * a.ffn_dim
    assert fp8 == 2 * (total - ffn_inner) + ffn_inner + 2 * (a.n_layers - 2) * (2 * a.ffn_dim + a.dim)
    assert fp8 / 1e9 == pytest.approx(487.2, abs=0.1) and fp8 > total
    # on one 8×80 GB node: two 128K sequences with a BF16 cache, not the six of an all-FP8 reading
    assert arch.sequences_that_fit(a, 131_072, 640e9, "fp8-mixed", "bf16") == 2
    assert arch.sequences_that_fit(a, 131_072, 640e9, "bf16", "bf16") == 0
    with pytest.raises(ValueError, match="allowed"):
        arch.weight_bytes(a, "int4")


def test_one_long_sequence_is_not_dominated_by_the_cache(args):
    # Erratum: serving one 128K context of the 405B in BF16 is dominated by the weights (812 GB vs
    # 68 GB of cache); the cache outweighs them only with about 12 such sequences in flight.
    a = args["llama-3.1-405b"]
    tokens = arch.kv_dominance_tokens(a)
    assert arch.kv_cache_bytes(a, 131_072) < arch.weight_bytes(a)
    assert 11 < tokens / 131_072 < 13


def test_rope_scaling_slows_only_the_pairs_longer_than_the_pretraining_context(args):
    # Erratum: the scaling changes the low-frequency pairs, whose wavelength exceeds the 8K
    # pre-training context; the fast pairs (under 2K tokens) keep their frequency.
    scaling = arch.read_rope_scaling()
    w = arch.rope_wavelengths(args["llama-3.1-405b"], scaling)
    slow = w[w["band"].str.startswith("low")]
    fast = w[w["band"].str.startswith("high")]
    assert (slow["wavelength_before"] > scaling["old_context_len"]).all()
    assert (fast["wavelength_before"] < scaling["old_context_len"] / scaling["high_freq_factor"]).all()
    changed = w[~np.isclose(w["wavelength_after"], w["wavelength_before"])]
    assert (changed["wavelength_before"] >= scaling["old_context_len"] / scaling["high_freq_factor"]).all()


def test_one_architecture_per_model(args):
    kept = arch.one_per_model(args)
    assert "llama-3.1-405b" in kept and "llama-3.1-405b-instruct" not in kept
    assert "llama-3.3-70b-instruct" in kept  # no base model of its own


@pytest.fixture(scope="module")
def package():
    return data.load(DATA)


def test_package_models_and_display_names(package):
    args = arch.package_models(package)
    assert set(args) >= {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"}
    assert "llama-3.1-405b-instruct" not in args and set(args) <= set(package.models["key"])
    assert arch.display_names(package, ["llama-3.1-405b"]) == {"llama-3.1-405b": "Llama 3.1 405B"}


def test_paper_check_summary_counts_only_values_the_paper_prints():
    check = pd.DataFrame({"agree": ["yes", "yes", "NO", "no paper value: ..."]})
    assert arch.paper_check_summary(check) == {"n_agree": 2, "n": 3}


def test_parameter_table_compares_the_count_with_the_name(args, package):
    table = arch.parameter_table({"llama-3.1-8b": args["llama-3.1-8b"]}, package).set_index("model")
    row = table.loc["Llama 3.1 8B"]
    assert row["printed size"] == 8e9 and row["total"] == arch.parameter_counts(args["llama-3.1-8b"])["total"]
    assert row["total ÷ printed"] == pytest.approx(row["total"] / 8e9)


def test_kv_table_has_both_precisions_and_the_multi_head_baseline(args):
    a = args["llama-3.1-8b"]
    kv = arch.kv_table(a, [1024, 2048], batch=2)
    assert list(kv["precision"]) == ["bf16", "fp8", "bf16", "fp8"]
    assert kv["GQA KV cache (GB)"].iloc[0] == arch.kv_cache_bytes(a, 1024, "bf16", 2) / 1e9
    assert (kv["multi-head KV cache (GB)"] == 4 * kv["GQA KV cache (GB)"]).all()  # 32 query heads, 8 KV heads


def test_memory_summary_of_the_405b(args):
    m = long_context_text.memory(arch.memory_summary(args["llama-3.1-405b"], 131_072, "bf16", "bf16"))
    assert m["weights_gb"] == "812" and m["gqa_factor"] == "16" and m["weights_text"] == "BF16"
    assert m["crossover_sequences"] == "12.0" and m["per_token"] == "516,096"
    assert (
        long_context_text.memory(arch.memory_summary(args["llama-3.1-405b"], 131_072, "bf16", "fp8-mixed"))[
            "weights_text"
        ]
        == "the paper's FP8 recipe"
    )


def test_the_memory_sentences_follow_the_numbers(args):
    assert [long_context_text.compared_with_weights(r) for r in (0.1, 0.25, 0.9, 1.1, 2.0)] == [
        "far less than its weights",
        "less than its weights",
        "about as much as its weights",
        "more than its weights",
        "far more than its weights",
    ]
    for model, a in args.items():
        m = long_context_text.memory(arch.memory_summary(a, 131_072, "bf16", "bf16"))
        ratio = arch.kv_cache_bytes(a, 131_072, "bf16") / arch.weight_bytes(a, "bf16")
        assert m["kv_vs_weights"] == long_context_text.compared_with_weights(ratio), model
        # the weights dominate one sequence exactly when the cache of one sequence is below them
        assert m["one_sequence"].startswith("serving one long context is dominated by the weights") == (ratio < 1), (
            model
        )
        if float(m["weights_gb"].replace(",", "")) < 10:  # small models: a decimal, so 1.2 B and 3.2 B differ
            assert "." in m["weights_gb"], model


def test_node_sentences_describe_the_models_too_large_for_one_gpu(args, package):
    chosen = {k: args[k] for k in ("llama-3.1-8b", "llama-3.1-405b")}
    # an H100's "80GB" is 80 GiB: eight of them hold 687 decimal GB, not 640
    gpu = package.facts.set_index("key").loc["gpu_memory_gb"]
    assert gpu["unit"] == "GiB" and arch.gpu_memory_bytes(package) == gpu["value"] * 2**30
    assert arch.node_memory_gb(package) == pytest.approx(8 * 80 * 2**30 / 1e9)
    assert long_context_text.node_memory(package) == {"node": "8 × 80 GiB = 687 GB", "gpu": "85.9"}
    text = long_context_text.node_sentences(arch.fit_on_node(package, chosen, 131_072), chosen, package)
    assert text.startswith("For the 3.1 405B, its BF16 weights (812 GB) do not fit in 687 GB at all")
    # the paper's FP8 recipe with an FP8 cache: 5 sequences in 687 GB (4 in the 640 GB once assumed)
    assert "2 fit with a BF16 cache and 5 with an FP8 cache" in text
    assert arch.sequences_that_fit(chosen["llama-3.1-405b"], 131_072, 640e9, "fp8-mixed", "fp8") == 4
    assert "8B" not in text  # its 16 GB of weights fit on one GPU


def test_memory_grid_spans_1k_to_the_context(args):
    grid = arch.memory_grid({"llama-3.1-8b": args["llama-3.1-8b"]}, 131_072)
    assert (
        grid["context"].min() == 1024 and grid["context"].max() == 131_072 and grid["context"].is_monotonic_increasing
    )
    assert (grid["mha_kv_bytes_per_token_bf16"] == 4 * grid["kv_bytes_per_token_bf16"]).all()


def test_rope_summary_and_bands(args):
    a = args["llama-3.1-405b"]
    scaling = arch.read_rope_scaling()
    waves = arch.rope_wavelengths(a, scaling)
    r = long_context_text.rope(arch.rope_summary(a, scaling, waves))
    assert r["n_fast"] + r["n_slow"] + r["n_middle"] == 64
    assert (r["old_context"], r["high_wavelen"], r["low_wavelen"], r["scale_factor"]) == (
        "8,192",
        "2,048",
        "8,192",
        "8",
    )
    bands = arch.rope_band_table(waves, 131_072).set_index("band")
    assert bands["pairs"].sum() == 64
    assert bands.loc["high frequency: unchanged", "longer than 128K after scaling"] == 0


def test_fit_on_node_uses_one_servers_memory(args, package):
    chosen = {"llama-3.1-405b": args["llama-3.1-405b"]}
    pd.testing.assert_frame_equal(
        arch.fit_on_node(package, chosen, 131_072), arch.node_fit(chosen, 131_072, 8 * 80 * 2**30)
    )


def test_gpu_memory_in_an_unknown_unit_is_named(package):
    facts = package.facts
    facts.loc[facts["key"] == "gpu_memory_gb", "unit"] = "gigabytes"

    class Stub:
        pass

    stub = Stub()
    stub.facts = facts
    stub.fact = package.fact
    with pytest.raises(ValueError, match="data/facts.csv, row 'gpu_memory_gb', column unit: 'gigabytes'"):
        arch.gpu_memory_bytes(stub)


# ---------------------------------------------------------------- shared (tied) input and output embeddings


def test_official_fields_are_the_arguments_llama_models_defines(args):
    assert set(arch.OFFICIAL_FIELDS) == set(arch.ArchArgs.__dataclass_fields__) - {"model", "shared_embeddings"}
    assert not any(a.shared_embeddings for a in args.values())  # llama-models alone never says so


def test_every_model_count_is_within_1_percent_of_its_printed_size(package):
    """Each model's count from its architecture against the size its model_facts.csv row names
    (the paper's nominal 8B/70B/405B, the Llama 3.2 card's 1.23B and 3.21B)."""
    facts = package.facts.set_index("key")["value"]
    sizes = package.model_facts[package.model_facts["quantity"] == "parameters"].set_index("model")["fact"]
    args = arch.package_models(package)
    checked = {k: arch.parameter_counts(a)["total"] / facts[sizes[k]] for k, a in args.items() if k in sizes.index}
    assert len(checked) >= 5 and {"llama-3.2-1b-instruct", "llama-3.2-3b-instruct", "llama-3.1-405b"} <= set(checked)
    assert all(abs(ratio - 1) < 0.01 for ratio in checked.values()), checked


@pytest.mark.parametrize(
    "model, card_count",
    [("llama-3.2-1b-instruct", 1.23e9), ("llama-3.2-3b-instruct", 3.21e9)],  # the card's "1B (1.23B)", "3B (3.21B)"
)
def test_shared_embeddings_give_the_cards_count(package, model, card_count):
    a = arch.package_models(package)[model]
    assert a.shared_embeddings  # read from model_facts.csv, not from the name
    counts = arch.parameter_counts(a)
    assert counts["output head"] == 0 and counts["embeddings"] == a.vocab_size * a.dim
    assert counts["total"] == pytest.approx(card_count, rel=0.01)
    separate = arch.parameter_counts(dataclasses.replace(a, shared_embeddings=False))["total"]
    assert separate - counts["total"] == a.vocab_size * a.dim and separate / card_count > 1.01  # the old miss
    assert arch.weight_bytes(a) == 2 * counts["total"]  # the memory follows the count
    fp8_separate = arch.weight_bytes(dataclasses.replace(a, shared_embeddings=False), "fp8-mixed")
    assert fp8_separate - arch.weight_bytes(a, "fp8-mixed") == 2 * a.vocab_size * a.dim


@pytest.mark.parametrize("model", ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-3.3-70b-instruct"])
def test_models_without_a_shared_embeddings_row_keep_their_output_head(package, args, model):
    a = arch.package_models(package)[model]
    assert not a.shared_embeddings and arch.parameter_counts(a) == arch.parameter_counts(args[model])
    assert arch.parameter_counts(a)["output head"] == a.vocab_size * a.dim


class _Package:
    def __init__(self, tables):
        self.tables = tables


def test_a_shared_embeddings_fact_that_is_not_yes_or_no_is_named(package):
    facts = package.facts.copy()
    facts.loc[facts["key"] == "modelcard.llama-3.2.shared_embeddings", "unit"] = "count"
    bad = _Package({**package.tables, "facts": facts})
    with pytest.raises(arch.ArchDataError, match="model_facts.csv, model 'llama-3.2-1b-instruct'.*must be 0 or 1"):
        arch.shared_embeddings(bad)
    mapping = package.model_facts.copy()
    mapping.loc[mapping["quantity"] == "shared_embeddings", "fact"] = "no.such.fact"
    with pytest.raises(arch.ArchDataError, match="facts.csv has no row 'no.such.fact'"):
        arch.shared_embeddings(_Package({**package.tables, "model_facts": mapping}))


def test_parameter_table_says_which_models_share_their_embeddings(package):
    table = arch.parameter_table(arch.package_models(package), package).set_index("model")
    shared = table["output head shares embeddings"]
    assert shared["Llama 3.2 1B Instruct"] == "yes" and shared["Llama 3.1 405B"] == "no"
    assert (table.loc[shared == "yes", "output head"] == 0).all() and (
        table.loc[shared == "no", "output head"] > 0
    ).all()


def test_the_llama_32_cards_architecture_facts_agree_with_llama_models(package, args):
    """The card's "GQA: Yes" for both sizes against llama-models' arguments: fewer KV heads than query heads."""
    facts = package.facts.set_index("key")
    gqa = facts.loc["modelcard.llama-3.2.gqa"]
    assert gqa["value"] == 1
    for model in gqa["subject"].split(";"):
        a = args[model]
        assert a.n_kv_heads < a.n_heads and a.n_heads % a.n_kv_heads == 0
