"""The fixture's oracles (instructor-only: never released, never imported by cases or hidden drivers)."""
