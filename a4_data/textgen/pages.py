"""HTML pages in the shape of real web pages: navigation, a header, the article, sidebars and a footer."""

from __future__ import annotations

import html

import numpy as np

from a4_data.textgen import english


def html_page(title: str, paragraphs: list[str], nav: list[str] | None = None, footer: list[str] | None = None,
              lang: str = "en", charset: str = "utf-8", script: bool = True) -> str:
    """An HTML document whose visible text is the title, `nav` lines, the paragraphs and `footer` lines; a
    script and a style block add invisible text that extraction must drop."""
    esc = html.escape
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="{charset}"><title>{esc(title)}</title>']
    if script:
        parts.append("<style>body { font-family: serif; } .nav { color: #333; }</style>"
                     "<script>var tracker = 'invisible script text'; function f() { return 1; }</script>")
    parts.append("</head><body>")
    if nav:
        parts.append('<nav class="nav"><ul>' + "".join(f"<li><a href='#'>{esc(x)}</a></li>" for x in nav)
                     + "</ul></nav>")
    parts.append(f"<h1>{esc(title)}</h1><article>")
    parts += [f"<p>{esc(p)}</p>" for p in paragraphs]
    parts.append("</article>")
    if footer:
        parts.append("<footer>" + "".join(f"<div>{esc(x)}</div>" for x in footer) + "</footer>")
    parts.append("</body></html>")
    return "\n".join(parts)


def site_chrome(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """(nav, footer) lines of one site: identical on all its pages, so exact line dedup removes them."""
    lines = english.boilerplate(rng, 6)
    return lines[:3], lines[3:]
