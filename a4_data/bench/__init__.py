"""a4 benchmarks: MinHash vs datasketch, pipeline throughput, language ID vs langid (python -m a4_data.bench)."""
