"""Words are not lowercased: "The Quick" and "the quick" are different n-grams."""

import a5_alignment.contamination as reference

UNIT = "a5.contamination"
TARGET = "ngram_contamination"


def MUTANT(train_docs, eval_examples, n=13):
    def split(text):
        return "".join(ch if ch.isalnum() else " " for ch in text).split()

    seen = set()
    for doc in train_docs:
        w = split(doc)
        seen.update(tuple(w[i:i + n]) for i in range(len(w) - n + 1))
    out = reference.ngram_contamination(train_docs, eval_examples, n)
    overlap, flags = [], []
    for example in eval_examples:
        w = split(example)
        grams = [tuple(w[i:i + n]) for i in range(len(w) - n + 1)]
        hits = sum(g in seen for g in grams)
        overlap.append(hits / len(grams) if grams else 0.0)
        flags.append(hits > 0)
    out.update(contaminated=flags, overlap=overlap, contaminated_fraction=sum(flags) / len(flags))
    return out
