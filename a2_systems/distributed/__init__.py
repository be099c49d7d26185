"""Data parallelism and optimizer-state sharding (HANDOUT.md §4), one file per design:

- world.py: the given launcher (forked gloo ranks, FileStore rendezvous, timeouts) and require_world;
- ddp_naive.py: broadcast_module and DDPNaive, one blocking all-reduce per gradient;
- ddp_flat.py: DDPFlat, one all-reduce of every gradient flattened;
- ddp_overlap.py: DDPIndividualParameters, async all-reduces launched from post-accumulate-grad hooks;
- ddp_bucketed.py: DDPBucketed, buckets in reverse parameter order, each launched when its last gradient is ready;
- sharded_optimizer.py: ShardedOptimizer, ZeRO stage 1 around any torch optimizer.
"""
