"""Encoding that merges, inside a pre-token, the pair that occurs most often in it (ties: the lower rank),
instead of the pair with the lowest merge rank.

It mirrors training ("merge the most frequent pair") and gives the same ids on most words, so it survives casual
testing; BPE encoding replays merges in the order they were learned.
"""

from collections import Counter
from itertools import pairwise

from a1_basics.tokenizer.tokenizer import Tokenizer

UNIT = "a1.tokenizer"
TARGET = "Tokenizer"


class MUTANT(Tokenizer):
    def _bpe(self, piece: str) -> list[int]:
        ids = [self._byte_ids[b] for b in piece.encode("utf-8")]
        while len(ids) > 1:
            counts = Counter(p for p in pairwise(ids) if p in self._merges)
            if not counts:
                break
            a, b = max(counts, key=lambda p: (counts[p], -self._merges[p][0]))
            new, out, i = self._merges[(a, b)][1], [], 0
            while i < len(ids):
                if i + 1 < len(ids) and (ids[i], ids[i + 1]) == (a, b):
                    out.append(new)
                    i += 2
                else:
                    out.append(ids[i])
                    i += 1
            ids = out
        return ids

    def _encode_text(self, text: str) -> list[int]:
        self._cache.clear()  # the reference's cache would otherwise serve correct ids
        return super()._encode_text(text)
