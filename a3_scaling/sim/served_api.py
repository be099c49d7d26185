"""The training API as the grader serves it (HANDOUT.md §6.4): the simulator of the term's secret law lives in the
grader's process, and the graded `plan` talks to it through `shared.cases.service`. Finished code.

    served = serve(law, budget)            # grader side: a handler request -> reply, holding the simulator
    api = ServedTrainingAPI()              # worker side: CS336's interface, every call a request to the handler

The worker never holds the law: it sees only the losses it asked for, and the FLOP budget is counted where the
simulator is, so neither can be forged. Refusals come back as replies and are raised as the same
TrainingAPIError / BudgetExceededError the local simulator raises, so a plan that handles them locally handles
them when graded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from a3_scaling.sim.simulator import BudgetExceededError, TrainingAPI, TrainingAPIError

FIELDS = ("d_model", "num_layers", "num_heads", "batch_size", "learning_rate", "train_flops")


def serve(law: dict, budget: float) -> Callable[[Any], Any]:
    """A handler for {"method": "loss", "config": {...}} / {"method": "total_flops_used"} /
    {"method": "previous_runs"}; refusals are replies {"error": message, "kind": "range" | "budget"}."""
    api = TrainingAPI(law, budget=budget)

    def handle(request: Any) -> Any:
        if not isinstance(request, dict) or request.get("method") not in ("loss", "total_flops_used", "previous_runs"):
            raise ValueError("a request is {'method': 'loss' | 'total_flops_used' | 'previous_runs', ...}")
        method = request["method"]
        if method == "total_flops_used":
            return {"value": api.total_flops_used()}
        if method == "previous_runs":
            return {"value": api.previous_runs()}
        config = request.get("config")
        if not isinstance(config, dict) or set(config) != set(FIELDS):
            raise ValueError(f"a loss request's config has exactly the keys {FIELDS}")
        try:
            return {"value": api.loss(**config)}
        except BudgetExceededError as e:
            return {"error": str(e), "kind": "budget"}
        except TrainingAPIError as e:
            return {"error": str(e), "kind": "range"}

    return handle


class ServedTrainingAPI:
    """CS336's training-API interface over the grader's service channel."""

    def __init__(self, budget: float) -> None:
        self._budget = float(budget)

    @property
    def budget(self) -> float:
        return self._budget

    def _call(self, request: dict) -> Any:
        from shared.cases import service

        reply = service.call(request)
        if "error" in reply:
            raise (BudgetExceededError if reply.get("kind") == "budget" else TrainingAPIError)(reply["error"])
        return reply["value"]

    def loss(self, d_model: int, num_layers: int, num_heads: int, batch_size: int, learning_rate: float,
             train_flops: float) -> float:
        # subtle: values go as sent (a float d_model included) so the simulator's own validation names them
        values = (d_model, num_layers, num_heads, batch_size, learning_rate, train_flops)
        config = {k: (v.item() if hasattr(v, "item") else v) for k, v in zip(FIELDS, values, strict=True)}
        return float(self._call({"method": "loss", "config": config}))

    def total_flops_used(self) -> float:
        return float(self._call({"method": "total_flops_used"}))

    def previous_runs(self) -> list[dict]:
        return list(self._call({"method": "previous_runs"}))
