"""Byte-level BPE: pre-tokenization, training, and the Tokenizer."""
