import math

import torch

from a1_basics.nn.activations import softmax


def scaled_dot_product_attention(Q, K, V, mask=None):
    d_k = K.shape[-1]
    scores = torch.einsum("...qd,...kd->...qk", Q, K) / math.sqrt(d_k)
    if mask is not None:
        # mask is True where we are allowed to look
        scores = scores.masked_fill(~mask, float("-inf"))
    probs = softmax(scores, dim=-1)
    return torch.einsum("...qk,...kv->...qv", probs, V)
