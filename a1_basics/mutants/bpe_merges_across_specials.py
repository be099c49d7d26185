"""BPE training that adds the special tokens to the vocab but does not split the text on them first.

`<|endoftext|>` is then pre-tokenized as ordinary text ("<|", "endoftext", "|>"), its pieces are counted and
merged, and pairs bridge the documents it separates: the vocab fills with fragments of the special token.
"""

from pathlib import Path

from a1_basics.oracles.tokenizer_edges import naive_train_bpe

UNIT = "a1.train_bpe"
TARGET = "train_bpe"


def MUTANT(input_path, vocab_size, special_tokens, **kwargs):
    specials = list(special_tokens)
    text = Path(input_path).read_text(encoding="utf-8")
    tokens, merges = naive_train_bpe(text, vocab_size - len(specials), [])
    tokens = tokens[:256] + [s.encode() for s in specials] + tokens[256:]
    return dict(enumerate(tokens)), merges
