"""The pipeline's statistics as a terminal report: one row per step, then samples of what each step dropped."""

from __future__ import annotations

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
