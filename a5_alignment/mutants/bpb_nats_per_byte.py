"""Nats per byte: the NLL is never divided by ln 2."""

from a5_alignment.bits_per_byte import text_bits_per_byte

UNIT = "a5.bits_per_byte"
TARGET = "text_bits_per_byte"


def MUTANT(model, tokenizer, text):
    out = text_bits_per_byte(model, tokenizer, text)
    out["bits_per_byte"] = out["nll_nats"] / out["num_bytes"]
    return out
