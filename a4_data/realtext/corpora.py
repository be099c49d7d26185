"""The labelled real-text sets of a4's three classifiers: what each trains on and the evaluation set it is
measured on, with the source that gives every label (README.md beside this file says why each split is made).

Each evaluation set shares no document with its training set: the NSFW and toxic positives are cookies of
fortune-mod's offensive files held out at random (the same files as training, other cookies), their negatives
news articles, Usenet groups and benign fortune files training never sees; the quality positives are news
articles, a source training never sees.
Everything is deterministic: fixed orders and seeded shuffles, no model in the loop.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from a4_data.realtext import fortunes, news, usenet, wikipedia


# fortune-mod's offensive files, by what they hold (the collection names them; we only group the names). Each
# split holds out `n_eval` of the positives, drawn at random across its files, for evaluation: an earlier split
# by file (train on `sex`, evaluate on `privates` + `limerick`; train on the group jokes, evaluate on
# `vulgarity`) asked a model to generalise from one kind of joke to another, and measured that more than the
# classifier (README.md beside this file).
@dataclass(frozen=True)
class HarmfulSplit:
    files: tuple[str, ...]  # the offensive files whose cookies are the positives
    n_eval: int  # positives held out for evaluation
    n_benign: int  # benign fortunes among the training negatives: the same register without the offence
    seed: int


HARMFUL = {
    "nsfw": HarmfulSplit(("sex", "privates", "limerick"), 400, 3000, 21),
    "toxic": HarmfulSplit(("ethnic", "racism", "misogyny", "misandry", "hphobia", "vulgarity"), 200, 2000, 22),
}
# benign fortune files held out of every training set: the evaluation's fortune-style negatives, so a model that
# learnt "a fortune cookie is offensive" is caught
BENIGN_EVAL_FILES = ("humorists", "literature", "love", "kids", "food", "sports", "pets", "medicine", "law",
                     "education", "magic", "goedel", "news")
# Usenet groups whose posts are held out for evaluation (the science groups; training gets the rest)
USENET_EVAL_PREFIX = "sci."


@dataclass(frozen=True)
class Labelled:
    positive: list[str]
    negative: list[str]
    positive_source: str
    negative_source: str


@functools.cache
def _fortunes() -> list[fortunes.Fortune]:
    return fortunes.load()


@functools.cache
def _benign_categories(held_out: bool) -> tuple[str, ...]:
    names = sorted({f.category for f in _fortunes() if not f.offensive})
    return tuple(n for n in names if (n in BENIGN_EVAL_FILES) == held_out)


@functools.cache
def _usenet(held_out: bool) -> list[str]:
    return [text for group, text in usenet.load() if group.startswith(USENET_EVAL_PREFIX) == held_out]


@functools.cache
def _wikipedia_documents() -> list[str]:
    """Articles cut into documents of consecutive sentences, each of a length drawn between 8 and 300 words: a
    one-sentence reference text must read as "wiki" too, or the quality model learns "short means cc" from the
    fortune cookies."""
    rng = np.random.default_rng(5)
    docs = []
    for _, text in wikipedia.load():
        current: list[str] = []
        target = int(rng.integers(8, 300))
        for para in text.split("\n\n"):
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para):
                current.append(sentence)
                if sum(len(x.split()) for x in current) >= target:
                    docs.append(" ".join(current)[:2000])
                    current, target = [], int(rng.integers(8, 300))
    return docs


def _offensive(files: tuple[str, ...]) -> list[str]:
    return fortunes.select(_fortunes(), files, offensive=True)


def _benign(held_out: bool) -> list[str]:
    return fortunes.select(_fortunes(), _benign_categories(held_out), offensive=False)


def _sample(texts: list[str], n: int, seed: int) -> list[str]:
    """`n` texts drawn without replacement by a seeded permutation (all of them when there are fewer)."""
    order = np.random.default_rng(seed).permutation(len(texts))
    return [texts[int(i)] for i in order[:n]]


def _without(texts: list[str], exclude: list[str]) -> list[str]:
    """Drop texts that also carry the other label (the same joke filed twice), compared whitespace-blind."""
    seen = {" ".join(t.split()).lower() for t in exclude}
    return [t for t in texts if " ".join(t.split()).lower() not in seen]


def _positives(name: str) -> tuple[list[str], list[str]]:
    """(training, evaluation) positives of harmful classifier `name`: one seeded permutation of its files'
    cookies, the first `n_eval` held out."""
    split = HARMFUL[name]
    texts = _sample(_offensive(split.files), len(_offensive(split.files)), split.seed)
    return texts[split.n_eval:], texts[:split.n_eval]


def _harmful_negatives(name: str, held_out: bool) -> list[str]:
    split = HARMFUL[name]
    if held_out:  # news (a source no classifier trains on), held-out Usenet groups, held-out benign fortunes
        return news.load() + _usenet(True) + _sample(_benign(True), 400, split.seed + 10)
    return (_sample(_benign(False), split.n_benign, split.seed) + _sample(_wikipedia_documents(), 300, split.seed)
            + _usenet(False))


@functools.cache
def training_set(name: str) -> Labelled:
    """The real-text training data of classifier `name` ("nsfw", "toxic", "quality")."""
    if name in HARMFUL:
        # subtle: a cookie filed in both sections is dropped from the negatives, and so is a held-out positive,
        # so no text carries both labels
        pos, held = _positives(name)
        return Labelled(pos, _without(_harmful_negatives(name, False), pos + held),
                        "fortune-mod off/" + "+".join(HARMFUL[name].files), "benign fortunes, Wikipedia, Usenet")
    if name == "quality":
        return Labelled(_sample(_wikipedia_documents(), 1200, 23), _usenet(False) + _sample(_benign(False), 900, 23),
                        "Wikipedia (2006 dump excerpt)", "Usenet posts (non-science groups), benign fortunes")
    raise ValueError(f"no real-text set for '{name}'; known: nsfw, toxic, quality")


@functools.cache
def evaluation_set(name: str) -> Labelled:
    """The held-out real-text evaluation data of classifier `name`: no document of it is in `training_set`
    (fortune-mod files some cookies twice, under two categories: such a cookie stays in training only)."""
    ev, train = _evaluation_set(name), training_set(name)
    seen = train.positive + train.negative
    return Labelled(_without(ev.positive, seen), _without(ev.negative, seen), ev.positive_source, ev.negative_source)


def _evaluation_set(name: str) -> Labelled:
    if name in HARMFUL:
        held = _positives(name)[1]
        return Labelled(held, _without(_harmful_negatives(name, True), held),
                        f"fortune-mod off/{'+'.join(HARMFUL[name].files)}, held-out cookies",
                        "Lee news corpus, Usenet sci.* posts, held-out benign fortune files")
    if name == "quality":
        return Labelled(news.load(), _usenet(True) + _sample(_benign(True), 300, 33),
                        "Lee news corpus (ABC news articles)", "Usenet sci.* posts, held-out benign fortune files")
    raise ValueError(f"no real-text set for '{name}'; known: nsfw, toxic, quality")
