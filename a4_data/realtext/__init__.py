"""Real human-written text found offline in registry packages: the corpora a4's classifiers train and are
measured on (README.md beside this file lists each source, its licence and its size)."""
