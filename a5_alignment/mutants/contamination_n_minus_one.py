"""(n - 1)-grams instead of n-grams: an example sharing n - 1 words with a document counts as contaminated."""

from a5_alignment.contamination import ngram_contamination

UNIT = "a5.contamination"
TARGET = "ngram_contamination"


def MUTANT(train_docs, eval_examples, n=13):
    return ngram_contamination(train_docs, eval_examples, max(n - 1, 1))
