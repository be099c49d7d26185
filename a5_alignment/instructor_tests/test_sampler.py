"""The batched KV-cache sampler against a1's one-sequence, no-cache generate (the reference), stop strings, EOS,
and seeded sampling (cache and no cache draw the same tokens)."""

import torch

from a1_basics.decoding import generate
from a5_alignment.infra.char_tokenizer import CharTokenizer
from a5_alignment.infra.models import new_tiny_model, tiny_config
from a5_alignment.infra.sampler import SamplingParams, sample

PROMPTS = ["Q: 1+2\nA: <think>", "Q: 10+22\nA: <think>", "Q: 3+4\nA: <think>", "Q: 99+1\nA: <think>"]


def model():
    return new_tiny_model(tiny_config(context_length=64, d_model=32, num_layers=2, num_heads=2, d_ff=64), seed=3)


def test_greedy_matches_a1_generate_without_cache(one_thread):
    m, tok = model(), CharTokenizer()
    out = sample(m, tok, PROMPTS, SamplingParams(temperature=0.0, max_new_tokens=12, stop=()), batch_size=3)
    for prompt, c in zip(PROMPTS, out, strict=True):
        ref = generate(m, tok.encode(prompt), 12, temperature=0.0, eos_id=tok.eos_token_id, use_kv_cache=False)
        ref = [t for t in ref if t != tok.eos_token_id]
        assert c.token_ids == ref and c.prompt == prompt
        assert c.text == tok.decode(ref)


def test_cache_and_no_cache_draw_the_same_samples(one_thread):
    m, tok = model(), CharTokenizer()
    params = SamplingParams(temperature=1.0, top_p=0.9, max_new_tokens=10, stop=(), seed=7)
    a = sample(m, tok, PROMPTS * 2, params, use_kv_cache=True)
    b = sample(m, tok, PROMPTS * 2, params, use_kv_cache=False)
    assert [c.token_ids for c in a] == [c.token_ids for c in b]
    c = sample(m, tok, PROMPTS * 2, SamplingParams(1.0, 0.9, 10, (), seed=8))
    assert [x.token_ids for x in c] != [x.token_ids for x in a]


class Scripted(torch.nn.Module):
    """A stand-in LM that always emits the next character of a fixed script (then EOS)."""

    def __init__(self, script: list[int], prompt_len: int) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.script, self.prompt_len = script, prompt_len
        self.config = tiny_config(context_length=64)

    def make_kv_cache(self):
        return None

    def forward(self, ids, kv_cache=None):
        b, n = ids.shape
        logits = torch.full((b, n, CharTokenizer.vocab_size), -1e9)
        for t in range(n):
            k = t + 1 - self.prompt_len
            nxt = self.script[k] if 0 <= k < len(self.script) else CharTokenizer.eos_token_id
            logits[:, t, nxt] = 0.0
        return logits


def test_stop_strings_and_eos():
    tok = CharTokenizer()
    prompt = "Q: x\nA: <think>"
    script = tok.encode(" a </think> <answer> 5 </answer> tail")
    m = Scripted(script, len(tok.encode(prompt)))
    (c,) = sample(m, tok, [prompt], SamplingParams(0.0, 1.0, 60, ("</answer>",)), use_kv_cache=False)
    assert c.text == " a </think> <answer> 5 </answer>" and c.finish_reason == "stop"
    (c,) = sample(m, tok, [prompt], SamplingParams(0.0, 1.0, 60, ()), use_kv_cache=False)
    assert c.text == " a </think> <answer> 5 </answer> tail" and c.finish_reason == "eos"
    (c,) = sample(m, tok, [prompt], SamplingParams(0.0, 1.0, 3, ("</answer>",)), use_kv_cache=False)
    assert c.text == " a " and c.finish_reason == "length"
