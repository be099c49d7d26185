"""The training API over HTTP on the loopback interface (HANDOUT.md §6.2). Finished code.

    python -m a3_scaling.sim.server --port 8000      # serves the practice law at http://127.0.0.1:8000

Endpoints (CS336's, without the API key, which is accepted and ignored):
    GET /loss?d_model=..&num_layers=..&num_heads=..&batch_size=..&learning_rate=..&train_flops=..
        -> 200 {"loss": float, "total_flops_used": float}, or 400 {"error": message, "kind": "range" | "budget"}
    GET /total_flops_used -> 200 float
    GET /previous_runs    -> 200 {"previous_runs": [ {d_model, ..., train_flops, loss}, ... ]}
The server never binds anything but 127.0.0.1; port 0 picks a free port (`server.url` says which).
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from a3_scaling.sim.simulator import BudgetExceededError, TrainingAPI, TrainingAPIError
from shared.config_cli import parse_config

LOSS_FIELDS = ("d_model", "num_layers", "num_heads", "batch_size", "learning_rate", "train_flops")


class TrainingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: TrainingAPI, port: int = 0) -> None:
        self.api = api
        self.lock = threading.Lock()  # one request at a time touches the budget
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: TrainingServer

    def log_message(self, format: str, *args: object) -> None:  # quiet: the client reports errors
        return

    def _send(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        api = self.server.api
        with self.server.lock:
            if parts.path == "/total_flops_used":
                return self._send(200, api.total_flops_used())
            if parts.path == "/previous_runs":
                return self._send(200, {"previous_runs": api.previous_runs()})
            if parts.path != "/loss":
                return self._send(404, {"error": f"no endpoint {parts.path}; use /loss, /total_flops_used or "
                                                 f"/previous_runs", "kind": "path"})
            missing = [f for f in LOSS_FIELDS if f not in query]
            if missing:
                return self._send(400, {"error": f"missing query parameters {missing}", "kind": "range"})
            try:
                value = api.loss(**{f: _number(query[f]) for f in LOSS_FIELDS})
            except BudgetExceededError as e:
                return self._send(400, {"error": str(e), "kind": "budget"})
            except TrainingAPIError as e:
                return self._send(400, {"error": str(e), "kind": "range"})
            return self._send(200, {"loss": value, "total_flops_used": api.total_flops_used()})


def _number(text: str) -> int | float | str:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text  # the API names the field and refuses it


@dataclass
class ServeConfig:
    """Serve the practice law's training API on 127.0.0.1."""

    port: int = field(default=8000, metadata={"help": "TCP port on 127.0.0.1 (0: any free port)"})
    budget: float = field(default=2e18, metadata={"help": "the FLOP budget of this server's session"})


def start(api: TrainingAPI, port: int = 0) -> TrainingServer:
    """A server in a background thread; call `.shutdown()` and `.server_close()` when done."""
    server = TrainingServer(api, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    c = parse_config(ServeConfig, argv)
    server = TrainingServer(TrainingAPI(budget=c.budget), c.port)
    print(f"training API (practice law, budget {c.budget:.3g} FLOPs) at {server.url}; Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
