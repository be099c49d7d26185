"""python -m a4_data.pipeline --inputs out/a4/warc --out out/a4/filtered [--workers 2] or --corpus real (--help)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from a4_data.pipeline.config import PipelineConfig
from shared.config_cli import ConfigError, parse_config


def main(argv: list[str] | None = None) -> int:
    try:
        cfg = parse_config(PipelineConfig, argv)
        if cfg.corpus == "real":
            from a4_data.pipeline.real_data import cached_corpus

            cfg = dataclasses.replace(cfg, inputs=str(cached_corpus()))
        if cfg.executor != "local":
            from a4_data.pipeline.scale import run_scaled

            print(run_scaled(cfg))
            return 0
        from a4_data.pipeline.report import manifest_check, render
        from a4_data.pipeline.runner import run_pipeline

        result = run_pipeline(cfg)
    except (ConfigError, FileNotFoundError, ValueError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(render(result, cfg.samples))
    check = manifest_check(cfg.inputs, cfg.out)
    if check:
        print(check)
    if (Path(cfg.inputs) / "corpus.jsonl").exists():
        from a4_data.realweb.outcome import outcomes
        from a4_data.realweb.outcome import render as render_outcomes

        print(f"pages of each source of the real corpus ({cfg.inputs}), where they ended:")
        print(render_outcomes(outcomes(Path(cfg.inputs), cfg.out)))
    print(f"statistics: {cfg.out / 'stats.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
