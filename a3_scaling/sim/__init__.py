"""Finished infrastructure of a3 (protected, never the student's to change): the scaling law, the practice runs
table, the training-run simulator and its server, client and served API."""
