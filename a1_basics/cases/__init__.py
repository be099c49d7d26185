"""The visible cases of a1: one module per concept, summed into the assignment's SUITE."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=(
    "linear", "embedding", "rmsnorm", "activations", "attention", "rope", "tokenizer_bpe", "tokenizer_encode",
    "model", "kv_cache", "training", "decoding", "accounting", "moe",
))
