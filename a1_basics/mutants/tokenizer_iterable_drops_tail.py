"""encode_iterable that buffers up to the last space and encodes the complete part, but never flushes the
buffer when the input ends: the last word (or special token) of the stream is lost.
"""

from collections.abc import Iterable, Iterator

from a1_basics.tokenizer.tokenizer import Tokenizer

UNIT = "a1.tokenizer"
TARGET = "Tokenizer"


class MUTANT(Tokenizer):
    def encode_iterable(self, iterable: Iterable[str]) -> Iterator[int]:
        buffer = ""
        for chunk in iterable:
            buffer += chunk
            cut = buffer.rfind(" ")
            if cut > 0:
                yield from self.encode(buffer[:cut])
                buffer = buffer[cut:]
