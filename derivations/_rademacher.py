"""SymPy residuals shared by the derivations of Theorem A.1 and Theorem 3.5 (the Rademacher bound of the Manifold
Mixup class): each is an expression that simplifies to 0 when the step of the proof holds."""

from __future__ import annotations

import itertools

import sympy as sp


def ellipsoid_sup() -> dict:
    r"""The supremum of :math:`\theta^\top v` over :math:`\theta^\top\Sigma\theta\le\gamma` (symbolic 2 x 2 SPD
    :math:`\Sigma`) is attained at :math:`\theta^* = \sqrt\gamma\,\Sigma^{-1}v/\sqrt{v^\top\Sigma^{-1}v}`:
    residuals ``feasible`` (:math:`\theta^{*\top}\Sigma\theta^* - \gamma`), ``attained``
    (:math:`(\theta^{*\top}v)^2 - \gamma v^\top\Sigma^{-1}v`) and ``kkt`` (:math:`\Sigma\theta^*\parallel v`)."""
    s11, s12, s22, v1, v2 = sp.symbols("s11 s12 s22 v1 v2", real=True)
    gamma = sp.Symbol("gamma", positive=True)
    S = sp.Matrix([[s11, s12], [s12, s22]])
    v = sp.Matrix([v1, v2])
    q = (v.T * S.inv() * v)[0]
    theta = sp.sqrt(gamma) * S.inv() * v / sp.sqrt(q)
    return {"feasible": (theta.T * S * theta)[0] - gamma, "attained": (theta.T * v)[0] ** 2 - gamma * q,
            "kkt": (S * theta)[0] * v2 - (S * theta)[1] * v1, "gamma": gamma}


def rademacher_moments(n: int = 3) -> dict:
    r""":math:`\mathbb E_\xi\|\sum_i\xi_ia_i\|^2 - \sum_i\|a_i\|^2` (``second``) and :math:`\mathbb E_\xi\sum_i\xi_ia_i`
    (``first``, a vector), exactly over the :math:`2^n` sign vectors, for symbolic :math:`a_i\in\mathbb R^2`."""
    a = [sp.Matrix(sp.symbols(f"a{i}_1 a{i}_2", real=True)) for i in range(n)]
    sums = [sum((s[i] * a[i] for i in range(n)), sp.zeros(2, 1)) for s in itertools.product((-1, 1), repeat=n)]
    second = sum((u.T * u)[0] for u in sums) / len(sums) - sum((ai.T * ai)[0] for ai in a)
    return {"second": second, "first": sum(sums, sp.zeros(2, 1)) / len(sums)}


def quadratic_form_mean() -> sp.Expr:
    r""":math:`\mathbb E[h^\top A h] - \mathrm{tr}(A\,\mathrm{Cov}\,h) - \mu^\top A\mu` for h uniform on 3 symbolic points
    of :math:`\mathbb R^2` and a symbolic A (the population identity behind the mean term of Theorem A.1)."""
    pts = [sp.Matrix(sp.symbols(f"p{i}_1 p{i}_2", real=True)) for i in range(3)]
    A = sp.Matrix(2, 2, sp.symbols("A11 A12 A21 A22", real=True))
    mu = sum(pts, sp.zeros(2, 1)) / 3
    cov = sum(((p - mu) * (p - mu).T for p in pts), sp.zeros(2, 2)) / 3
    return sum((p.T * A * p)[0] for p in pts) / 3 - (A * cov).trace() - (mu.T * A * mu)[0]
