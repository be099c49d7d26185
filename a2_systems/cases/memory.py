"""Cases for a2.peak_memory: random scripts of tensor operations whose memory is known by construction.

Each script creates, views, modifies in place, concatenates and deletes tensors of several dtypes; some tensors
exist before the tracker starts. The oracle (a2_systems/oracles/memory.py) replays the script on paper: a storage
is new memory when an op allocates it (empty, out-of-place multiply, cat), views and in-place ops allocate nothing,
a storage is freed when the last variable naming it (base or view) is deleted, and bytes = numel x itemsize. Peak,
live and total allocated bytes follow by counting; they are independent of how the tracker is written."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, exact

ORACLES = Oracles("a2_systems.oracles.memory")  # expected values: instructor-only, never released

ITEMSIZE = {"float32": 4, "float64": 8, "int8": 1, "bfloat16": 2}


def script_inputs(rng: np.random.Generator) -> dict:
    """A script over variables v0, v1, ...; `pre` variables exist before the tracked block. Every view is a full
    `view(-1)` of its base, so an op on a view costs what the same op on the base costs."""
    pre = [{"dst": f"p{k}", "numel": int(rng.integers(8, 512)), "dtype": str(rng.choice(list(ITEMSIZE)))}
           for k in range(int(rng.integers(1, 3)))]
    bases: dict[str, tuple[int, str]] = {p["dst"]: (p["numel"], p["dtype"]) for p in pre}
    names: list[str] = list(bases)  # every live variable (bases and views)
    base_of = {n: n for n in names}
    ops: list[dict] = []
    for k in range(int(rng.integers(8, 20))):
        dst = f"v{k}"
        choice = rng.choice(["empty", "empty", "mul", "view", "inplace", "cat", "del", "del"])
        if choice == "empty" or not names:
            numel, dtype = int(rng.integers(1, 2048)), str(rng.choice(list(ITEMSIZE)))
            ops.append({"op": "empty", "dst": dst, "numel": numel, "dtype": dtype})
            bases[dst], base_of[dst] = (numel, dtype), dst
            names.append(dst)
        elif choice == "mul":
            src = str(rng.choice(names))
            ops.append({"op": "mul", "dst": dst, "src": src})
            bases[dst], base_of[dst] = bases[base_of[src]], dst
            names.append(dst)
        elif choice == "view":
            src = str(rng.choice(names))
            ops.append({"op": "view", "dst": dst, "src": src})
            base_of[dst] = base_of[src]
            names.append(dst)
        elif choice == "inplace":
            ops.append({"op": "inplace", "src": str(rng.choice(names))})
        elif choice == "cat":
            a = str(rng.choice(names))
            same = [b for b in names if bases[base_of[b]][1] == bases[base_of[a]][1]]
            b = str(rng.choice(same))
            ops.append({"op": "cat", "dst": dst, "a": a, "b": b})
            bases[dst], base_of[dst] = (bases[base_of[a]][0] + bases[base_of[b]][0], bases[base_of[a]][1]), dst
            names.append(dst)
        else:
            src = str(rng.choice(names))
            ops.append({"op": "del", "src": src})
            names.remove(src)
    return {"pre": pre, "ops": ops}


def run_script(impl: Impl, inp: dict) -> Any:
    import torch

    dtypes = {"float32": torch.float32, "float64": torch.float64, "int8": torch.int8, "bfloat16": torch.bfloat16}
    env: dict[str, Any] = {p["dst"]: torch.ones(p["numel"], dtype=dtypes[p["dtype"]]) for p in inp["pre"]}
    with impl.PeakMemoryTracker() as mem:
        for op in inp["ops"]:
            kind = op["op"]
            if kind == "empty":
                env[op["dst"]] = torch.ones(op["numel"], dtype=dtypes[op["dtype"]])
            elif kind == "mul":
                env[op["dst"]] = env[op["src"]] * 2
            elif kind == "view":
                env[op["dst"]] = env[op["src"]].view(-1)
            elif kind == "inplace":
                env[op["src"]].mul_(3)
            elif kind == "cat":
                env[op["dst"]] = torch.cat([env[op["a"]], env[op["b"]]])
            else:
                del env[op["src"]]
        # one more op after the last del, so a tracker that notices frees lazily has seen them
        torch.zeros(0)
    return {"peak_bytes": int(mem.peak_bytes), "live_bytes": int(mem.live_bytes),
            "allocated_bytes": int(mem.allocated_bytes)}


SUITE = Suite(cases=(
    Case(name="memory/op_script", inputs=script_inputs, compare=exact(), run=run_script,
         expect=ORACLES.expect_script, seeds=(0, 1, 2, 3), hidden_draws=4,
         note="storages counted once (views and in-place ops are free), frees noticed, bytes by dtype"),
))
