r"""remark-3.1: robustness to l2 attacks of size :math:`\varepsilon\sqrt d` implies robustness to
l-infinity attacks of size :math:`\varepsilon`.

Exactly for linear models (both maxima in closed form through the dual norms, per example), and for
networks through PGD: every point PGD finds in the l-infinity ball lies in the l2 ball of radius
:math:`\varepsilon\sqrt d`, so the l2 maximum is at least as large. Independent PGD runs in the two
balls are compared as well (reported: PGD only lower-bounds each maximum).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from ..adversarial import adversarial_losses
from ..attacks import pgd
from ..claim import Claim, Context, Evidence, Outcome
from ..losses import eq2_loss
from ..models import gaussian_data, linear_model
from ..networks import ReLUMLP, seeded

EPS64 = float(np.finfo(float).eps)
EPSILONS = (0.02, 0.05, 0.1, 0.2)


def l2_radius(eps: float, d: int) -> float:
    """The l2 radius Remark 3.1 compares with: eps sqrt(d)."""
    return eps * math.sqrt(d)


def check(ctx: Context, *, radius=l2_radius) -> Outcome:
    """``radius(eps, d)`` (the l2 radius that contains the l-infinity ball) can be planted wrong."""
    out = Outcome()
    rng = ctx.rng(31)
    worst, tight = -np.inf, 0.0
    for _ in range(50):
        X, y, theta = gaussian_data(20, int(rng.integers(2, 12)), rng)
        f = linear_model(theta)
        for eps in EPSILONS:
            linf = adversarial_losses(f, X, y, eps, norm="inf", method="exact")
            l2 = adversarial_losses(f, X, y, radius(eps, X.shape[1]), norm=2, method="exact")
            worst = max(worst, float(((linf - l2) / l2.abs().clamp_min(1e-300)).max()))
    tol = 1e3 * EPS64
    out.evidence.append(Evidence(
        "linear models: per-example exact max over l-inf(eps) <= exact max over l2(eps sqrt d), 50 data sets x 4 eps",
        "exact", worst, 0.0, tol, worst <= tol, "largest relative excess; 1e3 ulp of float64 round-off"))
    # tightness: theta with equal |theta_j| makes ||theta||_1 = sqrt(d) ||theta||_2, so the two maxima coincide
    X, y, _ = gaussian_data(20, 6, rng)
    f = linear_model(torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, 1.0], dtype=X.dtype) * 0.7)
    linf = adversarial_losses(f, X, y, 0.1, norm="inf", method="exact")
    l2 = adversarial_losses(f, X, y, radius(0.1, 6), norm=2, method="exact")
    tight = float((linf - l2).abs().max())
    out.evidence.append(Evidence("the constant sqrt(d) is tight: equal |theta_j| give equal maxima", "exact", tight, 0.0,
                                 tol * float(l2.abs().max()), tight <= tol * float(l2.abs().max()),
                                 "1e3 ulp of float64 round-off"))

    gen = torch.Generator().manual_seed(ctx.seed)
    comparisons = {}
    for width in ((16, 16), (32,)):
        d = 8
        X, y, _ = gaussian_data(64, d, rng)
        net = seeded(ReLUMLP(d, width, bias=False), int(rng.integers(2**31))).eval()
        for eps in (0.05, 0.2):
            Xinf = pgd(net, X, y, eps, norm="inf", steps=30, restarts=2, generator=gen)
            size = (Xinf - X).norm(dim=1).max().item()
            out.evidence.append(Evidence(
                f"ReLU net {width}: every PGD l-inf({eps:g}) point lies in the l2 ball of radius eps sqrt(d)", "exact",
                size, radius(eps, d), radius(eps, d) * 1e-12, size <= radius(eps, d) * (1 + 1e-12),
                "inclusion of the balls; 1e-12 relative round-off"))
            X2 = pgd(net, X, y, radius(eps, d), norm=2, steps=30, restarts=2, generator=gen)
            with torch.no_grad():
                linf_loss = eq2_loss(net(Xinf), y)
                l2_loss = eq2_loss(net(X2), y)
            frac = float((l2_loss >= linf_loss - 1e3 * EPS64).to(torch.float64).mean())
            comparisons[(str(width), eps)] = (float(linf_loss.mean()), float(l2_loss.mean()))
            out.evidence.append(Evidence(
                f"ReLU net {width}, eps = {eps:g}: fraction of examples with PGD l2 loss >= PGD l-inf loss", "exact",
                frac, None, None, None, "reported: PGD lower-bounds each maximum, so this is not a test",
                detail=f"mean losses: l-inf {comparisons[(str(width), eps)][0]:.5g}, l2 {comparisons[(str(width), eps)][1]:.5g}"))
    out.figures["pgd-l2-vs-linf"] = _plot(comparisons)
    return out


def _plot(comparisons) -> Figure:
    fig = Figure(figsize=(6.0, 3.8))
    ax = fig.add_subplot()
    labels = [f"{w}\neps={e:g}" for (w, e) in comparisons]
    x = np.arange(len(labels))
    ax.bar(x - 0.2, [v[0] for v in comparisons.values()], 0.4, label="PGD l-inf, radius eps")
    ax.bar(x + 0.2, [v[1] for v in comparisons.values()], 0.4, label="PGD l2, radius eps sqrt(d)")
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylabel("mean adversarial logistic loss")
    ax.set_title("Remark 3.1 on bias-free ReLU nets (d = 8)")
    ax.legend(fontsize=8)
    return fig


CLAIM = Claim(
    id="remark-3.1",
    paper_ref="Remark 3.1",
    title="An l-inf attack of size eps is an l2 attack of size eps sqrt(d): the l2 bound covers l-inf",
    statement=(r"\|\delta\|_\infty\le\varepsilon\Rightarrow\|\delta\|_2\le\varepsilon\sqrt d,\quad"
               r"\max_{\|\delta\|_\infty\le\varepsilon}\ell(\theta,(x+\delta,y))\le"
               r"\max_{\|\delta\|_2\le\sqrt d\,\varepsilon}\ell(\theta,(x+\delta,y))"),
    hypotheses=("any loss and any model (a set inclusion)",),
    derivation="derivations.remark_3_1",
    check=check,
)
