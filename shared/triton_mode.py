"""Where Triton kernels run: compiled on an NVIDIA GPU, else in Triton's CPU interpreter.

subtle: Triton reads TRITON_INTERPRET when a module of kernels (its own standard library included) is first
imported, so this must run before anything imports triton: the grader calls it at start-up, a2_systems on import.
A process that imported triton compiled and then loads interpreted kernels fails inside tl.zeros.
"""

import os


def default_to_interpreter() -> None:
    """Set TRITON_INTERPRET=1 when there is no NVIDIA GPU, unless the caller already decided."""
    if "TRITON_INTERPRET" not in os.environ and not os.path.exists("/dev/nvidiactl"):
        os.environ["TRITON_INTERPRET"] = "1"
