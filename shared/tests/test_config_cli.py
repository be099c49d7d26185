"""The dataclass-generated CLI: defaults, presets, JSON files, overrides and clear errors."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from shared.config_cli import ConfigError, parse_config, to_dict


@dataclass(frozen=True)
class Demo:
    """A demo config."""

    lr: float = field(default=3e-4, metadata={"help": "peak learning rate"})
    steps: int = field(default=100, metadata={"help": "optimizer steps"})
    name: str = "run"
    wandb: bool = False
    out: Path = Path("out")
    eval_every: int | None = None


def test_defaults_flags_and_presets():
    assert parse_config(Demo, []) == Demo()
    c = parse_config(Demo, ["--lr", "0.01", "--steps", "5", "--wandb", "true", "--out", "x", "--eval-every", "3"])
    assert c == Demo(lr=0.01, steps=5, wandb=True, out=Path("x"), eval_every=3)
    tiny = Demo(steps=2, name="tiny")
    assert parse_config(Demo, ["--preset", "tiny"], {"tiny": tiny}) == tiny
    assert parse_config(Demo, ["--preset", "tiny", "--steps", "7"], {"tiny": tiny}).steps == 7


def test_json_file_then_flags(tmp_path):
    f = tmp_path / "c.json"
    f.write_text(json.dumps({"lr": 0.5, "name": "from-file"}))
    c = parse_config(Demo, ["--config", str(f), "--name", "flag"])
    assert c.lr == 0.5 and c.name == "flag"
    assert to_dict(c)["out"] == "out"


@pytest.mark.parametrize("argv, message", [
    (["--steps", "2.5"], "Demo.steps: '2.5' is not a valid int"),
    (["--wandb", "maybe"], "Demo.wandb: 'maybe' is not a valid bool"),
])
def test_bad_values_name_the_field(argv, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(Demo, argv)


def test_unknown_key_in_file(tmp_path):
    f = tmp_path / "c.json"
    f.write_text(json.dumps({"learning_rate": 1}))
    with pytest.raises(ConfigError, match="unknown config key 'learning_rate'.*known: lr, steps"):
        parse_config(Demo, ["--config", str(f)])


def test_unknown_flag_exits():
    with pytest.raises(SystemExit):
        parse_config(Demo, ["--nope", "1"])
