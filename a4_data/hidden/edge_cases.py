"""Edge cases graded only at hidden seeds, each within what the handout pins down: an empty WARC file, PII at the
very start and end of a text, the Gopher upper word bound, an empty input file for line dedup, and a
near-duplicate cluster whose first member (in input order) has the larger file name."""

from __future__ import annotations

import numpy as np

from a4_data.cases import dedup_exact, gopher, minhash, pii, warc
from a4_data.textgen import english
from a4_data.textgen.pii import email, ipv4, phone
from shared.cases import Case, Suite, exact


def empty_warc(rng: np.random.Generator) -> dict:
    return {"warc": b"", "urls": [], "bodies": [], "types": [], "gzip": bool(rng.integers(2)), "requests": False}


def pii_at_edges(rng: np.random.Generator) -> dict:
    kind = str(rng.choice(["email", "phone", "ip"]))
    make = {"email": email, "phone": phone, "ip": ipv4}[kind]
    mask = {"email": "|||EMAIL_ADDRESS|||", "phone": "|||PHONE_NUMBER|||", "ip": "|||IP_ADDRESS|||"}[kind]
    a, b = make(rng), make(rng)
    return {"kind": kind, "texts": [f"{a} is listed, and so is {b}", a], "masked": [f"{mask} is listed, and so is "
                                                                                     f"{mask}", mask],
            "counts": [2, 1]}


def gopher_upper(rng: np.random.Generator) -> dict:
    words = gopher.words_of_mean(rng, 100, 500)
    reps = 1000
    return {"texts": [" ".join(words * reps), " ".join(words * reps + ["extra"])], "verdicts": [True, False]}


def dedup_empty_file(rng: np.random.Generator) -> dict:
    inp = dedup_exact.files_inputs(rng)
    return {"files": {**inp["files"], "zz_empty.txt": ""}}


def minhash_first_is_larger_name(rng: np.random.Generator) -> dict:
    base = english.article(rng, 3, sentences=(4, 7))
    other = english.article(rng, 3, sentences=(4, 7))
    return {"names": ["b.txt", "a.txt", "c.txt"], "docs": [base, minhash.perturb(rng, base, 1), other],
            "num_hashes": 128, "num_bands": 32, "ngrams": 5, "threshold": 0.8}


SUITE = Suite(cases=(
    Case("warc/edge_empty_file", "a4.warc", empty_warc, exact(), warc.run_read,
         lambda inp: {"docs": [], "counts": {}}, seeds=(), hidden_draws=1, note="a zero-byte file: nothing, no error"),
    Case("pii/edge_text_ends", "a4.pii", pii_at_edges, exact(), pii.run_mask, pii.expect_mask, seeds=(),
         hidden_draws=2, note="PII at the very start and end of the text, and a text that is only PII"),
    Case("gopher/edge_upper_word_bound", "a4.gopher", gopher_upper, exact(), gopher.run_filter,
         lambda inp: list(inp["verdicts"]), seeds=(), hidden_draws=1, note="100,000 words pass; 100,001 fail"),
    Case("exact_dedup/edge_empty_file", "a4.exact_dedup", dedup_empty_file, exact(), dedup_exact.run_dedup,
         dedup_exact.expect_dedup, seeds=(), hidden_draws=1, note="an empty input file gives an empty output file"),
    Case("minhash/edge_first_in_input_order", "a4.minhash", minhash_first_is_larger_name, exact(),
         minhash.run_dedup, lambda inp: ["b.txt", "c.txt"], seeds=(), hidden_draws=1,
         note="b.txt comes first in the input: it is kept, not a.txt"),
))
