"""The grader's own tests (instructor-only: never released)."""
