"""The Bradley-Terry pairwise loss of a reward model (Stiennon et al. 2020, eq. 1; Ouyang et al. 2022, eq. 1),
its margin variant (Touvron et al. 2023, Llama 2, eq. 2) and labelled ties, and pairwise accuracy on held-out
pairs (HANDOUT.md §13.2)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


# BEGIN SOLUTION ONLY
def _check_pairs(r_chosen: Tensor, r_rejected: Tensor, tie: Tensor | None) -> Tensor:
    """The tie mask as bool (all False when None), after checking the shapes."""
    if r_chosen.ndim != 1 or r_chosen.shape != r_rejected.shape or r_chosen.numel() == 0:
        raise ValueError(f"r_chosen and r_rejected must be non-empty (pairs,) tensors of one shape; got "
                         f"{tuple(r_chosen.shape)} and {tuple(r_rejected.shape)}")
    if tie is None:
        return torch.zeros(r_chosen.shape, dtype=torch.bool, device=r_chosen.device)
    if tie.shape != r_chosen.shape:
        raise ValueError(f"tie must have shape {tuple(r_chosen.shape)}, got {tuple(tie.shape)}")
    return tie.bool()
# END SOLUTION ONLY


def preference_loss(r_chosen: Tensor, r_rejected: Tensor, margin: float | Tensor = 0.0,
                    tie: Tensor | None = None) -> Tensor:
    """The mean over pairs of the Bradley-Terry negative log-likelihood, a scalar tensor.

    r_chosen, r_rejected (pairs,): the rewards of the preferred and the other response; d = r_chosen - r_rejected.

        a preferred pair:   -log sigmoid(d - margin)                       (margin >= 0: a float or (pairs,))
        a tie (tie[i]):     -1/2 [log sigmoid(d) + log sigmoid(-d)]       (no margin; minimised at d = 0)

    A tie is the likelihood of "either could be preferred, half and half": its gradient pulls the two rewards
    together. Every pair counts in the mean, ties included. Use a stable log-sigmoid (log(sigmoid(-200)) is
    -inf in float32). A negative margin, or tensors of other shapes, is a ValueError.
    """
    # BEGIN SOLUTION
    is_tie = _check_pairs(r_chosen, r_rejected, tie)
    m = torch.as_tensor(margin, dtype=r_chosen.dtype, device=r_chosen.device)
    if bool((m < 0).any()):
        raise ValueError("the margin must be >= 0")
    d = r_chosen - r_rejected
    preferred = -F.logsigmoid(d - m)
    tied = -0.5 * (F.logsigmoid(d) + F.logsigmoid(-d))
    return torch.where(is_tie, tied, preferred).mean()
    # END SOLUTION


def pairwise_accuracy(r_chosen: Tensor, r_rejected: Tensor, tie: Tensor | None = None) -> float:
    """The fraction of preferred (non-tie) pairs that the rewards order correctly, as a Python float: a pair
    counts 1 when r_chosen > r_rejected, 1/2 when they are equal (a coin flip would order it), 0 otherwise.
    Tie pairs have no right order and are left out. No preferred pair at all is a ValueError.
    """
    # BEGIN SOLUTION
    is_tie = _check_pairs(r_chosen, r_rejected, tie)
    if bool(is_tie.all()):
        raise ValueError("pairwise_accuracy needs at least one pair that is not a tie")
    c, r = r_chosen[~is_tie].double(), r_rejected[~is_tie].double()
    return float(((c > r).double() + 0.5 * (c == r).double()).mean())
    # END SOLUTION
