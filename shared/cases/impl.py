"""`impl`: the implementation a case exercises, resolved by public name through the assignment's module map.

A case never imports student modules itself: it asks `impl.softmax`, which imports `a1_basics.nn.activations`
on first use. So an import error fails only the units that touch that file, and the instructor side can swap
in a mutant (`Impl(api, overrides={"softmax": broken})`) without touching any module.
"""

from __future__ import annotations

import importlib
from typing import Any


class Impl:
    def __init__(self, api: dict[str, str], overrides: dict[str, Any] | None = None) -> None:
        self._api = dict(api)
        self._overrides = dict(overrides or {})

    @property
    def api(self) -> dict[str, str]:
        return dict(self._api)

    @property
    def overrides(self) -> dict[str, Any]:
        """The swapped-in objects (mutants), by api name: the forbidden-op watcher counts their files as the
        implementation's (grader/aten_watch.py)."""
        return dict(self._overrides)

    def resolve(self, name: str) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        if name not in self._api:
            raise AttributeError(f"'{name}' is not in the assignment's module map (api.py); known: "
                                 f"{', '.join(sorted(self._api))}")
        return resolve_target(self._api[name])

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.resolve(name)


def resolve_target(target: str) -> Any:
    """'pkg.module:Attr.sub' -> the object."""
    module_name, _, qualname = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj
