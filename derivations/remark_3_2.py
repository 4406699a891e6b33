r"""Remark 3.2: what A.3.2's technique gives for the ridge class :math:`\{\theta^\top x:\|\theta\|^2\le\gamma\}`.

1. :math:`\sup_{\|\theta\|^2\le\gamma}\theta^\top u = \sqrt\gamma\|u\|` (at :math:`\theta = \sqrt\gamma u/\|u\|`;
   no feasible point does better, by the Lagrange identity in the plane).
2. :math:`\mathbb E_\xi\|\sum_i\xi_ix_i\|^2 = \sum_i\|x_i\|^2 = n\,\mathrm{tr}\hat\Sigma` with the *uncentred*
   :math:`\hat\Sigma = \frac1n\sum_ix_ix_i^\top`; the centred covariance misses :math:`n\|\bar x\|^2`
   (n = 3 points in the plane, all 8 sign vectors).
3. Hence (Jensen) :math:`\mathrm{Rad}\le\frac{\sqrt\gamma}{n}\sqrt{n\,\mathrm{tr}\hat\Sigma} =
   \sqrt{\gamma\,\mathrm{tr}\hat\Sigma/n}` and :math:`\mathbb E_S\mathrm{Rad}\le\sqrt{\gamma\,\mathrm{tr}\Sigma_X/n}`:
   no :math:`\rho` (the ridge class has no :math:`A''`), and the data's scale enters:
   :math:`\sqrt{\gamma\,\mathrm{tr}(c^2\Sigma)/n} = c\sqrt{\gamma\,\mathrm{tr}\Sigma/n}`, while the Remark's
   :math:`\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}` does not depend on c.
4. :math:`\mathrm{tr}\,\Sigma_X` is the rank r for an isometric embedding :math:`x = Qz`
   (:math:`Q^\top Q = I_r`, :math:`\mathbb E zz^\top = I_r`) and p when every coordinate of x has unit second
   moment: the ridge class then scales as :math:`\sqrt{r/n}` or :math:`\sqrt{p/n}` respectively.
5. At :math:`\rho = 1/2`, :math:`(\gamma/\rho)^{1/2} = \sqrt{2\gamma}`: the Remark's constant is at least
   :math:`\sqrt{2\gamma}>\sqrt\gamma` for :math:`\rho\le1/2`; below :math:`\gamma = \rho` its ratio to
   :math:`\sqrt\gamma` is :math:`\gamma^{-1/4}\rho^{-1/4}\ge\sqrt2`: the smallest room is :math:`\sqrt2`, at
   :math:`\rho = 1/2`, :math:`\gamma\ge1/2` (the hardest instance: data of constant norm at n = 1).
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero

HALF = sp.Rational(1, 2)


def derive(support_power=HALF, centred: bool = False) -> Derivation:
    r"""``support_power``: the power of :math:`\gamma` in the ball's supremum (plant 1);
    ``centred``: use the centred covariance in step 2 (plant True)."""
    gam, c, rho = sp.symbols("gamma c rho", positive=True)
    u1, u2, t1, t2, x1, x2, y1, y2, z1, z2, phi, psi = sp.symbols("u1 u2 theta1 theta2 x1 x2 y1 y2 z1 z2 phi psi",
                                                                   real=True)
    u, th = sp.Matrix([u1, u2]), sp.Matrix([t1, t2])
    unorm = sp.sqrt(u1**2 + u2**2)
    theta_star = sp.sqrt(gam) * u / unorm
    lagrange = (th.T * th)[0] * (u.T * u)[0] - (th.T * u)[0] ** 2 - sp.Matrix.hstack(th, u).det() ** 2

    pts = [sp.Matrix([x1, x2]), sp.Matrix([y1, y2]), sp.Matrix([z1, z2])]
    n = len(pts)
    signs = [(a, b, d) for a in (1, -1) for b in (1, -1) for d in (1, -1)]
    e_sq = sum(((s[0] * pts[0] + s[1] * pts[1] + s[2] * pts[2]).T * (s[0] * pts[0] + s[1] * pts[1] + s[2] * pts[2]))[0]
               for s in signs) / 8
    mean = (pts[0] + pts[1] + pts[2]) / n
    uncentred = sum((p * p.T for p in pts), sp.zeros(2, 2)) / n
    centred_cov = sum(((p - mean) * (p - mean).T for p in pts), sp.zeros(2, 2)) / n
    moment = centred_cov if centred else uncentred

    nn, tr = sp.symbols("n tr", positive=True)
    Q = sp.Matrix([sp.cos(phi), sp.sin(phi)])  # isometric embedding of r = 1 into the plane
    B = sp.Matrix([[1, 0], [sp.cos(phi), sp.sin(phi)], [sp.cos(psi), sp.sin(psi)]])  # r = 2 in R^3, unit-norm rows

    facts = [
        ("theta* = sqrt(gamma) u/|u| is feasible: |theta*|^2 = gamma", *is_zero((theta_star.T * theta_star)[0] - gam)),
        ("theta*^T u = gamma^(1/2) |u| (the closed form)", *is_zero((theta_star.T * u)[0] - gam**support_power * unorm)),
        ("Lagrange identity: |th|^2 |u|^2 - (th^T u)^2 = det[th, u]^2 (>= 0)", *is_zero(sp.expand(lagrange))),
        ("E_xi ||sum xi_i x_i||^2 = n tr(Sigma_hat), Sigma_hat = (1/n) sum x_i x_i^T (uncentred)",
         *is_zero(sp.expand(e_sq - n * moment.trace()))),
        ("the centred covariance misses n |x_bar|^2: n tr(uncentred) - n tr(centred) = n |x_bar|^2",
         *is_zero(sp.expand(n * uncentred.trace() - n * centred_cov.trace() - n * (mean.T * mean)[0]))),
        ("technique: (sqrt(gamma)/n) sqrt(n tr) = sqrt(gamma tr / n)",
         *is_zero(sp.sqrt(gam) / nn * sp.sqrt(nn * tr) - sp.sqrt(gam * tr / nn))),
        ("data scaled by c: sqrt(gamma tr(c^2 Sigma)/n) = c sqrt(gamma tr(Sigma)/n)",
         *is_zero(sp.sqrt(gam * c**2 * tr / nn) - c * sp.sqrt(gam * tr / nn))),
        ("isometric embedding (r = 1 in R^2): tr(Q Q^T) = r = 1", *is_zero((Q * Q.T).trace() - 1)),
        ("unit-second-moment coordinates (x = Bz, r = 2, p = 3, rows of B of unit norm): tr(B B^T) = p = 3",
         *is_zero((B * B.T).trace() - 3)),
        ("at rho = 1/2: (gamma/rho)^(1/2) = sqrt(2 gamma)", *is_zero(sp.sqrt(gam / rho).subs(rho, HALF) - sp.sqrt(2 * gam))),
        ("gamma < rho: (gamma/rho)^(1/4) / sqrt(gamma) = (gamma rho)^(-1/4) (>= sqrt(2) for gamma < rho <= 1/2)",
         *is_zero((gam / rho) ** sp.Rational(1, 4) / sp.sqrt(gam) - (gam * rho) ** sp.Rational(-1, 4))),
    ]
    latex = (
        r"\begin{aligned}"
        r"\mathrm{Rad}(\mathcal W^{ridge}_\gamma,S) &= \frac{\sqrt\gamma}{n}\,\mathbb E_\xi\Big\|\sum_i\xi_ix_i\Big\|"
        r"\le\frac{\sqrt\gamma}{n}\sqrt{\sum_i\|x_i\|^2} = \sqrt{\frac{\gamma\,\mathrm{tr}\hat\Sigma}{n}},\quad"
        r"\hat\Sigma = \frac1n\sum_ix_ix_i^\top\\"
        r"\mathbb E_S\,\mathrm{Rad}(\mathcal W^{ridge}_\gamma,S) &\le \sqrt{\gamma\,\mathrm{tr}\,\Sigma_X/n}"
        r" = \begin{cases}\sqrt{\gamma r/n} & x = Qz,\ Q^\top Q = I_r\\ \sqrt{\gamma p/n} & \mathbb E x_j^2 = 1\end{cases}"
        r"\quad\text{vs. Remark 3.2: }\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
