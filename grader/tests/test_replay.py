"""The replay mutant (grader/replay.py) and the hidden-only scoring rule, on the fixture assignment."""

import dataclasses
import importlib

import numpy as np

from grader.plan import hidden_only, plan_for
from grader.replay import collisions, replay_points
from grader.verdict import judge, score
from shared.cases import Instance


def _fx(fx_tree):
    a = fx_tree.assignment("fx")
    plan, stored = plan_for(a, hidden=True)
    return a, plan, stored


def _replay_points(a, plan, stored) -> float:
    return replay_points(a, plan, stored)[0]


def test_fixture_assignment_has_no_replayable_hidden_draw(fx_tree):
    a, plan, stored = _fx(fx_tree)
    assert collisions(plan) == []
    assert _replay_points(a, plan, stored) == 0
    assert all(s.instance.visibility == "hidden" for s in hidden_only(plan).steps)


def test_a_hidden_draw_that_repeats_visible_inputs_is_reported_and_replays(fx_tree):
    a, plan, stored = _fx(fx_tree)
    visible = next(s for s in plan.steps if s.instance.id == "add/random@0")
    i = next(k for k, s in enumerate(plan.steps) if s.instance.id == "add/random#h0")
    steps = list(plan.steps)
    steps[i] = dataclasses.replace(steps[i], inputs=visible.inputs)
    stored = {**stored, "add/random#h0": stored["add/random@0"]}  # its expected value is then the visible one
    leaky = plan.subset(steps)
    # reported against the first visible instance with those inputs (add/commutes@0 draws the same arrays)
    assert [h for h, _ in collisions(leaky)] == ["add/random#h0"]
    assert _replay_points(a, leaky, stored) > 0


def test_a_case_whose_answer_is_fixed_replays_even_on_new_inputs(fx_tree):
    """counter/missing answers 0 for every missing word, which is why it has no hidden draws: give it one at
    another word and the visible answer passes it."""
    a, plan, stored = _fx(fx_tree)
    visible = next(s for s in plan.steps if s.instance.id == "counter/missing@0")
    inst = dataclasses.replace(visible.instance, id="counter/missing#h0", visibility="hidden", seed=7)
    assert isinstance(inst, Instance)
    extra = dataclasses.replace(visible, instance=inst, inputs={"word": "cow"})
    constant = plan.subset([*plan.steps, extra])
    assert collisions(constant) == []
    stored = {**stored, "counter/missing#h0": 0}  # "cow" is not in the text: count 0 (fx_numpy/cases TEXT)
    assert _replay_points(a, constant, stored) > 0


def test_points_split_over_cases_then_over_each_cases_draws(fx_tree):
    """fx.add (2 points) has add/random (1 hidden draw), add/commutes (1) and add/broadcast (hidden-only, 1):
    each case weighs 2/3 whatever its number of draws; in student mode add/random's 2 seeds weigh 1/2 each."""
    a, plan, stored = _fx(fx_tree)
    from grader.execution import Reply, Run

    hidden = hidden_only(plan)
    add = [s for s in hidden.steps if s.instance.unit == "fx.add"]
    results = judge(plan.subset(add), {s.instance.id: Reply(Run.OK, outputs=None) for s in add}, stored)
    unit = next(u for u in score(a.rubric, results) if u.key == "fx.add")
    names = {c.name for c in unit.cases}
    assert names == {"add/random", "add/commutes", "add/broadcast"}
    for n in names:
        assert abs(sum(c.weight for c in unit.cases if c.name == n) - 2 / 3) < 1e-12
    visible = [s for s in plan.steps if s.instance.unit == "fx.add" and s.instance.visibility == "visible"]
    vres = judge(plan.subset(visible), {}, stored)
    vunit = next(u for u in score(a.rubric, vres) if u.key == "fx.add")
    weights = {c.id: c.weight for c in vunit.cases}
    assert abs(weights["add/random@0"] - 0.5) < 1e-12 and abs(weights["add/commutes@0"] - 1.0) < 1e-12


def test_the_tree_a_graded_worker_sees_holds_no_expected_value(fx_tree, tmp_path):
    from grader.assemble import assemble
    from grader.tests.support import REFERENCE_OPS, write_submission

    a = fx_tree.assignment("fx")
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS})
    root = assemble(fx_tree, a, sub, tmp_path / "work").root
    assert (root / "fx_numpy" / "cases" / "__init__.py").exists()  # the case definitions are there
    assert not list(root.rglob("snapshot.bin")) and not list(root.rglob("*.hidden.bin"))


def test_the_secret_sweep_finds_a_small_answer_space_at_fresh_secrets(fx_tree, monkeypatch):
    """A case whose answer takes two values (a + b with a drawn from {0, 1}, b = 0) is clean at some secrets and
    replayable at others; the sweep over fresh secrets reports it, and the fixture as it is stays clean."""
    from grader.replay import secret_sweep
    from shared.cases import Suite

    a = fx_tree.assignment("fx")
    assert secret_sweep(a, 3) == []
    cases = importlib.import_module("fx_numpy.cases")  # the fixture's suite, as the tree loaded it

    few = next(c for c in cases.SUITE.cases if c.name == "add/random")
    coin = dataclasses.replace(few, name="add/coin", hidden_draws=4,
                               inputs=lambda rng: {"a": np.float64(rng.integers(0, 2)), "b": np.float64(0.0)},
                               seeds=(0, 1, 2, 3))
    monkeypatch.setattr(type(a), "suite", lambda self, hidden=False: Suite((*cases.SUITE.cases, coin),
                                                                           cases.SUITE.fixtures, cases.SUITE.groups))
    found = secret_sweep(a, 2)
    assert found and all("add/coin" in f for f in found), found
