"""The public module map of a2: which file holds which name. Cases reach student code only through these names
(shared/cases/impl.py), so this map is part of the assignment's API: keep it stable."""

API: dict[str, str] = {
    # profiling/
    "benchmark": "a2_systems.profiling.timing:benchmark",
    "profile_ops": "a2_systems.profiling.profile:profile_ops",
    "PeakMemoryTracker": "a2_systems.profiling.memory:PeakMemoryTracker",
    "mixed_precision_step": "a2_systems.profiling.mixed_precision:mixed_precision_step",
    "CheckpointedSequential": "a2_systems.profiling.checkpointing:CheckpointedSequential",
    # flash/
    "FlashAttentionPytorch": "a2_systems.flash.flash_pytorch:FlashAttentionPytorch",
    "FlashAttentionTriton": "a2_systems.flash.flash_triton:FlashAttentionTriton",
    # distributed/
    "DDPNaive": "a2_systems.distributed.ddp_naive:DDPNaive",
    "DDPFlat": "a2_systems.distributed.ddp_flat:DDPFlat",
    "DDPIndividualParameters": "a2_systems.distributed.ddp_overlap:DDPIndividualParameters",
    "DDPBucketed": "a2_systems.distributed.ddp_bucketed:DDPBucketed",
    "ShardedOptimizer": "a2_systems.distributed.sharded_optimizer:ShardedOptimizer",
    # inference/ (optional units, HANDOUT §6)
    "BlockAllocator": "a2_systems.inference.paged_kv_cache:BlockAllocator",
    "PagedKVCache": "a2_systems.inference.paged_kv_cache:PagedKVCache",
    "speculative_decode": "a2_systems.inference.speculative:speculative_decode",
    # distributed/ model parallelism (optional units, HANDOUT §7)
    "ColumnParallelLinear": "a2_systems.distributed.tensor_parallel:ColumnParallelLinear",
    "RowParallelLinear": "a2_systems.distributed.tensor_parallel:RowParallelLinear",
    "ParallelMLP": "a2_systems.distributed.tensor_parallel:ParallelMLP",
    "ParallelAttention": "a2_systems.distributed.tensor_parallel:ParallelAttention",
    "FSDP": "a2_systems.distributed.fsdp:FSDP",
    # distributed/ pipeline parallelism (optional units, HANDOUT §7.4, §7.5)
    "PipelineStage": "a2_systems.distributed.pipeline:PipelineStage",
    "stage_layers": "a2_systems.distributed.pipeline:stage_layers",
    "split_microbatches": "a2_systems.distributed.pipeline:split_microbatches",
    "microbatch_loss": "a2_systems.distributed.pipeline:microbatch_loss",
    "gpipe_schedule": "a2_systems.distributed.pipeline:gpipe_schedule",
    "one_f_one_b_schedule": "a2_systems.distributed.pipeline_1f1b:one_f_one_b_schedule",
}
