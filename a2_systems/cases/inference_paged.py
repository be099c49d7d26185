"""Cases for a2.paged_kv_cache (HANDOUT §6.1): scripted add / append / fork / free sequences checked against a
plain-Python simulation of the block pool (block tables, free count, reference counts after every step), a worked
example derived by hand, the keys and values each sequence gets back against numpy concatenation of what it was
given, attention through the block tables against a float64 numpy softmax attention over contiguous K/V, and the
errors the handout pins. The simulation, the worked example's derivation and the attention are in
a2_systems/oracles/inference_paged.py (instructor-only).

Ops are lists: ["add", s], ["append", s, n] (n new positions, K/V from inputs["k"][i], inputs["v"][i]),
["fork", parent, child], ["free", s]. After each op the run records [error type name or "", [[s, block table]
for each live s, ascending], free blocks, [ref count of every block]].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, hide, raises
from shared.cases.tensors import numpy, randn, tensor

ORACLES = Oracles("a2_systems.oracles.inference_paged")  # expected values: instructor-only, never released
HEADS, HEAD_DIM = 2, 3
KV_CLOSE = close(rtol=0, atol=0)  # positions are copied, never computed: bit-for-bit
ATTN_CLOSE = close(rtol=1e-4, atol=1e-5)

# The pinned exception type, named as the worker reports it (the cases never import student modules).
OutOfBlocksError = type("OutOfBlocksError", (RuntimeError,), {"__module__": "a2_systems.inference.paged_kv_cache"})


# ---- the run (worker side) ----

def run_script(impl: Impl, inp: dict) -> dict:
    cache = impl.PagedKVCache(inp["num_blocks"], inp["block_size"], HEADS, HEAD_DIM)
    live: set[int] = set()
    steps = []
    for i, op in enumerate(inp["ops"]):
        err = ""
        if op[0] == "add":
            cache.add_sequence(op[1])
            live.add(op[1])
        elif op[0] == "fork":
            cache.fork(op[1], op[2])
            live.add(op[2])
        elif op[0] == "free":
            cache.free(op[1])
            live.discard(op[1])
        else:
            try:
                cache.append(op[1], tensor(inp["k"][i]), tensor(inp["v"][i]))
            except Exception as e:  # noqa: BLE001 - the oracle says which appends must fail, and with what type
                err = type(e).__name__
        steps.append([err, [[s, [int(b) for b in cache.block_table(s)]] for s in sorted(live)],
                      int(cache.num_free_blocks), [int(cache.ref_count(b)) for b in range(inp["num_blocks"])]])
    kv = [[numpy(t) for t in cache.gather(s)] for s in sorted(live)]
    return {"steps": steps, "kv": kv}


def with_kv(ops: list[list], rng: np.random.Generator) -> dict:
    """K/V arrays for every append op (empty placeholders elsewhere, so inputs["k"][i] lines up with op i)."""
    ks, vs = [], []
    for op in ops:
        n = op[2] if op[0] == "append" else 0
        ks.append(randn(rng, (n, HEADS, HEAD_DIM)))
        vs.append(randn(rng, (n, HEADS, HEAD_DIM)))
    return {"ops": ops, "k": ks, "v": vs}


# ---- a worked example, derived by hand (block_size 4, 8 blocks) ----

WORKED_OPS = [
    ["add", 0], ["append", 0, 6], ["fork", 0, 1], ["append", 1, 1], ["append", 0, 3], ["fork", 1, 2],
    ["free", 0], ["append", 2, 5], ["add", 3], ["append", 3, 17], ["append", 3, 16], ["free", 1],
]


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"num_blocks": 8, "block_size": 4, **with_kv(WORKED_OPS, rng)}


# ---- random scripts ----

def script_inputs(num_ops: int, block_sizes: tuple[int, ...], num_blocks: int) -> Callable:
    def make(rng: np.random.Generator) -> dict:
        ops: list[list] = [["add", 0], ["append", 0, int(rng.integers(1, 9))]]
        live, next_id = [0], 1
        for _ in range(num_ops):
            r = rng.random()
            if r < 0.2 or not live:
                ops.append(["add", next_id])
                live.append(next_id)
                next_id += 1
            elif r < 0.4:
                ops.append(["fork", int(rng.choice(live)), next_id])
                live.append(next_id)
                next_id += 1
            elif r < 0.5 and len(live) > 1:
                s = int(rng.choice(live))
                ops.append(["free", s])
                live.remove(s)
            else:  # mostly short appends, now and then one too big for the pool
                n = int(rng.integers(1, 6)) if rng.random() < 0.9 else int(rng.integers(10, 30))
                ops.append(["append", int(rng.choice(live)), n])
        return {"num_blocks": num_blocks, "block_size": int(rng.choice(block_sizes)), **with_kv(ops, rng)}

    return make


# ---- attention through the block tables ----

def attention_inputs(rng: np.random.Generator) -> dict:
    bs = int(rng.integers(2, 6))
    prefix = int(rng.integers(3, 12))
    ops: list[list] = [["add", 0], ["append", 0, prefix]]
    for child in (1, 2, 3):
        ops += [["fork", 0, child], ["append", child, int(rng.integers(1, 7))]]
    ops.append(["append", 0, int(rng.integers(1, 4))])
    inp = {"num_blocks": 40, "block_size": bs, **with_kv(ops, rng)}
    inp["q"] = [randn(rng, (int(rng.integers(1, 3)), HEADS, HEAD_DIM)) for _ in range(4)]
    return inp


def run_attention(impl: Impl, inp: dict) -> list:
    cache = impl.PagedKVCache(inp["num_blocks"], inp["block_size"], HEADS, HEAD_DIM)
    for i, op in enumerate(inp["ops"]):
        if op[0] == "add":
            cache.add_sequence(op[1])
        elif op[0] == "fork":
            cache.fork(op[1], op[2])
        else:
            cache.append(op[1], tensor(inp["k"][i]), tensor(inp["v"][i]))
    return [numpy(cache.attend(s, tensor(inp["q"][s]))) for s in range(4)]


# ---- the allocator alone, and the pinned errors ----

def run_allocator(impl: Impl, inp: dict) -> list:
    a = impl.BlockAllocator(4)
    got = [a.allocate(), a.allocate(), a.allocate()]  # 0, 1, 2
    a.decref(1)
    got.append(a.allocate())  # 1 again: the lowest free
    a.incref(0)
    a.decref(0)  # still held once
    got += [a.num_free, a.ref_count(0), a.ref_count(3)]
    a.decref(0)
    got += [a.num_free, a.allocate(), a.allocate()]  # 0 is free again; then 3
    return [int(x) for x in got]


def allocator_inputs(rng: np.random.Generator) -> dict:
    """BlockAllocator(n) and 30-50 valid operations (allocate while a block is free; incref or decref a held
    block), with each operation's answer by a plain simulation of the pinned rules: the lowest free id first, a
    block free again when its count reaches 0."""
    n = int(rng.integers(3, 9))
    counts = [0] * n
    ops, wants = [], []
    for _ in range(int(rng.integers(30, 51))):
        held = [b for b in range(n) if counts[b]]
        kind = str(rng.choice(["allocate", "incref", "decref"])) if held else "allocate"
        if kind == "allocate" and len(held) == n:
            kind = "decref"
        if kind == "allocate":
            b = counts.index(0)
            counts[b] = 1
            ops.append(["allocate", -1])
            wants.append([b, n - sum(c > 0 for c in counts)])
        else:
            b = int(held[int(rng.integers(len(held)))])
            counts[b] += 1 if kind == "incref" else -1
            ops.append([kind, b])
            wants.append([counts[b], n - sum(c > 0 for c in counts)])
    return {"n": n, "ops": ops, "wants": wants}


def run_allocator_script(impl: Impl, inp: dict) -> list:
    """After each operation: [the id allocated, or the block's reference count; num_free]."""
    a = impl.BlockAllocator(inp["n"])
    out = []
    for kind, b in inp["ops"]:
        if kind == "allocate":
            out.append([int(a.allocate()), int(a.num_free)])
        else:
            getattr(a, kind)(b)
            out.append([int(a.ref_count(b)), int(a.num_free)])
    return out


def run_raising(what: str) -> Callable[[Impl, dict], Any]:
    def run(impl: Impl, inp: dict) -> Any:
        cache = impl.PagedKVCache(3, 4, HEADS, HEAD_DIM)
        if what == "out_of_blocks":
            cache.add_sequence(0)
            cache.append(0, tensor(inp["k"]), tensor(inp["k"]))  # 13 positions need 4 blocks of 4
        elif what == "unknown_append":
            cache.add_sequence(0)
            cache.append(1, tensor(inp["k"][:2]), tensor(inp["k"][:2]))
        elif what == "unknown_free":
            cache.add_sequence(0)
            cache.free(0)
            cache.free(0)
        elif what == "duplicate_add":
            cache.add_sequence(0)
            cache.add_sequence(0)
        elif what == "wrong_shape":
            cache.add_sequence(0)
            cache.append(0, tensor(inp["k"][:, :1]), tensor(inp["k"][:, :1]))  # 1 head, not 2
        return "returned"

    return run


def raise_inputs(rng: np.random.Generator) -> dict:
    return {"k": randn(rng, (13, HEADS, HEAD_DIM))}


SUITE = Suite(cases=(
    Case(name="paged/allocator_lowest_free", inputs=lambda rng: {}, compare=exact(), run=run_allocator,
         expect=ORACLES.expect_allocator, seeds=(0,), hidden_draws=0,
         note="BlockAllocator(4): lowest free id first, a block is free again at reference count 0 (by hand)"),
    Case(name="paged/allocator_script", inputs=allocator_inputs, compare=exact(), run=run_allocator_script,
         expect=ORACLES.expect_wants, hidden_draws=2, public=hide("wants"),
         note="BlockAllocator(3-8): 30-50 random allocate / incref / decref, each answer against a simulation"),
    Case(name="paged/worked_example", inputs=worked_inputs, compare=fields(steps=exact(), kv=KV_CLOSE),
         run=run_script, expect=ORACLES.expect_worked, seeds=(0,),
         note="HANDOUT §6.1's worked example: fork, copy-on-write, free, a failed append that changes nothing"),
    Case(name="paged/random_script", inputs=script_inputs(24, (2, 3, 4, 5), 12),
         compare=fields(steps=exact(), kv=KV_CLOSE), run=run_script, expect=ORACLES.simulate, seeds=(0, 1, 2),
         hidden_draws=3,
         note="24 random add / append / fork / free ops: tables, free count and reference counts after each, "
              "then every sequence's K/V equal what it was given"),
    Case(name="paged/attention_shared_prefix", inputs=attention_inputs, compare=ATTN_CLOSE,
         run=run_attention, expect=ORACLES.expect_attention, hidden_draws=2,
         note="3 forks of a prefix, each extended: attend() equals float64 softmax attention over contiguous K/V"),
    Case(name="paged/out_of_blocks_raises", inputs=raise_inputs, compare=raises(OutOfBlocksError),
         run=run_raising("out_of_blocks"), seeds=(0,),
         note="13 positions in a pool of 3 blocks of 4: OutOfBlocksError"),
    Case(name="paged/unknown_sequence_raises", inputs=raise_inputs, compare=raises(ValueError),
         run=run_raising("unknown_append"), seeds=(0,), note="appending to a sequence never added: ValueError"),
))
