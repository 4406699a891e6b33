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

For a K-class model (``f`` returns (n, K) scores, labels are (n, K) rows, h maps a score row to a number; log-sum-exp
for the default) Lemma 3.1's proof goes through with vector y: :math:`h'` becomes the gradient
:math:`\nabla h(f(x_i))\in\mathbb R^K`, :math:`h''` the K x K Hessian, :math:`\nabla f` the K x d Jacobian J_i:

.. math::

    \mathcal R_1 &= \frac{m_1}{n}\sum_i (\nabla h - y_i)^\top J_i (\mu - x_i), \qquad
    \mathcal R_2 = \frac{m_2}{2n}\sum_i \mathbb E_r\big[(J_i(r-x_i))^\top \nabla^2 h\, J_i(r-x_i)\big] \\
    \mathcal R_3 &= \frac{m_2}{2n}\sum_i \mathbb E_r\big[(r-x_i)^\top \nabla^2\big((\nabla h - y_i)^\top f\big)(x_i)\,
        (r-x_i)\big]

(derivations/eq_2.py derives them symbolically), with one Hessian-vector product of the scalar
:math:`(\nabla h - y_i)^\top f` per direction.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import contextmanager

import torch
from torch.func import grad, hessian, jacrev, jvp, vmap

from . import _validate
from .eq2 import log_sum_exp, softplus
from .laws import Law, as_law, tilde_lambda_law


def mixup_regularizers(f: Callable, X, y, alpha, beta, *, h: Callable = softplus, law: Law | None = None,
                       ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""(R1, R2, R3) of Lemma 3.1 for any twice differentiable ``f`` and ``h``.

    ``law`` defaults to :math:`\tilde{\mathcal D}_\lambda` = :func:`tilde_lambda_law(alpha, beta)`;
    only its moments :math:`\mathbb E[1-\lambda]` and :math:`\mathbb E[(1-\lambda)^2]` enter.
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    X, y, k = _validate.data_for(f, X, y, h=h)
    law = tilde_lambda_law(alpha, beta) if law is None else as_law(law)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    if k > 1:
        return _class_regularizers(f, X, y, m1, m2, log_sum_exp if h is softplus else h)
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

    def f1(x):
        return f(x.unsqueeze(0)).reshape(())

    fx = _validate.outputs(f, X)
    g = vmap(grad(f1))(X)
    shift, factor, directions = _directions(X)
    quad = _quadratic_forms(f1, X, directions)  # (n, 1+r): v^T H_i v

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


def _directions(X: torch.Tensor):
    r"""(shift, factor, directions): :math:`\mu - x_i` (n, d); a factor F of :math:`\hat\Sigma = F F^\top` over its
    non-zero eigenvalues (d, r); and per row the 1 + r directions whose quadratic forms sum to
    :math:`\mathbb E_r[(r-x_i)^\top A (r-x_i)]` for any symmetric A (n, 1+r, d)."""
    n, d = X.shape
    mu = X.mean(0)
    shift = mu - X
    centred = X - mu
    evals, evecs = torch.linalg.eigh(centred.T @ centred / n)
    keep = evals > evals.max().clamp_min(0) * d * torch.finfo(X.dtype).eps
    factor = evecs[:, keep] * evals[keep].sqrt()
    directions = torch.cat([shift.unsqueeze(1), factor.T.unsqueeze(0).expand(n, -1, -1)], dim=1)
    return shift, factor, directions


def _quadratic_forms(scalar, X: torch.Tensor, directions: torch.Tensor, *args) -> torch.Tensor:
    r""":math:`v^\top \nabla^2_x s(x_i, a_i) v` for every row i and direction v of ``directions`` (n, 1+r, d): one
    Hessian-vector product each (``torch.func.jvp`` of ``grad``); ``args`` are per-row extra arguments of ``scalar``."""
    def hvp(x, v, *a):
        return jvp(lambda z: grad(scalar)(z, *a), (x,), (v,))[1]

    with _quiet_jit():
        inner = vmap(hvp, in_dims=(None, 0, *(None,) * len(args)))
        hv = vmap(inner, in_dims=(0, 0, *(0,) * len(args)))(X, directions, *args)
    return (hv * directions).sum(-1)


@contextmanager
def _quiet_jit():
    """torch's forward-AD and ``hessian`` set-up warn about their own use of torch.jit.script (FutureWarning in torch
    2.14, DeprecationWarning in torch 2.11): not the caller's business."""
    with warnings.catch_warnings():
        for category in (FutureWarning, DeprecationWarning):
            warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated", category=category)
        yield


def _class_regularizers(f: Callable, X: torch.Tensor, Y: torch.Tensor, m1: float, m2: float, h: Callable):
    """(R1, R2, R3) of a K-class model (module docstring): J_i by ``jacrev``, the Hessian of h by ``hessian``, and
    R3's quadratic forms of the scalar (grad h - y_i)^T f by Hessian-vector products."""
    k = Y.shape[1]

    def f1(x):
        return f(x.unsqueeze(0)).reshape(k)

    fx = _validate.outputs(f, X, k)
    with _quiet_jit():
        J = vmap(jacrev(f1))(X)  # (n, K, d)
        c = vmap(grad(h))(fx) - Y  # (n, K): grad h(f(x_i)) - y_i
        H = vmap(hessian(h))(fx)  # (n, K, K)
    shift, _, directions = _directions(X)
    Jv = torch.einsum("nkd,nvd->nvk", J, directions)  # (n, 1+r, K): J_i v
    r1 = m1 * torch.einsum("nk,nkd,nd->n", c, J, shift).mean()
    r2 = m2 / 2 * torch.einsum("nvk,nkl,nvl->n", Jv, H, Jv).mean()
    quad = _quadratic_forms(lambda x, ci: (ci * f1(x)).sum(), X, directions, c)
    r3 = m2 / 2 * quad.sum(-1).mean()
    return r1, r2, r3
