"""Cases for a4.minhash. Normalisation and shingles against worked examples; signatures against the exact
Jaccard similarity they estimate; deduplication against clusters found by exact Jaccard over all pairs (the
naive equivalent), on documents with planted near-duplicates that differ in case, punctuation, accents and a
few words. The oracles are in a4_data/oracles/minhash.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from a4_data.textgen import english
from shared.cases import Case, Impl, Oracles, Suite, exact, hide, predicate, raises

ORACLES = Oracles("a4_data.oracles.minhash")  # expected values: instructor-only, never released

# worked by hand from §7.2's pins (NFD, drop Mn, lowercase, delete P*, collapse whitespace)
NORMALIZE = (
    ("Crème  Brûlée!", "creme brulee"),
    ("Hello, World!!\n\tNew   line", "hello world new line"),
    ("Don't STOP—ever.", "dont stopever"),
    ("ÅNGSTRÖM (1814–1874)", "angstrom 18141874"),
    ("  Ça va? Naïve façade, déjà vu…  ", "ca va naive facade deja vu"),
    ("Ἀθῆναι «Athens»", "αθηναι athens"),
)
SHINGLES = (
    ("The cat sat on the mat", 2, ["cat sat", "on the", "sat on", "the cat", "the mat"]),
    ("The cat, the CAT!", 2, ["cat the", "the cat"]),
    ("Only three words", 5, ["only three words"]),
    ("  ...  ", 3, []),
)


def run_normalize(impl: Impl, inp: dict) -> list[str]:
    return [impl.normalize_text(t) for t, _ in NORMALIZE]


def run_shingles(impl: Impl, inp: dict) -> list:
    return [sorted(impl.shingles(t, n)) for t, n, _ in SHINGLES]


# raw word -> its normal form, each worked by hand from §7.2's pins (the worked examples' words among them)
WORDS = (("Crème", "creme"), ("Brûlée!", "brulee"), ("Hello,", "hello"), ("WORLD", "world"), ("Don't", "dont"),
         ("STOP", "stop"), ("ÅNGSTRÖM", "angstrom"), ("(1814–1874)", "18141874"), ("Ça", "ca"), ("va?", "va"),
         ("Naïve", "naive"), ("façade,", "facade"), ("déjà", "deja"), ("vu…", "vu"), ("Ἀθῆναι", "αθηναι"),
         ("«Athens»", "athens"), ("Zoë", "zoe"), ("São", "sao"), ("¿Qué?", "que"), ("¡Olé!", "ole"),
         ("Über", "uber"), ("e.g.", "eg"), ("42", "42"), ("mat", "mat"), ("THE", "the"), ("cat", "cat"))
# between two words: whitespace keeps them apart; punctuation alone is deleted, so the two words become one
SEPARATORS = ((" ", True), ("  ", True), ("\n\t", True), (" \n ", True), ("—", False), ("'", False), ("…", False))


def mixed_text(rng: np.random.Generator) -> tuple[str, list[str]]:
    """A random text of the words above and the words its normal form must have."""
    raw, words = [], [""]
    for i in range(int(rng.integers(3, 12))):
        w, norm = WORDS[int(rng.integers(len(WORDS)))]
        if i:
            sep, splits = SEPARATORS[int(rng.integers(len(SEPARATORS)))]
            raw.append(sep)
            if splits:
                words.append("")
        raw.append(w)
        words[-1] += norm
    pad = ("", " ", "\n ", "\t")
    return pad[int(rng.integers(4))] + "".join(raw) + pad[int(rng.integers(4))], [w for w in words if w]


def normalize_inputs(rng: np.random.Generator) -> dict:
    texts, wants = zip(*(mixed_text(rng) for _ in range(8)), strict=True)
    return {"texts": list(texts), "wants": [" ".join(w) for w in wants]}


def run_normalize_mixed(impl: Impl, inp: dict) -> list[str]:
    return [impl.normalize_text(t) for t in inp["texts"]]


def shingles_inputs(rng: np.random.Generator) -> dict:
    """Texts with their normal words; n from 1 to 5, so some texts are shorter than n."""
    made = [mixed_text(rng) for _ in range(6)]
    made.append(("  ...  ", []))  # nothing left after normalisation: no shingles
    return {"texts": [t for t, _ in made], "words": [w for _, w in made],
            "n": [int(rng.integers(1, 6)) for _ in made]}


def run_shingles_mixed(impl: Impl, inp: dict) -> list:
    return [sorted(impl.shingles(t, n)) for t, n in zip(inp["texts"], inp["n"], strict=True)]


def jaccard_sets_inputs(rng: np.random.Generator) -> dict:
    """Pairs of shingle sets with a chosen Jaccard similarity: |A ∩ B| = s, |A ∪ B| = u."""
    pairs = []
    for target in (0.0, 0.2, 0.5, 0.8, 1.0):
        u = int(rng.integers(60, 200))
        s = int(round(target * u))
        only_a = int(rng.integers(0, u - s + 1))
        tokens = [f"w{int(t)} x{int(t) % 7}" for t in rng.permutation(10 * u)[:u]]
        a = tokens[:s] + tokens[s:s + only_a]
        b = tokens[:s] + tokens[s + only_a:]
        pairs.append([sorted(a), sorted(b), s / u])
    # subtle: 1024 hashes, not 512: the agreement is a binomial estimate (sd sqrt(J(1-J)/k) <= 0.016 at k = 1024),
    # and at 512 (sd 0.022) the worst deviation over a few hundred draws reached half the tolerance
    return {"pairs": pairs, "num_hashes": 1024}


def run_signatures(impl: Impl, inp: dict) -> dict:
    sets = [set(x) for a, b, _ in inp["pairs"] for x in (a, b)] + [set()]
    sig = np.asarray(impl.minhash_signatures(sets, inp["num_hashes"]))
    again = np.asarray(impl.minhash_signatures(sets, inp["num_hashes"]))
    agree = [float(np.mean(sig[2 * i] == sig[2 * i + 1])) for i in range(len(inp["pairs"]))]
    return {"shape": list(sig.shape), "dtype": str(sig.dtype), "agreement": agree,
            "deterministic": bool(np.array_equal(sig, again)),
            "empty_is_max": bool(np.all(sig[-1] == np.iinfo(np.uint64).max)) if sig.dtype == np.uint64 else False}


JACCARD_TOL = 0.15


def estimates_jaccard(inp: dict, out: dict) -> tuple:
    n_sets, h = 2 * len(inp["pairs"]) + 1, inp["num_hashes"]
    if out["shape"] != [n_sets, h] or out["dtype"] != "uint64":
        return False, f"signatures must be ({n_sets}, {h}) uint64, got {out['shape']} {out['dtype']}"
    if not out["deterministic"]:
        return False, "two calls with the same seed gave different signatures"
    if not out["empty_is_max"]:
        return False, "an empty set's signature must be all 2**64 - 1"
    # the agreement of k = 1024 independent hashes has standard deviation sqrt(J(1-J)/k) <= 0.016: the tolerance
    # 0.15 is 9.6 sigma (a correct estimate never fails) and half of it 4.8 sigma (the deep check's margin gate);
    # one hash reused k times agrees on 0 or 1 of positions, off by 0.5 at J = 0.5, so it still fails
    worst = 0.0
    for (_, _, j), a in zip(inp["pairs"], out["agreement"], strict=True):
        if abs(a - j) > JACCARD_TOL:
            return (False, f"signatures agree on {a:.3f} of positions for sets of Jaccard similarity {j:.3f}",
                    abs(a - j) / JACCARD_TOL)
        worst = max(worst, abs(a - j) / JACCARD_TOL)
    return True, "", worst


def perturb(rng: np.random.Generator, text: str, edits: int) -> str:
    """A near-duplicate: changed case, punctuation and accents (all removed by normalisation) and `edits`
    replaced words."""
    words = text.split()
    for i in rng.choice(len(words), size=edits, replace=False):
        words[int(i)] = str(rng.choice(["lorem", "ipsum", "dolor", "sit", "amet"]))
    out = " ".join(words)
    out = out.upper() if rng.random() < 0.5 else out.replace("e", "é").replace(" a ", " à ")
    return out.replace(".", "!!").replace(",", ";")


def docs_inputs(rng: np.random.Generator) -> dict:
    """Base articles, near-duplicates of some (chains of them too), shuffled; file names are random, so input
    order is not name order."""
    docs: list[str] = []
    for _ in range(int(rng.integers(6, 10))):
        base = english.article(rng, 3, sentences=(4, 7))
        docs.append(base)
        prev = base
        for _ in range(int(rng.integers(0, 3))):
            prev = perturb(rng, prev, int(rng.integers(0, 3)))
            docs.append(prev)
    docs.append("")  # no shingles: never a duplicate, always kept
    order = rng.permutation(len(docs))
    names = [f"{int(x):05d}.txt" for x in rng.choice(100000, size=len(docs), replace=False)]
    return {"names": names, "docs": [docs[int(i)] for i in order], "num_hashes": 100, "num_bands": 25,
            "ngrams": 5, "threshold": 0.8}


def run_dedup(impl: Impl, inp: dict) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="a4-minhash-") as tmp:
        paths = []
        for name, text in zip(inp["names"], inp["docs"], strict=True):
            (Path(tmp) / name).write_bytes(text.encode("utf-8"))
            paths.append(str(Path(tmp) / name))
        out = Path(tmp) / "out"
        impl.minhash_deduplication(paths, inp["num_hashes"], inp["num_bands"], inp["ngrams"], inp["threshold"],
                                   str(out))
        kept = sorted(p.name for p in out.iterdir())
        for name in kept:  # content unchanged
            if (out / name).read_bytes() != (Path(tmp) / name).read_bytes():
                return [f"{name} was changed"]
        return kept


def chain_inputs(rng: np.random.Generator) -> dict:
    """Chains A ~ B ~ C in input order: each step edits about 1.4% of the words at spread-out positions, so
    J(A, B) and J(B, C) are about 0.87 but J(A, C) about 0.76: one cluster only through B (threshold 0.8)."""
    docs: list[str] = []
    for _ in range(3):
        words = english.article(rng, 3, sentences=(5, 7)).split()
        edits = max(2, round(0.014 * len(words)))
        slots = rng.permutation(np.arange(2, len(words) - 2, 8))[: 2 * edits]
        chain = [list(words)]
        for step in range(2):
            nxt = list(chain[-1])
            for i in slots[step * edits:(step + 1) * edits]:
                nxt[int(i)] = f"edit{step}x{int(i)}"
            chain.append(nxt)
        docs += [" ".join(w) for w in chain]
        docs.append(english.article(rng, 3, sentences=(5, 7)))
    names = [f"{int(x):05d}.txt" for x in rng.choice(100000, size=len(docs), replace=False)]
    return {"names": names, "docs": docs, "num_hashes": 128, "num_bands": 32, "ngrams": 5, "threshold": 0.8}


def bad_bands_inputs(rng: np.random.Generator) -> dict:
    return {**docs_inputs(rng), "num_hashes": 100, "num_bands": 7}


SUITE = Suite(cases=(
    Case(name="minhash/normalize_worked", inputs=lambda rng: {}, compare=exact(), run=run_normalize,
         expect=ORACLES.expect_normalize_worked, seeds=(0,), hidden_draws=0,
         note="accents, case, punctuation (deleted, not spaced), whitespace: worked examples of §7.2"),
    Case(name="minhash/shingles_worked", inputs=lambda rng: {}, compare=exact(), run=run_shingles,
         expect=ORACLES.expect_shingles_worked, seeds=(0,), hidden_draws=0,
         note="word n-grams of the normalised text; short and empty texts"),
    Case(name="minhash/normalize_mixed", inputs=normalize_inputs, compare=exact(), run=run_normalize_mixed,
         public=hide("wants"), expect=ORACLES.expect_wants, hidden_draws=2,
         note="random texts of accented, cased and punctuated words: punctuation between two words joins them"),
    Case(name="minhash/shingles_mixed", inputs=shingles_inputs, compare=exact(), run=run_shingles_mixed,
         expect=ORACLES.expect_shingles, hidden_draws=2,
         note="word n-grams (n from 1 to 5) of random texts, some shorter than n"),
    Case(name="minhash/signatures_estimate_jaccard", inputs=jaccard_sets_inputs,
         compare=predicate("agreement of signature positions estimates Jaccard (within 0.15 at 1024 hashes)",
                   estimates_jaccard), run=run_signatures, hidden_draws=2,
         note="pairs of sets at Jaccard 0, 0.2, 0.5, 0.8, 1; shape, dtype, determinism, the empty set"),
    Case(name="minhash/dedup_clusters", inputs=docs_inputs, compare=exact(), run=run_dedup,
         expect=ORACLES.expect_dedup, seeds=(0, 1, 2, 3), hidden_draws=3,
         note="planted near-duplicates (chains too): one document per cluster, the first in input "
                              "order, against exact Jaccard over all pairs"),
    Case(name="minhash/dedup_chains", inputs=chain_inputs, compare=exact(), run=run_dedup,
         expect=ORACLES.expect_dedup, hidden_draws=2,
         note="A ~ B ~ C with A and C below the threshold: still one cluster (connected components)"),
    Case(name="minhash/bands_must_divide", inputs=bad_bands_inputs, compare=raises(ValueError),
         run=run_dedup, seeds=(0,), note="100 hashes cannot be cut into 7 bands: ValueError"),
))
