"""BPE training that recounts every pair of the whole corpus after each merge: correct, but O(merges x corpus).

The straightforward first version every student writes; the speed unit asks for incremental pair-count updates.
"""

from pathlib import Path

from a1_basics.oracles.tokenizer_edges import naive_train_bpe

UNIT = "a1.bpe_speed"
TARGET = "train_bpe"


def MUTANT(input_path, vocab_size, special_tokens, **kwargs):
    tokens, merges = naive_train_bpe(Path(input_path).read_text(encoding="utf-8"), vocab_size, list(special_tokens))
    return dict(enumerate(tokens)), merges
