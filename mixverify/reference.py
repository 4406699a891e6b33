r"""Slow, obviously correct references that the fast code is tested against.

Nothing here shares code with :mod:`mixverify.losses` or :mod:`mixverify.regularizers`: loops over
pairs, adaptive quadrature (QUADPACK's algebraic-singularity weight, not Gauss--Jacobi) and the full
``torch.func.hessian``. Use only on small data sets (n <= 20).
"""

from __future__ import annotations

import torch
from scipy import integrate, special
from torch.func import grad, hessian


def _scalar(f, x: torch.Tensor) -> torch.Tensor:
    return f(x.unsqueeze(0)).reshape(())


def _beta_expectation(fn, a: float, b: float) -> float:
    """E_{lambda ~ Beta(a, b)} fn(lambda) by QUADPACK with weight lambda^(a-1) (1-lambda)^(b-1)."""
    value, _ = integrate.quad(fn, 0.0, 1.0, weight="alg", wvar=(a - 1.0, b - 1.0), epsabs=1e-13, epsrel=1e-12,
                              limit=200)
    return value / special.beta(a, b)


def mixup_loss_loops(f, X: torch.Tensor, y: torch.Tensor, alpha: float, beta: float, h) -> float:
    """Eq. (1) by a double loop over pairs and adaptive quadrature over lambda (binary: one output per row)."""
    n = X.shape[0]
    total = 0.0
    with torch.no_grad():
        for i in range(n):
            for j in range(n):
                def loss(lam, i=i, j=j):
                    x = lam * X[i] + (1 - lam) * X[j]
                    out = _scalar(f, x)
                    return float(h(out) - (lam * y[i] + (1 - lam) * y[j]) * out)

                total += _beta_expectation(loss, alpha, beta)
    return total / n**2


def class_mixup_loss_loops(f, X: torch.Tensor, Y: torch.Tensor, alpha: float, beta: float) -> float:
    """Eq. (1) for a K-class model with label rows Y (n, K): softmax cross-entropy of the mixed row against the mixed
    label row, written out as -sum_k t_k log softmax_k, by a double loop over pairs and adaptive quadrature."""
    n = X.shape[0]
    total = 0.0
    with torch.no_grad():
        for i in range(n):
            for j in range(n):
                def loss(lam, i=i, j=j):
                    out = f((lam * X[i] + (1 - lam) * X[j]).unsqueeze(0))[0]
                    target = lam * Y[i] + (1 - lam) * Y[j]
                    return float(-(target * torch.log_softmax(out, 0)).sum())

                total += _beta_expectation(loss, alpha, beta)
    return total / n**2


def class_mixup_regularizers_loops(f, X: torch.Tensor, Y: torch.Tensor, m1: float, m2: float):
    """R1, R2, R3 of Lemma 3.1 for a K-class model with h = log-sum-exp, written out from the second-order expansion
    of psi_ij(a) = CE(f(x_i + a (x_j - x_i)), y_i) with the full per-class Hessians: h' = softmax p,
    h'' = diag(p) - p p^T, R3 = sum_k (p - y_i)_k (r - x_i)^T H_k (r - x_i)."""
    n = X.shape[0]
    r1 = r2 = r3 = 0.0
    for i in range(n):
        xi = X[i]
        out = f(xi.unsqueeze(0))[0]
        k = out.shape[0]
        J = torch.stack([grad(lambda x, c=c: f(x.unsqueeze(0))[0, c])(xi) for c in range(k)])
        Hs = [hessian(lambda x, c=c: f(x.unsqueeze(0))[0, c])(xi) for c in range(k)]
        p = torch.softmax(out, 0)
        hh = torch.diag(p) - torch.outer(p, p)
        for j in range(n):
            v = X[j] - xi
            r1 += float((p - Y[i]) @ (J @ v)) / n
            r2 += float((J @ v) @ hh @ (J @ v)) / n
            r3 += float(sum((p[c] - Y[i, c]) * (v @ Hs[c] @ v) for c in range(k))) / n
    return m1 * r1 / n, m2 * r2 / (2 * n), m2 * r3 / (2 * n)


def mixup_regularizers_loops(f, X: torch.Tensor, y: torch.Tensor, m1: float, m2: float, h):
    """R1, R2, R3 of Lemma 3.1, literally as stated, with moments m1 = E[1-lam], m2 = E[(1-lam)^2]."""
    n = X.shape[0]
    r1 = r2 = r3 = 0.0
    for i in range(n):
        xi = X[i]
        out = _scalar(f, xi)
        g = grad(lambda x: _scalar(f, x))(xi)
        H = hessian(lambda x: _scalar(f, x))(xi)
        u = out.detach().clone().requires_grad_(True)
        (h1,) = torch.autograd.grad(h(u), u, create_graph=True)
        (h2,) = torch.autograd.grad(h1, u)
        e_shift = sum(X[j] - xi for j in range(n)) / n
        e_outer = sum(torch.outer(X[j] - xi, X[j] - xi) for j in range(n)) / n
        e_quad = sum((X[j] - xi) @ H @ (X[j] - xi) for j in range(n)) / n
        r1 += float((h1 - y[i]).detach() * (g @ e_shift))
        r2 += float(h2 * (g @ e_outer @ g))
        r3 += float((h1 - y[i]).detach() * e_quad)
    return m1 * r1 / n, m2 * r2 / (2 * n), m2 * r3 / (2 * n)


def beta_moment_one_minus(a: float, b: float, k: int) -> float:
    """E[(1-lambda)^k] under Beta(a, b) by adaptive quadrature."""
    return _beta_expectation(lambda lam: (1 - lam) ** k, a, b)


def beta_mixture_moment_one_minus(alpha: float, beta: float, k: int) -> float:
    """E[(1-lambda)^k] under the tilde-D_lambda mixture, by adaptive quadrature of each component."""
    s = alpha + beta
    return (alpha / s) * beta_moment_one_minus(alpha + 1, beta, k) + (beta / s) * beta_moment_one_minus(
        beta + 1, alpha, k)

