"""stage_layers that gives the extra blocks to the LAST stages (sizes as equal, the wrong ones larger): a valid
contiguous split, not numpy's array_split rule the handout pins."""

from a2_systems.distributed.pipeline import stage_layers

UNIT = "a2.pipeline_gpipe"
TARGET = "stage_layers"


def MUTANT(num_layers: int, num_stages: int) -> list[range]:
    sizes = [len(r) for r in stage_layers(num_layers, num_stages)][::-1]
    out, start = [], 0
    for size in sizes:
        out.append(range(start, start + size))
        start += size
    return out
