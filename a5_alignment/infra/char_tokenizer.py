"""The tiny model's tokenizer: one id per printable ASCII character, plus single ids for the r1-zero tags, EOS
and padding (HANDOUT.md §7.1). It follows the tokenizer protocol of §2.1: encode, decode, pad_token_id,
eos_token_id, vocab_size."""

from __future__ import annotations

SPECIALS = ("<pad>", "<eos>", "<think>", "</think>", "<answer>", "</answer>")
FIRST_CHAR = len(SPECIALS)  # id of " " (ASCII 32)


class CharTokenizer:
    """ids 0..5 are SPECIALS (pad 0, eos 1; the four tags are matched as whole strings before characters),
    ids 6..100 are ASCII 32..126; "\\n" maps to the id of "|"'s neighbour slot 101 and anything else to "?"."""

    pad_token_id = 0
    eos_token_id = 1
    newline_id = FIRST_CHAR + 95
    vocab_size = FIRST_CHAR + 96

    def encode(self, text: str) -> list[int]:
        out, i = [], 0
        while i < len(text):
            if text[i] == "<":
                hit = next((k for k, s in enumerate(SPECIALS[2:], start=2) if text.startswith(s, i)), None)
                if hit is not None:
                    out.append(hit)
                    i += len(SPECIALS[hit])
                    continue
            c = text[i]
            if c == "\n":
                out.append(self.newline_id)
            elif 32 <= ord(c) < 127:
                out.append(FIRST_CHAR + ord(c) - 32)
            else:
                out.append(FIRST_CHAR + ord("?") - 32)
            i += 1
        return out

    def decode(self, ids: list[int]) -> str:
        parts = []
        for i in ids:
            i = int(i)
            if i == self.newline_id:
                parts.append("\n")
            elif i >= FIRST_CHAR:
                parts.append(chr(i - FIRST_CHAR + 32))
            elif i >= 2:
                parts.append(SPECIALS[i])
        return "".join(parts)
