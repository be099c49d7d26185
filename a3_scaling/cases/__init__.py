"""The visible cases of a3: one module per concept, summed into the assignment's SUITE."""

from a3_scaling.cases import isoflops, optimal, parametric, plan

SUITE = isoflops.SUITE + parametric.SUITE + optimal.SUITE + plan.SUITE
