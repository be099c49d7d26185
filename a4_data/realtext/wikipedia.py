"""Wikipedia articles from the 2006 English dump excerpt that gensim ships in its test data (106 articles after
redirects are dropped), turned from wikitext into plain paragraphs."""

from __future__ import annotations

import bz2
import functools
import re
import xml.etree.ElementTree as ET

from a4_data.realtext.sources import gensim_test_data

DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"

# wikitext constructs removed or unwrapped; templates and tables nest, so they are peeled innermost-first
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|\{\|[^{}]*?\|\}", re.S)
_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>|<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]+>")
_FILE_LINK = re.compile(r"\[\[(?:File|Image|Category|[a-z]{2,3}(?:-[a-z]+)?):[^\[\]]*(?:\[\[[^\]]*\]\][^\[\]]*)*\]\]")
_LINK = re.compile(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]")
_EXTERNAL = re.compile(r"\[https?://\S+\s*([^\]]*)\]")
_EMPHASIS = re.compile(r"'{2,}")


def plain_text(wikitext: str) -> str:
    """Paragraphs of prose: markup removed, headings, lists and tables dropped, blank line between paragraphs."""
    text = _REF.sub("", wikitext)
    for _ in range(6):
        text, n = _TEMPLATE.subn("", text)
        if not n:
            break
    text = _FILE_LINK.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EXTERNAL.sub(r"\1", text)
    text = _EMPHASIS.sub("", _TAG.sub("", text))
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&quot;", '"')
    paragraphs = []
    for para in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in para.splitlines()
                 if ln.strip() and not ln.lstrip().startswith(("=", "*", "#", ":", ";", "|", "!", "{", "}"))]
        para = " ".join(lines)
        if len(para.split()) >= 20:  # a sentence fragment left by removed markup is not a paragraph
            paragraphs.append(para)
    return "\n\n".join(paragraphs)


@functools.cache
def _load() -> tuple[tuple[str, str], ...]:
    out = []
    with bz2.open(gensim_test_data(DUMP), "rb") as f:
        for _, el in ET.iterparse(f):
            if el.tag.rsplit("}", 1)[-1] != "page":
                continue
            ns = {c.tag.rsplit("}", 1)[-1]: c for c in el.iter()}
            if "redirect" not in ns and ns.get("ns") is not None and ns["ns"].text == "0" and "text" in ns:
                text = plain_text(ns["text"].text or "")
                if text:
                    out.append((ns["title"].text or "", text))
            el.clear()
    return tuple(out)


def load() -> list[tuple[str, str]]:
    """(title, plain text) of every article in the excerpt that keeps some prose, in dump order (parsed once
    per process: about two seconds)."""
    return list(_load())
