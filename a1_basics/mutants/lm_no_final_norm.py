"""A TransformerLM that feeds the last block's output straight to the LM head, skipping ln_final.

Pre-norm blocks never normalise the residual stream itself, so the final RMSNorm is easy to forget; the
parameter still exists (its weight loads), so only the logits reveal it.
"""

from torch import Tensor

from a1_basics.nn.transformer import TransformerLM

UNIT = "a1.lm"
TARGET = "TransformerLM"


class MUTANT(TransformerLM):
    def forward(self, token_ids: Tensor, kv_cache: object = None) -> Tensor:
        x = self.token_embeddings(token_ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, kv_cache=kv_cache, layer_idx=i)
        return self.lm_head(x)
