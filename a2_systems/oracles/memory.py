"""Expected values of a2.peak_memory's cases (instructor-only): the op script replayed on paper. A storage is new
memory when an op allocates it (empty, out-of-place multiply, cat), views and in-place ops allocate nothing, a
storage is freed when the last variable naming it (base or view) is deleted, and bytes = numel x itemsize; peak,
live and total allocated bytes follow by counting."""

from a2_systems.cases.memory import ITEMSIZE


def expect_script(inp: dict) -> dict:
    size: dict[str, int] = {p["dst"]: p["numel"] * ITEMSIZE[p["dtype"]] for p in inp["pre"]}
    base_of = {p["dst"]: p["dst"] for p in inp["pre"]}
    tracked: set[str] = set()  # bases allocated inside the block
    refs: dict[str, int] = {b: 1 for b in base_of}  # live variables per base
    live = peak = allocated = 0
    for op in inp["ops"]:
        kind = op["op"]
        if kind in ("empty", "mul", "cat"):
            if kind == "empty":
                nbytes = op["numel"] * ITEMSIZE[op["dtype"]]
            elif kind == "mul":
                nbytes = size[base_of[op["src"]]]
            else:
                nbytes = size[base_of[op["a"]]] + size[base_of[op["b"]]]
            dst = op["dst"]
            size[dst], base_of[dst], refs[dst] = nbytes, dst, 1
            tracked.add(dst)
            live += nbytes
            allocated += nbytes
            peak = max(peak, live)
        elif kind == "view":
            base_of[op["dst"]] = base_of[op["src"]]
            refs[base_of[op["src"]]] += 1
        elif kind == "del":
            base = base_of.pop(op["src"])
            refs[base] -= 1
            if refs[base] == 0 and base in tracked:
                live -= size[base]
    return {"peak_bytes": peak, "live_bytes": live, "allocated_bytes": allocated}
