"""Expected values of the cases of the optional unit a1.kv_accounting (cases/kv_accounting.py and
hidden/kv_accounting_edges.py). Instructor-only: no release ships this module, and nothing the worker imports
imports it.

DeepSeek-V2 (DeepSeek-AI, 2024), Table 1, gives the KV cache per token, in elements, for l layers of n_h heads of
d_h: MHA 2 n_h d_h l, GQA 2 n_g d_h l (n_g groups), MQA 2 d_h l, MLA (d_c + d_h^R) l. A sliding window of w caches
what GQA (or MHA) caches per token, for its last w tokens only (Mistral 7B, Jiang et al. 2023, section 2).
"""

from __future__ import annotations


def table1_elements(spec: dict, l: int) -> int:  # noqa: E741 - the paper's name for the layer count
    kind = spec["kind"]
    if kind == "mha":
        return 2 * spec["num_heads"] * spec["d_head"] * l
    if kind in ("gqa", "sliding_window"):
        return 2 * spec["num_kv_heads"] * spec["d_head"] * l
    if kind == "mqa":
        return 2 * spec["d_head"] * l
    if kind == "mla":
        return (spec["d_latent"] + spec["d_rope"]) * l
    raise ValueError(kind)


def cached_tokens(spec: dict, seq_len: int) -> int:
    return min(seq_len, spec["window"]) if spec["kind"] == "sliding_window" else seq_len


def total_bytes(spec: dict, l: int, seq_len: int, batch: int, dtype_bytes: int) -> int:  # noqa: E741
    return table1_elements(spec, l) * cached_tokens(spec, seq_len) * batch * dtype_bytes


def expect_elements(inp: dict) -> list:
    return [table1_elements(s, inp["num_layers"]) for s in inp["specs"]]


def expect_bytes(inp: dict) -> list:
    return [total_bytes(s, inp["num_layers"], inp["seq_len"], inp["batch_size"], inp["dtype_bytes"])
            for s in inp["specs"]]


def expect_real_caches(inp: dict) -> dict:
    want = [total_bytes(s, inp["num_layers"], inp["seq_len"], inp["batch_size"], 4) for s in inp["specs"]]
    return {"formula": want, "measured": list(want)}


# The 7B-class worked example (l = 32 layers, n_h = 32 heads, d_h = 128), by hand:
#   MHA  2 * 32 * 128 * 32 = 262,144 values per token; GQA with n_g = 8: 2 * 8 * 128 * 32 = 65,536;
#   MQA  2 * 128 * 32 = 8,192; a window of 4096 over 8 kv heads: 65,536 per cached token;
#   MLA  with d_c = 4 d_h = 512 and d_h^R = d_h / 2 = 64: (512 + 64) * 32 = 18,432 = 4.5 d_h l (Table 1's ~4.5).
# In bf16 (2 bytes) for one 32,768-token sequence: 262,144 * 32,768 * 2 = 17,179,869,184 bytes (16 GiB) for MHA,
# 4 GiB for GQA, 0.5 GiB for MQA, 65,536 * 4,096 * 2 = 536,870,912 (0.5 GiB) for the window, and
# 18,432 * 32,768 * 2 = 1,207,959,552 (1.125 GiB) for MLA.
TABLE_7B_ELEMENTS = [262_144, 65_536, 8_192, 65_536, 18_432]
TABLE_7B_BYTES_32K_BF16 = [17_179_869_184, 4_294_967_296, 536_870_912, 536_870_912, 1_207_959_552]


def expect_table_7b(inp: dict) -> dict:
    return {"elements": list(TABLE_7B_ELEMENTS), "bytes_32k_bf16": list(TABLE_7B_BYTES_32K_BF16)}
