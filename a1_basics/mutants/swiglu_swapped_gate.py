"""SwiGLU computing w2(w1(x) * silu(w3(x))): SiLU applied to the W3 branch instead of the W1 branch.

The formula is symmetric-looking and the names w1/w3 carry no meaning, so students apply the activation to
the other branch; it is a valid gated FFN but not the one the state dict (and pretrained Llama weights)
expect.
"""

from torch import Tensor

from a1_basics.nn.activations import SwiGLU, silu

UNIT = "a1.swiglu"
TARGET = "SwiGLU"


class MUTANT(SwiGLU):
    def forward(self, x: Tensor) -> Tensor:
        return self.w2(self.w1(x) * silu(self.w3(x)))
