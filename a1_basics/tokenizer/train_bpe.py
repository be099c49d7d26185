"""Byte-level BPE training (HANDOUT.md §4.2, §4.3).

Start from the 256 single bytes; repeatedly merge the most frequent adjacent pair of tokens into a new token,
counting pairs only inside pre-tokens (pretokenize.py) and never across special tokens.

Naive equivalent (slow, obviously correct; the graded cases use one as their oracle):

    words = Counter(tuple(bytes([b]) for b in p.encode()) for p in pretokenize(text, special_tokens))
    for _ in range(n_merges):
        pairs = Counter()                                # (bytes, bytes) -> count
        for word, n in words.items():
            for pair in pairwise(word):
                pairs[pair] += n
        best = max(pairs, key=lambda p: (pairs[p], p))   # ties: the greater pair of byte strings
        words = {merge(word, best): n for word, n in words.items()}

A full recount per merge costs O(corpus) each time; the fast version keeps pair counts and updates only the
words that contain the merged pair (an index pair -> words), and picks the best pair from a heap.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from a1_basics.tokenizer.pretokenize import GPT2_PATTERN, compile_pattern, split_on_special_tokens

# BEGIN SOLUTION ONLY
PARALLEL_MIN_BYTES = 1 << 20  # below ~1 MB, starting worker processes costs more than it saves


def _count_text(text: str, special_tokens: Sequence[str], pattern: str) -> Counter[str]:
    """Pre-token counts of a text; special tokens split it and are not counted."""
    findall = compile_pattern(pattern).findall
    counts: Counter[str] = Counter()
    for piece in split_on_special_tokens(text, special_tokens)[0::2]:
        counts.update(findall(piece))
    return counts


def _decode(data: bytes, path: Path, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not valid UTF-8 at byte offset {offset + e.start} ({e.reason}); BPE training "
                         "reads UTF-8 text") from None


def _count_chunk(args: tuple[str, int, int, tuple[str, ...], str]) -> Counter[str]:
    """Worker: pre-token counts of the bytes [start, end) of a file (a picklable top-level function)."""
    path, start, end, special_tokens, pattern = args
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    return _count_text(_decode(data, Path(path), start), special_tokens, pattern)


def _chunk_bounds(path: Path, size: int, n_chunks: int, boundary: bytes) -> list[int]:
    """Byte offsets 0 = b0 < b1 < ... = size where every inner bi is the start of an occurrence of `boundary`
    (a special token), so no chunk splits a special token, a pre-token or a UTF-8 character."""
    bounds = [0]
    with open(path, "rb") as f:
        for k in range(1, n_chunks):
            pos = max(k * size // n_chunks, bounds[-1] + 1)
            f.seek(pos)
            # subtle: read with an overlap of len(boundary) - 1 bytes so a boundary cut by the window is found
            found = -1
            while pos < size:
                window = f.read(1 << 16)
                i = window.find(boundary)
                if i >= 0:
                    found = pos + i
                    break
                if len(window) < len(boundary):
                    break
                pos += len(window) - len(boundary) + 1
                f.seek(pos)
            if found < 0:
                break
            if found > bounds[-1]:
                bounds.append(found)
    bounds.append(size)
    return bounds


def count_pretokens(input_path: Path, special_tokens: Sequence[str], pattern: str,
                    num_workers: int | None) -> Counter[str]:
    """Pre-token counts of a UTF-8 file, in parallel over chunks that start at a special token."""
    size = input_path.stat().st_size
    workers = min(os.cpu_count() or 1, 8) if num_workers is None else num_workers
    if workers <= 1 or size < PARALLEL_MIN_BYTES or not special_tokens:
        # subtle: without a special token there is no safe place to cut: a cut inside a run of whitespace
        # changes how the pattern splits it ("  x" is " ", " x" but "  " + "x" is "  ", "x").
        return _count_text(_decode(input_path.read_bytes(), input_path, 0), special_tokens, pattern)
    boundary = special_tokens[0].encode("utf-8")
    bounds = _chunk_bounds(input_path, size, 4 * workers, boundary)
    jobs = [(str(input_path), a, b, tuple(special_tokens), pattern) for a, b in pairwise(bounds)]
    counts: Counter[str] = Counter()
    with multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Pool(workers) as pool:
        for part in pool.imap_unordered(_count_chunk, jobs):
            counts.update(part)
    return counts


def _reverse_key(token: bytes) -> tuple[int, ...]:
    """A key whose ascending order is the descending byte-wise order of tokens (b"b" < b"a" < b"a\\x00"...), so a
    min-heap pops the lexicographically greatest pair first among equal counts. The final 1 sorts a token after
    its own extensions (b"ab" > b"a", so key(b"ab") < key(b"a"))."""
    return (*(-c for c in token), 1)


def _merge_word(word: list[int], a: int, b: int, new: int) -> list[int]:
    """`word` with every (a, b) replaced by `new`, left to right (so a a a -> aa a when a == b)."""
    out, i, n = [], 0, len(word)
    while i < n:
        if i + 1 < n and word[i] == a and word[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def bpe_merges(counts: Counter[str], vocab: dict[int, bytes], n_merges: int) -> list[tuple[bytes, bytes]]:
    """Run up to `n_merges` merges over pre-token counts, adding the new tokens to `vocab` (ids in creation order).
    Stops early when no pair is left (every pre-token is a single token)."""
    words = [list(w.encode("utf-8")) for w in counts]  # token ids; ids 0-255 are the bytes themselves
    freqs = list(counts.values())
    pair_counts: dict[tuple[int, int], int] = defaultdict(int)  # (id, id) -> occurrences in the corpus
    where: dict[tuple[int, int], set[int]] = defaultdict(set)  # (id, id) -> indices of words that contain it
    for wi, (word, f) in enumerate(zip(words, freqs, strict=True)):
        for pair in pairwise(word):
            pair_counts[pair] += f
            where[pair].add(wi)
    keys = {i: _reverse_key(t) for i, t in vocab.items()}
    # (-count, key(left), key(right), left, right): the top is the most frequent pair, ties to the greater bytes.
    # subtle: lazy entries. A pair's entry may record more than its live count (counts only fall between pushes:
    # a pair that grows is one with the new token in it, pushed at once); the top is right when its count is
    # live, and an entry found stale at the top is re-pushed at its live count, or dropped at 0.
    heap = [(-c, keys[a], keys[b], a, b) for (a, b), c in pair_counts.items()]
    heapq.heapify(heap)
    merges: list[tuple[bytes, bytes]] = []
    new = max(vocab)
    while len(merges) < n_merges:
        while heap:
            top = heap[0]
            live = pair_counts.get((top[3], top[4]), 0)
            if live == -top[0]:
                break
            if live > 0:
                heapq.heapreplace(heap, (-live, *top[1:]))
            else:
                heapq.heappop(heap)
        if not heap:
            break
        _, _, _, a, b = heapq.heappop(heap)
        new += 1
        vocab[new] = vocab[a] + vocab[b]
        keys[new] = _reverse_key(vocab[new])
        merges.append((vocab[a], vocab[b]))
        added: dict[tuple[int, int], int] = defaultdict(int)  # pairs with the new token -> their counts
        for wi in where.pop((a, b)):
            word = words[wi]
            k = word.count(a)
            if k == 1:  # the common case: one occurrence, so only its two neighbouring pairs change
                j = word.index(a)
                n = len(word)
                if j + 1 == n or word[j + 1] != b:
                    continue  # a stale index entry: an earlier merge already used this occurrence
                f = freqs[wi]
                if j:
                    left = word[j - 1]
                    pair_counts[left, a] -= f
                    added[left, new] += f
                    where[left, new].add(wi)
                if j + 2 < n:
                    right = word[j + 2]
                    pair_counts[b, right] -= f
                    added[new, right] += f
                    where[new, right].add(wi)
                word[j:j + 2] = (new,)
                continue
            if k == 0:
                continue
            merged = _merge_word(word, a, b, new)
            if len(merged) == len(word):
                continue
            # several occurrences (or a == b, as in a a a): recount the whole word
            f = freqs[wi]
            for pair in pairwise(word):
                pair_counts[pair] -= f
            for pair in pairwise(merged):
                if new in pair:
                    added[pair] += f
                    where[pair].add(wi)
                else:
                    pair_counts[pair] += f
            words[wi] = merged
        for pair, c in added.items():
            pair_counts[pair] = c
            heapq.heappush(heap, (-c, keys[pair[0]], keys[pair[1]], pair[0], pair[1]))
        pair_counts.pop((a, b), None)
    return merges
# END SOLUTION ONLY


def train_bpe(input_path: str | os.PathLike, vocab_size: int, special_tokens: Sequence[str],
              pattern: str = GPT2_PATTERN, num_workers: int | None = None,
              ) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    """Train a byte-level BPE tokenizer on the UTF-8 text file `input_path`.

    Returns (vocab, merges):
    - vocab: id -> token bytes. Ids 0-255 are the single bytes (id i is bytes([i])), then the special tokens in
      the order given (encoded as UTF-8), then one token per merge in creation order; len(vocab) <= vocab_size
      (fewer only when the corpus runs out of pairs).
    - merges: (left, right) byte pairs in creation order; merge k created token 256 + len(special_tokens) + k.

    Pair counts come from pre-tokens (`pattern`, GPT-2's by default) between special tokens; a pair never spans
    two pre-tokens or touches a special token. The most frequent pair is merged; ties go to the greater pair,
    compared as raw bytes: (left, right) tuples of `bytes`, left first.

    Raises ValueError when vocab_size < 256 + len(special_tokens) or the file is not UTF-8 (naming the byte
    offset), FileNotFoundError when the file does not exist. `num_workers` processes pre-tokenize large files in
    parallel (default min(cpu_count, 8)); small files are read serially.
    """
    # BEGIN SOLUTION
    specials = list(dict.fromkeys(special_tokens))  # duplicates would get two ids for one string
    if any(not s for s in specials):
        raise ValueError("train_bpe: special tokens must be non-empty strings")
    n_merges = vocab_size - 256 - len(specials)
    if n_merges < 0:
        raise ValueError(f"train_bpe: vocab_size={vocab_size} is smaller than the 256 byte tokens plus "
                         f"{len(specials)} special tokens; use at least {256 + len(specials)}")
    path = Path(input_path)
    if not path.is_file():
        raise FileNotFoundError(f"train_bpe: no such file: {path}")
    counts = count_pretokens(path, specials, pattern, num_workers)
    vocab = {i: bytes([i]) for i in range(256)}
    for s in specials:
        vocab[len(vocab)] = s.encode("utf-8")
    merges = bpe_merges(counts, vocab, n_merges)
    return vocab, merges
    # END SOLUTION
