"""Linear computing x @ W with W stored as (d_out, d_in), i.e. the transpose of the right product.

Students who think of W as (d_in, d_out) write x @ W; with a square layer it runs and only the values are
wrong (W is not symmetric), with a non-square one it fails on shapes. Either way it must be caught.
"""

from torch import Tensor

from a1_basics.nn.linear import Linear

UNIT = "a1.linear"
TARGET = "Linear"


class MUTANT(Linear):
    def forward(self, x: Tensor) -> Tensor:
        return x @ self.weight
