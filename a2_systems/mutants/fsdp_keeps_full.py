"""FSDP that never frees the gathered parameters: right values, but between steps every rank holds the full model
(and its shard): no memory saved."""

from a2_systems.distributed.fsdp import FSDP

UNIT = "a2.fsdp"
TARGET = "FSDP"


class MUTANT(FSDP):
    def _free(self) -> None:
        self.kept = self._full.detach()  # the full flat parameters, kept for "the next forward"
        super()._free()
