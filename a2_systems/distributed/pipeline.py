"""Pipeline parallelism, part 1: a1's TransformerLM cut into contiguous stages, microbatches, the loss that weighs
them correctly, and the GPipe schedule. HANDOUT.md §7.4.

Stage s (0-based) of P runs on rank s. The finished runtime (a2_systems/distributed/pipeline_runtime.py, which you
never change) executes a schedule, the list of ("forward", i) / ("backward", i) actions this file and
pipeline_1f1b.py return, moving microbatch i's activations forward and their gradients backward by point-to-point
send/recv. What you write here is pure: which layers a stage holds, how the batch is cut, each microbatch's share
of the loss, and the GPipe order.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor, nn

from a1_basics.nn.transformer import TransformerLM

FORWARD, BACKWARD = "forward", "backward"


def stage_layers(num_layers: int, num_stages: int) -> list[range]:
    """The transformer blocks of each stage: contiguous ranges that cover 0 .. num_layers - 1 in order, sizes as
    equal as possible, the first `num_layers % num_stages` stages one block larger (numpy's array_split rule).
    Every stage needs at least one block: ValueError when num_stages < 1 or num_stages > num_layers."""
    # BEGIN SOLUTION
    if num_stages < 1 or num_stages > num_layers:
        raise ValueError(f"cannot cut {num_layers} transformer blocks into {num_stages} stages of at least one "
                         f"block each (need 1 <= num_stages <= num_layers)")
    base, extra = divmod(num_layers, num_stages)
    out, start = [], 0
    for s in range(num_stages):
        size = base + (1 if s < extra else 0)
        out.append(range(start, start + size))
        start += size
    return out
    # END SOLUTION


def split_microbatches(batch_size: int, num_microbatches: int) -> list[slice]:
    """The rows of each microbatch: contiguous slices covering 0 .. batch_size - 1 in order, sizes as equal as
    possible, the first `batch_size % num_microbatches` one row larger. ValueError unless
    1 <= num_microbatches <= batch_size (an empty microbatch would have no loss to send back)."""
    # BEGIN SOLUTION
    if num_microbatches < 1 or num_microbatches > batch_size:
        raise ValueError(f"cannot split a batch of {batch_size} rows into {num_microbatches} non-empty "
                         f"microbatches (need 1 <= num_microbatches <= batch_size)")
    base, extra = divmod(batch_size, num_microbatches)
    out, start = [], 0
    for i in range(num_microbatches):
        size = base + (1 if i < extra else 0)
        out.append(slice(start, start + size))
        start += size
    return out
    # END SOLUTION


def microbatch_loss(logits: Tensor, targets: Tensor, total_tokens: int) -> Tensor:
    """One microbatch's share of the batch loss: its per-token cross-entropies summed, divided by the number of
    target tokens in the WHOLE batch, so the shares of all microbatches add up to the mean cross-entropy over the
    batch (the single-process loss) whatever their sizes. logits (b, t, vocab), targets (b, t) -> a scalar."""
    # BEGIN SOLUTION
    if total_tokens < targets.numel():
        raise ValueError(f"total_tokens={total_tokens} is fewer than this microbatch's {targets.numel()} tokens")
    summed = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum")
    return summed / total_tokens
    # END SOLUTION


def gpipe_schedule(num_stages: int, stage: int, num_microbatches: int) -> list[tuple[str, int]]:
    """GPipe (Huang et al. 2019) for `stage` of `num_stages`: every microbatch's forward, in order 0 .. m-1, then
    every backward, in the same order 0 .. m-1 (first in, first out, as torch.distributed.pipelining's
    ScheduleGPipe). ValueError for stage outside 0 .. num_stages - 1 or num_microbatches < 1."""
    # BEGIN SOLUTION
    check_schedule_args(num_stages, stage, num_microbatches)
    return [(FORWARD, i) for i in range(num_microbatches)] + [(BACKWARD, i) for i in range(num_microbatches)]
    # END SOLUTION


def check_schedule_args(num_stages: int, stage: int, num_microbatches: int) -> None:
    """ValueError naming the bad argument of a schedule function (shared by both schedules)."""
    if num_stages < 1:
        raise ValueError(f"num_stages must be at least 1, got {num_stages}")
    if not 0 <= stage < num_stages:
        raise ValueError(f"stage must be in 0 .. {num_stages - 1}, got {stage}")
    if num_microbatches < 1:
        raise ValueError(f"num_microbatches must be at least 1, got {num_microbatches}")


class PipelineStage(nn.Module):
    """`PipelineStage(model, stage, num_stages)`: stage `stage` of a1's TransformerLM `model` cut into
    `num_stages` contiguous stages (its parameters are the model's own tensors, not copies).

    - stage 0 holds `token_embeddings`, the last stage `ln_final` and `lm_head`, and stage s the blocks
      `stage_layers(num_layers, num_stages)[s]` as `layers`, an nn.ModuleDict keyed by each block's index in the
      model, so a stage's state-dict names are the model's ("layers.3.attn.q_proj.weight") and the stages' state
      dicts together are the model's (a tied weight under each of its two names);
    - forward: stage 0 takes token ids (b, t), every other stage the hidden states (b, t, d_model) the previous
      stage returned; the last stage returns logits (b, t, vocab), the others hidden states;
    - finish_gradients(): called by the runtime on every rank after the schedule's last backward. With
      `tie_embeddings` and more than one stage, the first stage's token_embeddings.weight and the last stage's
      lm_head.weight are one parameter of the model held on two ranks: each has only its own stage's part of the
      gradient, so add them (an all-reduce between the first and the last rank, every rank calling this method);
      otherwise nothing to do.
    """

    def __init__(self, model: TransformerLM, stage: int, num_stages: int) -> None:
        super().__init__()
        # BEGIN SOLUTION
        config = model.config
        layers = stage_layers(config.num_layers, num_stages)  # raises for a bad num_stages
        if not 0 <= stage < num_stages:
            raise ValueError(f"stage must be in 0 .. {num_stages - 1}, got {stage}")
        self.stage, self.num_stages = stage, num_stages
        self.is_first, self.is_last = stage == 0, stage == num_stages - 1
        self.tied = bool(config.tie_embeddings)
        if self.is_first:
            self.token_embeddings = model.token_embeddings
        self.layers = nn.ModuleDict({str(i): model.layers[i] for i in layers[stage]})
        if self.is_last:
            self.ln_final = model.ln_final
            self.lm_head = model.lm_head
        self._tie_group = None
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        # BEGIN SOLUTION
        if self.is_first:
            x = self.token_embeddings(x)
        for layer in self.layers.values():
            x = layer(x)
        if self.is_last:
            x = self.lm_head(self.ln_final(x))
        return x
        # END SOLUTION

    def finish_gradients(self) -> None:
        # BEGIN SOLUTION
        if not self.tied or self.num_stages == 1:
            return
        if self._tie_group is None:
            # subtle: new_group is collective over the whole world, so the middle stages create it too
            self._tie_group = dist.new_group([0, self.num_stages - 1])
        if not (self.is_first or self.is_last):
            return
        weight = self.token_embeddings.weight if self.is_first else self.lm_head.weight
        grad = weight.grad if weight.grad is not None else torch.zeros_like(weight)
        dist.all_reduce(grad, group=self._tie_group)
        weight.grad = grad
        # END SOLUTION
