"""Expected values of a1.train_bpe's visible cases (instructor-only): the tie-break worked example's merges."""

from a1_basics.cases.tokenizer_bpe import EOT


def expect_tie(inp: dict) -> dict:
    """Worked example. Letters p > q > r; the corpus "pr pq rp" has pre-tokens "pr", " pq", " rp", once each,
    so every pair count is 1 and only the tie-break decides. Comparing pairs as raw bytes, left first:
      1. (p,q): p is the greatest first byte, and q > r breaks (p,q) vs (p,r)
      2. (p,r): remaining (p,r), ( ,pq), ( ,r), (r,p); p > r > " "
      3. (r,p): remaining ( ,pq), ( ,r), (r,p)
      4. ( ,pq): ( ,pq) vs ( ,rp): second tokens compare as bytes, "pq" > "rp" since p > r
      5. ( ,rp)
    GPT-2's remapped characters would put the space (U+0120 'Ġ') above every letter, and "smaller pair wins"
    would start with ( ,r): both give other merges."""
    p, q, r = (s.encode() for s in inp["letters"])
    merges = [[p, q], [p, r], [r, p], [b" ", p + q], [b" ", r + p]]
    vocab = [bytes([i]) for i in range(256)] + [EOT.encode()] + [a + b for a, b in merges]
    return {"vocab": vocab, "merges": merges}
