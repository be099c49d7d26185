"""Web pages around real text: the site chrome (cookie banner, header, navigation, breadcrumb, related links,
footer) that surrounds an article on a real site. The chrome is the project's own wording, written to look like
a real site's; only the article is real text (README.md says which source each site serves).

A site's cookie banner, navigation and footer lines are the same on every one of its pages, so exact line dedup
removes them; the breadcrumb and the related links name other pages and differ from page to page, as real
leftovers of boilerplate do after line dedup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Site:
    host: str
    name: str
    lang: str = "en"
    charset: str = "utf-8"
    nav: tuple[str, ...] = ()
    cookie: str = ""
    footer: tuple[str, ...] = ()
    related_heading: str = "Related"
    home: str = "Home"
    scripts: bool = True  # a tracker and a style block: invisible text extraction must drop


@dataclass(frozen=True)
class Article:
    path: str
    title: str
    paragraphs: list[str]
    section: str = ""
    byline: str = ""
    related: list[str] = field(default_factory=list)  # titles of other pages of the site


def url(site: Site, article: Article) -> str:
    return f"https://{site.host}/{article.path}"


def render(site: Site, a: Article) -> bytes:
    """The page's HTML, encoded in the site's charset (characters it cannot encode become numeric references,
    as a server-side template would write them)."""
    e = html.escape
    head = [f'<!DOCTYPE html>\n<html lang="{site.lang}"><head><meta charset="{site.charset}">',
            f"<title>{e(a.title)} | {e(site.name)}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    if site.scripts:
        head.append("<style>.cookie{position:fixed;bottom:0}.nav li{display:inline}</style>"
                    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
                    "gtag('js',new Date());gtag('config','UA-000000-1');</script>")
    body = ["</head><body>"]
    if site.cookie:
        body.append(f'<div class="cookie" role="dialog"><p>{e(site.cookie)}</p>'
                    "<button>Accept</button> <button>Settings</button></div>")
    body.append(f'<header><a class="logo" href="/">{e(site.name)}</a><nav class="nav"><ul>'
                + "".join(f'<li><a href="/{i}">{e(x)}</a></li>' for i, x in enumerate(site.nav)) + "</ul></nav>"
                '<form role="search"><input type="search" name="q"></form></header>')
    crumbs = [site.home, *([a.section] if a.section else []), a.title]
    body.append('<div class="breadcrumb">' + " › ".join(e(c) for c in crumbs) + "</div>")
    body.append(f"<main><article><h1>{e(a.title)}</h1>")
    if a.byline:
        body.append(f'<p class="byline">{e(a.byline)}</p>')
    for para in a.paragraphs:
        if para.startswith("    "):  # an indented block (code in the Python reference) stays preformatted
            body.append(f"<pre>{e(para)}</pre>")
        else:
            body.append(f"<p>{e(para)}</p>")
    body.append("</article>")
    if a.related:
        body.append(f'<aside><h2>{e(site.related_heading)}</h2><ul>'
                    + "".join(f'<li><a href="#">{e(t)}</a></li>' for t in a.related) + "</ul></aside>")
    body.append("</main><footer>" + "".join(f"<p>{e(x)}</p>" for x in site.footer) + "</footer></body></html>")
    return "\n".join(head + body).encode(site.charset, errors="xmlcharrefreplace")


def wet_text(site: Site, a: Article) -> str:
    """The page as a WET conversion record holds it: the visible text, chrome and all, one block a line."""
    lines = [f"{a.title} | {site.name}", *site.nav, " › ".join([site.home, *([a.section] if a.section else []),
                                                                a.title]), a.title]
    lines += [a.byline] if a.byline else []
    lines += [" ".join(p.split()) for p in a.paragraphs]
    lines += [site.related_heading, *a.related] if a.related else []
    return "\n".join([*lines, *site.footer]) + "\n"
