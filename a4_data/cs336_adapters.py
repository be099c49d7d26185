"""CS336-compatible adapters: finished glue with the names and signatures of CS336's a4 tests/adapters.py.

Each function calls the student's code through this package, so CS336's own tests run against it when their
adapters.py re-exports these names. Imports are lazy, so a broken file fails only the adapters that use it.
"""

from __future__ import annotations

import os
from typing import Any


def run_extract_text_from_html_bytes(html_bytes: bytes) -> str | None:
    from a4_data.extract import extract_text_from_html_bytes

    return extract_text_from_html_bytes(html_bytes)


def run_identify_language(text: str) -> tuple[Any, float]:
    from a4_data.language import identify_language

    return identify_language(text)


def run_mask_emails(text: str) -> tuple[str, int]:
    from a4_data.pii import mask_emails

    return mask_emails(text)


def run_mask_phone_numbers(text: str) -> tuple[str, int]:
    from a4_data.pii import mask_phone_numbers

    return mask_phone_numbers(text)


def run_mask_ips(text: str) -> tuple[str, int]:
    from a4_data.pii import mask_ips

    return mask_ips(text)


def run_classify_nsfw(text: str) -> tuple[Any, float]:
    from a4_data.harmful import classify_nsfw

    return classify_nsfw(text)


def run_classify_toxic_speech(text: str) -> tuple[Any, float]:
    from a4_data.harmful import classify_toxic_speech

    return classify_toxic_speech(text)


def run_classify_quality(text: str) -> tuple[Any, float]:
    from a4_data.quality import classify_quality

    return classify_quality(text)


def run_gopher_quality_filter(text: str) -> bool:
    from a4_data.quality import gopher_quality_filter

    return gopher_quality_filter(text)


def run_exact_line_deduplication(input_files: list[os.PathLike], output_directory: os.PathLike) -> None:
    from a4_data.dedup_exact import exact_line_deduplication

    exact_line_deduplication(input_files, output_directory)


def run_minhash_deduplication(input_files: list[os.PathLike], num_hashes: int, num_bands: int, ngrams: int,
                              jaccard_threshold: float, output_directory: os.PathLike) -> None:
    from a4_data.minhash import minhash_deduplication

    minhash_deduplication(input_files, num_hashes, num_bands, ngrams, jaccard_threshold, output_directory)
