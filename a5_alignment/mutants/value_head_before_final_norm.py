"""A value head reading the last block's output, before ln_final (not the LM head's input)."""

from a5_alignment.value_head import PolicyWithValue

UNIT = "a5.value_head"
TARGET = "PolicyWithValue"


class MUTANT(PolicyWithValue):
    def forward(self, input_ids):
        p = self.policy
        x = p.token_embeddings(input_ids)
        for i, layer in enumerate(p.layers):
            x = layer(x, layer_idx=i)
        return p.lm_head(p.ln_final(x)), self.value_head(x).squeeze(-1)
