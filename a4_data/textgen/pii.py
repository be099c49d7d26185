"""Text with planted personal information and its masked twin, built side by side: the ground truth of the PII
cases and of the pipeline demo. The phone formats are the ones HANDOUT.md §5 lists."""

from __future__ import annotations

import numpy as np

EMAIL_MASK = "|||EMAIL_ADDRESS|||"
PHONE_MASK = "|||PHONE_NUMBER|||"
IP_MASK = "|||IP_ADDRESS|||"

USERS = ("alice", "bob.smith", "c.lindqvist", "dev-team", "info", "j_berg", "kavya.r+news", "office2024", "m.o'hara")
DOMAINS = ("example.com", "mail.example.org", "uni-northam.ac.uk", "corvale.net", "post.example.de", "shop.io")
# (area, exchange, line) -> text; every format HANDOUT.md §5 pins
PHONE_FORMATS = (
    "({a}) {e}-{n}", "{a}-{e}-{n}", "{a}.{e}.{n}", "{a} {e} {n}", "{a}{e}{n}", "+1 {a} {e} {n}", "+1-{a}-{e}-{n}",
    "1-{a}-{e}-{n}", "+1 ({a}) {e}-{n}", "({a}){e}-{n}", "({a})-{e}-{n}", "({a}) {e} {n}",
)
CONTEXTS = (
    "Please write to {x} if you have questions about the order.",
    "For support, contact {x} during office hours.",
    "The form was sent by {x} yesterday.",
    "You can reach the front desk at {x}, or visit us in person.",
    "Logs show a login from {x} at 09:14.",
    "Our old address was {x}; it no longer works.",
    "Reply to {x}.",
)
FILLER = (
    "The meeting starts at 10:30 on 12.04.2024 in room 5.",
    "Version 2.4.1 fixes 3 bugs and adds 12 new tests.",
    "The museum has 1500 visitors a day and costs 12.50 to enter.",
    "Our office moved in 2019 to a building with 4 floors.",
    "Temperatures reached 31.5 degrees, the highest since 1998.",
)


def email(rng: np.random.Generator) -> str:
    return f"{USERS[int(rng.integers(len(USERS)))].replace(chr(39), '')}@{DOMAINS[int(rng.integers(len(DOMAINS)))]}"


def phone(rng: np.random.Generator) -> str:
    # US numbers: area and exchange codes start with 2-9
    a = f"{int(rng.integers(2, 10))}{int(rng.integers(0, 100)):02d}"
    e = f"{int(rng.integers(2, 10))}{int(rng.integers(0, 100)):02d}"
    n = f"{int(rng.integers(0, 10000)):04d}"
    return PHONE_FORMATS[int(rng.integers(len(PHONE_FORMATS)))].format(a=a, e=e, n=n)


def ipv4(rng: np.random.Generator) -> str:
    parts = [int(rng.choice([rng.integers(0, 10), rng.integers(10, 100), rng.integers(100, 256)])) for _ in range(4)]
    return ".".join(str(p) for p in parts)


MAKERS = {"email": (email, EMAIL_MASK), "phone": (phone, PHONE_MASK), "ip": (ipv4, IP_MASK)}


def planted(rng: np.random.Generator, kinds: tuple[str, ...], n_sentences: int) -> tuple[str, dict[str, str], dict]:
    """A text of `n_sentences` sentences, some holding PII of the given kinds, some filler with numbers that are
    not PII. Returns (text, {kind: text with that kind masked}, {kind: count})."""
    plain: list[str] = []
    masked: dict[str, list[str]] = {k: [] for k in MAKERS}
    counts = dict.fromkeys(MAKERS, 0)
    for _ in range(n_sentences):
        if rng.random() < 0.3 or not kinds:
            s = FILLER[int(rng.integers(len(FILLER)))]
            plain.append(s)
            for k in MAKERS:
                masked[k].append(s)
            continue
        kind = kinds[int(rng.integers(len(kinds)))]
        make, mask = MAKERS[kind]
        value = make(rng)
        ctx = CONTEXTS[int(rng.integers(len(CONTEXTS)))]
        plain.append(ctx.format(x=value))
        for k in MAKERS:
            masked[k].append(ctx.format(x=mask if k == kind else value))
        counts[kind] += 1
    return " ".join(plain), {k: " ".join(v) for k, v in masked.items()}, counts
