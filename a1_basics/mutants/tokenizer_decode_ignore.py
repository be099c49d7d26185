"""Decoding with errors="ignore": invalid UTF-8 bytes vanish silently instead of becoming U+FFFD, so a reader
cannot see that the ids held a broken character. The handout pins errors="replace".
"""

from a1_basics.tokenizer.tokenizer import Tokenizer

UNIT = "a1.tokenizer"
TARGET = "Tokenizer"


class MUTANT(Tokenizer):
    def decode(self, ids: list[int]) -> str:
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="ignore")
