"""Cases for a4.pii: texts with planted emails, phone numbers and IPv4 addresses, built beside their masked
twins (textgen/pii.py), so the expected output is known without any regex (the oracles are in
a4_data/oracles/pii.py). Filler sentences hold numbers that are not PII (versions, dates, prices) and must come
out unchanged."""

from __future__ import annotations

import numpy as np

from a4_data.textgen.pii import FILLER, planted
from shared.cases import Case, Impl, Oracles, Suite, exact

ORACLES = Oracles("a4_data.oracles.pii")  # expected values: instructor-only, never released

FUNCS = {"email": "mask_emails", "phone": "mask_phone_numbers", "ip": "mask_ips"}


def planted_inputs(kind: str, mixed: bool) -> object:
    def inputs(rng: np.random.Generator) -> dict:
        kinds = ("email", "phone", "ip") if mixed else (kind,)
        texts, masked, counts = [], [], []
        for _ in range(6):
            text, m, c = planted(rng, kinds, int(rng.integers(2, 8)))
            texts.append(text)
            masked.append(m[kind])
            counts.append(c[kind])
        return {"kind": kind, "texts": texts, "masked": masked, "counts": counts}
    return inputs


def run_mask(impl: Impl, inp: dict) -> list:
    fn = getattr(impl, FUNCS[inp["kind"]])
    out = []
    for t in inp["texts"]:
        text, count = fn(t)
        out.append([text, int(count)])
    return out


# numbers that are no PII under §4's pins: too many octets, an octet over 255, too few phone digits, a longer
# digit run, an '@' without a dotted domain
NOT_PII = ("Release 1.2.3.4.5 is out.", "Octets stop at 255, so 256.1.1.1 is no address.",
           "Call extension 555-0199 inside the building.", "Order number 123456789012 has shipped.",
           "Mention @alice in the chat, or write to admin@localhost.", *FILLER)


def negative_inputs(rng: np.random.Generator) -> dict:
    idx = rng.permutation(len(NOT_PII))
    return {"texts": [" ".join(NOT_PII[int(i)] for i in idx[k:k + 3]) for k in range(0, len(idx), 3)]}


def run_all(impl: Impl, inp: dict) -> list:
    out = []
    for t in inp["texts"]:
        for name in FUNCS.values():
            text, count = getattr(impl, name)(t)
            out.append([text, int(count)])
    return out


SUITE = Suite(cases=(
    *(Case(name=f"pii/{kind}", inputs=planted_inputs(kind, False), compare=exact(), run=run_mask,
           expect=ORACLES.expect_mask, seeds=(0, 1, 2), hidden_draws=2,
           note=f"planted {kind} values in every format of §4, masked, with their count")
      for kind in FUNCS),
    *(Case(name=f"pii/{kind}_among_others", inputs=planted_inputs(kind, True), compare=exact(), run=run_mask,
           expect=ORACLES.expect_mask, note=f"{kind} masked while the other kinds of PII are left alone")
      for kind in FUNCS),
    Case(name="pii/not_pii", inputs=negative_inputs, compare=exact(), run=run_all, expect=ORACLES.expect_unchanged,
         seeds=(0,),
         note="versions, dates, prices, 256.1.1.1, 1.2.3.4.5, 7-digit and 12-digit numbers: unchanged, count 0"),
))
