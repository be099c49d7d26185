"""a2 Systems: profiling, FlashAttention-2 in PyTorch and Triton, DDP variants and ZeRO-1 sharding.

subtle: Triton reads TRITON_INTERPRET when a kernel is decorated, so it is decided here, before any kernel module is
imported. Without a CUDA device the kernels run in Triton's CPU interpreter (float32 only: its bf16 is broken);
set TRITON_INTERPRET=0 yourself to force compilation.
"""

import os

if "TRITON_INTERPRET" not in os.environ and not os.path.exists("/dev/nvidiactl"):
    os.environ["TRITON_INTERPRET"] = "1"
