"""a3 Scaling laws: IsoFLOPs and parametric fits, a training-API simulator with a FLOP budget, a real CPU sweep
(HANDOUT.md)."""

import os

# subtle: the fits here are L-BFGS on 5 parameters, whose BLAS calls (scipy's own OpenBLAS) are on vectors of 5;
# with threads, OpenBLAS spin-waits, and on a busy 2-core machine a bootstrap ran 10x slower in CPU time. Set before
# scipy is first imported; an explicit OPENBLAS_NUM_THREADS from the user still wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
