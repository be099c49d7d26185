"""A real web corpus built offline from text that registry packages ship, served as WARC/WET files (README.md)."""
