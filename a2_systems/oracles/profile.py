"""Expected values of a2.profiling's cases (instructor-only): operator counts known by construction (n_mm matmuls
and n_softmax softmaxes per measured step) and a table that is sorted, consistent and one row per op."""


def expect_counts(inp: dict) -> dict:
    return {"calls": {"aten::mm": inp["n_mm"] * inp["steps"], "aten::softmax": inp["n_softmax"] * inp["steps"]},
            "sorted_by_total": True, "self_within_total": True, "unique_names": True}
