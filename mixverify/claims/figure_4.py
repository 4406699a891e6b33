r"""figure-4: the second-order Taylor adversarial loss (Eq. 5/6) against the true one, along the
iterations of the l2 attack that computes the latter (Appendix C.2, Figure 4).

Setting of the paper: two moons, logistic regression and a two-layer ReLU network, l2 attacks with
:math:`\varepsilon\sqrt d = 0.5`. Models are trained (ERM, seeded, cached); the data are centred so that
logistic regression needs no intercept and its exact adversarial loss has the closed form. For the ReLU
network the true adversarial loss is unknown; the l2 PGD attack (40 steps, one random restart) lower-bounds it.

**Criterion for "a good approximation of the original adversarial loss"** (fixed before the numbers it
gives; docs/verdicts.md section 4). The paper uses Eq. (5)/(6) to attribute the *adversarial increment*
:math:`L^{adv} - L^{std}` (what an attack adds to the clean loss) to terms that Mixup's regularizers
dominate (Theorems 3.1, 3.3); the trivial approximation that argument improves on is the clean loss
:math:`L^{std}` (increment 0). Eq. (5)/(6) is never below :math:`L^{std}` (its added terms are
:math:`\ge 0`), so "closer to :math:`L^{adv}` than :math:`L^{std}` is" holds for *any* approximation
below the target, however small its increment: it cannot fail for an underestimate. The criterion read
here is the symmetric one: the approximation is good when it is **closer to the adversarial loss than to
the clean loss**, :math:`|L^{adv} - \tilde L^{adv}| < \frac12 (L^{adv} - L^{std})` (mean losses over the
training data), i.e. its relative error on the increment is below 1/2: it carries more than half of the
effect it is meant to explain. Applied to both models the paper names; for the ReLU net :math:`L^{adv}` is
the PGD loss, a lower bound, so an approximation below it is judged generously (its true error is larger).
The weaker reading's number (relative increment error below 1) is reported beside it.

**Power** (``power-missing-half-<model>``): the same criterion applied, per model, to a plausible wrong
version, Eq. (5)/(6) without the 1/2 of the second-order term; it passes when that version is rejected.

Implementation checks: for logistic regression Eq. (5) is within its Lagrange remainder bound of the exact
maximum, :math:`|\max\ell - \max q| \le \frac{\max|\ell^{(3)}|}{6}(\eta\|\theta\|)^3` with
:math:`\max_u|g(1-g)(1-2g)| = \frac{1}{6\sqrt3}`, and PGD converges to the exact maximum.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from ..adversarial import adversarial_losses, taylor_adversarial_loss, taylor_adversarial_parts
from ..attacks import pgd
from ..claim import Claim, Context, Evidence, Outcome, Scope, at_most, close, holds
from ..datasets import two_moons
from ..losses import standard_loss
from ..models import ReLUMLP, linear_model
from ..numerics import lagrange, ulps
from ..training import train

RADIUS = 0.5  # eps sqrt(d), as in Appendix C.2
STEPS = 40
MAX_THIRD = 1 / (6 * math.sqrt(3))  # max_u |g(1-g)(1-2g)|, derived in derivations/figure_4.py
#: "Good approximation": |L_adv - L~_adv| < CLOSER * (L_adv - L_std), closer to the target than to the clean loss.
CLOSER = 0.5
MODELS = ("logistic regression", "two-layer ReLU net")


def increment_error(adv: float, approx: float, clean: float) -> float:
    r""":math:`|L^{adv} - \tilde L^{adv}| / (L^{adv} - L^{std})`: the relative error of the approximation on the
    adversarial increment (0: exact; 1: no better than the clean loss, the trivial approximation)."""
    return abs(adv - approx) / (adv - clean)


def without_half(f, X, y, eps):
    r"""The plausible wrong version of Eq. (5)/(6): :math:`\ell + \eta\,\mathrm{first} + \eta^2|h''|\|\nabla f\|^2`
    (the 1/2 of the second-order term missing); mean over the data."""
    p = taylor_adversarial_parts(f, X, y)
    eta = eps * math.sqrt(X.shape[1])
    return (p["loss"] + eta * p["first"] + 2 * eta**2 * p["second"]).mean()


def check(ctx: Context, *, taylor=taylor_adversarial_loss, statement=None) -> Outcome:
    """``taylor(f, X, y, eps)`` (our Eq. 5/6, mean over the data) can be planted wrong to see the implementation
    checks reject it; ``statement(f, X, y, eps)`` (default: ``taylor``) is the approximation the paper's sentence
    is about, judged by the decisive criterion: plant a wrong statement there (a flipped sign)."""
    statement = taylor if statement is None else statement
    out = Outcome()
    X, y, eps = _data(ctx)
    logit, relu = _trained_models(ctx, X, y)
    gen = torch.Generator().manual_seed(ctx.seed)
    traces, values = {}, {}
    evidence, traces[MODELS[0]], values[MODELS[0]] = _logistic_regression(logit, X, y, eps, taylor, statement)
    out.evidence += evidence
    traces[MODELS[1]], values[MODELS[1]] = _relu_net(relu, X, y, eps, taylor, statement, gen)
    for name in MODELS:
        out.evidence += _closeness(name, *values[name])
    out.notes.append(_gap_note(values))
    out.scope = Scope("paper", "two moons (n = 200, noise 0.1, centred; seed " + str(ctx.seed) + "), ERM-trained "
                      "logistic regression (no intercept) and a two-layer ReLU net (64 hidden units, biases), l2 "
                      "radius 0.5; the ReLU net's adversarial loss by PGD (40 steps), a lower bound")
    out.figures["taylor-vs-true"] = _plot(traces)
    return out


def _data(ctx: Context):
    """Two moons (n = 200, noise 0.1, centred), float labels, and eps with eps sqrt(d) = RADIUS."""
    X, y = two_moons(200, noise=0.1, seed=ctx.seed, centre=True)
    y = y.to(X.dtype)
    d = X.shape[1]
    eps = RADIUS / math.sqrt(d)
    return X, y, eps


def _trained_models(ctx: Context, X, y):
    """ERM-trained (seeded, cached) logistic regression without intercept and two-layer ReLU net, in float64."""
    d = X.shape[1]
    logit = train(lambda: ReLUMLP(d, (), bias=False), X, y, lr=0.5, momentum=0.9, epochs=300, seed=ctx.seed,
                  device="cpu", key="figure-4/logistic/v1").model.to(torch.float64).eval()
    relu = train(lambda: ReLUMLP(d, (64,), bias=True), X, y, lr=0.1, momentum=0.9, epochs=1000, seed=ctx.seed,
                 device="cpu", key="figure-4/relu/v1").model.to(torch.float64).eval()
    return logit, relu


def _logistic_regression(logit, X, y, eps, taylor, statement):
    """Logistic regression: Eq. (5) within its Lagrange remainder of the exact loss and PGD converging to it
    (implementation evidence); its attack trace and (L_adv, statement, L_std, without the 1/2, what L_adv is)."""
    theta = logit[0].weight.detach()[0]
    lin = linear_model(theta)
    exact = adversarial_losses(lin, X, y, RADIUS, norm=2, method="exact")
    approx = torch.stack([taylor(lin, X[i:i + 1], y[i:i + 1], eps) for i in range(len(X))])
    bound = MAX_THIRD / 6 * (RADIUS * float(theta.norm())) ** 3
    gap = float((exact - approx).abs().max())
    evidence = [at_most(
        "lagrange-logistic",
        "logistic regression: |exact adversarial loss - Eq. (5)| per example <= Lagrange remainder bound",
        gap, 0.0, lagrange(bound, "max|l'''|/6 (eps sqrt d ||theta||)^3 with max|g(1-g)(1-2g)| = 1/(6 sqrt 3)")
        + ulps(1e3, float(exact.abs().max()), of="max |exact adversarial loss|"),
        detail=f"||theta|| = {float(theta.norm()):.4g}; mean exact {float(exact.mean()):.6g}, "
               f"mean Eq. (5) {float(approx.mean()):.6g}")]
    _, trace = pgd(lin, X, y, RADIUS, norm=2, steps=STEPS, random_start=False, trace=True)
    final = float(trace[-1].mean())
    # a constant gradient direction: PGD from delta = 0 lands on the maximiser
    evidence.append(close(
        "pgd-logistic", "logistic regression: the l2 PGD attack converges to the exact adversarial loss", final,
        float(exact.mean()), ulps(1e3, final, of="the PGD loss")))
    traces = (trace.mean(1).numpy(), float(approx.mean()), float(exact.mean()))
    values = (float(exact.mean()), float(statement(lin, X, y, eps).detach()), float(standard_loss(lin, X, y)),
              float(without_half(lin, X, y, eps).detach()), "exact maximum (closed form)")
    return evidence, traces, values


def _relu_net(relu, X, y, eps, taylor, statement, gen):
    """Two-layer ReLU net: the PGD loss (a lower bound of the true one) against Eq. (6); its attack trace and
    (L_adv, statement, L_std, without the 1/2, what L_adv is)."""
    Xa, trace = pgd(relu, X, y, RADIUS, norm=2, steps=STEPS, restarts=1, generator=gen, trace=True)
    approx_relu = float(taylor(relu, X, y, eps).detach())
    found = float(trace[-1].mean())
    with torch.no_grad():
        pattern = (relu[0](X) > 0) != (relu[0](Xa) > 0)
    crossed = float(pattern.any(dim=1).to(torch.float64).mean())
    traces = (trace.mean(1).numpy(), approx_relu, None)
    values = (found, float(statement(relu, X, y, eps).detach()), float(standard_loss(relu, X, y).detach()),
              float(without_half(relu, X, y, eps).detach()),
              f"PGD loss, a lower bound ({100 * crossed:.0f}% of the attacks cross a ReLU kink)")
    return traces, values


def _closeness(name, adv, apx, clean, nohalf, what) -> list[Evidence]:
    """Decisive: the approximation is closer to L_adv than to L_std; power: Eq. (5)/(6) without the 1/2 is rejected."""
    err = increment_error(adv, apx, clean)
    short = "logistic" if name == MODELS[0] else "relu"
    wrong = increment_error(adv, nohalf, clean)
    return [
        holds(
            f"close-{short}",
            f"{name}: Eq. ({5 if name == MODELS[0] else 6}) is closer to the adversarial loss than to the clean loss "
            f"(relative error on the increment L_adv - L_std < {CLOSER:g})", err < CLOSER,
            "criterion in the module docstring (fixed before the numbers): |L_adv - L~_adv| < (L_adv - L_std) / 2; "
            "the weaker reading 'closer than L_std' is error < 1", value=err, reference=f"< {CLOSER:g}",
            detail=f"L_adv = {adv:.6g} ({what}), Eq. 5/6 = {apx:.6g}, L_std = {clean:.6g}; relative gap to L_adv "
                   f"{(apx - adv) / adv:+.1%}", role="decisive",
            tightness={"bound_over_measured": apx / adv, "trivial_bound": clean / adv}),
        holds(
            f"power-missing-half-{short}",
            f"power, {name}: Eq. ({5 if name == MODELS[0] else 6}) without the 1/2 of the second-order term is rejected "
            "by the same criterion", wrong >= CLOSER,
            "the decisive criterion applied to the plausible wrong version; passes when it rejects it", value=wrong,
            reference=f">= {CLOSER:g}",
            detail=f"without the 1/2: {nohalf:.6g} against L_adv = {adv:.6g}, L_std = {clean:.6g}", role="power"),
    ]


def _gap_note(values) -> str:
    """The relative gaps of Eq. (5)/(6) and of the clean loss to the adversarial loss, per model."""
    return ("Relative gap Eq. (5)/(6) vs the adversarial loss: " + ", ".join(
        f"{n} {(v[1] - v[0]) / v[0]:+.2%} (clean loss {(v[2] - v[0]) / v[0]:+.2%})" for n, v in values.items())
        + "; for the ReLU net against the PGD loss, a lower bound of the true one.")


def _plot(traces) -> Figure:
    fig = Figure(figsize=(9, 3.6))
    for k, (name, (curve, approx, exact)) in enumerate(traces.items()):
        ax = fig.add_subplot(1, len(traces), k + 1)
        ax.plot(np.arange(len(curve)), curve, label="adversarial loss along the l2 attack (PGD)")
        ax.axhline(approx, color="tab:orange", ls="--", label="Taylor approximation (Eq. 5/6)")
        if exact is not None:
            ax.axhline(exact, color="k", ls=":", label="exact maximum (closed form)")
        ax.set_title(f"{name}, eps sqrt(d) = {RADIUS}", fontsize=9)
        ax.set_xlabel("attack iteration")
        ax.set_ylabel("mean loss")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="figure-4",
    paper_ref="Figure 4, Appendix C.2",
    title="The Taylor adversarial loss (Eq. 5/6) approximates the true l2 adversarial loss on two moons",
    statement=(r"\frac1n\sum_i\tilde\ell_{adv}(\varepsilon\sqrt d,(x_i,y_i))\approx L_n^{adv}(\theta,S),"
               r"\quad \varepsilon\sqrt d = 0.5"),
    hypotheses=("two moons, logistic regression (centred data, no intercept) and a two-layer ReLU network, ERM-trained",
                "l2 attacks of radius eps sqrt(d) = 0.5"),
    derivation="derivations.figure_4",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("paper", "two moons (n = 200, noise 0.1, centred), ERM-trained logistic regression (no intercept) and "
                "a two-layer ReLU net (64 hidden units, biases), l2 radius 0.5; the ReLU net's adversarial loss by PGD "
                "(40 steps), a lower bound"),
)
