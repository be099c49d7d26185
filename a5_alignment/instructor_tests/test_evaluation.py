"""Properties of the optional evaluation references (HANDOUT §11) that need no expected values (hypothesis,
derandomised): pass@k is monotone in c and k and agrees with exact fractions; the harness split rebuilds the
whole text and ignores where the whitespace sits; a choice's score is additive over tokens and acc_norm only
depends on scores per character; bits per byte is invariant to splitting a string distribution into pieces;
contamination is monotone in n and insensitive to case and punctuation; the parsers round-trip what they read."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from a5_alignment.answer_parsing import parse_gsm8k_response, parse_mmlu_response
from a5_alignment.bits_per_byte import text_bits_per_byte
from a5_alignment.cases.eval_models import ByteTokenizer, byte_logits, make_unigram_lm
from a5_alignment.cases.tensors import PairTokenizer, make_prefix_lm, prefix_lm_weights
from a5_alignment.contamination import ngram_contamination
from a5_alignment.mc_scoring import encode_pair, score_multiple_choice
from a5_alignment.pass_at_k import pass_at_k

SETTINGS = settings(max_examples=40, derandomize=True, deadline=None)
FEW = settings(max_examples=10, derandomize=True, deadline=None)  # each example runs a model
EXAMPLE = {"subject": "s", "question": "q", "options": ["w", "x", "y", "z"], "answer": "A"}
TEXT = st.text(alphabet="abthe ,.-\n", min_size=1, max_size=30)


@SETTINGS
@given(st.integers(1, 60), st.data())
def test_pass_at_k_monotone_and_exact(n, data):
    c = data.draw(st.integers(0, n))
    k = data.draw(st.integers(1, n))
    p = pass_at_k(n, c, k)
    assert 0.0 <= p <= 1.0
    assert math.isclose(p, float(1 - Fraction(math.comb(n - c, k), math.comb(n, k))), rel_tol=1e-12, abs_tol=1e-13)
    if c < n:
        assert pass_at_k(n, c + 1, k) >= p - 1e-15
    if k < n:
        assert pass_at_k(n, c, k + 1) >= p - 1e-15


def test_pass_at_k_limits_and_errors():
    assert pass_at_k(10, 0, 5) == 0.0 and pass_at_k(10, 10, 1) == 1.0
    assert math.isclose(pass_at_k(200, 13, 1), 13 / 200)  # k = 1 is the fraction correct
    for args in ((0, 0, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6), (5.0, 2, 1), (True, 1, 1)):
        with pytest.raises(ValueError):
            pass_at_k(*args)


@SETTINGS
@given(TEXT, st.text(alphabet=" \n", max_size=3), TEXT)
def test_encode_pair_splits_the_whole_text(ctx, ws, cont):
    full = ctx + ws
    assume(full.strip())
    stripped, tok = full.rstrip(), PairTokenizer()
    try:
        c, k = encode_pair(tok, full, cont)
    except ValueError:  # only when a merge left the continuation nothing
        assert tok.encode(full + cont)[len(tok.encode(stripped)):] == []
        return
    assert c == tok.encode(stripped) and k == tok.encode(full + cont)[len(c):]
    assert (c, k) == encode_pair(tok, stripped, full[len(stripped):] + cont)  # where the whitespace sits: no matter


@FEW
@given(st.integers(0, 2**31 - 1), st.lists(TEXT, min_size=2, max_size=4))
def test_choice_scores_are_token_sums(seed, choices):
    w = prefix_lm_weights(np.random.default_rng(seed), PairTokenizer.vocab_size)
    model, tok = make_prefix_lm(w), PairTokenizer()
    out = score_multiple_choice(model, tok, "Q: go", choices, 0)
    for choice, ll in zip(choices, out["loglikelihoods"], strict=True):
        ctx, cont = encode_pair(tok, "Q: go", " " + choice)
        total = 0.0
        with torch.no_grad():
            for i in range(len(cont)):  # token by token, one forward each: the same sum
                ids = torch.tensor([ctx + cont[:i]])
                total += float(torch.log_softmax(model(ids)[0, -1].double(), -1)[cont[i]])
        assert math.isclose(ll, total, rel_tol=1e-5, abs_tol=1e-4)
    norm = out["loglikelihoods"] / np.array([len(c) for c in choices])
    assert out["acc_norm"] == float(int(norm.argmax()) == 0)


@FEW
@given(st.text(alphabet="abcxyz éü日", min_size=1, max_size=40))
def test_bits_per_byte_of_a_unigram_model(text):
    rng = np.random.default_rng(len(text))
    p = rng.dirichlet(np.ones(95))
    z = byte_logits(p)
    z[128:] = np.log(1e-3)  # multi-byte characters get some probability too (any distribution will do)
    out = text_bits_per_byte(make_unigram_lm(z), ByteTokenizer(), text)
    lsm = z - np.log(np.exp(z).sum())
    nll = -sum(lsm[b] for b in text.encode("utf-8"))
    assert out["num_bytes"] == out["num_tokens"] == len(text.encode("utf-8"))
    assert math.isclose(out["bits_per_byte"], nll / math.log(2) / len(text.encode()), rel_tol=1e-5)


@SETTINGS
@given(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "eps"]), min_size=3, max_size=20),
       st.integers(0, 10), st.integers(1, 5))
def test_contamination_properties(words, start, n):
    doc = " ".join(words)
    span = words[start % len(words):]
    loud = ", ".join(w.upper() for w in span) + "!"
    plain = ngram_contamination([doc], [" ".join(span)], n)
    assert plain == ngram_contamination([doc], [loud], n)  # case and punctuation never matter
    if len(span) >= n:
        assert plain["overlap"] == [1.0] and plain["contaminated"] == [True]
    if n > 1:  # a longer n-gram can only be rarer
        assert ngram_contamination([doc], [" ".join(span)], n - 1)["overlap"][0] >= plain["overlap"][0]


@SETTINGS
@given(st.integers(-10**7, 10**7), st.sampled_from(["", "$", "about "]), st.sampled_from(["", ".", " kg", "%"]))
def test_gsm8k_reads_back_what_was_written(x, pre, post):
    assert parse_gsm8k_response(f"Step 1: 3 + 4 = 7. So {pre}{x:,}{post}") == str(x)


@SETTINGS
@given(st.sampled_from("ABCD"), st.sampled_from(["The correct answer is {}.", "the answer is ({})", "ANSWER IS: {}"]))
def test_mmlu_reads_back_what_was_written(letter, template):
    assert parse_mmlu_response(EXAMPLE, "Options A and B. " + template.format(letter)) == letter
    with pytest.raises(ValueError):
        parse_mmlu_response({"question": "q"}, template.format(letter))


def test_evaluate_cli_writes_its_reports(tmp_path, one_thread):
    from a5_alignment import evaluate

    out = tmp_path / "ev"
    assert evaluate.main(["--preset", "smoke", "--out-dir", str(out), "--n-test", "4", "--max-new-tokens", "4"]) == 0
    report = __import__("json").loads((out / "report.json").read_text())
    assert report["bits_per_byte"]["documents"] == 4 and report["bits_per_byte"]["bits_per_byte"] > 0
    assert 0 <= report["multiple_choice"]["acc"] <= 1 and report["multiple_choice"]["chance"] == 0.25
    assert set(report["generative"]["pass_at_k"]) == {"1", "2"}
    assert 0 <= report["contamination"]["contaminated_fraction"] <= 1
    assert "| pass@2 |" in (out / "report.md").read_text()
    from a5_alignment.infra.math_data import load_gsm8k, load_mmlu

    assert len(load_gsm8k(out / "gsm8k_format.jsonl")) == len(load_mmlu(out / "mmlu_format.jsonl")) == 4


def test_load_mmlu_refuses_a_row_without_a_valid_letter(tmp_path):
    from a5_alignment.infra.math_data import load_mmlu

    path = tmp_path / "mmlu.jsonl"
    path.write_text('{"question": "q", "options": ["1", "2", "3", "4"], "answer": "E"}\n')
    with pytest.raises(ValueError, match="line 1 is not MMLU"):
        load_mmlu(path)


STORY = ("Once upon a time there was a little fox who lived in the woods. Every day the fox counted the birds: one, "
         "two, three. Then the fox went home and slept.\n")


@pytest.fixture(scope="module")
def a1_run(tmp_path_factory):
    """What a1's own commands leave behind: prepare_data's tokenizer and memmaps from a few KB, then 2 steps of
    train --preset tiny (checkpoint.pt beside config.json). Seconds."""
    from a1_basics import prepare_data, train

    root = tmp_path_factory.mktemp("a1run")
    (root / "train.txt").write_text(STORY * 30)
    (root / "val.txt").write_text(STORY * 6)
    data, out = root / "data", root / "run"
    assert prepare_data.main(["--out", str(data), "--vocab-size", "300", "--train-files", str(root / "train.txt"),
                              "--val-files", str(root / "val.txt")]) == 0
    before = torch.get_num_threads()
    assert train.main(["--preset", "tiny", "--data-dir", str(data), "--out-dir", str(out), "--vocab-size", "300",
                       "--max-steps", "2", "--context-length", "64", "--wandb", "false", "--progress", "false",
                       "--threads", "1"]) == 0
    torch.set_num_threads(before)
    return data, out


def test_evaluate_an_a1_checkpoint(a1_run, tmp_path, one_thread):
    import json

    from a1_basics.checkpoint import load_checkpoint
    from a1_basics.nn.transformer import TransformerLM
    from a1_basics.tokenizer.tokenizer import Tokenizer
    from a1_basics.train import TrainConfig
    from a5_alignment import evaluate

    data, run = a1_run
    out = tmp_path / "ev"
    assert evaluate.main(["--policy", "a1", "--checkpoint", str(run / "checkpoint.pt"), "--out-dir", str(out),
                          "--n-test", "4", "--n-train", "20", "--n-samples", "2", "--ks", "1,2",
                          "--max-new-tokens", "4"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["model"]["vocab_size"] == 300 and report["model"]["context_length"] == 64
    assert "after 2 training steps" in report["model"]["about"] and str(data / "tokenizer") in report["model"]["about"]
    assert report["multiple_choice"]["n"] + report["multiple_choice"]["skipped"] == 4
    # the oracle: the same documents scored with a1's own loaders and torch's cross-entropy, one by one
    saved = json.loads((run / "config.json").read_text())
    config = TrainConfig(**{k: v for k, v in saved.items() if k in TrainConfig.__dataclass_fields__})
    model = TransformerLM.from_config(config.model_config())
    load_checkpoint(run / "checkpoint.pt", model, torch.optim.AdamW(model.parameters()))
    tok = Tokenizer.from_files(data / "tokenizer" / "vocab.json", data / "tokenizer" / "merges.txt", ["<|endoftext|>"])
    eos = tok.encode("<|endoftext|>")[0]
    from a5_alignment.infra.math_data import load_gsm8k
    from a5_alignment.infra.tasks import format_prompt, format_response

    nll = n_bytes = 0.0
    with torch.no_grad():
        for p in load_gsm8k(out / "gsm8k_format.jsonl"):
            doc = format_prompt(p, "short") + format_response(p)
            ids = tok.encode(doc)
            logits = model(torch.tensor([[eos] + ids[:-1]]))[0]
            nll += float(torch.nn.functional.cross_entropy(logits.double(), torch.tensor(ids), reduction="sum"))
            n_bytes += len(doc.encode())
    assert math.isclose(report["bits_per_byte"]["bits_per_byte"], nll / math.log(2) / n_bytes, rel_tol=1e-5)
    png = out / "pass_at_k.png"
    assert report["files"]["plot"] == str(png) and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    card = (out / "report.md").read_text()
    assert "![pass@k against k](pass_at_k.png)" in card and "Model: an a1 TransformerLM" in card


def test_evaluate_names_a_missing_checkpoint_and_a_wrong_tokenizer(a1_run, tmp_path, capsys):
    import shutil

    from a1_basics.tokenizer.serialization import save_vocab_merges
    from a1_basics.tokenizer.train_bpe import train_bpe
    from a5_alignment import evaluate

    data, run = a1_run
    out = ["--out-dir", str(tmp_path / "ev"), "--n-test", "2", "--n-train", "4"]
    assert evaluate.main(["--policy", "a1", "--checkpoint", str(tmp_path / "none.pt"), *out]) == 2
    err = capsys.readouterr().err
    assert "none.pt: no a1 checkpoint" in err and "python -m a1_basics.train" in err
    assert evaluate.main(["--policy", "a1", *out]) == 2
    assert "--policy a1 needs --checkpoint" in capsys.readouterr().err
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(run / "checkpoint.pt", alone / "checkpoint.pt")
    assert evaluate.main(["--policy", "a1", "--checkpoint", str(alone / "checkpoint.pt"), *out]) == 2
    assert "config.json not found" in capsys.readouterr().err
    other = tmp_path / "other"
    other.mkdir()
    save_vocab_merges(*train_bpe(data / "train.txt", 280, ["<|endoftext|>"]), other / "vocab.json",
                      other / "merges.txt")
    assert evaluate.main(["--policy", "a1", "--checkpoint", str(run / "checkpoint.pt"), "--tokenizer", str(other),
                          *out]) == 2
    err = capsys.readouterr().err
    assert "the tokenizer has 280 tokens but the model" in err and "vocab_size 300" in err and "--tokenizer" in err
    assert evaluate.main(["--policy", "a1", "--checkpoint", str(run / "checkpoint.pt"), "--tokenizer",
                          str(tmp_path), *out]) == 2
    assert "no a1 tokenizer (vocab.json and merges.txt" in capsys.readouterr().err
    assert evaluate.main(["--policy", "tiny", "--tokenizer", str(other), *out]) == 2
    assert "--tokenizer is for --policy a1 only" in capsys.readouterr().err


def test_the_card_says_why_there_is_no_plot(tmp_path, monkeypatch):
    import sys

    from a5_alignment import evaluate

    g = {"n": 3, "n_samples": 4, "temperature": 1.0, "greedy_accuracy_r1": 0.25,
         "pass_at_k": {"1": 0.25, "2": 0.4, "4": 0.5}}
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    note = evaluate.plot_pass_at_k(g, tmp_path / "p.png")
    assert note is not None and note.startswith("no plot: matplotlib could not be imported")
    assert not (tmp_path / "p.png").exists()
