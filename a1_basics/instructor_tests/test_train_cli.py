"""The data preparation and training commands end to end on a small text the test writes: files, resume,
and the clear errors a user gets for bad input. (The real corpus run is `make` targets and the benchmark.)"""

import json
import os

import numpy as np
import pytest

from a1_basics.prepare_data import DataConfig, prepare
from a1_basics.train import PRESETS, main, train
from shared.config_cli import ConfigError

SENTENCES = ["The quick brown fox jumps over the lazy dog.", "To be, or not to be: that is the question.",
             "All the world's a stage, and all the men and women merely players.",
             "Now is the winter of our discontent made glorious summer.", "Cafés and naïve résumés, 1234 times."]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("a1data")
    rng = np.random.default_rng(0)
    for name, n in (("train.txt", 1500), ("val.txt", 200)):
        docs = ["\n".join(rng.choice(SENTENCES, size=5)) for _ in range(n // 5)]
        (root / name).write_text("\n<|endoftext|>\n".join(docs))
    out = root / "prepared"
    meta = prepare(DataConfig(out=out, vocab_size=300, train_files=str(root / "train.txt"),
                              val_files=str(root / "val.txt")), log=lambda *a: None)
    assert meta["vocab_size"] == 300 and meta["train_tokens"] > 10_000 and meta["val_tokens"] > 1000
    return out


def tiny(data_dir, out_dir, **kw):
    from dataclasses import replace

    return replace(PRESETS["tiny"], **{"data_dir": data_dir, "out_dir": out_dir, "vocab_size": 300, "wandb": False,
                                       "progress": False, **kw})


def test_prepared_files_round_trip(data_dir):
    from a1_basics.data import load_tokens
    from a1_basics.tokenizer.tokenizer import Tokenizer

    meta = json.loads((data_dir / "meta.json").read_text())
    ids = load_tokens(data_dir / "val.u16")
    assert len(ids) == meta["val_tokens"] and ids.max() < 300
    tok = Tokenizer.from_files(data_dir / "tokenizer" / "vocab.json", data_dir / "tokenizer" / "merges.txt",
                               ["<|endoftext|>"])
    assert tok.decode(list(ids)) == (data_dir / "val.txt").read_text()  # lossless: the memmap is the text


def test_train_writes_logs_checkpoint_curve_and_samples_and_learns(data_dir, tmp_path):
    result = train(tiny(data_dir, tmp_path / "run", max_steps=40))
    assert result.steps == 40
    for key in ("csv", "jsonl", "png", "checkpoint", "samples"):
        assert os.path.getsize(result.paths[key]) > 0, key
    rows = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    first = next(r["train_loss"] for r in rows if "train_loss" in r)
    assert result.final_train_loss < first - 0.5  # it learns: far from ln(300) = 5.7 after 40 steps
    assert 0 < result.val_bits_per_byte < 8
    assert (tmp_path / "run" / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fused_attention_run_logs_the_same_losses(data_dir, tmp_path):
    runs = {}
    for fused in (False, True):
        out = tmp_path / f"fused-{fused}"
        train(tiny(data_dir, out, max_steps=10, log_every=2, eval_every=10, fused_attention=fused))
        rows = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
        runs[fused] = [r["train_loss"] for r in rows if "train_loss" in r]
    assert len(runs[True]) == 5
    assert runs[True] == pytest.approx(runs[False], rel=1e-4)


def test_resume_continues_from_the_checkpoint(data_dir, tmp_path):
    out = tmp_path / "run"
    train(tiny(data_dir, out, max_steps=20, checkpoint_every=10))
    resumed = train(tiny(data_dir, out, max_steps=30, resume=True))
    assert resumed.steps == 30
    steps = [json.loads(line)["step"] for line in (out / "log.jsonl").read_text().splitlines()]
    assert steps == sorted(steps) and steps[-1] == 30 and 20 in steps  # one log, continued


@pytest.mark.parametrize("change, message", [
    ({"vocab_size": 512}, "does not match the data's tokenizer"),
    ({"data_dir": "missing"}, "prepare the data first"),
    ({"num_heads": 3}, "num_heads"),
])
def test_bad_configs_are_clear_errors(data_dir, tmp_path, change, message):
    if "data_dir" in change:
        data_dir = tmp_path / change.pop("data_dir")
    c = tiny(data_dir, tmp_path / "run", **change)
    with pytest.raises((ConfigError, FileNotFoundError, ValueError), match=message):
        train(c)


def test_cli_exit_code_and_message(data_dir, tmp_path, capsys):
    code = main(["--preset", "tiny", "--data-dir", str(data_dir), "--out-dir", str(tmp_path / "r"), "--vocab-size",
                 "999", "--wandb", "false"])
    assert code == 2 and "does not match" in capsys.readouterr().err


def test_prepare_rejects_non_utf8_and_bad_vocab(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 latin-1 text")
    with pytest.raises(ConfigError, match="not UTF-8"):
        prepare(DataConfig(out=tmp_path / "o", train_files=str(bad), val_files=str(bad)), log=lambda *a: None)
    with pytest.raises(ConfigError, match="between 257 and 65536"):
        prepare(DataConfig(out=tmp_path / "o", vocab_size=100000), log=lambda *a: None)
