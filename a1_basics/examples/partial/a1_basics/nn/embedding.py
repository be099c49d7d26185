import torch
import torch.nn as nn


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, device=None, dtype=None):
        super().__init__()
        self.vocab_size = num_embeddings
        self.d_model = embedding_dim
        table = torch.empty((num_embeddings, embedding_dim), device=device, dtype=dtype)
        nn.init.trunc_normal_(table, mean=0.0, std=1.0, a=-3.0, b=3.0)
        self.weight = nn.Parameter(table)

    def forward(self, token_ids):
        # fancy indexing picks one row per id and keeps the id tensor's shape
        return self.weight[token_ids]
