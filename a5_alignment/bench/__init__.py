"""a5 benchmarks (HANDOUT.md §9.3): rollout throughput of the batched sampler with the KV cache against the same
sampler recomputing the whole sequence each step."""
