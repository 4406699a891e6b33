r"""Eq. (2) includes the cross-entropy of a K-class classifier; Eq. (9) and Lemma 3.1 with vector labels.

Section 2 takes :math:`y_i\in\mathcal Y\subseteq\mathbb R^m`, the one-hot encoding of the class for classification, and
Eq. (2)'s class :math:`\ell = h(f_\theta(x)) - y f_\theta(x)` is said to include "crossentropy for neural networks". With
K = m class scores :math:`f\in\mathbb R^K` the product is :math:`y^\top f`. Checked symbolically (K = 3 class scores,
d = 2 input coordinates: both sides of each identity are polynomials in the jets' entries, and the identities are
coordinate-free, so these sizes stand for all):

1. The softmax cross-entropy of a label row summing to 1 is Eq. (2) with h = log-sum-exp:
   :math:`-\sum_k y_k\log\mathrm{softmax}(u)_k = \log\sum_k e^{u_k} - y^\top u`. Mixed rows
   :math:`\lambda e_{y_i} + (1-\lambda)e_{y_j}` sum to 1, so Eq. (1) with one-hot labels is the mixed cross-entropy.
2. The loss is affine in the label row: :math:`\ell(\lambda y_i + (1-\lambda)y_j) = \lambda\ell(y_i) +
   (1-\lambda)\ell(y_j)`, the only step of Appendix A.1 that involves y; the Beta steps (eq-1, eq-9) do not involve y,
   so Eq. (9) holds for K classes.
3. The Taylor coefficients of :math:`\psi(a) = h(f(x + a v)) - y^\top f(x + a v)` at 0 for arbitrary 2-jets of h
   (gradient :math:`\nabla h`, symmetric K x K Hessian) and 3-jets of each class score (Jacobian J, Hessians H_k):
   :math:`\psi'(0) = (\nabla h - y)^\top J v` and
   :math:`\psi''(0) = (Jv)^\top\nabla^2 h\,(Jv) + \sum_k(\nabla h - y)_k\,v^\top H_k v`, and the 1/2 of the second-order
   term: Lemma 3.1's R1, R2, R3 with :math:`h'\to\nabla h`, :math:`h''\to\nabla^2 h`, :math:`\nabla f\to J`.
4. For h = log-sum-exp, :math:`\nabla h = p = \mathrm{softmax}(u)` and :math:`\nabla^2 h = \mathrm{diag}(p) - pp^\top`
   (what the loops reference uses; implementation).

Facts 1-3 are decisive: with eq-1's Beta identities and Taylor's theorem they prove Eq. (9) and Lemma 3.1 for every
twice differentiable h and f with K outputs.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero

K, D = 3, 2
HALF = sp.Rational(1, 2)


def second_coefficient(Jv, hess_h, c, quads):
    r""":math:`\psi''(0) = (Jv)^\top\nabla^2 h\,(Jv) + \sum_k c_k\,v^\top H_k v` with :math:`c = \nabla h - y`."""
    return (Jv.T * hess_h * Jv)[0] + sum(c[k] * quads[k] for k in range(len(quads)))


def derive(r2_coefficient=HALF, second=second_coefficient) -> Derivation:
    """``r2_coefficient`` multiplies psi''(0) in the Taylor polynomial (plant 1 for a missing 1/2); ``second`` is the
    claimed psi''(0) (plant one that drops the cross terms of the Hessian of h)."""
    u = sp.Matrix(sp.symbols(f"u1:{K + 1}", real=True))
    y12 = sp.symbols(f"y1:{K}", real=True)
    y = sp.Matrix([*y12, 1 - sum(y12)])  # a label row summing to 1
    lse = sp.log(sum(sp.exp(uk) for uk in u))
    cross_entropy = -sum(y[k] * sp.log(sp.exp(u[k]) / sum(sp.exp(uj) for uj in u)) for k in range(K))
    eq2 = lse - (y.T * u)[0]

    h = sp.Function("h")
    lam = sp.Symbol("lambda", real=True)
    yi, yj = sp.Matrix(sp.symbols(f"yi1:{K + 1}", real=True)), sp.Matrix(sp.symbols(f"yj1:{K + 1}", real=True))

    def loss(label):
        return h(*u) - (label.T * u)[0]

    a = sp.Symbol("a", real=True)
    v = sp.Matrix(sp.symbols(f"v1:{D + 1}", real=True))
    J = sp.Matrix(K, D, lambda k, j: sp.Symbol(f"J{k + 1}{j + 1}", real=True))
    Hs = [sp.Matrix(D, D, lambda p, q, k=k: sp.Symbol(f"H{k + 1}_{min(p, q) + 1}{max(p, q) + 1}", real=True))
          for k in range(K)]
    T = [sp.Symbol(f"T{k + 1}", real=True) for k in range(K)]  # third directional derivatives of the class scores
    gh = sp.Matrix(sp.symbols(f"g1:{K + 1}", real=True))
    Hh = sp.Matrix(K, K, lambda p, q: sp.Symbol(f"Q{min(p, q) + 1}{max(p, q) + 1}", real=True))
    C = sp.symbols("C1:11", real=True)  # a generic cubic term of h (its coefficients do not enter psi'' at 0)
    w = a * v
    du = sp.Matrix([(J[k, :] * w)[0] + (w.T * Hs[k] * w)[0] / 2 + T[k] * a**3 / 6 for k in range(K)])
    cubic = sum(C[k] * du[k] ** 3 for k in range(K)) / 6 + C[3] * du[0] * du[1] * du[2]
    label = sp.Matrix(sp.symbols(f"ylab1:{K + 1}", real=True))
    psi = (gh.T * du)[0] + (du.T * Hh * du)[0] / 2 + cubic - (label.T * du)[0]  # h(f0) - y^T f0 dropped: constant
    Jv = J * v
    c = gh - label
    quads = [(v.T * Hs[k] * v)[0] for k in range(K)]
    d1 = (c.T * Jv)[0]
    d2 = second(Jv, Hh, c, quads)
    expanded = sp.expand(psi)  # a polynomial in a: its Taylor polynomial is its terms of degree < 3
    taylor2 = sum(expanded.coeff(a, k) * a**k for k in range(3))
    p = sp.Matrix([sp.exp(uk) for uk in u]) / sum(sp.exp(uj) for uj in u)

    facts = [
        ("softmax cross-entropy of a label row summing to 1 = log-sum-exp(u) - y^T u (Eq. 2, h = log-sum-exp)",
         *is_zero(sp.expand_log(cross_entropy - eq2, force=True)), "decisive"),
        ("the loss of Eq. (2) is affine in the label row: l(lam y_i + (1-lam) y_j) = lam l(y_i) + (1-lam) l(y_j)",
         *is_zero(loss(lam * yi + (1 - lam) * yj) - lam * loss(yi) - (1 - lam) * loss(yj)), "decisive"),
        ("psi'(0) = (grad h - y)^T J v", *is_zero(sp.diff(psi, a).subs(a, 0) - d1), "decisive"),
        ("psi''(0) = (J v)^T Hess h (J v) + sum_k (grad h - y)_k v^T H_k v",
         *is_zero(sp.diff(psi, a, 2).subs(a, 0) - d2), "decisive"),
        ("second-order Taylor polynomial of psi = psi(0) + a psi'(0) + c a^2 psi''(0) with c = 1/2",
         *is_zero(sp.expand(taylor2 - (a * d1 + r2_coefficient * a**2 * d2))), "decisive"),
        ("grad log-sum-exp = softmax p", *is_zero(sp.simplify(sp.Matrix([sp.diff(lse, uk) for uk in u]) - p).norm())),
        ("Hess log-sum-exp = diag(p) - p p^T",
         *is_zero(sp.simplify(sp.hessian(lse, list(u)) - (sp.diag(*p) - p * p.T)).norm())),
    ]
    latex = (
        r"\begin{aligned}"
        r"-\textstyle\sum_k y_k\log\mathrm{softmax}(u)_k &= \log\textstyle\sum_k e^{u_k} - y^\top u"
        r"\quad(\textstyle\sum_k y_k = 1)\\"
        r"\ell(\lambda y_i + (1-\lambda)y_j) &= \lambda\,\ell(y_i) + (1-\lambda)\,\ell(y_j)\quad"
        r"(\ell = h(f) - y^\top f)\\"
        r"\psi(a) &= h(f(x + a v)) - y^\top f(x + a v)\\"
        rf"\psi'(0) &= {sp.latex(d1)} = (\nabla h - y)^\top J v\\"
        r"\psi''(0) &= (Jv)^\top\nabla^2 h\,(Jv) + \textstyle\sum_k (\nabla h - y)_k\, v^\top H_k v\\"
        r"\mathcal R_1 &= \tfrac{\mathbb E[1-\lambda]}{n}\textstyle\sum_i (\nabla h(f(x_i)) - y_i)^\top J_i\,"
        r"\mathbb E_r[r - x_i]\\"
        r"\mathcal R_2 &= \tfrac{\mathbb E[(1-\lambda)^2]}{2n}\textstyle\sum_i \mathbb E_r[(J_i(r-x_i))^\top"
        r"\nabla^2 h(f(x_i))\,J_i(r-x_i)]\\"
        r"\mathcal R_3 &= \tfrac{\mathbb E[(1-\lambda)^2]}{2n}\textstyle\sum_i\sum_k (\nabla h - y_i)_k\,"
        r"\mathbb E_r[(r-x_i)^\top\nabla^2 f_k(x_i)(r-x_i)]"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
