"""a1 basics: a byte-level BPE tokenizer and a Transformer language model built from scratch."""
