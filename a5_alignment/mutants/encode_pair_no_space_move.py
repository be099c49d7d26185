"""The context's trailing whitespace stays in the context (the harness moves it to the continuation)."""

UNIT = "a5.mc_loglik"
TARGET = "encode_pair"


def MUTANT(tokenizer, context, continuation):
    if context == "":
        return [tokenizer.eos_token_id], list(tokenizer.encode(continuation))
    whole = list(tokenizer.encode(context + continuation))
    ctx = list(tokenizer.encode(context))
    return ctx, whole[len(ctx):]
