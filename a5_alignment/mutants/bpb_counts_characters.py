"""Divides by the number of characters, not UTF-8 bytes: right on ASCII, wrong on "é" or "日本"."""

import math

from a5_alignment.bits_per_byte import text_bits_per_byte

UNIT = "a5.bits_per_byte"
TARGET = "text_bits_per_byte"


def MUTANT(model, tokenizer, text):
    out = text_bits_per_byte(model, tokenizer, text)
    out["num_bytes"] = len(text)
    out["bits_per_byte"] = out["nll_nats"] / (math.log(2) * len(text))
    return out
