"""The reference tokenizer's speed-ups against naive oracles: the incremental BPE trainer (single-occurrence
updates, lazy heap) against the recount-everything trainer on real text, the patched rank list of `encode`
against merging in creation order, and the reordered GPT-2 pattern against GPT-2's own spelling."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from a1_basics.instructor_tests.conftest import corpus_or_skip
from a1_basics.oracles.tokenizer_edges import naive_train_bpe
from a1_basics.oracles.tokenizer_encode import naive_encode
from a1_basics.tokenizer import tokenizer as tokenizer_module
from a1_basics.tokenizer.pretokenize import GPT2_PATTERN, compile_pattern, pretokenize
from a1_basics.tokenizer.tokenizer import Tokenizer
from a1_basics.tokenizer.train_bpe import train_bpe

EOT = "<|endoftext|>"
# letters, digits (² is a digit to \p{N}), symbols, apostrophes and contractions, every kind of whitespace
ALPHABET = ["a", "Z", "é", "中", "1", "²", "'", "'s", "'ll", "'re", ".", ",", "😀", " ", "  ", "\n", "\t", "\r\n",
            "\xa0", "\u3000", "\x1c"]


@pytest.fixture(scope="module")
def real_text() -> str:
    return corpus_or_skip(60_000)


@settings(derandomize=True, deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40))
def test_faster_gpt2_spelling_splits_alike(pieces):
    text = "".join(pieces)
    assert compile_pattern(GPT2_PATTERN).findall(text) == regex.findall(GPT2_PATTERN, text)


def test_faster_gpt2_spelling_on_real_text(real_text):
    assert compile_pattern(GPT2_PATTERN).findall(real_text) == regex.findall(GPT2_PATTERN, real_text)


def test_train_bpe_equals_naive_trainer_on_real_text(tmp_path, real_text):
    # real word frequencies: most merges hit words once (the fast path), some twice (" lll", "aaaa")
    text = real_text + EOT + "aaaa aaaaa abab ababab" + EOT + real_text[:5000]
    path = tmp_path / "corpus.txt"
    path.write_bytes(text.encode())
    vocab, merges = train_bpe(path, 700, [EOT])
    tokens, naive_merges = naive_train_bpe(text, 700, [EOT])
    assert merges == naive_merges
    assert [vocab[i] for i in sorted(vocab)] == tokens


@pytest.fixture(scope="module")
def trained(tmp_path_factory, real_text) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    path = tmp_path_factory.mktemp("bpe") / "corpus.txt"
    path.write_bytes((real_text[:30_000] + EOT + "aaaaaaaa  \n\n  é中😀 1²³").encode())
    return train_bpe(path, 600, [EOT])


@settings(derandomize=True, deadline=None, max_examples=150)
@given(st.lists(st.sampled_from([*ALPHABET, " the", " and", "ing", "aaa", EOT, " thee", "ere"]), max_size=40))
def test_encode_equals_merging_in_creation_order(trained, pieces):
    vocab, merges = trained
    text = "".join(pieces)
    assert Tokenizer(vocab, merges, [EOT]).encode(text) == naive_encode(vocab, merges, text, [EOT])


def test_encode_real_text_equals_naive(trained, real_text):
    vocab, merges = trained
    text = real_text[30_000:45_000]
    assert Tokenizer(vocab, merges, [EOT]).encode(text) == naive_encode(vocab, merges, text, [EOT])


def test_repeated_pairs_merge_left_to_right():
    vocab = {i: bytes([i]) for i in range(256)} | {256: b"aa", 257: b"aaaa", 258: b"ab"}
    tok = Tokenizer(vocab, [(b"a", b"a"), (b"aa", b"aa"), (b"a", b"b")])
    assert tok.encode("aaaaa") == [257, 97]  # a a a a a -> aa aa a -> aaaa a
    assert tok.encode("aaa") == [256, 97]  # the overlapping (a, a) at 1-2 goes with the first merge
    assert tok.encode("aaab") == [256, 258]  # aa a b: (a, b) is still there after (a, a) took the first two


def test_cache_eviction_keeps_ids(trained, real_text, monkeypatch):
    vocab, merges = trained
    text = real_text[30_000:40_000]
    want = Tokenizer(vocab, merges, [EOT]).encode(text)
    monkeypatch.setattr(tokenizer_module, "CACHE_LIMIT", 50)
    tok = Tokenizer(vocab, merges, [EOT])
    assert tok.encode(text) == want
    assert list(tok.encode_iterable(iter(text.splitlines(keepends=True)))) == want
    assert len(tok._cache) <= max(50, len(set(compile_pattern(GPT2_PATTERN).findall(text))))


@settings(derandomize=True, deadline=None, max_examples=300)
@given(st.lists(st.sampled_from([*ALPHABET, "x y", "a  b", ". z"]), max_size=40))
def test_safe_cut_keeps_gpt2_splits(pieces):
    """Cutting before the space of every non-space + space pair leaves GPT-2's own pre-tokens unchanged."""
    text = "".join(pieces)
    whole = regex.findall(GPT2_PATTERN, text)
    for m in tokenizer_module._SAFE_CUT.finditer(text, overlapped=True):
        cut = m.start() + 1
        assert regex.findall(GPT2_PATTERN, text[:cut]) + regex.findall(GPT2_PATTERN, text[cut:]) == whole, cut


def _spy_halves(monkeypatch) -> list[bool]:
    """Every text encodes in halves (threshold 0); the list records whether each two-process encode finished."""
    ran: list[bool] = []
    real = Tokenizer._encode_halves

    def spy(self, text, cut):
        got = real(self, text, cut)
        ran.append(got is not None)
        return got

    monkeypatch.setattr(tokenizer_module, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(Tokenizer, "_encode_halves", spy)
    return ran


@settings(derandomize=True, deadline=None, max_examples=60)
@given(st.lists(st.sampled_from([*ALPHABET, " the", " and", "ing", EOT, "x y", " a b c"]), max_size=40))
def test_encode_in_two_processes_equals_merging_in_creation_order(trained, pieces):
    vocab, merges = trained
    text = "".join(pieces)
    with pytest.MonkeyPatch.context() as mp:
        _spy_halves(mp)
        got = Tokenizer(vocab, merges, [EOT]).encode(text)
    assert got == naive_encode(vocab, merges, text, [EOT])


def test_gpt2_in_two_processes_equals_tiktoken(real_text, monkeypatch):
    from a1_basics.tokenizer.gpt2 import load_gpt2_vocab_merges
    from a1_basics.tokenizer.tiktoken_offline import gpt2_encoding

    vocab, merges = load_gpt2_vocab_merges()
    text = real_text[:20_000] + EOT + real_text[20_000:40_000] + "  \n" + EOT + EOT + real_text[40_000:]
    want = gpt2_encoding().encode(text, allowed_special={EOT})
    ran = _spy_halves(monkeypatch)
    tok = Tokenizer(vocab, merges, [EOT])
    assert tok.encode(text) == want
    assert ran == [True]  # it did run in two processes (a dying child below also returns its fallback)
    assert tok.encode(text) == want  # again, from the cache the child's entries went into
    assert set(pretokenize(text, [EOT])) <= set(tok._cache)
    # a child that dies before it answers: its half is encoded again here
    monkeypatch.setattr(tokenizer_module.marshal, "dumps", lambda *a: (_ for _ in ()).throw(RuntimeError("x")))
    assert Tokenizer(vocab, merges, [EOT]).encode(text) == want
    # a fork that fails: one process
    monkeypatch.setattr(tokenizer_module.os, "fork", lambda: (_ for _ in ()).throw(OSError("no more processes")))
    assert Tokenizer(vocab, merges, [EOT]).encode(text) == want
    assert ran[1:] == [True, True, False]
