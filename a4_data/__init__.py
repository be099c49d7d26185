"""a4 Data: a web-data filtering pipeline on WARC files (HANDOUT.md): extraction, language ID, PII masking,
harmful-content and quality filters, exact and MinHash deduplication, and a multi-process pipeline over them."""
