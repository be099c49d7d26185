"""The pipeline runtime: executes one stage's schedule on its rank. Finished infrastructure: you never change this
file (HANDOUT.md §7.4); the graded cases and the benchmark run your stages and schedules through it.

    result = run_schedule(stage, schedule, tokens, targets, microbatches, loss_fn, d_model)

Stage s runs on rank s of a world of P ranks (run_world in world.py). For each action of `schedule`, in order:

- ("forward", i): stage 0 takes microbatch i's token ids; every other stage receives microbatch i's activations
  (b_i, t, d_model) from rank s-1 (a point-to-point recv tagged i) as a leaf that requires grad. It runs the
  stage; the last stage computes `loss_fn(logits, targets_i, total_tokens)`, the others send their output to rank
  s+1 (an isend tagged i). What backward needs (the received input, the output or the loss) is kept until then.
- ("backward", i): the last stage back-propagates its loss, the others receive the gradient of their output from
  rank s+1 and back-propagate it; every stage but the first sends its input's gradient to rank s-1. Then the
  stage's references to microbatch i are dropped.

Sends are asynchronous (isend, completed at the end); each receive is posted (irecv) one receiving action ahead, so
it is already waiting while the action before it computes, and waits at most RECV_TIMEOUT_S. Before anything runs,
every rank checks the schedules of all ranks (gathered): each microbatch forwarded once and backwarded once, after
its forward, and the stages' orders together free of deadlock (each recv's matching send happens first, in a
simulation of the ranks). A bad schedule raises ValueError on every rank at once, so it cannot hang the world.

Instrumentation: `events` lists the (kind, microbatch) actions run, in order, with their start and end times
(time.perf_counter, compute only: a recv's wait is before the start), and `checked_at` the time the schedule
check ended (the ranks leave it together: it ends in a collective); the live-activation counter holds a weak
reference to each microbatch's stage output and counts, after every action, how many are still alive anywhere (in
the runtime until their backward, or in anything of yours that keeps them), `peak_live` being the largest count
and `live_after` the count once the step is over (0 when nothing keeps them). After the last action it calls
`stage.finish_gradients()`.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor, nn

FORWARD, BACKWARD = "forward", "backward"
RECV_TIMEOUT_S = 10.0


@dataclass
class StepResult:
    """One rank's record of one pipeline step."""

    events: list[tuple[str, int]] = field(default_factory=list)
    times: list[tuple[float, float]] = field(default_factory=list)  # (start, end) of each event's compute
    checked_at: float = 0.0  # time.perf_counter() once every rank's schedule is checked, before the first action
    peak_live: int = 0
    live_after: int = 0
    loss: float | None = None  # the sum of the microbatch losses (last stage only)


def normalise(schedule: Any, num_microbatches: int, stage: int) -> list[tuple[str, int]]:
    """The schedule as a list of (kind, int) pairs, or ValueError saying what is wrong with it."""
    try:
        actions = [(str(kind), int(i)) for kind, i in schedule]
    except (TypeError, ValueError) as e:
        raise ValueError(f"stage {stage}: a schedule is a list of (\"forward\" | \"backward\", microbatch) pairs; "
                         f"got {str(schedule)[:200]} ({e})") from None
    done: dict[str, set[int]] = {FORWARD: set(), BACKWARD: set()}
    for kind, i in actions:
        if kind not in done:
            raise ValueError(f"stage {stage}: unknown action {kind!r} (\"forward\" or \"backward\")")
        if not 0 <= i < num_microbatches:
            raise ValueError(f"stage {stage}: microbatch {i} out of range 0 .. {num_microbatches - 1}")
        if i in done[kind]:
            raise ValueError(f"stage {stage}: the {kind} of microbatch {i} is scheduled twice")
        if kind == BACKWARD and i not in done[FORWARD]:
            raise ValueError(f"stage {stage}: the backward of microbatch {i} comes before its forward")
        done[kind].add(i)
    for kind, seen in done.items():
        if len(seen) != num_microbatches:
            missing = sorted(set(range(num_microbatches)) - seen)
            raise ValueError(f"stage {stage}: no {kind} of microbatch(es) {missing}")
    return actions


def find_deadlock(schedules: Sequence[Sequence[tuple[str, int]]]) -> str | None:
    """Simulate the ranks with buffered (asynchronous) sends: a rank advances while its next action's recv has
    been sent. None when every rank finishes, else a description of where each stuck rank waits."""
    p = len(schedules)
    pos = [0] * p
    sent: set[tuple[int, int, int]] = set()  # (from, to, microbatch)
    progress = True
    while progress:
        progress = False
        for s in range(p):
            while pos[s] < len(schedules[s]):
                kind, i = schedules[s][pos[s]]
                if kind == FORWARD and s > 0 and (s - 1, s, i) not in sent:
                    break
                if kind == BACKWARD and s < p - 1 and (s + 1, s, i) not in sent:
                    break
                if kind == FORWARD and s < p - 1:
                    sent.add((s, s + 1, i))
                if kind == BACKWARD and s > 0:
                    sent.add((s, s - 1, i))
                pos[s] += 1
                progress = True
    stuck = [s for s in range(p) if pos[s] < len(schedules[s])]
    if not stuck:
        return None
    waits = []
    for s in stuck:
        kind, i = schedules[s][pos[s]]
        peer, what = (s - 1, "activations") if kind == FORWARD else (s + 1, "gradient")
        waits.append(f"stage {s} at its {kind} of microbatch {i} waits for the {what} of microbatch {i} from stage "
                     f"{peer}")
    return "; ".join(waits)


def check_schedules(schedule: Any, num_microbatches: int, rank: int, world_size: int) -> list[tuple[str, int]]:
    """This rank's schedule, normalised, once every rank's is valid and together they cannot deadlock (a
    collective: every rank calls it; all raise the same ValueError otherwise)."""
    try:
        mine: Any = normalise(schedule, num_microbatches, rank)
    except ValueError as e:
        mine = e
    everyone: list[Any] = [None] * world_size
    dist.all_gather_object(everyone, mine if isinstance(mine, list) else str(mine))
    bad = [x for x in everyone if isinstance(x, str)]
    if bad:
        raise ValueError("; ".join(bad))
    why = find_deadlock(everyone)
    if why is not None:
        raise ValueError(f"these schedules deadlock (every stage left waits for a message no stage will send): "
                         f"{why}")
    return mine


class _Inbox:
    """The receives of one rank's actions, each posted one receiving action ahead: the irecv of the next message
    is already waiting while this action computes, so a message that arrives meanwhile is read in the background
    instead of after the compute (gloo moves an unbound buffer's payload once the receiver has posted it)."""

    def __init__(self, needs: list[tuple[int, int, tuple[int, ...]] | None]) -> None:
        self.needs = needs  # per action: (source rank, tag, shape), or None when it receives nothing
        self.posted: dict[int, tuple[Any, Tensor]] = {}
        receiving = [j for j, n in enumerate(needs) if n is not None]
        self.after = dict(zip(receiving, receiving[1:], strict=False))  # receiving action -> the next one

    def post(self, j: int) -> None:
        if j < len(self.needs) and self.needs[j] is not None and j not in self.posted:
            src, tag, shape = self.needs[j]
            buf = torch.empty(shape)
            self.posted[j] = (dist.irecv(buf, src=src, tag=tag), buf)

    def take(self, j: int) -> Tensor:
        """Action j's message, waited for at most RECV_TIMEOUT_S; then the next receiving action's irecv posted."""
        self.post(j)
        work, buf = self.posted.pop(j)
        work.wait(timedelta(seconds=RECV_TIMEOUT_S))
        if j in self.after:
            self.post(self.after[j])
        return buf


def run_schedule(stage: nn.Module, schedule: Any, tokens: Tensor, targets: Tensor, microbatches: Sequence[slice],
                 loss_fn: Callable[[Tensor, Tensor, int], Tensor], d_model: int) -> StepResult:
    """Run `schedule` on this rank's `stage` (see the module docstring). `tokens` and `targets` are the whole
    batch (b, t) on every rank, `microbatches` its row slices; `loss_fn(logits, targets, total_tokens)` gives a
    microbatch's share of the loss. Gradients accumulate into the stage's parameters' .grad."""
    rank, p = dist.get_rank(), dist.get_world_size()
    m = len(microbatches)
    actions = check_schedules(schedule, m, rank, p)
    result = StepResult(checked_at=time.perf_counter())
    first, last = rank == 0, rank == p - 1
    total_tokens = int(targets.numel())
    seq = int(tokens.shape[1])
    # microbatch -> (received input, stage output, loss on the last stage): the output is kept (and watched) on
    # every stage until the backward, so the live count is what the schedule and the stage keep alive
    kept: dict[int, tuple[Tensor | None, Tensor, Tensor | None]] = {}
    watched: list[weakref.ref] = []
    pending: list[Any] = []  # isend works, with the tensors they send
    loss_total = 0.0

    def need(kind: str, i: int) -> tuple[int, int, tuple[int, ...]] | None:
        shape = (microbatches[i].stop - microbatches[i].start, seq, d_model)
        if kind == FORWARD:
            return None if first else (rank - 1, i, shape)
        return None if last else (rank + 1, i, shape)

    inbox = _Inbox([need(kind, i) for kind, i in actions])
    for j, (kind, i) in enumerate(actions):
        rows = microbatches[i]
        if kind == FORWARD:
            x = tokens[rows] if first else inbox.take(j).requires_grad_()
            start = time.perf_counter()
            out = stage(x)
            watched.append(weakref.ref(out))
            loss = None
            if last:
                loss = loss_fn(out, targets[rows], total_tokens)
                loss_total += float(loss.detach())
            else:
                sent = out.detach()
                pending.append((dist.isend(sent, dst=rank + 1, tag=i), sent))
            kept[i] = (None if first else x, out, loss)
            del x, out, loss
        else:
            x, out, loss = kept.pop(i)
            grad = None if last else inbox.take(j)
            start = time.perf_counter()
            if last:
                loss.backward()
            else:
                out.backward(grad)
            if not first:
                g = x.grad.detach()
                pending.append((dist.isend(g, dst=rank - 1, tag=i), g))
            del x, out, loss, grad
        result.times.append((start, time.perf_counter()))
        result.events.append((kind, i))
        result.peak_live = max(result.peak_live, sum(w() is not None for w in watched))
    for work, _ in pending:
        work.wait()
    stage.finish_gradients()
    result.live_after = sum(w() is not None for w in watched)
    result.loss = loss_total if last else None
    return result
