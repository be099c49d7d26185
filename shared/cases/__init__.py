"""The case model (see case.py) and its comparators (compare.py)."""

from shared.cases.case import Case, Fixture, Group, Instance, Suite, Timed, hide, instances, secret_seed, validate
from shared.cases.compare import (
    Comparator,
    Raised,
    Verdict,
    at_most,
    close,
    close_norm,
    distribution,
    exact,
    fields,
    permutation,
    predicate,
    raises,
    set_equal,
)
from shared.cases.impl import Impl, resolve_target
from shared.cases.oracle import OracleRef, Oracles, OracleUnavailable

__all__ = [
    "Case", "Comparator", "Fixture", "Group", "Impl", "Instance", "OracleRef", "Oracles", "OracleUnavailable",
    "Raised", "Suite", "Verdict", "at_most",
    "close", "close_norm", "distribution", "exact", "fields", "hide", "instances", "permutation", "predicate",
    "raises", "resolve_target", "secret_seed", "set_equal", "Timed", "validate",
]
