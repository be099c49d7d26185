"""Hidden-only cases of a1: placeholder, filled by P2 work."""

from shared.cases import Suite

SUITE = Suite()
