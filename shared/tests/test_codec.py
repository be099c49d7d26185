"""The data-only codec: round trips, refusals, and caps against hostile bytes."""

import math
import pickle
import struct

import numpy as np
import pytest
import torch

from shared.codec import MAGIC, CodecError, Limits, decode, encode


def test_round_trip_keeps_types_and_values():
    value = {"a": np.arange(6, dtype=np.int64).reshape(2, 3), "b": (1, 2.5, "x", b"\x00\xff", None, True),
             "c": [np.float32(1.5), float("nan"), float("inf"), 2**70], "d": np.zeros((0, 4), np.float16)}
    out = decode(encode(value))
    assert isinstance(out["b"], tuple) and out["b"][3] == b"\x00\xff" and out["b"][5] is True
    np.testing.assert_array_equal(out["a"], value["a"])
    assert out["a"].dtype == np.int64
    assert out["c"][0] == 1.5 and math.isnan(out["c"][1]) and out["c"][2] == math.inf and out["c"][3] == 2**70
    assert out["d"].shape == (0, 4) and out["d"].dtype == np.float16


def test_torch_tensors_become_numpy_and_bfloat16_widens():
    out = decode(encode({"t": torch.arange(4, dtype=torch.bfloat16), "g": torch.ones(2, requires_grad=True)}))
    assert isinstance(out["t"], np.ndarray) and out["t"].dtype == np.float32
    np.testing.assert_array_equal(out["t"], [0, 1, 2, 3])
    assert out["g"].dtype == np.float32


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize("bad", [LyingFloat(1.0), object(), {1: 2}, {"__array__": 1}, np.array([object()])])
def test_refuses_what_is_not_plain_data(bad):
    with pytest.raises(CodecError):
        encode(bad)


def test_pickle_bytes_are_not_a_message():
    with pytest.raises(CodecError, match="not an LMFS1"):
        decode(pickle.dumps({"a": 1}))


def test_size_caps_and_inconsistent_buffers_are_refused():
    data = encode({"x": np.zeros(1000)})
    with pytest.raises(CodecError, match="exceeds the cap"):
        decode(data, Limits(max_bytes=100))
    with pytest.raises(CodecError, match="add up"):
        decode(data[:-8])
    header = b'{"tree":{"__array__":0,"dtype":"<f8","shape":[1000000]},"sizes":[8]}'
    forged = MAGIC + struct.pack("<Q", len(header)) + header + b"\x00" * 8
    with pytest.raises(CodecError, match="wrong size"):
        decode(forged)


def test_depth_cap():
    v: list = []
    for _ in range(40):
        v = [v]
    with pytest.raises(CodecError, match="deeper"):
        decode(encode(v))
