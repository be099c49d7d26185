"""Context and continuation encoded apart: the continuation keeps tokens the whole text merges ("at" + "he")."""

UNIT = "a5.mc_loglik"
TARGET = "encode_pair"


def MUTANT(tokenizer, context, continuation):
    if context == "":
        return [tokenizer.eos_token_id], list(tokenizer.encode(continuation))
    n_spaces = len(context) - len(context.rstrip())
    if n_spaces:
        context, continuation = context[:-n_spaces], context[-n_spaces:] + continuation
    return list(tokenizer.encode(context)), list(tokenizer.encode(continuation))
