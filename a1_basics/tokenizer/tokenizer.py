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

import marshal
import os
from array import array
from collections.abc import Iterable, Iterator
from itertools import islice, pairwise, repeat
from pathlib import Path

import regex

from a1_basics.tokenizer.pretokenize import GPT2_PATTERN, compile_pattern, split_on_special_tokens
from a1_basics.tokenizer.serialization import load_vocab_merges

# BEGIN SOLUTION ONLY
# The GPT-2 pattern never looks more than 2 characters past the end of a match (a contraction like "'ll" is read
# from its first character; a run of letters, digits or spaces is decided by the character after it), so a match
# that ends at least this far before the end of the text seen so far cannot change when more text arrives.
SETTLED_MARGIN = 8
CACHE_LIMIT = 1 << 20  # pre-token -> ids entries kept before the cache is cleared (bounds memory)
NO_MERGE = 1 << 62  # the rank of a pair that is not a merge: above every real rank
# A text at least this long (with the GPT-2 pattern, where a safe cut is known) is encoded in two halves at once,
# the second in a forked process, where the machine has cores: below it the fork and the transfer cost more than
# half the work saves. The ids are the same either way.
PARALLEL_MIN_CHARS = 1 << 20
# "x y" -> a cut before the space: every non-whitespace alternative of GPT2_PATTERN is a run of one class that
# may only start with a space, and the whitespace ones cannot hold the "x", so the match holding "x" ends there
# and " y..." starts one; no alternative looks behind, and the lookahead of a whitespace run before the "x"
# reaches at most the "x"
_SAFE_CUT = regex.compile(r"\S ")
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
        self._ranks: dict[tuple[int, int], int] = {}  # (left id, right id) -> rank (its first, if repeated)
        self._merged: list[int] = []  # rank -> id of the merged token
        for rank, (a, b) in enumerate(merges):
            if a not in ids or b not in ids or a + b not in ids:
                raise ValueError(f"Tokenizer: merge {rank} {(a, b)!r} uses a token that is not in the vocab")
            self._ranks.setdefault((ids[a], ids[b]), rank)
            self._merged.append(ids[a + b])
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
        if cached is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._fill_cache((piece,))
            cached = self._cache[piece]
        return cached

    def _fill_cache(self, pieces: Iterable[str]) -> None:
        """Run BPE on each pre-token and cache its ids: merges applied by rank, lowest first, each to all of its
        occurrences left to right (one loop over many pieces: this is where a fresh tokenizer spends its time)."""
        cache, byte_ids, get, merged = self._cache, self._byte_ids, self._ranks.get, self._merged
        for piece in pieces:
            data = piece.encode("utf-8")
            ids = [byte_ids[b] for b in data]
            if not self._complete and -1 in ids:
                raise ValueError(f"Tokenizer.encode: byte {data[ids.index(-1)]:#04x} of {piece!r} has no token "
                                 "in this vocab")
            # ranks[i]: the rank of the pair (ids[i], ids[i + 1]), NO_MERGE if it is not a merge. After a merge
            # only the two pairs beside it change, so the list is patched rather than rebuilt.
            ranks = list(map(get, pairwise(ids), repeat(NO_MERGE)))
            while ranks:
                r = min(ranks)
                if r == NO_MERGE:
                    break
                new = merged[r]
                j = ranks.index(r)
                while True:  # every occurrence of this pair, left to right (a a a -> aa a when both are a)
                    ids[j:j + 2] = (new,)
                    del ranks[j]
                    # subtle: neither patched pair can be this pair again (new != a and new != b), so the next
                    # occurrence is an original one to the right; an overlapping one (a a a) went with its left a
                    if j:
                        ranks[j - 1] = get((ids[j - 1], new), NO_MERGE)
                    if j < len(ranks):
                        ranks[j] = get((new, ids[j + 1]), NO_MERGE)
                    if r not in ranks:
                        break
                    j = ranks.index(r)
            cache[piece] = ids

    def _encode_text(self, text: str) -> list[int]:
        """Ids of ordinary text (no special tokens in it)."""
        pieces = compile_pattern(self.pattern).findall(text)
        cache = self._cache
        missing = set(pieces).difference(cache)  # BPE once per distinct pre-token: text repeats its words
        if len(cache) + len(missing) > CACHE_LIMIT:
            cache.clear()
            missing = set(pieces)
        self._fill_cache(missing)
        out: list[int] = []
        extend = out.extend
        for piece in pieces:  # this loop runs once per pre-token
            extend(cache[piece])
        return out

    def _encode_pieces(self, pieces: list[str]) -> list[int]:
        """Ids of split_on_special_tokens' pieces (special tokens at the odd positions), in this process."""
        out: list[int] = []
        for k, piece in enumerate(pieces):
            if k % 2:
                out.append(self.special_ids[piece])
            elif piece:
                out += self._encode_text(piece)
        return out

    def _split_encode(self, text: str) -> list[int]:
        return self._encode_pieces(split_on_special_tokens(text, self.special_tokens))

    def _halfway_cut(self, pieces: list[str]) -> int | None:
        """A position near the middle of the text `pieces` split where encode(text) is encode(text[:cut]) +
        encode(text[cut:]): the start of a special token, or a safe cut (_SAFE_CUT) inside ordinary text, which
        holds no special token, so neither half gains or loses one. None where the halves cannot run at once (one
        core, no safe fork, another pattern) or no cut is found."""
        from shared.start_method import can_fork

        if self.pattern != GPT2_PATTERN or (os.cpu_count() or 1) < 2 or not can_fork():
            return None
        half = sum(map(len, pieces)) // 2
        start = 0
        for k, piece in enumerate(pieces):
            end = start + len(piece)
            if end > half:
                if k % 2:  # the middle falls inside a special token: cut before it
                    return start or None
                found = _SAFE_CUT.search(piece, half - start)
                if found is not None:
                    return start + found.start() + 1
                return end if k + 1 < len(pieces) else None  # before the next special token
            start = end
        return None

    def _encode_halves(self, text: str, cut: int) -> list[int] | None:
        """The ids of text[:cut] here and of text[cut:] in a forked child at the same time; the child's ids and
        the cache entries it made come back through a pipe (marshal: both ends are this code). None where the
        fork fails; a child that dies costs its half again here, never a wrong answer."""
        try:
            r, w = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # the child: encode the second half, send it, and leave without running any cleanup
            try:
                os.close(r)
                known = len(self._cache)  # the entries it adds come after these (a dict keeps insertion order)
                ids = self._split_encode(text[cut:])
                added = dict(islice(self._cache.items(), known if len(self._cache) >= known else 0, None))
                with os.fdopen(w, "wb") as out:
                    out.write(marshal.dumps((array("q", ids).tobytes(), added)))
            finally:
                os._exit(0)
        os.close(w)
        reader = os.fdopen(r, "rb")
        try:
            first = self._split_encode(text[:cut])
            data = reader.read()
        finally:  # also when this half raises: a child still writing then fails on the closed pipe and exits
            reader.close()
            os.waitpid(pid, 0)
        try:
            raw, added = marshal.loads(data)
            second = array("q")
            second.frombytes(raw)
        except (EOFError, ValueError, TypeError):
            return first + self._split_encode(text[cut:])
        if len(self._cache) + len(added) > CACHE_LIMIT:
            self._cache.clear()
        self._cache.update(added)
        first += second
        return first

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
        pieces = split_on_special_tokens(text, self.special_tokens)
        cut = self._halfway_cut(pieces) if len(text) >= PARALLEL_MIN_CHARS else None
        if cut is not None:
            ids = self._encode_halves(text, cut)
            if ids is not None:
                return ids
        return self._encode_pieces(pieces)
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
