"""Module map of fx."""

API: dict[str, str] = {
    "add": "fx_numpy.ops:add",
    "scale": "fx_numpy.ops:scale",
    "sample": "fx_numpy.ops:sample",
    "checked_sqrt": "fx_numpy.ops:checked_sqrt",
    "Counter": "fx_numpy.counter:Counter",
    "world_sum": "fx_numpy.world:world_sum",
    "pair_counts": "fx_numpy.speed:pair_counts",
}
