"""The end of every training experiment (SFT, expert iteration, DPO, GRPO, PPO): the trained policy next to its
log, then the results and curves in the log."""

from __future__ import annotations

from typing import Any

from a5_alignment.infra.models import save_policy
from shared.run_log import Curves, RunLog


def finish_run(log: RunLog, model: Any, results: dict[str, Any], plot_keys: tuple[str, ...]) -> dict[str, Any]:
    """Save the policy to out_dir/policy.pt (its meta: the method and the numeric results, so a checkpoint says
    where it came from), write the results with the CPU seconds used into log.json, and draw plot_keys into
    curves.png. Returns the results."""
    numeric = {k: v for k, v in results.items() if isinstance(v, int | float)}
    save_policy(model, log.out_dir / "policy.pt", {"method": log.name, **numeric})
    return log.finish(results, Curves(plot_keys))
