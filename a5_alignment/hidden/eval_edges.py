"""Hidden-only edge cases of the optional evaluation units (HANDOUT §11), each within what the handout pins: a
uniform model where acc_norm differs from every other normalisation, a merge across the context/continuation
boundary in every choice, an empty context, a one-token text, text of multi-byte characters only, and n = 2."""

from __future__ import annotations

import numpy as np

from a5_alignment.cases import bits_per_byte, contamination, mc_scoring
from a5_alignment.cases.tensors import PairTokenizer, prefix_lm_weights, random_text
from shared.cases import Case, Oracles, Suite

MC_ORACLES = Oracles("a5_alignment.oracles.mc_scoring")
BPB_ORACLES = Oracles("a5_alignment.oracles.bits_per_byte")
CONTAMINATION_ORACLES = Oracles("a5_alignment.oracles.contamination")


def uniform_counts(rng: np.random.Generator) -> dict:
    """Equal logits: choice i scores -ln 98 x its token count t_i (" " + choice: the space stops any merge with
    the context). Per token every choice ties (so normalising by tokens picks choice 0); per character the
    fewest tokens per character wins. Choices are redrawn until that winner is unique and not choice 0; it is
    gold, so acc_norm = 1."""
    tok = PairTokenizer()
    while True:
        choices = [random_text(rng, 1, 5) for _ in range(int(rng.integers(3, 6)))]
        ratio = [len(tok.encode(" " + c)) / len(c) for c in choices]
        best = int(np.argmin(ratio))
        if best != 0 and sorted(ratio)[1] - ratio[best] > 0.05 and len(set(choices)) == len(choices):
            break
    v, d = PairTokenizer.vocab_size, 8
    w = {"emb": np.zeros((v, d), np.float32), "out": np.zeros((v, d), np.float32),
         "bias": np.full(v, float(rng.uniform(-1, 1)), np.float32)}
    return {"w": w, "context": random_text(rng, 1, 4) + "?", "choices": choices, "gold": best, "delimiter": " ",
            "wrap": False}


def boundary_merge(rng: np.random.Generator) -> dict:
    """No delimiter, a context ending in "t" and every choice starting with "h": the "th" merge moves the
    boundary in every choice."""
    inp = mc_scoring.mc_inputs(rng)
    inp["delimiter"] = ""
    inp["context"] = random_text(rng, 1, 5) + "t"
    inp["choices"] = ["h" + random_text(rng, 2, 4) for _ in inp["choices"]]
    return inp


def empty_context(rng: np.random.Generator) -> dict:
    inp = mc_scoring.mc_inputs(rng)
    inp["context"] = ""
    return inp


SUITE = Suite(cases=(
    Case(name="mc_loglik/edge_uniform_per_character", inputs=uniform_counts, compare=mc_scoring.MCClose(),
         hidden_draws=3,
         run=mc_scoring.run_mc, expect=MC_ORACLES.expect_mc,
         note="equal logits: acc_norm divides by characters (per token every choice ties)"),
    Case(name="mc_loglik/edge_boundary_merge", inputs=boundary_merge, compare=mc_scoring.MCClose(),
         run=mc_scoring.run_mc, expect=MC_ORACLES.expect_mc, hidden_draws=2,
         note="context ends in 't', choices start with 'h', no delimiter: the model reads ctx tokens + cont tokens"),
    Case(name="mc_loglik/edge_empty_context", inputs=empty_context, compare=mc_scoring.MCClose(),
         run=mc_scoring.run_mc, expect=MC_ORACLES.expect_mc, note="an empty context is [eos]"),
    Case(name="bits_per_byte/edge_one_token", inputs=lambda rng: {
        "w": prefix_lm_weights(rng, PairTokenizer.vocab_size), "text": str(rng.choice(list("abcdefgxyz")))},
         compare=bits_per_byte.BPB_CLOSE, run=bits_per_byte.run_prefix, expect=BPB_ORACLES.expect_prefix,
         note="one character: one token, scored after [eos]"),
    Case(name="bits_per_byte/edge_wide_only", inputs=lambda rng: {
        "w": prefix_lm_weights(rng, PairTokenizer.vocab_size),
        "text": "".join(str(c) for c in rng.choice(list(bits_per_byte.WIDE), size=int(rng.integers(2, 6))))},
         compare=bits_per_byte.BPB_CLOSE, run=bits_per_byte.run_prefix, expect=BPB_ORACLES.expect_prefix,
         note="multi-byte characters only: bytes are 2 to 4 times the characters"),
    Case(name="contamination/edge_unigrams", inputs=lambda rng: contamination.planted_inputs(rng, n=2),
         compare=contamination.CONTAMINATION, run=contamination.run_planted,
         expect=CONTAMINATION_ORACLES.expect_brute_force, note="n = 2: word pairs"),
))
