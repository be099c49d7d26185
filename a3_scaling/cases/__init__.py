"""The visible cases of a3: one module per concept, summed into the assignment's SUITE."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=("isoflops", "parametric", "optimal", "plan"))
