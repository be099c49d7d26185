"""encode_iterable that encodes each chunk on its own: a word, a run of spaces or a special token cut by a chunk
boundary is encoded as two pieces ("hel" + "lo" instead of "hello").

The obvious streaming loop; it is right only when chunks happen to end at pre-token boundaries.
"""

from collections.abc import Iterable, Iterator

from a1_basics.tokenizer.tokenizer import Tokenizer

UNIT = "a1.tokenizer"
TARGET = "Tokenizer"


class MUTANT(Tokenizer):
    def encode_iterable(self, iterable: Iterable[str]) -> Iterator[int]:
        for chunk in iterable:
            yield from self.encode(chunk)
