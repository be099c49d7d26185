"""Expected values of a2.paged_kv_cache's cases (instructor-only), for a2_systems/cases/inference_paged.py and
hidden/inference_edges.py: a plain-Python simulation of the block pool under the policies HANDOUT §6.1 pins down
(block tables, free count and reference counts after every op, and each sequence's K/V as numpy concatenation of
what it was given), the worked example's steps derived by hand, float64 numpy softmax attention over contiguous
K/V, and the allocator's answers."""

import numpy as np

from a2_systems.cases.inference_paged import HEAD_DIM, HEADS

# ---- the oracle: a plain-Python simulation of the policies HANDOUT §6.1 pins down ----

def simulate(inp: dict) -> dict:
    """Lowest free block first; a block is free at reference count 0; a partly filled shared last block is
    copied before an append writes into it; an append that lacks blocks fails with nothing changed."""
    nb, bs = inp["num_blocks"], inp["block_size"]
    refs = [0] * nb
    tables: dict[int, list[int]] = {}
    data: dict[int, list[np.ndarray]] = {}  # per sequence: [k, v] as it logically is (numpy, contiguous)

    def alloc() -> int:
        b = refs.index(0)
        refs[b] = 1
        return b

    steps = []
    for i, op in enumerate(inp["ops"]):
        err = ""
        if op[0] == "add":
            tables[op[1]] = []
            data[op[1]] = [np.zeros((0, HEADS, HEAD_DIM), np.float32)] * 2
        elif op[0] == "fork":
            tables[op[2]] = list(tables[op[1]])
            data[op[2]] = list(data[op[1]])
            for b in tables[op[1]]:
                refs[b] += 1
        elif op[0] == "free":
            for b in tables.pop(op[1]):
                refs[b] -= 1
            del data[op[1]]
        else:
            s, n = op[1], op[2]
            length, table = len(data[s][0]), tables[s]
            used = length % bs
            room = bs - used if used else 0
            cow = used > 0 and refs[table[-1]] > 1
            need = -(-max(0, n - room) // bs) + int(cow)
            if need > refs.count(0):
                err = "OutOfBlocksError"
            else:
                if cow:
                    refs[table[-1]] -= 1
                    table[-1] = alloc()
                while len(table) * bs < length + n:
                    table.append(alloc())
                data[s] = [np.concatenate([data[s][0], inp["k"][i]]), np.concatenate([data[s][1], inp["v"][i]])]
        steps.append([err, [[s, list(tables[s])] for s in sorted(tables)], refs.count(0), list(refs)])
    return {"steps": steps, "kv": [list(data[s]) for s in sorted(data)]}


# ---- the worked example (block_size 4, 8 blocks: cases/inference_paged.py's WORKED_OPS), derived by hand ----

# After each op: [error, [[seq, table], ...], free blocks, refs of blocks 0..7]. The derivation:
WORKED_STEPS = [
    ["", [[0, []]], 8, [0, 0, 0, 0, 0, 0, 0, 0]],
    # 6 positions: blocks 0 (full) and 1 (2 of 4 slots)
    ["", [[0, [0, 1]]], 6, [1, 1, 0, 0, 0, 0, 0, 0]],
    # fork shares both blocks: counts 2
    ["", [[0, [0, 1]], [1, [0, 1]]], 6, [2, 2, 0, 0, 0, 0, 0, 0]],
    # seq 1 writes slot 2 of block 1, which seq 0 shares: copy-on-write into block 2 (lowest free)
    ["", [[0, [0, 1]], [1, [0, 2]]], 5, [2, 1, 1, 0, 0, 0, 0, 0]],
    # seq 0 owns block 1 alone now: slots 2, 3 in place, the 9th position opens block 3
    ["", [[0, [0, 1, 3]], [1, [0, 2]]], 4, [2, 1, 1, 1, 0, 0, 0, 0]],
    ["", [[0, [0, 1, 3]], [1, [0, 2]], [2, [0, 2]]], 4, [3, 1, 2, 1, 0, 0, 0, 0]],
    # blocks 1 and 3 drop to 0 and are free again
    ["", [[1, [0, 2]], [2, [0, 2]]], 6, [2, 0, 2, 0, 0, 0, 0, 0]],
    # seq 2 (7 positions) shares its partly filled block 2: copy into block 1, then 1 slot + 4 in block 3
    ["", [[1, [0, 2]], [2, [0, 1, 3]]], 4, [2, 1, 1, 1, 0, 0, 0, 0]],
    ["", [[1, [0, 2]], [2, [0, 1, 3]], [3, []]], 4, [2, 1, 1, 1, 0, 0, 0, 0]],
    # 17 positions need 5 blocks, 4 are free: nothing changes
    ["OutOfBlocksError", [[1, [0, 2]], [2, [0, 1, 3]], [3, []]], 4, [2, 1, 1, 1, 0, 0, 0, 0]],
    ["", [[1, [0, 2]], [2, [0, 1, 3]], [3, [4, 5, 6, 7]]], 0, [2, 1, 1, 1, 1, 1, 1, 1]],
    ["", [[2, [0, 1, 3]], [3, [4, 5, 6, 7]]], 1, [1, 1, 0, 1, 1, 1, 1, 1]],
]


def expect_worked(inp: dict) -> dict:
    return {"steps": WORKED_STEPS, "kv": simulate(inp)["kv"]}


# ---- attention through the block tables ----

def softmax_attention64(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    """q (n, h, d), k and v (t, h, d) -> (n, h, d): float64 softmax(q k^T / sqrt(d)) v per head."""
    q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
    s = np.einsum("nhd,thd->hnt", q, k) / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    return np.einsum("hnt,thd->nhd", w, v)


def expect_attention(inp: dict) -> list:
    kv = simulate(inp)["kv"]
    return [softmax_attention64(inp["q"][s], *kv[s]).astype(np.float32) for s in range(4)]


# ---- the allocator alone ----

def expect_allocator(inp: dict) -> list:
    """BlockAllocator(4) under cases/inference_paged.py's run_allocator, by hand: lowest free id first, a block is
    free again at reference count 0."""
    return [0, 1, 2, 1, 1, 1, 0, 2, 0, 3]


def expect_wants(inp: dict) -> list:
    """The answers allocator_inputs simulated while drawing the operations."""
    return inp["wants"]
