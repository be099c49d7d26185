"""MLA whose scores are scaled by 1/sqrt(d_head) instead of 1/sqrt(d_head + d_rope).

The query of DeepSeek-V2's eq. (16) is the concatenation [q_C ; q_R] of d_head + d_rope values, and eq. (18) scales
by the square root of that length; scaling by the content part alone sharpens every softmax. Played here by
multiplying the queries by sqrt((d_head + d_rope) / d_head) (RoPE is linear, so this scales q_R too).
"""

import torch
from torch import Tensor

from a1_basics.nn.mla import MultiHeadLatentAttention

UNIT = "a1.mla"
TARGET = "MultiHeadLatentAttention"


class MUTANT(MultiHeadLatentAttention):
    def forward(self, x: Tensor, *args: object, **kwargs: object) -> Tensor:
        s = ((self.d_head + self.d_rope) / self.d_head) ** 0.5
        saved = self.w_uq.weight.detach().clone(), self.w_qr.weight.detach().clone()
        with torch.no_grad():
            self.w_uq.weight.mul_(s)
            self.w_qr.weight.mul_(s)
        try:
            return super().forward(x, *args, **kwargs)
        finally:
            with torch.no_grad():
                self.w_uq.weight.copy_(saved[0])
                self.w_qr.weight.copy_(saved[1])
