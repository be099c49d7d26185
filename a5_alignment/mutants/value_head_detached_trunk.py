"""A value head on a detached trunk: the critic's gradient never reaches the shared layers."""

from a5_alignment.value_head import PolicyWithValue

UNIT = "a5.value_head"
TARGET = "PolicyWithValue"


class MUTANT(PolicyWithValue):
    def forward(self, input_ids):
        p = self.policy
        x = p.token_embeddings(input_ids)
        for i, layer in enumerate(p.layers):
            x = layer(x, layer_idx=i)
        h = p.ln_final(x)
        return p.lm_head(h), self.value_head(h.detach()).squeeze(-1)
