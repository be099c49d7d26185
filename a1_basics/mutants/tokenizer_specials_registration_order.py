"""Special tokens matched in the order they were registered (an alternation "a|b" built from the list as
given), so a shorter token listed first wins over a longer one that starts with it:
"<|endoftext|><|endoftext|>" becomes two "<|endoftext|>" tokens. The handout pins longest first.
"""

import regex

from a1_basics.tokenizer.tokenizer import Tokenizer

UNIT = "a1.tokenizer"
TARGET = "Tokenizer"


class MUTANT(Tokenizer):
    def encode(self, text: str) -> list[int]:
        if not self.special_tokens:
            return self._encode_text(text)
        splitter = regex.compile("(" + "|".join(regex.escape(s) for s in self.special_tokens) + ")")
        out: list[int] = []
        for k, piece in enumerate(splitter.split(text)):
            out += [self.special_ids[piece]] if k % 2 else self._encode_text(piece)
        return out
