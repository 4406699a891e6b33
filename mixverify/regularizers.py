r"""The regularizers :math:`\mathcal R_1, \mathcal R_2, \mathcal R_3` of Lemma 3.1 of Zhang et al. (2021).

With :math:`\mathcal D_X` the empirical law of the rows of X, :math:`\mu` its mean and
:math:`\hat\Sigma = \mathbb E_{r}[(r-\mu)(r-\mu)^\top]` its (uncentred-by-n, i.e. 1/n) covariance,

.. math::

    \mathcal R_1 &= \frac{\mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda]}{n}\sum_i
        (h'(f(x_i)) - y_i)\,\nabla f(x_i)^\top (\mu - x_i) \\
    \mathcal R_2 &= \frac{\mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2]}{2n}\sum_i
        h''(f(x_i))\,\nabla f(x_i)^\top \big(\hat\Sigma + (\mu-x_i)(\mu-x_i)^\top\big)\nabla f(x_i) \\
    \mathcal R_3 &= \frac{\mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^2]}{2n}\sum_i
        (h'(f(x_i)) - y_i)\,\big(\mathrm{tr}(\nabla^2 f(x_i)\hat\Sigma)
        + (\mu-x_i)^\top\nabla^2 f(x_i)(\mu-x_i)\big)

using :math:`\mathbb E_r[(r-x_i)(r-x_i)^\top] = \hat\Sigma + (\mu-x_i)(\mu-x_i)^\top`. Input gradients
and Hessian-vector products come from ``torch.func`` (``grad``, ``jvp``, ``vmap``): the trace uses
one Hessian-vector product per non-zero eigenvalue of :math:`\hat\Sigma`, never the d x d Hessian.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
from torch.func import grad, jvp, vmap

from . import _validate
from .eq2 import softplus
from .laws import Law, as_law, tilde_lambda_law


def mixup_regularizers(f: Callable, X, y, alpha, beta, *, h: Callable = softplus, law: Law | None = None,
                       ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""(R1, R2, R3) of Lemma 3.1 for any twice differentiable ``f`` and ``h``.

    ``law`` defaults to :math:`\tilde{\mathcal D}_\lambda` = :func:`tilde_lambda_law(alpha, beta)`;
    only its moments :math:`\mathbb E[1-\lambda]` and :math:`\mathbb E[(1-\lambda)^2]` enter.
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    X, y = _validate.data(X, y, logistic=h is softplus)
    _validate.outputs(f, X[:1])
    law = tilde_lambda_law(alpha, beta) if law is None else as_law(law)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    terms = input_derivative_terms(f, X, h=h)
    r1 = m1 * ((terms["h1"] - y) * terms["g_dot_shift"]).mean()
    r2 = m2 / 2 * (terms["h2"] * terms["g_second_moment"]).mean()
    r3 = m2 / 2 * ((terms["h1"] - y) * terms["hess_second_moment"]).mean()
    return r1, r2, r3


def input_derivative_terms(f: Callable, X: torch.Tensor, *, h: Callable = softplus) -> dict[str, torch.Tensor]:
    r"""Per-example quantities the regularizers need, each of shape (n,).

    ``f``: :math:`f(x_i)`; ``h1``, ``h2``: :math:`h'(f(x_i))`, :math:`h''(f(x_i))`;
    ``g_dot_shift``: :math:`\nabla f(x_i)^\top(\mu - x_i)`;
    ``g_second_moment``: :math:`\mathbb E_r[(\nabla f(x_i)^\top (r - x_i))^2]`;
    ``hess_second_moment``: :math:`\mathbb E_r[(r-x_i)^\top \nabla^2 f(x_i) (r-x_i)]`.
    """
    X = _validate.as_tensor("X", X, ndim=2)
    n, d = X.shape

    def f1(x):
        return f(x.unsqueeze(0)).reshape(())

    fx = _validate.outputs(f, X)
    g = vmap(grad(f1))(X)
    mu = X.mean(0)
    shift = mu - X  # (n, d)
    centred = X - mu
    evals, evecs = torch.linalg.eigh(centred.T @ centred / n)
    keep = evals > evals.max().clamp_min(0) * d * torch.finfo(X.dtype).eps
    factor = evecs[:, keep] * evals[keep].sqrt()  # Sigma_hat = factor @ factor.T, shape (d, r)

    def hvp(x, v):
        return jvp(grad(f1), (x,), (v,))[1]

    directions = torch.cat([shift.unsqueeze(1), factor.T.unsqueeze(0).expand(n, -1, -1)], dim=1)  # (n, 1+r, d)
    with warnings.catch_warnings():  # torch's forward-AD set-up warns about its own use of torch.jit.script
        # FutureWarning in torch 2.14, DeprecationWarning in torch 2.11
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated", category=FutureWarning)
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated", category=DeprecationWarning)
        hv = vmap(vmap(hvp, in_dims=(None, 0)), in_dims=(0, 0))(X, directions)
    quad = (hv * directions).sum(-1)  # (n, 1+r): v^T H_i v

    g_shift = (g * shift).sum(-1)
    g_sigma = ((g @ factor) ** 2).sum(-1)
    h1 = vmap(grad(h))(fx)
    h2 = vmap(grad(grad(h)))(fx)
    return {
        "f": fx,
        "h1": h1,
        "h2": h2,
        "g_dot_shift": g_shift,
        "g_second_moment": g_sigma + g_shift**2,
        "hess_second_moment": quad.sum(-1),
    }
