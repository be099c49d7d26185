"""a2 Systems: profiling, FlashAttention-2 in PyTorch and Triton, DDP variants, ZeRO-1 (planned: issue P3)."""
