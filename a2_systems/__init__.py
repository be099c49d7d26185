"""a2 Systems: profiling, FlashAttention-2 in PyTorch and Triton, DDP variants and ZeRO-1 sharding.

Without a CUDA device the Triton kernels run in Triton's CPU interpreter (float32 only: its bf16 is broken); set
TRITON_INTERPRET=0 yourself to force compilation. The choice is made here, before any kernel module is imported.
"""

from shared.triton_mode import default_to_interpreter

default_to_interpreter()
