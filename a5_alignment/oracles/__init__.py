"""Expected-value oracles (instructor-only: no release ships them; nothing the worker imports imports them)."""
