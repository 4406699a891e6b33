r"""The truncated Beta lam' = max(lam, 1 - lam) (beyond the paper): the exact relation, symbolically.

1. Mixing is swap-symmetric: :math:`\tilde x_{kj}(1-\lambda) = \tilde x_{jk}(\lambda)`, and the labels alike,
   so :math:`\ell_{kj}(1-\lambda) = \ell_{jk}(\lambda)` for every loss.
2. The law of :math:`\lambda'`: :math:`P(\lambda'\le t) = F(t) - F(1-t)` on [1/2, 1], density :math:`p(t) + p(1-t)`.
3. The gap: for :math:`\lambda < 1/2`, :math:`\sum_{kj} w_{kj}\ell_{kj}(1-\lambda) - \sum_{kj} w_{kj}\ell_{kj}(\lambda)
   = \sum_{kj}(w_{jk} - w_{kj})\ell_{kj}(\lambda)` (symbolic 3 x 3 W), which is 0 for symmetric W.
4. On a grid of rational laws (Beta(1,1), (2,2), (3,3), (2,1), (3,2)), exactly:
   :math:`\mathbb E S(\lambda') = \mathbb E S(\lambda)` for a symmetric :math:`S(\lambda) = S(1-\lambda)`
   (a polynomial in :math:`\lambda(1-\lambda)`), and not for :math:`S(\lambda) = \lambda` (the laws differ).
   The general case is item 1-3: :math:`S(\max(\lambda, 1-\lambda)) = S(\lambda)` pointwise.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import beta_pdf, is_zero, lam


def derive(gap_sign: int = 1) -> Derivation:
    """``gap_sign=-1`` plants the gap with w_kj - w_jk (the wrong orientation) to see step 3 fail."""
    xk, xj, yk, yj = sp.symbols("x_k x_j y_k y_j", real=True)
    mix = lambda a, b, t: t * a + (1 - t) * b  # noqa: E731
    facts = [
        ("mixing swap: x~_kj(1-lam) = x~_jk(lam), y~_kj(1-lam) = y~_jk(lam)",
         *is_zero((mix(xk, xj, 1 - lam) - mix(xj, xk, lam)) ** 2 + (mix(yk, yj, 1 - lam) - mix(yj, yk, lam)) ** 2)),
    ]
    t = sp.Symbol("t", positive=True)
    Fn, pn = sp.Function("F"), sp.Function("p")
    dens = sp.diff(Fn(t) - Fn(1 - t), t).subs({sp.Derivative(Fn(t), t): pn(t)}).doit()
    dens = dens.replace(lambda e: isinstance(e, sp.Subs), lambda e: pn(1 - t))
    facts.append(("law of max(lam, 1-lam): d/dt [F(t) - F(1-t)] = p(t) + p(1-t)", *is_zero(dens - pn(t) - pn(1 - t))))
    w = sp.Matrix(3, 3, lambda k, j: sp.Symbol(f"w_{k}{j}"))
    ell = sp.Matrix(3, 3, lambda k, j: sp.Symbol(f"l_{k}{j}"))  # l_kj(lam); l_kj(1 - lam) = l_jk(lam)
    lhs = sum(w[k, j] * ell[j, k] - w[k, j] * ell[k, j] for k in range(3) for j in range(3))
    gap = sum(gap_sign * (w[j, k] - w[k, j]) * ell[k, j] for k in range(3) for j in range(3))
    facts.append(("gap for lam < 1/2: sum w_kj l_kj(1-lam) - w_kj l_kj(lam) = sum (w_jk - w_kj) l_kj(lam)",
                  *is_zero(lhs - gap), "decisive"))
    sym = {w[k, j]: w[min(k, j), max(k, j)] for k in range(3) for j in range(3)}
    facts.append(("the gap vanishes for a symmetric pairing W = W^T", *is_zero(gap.subs(sym)), "decisive"))
    c0, c1, c2 = sp.symbols("c0 c1 c2", real=True)
    S = c0 + c1 * lam * (1 - lam) + c2 * (lam * (1 - lam)) ** 2
    for a, b in ((1, 1), (2, 2), (3, 3), (2, 1), (3, 2)):
        p = beta_pdf(sp.Integer(a), sp.Integer(b))
        half = sp.Rational(1, 2)
        e_trunc = sp.integrate(S * p, (lam, half, 1)) + sp.integrate(S.subs(lam, 1 - lam) * p, (lam, 0, half))
        e_beta = sp.integrate(S * p, (lam, 0, 1))
        facts.append((f"E S(lam') = E S(lam), symmetric S, Beta({a},{b})", *is_zero(e_trunc - e_beta), "decisive"))
    a, b = 2, 1
    p = beta_pdf(sp.Integer(a), sp.Integer(b))
    diff = sp.integrate(lam * p, (lam, sp.Rational(1, 2), 1)) + sp.integrate((1 - lam) * p, (lam, 0, sp.Rational(1, 2))) \
        - sp.integrate(lam * p, (lam, 0, 1))
    facts.append(("the laws differ: E[lam'] - E[lam] != 0 for Beta(2,1) (S(lam) = lam is not symmetric)",
                  sp.simplify(diff) != 0, sp.latex(sp.simplify(diff))))
    latex = (r"\begin{aligned}\ell_{kj}(1-\lambda) &= \ell_{jk}(\lambda),\qquad p_{\lambda'}(t) = p(t) + p(1-t)\ "
             r"(t\ge\tfrac12)\\ L^{trunc}_W - L_W &= \mathbb E_\lambda\Big[1\{\lambda<\tfrac12\}\sum_{kj}"
             r"(w_{jk}-w_{kj})\,\ell_{kj}(\lambda)\Big] = 0\ \text{if } W = W^\top\end{aligned}")
    return Derivation(__name__, latex, facts)
