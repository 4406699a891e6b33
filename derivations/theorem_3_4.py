r"""Theorem 3.4 (Appendix A.3.2): the Rademacher complexity of the Mixup class :math:`\mathcal W_\gamma`.

Checked symbolically, step by step (2 x 2 symbolic matrices suffice: every identity is polynomial in the
entries and coordinate-free):

1. The supremum of :math:`\theta^\top u` over the ellipsoid :math:`\theta^\top M\theta\le\gamma` (M positive
   definite) is attained at :math:`\theta^* = \sqrt\gamma M^{-1}u/\sqrt{u^\top M^{-1}u}` (Lagrange:
   :math:`u = 2\mu M\theta^*`), which lies on the boundary and gives :math:`\sqrt{\gamma\,u^\top M^{-1}u}`;
   no feasible :math:`\theta` does better, by the Lagrange identity
   :math:`(\theta^\top M\theta)(u^\top M^{-1}u) - (\theta^\top u)^2 = \det M\,\det[\theta, M^{-1}u]^2\ge0`.
2. Singular M: for :math:`M=\lambda e_1e_1^\top` and :math:`u_2\ne0`, :math:`\theta=(0,t)` is feasible for
   every t and :math:`\theta^\top u = tu_2`: the supremum is :math:`+\infty` unless u lies in range(M).
3. :math:`\theta^\top x = v^\top\tilde x` for :math:`v = \Sigma^{1/2}\theta`,
   :math:`\tilde x = \Sigma^{\dagger/2}x` and x in range(:math:`\Sigma`) (rank-1 :math:`\Sigma = aa^\top`).
4. The relaxation: :math:`a(\theta)^2\ge\rho\min\{1,s\}` and :math:`a(\theta)s\le\gamma`
   (:math:`s=\theta^\top\Sigma_X\theta`) give :math:`s\le\gamma/\sqrt\rho` when :math:`s\ge1` and
   :math:`s\le(\gamma^2/\rho)^{1/3}` when :math:`s<1`; A.3.2's :math:`\max\{(\gamma/\rho)^{1/2},\gamma/\rho\}`
   exceeds both for :math:`\rho\le1/2` (it is what :math:`a\ge\rho\min\{1,s\}`, without the square,
   gives). Its square root is :math:`\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}`.
5. :math:`\sup_{\|v\|\le R}v^\top w = R\|w\|` (at :math:`v = Rw/\|w\|`): A.3.2's ":math:`\le`" is "=".
6. :math:`\mathbb E_\xi\|\sum_i\xi_i\tilde x_i\|^2 = \sum_i\tilde x_i^\top\tilde x_i` (n = 3, all 8 signs).
7. :math:`\mathbb E\,\tilde x^\top\tilde x = \mathrm{tr}(\Sigma^\dagger\Sigma) = \mathrm{rank}\,\Sigma` (ranks 1, 2).
8. The last line: :math:`\frac1n R\sqrt{n\,\mathrm{rank}} = R\sqrt{\mathrm{rank}/n}`; A.3.2 prints
   :math:`\frac1{\sqrt n}R\cdot\mathrm{rank}`, which differs by the factor :math:`\sqrt{\mathrm{rank}}`.
9. The smallest room the relaxation can leave (the hardest instance; at n = 1 on a whitened law of constant norm every
   other step is an equality). By step 4 the class's s never exceeds :math:`(\gamma^2/\rho)^{1/3}` (s < 1) or
   :math:`\gamma/\sqrt\rho` (s >= 1); A.3.2's radius over these is :math:`(\gamma\rho)^{-1/6}` when
   :math:`\gamma\le\rho` (at least :math:`\rho^{-1/3}\ge2^{1/3}` in s), :math:`\gamma^{1/3}\rho^{-2/3}\ge2^{1/3}` when
   :math:`\rho<\gamma<\sqrt\rho` and :math:`\rho^{-1/2}\ge\sqrt2` when s >= 1: at least :math:`2^{1/6}` in the radius.
   It is attained by the squared loss scaled to :math:`A'' = c = 2^{-2/3}` on :math:`\Theta = \{s\le2^{-1/3}\}`
   (rho = 1/2 retentive there), gamma = 1/2: the class is :math:`\Theta`, A.3.2's radius is 1. With rho-retentiveness
   for every v (as printed) the class may reach s >= 1 and the room is at least :math:`2^{1/4}`, attained at
   :math:`c = 2^{-1/2}`, gamma = 1/2 (:data:`SLACK_THETA`, :data:`SLACK_PRINTED`).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero

HALF = sp.Rational(1, 2)
#: The smallest room (bound radius / class radius) of A.3.2's relaxation: rho-retentive on Theta, and for every v.
SLACK_THETA = sp.Integer(2) ** sp.Rational(1, 6)
SLACK_PRINTED = sp.Integer(2) ** sp.Rational(1, 4)


def _room(c, gamma, s_theta):
    """bound radius / radius of W_gamma cap Theta for A'' = c, Theta = {s <= s_theta}, rho = min{1/2, c^2/min{1, s_theta}}
    (symbolic; s_theta = oo for every v)."""
    rho = sp.Min(HALF, c**2 / sp.Min(1, s_theta))
    g = gamma / rho
    return sp.sqrt(sp.Max(sp.sqrt(g), g) / sp.Min(gamma / c, s_theta))


def derive(support_power=HALF, rank_power=HALF) -> Derivation:
    r"""``support_power``: the power of :math:`\gamma` in the closed-form supremum (plant 1 for
    :math:`\gamma\sqrt{u^\top M^{-1}u}`); ``rank_power``: the power of rank in the last line (plant 1,
    the printed final line)."""
    a, c, gam, lam, t, rho = sp.symbols("a c gamma lambda t rho", positive=True)
    b = sp.Symbol("b", real=True)
    u1, u2, th1, th2, x1, x2, y1, y2, z1, z2 = sp.symbols("u1 u2 theta1 theta2 x1 x2 y1 y2 z1 z2", real=True)
    M = sp.Matrix([[a, b], [b, c]])  # positive definite when a > 0 and ac - b^2 > 0
    u, th = sp.Matrix([u1, u2]), sp.Matrix([th1, th2])
    Minv_u = M.inv() * u
    q = (u.T * Minv_u)[0]
    theta_star = sp.sqrt(gam) * Minv_u / sp.sqrt(q)
    closed = gam**support_power * sp.sqrt(q)
    mu = sp.sqrt(q) / (2 * sp.sqrt(gam))
    lagrange = (th.T * M * th)[0] * q - (th.T * u)[0] ** 2 - M.det() * sp.Matrix.hstack(th, Minv_u).det() ** 2

    # singular M = lambda e1 e1^T: theta = (0, t) is feasible and theta^T u = t u2
    Ms = sp.Matrix([[lam, 0], [0, 0]])
    ray = sp.Matrix([0, t])

    # whitening with a rank-1 Sigma = p p^T (p = (a, b)), x = z p in its range
    pvec = sp.Matrix([a, b])
    norm2 = (pvec.T * pvec)[0]
    Sig = pvec * pvec.T
    Sig_half = pvec * pvec.T / sp.sqrt(norm2)  # Sigma^{1/2}
    Sig_pinv_half = pvec * pvec.T / norm2 ** sp.Rational(3, 2)  # Sigma^{dagger/2}
    xin = z1 * pvec
    whiten = (th.T * xin)[0] - ((Sig_half * th).T * (Sig_pinv_half * xin))[0]
    Sig_pinv = Sig / norm2**2

    # relaxation: boundary of a s = gamma with a = sqrt(rho s) (s < 1) and a = sqrt(rho) (s >= 1)
    s_small = (gam**2 / rho) ** sp.Rational(1, 3)
    s_large = gam / sp.sqrt(rho)

    # E_xi ||sum xi_i x_i||^2 over the 8 sign vectors, n = 3, p = 2
    pts = [sp.Matrix([x1, x2]), sp.Matrix([y1, y2]), sp.Matrix([z1, z2])]
    signs = [(s1, s2, s3) for s1 in (1, -1) for s2 in (1, -1) for s3 in (1, -1)]
    e_sq = sum(((s[0] * pts[0] + s[1] * pts[1] + s[2] * pts[2]).T * (s[0] * pts[0] + s[1] * pts[1] + s[2] * pts[2]))[0]
               for s in signs) / 8
    w = sp.Matrix([x1, x2])
    R, n, r = sp.symbols("R n r", positive=True)

    facts = [
        ("theta* is on the boundary: theta*^T M theta* = gamma", *is_zero((theta_star.T * M * theta_star)[0] - gam)),
        ("theta*^T u = gamma^(1/2) sqrt(u^T M^-1 u) (the closed form)", *is_zero((theta_star.T * u)[0] - closed)),
        ("Lagrange stationarity: u = 2 mu M theta*, mu = sqrt(u^T M^-1 u) / (2 sqrt(gamma))",
         *is_zero((u - 2 * mu * M * theta_star).norm())),
        ("Lagrange identity: (th^T M th)(u^T M^-1 u) - (th^T u)^2 = det M det[th, M^-1 u]^2 (>= 0)",
         *is_zero(sp.factor(lagrange))),
        ("singular M = lambda e1 e1^T: theta = (0, t) has theta^T M theta = 0 for all t", *is_zero((ray.T * Ms * ray)[0])),
        ("... and theta^T u = t u2, unbounded in t when u2 != 0", *is_zero((ray.T * u)[0] - t * u2)),
        ("theta^T x = v^T x~ with v = Sigma^(1/2) theta, x~ = Sigma^(+/2) x, x in range(Sigma)", *is_zero(whiten)),
        ("tr(Sigma^+ Sigma) = 1 = rank for rank-1 Sigma", *is_zero((Sig_pinv * Sig).trace() - 1)),
        ("tr(M^-1 M) = 2 = rank for invertible 2x2 M", *is_zero((M.inv() * M).trace() - 2)),
        ("s < 1 boundary: a = sqrt(rho s), a s = gamma at s = (gamma^2/rho)^(1/3)",
         *is_zero(sp.sqrt(rho * s_small) * s_small - gam)),
        ("s >= 1 boundary: a = sqrt(rho), a s = gamma at s = gamma / sqrt(rho)", *is_zero(sp.sqrt(rho) * s_large - gam)),
        ("(gamma/rho)^(1/2) / (gamma^2/rho)^(1/3) = (gamma rho)^(-1/6) (>= 1 unless gamma rho > 1)",
         *is_zero(sp.sqrt(gam / rho) / s_small - (gam * rho) ** sp.Rational(-1, 6))),
        ("(gamma/rho) / (gamma/sqrt(rho)) = rho^(-1/2) (>= 1 for rho <= 1)", *is_zero((gam / rho) / s_large - rho**-HALF)),
        ("A.3.2's radius is what a >= rho min{1, s} (no square) gives: rho s^2 = gamma at s = (gamma/rho)^(1/2)",
         *is_zero(rho * sp.sqrt(gam / rho) ** 2 - gam)),
        ("... and rho s = gamma at s = gamma/rho", *is_zero(rho * (gam / rho) - gam)),
        ("sqrt of (gamma/rho)^(1/2) = (gamma/rho)^(1/4)",
         *is_zero(sp.sqrt(sp.sqrt(gam / rho)) - (gam / rho) ** sp.Rational(1, 4))),
        ("sup_{|v| <= R} v^T w = R |w| at v = R w / |w|", *is_zero(((R * w / w.norm()).T * w)[0] - R * w.norm())),
        ("E_xi ||sum xi_i x_i||^2 = sum ||x_i||^2 (n = 3)",
         *is_zero(sp.expand(e_sq - sum(((p.T * p)[0] for p in pts), 0)))),
        ("last line: (1/n) R sqrt(n rank) = R rank^(1/2) / sqrt(n) (theorem's rate)",
         *is_zero(R * sp.sqrt(n * r) / n - R * r**rank_power / sp.sqrt(n))),
        ("(gamma rho)^(-1/6) = rho^(-1/3) (gamma/rho)^(-1/6): >= rho^(-1/3) >= 2^(1/3) for gamma <= rho <= 1/2",
         *is_zero((gam * rho) ** sp.Rational(-1, 6) * rho ** sp.Rational(1, 3) - (gam / rho) ** sp.Rational(-1, 6))),
        ("rho < gamma: A.3.2's gamma/rho over (gamma^2/rho)^(1/3) = gamma^(1/3) rho^(-2/3) (>= rho^(-1/3))",
         *is_zero(sp.powsimp((gam / rho) / s_small, force=True) - gam ** sp.Rational(1, 3) * rho ** sp.Rational(-2, 3))),
        ("rho-retentive on Theta = {s <= 2^(-1/3)}, A'' = 2^(-2/3), gamma = 1/2: room = 2^(1/6)",
         *is_zero(_room(sp.Integer(2) ** sp.Rational(-2, 3), HALF, sp.Integer(2) ** sp.Rational(-1, 3)) - SLACK_THETA)),
        ("rho-retentive for every v, A'' = 2^(-1/2), gamma = 1/2: room = 2^(1/4)",
         *is_zero(_room(sp.Integer(2) ** -HALF, HALF, sp.oo) - SLACK_PRINTED)),
    ]
    latex = (
        r"\begin{aligned}"
        r"\sup_{\theta^\top M\theta\le\gamma}\theta^\top u &= \theta^{*\top}u = \sqrt{\gamma\,u^\top M^{+}u}"
        r"\ (u\in\mathrm{range}\,M),\ +\infty\ \text{otherwise}\\"
        r"a(\theta)^2\ge\rho\min\{1,s\},\ a(\theta)s\le\gamma &\Rightarrow s\le\max\{(\gamma^2/\rho)^{1/3},"
        r"\gamma/\sqrt\rho\}\le\max\{(\gamma/\rho)^{1/2},\gamma/\rho\}\quad(\rho\le1/2)\\"
        r"\mathrm{Rad}(\mathcal W_\gamma,S) &\le \frac{R}{n}\,\mathbb E_\xi\Big\|\sum_i\xi_i\tilde x_i\Big\|"
        r"\le\frac Rn\sqrt{\sum_i\tilde x_i^\top\tilde x_i},\quad R=\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\\"
        r"\mathbb E_S\,\mathrm{Rad}(\mathcal W_\gamma,S) &\le \frac Rn\sqrt{n\,\mathrm{rank}(\Sigma_X)}"
        r" = R\sqrt{\mathrm{rank}(\Sigma_X)/n}\ \ne\ \frac{R}{\sqrt n}\,\mathrm{rank}(\Sigma_X)\ \text{(printed)}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
