"""Cases for a2.flash_triton_forward and a2.flash_triton_backward (HANDOUT §3.2, §3.3). They run under
TRITON_INTERPRET=1 on CPU float32 tensors (a2_systems sets it when no GPU exists), sized so that programs x loop
iterations stay small: the interpreter costs milliseconds per iteration."""

from __future__ import annotations

from typing import Any

from a2_systems.cases.flash_oracle import (
    FLASH_CLOSE,
    attention_inputs,
    device_for,
    quarter_matrix_at_most,
    run_bad,
    run_forward,
    run_grads,
    run_largest_tensor,
    run_saved_shapes,
)
from shared.cases import Case, Oracles, Suite, exact, predicate, raises

ORACLES = Oracles("a2_systems.oracles.flash_oracle")  # expected values: instructor-only, never released
TARGET = "FlashAttentionTriton"


def count_dots(fn: Any) -> int:
    """How many tl.dot calls the Triton interpreter executes while `fn()` runs (every program, every iteration).
    Instrumentation: it hooks the interpreter's builder, so it needs TRITON_INTERPRET=1."""
    from triton.runtime import interpreter

    builder = interpreter.InterpreterBuilder
    original = builder.create_dot
    calls = [0]

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(self, *args, **kwargs)

    builder.create_dot = counted
    try:
        fn()
    finally:
        builder.create_dot = original
    return calls[0]


def run_tile_counts(impl: Any, inp: dict) -> dict:
    """The work of one causal and one non-causal forward on the same inputs: tl.dot calls in the interpreter;
    on a GPU (no interpreter to hook) microseconds per call instead, at a size where time tracks work."""
    import torch

    f = impl.FlashAttentionTriton
    if device_for(TARGET) == "cpu":
        q, k, v = (torch.tensor(inp[n]) for n in ("Q", "K", "V"))
        return {"causal": count_dots(lambda: f.apply(q, k, v, True)),
                "full": count_dots(lambda: f.apply(q, k, v, False))}
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(4, 8192, 64, generator=gen).to("cuda", torch.float16) for _ in range(3))
    return {"causal": _gpu_microseconds(lambda: f.apply(q, k, v, True)),
            "full": _gpu_microseconds(lambda: f.apply(q, k, v, False))}


def _gpu_microseconds(fn: Any, reps: int = 10) -> int:
    """Median time of `fn()` over `reps` runs after a warm-up (which also compiles), in whole microseconds."""
    import torch

    fn()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return int(1000 * sorted(times)[reps // 2])


def skips_tiles(inp: dict, out: dict) -> tuple[bool, str]:
    causal, full = int(out["causal"]), int(out["full"])
    if full <= 0:
        return False, "the non-causal forward made no tl.dot call: is it a Triton kernel?"
    # Bq, Bk <= 128 at n = 256: at least two tiles each way, so skipping leaves at most 3/4 of the tile pairs
    return causal <= 0.8 * full, (f"causal forward: {causal}, non-causal: {full} (tl.dot calls in the interpreter, "
                                  f"microseconds on a GPU); skipping the key tiles above the diagonal needs at most "
                                  f"0.8x as much")


SUITE = Suite(cases=(
    Case(name="flash_triton/forward", inputs=attention_inputs(2, 48, 80, 16, False), compare=FLASH_CLOSE,
         run=run_forward(TARGET), expect=ORACLES.expect_forward, seeds=(0,),
         note="O and the saved logsumexp L, 48 queries x 80 keys, d = 16: masked partial tiles"),
    Case(name="flash_triton/causal_forward", inputs=attention_inputs(2, 72, 72, 16, True),
         compare=FLASH_CLOSE, run=run_forward(TARGET), expect=ORACLES.expect_forward, seeds=(0,),
         note="causal O and L, n = 72"),
    Case(name="flash_triton/causal_skips_tiles", inputs=attention_inputs(1, 256, 256, 16, False),
         compare=predicate("causal skips the key tiles above the diagonal", skips_tiles), run=run_tile_counts,
         expect=None, seeds=(0,),
         note="n = 256: the causal forward runs at most 0.8x the tl.dot calls of the non-causal one"),
    Case(name="flash_triton/saved_tensors", inputs=attention_inputs(1, 40, 56, 16, False),
         compare=exact(), run=run_saved_shapes(TARGET), expect=ORACLES.expect_saved_shapes, seeds=(0,), hidden_draws=0,
         note="the autograd context keeps exactly L (float32), Q, K, V, O"),
    Case(name="flash_triton/causal_needs_square", inputs=attention_inputs(1, 16, 24, 16, True),
         compare=raises(ValueError), run=run_bad(TARGET), expect=None, seeds=(0,),
         note="is_causal with n_queries != n_keys raises ValueError"),
    Case(name="flash_triton/backward", inputs=attention_inputs(2, 40, 56, 16, False),
         compare=FLASH_CLOSE, run=run_grads(TARGET), expect=ORACLES.expect_grads, seeds=(0,),
         note="dQ, dK, dV for a random upstream dO, 40 x 56, d = 16"),
    Case(name="flash_triton/causal_backward", inputs=attention_inputs(2, 72, 72, 16, True),
         compare=FLASH_CLOSE, run=run_grads(TARGET), expect=ORACLES.expect_grads, seeds=(0,),
         note="causal dQ, dK, dV, n = 72"),
    Case(name="flash_triton/backward_no_quadratic_tensor",
         inputs=attention_inputs(1, 256, 256, 16, True), compare=quarter_matrix_at_most, run=run_largest_tensor(TARGET),
         expect=None, seeds=(0,),
         note="forward + backward at n = 256 make no torch tensor of more than n*n/4 floats: P stays in the kernels"),
))
