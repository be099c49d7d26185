"""The training documents are joined into one word stream: n-grams across a document boundary count as seen."""

from a5_alignment.contamination import ngram_contamination

UNIT = "a5.contamination"
TARGET = "ngram_contamination"


def MUTANT(train_docs, eval_examples, n=13):
    return ngram_contamination([" ".join(train_docs)], eval_examples, n)
