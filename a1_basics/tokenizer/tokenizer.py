"""The BPE tokenizer: text <-> token ids with a trained vocabulary and merge list (HANDOUT.md §4.4).

Encoding a text:
1. cut out special tokens (longest first where they overlap): each becomes its own id;
2. pre-tokenize every other stretch with the pattern (GPT-2's by default);
3. inside each pre-token, start from its UTF-8 bytes and apply merges in creation order (rank): repeatedly merge
   the adjacent pair with the lowest rank, until no adjacent pair is a merge.

Naive equivalent of step 3 (the rank order, not the order pairs appear in):

    tokens = [bytes([b]) for b in pretoken.encode("utf-8")]
    for left, right in merges:                    # creation order
        tokens = merge_all(tokens, left, right)   # every adjacent (left, right), left to right
    ids = [id_of[t] for t in tokens]

Decoding joins the tokens' bytes and decodes them as UTF-8, replacing invalid sequences with U+FFFD.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path

from a1_basics.tokenizer.pretokenize import GPT2_PATTERN, compile_pattern, split_on_special_tokens
from a1_basics.tokenizer.serialization import load_vocab_merges

# BEGIN SOLUTION ONLY
# The GPT-2 pattern never looks more than 2 characters past the end of a match (a contraction like "'ll" is read
# from its first character; a run of letters, digits or spaces is decided by the character after it), so a match
# that ends at least this far before the end of the text seen so far cannot change when more text arrives.
SETTLED_MARGIN = 8
CACHE_LIMIT = 1 << 20  # pre-token -> ids entries kept before the cache is cleared (bounds memory)
# END SOLUTION ONLY


class Tokenizer:
    """Byte-level BPE tokenizer.

    vocab: id -> token bytes; merges: (left, right) in creation order, every left, right and left + right in
    vocab; special_tokens: strings matched before pre-tokenization (added to the vocab with new ids, after the
    largest id, when their bytes are not there already); pattern: the pre-tokenizer regular expression.
    """

    def __init__(self, vocab: dict[int, bytes], merges: list[tuple[bytes, bytes]],
                 special_tokens: list[str] | None = None, pattern: str = GPT2_PATTERN) -> None:
        # BEGIN SOLUTION
        self.vocab = dict(vocab)
        self.pattern = pattern
        ids = {t: i for i, t in sorted(self.vocab.items(), reverse=True)}  # bytes -> id; the lowest id wins
        self.special_tokens = list(dict.fromkeys(special_tokens or []))
        self.special_ids: dict[str, int] = {}
        for s in self.special_tokens:
            b = s.encode("utf-8")
            if b not in ids:
                new = max(self.vocab, default=-1) + 1
                self.vocab[new] = b
                ids[b] = new
            self.special_ids[s] = ids[b]
        # byte value -> id; -1 where the vocab has no single-byte token (SmolLM2 lacks 21 rare control bytes)
        self._byte_ids = [ids.get(bytes([b]), -1) for b in range(256)]
        self._complete = -1 not in self._byte_ids
        # (left id, right id) -> (rank, merged id)
        self._merges: dict[tuple[int, int], tuple[int, int]] = {}
        for rank, (a, b) in enumerate(merges):
            if a not in ids or b not in ids or a + b not in ids:
                raise ValueError(f"Tokenizer: merge {rank} {(a, b)!r} uses a token that is not in the vocab")
            self._merges.setdefault((ids[a], ids[b]), (rank, ids[a + b]))
        self._cache: dict[str, list[int]] = {}
        # END SOLUTION

    @classmethod
    def from_files(cls, vocab_path: str | Path, merges_path: str | Path,
                   special_tokens: list[str] | None = None) -> Tokenizer:
        """A tokenizer from files written by `serialization.save_vocab_merges` (hex-encoded tokens)."""
        vocab, merges = load_vocab_merges(vocab_path, merges_path)
        return cls(vocab, merges, special_tokens)

    # BEGIN SOLUTION ONLY
    def _bpe(self, piece: str) -> list[int]:
        """Token ids of one pre-token: merges applied by rank (and remembered: text repeats its words)."""
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        ids = [self._byte_ids[b] for b in piece.encode("utf-8")]
        if not self._complete and -1 in ids:
            byte = piece.encode("utf-8")[ids.index(-1)]
            raise ValueError(f"Tokenizer.encode: byte {byte:#04x} of {piece!r} has no token in this vocab")
        merges = self._merges
        while len(ids) > 1:
            best = None  # (rank, merged id) of the lowest-rank adjacent pair
            for pair in pairwise(ids):
                m = merges.get(pair)
                if m is not None and (best is None or m[0] < best[0]):
                    best, best_pair = m, pair
            if best is None:
                break
            a, b = best_pair
            out, i, n = [], 0, len(ids)
            while i < n:
                if i + 1 < n and ids[i] == a and ids[i + 1] == b:
                    out.append(best[1])
                    i += 2
                else:
                    out.append(ids[i])
                    i += 1
            ids = out
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[piece] = ids
        return ids

    def _encode_text(self, text: str) -> list[int]:
        """Ids of ordinary text (no special tokens in it)."""
        out: list[int] = []
        extend, cache = out.extend, self._cache
        for piece in compile_pattern(self.pattern).findall(text):
            ids = cache.get(piece)  # inlined cache hit: this loop runs once per pre-token
            extend(ids if ids is not None else self._bpe(piece))
        return out

    def _unsettled_start(self, text: str) -> int:
        """The first position from which `text` could still turn out to start a special token once more text
        arrives (len(text) if none): the start of the longest suffix that is a proper prefix of one."""
        longest = max((len(s) for s in self.special_tokens), default=0)
        for start in range(max(0, len(text) - longest + 1), len(text)):
            tail = text[start:]
            if any(s.startswith(tail) and s != tail for s in self.special_tokens):
                return start
        return len(text)
    # END SOLUTION ONLY

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`. Every registered special token is treated as special wherever it occurs."""
        # BEGIN SOLUTION
        out: list[int] = []
        pieces = split_on_special_tokens(text, self.special_tokens)
        for k, piece in enumerate(pieces):
            if k % 2:
                out.append(self.special_ids[piece])
            elif piece:
                out += self._encode_text(piece)
        return out
        # END SOLUTION

    def encode_iterable(self, iterable: Iterable[str]) -> Iterator[int]:
        """Lazily yield the ids of the concatenation of the strings in `iterable` (e.g. an open text file, which
        yields lines), in bounded memory: the result equals encode("".join(iterable)) however the text is cut
        into chunks, so no token, pre-token or special token may be split at a chunk boundary."""
        # BEGIN SOLUTION
        pat = compile_pattern(self.pattern)
        buffer = ""
        for chunk in iterable:
            buffer += chunk
            # Everything before `hold` is final in one respect: no special token can start there and extend into
            # text not seen yet. (A special token that ends before `hold` is final too: it could only be
            # replaced by a longer one starting at or before it, which would have moved `hold` back.)
            hold = self._unsettled_start(buffer)
            pieces = split_on_special_tokens(buffer[:hold], self.special_tokens)
            cut = 0
            for k, piece in enumerate(pieces[:-1]):  # all but the last stretch of text are complete
                if k % 2:
                    yield self.special_ids[piece]
                elif piece:
                    yield from self._encode_text(piece)
                cut += len(piece)
            # the last stretch may continue (or end at a special token) in text not seen yet: emit only the
            # pre-tokens whose matching looked no further than `hold`
            last = pieces[-1]
            for m in pat.finditer(last):
                if m.end() > len(last) - SETTLED_MARGIN:
                    break
                yield from self._bpe(m.group())
                cut += len(m.group())
            buffer = buffer[cut:]
        yield from self.encode(buffer)
        # END SOLUTION

    def decode(self, ids: list[int]) -> str:
        """The text of `ids`: their bytes joined, decoded as UTF-8 with invalid bytes replaced by U+FFFD."""
        # BEGIN SOLUTION
        try:
            data = b"".join(self.vocab[i] for i in ids)
        except KeyError as e:
            raise ValueError(f"Tokenizer.decode: id {e.args[0]} is not in the vocab") from None
        # subtle: a token may hold part of a UTF-8 character (and a model may emit any sequence), so decode the
        # joined bytes once, never token by token, and replace what is not valid UTF-8.
        return data.decode("utf-8", errors="replace")
        # END SOLUTION
