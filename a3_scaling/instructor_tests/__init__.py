"""Instructor tests of a3: the reference against oracles and properties, the simulator, its HTTP server, the
analysis and the sweep scripts."""
