"""Ends the run with the first failure per unit, the per-unit progress table and a one-line verdict."""

from grader.student import pytest_sessionfinish, pytest_unconfigure  # noqa: F401
