"""Inference systems on this machine (HANDOUT.md §6): speculative decoding against plain decoding of the target,
and the memory of a paged KV cache against contiguous per-sequence caches when many sequences share a prefix.

Speculative decoding. Target and draft are a1 TransformerLMs sharing a 32-token vocabulary (target 4 layers x 128
wide in quick mode, 6 x 256 in full; draft 1 layer x 32), each trained in this run, from the same seed and for the
same number of AdamW steps, on text from an order-2 Markov chain with peaked transitions (Dirichlet(0.1) rows)
generated here: the target can learn the pair contexts, the one-layer draft mostly the bigram part. Both decode
with temperature 1 and no KV cache (speculative_decode's calling convention: each call sees the whole sequence).
Figures, each beside its anchor in the same run:
- tokens/s of speculative_decode (k = 4) against a1's generate() on the target alone without a cache (the same
  calling convention: the speed-up of the algorithm), and against generate() with a1's KVCache (what plain
  decoding with a cache achieves; speculative decoding here pays for recomputing its prefixes);
- the measured acceptance rate (over 4 speculative runs in quick mode, 10 in full) against the analytic
  alpha = E[sum_x min(p(x), q(x))] (Leviathan et al. 2023, §3), the expectation estimated over the positions of
  as many sequences sampled from the target;
- tokens per target call against Leviathan et al.'s Eq. 1, (1 - alpha^(k+1)) / (1 - alpha).
Agreement rows have ratio ~1 (no goal); times are the fastest of 3 runs with the same seed, on one thread.

Paged KV cache. n sequences fork one prompt's cache and each appends its own continuation (block size 16; fp32,
one layer, 4 heads x 64): bytes held by the paged cache (blocks in use) against contiguous per-sequence K/V of
exactly each sequence's length (no sharing), and against buffers preallocated to the context length (a1's
KVCache). Plus the time of one attention step over all sequences through the block tables against the same
attention over contiguous tensors (the cost of the gather).
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from a1_basics.decoding import generate
from a1_basics.nn.transformer import TransformerLM
from a2_systems.inference.paged_kv_cache import PagedKVCache
from a2_systems.inference.speculative import speculative_decode
from shared.bench import Row, best_of

VOCAB = 32
K = 4


def markov_corpus(n_tokens: int, seed: int = 0) -> torch.Tensor:
    """About n_tokens from 64 independent runs of an order-2 Markov chain over VOCAB tokens with Dirichlet(0.1)
    transition rows, concatenated (the runs advance together, so the loop is n_tokens / 64 steps long)."""
    g = torch.Generator().manual_seed(seed)
    rows = torch.from_numpy(np.random.default_rng(seed).dirichlet(np.full(VOCAB, 0.1), size=VOCAB * VOCAB))
    chains, steps = 64, max(2, -(-n_tokens // 64))
    out = torch.empty(chains, steps, dtype=torch.long)
    out[:, :2] = torch.randint(0, VOCAB, (chains, 2), generator=g)
    for t in range(2, steps):
        probs = rows[out[:, t - 2] * VOCAB + out[:, t - 1]]  # (chains, VOCAB)
        out[:, t] = torch.multinomial(probs, 1, generator=g)[:, 0]
    return out.flatten()[:n_tokens]


def train(model: TransformerLM, data: torch.Tensor, steps: int, seq: int = 48, batch: int = 16) -> float:
    """AdamW on random windows of `data`; returns the mean loss of the last 10 steps (nats/token)."""
    g = torch.Generator().manual_seed(1)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, data.numel() - seq - 1, (batch,), generator=g)
        x = torch.stack([data[s:s + seq] for s in starts])
        y = torch.stack([data[s + 1:s + seq + 1] for s in starts])
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return sum(losses[-10:]) / len(losses[-10:])


def analytic_alpha(target: TransformerLM, draft: TransformerLM, prompt: list[int], new: int, samples: int) -> float:
    """E[sum_x min(p(x), q(x))] over the positions of `samples` target-sampled continuations of the prompt."""
    g = torch.Generator().manual_seed(7)
    alphas = []
    with torch.no_grad():
        for _ in range(samples):
            ids = torch.tensor([prompt + generate(target, prompt, new, use_kv_cache=True, generator=g)])
            p = torch.softmax(target(ids)[0, len(prompt) - 1:-1].double(), -1)
            q = torch.softmax(draft(ids)[0, len(prompt) - 1:-1].double(), -1)
            alphas.append(torch.minimum(p, q).sum(-1))
    return float(torch.cat(alphas).mean())


def speculative_rows(quick: bool) -> list[Row]:
    torch.manual_seed(0)
    width, layers, steps, new = (128, 4, 150, 64) if quick else (256, 6, 500, 200)
    target = TransformerLM(VOCAB, 256, width, layers, 4, 4 * width // 3 // 8 * 8, 10000.0)
    draft = TransformerLM(VOCAB, 256, 32, 1, 2, 96, 10000.0)
    data = markov_corpus(50_000 if quick else 300_000)
    t_loss, d_loss = train(target, data, steps), train(draft, data, steps)
    target.eval()
    draft.eval()
    prompt = [int(t) for t in data[:8]]

    def seeded(fn):
        return lambda: fn(torch.Generator().manual_seed(3))

    runs = {}
    spec = seeded(lambda g: runs.__setitem__("spec", speculative_decode(target, draft, prompt, K, new, 1.0, g)))
    plain = seeded(lambda g: generate(target, prompt, new, use_kv_cache=False, generator=g))
    cached = seeded(lambda g: generate(target, prompt, new, use_kv_cache=True, generator=g))
    t_spec, t_plain, t_cached = best_of(spec), best_of(plain), best_of(cached)
    # acceptance over several sequences: one sequence's contexts are correlated, so one run alone is noisy
    samples = 4 if quick else 10
    extra = [speculative_decode(target, draft, prompt, K, new, 1.0, torch.Generator().manual_seed(100 + i))
             for i in range(samples - 1)]
    r = runs["spec"]
    accepted = r.accepted + sum(e.accepted for e in extra)
    evaluated = accepted + r.rejected + sum(e.rejected for e in extra)
    calls = r.target_calls + sum(e.target_calls for e in extra)
    alpha = analytic_alpha(target, draft, prompt, new, samples)
    per_call = samples * new / calls
    note = (f"target {layers}x{width} (loss {t_loss:.3f}), draft 1x32 (loss {d_loss:.3f}) after {steps} steps; "
            f"{new} tokens, k={K}, T=1")
    return [
        Row(f"speculative decoding k={K}, {new} tokens (no cache)", new / t_spec, "tokens/s",
            "plain decoding of the target (a1 generate, no cache)", new / t_plain, True, goal=1.0, note=note),
        Row(f"speculative decoding k={K}, {new} tokens (no cache)", new / t_spec, "tokens/s",
            "plain decoding of the target with a1's KVCache", new / t_cached, True, note=note),
        Row("acceptance rate, measured", accepted / evaluated, "", "analytic E[sum_x min(p, q)]", alpha, True,
            note=f"{accepted} accepted of {evaluated} evaluated draft tokens over {samples} sequences; ratio ~1 "
                 "expected"),
        Row("tokens per target call, measured", per_call, "", "(1 - a^(k+1)) / (1 - a) (Leviathan Eq. 1)",
            (1 - alpha ** (K + 1)) / (1 - alpha), True,
            note=f"{calls} target calls over {samples} sequences; ratio ~1 expected (Eq. 1 assumes i.i.d. "
                 "acceptances; each sequence's last round is cut short)"),
    ]


def paged_rows(quick: bool) -> list[Row]:
    n, prompt, context, bs, heads, d = (16, 256, 512, 16, 4, 64) if quick else (64, 512, 1024, 16, 4, 64)
    g = torch.Generator().manual_seed(0)
    per_pos = 2 * heads * d * 4  # K and V, fp32
    lengths = [int(x) for x in torch.randint(16, 128, (n,), generator=g)]
    blocks_needed = math.ceil(prompt / bs) + sum(math.ceil(m / bs) + 1 for m in lengths)
    cache = PagedKVCache(blocks_needed, bs, heads, d)
    cache.add_sequence(0)
    cache.append(0, torch.randn(prompt, heads, d, generator=g), torch.randn(prompt, heads, d, generator=g))
    contiguous = []
    for s, m in enumerate(lengths, start=1):
        cache.fork(0, s)
        k, v = torch.randn(m, heads, d, generator=g), torch.randn(m, heads, d, generator=g)
        cache.append(s, k, v)
        contiguous.append(cache.gather(s))
    cache.free(0)
    paged_bytes = (blocks_needed - cache.num_free_blocks) * bs * per_pos
    exact_bytes = sum(prompt + m for m in lengths) * per_pos
    prealloc_bytes = n * context * per_pos
    q = torch.randn(1, heads, d, generator=g)

    def paged_step() -> None:
        for s in range(1, n + 1):
            cache.attend(s, q)

    def contiguous_step() -> None:
        for k, v in contiguous:
            w = torch.softmax(torch.einsum("nhd,thd->hnt", q, k) / math.sqrt(d), -1)
            torch.einsum("hnt,thd->nhd", w, v)

    mb = 2.0**20
    share = f"{n} sequences forking a {prompt}-token prompt, each adding 16-127 tokens; block size {bs}"
    return [
        Row("paged KV cache, bytes held", paged_bytes / mb, "MB", "contiguous K/V per sequence, exact lengths",
            exact_bytes / mb, False, note=share),
        Row("paged KV cache, bytes held", paged_bytes / mb, "MB",
            f"buffers preallocated to context {context} (a1 KVCache)", prealloc_bytes / mb, False, note=share),
        Row(f"attention step over {n} sequences through block tables", best_of(paged_step, 5) * 1e3, "ms",
            "the same attention over contiguous K/V", best_of(contiguous_step, 5) * 1e3, False,
            note="the price of gathering blocks on every step (a fused paged-attention kernel avoids it)"),
    ]


def run(quick: bool) -> list[Row]:
    start, threads = time.perf_counter(), torch.get_num_threads()
    # subtle: these models are tiny; on a shared 2-core machine torch's thread pool stalls small ops for
    # milliseconds (training ran 50x slower on 2 threads than on 1), so every figure here is single-threaded.
    torch.set_num_threads(1)
    try:
        rows = paged_rows(quick) + speculative_rows(quick)
    finally:
        torch.set_num_threads(threads)
    print(f"inference_bench: {time.perf_counter() - start:.1f} s")
    return rows
