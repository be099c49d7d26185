"""A data-only wire format for case inputs, outputs and expected values.

Never pickle: decoding must not run code. A message is one JSON header followed by raw array buffers:

    b"LMFS1" | u64 header length | header JSON | buffer 0 | buffer 1 | ...

The header holds the value tree; arrays and bytes are replaced by {"__array__": i, "dtype": ..., "shape": ...}
and {"__bytes__": i}. Tuples are kept apart from lists ({"__tuple__": [...]}) so a comparator can tell them
apart. Torch tensors are converted to numpy on encode (bfloat16 widens to float32), so the decoding side never
needs torch. `decode` enforces size caps, because the other side may be hostile.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

MAGIC = b"LMFS1"
_ALLOWED_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}


class CodecError(ValueError):
    """Raised for values that cannot be encoded or bytes that are not a valid message."""


@dataclass(frozen=True)
class Limits:
    """Caps applied while decoding untrusted bytes."""

    max_bytes: int = 256 * 2**20
    max_header_bytes: int = 8 * 2**20
    max_depth: int = 32
    max_buffers: int = 100_000


def _to_numpy(value: Any) -> np.ndarray | None:
    """Convert a torch tensor to numpy without importing torch when the value is not a tensor."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        import torch

        t = value.detach().cpu()
        if t.dtype == torch.bfloat16:
            t = t.float()
        return t.contiguous().numpy()
    return None


def encode(value: Any) -> bytes:
    buffers: list[bytes] = []

    def enc(v: Any, depth: int) -> Any:
        if depth > 64:
            raise CodecError("value nested deeper than 64 levels")
        # subtle: bool before int (bool is an int); exact types only, so a subclass with a lying __eq__
        # is refused here rather than carried across.
        if v is None or type(v) in (bool, str):
            return v
        if type(v) is int:
            return v if abs(v) < 2**63 else {"__bigint__": str(v)}
        if type(v) is float:
            if math.isfinite(v):
                return v
            return {"__float__": repr(v)}
        if type(v) in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
                       np.uint8, np.uint16, np.uint32, np.uint64, np.bool_):
            return enc(v.item(), depth)
        if type(v) in (bytes, bytearray):
            buffers.append(bytes(v))
            return {"__bytes__": len(buffers) - 1}
        arr = _to_numpy(v) if not isinstance(v, np.ndarray) else v
        if arr is not None:
            if type(arr) is not np.ndarray:
                raise CodecError(f"array subclass {type(arr).__name__} is not allowed")
            if arr.dtype.name not in _ALLOWED_DTYPES:
                raise CodecError(f"array dtype {arr.dtype} is not allowed")
            buffers.append(np.ascontiguousarray(arr).tobytes())
            return {"__array__": len(buffers) - 1, "dtype": arr.dtype.str, "shape": list(arr.shape)}
        if type(v) is list:
            return [enc(x, depth + 1) for x in v]
        if type(v) is tuple:
            return {"__tuple__": [enc(x, depth + 1) for x in v]}
        if type(v) is dict:
            if not all(type(k) is str for k in v):
                raise CodecError("dict keys must be str")
            if any(k.startswith("__") for k in v):
                raise CodecError("dict keys may not start with '__'")
            return {k: enc(x, depth + 1) for k, x in v.items()}
        raise CodecError(f"cannot encode a value of type {type(v).__module__}.{type(v).__qualname__}")

    tree = enc(value, 0)
    header = json.dumps({"tree": tree, "sizes": [len(b) for b in buffers]}, allow_nan=False,
                        separators=(",", ":")).encode()
    return b"".join([MAGIC, struct.pack("<Q", len(header)), header, *buffers])


def decode(data: bytes, limits: Limits = Limits()) -> Any:
    if len(data) > limits.max_bytes:
        raise CodecError(f"message of {len(data)} bytes exceeds the cap of {limits.max_bytes}")
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise CodecError("not an LMFS1 message")
    (hlen,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    if hlen > limits.max_header_bytes or start + hlen > len(data):
        raise CodecError("header length is out of range")
    try:
        header = json.loads(data[start : start + hlen])
        sizes = header["sizes"]
        tree = header["tree"]
    except (ValueError, KeyError, TypeError) as e:
        raise CodecError(f"malformed header: {e}") from None
    if not isinstance(sizes, list) or len(sizes) > limits.max_buffers or not all(
        type(s) is int and s >= 0 for s in sizes
    ):
        raise CodecError("malformed buffer table")
    offsets, pos = [], start + hlen
    for s in sizes:
        offsets.append(pos)
        pos += s
    if pos != len(data):
        raise CodecError("buffer sizes do not add up to the message length")

    def buf(i: Any) -> bytes:
        if type(i) is not int or not 0 <= i < len(sizes):
            raise CodecError("buffer index out of range")
        return data[offsets[i] : offsets[i] + sizes[i]]

    def dec(v: Any, depth: int) -> Any:
        if depth > limits.max_depth:
            raise CodecError(f"value nested deeper than {limits.max_depth} levels")
        if v is None or type(v) in (bool, int, float, str):
            return v
        if type(v) is list:
            return [dec(x, depth + 1) for x in v]
        if type(v) is not dict:
            raise CodecError("malformed value")
        if "__array__" in v:
            dtype = np.dtype(v.get("dtype", "?"))
            shape = v.get("shape")
            if dtype.name not in _ALLOWED_DTYPES or not isinstance(shape, list) or not all(
                type(n) is int and n >= 0 for n in shape
            ):
                raise CodecError("malformed array")
            raw = buf(v["__array__"])
            if len(raw) != dtype.itemsize * math.prod(shape):
                raise CodecError("array buffer has the wrong size for its shape")
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if "__bytes__" in v:
            return buf(v["__bytes__"])
        if "__tuple__" in v:
            return tuple(dec(x, depth + 1) for x in v["__tuple__"])
        if "__float__" in v:
            if v["__float__"] not in ("nan", "inf", "-inf"):
                raise CodecError("malformed float")
            return float(v["__float__"])
        if "__bigint__" in v:
            return int(v["__bigint__"])
        return {str(k): dec(x, depth + 1) for k, x in v.items()}

    return dec(tree, 0)
