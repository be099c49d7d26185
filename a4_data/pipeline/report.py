"""The pipeline's statistics as a terminal report: one row per step, then samples of what each step dropped."""

from __future__ import annotations

import json
from pathlib import Path

from a4_data.pipeline.runner import PipelineResult


def render(result: PipelineResult, samples: int = 2) -> str:
    lines = [f"input: {len(result.files)} files, {result.input_bytes / 1e6:.3f} MB of WARC; "
             f"records: {', '.join(f'{k} {v}' for k, v in sorted(result.read.items())) or 'none'}"]
    head = ("step", "stage", "docs in", "docs out", "s", "reasons and counts")
    rows = [(s.name, s.stage, str(s.docs_in), str(s.docs_out), f"{s.seconds:.2f}",
             ", ".join(f"{k} {v}" for k, v in s.reasons.most_common(6)) or "-") for s in result.steps]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    table = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
    lines += [table[0], "  ".join("-" * w for w in widths), *table[1:]]
    ran = ", ".join(f"{k} {v}" for k, v in result.tasks_run.items())
    lines.append(f"kept: {result.kept} documents -> {result.out / 'kept.jsonl'} ({result.seconds:.1f} s, "
                 f"{result.input_bytes / 1e6 / max(result.seconds, 1e-9):.2f} MB/s); tasks run now: {ran}")
    lines.append(f"dropped samples (all dropped documents: {result.out / 'dropped'}):")
    for s in result.steps:
        for x in s.samples[:samples]:
            text = " ".join(x["text"].split())[:100]
            lines.append(f"  [{s.name}: {x['reason']}] {x['url']}  {text!r}")
    return "\n".join(lines)


def manifest_check(inputs: str, out: Path) -> str | None:
    """When the inputs come from demo_data.py (a manifest.jsonl beside them): how many pages ended where the
    ground truth expects. None without a manifest."""
    manifest = Path(inputs) / "manifest.jsonl"
    if not manifest.exists():
        return None
    pages = [json.loads(x) for x in manifest.read_text(encoding="utf-8").splitlines() if x]
    kept = {json.loads(x)["url"] for x in (out / "kept.jsonl").read_text(encoding="utf-8").splitlines() if x}
    keep = [p for p in pages if p["expected"] == "keep"]
    drop = [p for p in pages if p["expected"] not in ("keep", "read (corrupt_record)")]
    lost = [p["url"] for p in keep if p["url"] not in kept]
    leaked = [p["url"] for p in drop if p["url"] in kept]
    line = (f"ground truth ({manifest}): {len(keep) - len(lost)}/{len(keep)} pages to keep were kept, "
            f"{len(drop) - len(leaked)}/{len(drop)} pages to drop were dropped")
    return line + "".join(f"\n  not as expected: {u}" for u in (lost + leaked)[:10])
