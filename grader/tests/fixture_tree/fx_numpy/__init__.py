"""fx: a tiny numpy-only assignment for the grader's own tests."""
