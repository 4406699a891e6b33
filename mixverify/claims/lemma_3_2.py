r"""lemma-3.2: Eq. (5) is the second-order Taylor approximation of the l2 adversarial loss of
logistic regression, and PGD reaches the exact maximum it approximates.

Evidence and its roles (docs/verdicts.md):

- decisive, general: ``derivations/lemma_3_2.py`` proves that Eq. (5) is the maximum over the l2 ball of the
  second-order expansion of the loss, for all theta, x, y and eta (ids ``sympy-dl-du-g-u-y``,
  ``sympy-d2l-du2-g-u-1``, ``sympy-g-y-q-is-convex`` ... ``sympy-g-y-the-max-of-2``; ``sympy-d3l-du3-g-1-g``, the
  third derivative, only explains the order 3);
- decisive, instances: Eq. (5) is the *second-order* approximation, i.e. its remainder is :math:`O(\eta^3)`.
  The exact adversarial loss of a linear model has a closed form (``mixverify.adversarial``), so the remainder
  :math:`L^{adv}_n - \frac1n\sum_i\tilde\ell_{adv}(\eta, (x_i, y_i))` is computed exactly at
  :math:`\eta = \varepsilon\sqrt d`, :math:`\varepsilon = 2^{-1}\dots 2^{-14}`, and its order is the fitted
  log-log slope (ids ``order-theta-0.5``, ``order-theta-2``, on two logistic regressions, n = 40, d = 5): 3 for a
  correct second-order expansion, 2 for a wrong second-order term, 1 for a wrong first-order term; and Eq. (5)
  equals a brute-force maximum of the quadratic on one example (``max-quadratic``);
- power: the same order criterion rejects A.2.1's printed last line (:math:`\|\theta\|` for
  :math:`\|\theta\|^2`, ``power-theta-norm``) and a missing 1/2 (``power-missing-half``);
- implementation: PGD against the closed-form maximum (it reaches it from delta = 0, never exceeds it, stays in
  the ball);
- erratum (kind ``typo``, counterexample ``cx-theta-power``): A.2.1's last display has :math:`\|\theta\|_2`
  where Eq. (5) and the maximiser give :math:`\|\theta\|_2^2`.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import _validate
from ..adversarial import adversarial_losses, attack_radius, taylor_adversarial_loss, taylor_adversarial_parts
from ..attacks import pgd, project
from ..claim import Claim, Context, Erratum, Outcome, Scope, at_most, close, differs, holds, order, reported
from ..datasets import gaussian_data
from ..losses import eq2_loss
from ..models import linear_model
from ..numerics import EPS64, fit_resolved_order, regime, ulps

EPSILONS = tuple(2.0 ** -np.arange(1, 15))


def eq5(f, X, y, eta):
    """Eq. (5): the Taylor adversarial loss on the l2 ball of radius ``eta`` (the paper's eps sqrt(d))."""
    return taylor_adversarial_loss(f, X, y, eta, norm=2)


def remainder_curve(f, X, y, taylor=eq5):
    """(eps, exact L_adv - Taylor, round-off floor) for eps in EPSILONS, l2 radius eps*sqrt(d)."""
    rows = []
    for eps in EPSILONS:
        eta = attack_radius(eps, X.shape[1], 2)
        exact = float(adversarial_losses(f, X, y, eta, norm=2, method="exact").mean())
        rows.append((eps, exact - float(taylor(f, X, y, eta)), 64 * EPS64 * max(1.0, abs(exact))))
    return np.array(rows)



def _wrong_eq5(kind):
    """Eq. (5) with a plausible error, for a linear model: A.2.1's ||theta|| for ||theta||^2, or no 1/2."""
    def taylor(f, X, y, eta):
        second = taylor_adversarial_parts(f, X, y, norm=2)["second"].mean()  # 1/2 g(1-g) ||theta||^2, averaged
        extra = second * (1 / float(f.theta.norm()) - 1) if kind == "theta-norm" else second
        return taylor_adversarial_loss(f, X, y, eta, norm=2) + eta**2 * extra
    return taylor


def check(ctx: Context, *, taylor=eq5, projection=project) -> Outcome:
    """``taylor(f, X, y, eta)`` (Eq. 5 at l2 radius eta) and PGD's ``projection`` can be planted wrong."""
    out = Outcome()
    rng = ctx.rng(32)
    curves = {}
    for scale in (0.5, 2.0):
        X, y, theta = gaussian_data(40, 5, rng)
        _validate.binary_labels(y, "Lemma 3.2")
        f = linear_model(scale * theta / theta.norm())
        curve = remainder_curve(f, X, y, taylor)
        curves[scale] = curve
        fit = fit_resolved_order(curve)
        name = f"Taylor remainder order in eps, logistic regression, ||theta|| = {scale:g}"
        out.evidence.append(order(f"order-theta-{scale:g}", name, fit, role="decisive", detail=regime(fit)))
        if scale == 2.0:  # power: the same criterion on the plausible wrong versions (at ||theta|| = 1 A.2.1's
            # display coincides with Eq. (5), so the power is measured at ||theta|| = 2)
            for kind, label in (("theta-norm", "A.2.1's printed ||theta|| for ||theta||^2"),
                                ("missing-half", "Eq. (5) without its 1/2")):
                wrong = fit_resolved_order(remainder_curve(f, X, y, _wrong_eq5(kind)))
                out.evidence.append(order(f"power-{kind}", f"power: the order criterion rejects {label}, ||theta|| = 2",
                                          wrong, role="power", rejects=True, detail=regime(wrong)))
        eta = 0.5  # Figure 4's radius, eps sqrt(d) = 0.5
        exact = float(adversarial_losses(f, X, y, eta, norm=2, method="exact").mean())
        approx = float(taylor(f, X, y, eta))
        out.evidence.append(reported(f"relative-error-theta-{scale:g}",
                                     f"relative Taylor error at eps sqrt(d) = 0.5, ||theta|| = {scale:g}",
                                     (exact - approx) / exact, detail="(L_adv - mean l~_adv) / L_adv"))

    out.evidence += _pgd_evidence(rng, projection)
    errata, evidence = _erratum_theta_power()
    out.errata += errata
    out.evidence += evidence
    out.notes.append("Appendix A.2.1 writes the second-order expansion of l(theta, (x + delta, y)) with '=' and "
                     "'(x + delta, t)': it holds up to O(||delta||^3), with y for t.")
    out.figures["taylor-remainder"] = _plot(curves)
    return out


def _pgd_evidence(rng, projection):
    """PGD against the exact maximum on logistic regression (l2 and l-infinity)."""
    ev = []
    X, y, theta = gaussian_data(64, 6, rng)
    f = linear_model(theta)
    gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
    for norm in (2, "inf"):
        radius = attack_radius(0.2, X.shape[1], norm)
        exact = adversarial_losses(f, X, y, radius, norm=norm, method="exact")
        tol = ulps(1e3, float(exact.abs().max()), of="max |exact adversarial loss|")
        # From delta = 0 the gradient direction of a linear model is constant (+/- theta, or its sign),
        # so 20 steps of 2.5 r / 20 reach the maximiser on the boundary (or vertex) exactly.
        Xa = pgd(f, X, y, radius, norm=norm, steps=20, random_start=False, projection=projection)
        found = eq2_loss(f(Xa), y)
        ev.append(at_most(
            f"pgd-{norm}-from-zero",
            f"PGD ({norm}, from delta = 0, 20 steps) reaches the exact maximum, logistic regression",
            float((exact - found).abs().max()), 0.0, tol, role="implementation"))
        Xa = pgd(f, X, y, radius, norm=norm, steps=10, restarts=3, generator=gen, projection=projection)
        found = eq2_loss(f(Xa), y)
        excess = float((found - exact).max())
        size = (Xa - X).norm(dim=1) if norm == 2 else (Xa - X).abs().amax(dim=1)
        # the exact maximum bounds every point of the ball; the radius is checked to 1e-12 relative
        ev.append(holds(
            f"pgd-{norm}-random-starts",
            f"PGD ({norm}, random starts, 3 restarts) never exceeds the exact maximum and stays in the ball",
            excess <= tol.value and float(size.max()) <= radius * (1 + 1e-12), tol,
            value=max(excess, float(size.max()) - radius), reference=0.0, role="implementation"))
    return ev


def _erratum_theta_power():
    """Appendix A.2.1's last display has ||theta||_2 where Eq. (5) has ||theta||_2^2."""
    theta = torch.tensor([3.0, 0.0], dtype=torch.float64)
    x = torch.tensor([0.2, -0.4], dtype=torch.float64)
    y = 1.0
    eta = 0.1
    u = float(x @ theta)
    g = 1 / (1 + np.exp(-u))
    ell = float(np.log1p(np.exp(u)) - y * u)
    nrm = float(theta.norm())
    # brute-force maximum of the quadratic expansion over the l2 ball: t = theta^T delta in [-eta |theta|, eta |theta|]
    t = np.linspace(-eta * nrm, eta * nrm, 200_001)
    brute = float(np.max(ell + (g - y) * t + 0.5 * g * (1 - g) * t**2))
    eq5 = ell + eta * abs(g - y) * nrm + eta**2 / 2 * g * (1 - g) * nrm**2
    printed = ell + eta * abs(g - y) * nrm + eta**2 / 2 * g * (1 - g) * nrm
    # grid spacing h: the maximiser is an end point of the grid, so the grid max is exact up to round-off
    tol = ulps(1e3, max(1.0, abs(brute)), of="max(1, |brute-force maximum|)")
    errata = [Erratum(
        location="Appendix A.2.1 (proof of Lemma 3.2), last display",
        statement="max ... = l + eta |g - y| ||theta||_2 + eta^2/2 g(1-g) ||theta||_2",
        correction="the last factor is ||theta||_2^2, as in Eq. (5) (the maximiser gives (delta^T theta)^2 = eta^2 ||theta||^2)",
        counterexample=(f"theta = (3, 0), x = (0.2, -0.4), y = 1, eta = 0.1: the maximum of the quadratic is "
                        f"{brute:.10f} = Eq. (5) {eq5:.10f}; the printed display gives {printed:.10f}"),
        kind="typo", evidence="cx-theta-power")]
    evidence = [
        close("max-quadratic", "Eq. (5) = brute-force maximum of the quadratic expansion (theta = (3, 0), eta = 0.1)",
              eq5, brute, tol, role="decisive"),
        differs("cx-theta-power", "A.2.1's printed ||theta||_2 (not squared) misses the maximum", printed, brute, tol,
                role="implementation"),
    ]
    return errata, evidence


def _plot(curves) -> Figure:
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.add_subplot()
    for scale, curve in curves.items():
        fit = fit_resolved_order(curve)
        ax.loglog(curve[:, 0], np.abs(curve[:, 1]), "o-",
                  label=f"||theta|| = {scale:g}" + (f": slope {fit.slope:.2f}" if fit else ""))
    e = np.array(EPSILONS)
    ax.loglog(e, curves[next(iter(curves))][:, 2], "k:", lw=0.8, label="round-off floor")
    ax.loglog(e, 1e-2 * (e / e[0]) ** 3, "k-.", lw=0.8, label="eps^3 (reference)")
    ax.set_xlabel("eps (l2 radius eps sqrt(d))")
    ax.set_ylabel("|L_adv (exact) - mean l~_adv (Eq. 5)|")
    ax.set_title("Lemma 3.2: Taylor remainder of the adversarial loss")
    ax.legend(fontsize=8, loc="lower right")
    return fig


CLAIM = Claim(
    id="lemma-3.2",
    paper_ref="Lemma 3.2, Eq. (5), Appendix A.2.1",
    title="Eq. (5) is the second-order Taylor approximation of the l2 adversarial loss (logistic regression)",
    statement=(r"L_n^{adv}(\theta,S) = \frac1n\sum_{i=1}^n\max_{\|\delta_i\|_2\le\varepsilon\sqrt d}"
               r"\ell(\theta,(x_i+\delta_i,y_i))"
               r" \approx \frac1n\sum_{i=1}^n\tilde\ell_{adv}(\varepsilon\sqrt d,(x_i,y_i)),\quad"
               r"\tilde\ell_{adv}(\eta,(x,y)) = \ell(\theta,(x,y)) + \eta|g(x^\top\theta)-y|\,\|\theta\|_2"
               r" + \frac{\eta^2}{2}g(x^\top\theta)(1-g(x^\top\theta))\|\theta\|_2^2"),
    hypotheses=("f_theta(x) = theta^T x, logistic loss, y in {0, 1}",
                "l2 attack of radius eps sqrt(d); 'approximation' means the remainder is O(eps^3)"),
    derivation="derivations.lemma_3_2",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("general", "SymPy: Eq. (5) is the maximum of the second-order expansion over the l2 ball for all "
                           "theta, x, y, eta; the remainder's order 3 measured on two logistic regressions (n = 40, "
                           "d = 5, ||theta|| = 0.5 and 2)"),
)
