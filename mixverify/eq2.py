r"""The loss of Eq. (2) at the model's outputs, :math:`\ell = h(f) - y f`, its logistic case (h = softplus) and its
K-class case (h = log-sum-exp: softmax cross-entropy with label rows y).

The bottom of the loss modules: it imports no other module of mixverify, so :mod:`mixverify.losses`,
:mod:`mixverify.regularizers`, :mod:`mixverify.training` and :mod:`mixverify.attacks` all build on it without
importing each other. :mod:`mixverify.losses` re-exports ``softplus`` and ``eq2_loss``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

softplus = F.softplus
"""h(u) = log(1 + e^u): with it, Eq. (2) is the logistic loss of Section 3.2."""


def log_sum_exp(u: torch.Tensor) -> torch.Tensor:
    r"""h(u) = log sum_k e^{u_k} over the last dimension: with it, Eq. (2) for K outputs and a label row y (one-hot or
    soft, summing to 1) is the softmax cross-entropy :math:`-\sum_k y_k \log \mathrm{softmax}(u)_k` ("crossentropy
    for neural networks", Section 3.1). softplus is its two-class case: softplus(u) = log(e^0 + e^u)."""
    return torch.logsumexp(u, dim=-1)

REDUCTIONS = ("mean", "none", "sum")


def eq2_loss(out: torch.Tensor, y: torch.Tensor, h: Callable = softplus, *, classes: bool = False) -> torch.Tensor:
    r"""The loss of Eq. (2) from the outputs: :math:`h(f) - y f`, elementwise.

    For h = softplus it is evaluated as :math:`(1-y)\,\mathrm{softplus}(f) + y\,\mathrm{softplus}(-f)`,
    the same function without the cancellation of :math:`\mathrm{softplus}(f) - f` for large f (which
    would return 0 instead of :math:`e^{-f}` beyond f = 37).

    ``classes=True``: the last dimension of ``out`` and ``y`` holds K class scores and a label row,
    :math:`h(f) - \sum_k y_k f_k` (h maps a row to a number; softplus, the default, stands for its K-class form
    :func:`log_sum_exp`), one loss per row.
    """
    if classes:
        return (log_sum_exp(out) if h is softplus else h(out)) - (y * out).sum(-1)
    if h is softplus:
        return (1 - y) * softplus(out) + y * softplus(-out)
    return h(out) - y * out


def logistic_loss(out: torch.Tensor, y: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The logistic loss :math:`\log(1 + e^{f}) - y f` (Eq. 2 with h = softplus, :func:`eq2_loss`).

    ``reduction`` as in ``torch.nn.functional``: ``"mean"`` over the examples (the default: the training
    objective of :func:`mixverify.training.train`), ``"none"`` per example (the shape of ``out``; what the
    attacks ascend), or ``"sum"``.
    """
    per_example = eq2_loss(out, y)
    if reduction == "mean":
        return per_example.mean()
    if reduction == "none":
        return per_example
    if reduction == "sum":
        return per_example.sum()
    raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
