"""Edge cases graded only at hidden seeds, each within what the handout pins down: an empty WARC file, PII at the
very start and end of a text, the Gopher upper word bound, an empty input file for line dedup, and a
near-duplicate cluster whose first member (in input order) has the larger file name."""

from __future__ import annotations

import numpy as np

from a4_data.cases import dedup_exact, gopher, minhash, pii, warc
from a4_data.textgen import english
from a4_data.textgen.pii import email, ipv4, phone
from shared.cases import Case, Oracles, Suite, exact, hide

ORACLES = Oracles("a4_data.oracles.edge_cases")  # expected values: instructor-only, never released
PII = Oracles("a4_data.oracles.pii")
DEDUP_EXACT = Oracles("a4_data.oracles.dedup_exact")


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
    Case(name="warc/edge_empty_file", inputs=empty_warc, compare=exact(), run=warc.run_read,
         expect=ORACLES.expect_empty_warc, note="a zero-byte file: nothing, no error"),
    Case(name="pii/edge_text_ends", inputs=pii_at_edges, compare=exact(), run=pii.run_mask,
         expect=PII.expect_mask, hidden_draws=2,
         note="PII at the very start and end of the text, and a text that is only PII"),
    Case(name="gopher/edge_upper_word_bound", inputs=gopher_upper, compare=exact(), public=hide("verdicts"),
         run=gopher.run_filter, expect=ORACLES.expect_verdicts, note="100,000 words pass; 100,001 fail"),
    Case(name="exact_dedup/edge_empty_file", inputs=dedup_empty_file, compare=exact(),
         run=dedup_exact.run_dedup, expect=DEDUP_EXACT.expect_dedup,
         note="an empty input file gives an empty output file"),
    Case(name="minhash/edge_first_in_input_order", inputs=minhash_first_is_larger_name,
         compare=exact(), run=minhash.run_dedup, expect=ORACLES.expect_first_kept,
         note="b.txt comes first in the input: it is kept, not a.txt"),
))
