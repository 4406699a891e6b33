r"""The GLM-form loss of Eq. (2), the Mixup loss of Eq. (1), its input-perturbation form Eq. (9),
and the quadratic approximation of Eq. (3).

The loss of Eq. (2) at the outputs (``eq2_loss``, ``softplus``) lives in :mod:`mixverify.eq2`, below this
module and :mod:`mixverify.regularizers`, and is re-exported here.

Throughout, ``f`` maps an (n, d) tensor to n real outputs and the loss is
:math:`\ell(\theta, (x, y)) = h(f_\theta(x)) - y f_\theta(x)` (Eq. 2), with ``h = softplus`` (logistic
regression) by default. Labels may be mixed, in [0, 1].

K-class classifiers: where ``f`` returns (n, K) class scores (K >= 2), the loss is Eq. (2) with vector labels,
:math:`h(f(x)) - y^\top f(x)`, and ``h = softplus`` (the default) stands for its K-class form, log-sum-exp: the softmax
cross-entropy. Labels are integer classes (n,) or (n, K) rows, one-hot or soft (>= 0, summing to 1); mixing them
mixes the rows, :math:`\lambda e_{y_i} + (1-\lambda) e_{y_j}`. The binary case is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from . import _validate
from .eq2 import eq2_loss, softplus
from .laws import Law, as_law, mixup_lambda_law
from .regularizers import mixup_regularizers

#: Upper bound on the number of mixed inputs evaluated at once by the exact losses.
CHUNK_ELEMENTS = 1 << 20  # 8 MB of float64: fastest of 2^18..2^22 on 2 CPU cores (benchmarks/)


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A Monte Carlo estimate with its standard error (sample std / sqrt(samples))."""

    mean: float
    stderr: float
    samples: int


def glm_loss(f: Callable, X, y, *, h: Callable = softplus) -> torch.Tensor:
    r"""Per-example loss :math:`h(f(x_i)) - y_i f(x_i)` of Eq. (2), shape (n,) (K classes: :math:`h(f(x_i)) -
    y_i^\top f(x_i)`)."""
    X, y, k = _validate.data_for(f, X, y, h=h)
    return _glm(f, X, y, h, k)


def standard_loss(f: Callable, X, y, *, h: Callable = softplus) -> torch.Tensor:
    r""":math:`L_n^{std}(\theta, S) = \frac1n \sum_i \ell(\theta, z_i)` (Section 2)."""
    return glm_loss(f, X, y, h=h).mean()


def mixup_loss(f: Callable, X, y, alpha, beta, *, h: Callable = softplus, method: str = "exact",
               nodes: int = 32, samples: int = 4096, generator: np.random.Generator | None = None,
               ) -> torch.Tensor:
    r"""The Mixup loss of Eq. (1) of Zhang et al. (2021).

    .. math:: L_n^{mix}(\theta, S) = \frac{1}{n^2}\sum_{i,j=1}^n
              \mathbb E_{\lambda\sim\mathrm{Beta}(\alpha,\beta)}
              \ell(\theta, (\lambda x_i + (1-\lambda)x_j, \lambda y_i + (1-\lambda)y_j))

    ``method="exact"`` sums all n^2 pairs and integrates lambda by ``nodes``-point Gauss--Jacobi
    quadrature (exact for integrands polynomial in lambda of degree < 2*nodes), vectorised over pairs
    and nodes. ``method="mc"`` samples ``samples`` (pair, lambda) triples as a training loop would;
    :func:`mixup_loss_mc` also returns its standard error. Differentiable in the parameters of ``f``.

    A K-class model (``f`` returns (n, K) scores) takes integer labels or (n, K) label rows (softmax cross-entropy).

    >>> import torch
    >>> X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    >>> y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    >>> f = lambda Z: Z @ torch.tensor([0.5, -0.5], dtype=torch.float64)
    >>> round(float(mixup_loss(f, X, y, 1.0, 1.0)), 10)        # all 9 pairs, Gauss-Jacobi over lambda
    0.59581091
    >>> scores = lambda Z: torch.stack([0 * Z[:, 0], f(Z)], 1)     # the same model as 2 class scores
    >>> round(float(mixup_loss(scores, X, y.long(), 1.0, 1.0)), 10)
    0.59581091
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    X, y, k = _validate.data_for(f, X, y, h=h)
    _validate.method(method, ("exact", "mc"))
    if method == "mc":
        return _mixup_mc_terms(f, X, y, alpha, beta, h, samples, generator, k).mean()
    lam, w = mixup_lambda_law(alpha, beta).quadrature(nodes)
    return pairwise_expectation(f, X, y, lam, w, _eq2_loss(h, k), mix_labels=True, k=k)


def mixup_loss_mc(f: Callable, X, y, alpha, beta, *, h: Callable = softplus, samples: int = 4096,
                  generator: np.random.Generator | None = None) -> MonteCarloEstimate:
    """Monte Carlo estimate of Eq. (1) with its standard error: i, j uniform and independent, lambda ~ Beta."""
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    X, y, k = _validate.data_for(f, X, y, h=h)
    with torch.no_grad():
        terms = _mixup_mc_terms(f, X, y, alpha, beta, h, samples, generator, k)
    return MonteCarloEstimate(float(terms.mean()), float(terms.std() / terms.numel() ** 0.5), terms.numel())


def perturbation_loss(f: Callable, X, y, law: Law, *, h: Callable = softplus, nodes: int = 32) -> torch.Tensor:
    r"""Mixup as input perturbation, Eq. (9) of Zhang et al. (2021).

    .. math:: \frac1n\sum_{i=1}^n \mathbb E_{\lambda\sim\tilde{\mathcal D}_\lambda}
              \mathbb E_{r_x\sim\mathcal D_X}\, \ell(\theta, (\lambda x_i + (1-\lambda) r_x, y_i))

    with ``law`` in place of :math:`\tilde{\mathcal D}_\lambda` (pass
    :func:`mixverify.laws.tilde_lambda_law`) and :math:`\mathcal D_X` the empirical law of the rows of X.
    Labels are *not* mixed. Exact over pairs, Gauss--Jacobi over lambda.
    """
    X, y, k = _validate.data_for(f, X, y, h=h)
    lam, w = as_law(law).quadrature(nodes)
    return pairwise_expectation(f, X, y, lam, w, _eq2_loss(h, k), mix_labels=False, k=k)


def approx_mixup_loss(f: Callable, X, y, alpha, beta, *, h: Callable = softplus) -> torch.Tensor:
    r""":math:`\tilde L_n^{mix} = L_n^{std} + \mathcal R_1 + \mathcal R_2 + \mathcal R_3`, Eq. (3)."""
    r1, r2, r3 = mixup_regularizers(f, X, y, alpha, beta, h=h)
    return standard_loss(f, X, y, h=h) + r1 + r2 + r3


def _glm(f: Callable, X: torch.Tensor, y: torch.Tensor, h: Callable, k: int) -> torch.Tensor:
    return eq2_loss(_validate.outputs(f, X, k), y, h, classes=k > 1)


def _eq2_loss(h: Callable, k: int) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    return lambda out, label: eq2_loss(out, label, h, classes=k > 1)


def pairwise_expectation(f, X, y, lam, w, loss, *, mix_labels: bool, k: int) -> torch.Tensor:
    r"""Sum over nodes q of w_q * mean_{i,j} loss(f(lam_q x_i + (1-lam_q) x_j), label).

    ``label`` is :math:`\lambda_q y_i + (1-\lambda_q) y_j` (Eq. 1) when ``mix_labels``, else
    :math:`y_i` (Eq. 9). ``loss(outputs, labels)`` is elementwise (per row of class scores and label row when ``f``
    has ``k`` > 1 outputs). Evaluated in chunks of rows i so that at most ``CHUNK_ELEMENTS`` input entries exist at
    once; no Python loop over pairs.
    """
    n, d = X.shape
    lam_t = torch.tensor(np.asarray(lam), dtype=X.dtype, device=X.device)
    w_t = torch.tensor(np.asarray(w), dtype=X.dtype, device=X.device)
    Q = lam_t.numel()
    rows = max(1, CHUNK_ELEMENTS // max(1, Q * n * max(d, k)))
    total = X.new_zeros(())
    lq = lam_t.view(Q, 1, 1)
    cls = (k,) if k > 1 else ()  # the class dimension of outputs and labels
    lab = lq.view(Q, 1, 1, *(1,) * len(cls))
    for start in range(0, n, rows):
        Xi, yi = X[start:start + rows], y[start:start + rows]
        m = Xi.shape[0]
        mixed = lq.unsqueeze(-1) * Xi.view(1, m, 1, d) + (1 - lq.unsqueeze(-1)) * X.view(1, 1, n, d)
        out = _validate.outputs(f, mixed.reshape(Q * m * n, d), k).view(Q, m, n, *cls)
        if mix_labels:
            label = lab * yi.view(1, m, 1, *cls) + (1 - lab) * y.view(1, 1, n, *cls)
        else:
            label = yi.view(1, m, 1, *cls).expand(Q, m, n, *cls)
        total = total + (w_t.view(Q, 1, 1) * loss(out, label)).sum()
    return total / (n * n)


def _mixup_mc_terms(f, X, y, alpha, beta, h, samples, generator, k: int) -> torch.Tensor:
    samples = _validate.positive_int("samples", samples)
    rng = generator if _validate.numpy_generator(generator) is not None else np.random.default_rng()
    n = X.shape[0]
    i = torch.as_tensor(rng.integers(0, n, size=samples), device=X.device)
    j = torch.as_tensor(rng.integers(0, n, size=samples), device=X.device)
    lam = torch.as_tensor(mixup_lambda_law(alpha, beta).sample(samples, rng), dtype=X.dtype, device=X.device)
    x_mix = lam[:, None] * X[i] + (1 - lam[:, None]) * X[j]
    lab = lam[:, None] if k > 1 else lam
    y_mix = lab * y[i] + (1 - lab) * y[j]
    return _glm(f, x_mix, y_mix, h, k)
