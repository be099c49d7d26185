"""The visible cases of a1: one module per concept, summed into the assignment's SUITE."""

from a1_basics.cases import (
    accounting,
    activations,
    attention,
    decoding,
    embedding,
    kv_cache,
    linear,
    model,
    moe,
    rmsnorm,
    rope,
    tokenizer_bpe,
    tokenizer_encode,
    training,
)

SUITE = (linear.SUITE + embedding.SUITE + rmsnorm.SUITE + activations.SUITE + attention.SUITE + rope.SUITE
         + tokenizer_bpe.SUITE + tokenizer_encode.SUITE + model.SUITE + kv_cache.SUITE + training.SUITE
         + decoding.SUITE + accounting.SUITE + moe.SUITE)
