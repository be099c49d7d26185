"""a4 Data: a web-data filtering pipeline on WARC files (planned: issue P5)."""
