"""Templated English: encyclopedic prose ("reference-like"), web boilerplate and spam ("web-like"), and the small
labelled sets the harmful-content classifiers train on. Word lists and templates are written for this project.

Every generator takes a numpy Generator, so the same seed gives the same text on every machine.
"""

from __future__ import annotations

import numpy as np

PLACES = ("Aldermoor", "Brackenfield", "Corvale", "Dunmere", "Eastwick", "Fernhollow", "Glenbrook", "Harrowgate",
          "Ivybridge", "Kestrelby", "Larkspur", "Millbourne", "Northam", "Oakhurst", "Pendleford", "Ravensworth",
          "Stonebury", "Thornfield", "Upwell", "Westmarch")
PEOPLE = ("Ada Marlowe", "Bernard Okafor", "Clara Lindqvist", "Daniel Ferreira", "Elena Novak", "Farid Haddad",
          "Grace Whitfield", "Hiro Tanaka", "Imogen Castell", "Jonas Berg", "Kavya Raman", "Lucas Moreau",
          "Maya Goldberg", "Nikolai Petrov", "Olivia Brennan", "Pablo Ortega")
THINGS = ("bridge", "library", "observatory", "canal", "railway station", "cathedral", "museum", "university",
          "lighthouse", "market hall", "botanical garden", "harbour", "textile mill", "town hall", "theatre")
FIELDS = ("astronomy", "botany", "economics", "geology", "linguistics", "mathematics", "medicine", "music",
          "philosophy", "chemistry", "engineering", "history", "architecture", "ecology")
ADJ = ("ancient", "large", "small", "famous", "quiet", "busy", "restored", "modern", "historic", "remote",
       "important", "elegant", "narrow", "wide", "prosperous")
VERBS = ("studied", "described", "measured", "recorded", "explained", "catalogued", "compared", "examined",
         "published", "translated", "surveyed", "documented")

ENCYCLOPEDIC = (
    "{place} is a {adj} town in the north of the region, known for its {thing} and its {adj2} {thing2}.",
    "The {thing} in {place} was built in {year} and restored after a fire in {year2}.",
    "{person} was a researcher in {field} who {verb} the {adj} {thing} of {place} in {year}.",
    "In {year}, {person} {verb} the history of {field} in a book that is still widely read.",
    "The population of {place} grew steadily during the nineteenth century as the {thing} attracted trade.",
    "Scholars of {field} have long {verb} how the {thing} of {place} shaped the economy of the valley.",
    "According to records from {year}, the {adj} {thing} employed more than {count} people.",
    "{person} later moved to {place2}, where she {verb} the local {thing} and taught {field}.",
    "The climate of {place} is mild, with most rain falling between October and March.",
    "A second {thing} was opened in {place2} in {year2}, connecting the two towns by road and river.",
    "Historians disagree about the origin of the name {place}, which first appears in a charter of {year}.",
    "The {field} society of {place} meets every month in the {adj} {thing} near the square.",
)

BOILERPLATE_LINES = (
    "Home | About us | Contact | Privacy policy | Terms of use",
    "Accept all cookies",
    "We use cookies to improve your experience on our site.",
    "Copyright 2024 All rights reserved.",
    "Sign up for our newsletter",
    "Click here to subscribe",
    "Follow us on social media",
    "Share this page",
    "Skip to main content",
    "Log in | Register",
    "Read more...",
    "Related posts",
    "Leave a comment",
    "Previous page | Next page",
    "Search this site",
    "Back to top",
)
SPAM = (
    "BEST DEALS cheap {thing} discount buy now free shipping limited offer",
    "Click here click here win a free {thing} now!!! best price guaranteed",
    "top 10 {thing} deals 2024 cheap cheap cheap buy today save 90%",
    "{place} hotels cheap {place} flights cheap {place} car hire cheap deals",
    "$$$ earn money fast from home $$$ no experience needed click now",
    "buy followers buy likes buy views instant delivery best price",
)

TOXIC_TEMPLATES = (
    "you are a {insult} and everyone hates you",
    "shut up you {adj} {insult}",
    "nobody cares what a {insult} like you thinks",
    "go away you pathetic {insult}, you {adj} loser",
    "what a {adj} {insult}, get lost",
    "you {adj} {insult}, I hope you fail at everything",
    "only a {insult} would write something this {adj}",
)
INSULTS = ("idiot", "moron", "fool", "imbecile", "clown", "jerk", "loser", "dimwit", "halfwit", "numbskull")
TOXIC_ADJ = ("stupid", "worthless", "pathetic", "useless", "brainless", "dumb", "miserable", "disgusting")
NSFW_TEMPLATES = (
    "hot {adj} xxx videos, free porn and live sex cams",
    "explicit adult content: nude {adj} models, uncensored xxx",
    "watch free porn clips, {adj} nude girls and hardcore sex",
    "18+ only: erotic {adj} nude photos and sex chat",
    "hardcore xxx porn tube with {adj} naked webcam shows",
    "adult dating, sex hookups and {adj} nude selfies tonight",
)
NSFW_ADJ = ("sexy", "naughty", "steamy", "wild", "horny", "kinky", "erotic", "explicit")
NEUTRAL_TEMPLATES = (
    "thank you for the helpful explanation of {field}",
    "I visited the {thing} in {place} last summer and enjoyed it",
    "the recipe needs two eggs, flour and a little milk",
    "could you share the notes from the {field} lecture",
    "our team will meet at the {thing} on Monday morning",
    "I think the second chapter explains {field} more clearly",
    "the {adj} {thing} in {place} opens at nine every day",
    "please send me the schedule for the {field} course",
)


def _pick(rng: np.random.Generator, pool: tuple[str, ...]) -> str:
    return pool[int(rng.integers(len(pool)))]


def _fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        place=_pick(rng, PLACES), place2=_pick(rng, PLACES), person=_pick(rng, PEOPLE), thing=_pick(rng, THINGS),
        thing2=_pick(rng, THINGS), field=_pick(rng, FIELDS), adj=_pick(rng, ADJ), adj2=_pick(rng, ADJ),
        verb=_pick(rng, VERBS), year=int(rng.integers(1600, 1950)), year2=int(rng.integers(1950, 2020)),
        count=int(rng.integers(2, 90)) * 10)


def encyclopedic_paragraph(rng: np.random.Generator, n_sentences: int) -> str:
    """`n_sentences` templated encyclopedic sentences: the kind of text a reference page holds."""
    return " ".join(_fill(rng, _pick(rng, ENCYCLOPEDIC)) for _ in range(n_sentences))


def article(rng: np.random.Generator, n_paragraphs: int = 4, sentences: tuple[int, int] = (3, 7)) -> str:
    """An encyclopedic article: paragraphs separated by blank lines (about 60-120 words a paragraph)."""
    return "\n\n".join(encyclopedic_paragraph(rng, int(rng.integers(*sentences))) for _ in range(n_paragraphs))


def boilerplate(rng: np.random.Generator, n_lines: int) -> list[str]:
    """Navigation, cookie and footer lines that repeat across a site."""
    return [_pick(rng, BOILERPLATE_LINES) for _ in range(n_lines)]


def spam_text(rng: np.random.Generator, n_lines: int) -> str:
    """Keyword-stuffed web spam: the low-quality side of the quality classifier."""
    lines = [_fill(rng, _pick(rng, SPAM)) for _ in range(n_lines)]
    lines += boilerplate(rng, max(1, n_lines // 2))
    order = rng.permutation(len(lines))
    return "\n".join(lines[int(i)] for i in order)


def toxic_sentence(rng: np.random.Generator) -> str:
    return _pick(rng, TOXIC_TEMPLATES).format(insult=_pick(rng, INSULTS), adj=_pick(rng, TOXIC_ADJ))


def nsfw_sentence(rng: np.random.Generator) -> str:
    return _pick(rng, NSFW_TEMPLATES).format(adj=_pick(rng, NSFW_ADJ))


def neutral_sentence(rng: np.random.Generator) -> str:
    return _fill(rng, _pick(rng, NEUTRAL_TEMPLATES))
