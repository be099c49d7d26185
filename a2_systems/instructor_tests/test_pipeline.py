"""The reference pipeline (stages, microbatches, loss, GPipe and 1F1B) against independent derivations: the
oracle's clocked simulation of each schedule, the schedules' live-activation counts and logical bubble from their
definitions, the stages composed back into a1's TransformerLM, and one real 2-rank world whose deadlocking
schedule fails fast instead of hanging."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F

from a1_basics.nn.transformer import TransformerLM
from a2_systems.cases.pipeline import logical_bubble, param_shapes
from a2_systems.distributed.pipeline import (
    PipelineStage,
    gpipe_schedule,
    microbatch_loss,
    split_microbatches,
    stage_layers,
)
from a2_systems.distributed.pipeline_1f1b import one_f_one_b_schedule
from a2_systems.distributed.pipeline_runtime import RECV_TIMEOUT_S, find_deadlock, normalise, run_schedule
from a2_systems.distributed.world import run_world
from a2_systems.oracles.pipeline import simulate

SCHEDULES = {"gpipe": gpipe_schedule, "1f1b": one_f_one_b_schedule}


def _live_peak(actions: list[tuple[str, int]]) -> int:
    live = peak = 0
    for kind, _ in actions:
        live += 1 if kind == "forward" else -1
        peak = max(peak, live)
    return peak


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_equal_the_clocked_simulation_and_their_bounds(name):
    for p in range(1, 7):
        for m in range(1, 3 * p + 2):
            got = [SCHEDULES[name](p, s, m) for s in range(p)]
            assert got == simulate(p, m, name), (p, m)
            assert find_deadlock(got) is None
            # every stage idles (P-1)/(m+P-1) of the span when forward and backward take one unit each
            assert logical_bubble(got) == [Fraction(p - 1, m + p - 1)] * p
            for s, actions in enumerate(got):
                assert _live_peak(actions) == (m if name == "gpipe" else min(p - s, m)), (p, m, s)


def test_1f1b_phases_at_p4_m6_by_hand():
    # stage 0 of 4 warms up with P-1 = 3 forwards, then alternates, then cools down with 3 backwards
    f, b = "forward", "backward"
    assert one_f_one_b_schedule(4, 0, 6) == [(f, 0), (f, 1), (f, 2), (f, 3), (b, 0), (f, 4), (b, 1), (f, 5),
                                              (b, 2), (b, 3), (b, 4), (b, 5)]
    assert one_f_one_b_schedule(4, 3, 2) == [(f, 0), (b, 0), (f, 1), (b, 1)]


def test_deadlock_and_malformed_schedules_are_named():
    f, b = "forward", "backward"
    stuck = [[(f, 0), (b, 0), (f, 1), (b, 1)], [(f, 0), (f, 1), (b, 0), (b, 1)]]
    assert "stage 0" in find_deadlock(stuck) and "stage 1" in find_deadlock(stuck)
    with pytest.raises(ValueError, match="before its forward"):
        normalise([(b, 0), (f, 0)], 1, 0)
    with pytest.raises(ValueError, match="no backward"):
        normalise([(f, 0)], 1, 0)
    with pytest.raises(ValueError, match="twice"):
        normalise([(f, 0), (f, 0)], 1, 0)


def test_splits_and_bad_sizes():
    assert stage_layers(7, 3) == [range(0, 3), range(3, 5), range(5, 7)]
    assert split_microbatches(7, 3) == [slice(0, 3), slice(3, 5), slice(5, 7)]
    for fn, args in ((stage_layers, (3, 4)), (stage_layers, (3, 0)), (split_microbatches, (2, 3)),
                     (gpipe_schedule, (2, 2, 1)), (one_f_one_b_schedule, (2, 0, 0))):
        with pytest.raises(ValueError):
            fn(*args)


def test_microbatch_shares_add_up_to_the_batch_mean():
    torch.manual_seed(0)
    logits, targets = torch.randn(7, 3, 5, dtype=torch.float64), torch.randint(0, 5, (7, 3))
    shares = [microbatch_loss(logits[s], targets[s], targets.numel()) for s in split_microbatches(7, 3)]
    torch.testing.assert_close(sum(shares), F.cross_entropy(logits.reshape(-1, 5), targets.reshape(-1)))


@pytest.mark.parametrize("tied", [False, True])
def test_stages_compose_into_the_model(tied):
    torch.manual_seed(0)
    model = TransformerLM(13, 8, 8, 5, 2, 16, 10000.0, tie_embeddings=tied)
    arch = {"vocab_size": 13, "d_model": 8, "d_ff": 16, "num_layers": 5, "tie_embeddings": tied}
    assert {n: tuple(p.shape) for n, p in model.state_dict().items() if not (tied and n == "lm_head.weight")} \
        == param_shapes(arch)
    tokens = torch.randint(0, 13, (2, 6))
    for p in (1, 2, 3, 5):
        stages = [PipelineStage(model, s, p) for s in range(p)]
        x = tokens
        for st in stages:
            x = st(x)
        torch.testing.assert_close(x, model(tokens))
        names = [n for st in stages for n in st.state_dict()]
        assert sorted(names) == sorted(model.state_dict()) and len(names) == len(set(names))


def _world_step(rank: int, world_size: int, which: str) -> dict:
    torch.manual_seed(0)
    model = TransformerLM(11, 8, 8, 2, 2, 16, 10000.0, tie_embeddings=True)
    full = TransformerLM(11, 8, 8, 2, 2, 16, 10000.0, tie_embeddings=True)
    full.load_state_dict(model.state_dict())
    tokens, targets = torch.randint(0, 11, (5, 4)), torch.randint(0, 11, (5, 4))
    stage = PipelineStage(model, rank, world_size)
    if which == "deadlock":  # warm-up counted from the wrong end: stage 1 waits for microbatch 1 first
        schedule = [("forward", 0), ("backward", 0), ("forward", 1), ("backward", 1)] if rank == 0 else \
            [("forward", 0), ("forward", 1), ("backward", 0), ("backward", 1)]
    else:
        schedule = one_f_one_b_schedule(world_size, rank, 3)  # stage 0: F0 F1 B0 F2 B1 B2
    m = 2 if which == "deadlock" else 3
    r = run_schedule(stage, schedule, tokens, targets, split_microbatches(5, m), microbatch_loss, 8)
    F.cross_entropy(full(tokens).reshape(-1, 11), targets.reshape(-1)).backward()
    ref = dict(full.named_parameters(remove_duplicate=False))
    err = max(float((p.grad - ref[n].grad).abs().max()) for n, p in stage.named_parameters())
    return {"err": err, "live_after": r.live_after, "peak": r.peak_live}


def test_one_world_equals_one_process_and_a_deadlock_fails_fast():
    start = time.monotonic()
    ok, stuck = run_world(_world_step, ["1f1b", "deadlock"], world_size=2, task_timeout_s=30.0)
    elapsed = time.monotonic() - start
    assert ok.ok, ok.error and ok.error.traceback
    assert max(v["err"] for v in ok.values) < 1e-5
    assert [v["peak"] for v in ok.values] == [2, 1] and all(v["live_after"] == 0 for v in ok.values)
    # refused by the runtime's check before any recv: a hang would wait RECV_TIMEOUT_S at least
    assert not stuck.ok and "deadlock" in stuck.error.message
    assert elapsed < RECV_TIMEOUT_S


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("p,m", [(2, 4), (2, 7), (4, 8), (3, 1)])
def test_bench_replay_of_equal_stages_is_the_theory(name, p, m):
    """The bench's replay with every stage's forward 1 and backward 2 (and with forward = backward) gives each rank
    the theory's bubble (P-1)/(m+P-1) exactly: the span is (m+P-1)(F+B), each rank computes m(F+B)."""
    from a2_systems.bench.pipeline_bench import replay_bubbles

    actions = [SCHEDULES[name](p, s, m) for s in range(p)]
    for f, b in ((1.0, 2.0), (1.0, 1.0)):
        durations = [[f if kind == "forward" else b for kind, _ in a] for a in actions]
        assert replay_bubbles(actions, durations) == pytest.approx([(p - 1) / (m + p - 1)] * p, abs=1e-12)
    # one stage slower by half: the others wait for it, their bubble grows past the theory and its own does not
    durations = [[(1.5 if s == p - 1 else 1.0) * (1.0 if kind == "forward" else 2.0) for kind, _ in a]
                 for s, a in enumerate(actions)]
    got = replay_bubbles(actions, durations)
    if m > 1:
        assert all(g > (p - 1) / (m + p - 1) + 1e-9 for g in got[:-1])
    with pytest.raises(ValueError, match="deadlock"):
        replay_bubbles([[("backward", 0), ("forward", 0)], [("forward", 0), ("backward", 0)]], [[1, 1], [1, 1]])
