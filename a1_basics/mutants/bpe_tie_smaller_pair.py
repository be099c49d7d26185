"""BPE training that breaks ties in pair count towards the lexicographically *smaller* pair.

`max(pairs, key=pairs.get)` keeps whichever tied pair it meets first, and `min`-heaps invite flipping the order
by accident; the handout pins the greater pair (compared as raw bytes), as CS336's reference does.
"""

from pathlib import Path

from a1_basics.oracles.tokenizer_edges import naive_train_bpe

UNIT = "a1.train_bpe"
TARGET = "train_bpe"


def _descending(token: bytes) -> tuple[int, ...]:
    return (*(-c for c in token), 1)  # ascending order of this key = descending order of the bytes


def MUTANT(input_path, vocab_size, special_tokens, **kwargs):
    tokens, merges = naive_train_bpe(Path(input_path).read_text(encoding="utf-8"), vocab_size, list(special_tokens),
                                     tie_key=lambda pair: (_descending(pair[0]), _descending(pair[1])))
    return dict(enumerate(tokens)), merges
