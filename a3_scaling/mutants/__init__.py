"""Hand-written wrong variants of the a3 reference (instructor-only). Each module names the unit it breaks (UNIT),
the api name it replaces (TARGET) and the replacement (MUTANT); `grader check` proves every one is caught."""
