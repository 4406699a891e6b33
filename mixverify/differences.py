r"""Differences :math:`g(p + d) - g(p)` computed without subtracting two nearby numbers.

A Taylor remainder of order 3 in a scale s is ~s^3 times the loss; formed as the difference of two O(1) losses in
float64 it drowns in round-off below s ~ 2^-10, before its local slopes settle (numerics.fit_resolved_order). Each
identity below gives the difference to a few ulp of *itself*, so remainders stay resolved down to s ~ 2^-18
(lemma-3.1, eq-2). numpy, float64; ``p`` and ``d`` broadcast.
"""

from __future__ import annotations

import numpy as np


def tanh_step(p, d):
    r""":math:`\tanh(p + d) - \tanh(p) = \tanh(d)\,\mathrm{sech}^2(p) / (1 + \tanh(p)\tanh(d))`."""
    tp, td = np.tanh(p), np.tanh(d)
    return td / np.cosh(p) ** 2 / (1 + tp * td)


def relu_step(p, d):
    r""":math:`\max(p + d, 0) - \max(p, 0)`, by the signs of p and p + d."""
    return np.where(p > 0, np.where(p + d > 0, d, -p), np.maximum(p + d, 0.0))


def softplus_step(f, delta):
    r""":math:`\mathrm{softplus}(f + \Delta) - \mathrm{softplus}(f) = \log(1 + \sigma(f)(e^\Delta - 1))`
    (log1p and expm1)."""
    sig = 0.5 * (1.0 + np.tanh(np.asarray(f, float) / 2))
    return np.log1p(sig * np.expm1(delta))


def log_sum_exp_step(f, delta):
    r""":math:`\mathrm{LSE}(f + \Delta) - \mathrm{LSE}(f) = \log(1 + \sum_k p_k (e^{\Delta_k} - 1))` with
    :math:`p = \mathrm{softmax}(f)`, over the last axis (the K class scores)."""
    f = np.asarray(f, float)
    p = np.exp(f - f.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.log1p((p * np.expm1(delta)).sum(-1))
