"""Cases for a5.bits_per_byte (HANDOUT §11.4): the stand-in prefix LM on text with multi-byte characters against a
float64 oracle, and one distribution over strings seen through two tokenizers (a5_alignment/cases/eval_models.py),
whose bits per byte must agree with each other and with -sum log2 p(c) / bytes while their token counts (and so
per-token perplexities) differ. Oracles in a5_alignment/oracles/bits_per_byte.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.eval_models import (
    ByteTokenizer,
    byte_logits,
    char_probs,
    make_pair_lm,
    make_unigram_lm,
    pair_logits,
)
from a5_alignment.cases.tensors import PairTokenizer, make_prefix_lm, prefix_lm_weights, random_text
from shared.cases import Case, Impl, Oracles, Suite, close, raises

ORACLES = Oracles("a5_alignment.oracles.bits_per_byte")  # expected values: instructor-only, never released

# An NLL sums <= ~150 float32 log-softmax values (each off by ~1e-6 relative to float64): relative error <= ~1e-5
# in the sum, bits per byte and log-perplexity alike; counts are exact integers.
BPB_CLOSE = close(rtol=1e-4, atol=1e-5)

WIDE = ("é", "ß", "日本", "€", "ü", "😀")  # 2, 2, 6, 3, 2, 4 UTF-8 bytes: bytes are not characters


def prefix_inputs(rng: np.random.Generator) -> dict:
    parts = [random_text(rng, 1, 4) for _ in range(int(rng.integers(3, 8)))]
    for i in rng.choice(len(parts), size=2, replace=False):
        parts[int(i)] += str(rng.choice(WIDE))
    return {"w": prefix_lm_weights(rng, PairTokenizer.vocab_size), "text": "".join(parts)}


def run_prefix(impl: Impl, inp: dict) -> Any:
    out = impl.text_bits_per_byte(make_prefix_lm(inp["w"]), PairTokenizer(), inp["text"])
    return {k: float(out[k]) for k in ("nll_nats", "num_tokens", "num_bytes", "bits_per_byte", "perplexity")}


def two_tokenizer_inputs(rng: np.random.Generator) -> dict:
    """A text of ASCII words that does not end in "t" (a final lone "t" token would also say "not followed by h",
    which the string does not), with "th" merges in it."""
    text = random_text(rng, 10, 30) + "the" + random_text(rng, 2, 8)
    if text.endswith("t"):
        text += "."
    return {"p": char_probs(rng), "text": text}


def run_two(impl: Impl, inp: dict) -> Any:
    p = np.asarray(inp["p"])
    b = impl.text_bits_per_byte(make_unigram_lm(byte_logits(p)), ByteTokenizer(), inp["text"])
    m = impl.text_bits_per_byte(make_pair_lm(pair_logits(p)), PairTokenizer(), inp["text"])
    return {"byte_bpb": float(b["bits_per_byte"]), "merged_bpb": float(m["bits_per_byte"]),
            "byte_tokens": float(b["num_tokens"]), "merged_tokens": float(m["num_tokens"]),
            "byte_perplexity": float(b["perplexity"]), "merged_perplexity": float(m["perplexity"])}


def run_empty(impl: Impl, inp: dict) -> Any:
    return impl.text_bits_per_byte(make_prefix_lm(prefix_lm_weights(np.random.default_rng(0), 98)),
                                   PairTokenizer(), "")


SUITE = Suite(cases=(
    Case(name="bits_per_byte/prefix_lm", inputs=prefix_inputs, compare=BPB_CLOSE, run=run_prefix,
         expect=ORACLES.expect_prefix, seeds=(0, 1, 2), hidden_draws=2,
         note="every token scored after [eos]; bytes are UTF-8 bytes ('日本' is 6), bpb = nll / (ln 2 x bytes)"),
    Case(name="bits_per_byte/two_tokenizers", inputs=two_tokenizer_inputs, compare=BPB_CLOSE, run=run_two,
         expect=ORACLES.expect_two, hidden_draws=2,
         note="one string distribution, byte-level vs 'th'-merging tokens: equal bpb, different token perplexity"),
    Case(name="bits_per_byte/empty_text_raises", inputs=lambda rng: {}, compare=raises(ValueError), run=run_empty,
         expect=None, seeds=(0,), hidden_draws=0, note="empty text: ValueError"),
))
