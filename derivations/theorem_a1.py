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

W free, one hidden unit (the decisive reading):

6. The class is invariant under :math:`w\to cw`, c > 0: :math:`\sigma(cw^\top x) = c\,\sigma(w^\top x)` and
   :math:`\Sigma(cw) = c^2\Sigma(w)`, so :math:`\sqrt{\gamma/(c^2\Sigma)}\,c|u| = \sqrt{\gamma/\Sigma}\,|u|`; both sides
   of Theorem A.1 scale as :math:`\sqrt\gamma`.
7. The arc-cosine kernel: for x rotation-invariant with :math:`\mathbb E[xx^\top] = I`, the projection on the plane of
   two unit rows at angle t has :math:`\mathbb E r^2 = 2` and a uniform angle, and
   :math:`\frac1{2\pi}\int_{t-\pi/2}^{\pi/2}\cos\phi\cos(\phi - t)\,d\phi = \frac{\sin t + (\pi - t)\cos t}{4\pi}`
   (t in [0, pi], by the antiderivative :math:`\frac\phi2\cos t + \frac14\sin(2\phi - t)`), whence
   :math:`\mathbb E[\sigma(a^\top x)\sigma(b^\top x)] = \|a\|\|b\|(\sin t + (\pi - t)\cos t)/(2\pi)`.
8. On the sphere of radius :math:`\sqrt p`, a coordinate is :math:`\sqrt p\,u` with density
   :math:`\propto(1 - u^2)^{(p-3)/2}` on [-1, 1], and :math:`\mathbb E|u| = \Gamma(p/2)/(\sqrt\pi\,\Gamma((p+1)/2))`
   (p = 2, ..., 5), so :math:`\mu_\sigma = \|w\|\,\mathbb E|x_1|/2` (mixverify.manifold.abs_coordinate_mean).
"""


import sympy as sp

from mixverify.claim import Derivation

from ._rademacher import ellipsoid_sup, quadratic_form_mean, rademacher_moments
from .lemma_3_4 import rational_zero


def sphere_abs_mean(p: int):
    """E|u_1| for u uniform on the unit sphere of R^p, from the density of one coordinate, (1 - u^2)^((p-3)/2)."""
    u = sp.Symbol("u", real=True)
    dens = (1 - u**2) ** sp.Rational(p - 3, 2)
    return 2 * sp.integrate(u * dens, (u, 0, 1)) / sp.integrate(dens, (u, -1, 1))


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
    c = sp.Symbol("c", positive=True)
    scale = sp.sqrt(gamma / (c**2 * sig)) * c * u - sp.sqrt(gamma / sig) * u
    phi, ang = sp.symbols("phi t", real=True)
    anti = phi / 2 * sp.cos(ang) + sp.sin(2 * phi - ang) / 4  # an antiderivative of cos(phi) cos(phi - t)
    kernel = ((anti.subs(phi, sp.pi / 2) - anti.subs(phi, ang - sp.pi / 2)) / (2 * sp.pi)
              - (sp.sin(ang) + (sp.pi - ang) * sp.cos(ang)) / (4 * sp.pi))
    facts = [
        ("theta* is feasible: theta*^T Sigma theta* = gamma", *rational_zero(sup["feasible"])),
        ("theta*^T v = sqrt(gamma v^T Sigma^-1 v)", *rational_zero(sup["attained"])),
        ("E_xi ||sum xi_i a_i||^2 = sum ||a_i||^2 (n = 3)", *rational_zero(e_sq)),
        ("E[h^T A h] = tr(A Cov) + mu^T A mu", *rational_zero(quad)),
        ("tr(Sigma^+ Cov) = n/(n-1) rank for Sigma = (n-1)/n Cov (rank 2 in 3-d)", *rational_zero(sp.simplify(trace))),
        ("factor^2 (r + m) - (n/(n-1) r + m) = (3n-4)/(n-1) r + 3m >= 0: the printed factor 2 covers Jensen's bound",
         *rational_zero(sp.simplify(slack))),
        ("one feature: sup_{theta^2 Sigma <= gamma} theta u = sqrt(gamma/Sigma) |u|", *rational_zero(sp.simplify(one_d))),
        ("W free, one unit: invariant under w -> c w (c > 0): sqrt(gamma/(c^2 Sigma)) c u = sqrt(gamma/Sigma) u",
         *rational_zero(sp.simplify(scale))),
        ("arc-cosine kernel: d/dphi [phi cos(t)/2 + sin(2 phi - t)/4] = cos(phi) cos(phi - t)",
         *rational_zero(sp.simplify(sp.expand_trig(sp.diff(anti, phi) - sp.cos(phi) * sp.cos(phi - ang))))),
        ("arc-cosine kernel: (1/2pi) int_{t-pi/2}^{pi/2} cos(phi) cos(phi - t) dphi = (sin t + (pi - t) cos t)/(4 pi)",
         *rational_zero(sp.simplify(kernel))),
        ("sphere of radius sqrt(p): E|u_1| = Gamma(p/2)/(sqrt(pi) Gamma((p+1)/2)), p = 2..5",
         *rational_zero(sum(sp.simplify(sphere_abs_mean(p) - sp.gamma(sp.Rational(p, 2))
                                        / (sp.sqrt(sp.pi) * sp.gamma(sp.Rational(p + 1, 2)))) ** 2 for p in range(2, 6)))),
    ]
    latex = (
        r"\begin{aligned}"
        r"\mathrm{Rad}(S) &= \frac1n\,\mathbb E_\xi\sup_{\theta_1^\top\Sigma\theta_1\le\gamma}\theta_1^\top\sum_i\xi_ih_i"
        r" = \frac{\sqrt\gamma}n\,\mathbb E_\xi\Big\|\Sigma^{\dagger/2}\sum_i\xi_ih_i\Big\|"
        r"\quad(\theta_1\in\mathrm{range}\,\Sigma)\\"
        r"\mathbb E_S\mathrm{Rad}(S) &\le\frac{\sqrt\gamma}n\sqrt{n\,\mathbb E[h^\top\Sigma^\dagger h]}"
        r" = \sqrt{\frac{\gamma(\frac n{n-1}\mathrm{rank}(\Sigma) + \|\Sigma^{\dagger/2}\mu\|^2)}n}"
        rf"\le {sp.latex(factor)}\sqrt{{\frac{{\gamma(\mathrm{{rank}}(\Sigma) + \|\Sigma^{{\dagger/2}}\mu\|^2)}}n}}"
        r"\quad(W\text{ fixed})\\"
        r"\text{W free, one unit: }\mathrm{Rad}(S) &= \frac{\sqrt{\gamma/\Sigma_1}}n\,\mathbb E_\xi\max_{\|w\|=1}"
        r"\Big|\sum_i\xi_i\sigma(w^\top x_i)\Big|,\quad \Sigma_1 = \tfrac{n-1}n\big(\tfrac12 - \tfrac{(\mathbb E|x_1|)^2}4\big)"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
