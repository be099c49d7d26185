"""The pipeline's statistics as a terminal report: one row per step, then samples of what each step dropped."""

from __future__ import annotations

import json
from pathlib import Path

from a4_data.pipeline.runner import PipelineResult


def _mb(n: int) -> str:
    return f"{n / 1e6:.3f}"


def render(result: PipelineResult, samples: int = 2) -> str:
    lines = [f"input: {len(result.files)} files, {_mb(result.input_bytes)} MB of WARC; "
             f"records: {', '.join(f'{k} {v}' for k, v in sorted(result.read.items())) or 'none'}"]
    head = ("step", "docs in", "docs out", "MB in", "MB out", "s", "reasons (count)")
    rows = [(s.name, str(s.docs_in), str(s.docs_out), _mb(s.bytes_in), _mb(s.bytes_out), f"{s.seconds:.2f}",
             ", ".join(f"{k} {v}" for k, v in s.reasons.most_common(6)) or "-") for s in result.steps]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
    lines.insert(2, "  ".join("-" * w for w in widths))
    lines.append(f"kept: {result.kept} documents -> {result.out / 'kept.jsonl'} "
                 f"({result.seconds:.1f} s, {result.input_bytes / 1e6 / max(result.seconds, 1e-9):.2f} MB/s)")
    lines.append("dropped samples:")
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
