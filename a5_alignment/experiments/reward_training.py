"""Preference pairs from the kit's own tasks and a reward model trained on them (HANDOUT.md §13.3): two sampled
answers of the policy per training prompt, judged by the verifier (the "true" reward that the reward model never
sees except through these labels), then your RewardModel trained with your preference_loss."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from a5_alignment.experiments.rollouts import rollout
from a5_alignment.experiments.setup import make_optimizer, optimizer_step
from a5_alignment.infra.sampler import SamplingParams
from a5_alignment.infra.tasks import Problem
from a5_alignment.preference_loss import pairwise_accuracy, preference_loss
from a5_alignment.reward_model import RewardModel


@dataclass
class Pairs:
    """Row i compares chosen[i] with rejected[i] for prompts[i]; tie[i] when the verifier scored both alike
    (both right or both wrong: then "chosen" is just the first sample)."""

    prompts: list[str]
    chosen: list[str]
    rejected: list[str]
    tie: np.ndarray  # (pairs,) bool

    def take(self, rows: np.ndarray) -> Pairs:
        return Pairs([self.prompts[i] for i in rows], [self.chosen[i] for i in rows],
                     [self.rejected[i] for i in rows], self.tie[rows])

    def __len__(self) -> int:
        return len(self.prompts)


def sample_pairs(model: Any, tokenizer: Any, questions: list[Problem], temperature: float, max_new_tokens: int,
                 seed: int) -> Pairs:
    """Two samples per question; the verifier's r1-zero reward decides which is chosen (or that they tie)."""
    params = SamplingParams(temperature, 1.0, max_new_tokens, ("</answer>",), seed=seed)
    ro = rollout(model, tokenizer, questions, 2, "short", params)
    a, b = ro.rewards[0::2], ro.rewards[1::2]
    first_wins = a >= b
    chosen = [ro.responses[2 * i + (0 if w else 1)] for i, w in enumerate(first_wins)]
    rejected = [ro.responses[2 * i + (1 if w else 0)] for i, w in enumerate(first_wins)]
    return Pairs(ro.prompts[0::2], chosen, rejected, a == b)


def encode(tokenizer: Any, prompts: list[str], responses: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids (n, max_len) right-padded with pad_token_id, lengths (n,)) of prompt + response."""
    seqs = [tokenizer.encode(p + r) for p, r in zip(prompts, responses, strict=True)]
    lengths = torch.tensor([len(s) for s in seqs])
    ids = torch.full((len(seqs), int(lengths.max())), tokenizer.pad_token_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, lengths


@torch.no_grad()
def score(rm: RewardModel, tokenizer: Any, prompts: list[str], responses: list[str],
          batch: int = 128) -> torch.Tensor:
    rm.eval()
    out = []
    for s in range(0, len(prompts), batch):
        ids, lengths = encode(tokenizer, prompts[s:s + batch], responses[s:s + batch])
        out.append(rm(ids, lengths))
    return torch.cat(out)


def pair_accuracy(rm: RewardModel, tokenizer: Any, pairs: Pairs) -> float:
    """Pairwise accuracy on the preferred (non-tie) pairs (NaN when there is none: an untrained policy)."""
    if bool(pairs.tie.all()):
        return float("nan")
    rc, rr = score(rm, tokenizer, pairs.prompts, pairs.chosen), score(rm, tokenizer, pairs.prompts, pairs.rejected)
    return pairwise_accuracy(rc, rr, torch.from_numpy(pairs.tie))


def train_reward_model(policy: Any, tokenizer: Any, train: Pairs, held_out: Pairs, epochs: int, lr: float,
                       batch_size: int, margin: float, use_ties: bool, seed: int) -> tuple[RewardModel, dict]:
    """A RewardModel on a copy of the policy's trunk, trained with preference_loss; returns it and its record
    (loss per epoch, held-out accuracy, CPU seconds)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rm = RewardModel(copy.deepcopy(policy))
    rm.policy.lm_head.requires_grad_(False)  # unused by the reward
    opt = make_optimizer(rm, lr, 0.0)
    rows = np.arange(len(train)) if use_ties else np.flatnonzero(~train.tie)
    cpu0, log = time.process_time(), []
    for _ in range(epochs):
        rows = rng.permutation(rows)
        rm.train()
        losses = []
        for s in range(0, len(rows), batch_size):
            part = train.take(rows[s:s + batch_size])
            ids, lengths = encode(tokenizer, part.prompts + part.prompts, part.chosen + part.rejected)
            r = rm(ids, lengths)
            n = len(part)
            loss = preference_loss(r[:n], r[n:], margin, torch.from_numpy(part.tie))
            loss.backward()
            optimizer_step(opt, [p for p in rm.parameters() if p.requires_grad])
            losses.append(float(loss.detach()))
        log.append(float(np.mean(losses)))
    record = {"pairs": int(len(rows)), "ties_used": int(train.tie[rows].sum()), "epoch_loss": log,
              "train_accuracy": pair_accuracy(rm, tokenizer, train),
              "held_out_accuracy": pair_accuracy(rm, tokenizer, held_out),
              "cpu_s": round(time.process_time() - cpu0, 1)}
    return rm, record
