r"""Theorem A.1 (Appendix A.3.3): the pieces of the Rademacher bound for :math:`\mathcal W^{NN}_\gamma`, W fixed.

With :math:`h_i = \sigma(Wx_i)`, :math:`\Sigma = \Sigma^\sigma_X = \frac{n-1}{n}\mathrm{Cov}(h)`, :math:`\mu = \mathbb E h`:

1. :math:`\sup\{\theta^\top v: \theta^\top\Sigma\theta\le\gamma\} = \sqrt{\gamma\,v^\top\Sigma^{-1}v}`, attained at the
   feasible :math:`\theta^* = \sqrt\gamma\,\Sigma^{-1}v/\sqrt{v^\top\Sigma^{-1}v}` (symbolic 2 x 2 SPD :math:`\Sigma`).
2. :math:`\mathbb E_\xi\|\sum_i\xi_ia_i\|^2 = \sum_i\|a_i\|^2` (n = 3, all sign patterns): Jensen then gives
   :math:`\mathbb E_\xi\|\Sigma^{\dagger/2}\sum_i\xi_ih_i\|\le\sqrt{\sum_ih_i^\top\Sigma^\dagger h_i}`.
3. :math:`\mathbb E[h^\top Ah] = \mathrm{tr}(A\,\mathrm{Cov}) + \mu^\top A\mu` (a 3-point law in the plane); with
   :math:`A = \Sigma^\dagger` and :math:`\mathrm{Cov} = \frac n{n-1}\Sigma` (diagonal of rank 2 in 3-d):
   :math:`\mathbb E[h^\top\Sigma^\dagger h] = \frac n{n-1}\mathrm{rank} + \|\Sigma^{\dagger/2}\mu\|^2`, whence
   :math:`\mathbb E_S\mathrm{Rad}\le\sqrt{\gamma(\frac n{n-1}\mathrm{rank} + \|\Sigma^{\dagger/2}\mu\|^2)/n}`.
4. That is at most the printed :math:`2\sqrt{\gamma(\mathrm{rank} + \|\cdot\|^2)/n}`:
   :math:`4(r + m) - (\frac n{n-1}r + m) = \frac{3n-4}{n-1}r + 3m\ge0` for n >= 2 (the factor 2 is slack).
5. One feature :math:`h\in\{0, 1\}`: :math:`\sup_{\theta^2\Sigma\le\gamma}\theta\sum_i\xi_ih_i = \sqrt{\gamma/\Sigma}\,
   |\sum_i\xi_ih_i|` (the exact counterexample for a single sample S).
"""


import sympy as sp

from mixverify.claim import Derivation

from ._rademacher import ellipsoid_sup, quadratic_form_mean, rademacher_moments
from .lemma_3_4 import rational_zero


def derive(factor=2) -> Derivation:
    """``factor``: the constant in front of Theorem A.1's square root (plant 1/2 to see fact 5 fail)."""
    sup = ellipsoid_sup()
    gamma = sup["gamma"]
    e_sq = rademacher_moments(3)["second"]
    quad = quadratic_form_mean()

    n, c1, c2, r, m = sp.symbols("n c1 c2 r m", positive=True)
    Sig = sp.diag(c1, c2, 0)
    Cov = n / (n - 1) * Sig
    trace = (Sig.pinv() * Cov).trace() - n / (n - 1) * 2
    slack = factor**2 * (r + m) - (n / (n - 1) * r + m) - ((3 * n - 4) / (n - 1) * r + 3 * m)

    t, sig, u = sp.symbols("t Sigma u", positive=True)
    one_d = sp.sqrt(gamma / sig) * u - sp.sqrt(gamma * u**2 / sig)  # sup over theta^2 Sigma <= gamma of theta u, u >= 0
    facts = [
        ("theta* is feasible: theta*^T Sigma theta* = gamma", *rational_zero(sup["feasible"])),
        ("theta*^T v = sqrt(gamma v^T Sigma^-1 v)", *rational_zero(sup["attained"])),
        ("E_xi ||sum xi_i a_i||^2 = sum ||a_i||^2 (n = 3)", *rational_zero(e_sq)),
        ("E[h^T A h] = tr(A Cov) + mu^T A mu", *rational_zero(quad)),
        ("tr(Sigma^+ Cov) = n/(n-1) rank for Sigma = (n-1)/n Cov (rank 2 in 3-d)", *rational_zero(sp.simplify(trace))),
        ("factor^2 (r + m) - (n/(n-1) r + m) = (3n-4)/(n-1) r + 3m >= 0: the printed factor 2 covers Jensen's bound",
         *rational_zero(sp.simplify(slack))),
        ("one feature: sup_{theta^2 Sigma <= gamma} theta u = sqrt(gamma/Sigma) |u|", *rational_zero(sp.simplify(one_d))),
    ]
    latex = (
        r"\begin{aligned}"
        r"\mathrm{Rad}(S) &= \frac1n\,\mathbb E_\xi\sup_{\theta_1^\top\Sigma\theta_1\le\gamma}\theta_1^\top\sum_i\xi_ih_i"
        r" = \frac{\sqrt\gamma}n\,\mathbb E_\xi\Big\|\Sigma^{\dagger/2}\sum_i\xi_ih_i\Big\|"
        r"\quad(\theta_1\in\mathrm{range}\,\Sigma)\\"
        r"\mathbb E_S\mathrm{Rad}(S) &\le\frac{\sqrt\gamma}n\sqrt{n\,\mathbb E[h^\top\Sigma^\dagger h]}"
        r" = \sqrt{\frac{\gamma(\frac n{n-1}\mathrm{rank}(\Sigma) + \|\Sigma^{\dagger/2}\mu\|^2)}n}"
        rf"\le {sp.latex(factor)}\sqrt{{\frac{{\gamma(\mathrm{{rank}}(\Sigma) + \|\Sigma^{{\dagger/2}}\mu\|^2)}}n}}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
