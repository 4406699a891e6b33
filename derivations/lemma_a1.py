r"""Lemma A.1 (Appendix A.3.2): the constants of the uniform deviation bound, and the instances' closed forms.

1. McDiarmid's inequality for :math:`\sup_\phi(\mathbb E\zeta\circ\phi - \hat{\mathbb E}_S\zeta\circ\phi)`: changing
   one :math:`x_i` moves it by at most c = (range of :math:`\zeta`)/n, so
   :math:`P(\cdot > \mathbb E[\cdot] + t)\le\exp(-2t^2/(nc^2))`; setting this to :math:`\delta` gives
   :math:`t = B\sqrt{\log(1/\delta)/(2n)}` for a range B (:math:`\zeta\in[0, B]`) and twice that for
   :math:`|\zeta|\le B` (range 2B): the printed term needs the first reading.
2. Symmetrisation gives the factor 2 and Talagrand's contraction the factor L: :math:`\mathbb E\sup \le
   2\,\mathbb E_S\mathrm{Rad}(\zeta\circ\Phi) \le 2L\,\mathbb E_S\mathrm{Rad}(\Phi)`.
3. The rich class: a point of C contributes :math:`\mathbb E_\xi\max_{v\in[0,1]}\xi v = \tfrac12(1 + 0) = \tfrac12`,
   so :math:`\mathrm{Rad} = k/(2n)`.
4. :math:`\mathbb E|\sum_{i\le k}\xi_i| = \sum_j\binom kj|2j - k|/2^k = k\binom{k-1}{\lfloor (k-1)/2\rfloor}/2^{k-1}`
   (k = 1..8): the Rademacher complexity of :math:`\{x\mapsto\theta x: |\theta|\le\Theta\}` on points
   :math:`x_i\in\{-1, 0, 1\}` is :math:`\Theta\,\mathbb E|\sum_{x_i\ne0}\xi_i|/n`.
5. The logistic loss :math:`\zeta_y(t) = \log(1+e^t) - yt`: :math:`\zeta_y' = \sigma(t) - y`, so
   :math:`L = \sigma(\Theta)` on :math:`|t|\le\Theta`, and :math:`\zeta_1(t) = \zeta_0(-t)`, so
   :math:`\zeta_y\in[\log(1 + e^{-\Theta}), \log(1 + e^{\Theta})]`, an interval of length :math:`\Theta` = B (the range).
"""

import itertools

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero
from .closed_forms import LEMMA_A1_CONFIDENCE, B, delta, n

t = sp.symbols("t", positive=True)
#: Lemma A.1's confidence term as printed.
PRINTED_CONFIDENCE = LEMMA_A1_CONFIDENCE


def derive(confidence=PRINTED_CONFIDENCE) -> Derivation:
    """``confidence``: Lemma A.1's confidence term (plant e.g. B log(1/delta)/(2n) to see fact 1 fail)."""
    c = B / n  # bounded difference for a loss with range B
    mcdiarmid = sp.exp(-2 * confidence**2 / (n * c**2))
    two_sided = sp.exp(-2 * (2 * confidence) ** 2 / (n * (2 * B / n) ** 2))
    rich = (sp.Max(1, 0) + sp.Max(-1, 0)) / sp.Integer(2) - sp.Rational(1, 2)
    abs_sums = []
    for k in range(1, 9):
        enum = sp.Rational(sum(abs(sum(s)) for s in itertools.product((-1, 1), repeat=k)), 2**k)
        closed = sp.Integer(k) * sp.binomial(k - 1, (k - 1) // 2) / sp.Integer(2) ** (k - 1)
        abs_sums.append(enum - closed)
    y, u = sp.symbols("y t", real=True)
    zeta = sp.log(1 + sp.exp(u)) - y * u
    sig = 1 / (1 + sp.exp(-u))
    facts = [
        ("McDiarmid, range B: exp(-2 t^2 / (n (B/n)^2)) = delta at t = B sqrt(log(1/delta)/(2n))",
         *is_zero(sp.log(mcdiarmid) - sp.log(delta))),
        ("range 2B (|zeta| <= B): the same delta needs t = 2 B sqrt(log(1/delta)/(2n))",
         *is_zero(sp.log(two_sided) - sp.log(delta))),
        ("rich class: E_xi max_{v in [0,1]} xi v = 1/2 (Rad = k/(2n))", *is_zero(rich)),
        ("E|sum_{i<=k} xi_i| = k C(k-1, floor((k-1)/2)) / 2^(k-1), k = 1..8 (all sign patterns)",
         *is_zero(sum(a**2 for a in abs_sums))),
        ("d/dt [log(1 + e^t) - y t] = sigma(t) - y (L = 1 for y in {0, 1})", *is_zero(sp.diff(zeta, u) - (sig - y))),
        ("zeta_1(t) = zeta_0(-t): 0 <= zeta_y <= log(1 + e^Theta) on |t| <= Theta",
         *is_zero(zeta.subs(y, 1) - zeta.subs(y, 0).subs(u, -u))),
        ("log(1 + e^Theta) - log(1 + e^-Theta) = Theta: the loss's range on |t| <= Theta (B = Theta)",
         *is_zero(sp.expand_log(zeta.subs(y, 0) - zeta.subs(y, 0).subs(u, -u) - u, force=True))),
    ]
    latex = (
        r"\begin{aligned}"
        r"&P\Big(\sup_\phi\big[\mathbb E\zeta\circ\phi - \hat{\mathbb E}_S\zeta\circ\phi\big] > "
        r"\mathbb E\sup + t\Big)\le e^{-2nt^2/B^2}\ \Rightarrow\ t = " + sp.latex(confidence) + r"\\"
        r"&\mathbb E\sup\le 2\,\mathbb E_S\mathrm{Rad}(\zeta\circ\Phi, S)\le 2L\,\mathbb E_S\mathrm{Rad}(\Phi, S)\\"
        r"&\text{printed: } \mathbb E\zeta\le\hat{\mathbb E}_S\zeta + 2L\,\mathrm{Rad}(\Phi, S) + B\sqrt{\log(1/\delta)/(2n)}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
