"""The runtime forbidden-op watcher: aten ops a unit's rubric lists (`forbidden_ops`), seen while the student's
code runs a case. A deterrent, not a defence: it runs in the worker, where student code can pop the mode, call
from another thread or rewrite the report, so the static scan (grader/forbidden.py) stays and this only adds
what the scan cannot see (`getattr(torch, "soft" + "max")`, importlib, `torch.ops.aten._softmax`).

Only ops with their own kernel can be listed: composites (F.linear, matmul, torch.rms_norm on CPU) decompose
before a TorchDispatchMode sees them. An op counts when the innermost frame of the implementation on the stack
(a student file of the package, or a swapped-in mutant's file) is one of the unit's own files or a helper file
that holds no unit's target: the case's own harness code (cases/, hidden/, shared/) never counts, and a
forbidden call inside another unit's file is that unit's verdict, as in the static scan.

The worker only reports what it saw (`Reply.watched`); the verdict is the grader's (grader/verdict.py). Case
runs and fixture builds are watched; a group's spawned world runs in other processes and is not.
"""

from __future__ import annotations

import contextlib
import fnmatch
import importlib
import inspect
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grader.rubric import Rubric, RubricError, load
from shared.cases import Impl

MAX_HITS = 8  # per request: enough to name the call, never a flood of frames

# What reaches each op on torch 2.13 (CPU), for the message; measured with grader/tests/test_forbidden.py.
APIS: dict[str, str] = {
    "aten._softmax": "torch.softmax / F.softmax / Tensor.softmax / nn.Softmax",
    "aten._log_softmax": "F.log_softmax / Tensor.log_softmax / F.cross_entropy",
    "aten.nll_loss_forward": "F.nll_loss / F.cross_entropy / nn.CrossEntropyLoss",
    "aten.logsumexp": "torch.logsumexp / Tensor.logsumexp",
    "aten.silu": "F.silu / nn.SiLU",
    "aten.silu_": "F.silu(inplace=True) / Tensor.silu_",
    "aten._scaled_dot_product_flash_attention_for_cpu": "F.scaled_dot_product_attention",
    "aten._safe_softmax": "F.scaled_dot_product_attention (its math path, e.g. d_v != d_k)",
    "aten._native_multi_head_attention": "nn.MultiheadAttention",
    "aten.embedding": "F.embedding / nn.Embedding",
    "aten._fused_adamw_": "torch.optim.AdamW(fused=True)",
    "aten._foreach_norm": "torch.nn.utils.clip_grad_norm_",
    "aten.special_entr": "torch.special.entr",
}


def unit_files(rubric: Rubric, api: dict[str, str]) -> dict[str, set[str]]:
    """unit key -> the files that hold its targets (from the module map)."""
    return {k: {api[t].split(":")[0].replace(".", "/") + ".py" for t in u.targets if t in api}
            for k, u in rubric.units.items()}


def _relative(filename: str, package: str) -> str | None:
    marker = os.sep + package + os.sep
    return package + "/" + filename.split(marker, 1)[1].replace(os.sep, "/") if marker in filename else None


class Scope:
    """Which ops are watched for which unit, and which files count as the unit's implementation."""

    def __init__(self, rubric: Rubric, impl: Impl) -> None:
        self.rubric, self.package = rubric, rubric.package
        self.ops = {k: u.forbidden_ops for k, u in rubric.units.items() if u.forbidden_ops}
        self.owners = unit_files(rubric, impl.api)
        self.owned = set().union(*self.owners.values()) if self.owners else set()
        # a mutant swapped in by the instructor stands where the student's code would, wherever it is defined
        self.overrides = {c for obj in impl.overrides.values() for c in _codes(obj)}

    @staticmethod
    def of(package: str, impl: Impl) -> Scope | None:
        """The scope from the tree's own rubric (the release's copy in grading); None when nothing is listed."""
        module = importlib.import_module(package)
        if not getattr(module, "__file__", None):
            return None
        try:
            scope = Scope(load(Path(module.__file__).parent / "rubric.toml"), impl)
        except RubricError:
            return None  # the grader's own process reports a broken rubric; the worker just does not watch
        return scope if scope.ops else None

    def where(self, unit: str, frame: Any) -> str | None:
        """'file:line in function' of the innermost implementation frame, when it is this unit's to answer for:
        its own files, a helper file (no unit's target) or a swapped-in mutant; another unit's file is not."""
        while frame is not None:
            filename = frame.f_code.co_filename
            rel = _relative(filename, self.package)
            line = f":{frame.f_lineno} in {frame.f_code.co_name}"
            if frame.f_code in self.overrides:
                return (rel or Path(filename).name) + line
            if rel is not None and self.rubric.is_student_file(rel):
                return rel + line if rel in self.owners.get(unit, ()) or rel not in self.owned else None
            frame = frame.f_back
        return None


def _codes(obj: Any) -> set[Any]:
    """The code objects of a function or of a class's methods, nested functions included."""
    if isinstance(obj, type):
        return {c for v in vars(obj).values() for c in _codes(getattr(v, "__func__", v))}
    code = getattr(obj, "__code__", None)
    if code is None:
        return set()
    out, todo = set(), [code]
    while todo:
        c = todo.pop()
        out.add(c)
        todo += [k for k in c.co_consts if inspect.iscode(k)]
    return out


_MODE: type | None = None


def _mode_class() -> type:
    """The dispatch mode, defined on first use so that a numpy-only assignment never imports torch."""
    global _MODE
    if _MODE is None:
        from torch.utils._python_dispatch import TorchDispatchMode

        class Watch(TorchDispatchMode):
            @classmethod
            def _should_skip_dynamo(cls) -> bool:
                # subtle: otherwise torch wraps __torch_dispatch__ in a dynamo guard whose first call imports
                # torch._dynamo (1.5 s, in every fresh child); the worker runs with TORCHDYNAMO_DISABLE=1, so the
                # guard has nothing to guard against here
                return False

            def __init__(self, scope: Scope, unit: str, hits: list[dict]) -> None:
                super().__init__()
                self.scope, self.unit, self.hits = scope, unit, hits
                self.patterns = scope.ops[unit]
                self.listed: dict[Any, str | None] = {}  # op overload -> its listed name, or None

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                if func not in self.listed:
                    name = str(func.overloadpacket)
                    self.listed[func] = name if any(fnmatch.fnmatchcase(name, p) for p in self.patterns) else None
                name = self.listed[func]
                if name is not None and len(self.hits) < MAX_HITS:
                    where = self.scope.where(self.unit, sys._getframe(1))
                    if where and {"op": name, "where": where} not in self.hits:
                        self.hits.append({"op": name, "where": where})
                return func(*args, **(kwargs or {}))

        _MODE = Watch
    return _MODE


@contextlib.contextmanager
def watching(scope: Scope | None, unit: str, hits: list[dict]) -> Iterator[None]:
    """Append {op, where} to `hits` for each of the unit's listed ops that its code calls while the block runs
    (kept when the block raises: a forbidden call before an error is still one)."""
    if scope is None or unit not in scope.ops:
        yield
        return
    with _mode_class()(scope, unit, hits):
        yield
