"""Expected values of a2.timing's cases (instructor-only): the inputs' durations of the measured calls (the calls
after the warm-up) and the number of calls, a worked example independent of any implementation."""


def expect_fake(inp: dict) -> dict:
    return {"times": inp["durations"][inp["warmup"]:], "calls": inp["warmup"] + inp["steps"]}
