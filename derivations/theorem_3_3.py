r"""Theorem 3.3 (Appendix A.2.4): the ReLU-network version of Theorem 3.1, and the notation after Eq. (6).

1. With :math:`f(x_i) = \nabla f(x_i)^\top x_i` and centred data, R1 of Lemma 3.1 becomes
   :math:`\frac{\mathbb E[1-\lambda]}{n}\sum_i (y_i - g(f(x_i)))f(x_i)` (checked for d = 2 with
   symbolic gradient and points).
2. :math:`|f(x_i)| = \|\nabla f(x_i)\|\,\|x_i\|\,R_i` with :math:`R_i = |\cos(\nabla f(x_i), x_i)|`.
3. Eq. (6) at radius :math:`\delta = \varepsilon\sqrt d` has second-order term
   :math:`\frac{\varepsilon^2 d}{2}|h''|\|\nabla f\|^2 = \frac{\delta^2}{2}|h''|\|\nabla f\|^2`; the
   "abuse of notation" after Eq. (6) writes :math:`\frac{\delta^2 d}{2}`, which is
   :math:`\frac{\varepsilon^2 d^2}{2}`: a spurious factor d (the residual below is not 0 for d > 1).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive(notation_factor=1) -> Derivation:
    """``notation_factor`` multiplies delta^2/2 in l~_adv: 1 is Eq. (6); d is the printed notation (plant it)."""
    g1, g2, x1, x2, m1, m2 = sp.symbols("g1 g2 x1 x2 mu1 mu2", real=True)
    gvec, x, mu = sp.Matrix([g1, g2]), sp.Matrix([x1, x2]), sp.Matrix([m1, m2])
    f = (gvec.T * x)[0]  # f(x_i) = grad f(x_i)^T x_i
    r1_term = (gvec.T * (mu - x))[0]  # grad f^T E_r[r - x_i]
    eps, d = sp.symbols("epsilon d", positive=True)
    hpp, gn = sp.symbols("h2 G", positive=True)  # |h''|, ||grad f||
    delta = eps * sp.sqrt(d)
    eq6 = eps**2 * d / 2 * hpp * gn**2
    notation = delta**2 * notation_factor / 2 * hpp * gn**2
    cos = f / (sp.sqrt(g1**2 + g2**2) * sp.sqrt(x1**2 + x2**2))
    facts = [
        ("centred data: grad f(x_i)^T E_r[r_x - x_i] = -f(x_i)", *is_zero(r1_term.subs({m1: 0, m2: 0}) + f)),
        ("|f(x_i)| = ||grad f|| ||x_i|| |cos(grad f, x_i)|",
         *is_zero(sp.Abs(f) - sp.sqrt(g1**2 + g2**2) * sp.sqrt(x1**2 + x2**2) * sp.Abs(cos))),
        ("second-order term of l~_adv(eps sqrt d) = that of Eq. (6)", *is_zero(notation - eq6)),
    ]
    latex = (
        r"\begin{aligned}"
        r"\mathcal R_1 &= \frac{\mathbb E[1-\lambda]}{n}\sum_i(h'(f(x_i)) - y_i)\nabla f(x_i)^\top(\mu - x_i)"
        r" \overset{\mu = 0}{=} \frac{\mathbb E[1-\lambda]}{n}\sum_i(y_i - g(f(x_i)))f(x_i)\\"
        r"|f(x_i)| &= \|\nabla f(x_i)\|\,\|x_i\|\,R_i \ge \|\nabla f(x_i)\|\,c_x\sqrt d\,R_i\\"
        r"\text{Eq. (6)}:\ \frac{\varepsilon^2 d}{2}|h''|\|\nabla f\|^2 &= \frac{\delta^2}{2}|h''|\|\nabla f\|^2"
        r"\ne\frac{\delta^2 d}{2}|h''|\|\nabla f\|^2\ \text{(printed after Eq. 6)}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
