"""Instructor-only tests of the a1 reference (never released)."""
