"""A stage that keeps every output it returns ("for debugging"): right values and order, but no microbatch's
activations are ever freed (the runtime's live counter sees them after the step, and 1F1B's bound is exceeded)."""

from torch import Tensor

from a2_systems.distributed.pipeline import PipelineStage

UNIT = "a2.pipeline_gpipe"
TARGET = "PipelineStage"


class MUTANT(PipelineStage):
    def forward(self, x: Tensor) -> Tensor:
        out = super().forward(x)
        self.__dict__.setdefault("outputs", []).append(out)
        return out
