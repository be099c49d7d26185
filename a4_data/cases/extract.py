"""Cases for a4.extract: pages built from known paragraphs, so the oracle is the text we put in. Properties
(every paragraph present, script and style text absent, None for empty pages) hold without the reference; the
reference's exact string (resiliparse's defaults, pinned by §2.1) is checked beside them."""

from __future__ import annotations

import numpy as np

from a4_data.textgen import english, languages
from a4_data.textgen.pages import html_page, site_chrome
from shared.cases import Case, Impl, Oracles, Suite, exact, hide, predicate

ORACLES = Oracles("a4_data.oracles.extract")  # expected values: instructor-only, never released

ACCENTED = ("café crème", "naïve façade", "Größe über Maß", "déjà vu à côté", "señor año mañana")


def page_inputs(rng: np.random.Generator) -> dict:
    lang = str(rng.choice(["en", "de", "fr", "es"]))
    paras = [languages.paragraph(rng, lang, int(rng.integers(1, 4))) for _ in range(int(rng.integers(2, 5)))]
    if lang == "en":
        paras.append(english.encyclopedic_paragraph(rng, 2))
    nav, footer = site_chrome(rng)
    title = f"Page {int(rng.integers(1000))}"
    return {"html": html_page(title, paras, nav, footer, lang=lang).encode("utf-8"), "paragraphs": paras,
            "title": title}


def cp1252_inputs(rng: np.random.Generator) -> dict:
    paras = [f"{ACCENTED[int(i)]}: {languages.paragraph(rng, 'fr', 2)}" for i in rng.permutation(len(ACCENTED))[:3]]
    html = html_page("Menu du jour", paras, charset="windows-1252")
    return {"html": html.encode("cp1252"), "paragraphs": paras, "title": "Menu du jour"}


def short_utf8_inputs(rng: np.random.Generator) -> dict:
    # subtle: encoding detection reads a short UTF-8 page like this one as a single-byte code page
    word = accented_word(rng)
    return {"html": f"<p>{word}</p>".encode(), "paragraphs": [word], "title": ""}


def accented_word(rng: np.random.Generator) -> str:
    """A made-up word of 4-10 letters, some accented, whose one-word UTF-8 page encoding detection misreads as a
    single-byte code page (most such pages it reads right: about 1 in 50 of these words qualifies, "café" does,
    "naïve" does not), so every draw tells "detect first" from "UTF-8 first"; there are enough of them that no
    hidden draw repeats a visible one (grader/replay.py)."""
    from resiliparse.parse.encoding import detect_encoding

    plain, accented = "abcdeilmnoprstu", "éèàçñöüâêôëï"
    for _ in range(5000):
        letters = [plain[int(i)] for i in rng.integers(len(plain), size=int(rng.integers(3, 8)))]
        for ch in rng.choice(list(accented), int(rng.integers(1, 4))):
            letters.insert(int(rng.integers(len(letters) + 1)), str(ch))
        word = "".join(letters)
        if detect_encoding(f"<p>{word}</p>".encode()).lower().replace("-", "") != "utf8":
            return word
    return "café"  # misread as cp1250


def run_extract(impl: Impl, inp: dict) -> str | None:
    return impl.extract_text_from_html_bytes(inp["html"])


def paragraphs_present(inp: dict, out: object) -> tuple[bool, str]:
    if not isinstance(out, str):
        return False, f"expected a str, got {type(out).__name__}"
    missing = [p for p in inp["paragraphs"] if p not in out]
    if missing:
        return False, f"paragraph missing from the text: {missing[0][:80]!r}"
    if "invisible script text" in out or "font-family" in out:
        return False, "script or style content leaked into the text"
    if inp["title"] and inp["title"] not in out:
        return False, "the title is missing"
    return True, ""


def empty_inputs(rng: np.random.Generator) -> dict:
    return {"pages": [b"", b"<html><head><script>var x = 1;</script></head><body>  \n </body></html>",
                      b"<html><body><p> </p></body></html>"]}


def run_empty(impl: Impl, inp: dict) -> list:
    return [impl.extract_text_from_html_bytes(p) for p in inp["pages"]]


PRESENT = predicate("every paragraph and the title are in the text; no script or style text", paragraphs_present)

EMPTY_PAGES = (b"", b"<html><head><script>var x = 1;</script></head><body>{ws}</body></html>",
               b"<html><body><p>{ws}</p></body></html>", b"<html><head><style>p {{ color: red }}</style></head>"
               b"<body>{ws}</body></html>", b"{ws}")


def mixed_inputs(rng: np.random.Generator) -> dict:
    """6-9 pages in a random order, each empty (no text once script and style are dropped) or a tiny UTF-8 page
    of accented words: the order of Nones is the answer, so no two draws share one (grader/replay.py)."""
    pages, words = [], []
    for _ in range(int(rng.integers(6, 10))):
        if rng.random() < 0.5:
            ws = "".join(rng.choice([" ", "\n", "\t"], int(rng.integers(0, 4))))
            pages.append(EMPTY_PAGES[int(rng.integers(len(EMPTY_PAGES)))].replace(b"{ws}", ws.encode()))
            words.append(None)
        else:
            w = accented_word(rng)
            pages.append(f"<p>{w}</p>".encode())
            words.append(w)
    if all(w is None for w in words) or all(w is not None for w in words):  # both kinds in every draw
        pages[0], words[0] = (b"", None) if words[0] is not None else ("<p>déjà vu</p>".encode(), "déjà vu")
    return {"pages": pages, "words": words}


def mixed_ok(inp: dict, out: list) -> tuple[bool, str]:
    for i, (w, got) in enumerate(zip(inp["words"], out, strict=True)):
        if w is None and got is not None:
            return False, f"page {i} has no text, so the answer is None; got {got!r}"
        if w is not None and (not isinstance(got, str) or w not in got):
            return False, f"page {i} is the UTF-8 text {w!r}; got {got!r} (try UTF-8 before detection, §2.1)"
    return True, ""

SUITE = Suite(cases=(
    Case(name="extract/utf8_page", inputs=page_inputs, compare=PRESENT, run=run_extract, seeds=(0, 1, 2),
         hidden_draws=2, note="a UTF-8 page with navigation, footer, script and style: every paragraph comes out"),
    Case(name="extract/utf8_page_exact", inputs=page_inputs, compare=exact(), run=run_extract,
         expect="reference", note="the same pages: the exact text of resiliparse's extract_plain_text defaults"),
    Case(name="extract/cp1252_page", inputs=cp1252_inputs, compare=PRESENT, run=run_extract,
         note="a windows-1252 page (not valid UTF-8): decoded by the detected encoding, accents intact"),
    Case(name="extract/short_utf8_page", inputs=short_utf8_inputs, compare=PRESENT, run=run_extract,
         seeds=(0, 1, 2), hidden_draws=2,
         note="a tiny UTF-8 page with accents: UTF-8 is tried before detection (§2.1)"),
    Case(name="extract/empty_pages", inputs=empty_inputs, compare=exact(), run=run_empty,
         expect=ORACLES.expect_all_none, seeds=(0,), hidden_draws=0,
         note="no bytes, only a script, only whitespace: all None"),
    Case(name="extract/mixed_pages", inputs=mixed_inputs,
         compare=predicate("None exactly for the pages without text", mixed_ok), run=run_empty, hidden_draws=2,
         public=hide("words"),
         note="empty pages (no bytes, only script, style or whitespace) among tiny UTF-8 pages: None for those "
              "alone, and the accented words intact for the others"),
))
