"""MLA whose absorbed form scales its scores by 1/sqrt(d_latent + d_rope), the length of the absorbed query.

Absorbing W_UK into the query changes the query's length (d_latent + d_rope instead of d_head + d_rope) but not the
scores the paper defines: a softmax scale taken from the new length makes the absorbed form differ from the plain
one. The plain forward is right.
"""

import torch
from torch import Tensor

from a1_basics.nn.attention import scaled_dot_product_attention
from a1_basics.nn.mla import MultiHeadLatentAttention

UNIT = "a1.mla"
TARGET = "MultiHeadLatentAttention"


class MUTANT(MultiHeadLatentAttention):
    def _absorbed(self, q_c: Tensor, q_r: Tensor, c_kv: Tensor, k_r: Tensor, mask: Tensor) -> Tensor:
        w_uk = self.w_uk.weight.unflatten(0, (self.num_heads, self.d_head))
        w_uv = self.w_uv.weight.unflatten(0, (self.num_heads, self.d_head))
        q = torch.cat([torch.einsum("...hsd,hdc->...hsc", q_c, w_uk), q_r], dim=-1)  # no rescaling
        o_lat = scaled_dot_product_attention(q, torch.cat([c_kv, k_r], dim=-1), c_kv, mask)
        return torch.einsum("...hsc,hdc->...hsd", o_lat, w_uv)
