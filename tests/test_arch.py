"""Architecture arguments from llama-models, parameter counts, KV cache and RoPE scaling."""
import numpy as np
import pytest

from conftest import DATA
from herd import arch, data


@pytest.fixture(scope="module")
def args():
    return arch.read_arch_args()


def test_official_args_match_the_papers_table_3(args):
    facts = data.load(DATA).facts.set_index("key")["value"]
    for key, a in args.items():
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


@pytest.mark.parametrize("model, total", [
    ("llama-3.1-8b", 8_030_261_248), ("llama-3.1-70b", 70_553_706_496), ("llama-3.1-405b", 405_853_388_800)])
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
