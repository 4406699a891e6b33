r"""One lambda per batch or per example (beyond the paper): the variance formulas, symbolically.

For symbolic pair values :math:`c_{kj}` and every permutation of a batch of m = 3 and m = 4:

1. Hoeffding (1951): :math:`\mathrm{Var}_\pi \sum_k c_{k\pi(k)} = \frac{1}{m-1}\sum_{kj} d_{kj}^2`, with
   :math:`d_{kj} = c_{kj} - \bar c_{k\cdot} - \bar c_{\cdot j} + \bar c_{\cdot\cdot}`; its mean is
   :math:`\frac1m\sum_{kj}c_{kj}` (so a random permutation is unbiased for Eq. (1) of the batch).
2. One lambda per batch cancels the separable affine part: :math:`\sum_k \lambda A_k + (1-\lambda)A_{\pi(k)} = \sum_k A_k`.
3. One lambda per example keeps it: the variance of :math:`\frac1m\sum_k \lambda_k A_k + (1-\lambda_k)A_{\pi(k)}`
   is :math:`\frac{\mathrm{Var}\lambda}{m^2}\sum_k (A_k - A_{\pi(k)})^2` (m = 3, i.i.d. lambdas).
"""

import itertools

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def _hoeffding(m, factor):
    c = sp.Matrix(m, m, lambda k, j: sp.Symbol(f"c_{k}{j}"))
    perms = list(itertools.permutations(range(m)))
    S = [sum(c[k, p[k]] for k in range(m)) for p in perms]
    mean = sp.Add(*S) / len(perms)
    var = sp.Add(*[(s - mean) ** 2 for s in S]) / len(perms)
    rbar = [sum(c[k, j] for j in range(m)) / m for k in range(m)]
    cbar = [sum(c[k, j] for k in range(m)) / m for j in range(m)]
    g = sum(c) / m**2
    ssd = sum((c[k, j] - rbar[k] - cbar[j] + g) ** 2 for k in range(m) for j in range(m))
    return is_zero(sp.expand(var - factor(m) * ssd)), is_zero(sp.expand(mean - sum(c) / m))


def derive(factor=None, sizes=(3, 4)) -> Derivation:
    """``factor(m)`` multiplies Hoeffding's sum of squares; plant ``lambda m: 1/m`` (independent partners)."""
    factor = factor or (lambda m: sp.Rational(1, m - 1))
    facts = []
    for m in sizes:
        (ok_v, res_v), (ok_m, res_m) = _hoeffding(m, factor)
        facts.append((f"Hoeffding: Var over all {m}! permutations = 1/(m-1) sum d_kj^2 (m = {m})", ok_v, res_v, "decisive"))
        facts.append((f"random permutation: mean = (1/m) sum_kj c_kj, Eq. (1) of the batch (m = {m})", ok_m, res_m,
                      "decisive"))
    lam, mu, s2 = sp.symbols("lambda mu s2", real=True)
    A = sp.symbols("A0:4", real=True)
    cancel = [sp.expand(sum(lam * A[k] + (1 - lam) * A[p[k]] for k in range(4)) - sum(A))
              for p in itertools.permutations(range(4))]
    facts.append(("one lambda per batch: sum_k lam A_k + (1-lam) A_pi(k) = sum_k A_k, all pi in S_4",
                  all(e == 0 for e in cancel), sp.latex(sp.Add(*[abs(e) for e in cancel]))))
    # i.i.d. lambdas with E lam = mu, E lam^2 = s2: variance of the per-example estimator's affine part, m = 3
    L = sp.symbols("l0:3")
    pi = (1, 2, 0)
    est = sum(L[k] * A[k] + (1 - L[k]) * A[pi[k]] for k in range(3)) / 3

    def expect(expr):
        poly = sp.Poly(sp.expand(expr), *L)
        total = 0
        for powers, coeff in poly.terms():
            term = coeff
            for p_ in powers:
                term *= {0: 1, 1: mu, 2: s2}[p_]
            total += term
        return total

    var_e = expect(est**2) - expect(est) ** 2
    pred = (s2 - mu**2) / 9 * sum((A[k] - A[pi[k]]) ** 2 for k in range(3))
    facts.append(("one lambda per example: Var = Var(lam)/m^2 sum_k (A_k - A_pi(k))^2 (m = 3)", *is_zero(var_e - pred)))
    latex = (r"\begin{aligned}\mathrm{Var}_\pi\textstyle\sum_k c_{k\pi(k)} &= \tfrac{1}{m-1}\sum_{kj}d_{kj}^2,\quad"
             r"\mathbb E_\pi\textstyle\sum_k c_{k\pi(k)} = \tfrac1m\sum_{kj}c_{kj}\\"
             r"\textstyle\sum_k\lambda A_k + (1-\lambda)A_{\pi(k)} &= \textstyle\sum_k A_k\\"
             r"\mathrm{Var}\,\tfrac1m\textstyle\sum_k\lambda_k A_k + (1-\lambda_k)A_{\pi(k)} &= "
             r"\tfrac{\mathrm{Var}\lambda}{m^2}\textstyle\sum_k(A_k-A_{\pi(k)})^2\end{aligned}")
    return Derivation(__name__, latex, facts)
