"""Expected values of the ZeRO-1 cases (instructor-only), for a2_systems/cases/zero1.py and hidden/ddp_edges.py:
the unsharded torch optimizer (torch.optim.AdamW / SGD / Adam in the grader's process, float32 like the ranks) on
the same gradients, its optimizer-state bytes and those of its largest single parameter (zero1_drivers.state_bytes)."""

from a2_systems.cases.zero1_drivers import OPTIMIZERS, _drive, _groups, _options, _params, state_bytes


def expect_zero1(inp: dict) -> dict:
    return oracle(inp)


def oracle(inputs: dict) -> dict:
    """The unsharded torch optimizer on the same gradients (float32, as the ranks), its state bytes, and the
    state bytes of its largest single parameter."""
    params = _params(inputs)
    opt = OPTIMIZERS[inputs["optimizer"]](_groups(inputs, params), **_options(inputs))
    _drive(opt, params, inputs)
    per_param = [state_bytes(opt.state[p], params) if p in opt.state else 0 for p in params]
    return {"params": [p.detach().numpy().copy() for p in params], "state_bytes": state_bytes(opt, params),
            "largest_param_state_bytes": max(per_param)}
