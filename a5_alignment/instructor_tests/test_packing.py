"""SFT packing: the stream is template(prompt) + response + EOS per document, cut into shifted windows."""

import json

import pytest

from a5_alignment import cs336_adapters as ad
from a5_alignment.dpo import DPO_PROMPT_TEMPLATE
from a5_alignment.infra.char_tokenizer import CharTokenizer


def test_packed_windows_cover_the_stream(tmp_path):
    path = tmp_path / "sft.jsonl"
    docs = [{"prompt": f"Q{i}", "response": f"A{i}" * (i + 1)} for i in range(5)]
    path.write_text("\n".join(json.dumps(d) for d in docs))
    tok = CharTokenizer()
    stream = []
    for d in docs:
        stream += tok.encode(DPO_PROMPT_TEMPLATE.format(prompt=d["prompt"]) + d["response"]) + [tok.eos_token_id]
    ds = ad.get_packed_sft_dataset(tok, str(path), 32, shuffle=False)
    assert len(ds) == (len(stream) - 1) // 32
    for i in range(len(ds)):
        assert ds[i]["input_ids"].tolist() == stream[i * 32:(i + 1) * 32]
        assert ds[i]["labels"].tolist() == stream[i * 32 + 1:(i + 1) * 32 + 1]
    batches = list(ad.run_iterate_batches(ds, 3, shuffle=True))
    assert sum(b["input_ids"].shape[0] for b in batches) == len(ds)
    assert sorted(tuple(r) for b in batches for r in b["input_ids"].tolist()) == sorted(
        tuple(ds[i]["input_ids"].tolist()) for i in range(len(ds)))
    path.write_text(json.dumps({"question": "no"}))
    with pytest.raises(ValueError, match="prompt"):
        ad.get_packed_sft_dataset(tok, str(path), 32, shuffle=False)
