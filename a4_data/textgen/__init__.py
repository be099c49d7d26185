"""Text the project writes itself: multilingual sentences, templated English prose, web boilerplate, PII,
harmful-content word lists, and HTML/WARC pages built from them. Deterministic given a numpy Generator."""
