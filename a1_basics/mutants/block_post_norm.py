"""A post-norm block (the original Transformer's x = norm(x + sublayer(x))) instead of pre-norm.

Students who learned the 2017 architecture write this from memory; it trains worse and is not what the
handout (or Llama, or CS336) pins.
"""

from torch import Tensor

from a1_basics.nn.transformer import TransformerBlock

UNIT = "a1.block"
TARGET = "TransformerBlock"


class MUTANT(TransformerBlock):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None,
                layer_idx: int = 0) -> Tensor:
        x = self.ln1(x + self.attn(x, token_positions, kv_cache, layer_idx))
        return self.ln2(x + self.ffn(x))
