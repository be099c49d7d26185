"""Decoding with errors="strict" (Python's default): ids whose bytes are not valid UTF-8 raise
UnicodeDecodeError instead of giving U+FFFD.

A model can emit any id sequence, including half of a multi-byte character; decode must not crash on it.
"""

from a1_basics.tokenizer.tokenizer import Tokenizer

UNIT = "a1.tokenizer"
TARGET = "Tokenizer"


class MUTANT(Tokenizer):
    def decode(self, ids: list[int]) -> str:
        return b"".join(self.vocab[i] for i in ids).decode("utf-8")
