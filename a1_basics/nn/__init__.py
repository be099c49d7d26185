"""The model's building blocks, one concept per file; the module map in a1_basics/api.py names them."""
