"""BPE training that breaks ties by comparing GPT-2's printable remapping of the bytes ("Ġ" for a space) instead
of the raw bytes.

Students who store tokens as GPT-2-style strings (to print or save them) compare those strings; the remapping
moves the space (0x20 -> U+0120) and control bytes above every letter, so tied merges come out in another order.
"""

from pathlib import Path

from a1_basics.oracles.tokenizer_edges import naive_train_bpe
from a1_basics.tokenizer.gpt2 import byte_to_char

UNIT = "a1.train_bpe"
TARGET = "train_bpe"


def _remapped(token: bytes) -> str:
    return "".join(byte_to_char()[b] for b in token)


def MUTANT(input_path, vocab_size, special_tokens, **kwargs):
    tokens, merges = naive_train_bpe(Path(input_path).read_text(encoding="utf-8"), vocab_size, list(special_tokens),
                                     tie_key=lambda pair: (_remapped(pair[0]), _remapped(pair[1])))
    return dict(enumerate(tokens)), merges
