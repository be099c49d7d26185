"""Finished infrastructure of a5 (protected, never the student's to change): the answer verifier, the tasks and
their data, the sampler, the character tokenizer, the models and sequence packing."""
