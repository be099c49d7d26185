"""BPE training that skips pre-tokenization: each stretch between special tokens is one long "word", so pairs
are counted across word boundaries (" the" + "n" of the next word, "." + " ") and merges span words.

Students who split only on special tokens (or on whitespace without keeping the GPT-2 pattern) make it.
"""

from pathlib import Path

from a1_basics.oracles.tokenizer_edges import naive_train_bpe

UNIT = "a1.train_bpe"
TARGET = "train_bpe"


def MUTANT(input_path, vocab_size, special_tokens, **kwargs):
    tokens, merges = naive_train_bpe(Path(input_path).read_text(encoding="utf-8"), vocab_size, list(special_tokens),
                                     pattern=r"[\s\S]+")
    return dict(enumerate(tokens)), merges
