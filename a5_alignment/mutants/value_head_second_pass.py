"""A value head that runs the LM once for the logits and the trunk a second time for the values."""

from a5_alignment.value_head import PolicyWithValue

UNIT = "a5.value_head"
TARGET = "PolicyWithValue"


class MUTANT(PolicyWithValue):
    def forward(self, input_ids):
        p = self.policy
        logits = p(input_ids)
        x = p.token_embeddings(input_ids)
        for i, layer in enumerate(p.layers):
            x = layer(x, layer_idx=i)
        return logits, self.value_head(p.ln_final(x)).squeeze(-1)
