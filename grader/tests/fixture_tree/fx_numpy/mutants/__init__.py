"""Hand-written mutants of fx."""
