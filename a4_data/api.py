"""The public module map of a4: which file holds which name. Cases reach student code only through these
names (shared/cases/impl.py), so this map is part of the assignment's API: keep it stable."""

API: dict[str, str] = {
    "extract_text_from_html_bytes": "a4_data.extract:extract_text_from_html_bytes",
    "iter_warc_documents": "a4_data.warc:iter_warc_documents",
    "identify_language": "a4_data.language:identify_language",
    "mask_emails": "a4_data.pii:mask_emails",
    "mask_phone_numbers": "a4_data.pii:mask_phone_numbers",
    "mask_ips": "a4_data.pii:mask_ips",
    "classify_nsfw": "a4_data.harmful:classify_nsfw",
    "classify_toxic_speech": "a4_data.harmful:classify_toxic_speech",
    "gopher_quality_filter": "a4_data.quality:gopher_quality_filter",
    "classify_quality": "a4_data.quality:classify_quality",
    "exact_line_deduplication": "a4_data.dedup_exact:exact_line_deduplication",
    "normalize_text": "a4_data.minhash:normalize_text",
    "shingles": "a4_data.minhash:shingles",
    "minhash_signatures": "a4_data.minhash:minhash_signatures",
    "minhash_deduplication": "a4_data.minhash:minhash_deduplication",
}
