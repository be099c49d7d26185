"""Inference systems (HANDOUT §6, optional): a paged KV cache with prefix sharing and speculative decoding."""
