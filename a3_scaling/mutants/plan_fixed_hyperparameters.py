"""The reference plan's scaling fit with untuned hyperparameters (learning rate 1e-3, batch 256): the size can come
out right, but the hyperparameters do not."""

from a3_scaling.planning import plan

UNIT = "a3.plan"
TARGET = "plan"


def MUTANT(api, budget):
    return {**plan(api, budget), "learning_rate": 1e-3, "batch_size": 256}
