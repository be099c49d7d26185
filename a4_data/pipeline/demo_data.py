"""Demo WARC files with known ground truth, written from text the project generates (no download).

    python -m a4_data.pipeline.demo_data --out out/a4/warc [--files 6 --docs 40 --seed 0]

Writes `crawl-NNN.warc.gz` files and `manifest.jsonl` (one line per page: url, kind, the step expected to drop
it or "keep"). Kinds: English articles (some carrying emails, phone numbers and IPs to mask; some encoded as
windows-1252), pages in eleven other languages, short pages, spam, toxic comment threads, NSFW pages,
near-duplicates of earlier articles (in other files, differing in case, punctuation and a few words), empty
pages, binary (undecodable) payloads, pages with a huge line, and, in the last file, a record cut short.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from a4_data.textgen import english, languages
from a4_data.textgen.pages import html_page, site_chrome
from a4_data.textgen.pii import planted
from a4_data.textgen.warcfile import Page, warc_bytes

# kind -> (share of pages, the step expected to drop it)
KINDS = {
    "article": (0.34, "keep"), "article_pii": (0.08, "keep"), "article_cp1252": (0.04, "keep"),
    "foreign": (0.16, "language"), "short": (0.08, "gopher"), "spam": (0.08, "gopher|quality"),
    "toxic": (0.05, "harmful"), "nsfw": (0.05, "harmful"), "near_duplicate": (0.07, "minhash_dedup"),
    "empty": (0.03, "extract"), "binary": (0.02, "extract"), "huge_line": (0.02, "size"),
}


def _article_paragraphs(rng: np.random.Generator) -> list[str]:
    return english.article(rng, int(rng.integers(3, 6)), sentences=(4, 8)).split("\n\n")


def _perturb(rng: np.random.Generator, text: str) -> str:
    """A republished copy: other punctuation, a title-cased word or two, sometimes one word changed."""
    words = text.split()
    for i in rng.choice(len(words), size=min(2, len(words)), replace=False):
        words[int(i)] = words[int(i)].title()
    if rng.random() < 0.3:
        words[int(rng.integers(len(words)))] = "reportedly"
    return " ".join(words).replace(",", ";").replace(". ", "! ")


def make_page(rng: np.random.Generator, kind: str, url: str, chrome: tuple[list[str], list[str]],
              earlier: list[list[str]]) -> tuple[Page, list[str] | None]:
    nav, footer = chrome
    title = f"{english.PLACES[int(rng.integers(len(english.PLACES)))]} — page {int(rng.integers(10_000))}"
    paras: list[str]
    lang, charset, encoding = "en", "utf-8", "utf-8"
    if kind in ("article", "article_pii", "article_cp1252"):
        paras = _article_paragraphs(rng)
        if kind == "article_pii":
            paras.append(planted(rng, ("email", "phone", "ip"), 4)[0])
        if kind == "article_cp1252":
            charset, encoding = "windows-1252", "cp1252"
            paras[0] = "Café “Zum Löwen” serves crème brûlée for €4. " + paras[0]
    elif kind == "foreign":
        lang = str(rng.choice([x for x in languages.LANGUAGES if x != "en"]))
        paras = [languages.paragraph(rng, lang, int(rng.integers(4, 9))) for _ in range(int(rng.integers(3, 6)))]
    elif kind == "short":
        paras, nav, footer = [english.encyclopedic_paragraph(rng, 1)], [], []
    elif kind == "spam":
        paras = english.spam_text(rng, int(rng.integers(8, 20))).split("\n")
    elif kind == "toxic":
        paras = [english.toxic_sentence(rng) for _ in range(int(rng.integers(10, 16)))]
    elif kind == "nsfw":
        paras = [english.nsfw_sentence(rng) for _ in range(int(rng.integers(10, 16)))]
    elif kind == "near_duplicate":
        base = earlier[int(rng.integers(len(earlier)))] if earlier else _article_paragraphs(rng)
        paras = [_perturb(rng, p) for p in base]
    elif kind == "empty":
        return Page(url, b"<html><head><title></title></head><body>\n</body></html>"), None
    elif kind == "binary":  # an image served as text/html: undecodable bytes
        return Page(url, rng.integers(0, 256, size=int(rng.integers(500, 3000)), dtype=np.uint8).tobytes()), None
    elif kind == "huge_line":
        blob = "".join(rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/"), size=40_000))
        paras = [*_article_paragraphs(rng), blob]
    else:
        raise ValueError(f"unknown page kind {kind!r}")
    html = html_page(title, paras, nav, footer, lang=lang, charset=charset)
    return Page(url, html.encode(encoding, errors="replace")), (paras if kind == "article" else None)


def write_demo(out: Path, files: int = 6, docs: int = 40, seed: int = 0) -> list[Path]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    names, shares = list(KINDS), np.array([v[0] for v in KINDS.values()])
    manifest, written, earlier = [], [], []
    for f in range(files):
        chrome = site_chrome(rng)  # one site per file: its nav and footer lines repeat on every page
        pages = []
        for d in range(docs):
            kind = str(rng.choice(names, p=shares / shares.sum()))
            if kind == "near_duplicate" and not earlier:
                kind = "article"
            url = f"https://site{f}.example/{kind}/{d}"
            page, paras = make_page(rng, kind, url, chrome, earlier)
            if paras is not None:
                earlier.append(paras)
            pages.append(page)
            manifest.append({"url": url, "file": f"crawl-{f:03d}.warc.gz", "kind": kind, "expected": KINDS[kind][1]})
        data = warc_bytes(pages, gzip=True, requests=True)
        if f == files - 1 and files > 1:
            data = data[: len(data) - 200]  # the last record cut short: counted, never fatal
            manifest[-1]["expected"] = "read (corrupt_record)"
        path = out / f"crawl-{f:03d}.warc.gz"
        path.write_bytes(data)
        written.append(path)
    (out / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m a4_data.pipeline.demo_data", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("out/a4/warc"))
    p.add_argument("--files", type=int, default=6)
    p.add_argument("--docs", type=int, default=40, help="pages per file")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    paths = write_demo(args.out, args.files, args.docs, args.seed)
    total = sum(x.stat().st_size for x in paths)
    print(f"wrote {len(paths)} WARC files ({total / 1e6:.2f} MB, {args.files * args.docs} pages) and "
          f"manifest.jsonl to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
