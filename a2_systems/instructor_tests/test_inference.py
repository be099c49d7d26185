"""The inference reference (HANDOUT §6) against independent oracles and properties: the paged cache against the
plain-Python simulation on many random scripts and against torch's scaled_dot_product_attention, the pinned
exception type, speculative decoding against a1's generate() at temperature 0 on TransformerLMs, an exact
enumeration of its first-token distribution, Leviathan et al.'s Eq. 1 for tokens per target call, and the
benchmark's memory accounting."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from a1_basics.decoding import generate
from a1_basics.nn.transformer import TransformerLM
from a2_systems.api import API
from a2_systems.cases import inference_paged as cp
from a2_systems.cases import inference_speculative as cs
from a2_systems.inference.paged_kv_cache import BlockAllocator, OutOfBlocksError, PagedKVCache
from a2_systems.inference.speculative import speculative_decode
from a2_systems.oracles import inference_paged as oracle_paged
from a2_systems.oracles import inference_speculative as oracle_spec
from shared.cases import Impl

IMPL = Impl(API)


@pytest.mark.parametrize("seed", range(40))
def test_random_scripts_match_the_simulation(seed: int) -> None:
    inp = cp.script_inputs(40, (1, 2, 3, 4, 7), 10)(np.random.default_rng(seed))
    out, want = cp.run_script(IMPL, inp), oracle_paged.simulate(inp)
    assert out["steps"] == want["steps"]
    for (k, v), (wk, wv) in zip(out["kv"], want["kv"], strict=True):
        assert np.array_equal(k, wk) and np.array_equal(v, wv)


def test_pinned_exception_type_matches_the_cases() -> None:
    assert OutOfBlocksError.__module__ == cp.OutOfBlocksError.__module__
    assert OutOfBlocksError.__qualname__ == cp.OutOfBlocksError.__qualname__
    assert issubclass(OutOfBlocksError, RuntimeError)


def test_worked_example_matches_the_simulation() -> None:
    inp = cp.worked_inputs(np.random.default_rng(0))
    # the hand derivation and the simulation agree
    assert oracle_paged.simulate(inp)["steps"] == oracle_paged.WORKED_STEPS


def test_attend_equals_sdpa_over_gathered_kv() -> None:
    g = torch.Generator().manual_seed(0)
    cache = PagedKVCache(32, 5, 4, 8)
    cache.add_sequence(0)
    cache.append(0, torch.randn(13, 4, 8, generator=g), torch.randn(13, 4, 8, generator=g))
    cache.fork(0, 1)
    cache.append(1, torch.randn(4, 4, 8, generator=g), torch.randn(4, 4, 8, generator=g))
    for s in (0, 1):
        q = torch.randn(3, 4, 8, generator=g)
        k, v = cache.gather(s)
        want = F.scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1))
        torch.testing.assert_close(cache.attend(s, q), want.transpose(0, 1), rtol=1e-5, atol=1e-6)


def test_failed_append_changes_nothing() -> None:
    cache = PagedKVCache(3, 4, 1, 2)
    cache.add_sequence(0)
    cache.append(0, torch.ones(6, 1, 2), torch.ones(6, 1, 2))
    cache.fork(0, 1)
    before = (cache.block_table(0), cache.block_table(1), cache.num_free_blocks)
    with pytest.raises(OutOfBlocksError, match="free a sequence"):
        cache.append(1, torch.zeros(7, 1, 2), torch.zeros(7, 1, 2))  # copy-on-write + 2 blocks > 1 free
    assert (cache.block_table(0), cache.block_table(1), cache.num_free_blocks) == before
    cache.append(1, torch.zeros(2, 1, 2), torch.zeros(2, 1, 2))  # copy-on-write only: fits
    assert cache.block_table(1) == [0, 2] and cache.gather(0)[0].sum() == 12


def test_allocator_errors() -> None:
    a = BlockAllocator(2)
    with pytest.raises(ValueError, match="free"):
        a.decref(0)
    a.allocate()
    a.allocate()
    with pytest.raises(OutOfBlocksError):
        a.allocate()
    with pytest.raises(ValueError, match="num_blocks"):
        BlockAllocator(0)


def _lm(width: int, layers: int, seed: int) -> TransformerLM:
    torch.manual_seed(seed)
    return TransformerLM(50, 64, width, layers, 2, 64, 10000.0).eval()


def test_greedy_equals_a1_generate_on_transformer_lms() -> None:
    """At temperature 0 the output is the target's greedy decoding (oracle: a1's generate), whatever the draft."""
    target, draft = _lm(32, 2, 0), _lm(16, 1, 1)
    prompt = [3, 1, 4, 1, 5]
    want = generate(target, prompt, 20, temperature=0.0, use_kv_cache=False)
    for k in (1, 3, 6):
        assert speculative_decode(target, draft, prompt, k, 20, 0.0).tokens == want
    r = speculative_decode(target, target, prompt, 3, 20, 0.0)
    assert r.tokens == want and r.rejected == 0 and r.target_calls == 5  # 4 tokens per call with the bonus


def test_first_token_distribution_by_enumeration() -> None:
    """The first token's law, computed exactly from the algorithm's branches with k = 1 (accept x w.p. q(x)
    min(1, p/q); on rejection the residual), equals p; and the reference's empirical frequencies follow it."""
    inp = cs.joint_inputs(1, 2)(np.random.default_rng(5))
    p = oracle_spec.next_probs(inp["A"], inp["B"], inp["prompt"], inp["temperature"])
    q = oracle_spec.next_probs(inp["Ad"], inp["Bd"], inp["prompt"], inp["temperature"])
    reject = sum(q[x] * (1 - min(1, p[x] / q[x])) for x in range(p.size))
    residual = np.maximum(p - q, 0) / np.maximum(p - q, 0).sum()
    law = q * np.minimum(1, p / q) + reject * residual
    np.testing.assert_allclose(law, p, rtol=1e-12, atol=1e-12)
    samples = cs.run_joint(IMPL, inp) // p.size
    freq = np.bincount(samples, minlength=p.size) / samples.size
    assert np.abs(freq - p).max() < 5 * math.sqrt(0.25 / samples.size)


def test_tokens_per_call_follow_leviathan_eq1() -> None:
    inp = cs.unigram_inputs(np.random.default_rng(3))
    target, draft = cs.models(inp)
    alpha, k, n = cs.alpha_of(inp), inp["k"], 6000
    r = speculative_decode(target, draft, inp["prompt"], k, n, inp["temperature"], torch.Generator().manual_seed(0))
    want = (1 - alpha ** (k + 1)) / (1 - alpha)
    assert abs(n / r.target_calls - want) < 0.05 * want
    assert abs(r.acceptance_rate - alpha) < 0.03


def test_bad_inputs_name_the_problem() -> None:
    target, draft = _lm(16, 1, 0), _lm(16, 1, 1)
    with pytest.raises(ValueError, match="k"):
        speculative_decode(target, draft, [1], 0, 4)
    with pytest.raises(ValueError, match="prompt"):
        speculative_decode(target, draft, [], 2, 4)
    with pytest.raises(ValueError, match="vocab"):
        speculative_decode(target, TransformerLM(40, 64, 16, 1, 2, 64, 10000.0), [1], 2, 4)
    cache = PagedKVCache(4, 2, 1, 2)
    with pytest.raises(ValueError, match="add_sequence"):
        cache.append(9, torch.zeros(1, 1, 2), torch.zeros(1, 1, 2))


def test_markov_corpus_and_paged_memory_rows() -> None:
    from a2_systems.bench import inference_bench

    data = inference_bench.markov_corpus(500)
    assert data.numel() == 500 and int(data.max()) < inference_bench.VOCAB
    rows = inference_bench.paged_rows(quick=True)
    paged, exact, prealloc = rows[0].value, rows[0].anchor_value, rows[1].anchor_value
    assert paged < exact < prealloc  # sharing a 256-token prompt 16 times beats any unshared layout
