"""A command line generated from a config dataclass: every field becomes `--field` with its default and the
one-line help from the field's metadata, so the dataclass stays the single source of truth.

    @dataclass
    class TrainConfig:
        lr: float = field(default=3e-4, metadata={"help": "peak learning rate"})

    config = parse_config(TrainConfig, argv, presets={"tiny": TrainConfig(lr=1e-3)})

`--preset NAME` starts from a named preset; explicit flags override it. `--config FILE.json` loads values from a
JSON object. Unknown keys and values of the wrong type are errors naming the field.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    pass


def _field_type(cls: type, f: dataclasses.Field) -> Any:
    hints = typing.get_type_hints(cls)
    t = hints[f.name]
    origin = typing.get_origin(t)
    if origin in (typing.Union, types.UnionType):  # Optional[X] -> X
        args = [a for a in typing.get_args(t) if a is not type(None)]
        t = args[0] if len(args) == 1 else str
    return t


def _convert(cls: type, name: str, value: Any) -> Any:
    f = next((f for f in dataclasses.fields(cls) if f.name == name), None)
    if f is None:
        known = ", ".join(x.name for x in dataclasses.fields(cls))
        raise ConfigError(f"unknown config key '{name}' for {cls.__name__} (known: {known})")
    t = _field_type(cls, f)
    if value is None:
        return None
    try:
        if t is bool:
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        if t in (int, float, str):
            if t is int and isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return t(value)
        if t is Path:
            return Path(value)
        if typing.get_origin(t) is typing.Literal:
            if value not in typing.get_args(t):
                raise ValueError(value)
            return value
    except (TypeError, ValueError):
        raise ConfigError(f"{cls.__name__}.{name}: {value!r} is not a valid {getattr(t, '__name__', t)}") from None
    return value


def parse_config(cls: type[T], argv: list[str] | None = None, presets: dict[str, T] | None = None,
                 description: str | None = None) -> T:
    presets = presets or {}
    p = argparse.ArgumentParser(description=description or cls.__doc__,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    if presets:
        p.add_argument("--preset", choices=sorted(presets), help="start from a named preset")
    p.add_argument("--config", type=Path, help="a JSON file of field values")
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        p.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, default=argparse.SUPPRESS,
                       help=f"{f.metadata.get('help', '')} (default: {default})")
    args = vars(p.parse_args(argv))
    base = presets[args.pop("preset")] if args.get("preset") else cls()
    args.pop("preset", None)
    values: dict[str, Any] = {}
    config_file = args.pop("config", None)
    if config_file is not None:
        try:
            loaded = json.loads(Path(config_file).read_text())
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot read config file {config_file}: {e}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{config_file} must hold a JSON object of field values")
        values.update({k: _convert(cls, k, v) for k, v in loaded.items()})
    values.update({k: _convert(cls, k, v) for k, v in args.items()})
    return dataclasses.replace(base, **values)


def to_dict(config: Any) -> dict:
    """JSON-ready values (paths as strings)."""
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(config).items()}
