"""Real pretrained weights in our own model: SmolLM2-135M-Instruct from its GGUF file (see gguf_llama.py)."""
