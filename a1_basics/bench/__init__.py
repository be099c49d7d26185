"""a1 benchmarks: `python -m a1_basics.bench [--quick]` (make bench A=a1)."""
