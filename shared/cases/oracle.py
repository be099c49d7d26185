"""Oracle references: a case names its oracle; it does not hold it.

An oracle computes a case's expected value from its inputs, and several are solutions in all but name (a naive
LM from `F.*`, the cosine schedule, RoPE by pairs, GAE as a loop). So oracles live in each assignment's
instructor-only `oracles/` package, which no release ships and which nothing the worker imports (case files,
hidden drivers) imports: student code in the worker can neither read nor call them. A case says

    ORACLES = Oracles("a1_basics.oracles.model")
    Case(..., expect=ORACLES.expect_mhsa)            # the function expect_mhsa(inputs)
    Case(..., expect=ORACLES.expect_top_k.of(5))     # a factory: expect_top_k(5) returns the oracle

and only the commands that compute expected values (`grader build`, `grader check`, the instructor's
`grader fuzz`) resolve the reference. Graded runs read expected values from the stored snapshot and hidden file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class OracleUnavailable(LookupError):
    """The oracle's module is not importable here: a student release ships no oracles."""


@dataclass(frozen=True)
class OracleRef:
    module: str
    name: str
    args: tuple = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def of(self, *args: Any, **kwargs: Any) -> OracleRef:
        """The oracle that the factory `name(*args, **kwargs)` returns (resolved lazily, like the reference)."""
        if self.args or self.kwargs:
            raise TypeError(f"{self.label}: arguments given twice")
        return OracleRef(self.module, self.name, args, tuple(sorted(kwargs.items())))

    @property
    def label(self) -> str:
        return f"{self.module}:{self.name}"

    def resolve(self) -> Callable[[dict], Any]:
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as e:
            if e.name and self.module.startswith(e.name):
                raise OracleUnavailable(
                    f"oracle {self.label} is not here: oracles are instructor-only (no release ships them); "
                    f"run this in the instructor's tree") from e
            raise
        try:
            fn = getattr(module, self.name)
        except AttributeError:
            raise LookupError(f"oracle {self.label}: {self.module} defines no {self.name!r} (a typo in the "
                              f"case's expect=, or the oracle was renamed)") from None
        return fn(*self.args, **dict(self.kwargs)) if (self.args or self.kwargs) else fn


class Oracles:
    """`Oracles("a1_basics.oracles.model").expect_mhsa` is a reference to that function; nothing is imported."""

    def __init__(self, module: str):
        if module.split(".")[1:2] != ["oracles"]:
            raise ValueError(f"Oracles({module!r}): oracles live in the package's instructor-only oracles/ "
                             f"(for example 'a1_basics.oracles.model'), never beside released code")
        self._module = module

    def __getattr__(self, name: str) -> OracleRef:
        if name.startswith("_"):
            raise AttributeError(name)
        return OracleRef(self._module, name)


def resolve(expect: Any) -> Callable[[dict], Any] | None:
    """The callable behind a case's `expect` (an OracleRef, or a callable in trees that release nothing, such
    as the grader's own tests), or None for "reference" and properties."""
    if isinstance(expect, OracleRef):
        return expect.resolve()
    if callable(expect):
        return expect
    return None
