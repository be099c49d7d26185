"""A client for the HTTP training API with the same interface as the local simulator (HANDOUT.md §6.2).
Finished code; standard library only.

    api = HTTPTrainingAPI("http://127.0.0.1:8000")
    api.loss(d_model=512, num_layers=8, num_heads=8, batch_size=128, learning_rate=5e-4, train_flops=1e16)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from a3_scaling.sim.simulator import BudgetExceededError, TrainingAPIError


class HTTPTrainingAPI:
    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def _get(self, path: str, query: dict[str, Any] | None = None) -> Any:
        url = self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            try:
                body = json.loads(e.read())
            except ValueError:
                body = {"error": f"HTTP {e.code}", "kind": "range"}
            cls = BudgetExceededError if body.get("kind") == "budget" else TrainingAPIError
            raise cls(body.get("error", f"HTTP {e.code}")) from None
        except urllib.error.URLError as e:
            raise ConnectionError(f"cannot reach the training API at {self.base_url} ({e.reason}); start it with "
                                  f"`python -m a3_scaling.sim.server`") from None

    def loss(self, d_model: int, num_layers: int, num_heads: int, batch_size: int, learning_rate: float,
             train_flops: float) -> float:
        # subtle: repr keeps every digit of a float, so a re-query hits the server's cache exactly
        query = {"d_model": d_model, "num_layers": num_layers, "num_heads": num_heads, "batch_size": batch_size,
                 "learning_rate": repr(float(learning_rate)), "train_flops": repr(float(train_flops))}
        return float(self._get("/loss", query)["loss"])

    def total_flops_used(self) -> float:
        return float(self._get("/total_flops_used"))

    def previous_runs(self) -> list[dict]:
        return list(self._get("/previous_runs")["previous_runs"])
