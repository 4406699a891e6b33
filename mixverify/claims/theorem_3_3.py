r"""theorem-3.3: for bias-free ReLU networks, :math:`\tilde L^{mix}_n` upper-bounds the Taylor adversarial loss
of Eq. (6) at the radii :math:`\varepsilon_i\sqrt d \ge \varepsilon_{min}\sqrt d`.

Checked (i) on many random bias-free ReLU networks with labels they classify correctly (so
:math:`\theta\in\Theta`) on centred Gaussian data, and (ii) on networks *trained to zero training error*
on real data: centred two moons (scikit-learn) and a two-class Fashion-MNIST subset (Debian's
``dataset-fashion-mnist``). On the trained networks the bound is also compared with the *true*
adversarial loss, estimated by PGD at radius :math:`\varepsilon_{min}\sqrt d` -- which the theorem does
not claim, and which tells how much the Taylor surrogate misses.

The notation after Eq. (6) defines :math:`\tilde\ell_{adv}(\delta) = \ell + \delta|g-y|\|\nabla f\| +
\frac{\delta^2 d}{2}|h''|\|\nabla f\|^2`; read literally at :math:`\delta = \varepsilon\sqrt d` this is
not Eq. (6) (an extra factor d) and the theorem fails for it: recorded as an erratum, and the check runs
with Eq. (6)'s :math:`\frac{\delta^2}{2}`. As in Theorem 3.1 the proof needs centred data.

**Hardest instances.** With f(x_i) = grad f(x_i)^T x_i, Hess f = 0 and centred data the margin of the first inequality
has Theorem 3.1's form with u_i = f(x_i) and grad f(x_i) for theta: a first-order term that vanishes when all norms
are equal (A.2.4's c_x step is an equality) and a second-order term O(f^2), against the trivial margin
L~_mix - L_std = O(|f|) (radius 0). So the bound is tight as the signal mean |f(x_i)| -> 0 on equal norms (the eps_min
form also needs equal |cos(grad f(x_i), x_i)|; a width-2 net relu(w^T x) - relu(-w^T x) meets it). The check searches:
a grid over the signal (1e-3 ... 10, by rescaling the last layer: labels and theta in Theta unchanged), (n, d) in
{(8, 2), (24, 6), (96, 16)}, four (alpha, beta) and three families of data and net (centred Gaussian and equal norms
with random nets of 1-2 hidden layers; equal norms and equal |cos| with the width-2 net), two draws per point, ranked by
the share of the trivial margin left (closed form from f and grad f); the four hardest distinct instances of each
inequality are decided with the library (``bound-hardest``, ``bound-min-hardest``), the tightness reported there,
the closed form checked against the library (``search-closed-form``).

**Verdict.** Decisive: the chain on the random nets (``bound-random``, ``radius-order-random``), on the hardest nets
found (``bound-hardest``, ``bound-min-hardest``) and on the two trained nets (``bound-moons``, ``bound-fmnist``), which
are ERM-trained: the theorem is about any theta in Theta, not about Mixup training. Errata: the delta^2 d / 2 notation
(``typo``, ``cx-notation-d``) and centred data (``hypothesis``, ``cx-uncentred``, a random net on uncentred data).
Power (``power-2``): radii doubled, a statement shown false -- at the hardest instance found they use the whole trivial
margin and more (share left ~ -1), on every seed. The PGD comparison is context (the theorem does not claim it).
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import _validate
from ..adversarial import adversarial_losses, mixup_attack_radii, taylor_adversarial_parts
from ..claim import Claim, Context, Erratum, Evidence, Outcome, Scope, at_most, holds, reported, tightness
from ..datasets import fashion_mnist, two_moons
from ..homogeneity import identity_residuals
from ..laws import tilde_lambda_law
from ..losses import approx_mixup_loss
from ..models import ReLUMLP, require_bias_free, seeded
from ..numerics import Tol, exact, ulps
from ..training import train

ALPHA, BETA = 1.0, 1.0
RANDOM_CASES = 30
#: The hardest-instance search: signal strength mean |f(x_i)| (the last layer rescaled), (n, d), alpha/beta and the
#: family of data and net (:func:`_hardest_instance`), RESTARTS draws per grid point; the HARDEST instances with the
#: smallest margins are decided with the library.
SIGNALS = (1e-3, 1e-2, 1e-1, 1.0, 10.0)
SIZES = ((8, 2), (24, 6), (96, 16))
SETTINGS = ((1.0, 1.0), (0.2, 0.2), (5.0, 0.5), (2.0, 3.0))
FAMILIES = ("equal norms, equal |cos|", "equal norms", "Gaussian")
RESTARTS = 2
HARDEST = 4
#: The tightness reported at the hardest instance: the bound's excess over the trivial bound (radius 0) over the measured
#: excess; 1 is tight.
EXCESS_RATIO = "L_std (radius 0); bound_over_measured = (L~_mix - L_std) / (mean l~_adv - L_std)"


def sides(f, X, y, alpha, beta, *, notation_factor=None, radius_factor=1.0):
    r"""(:math:`\tilde L^{mix}_n`, mean :math:`\tilde\ell_{adv}(\varepsilon_i\sqrt d)`, mean
    :math:`\tilde\ell_{adv}(\varepsilon_{min}\sqrt d)`, radii). ``notation_factor`` multiplies the
    :math:`\delta^2/2` term (1 = Eq. (6); d = the notation printed after Eq. (6)); ``radius_factor`` multiplies
    the radii (2: the plausible wrong statement of the power check)."""
    _validate.binary_labels(y, "Theorem 3.3")
    require_bias_free(f, "Theorem 3.3")
    r = {k: v.detach() for k, v in mixup_attack_radii(f, X, alpha, beta).items()}
    d = X.shape[1]
    k = 1.0 if notation_factor is None else notation_factor
    p = taylor_adversarial_parts(f, X, y, norm=2)

    def ladv(eps):
        eta = radius_factor * eps * d**0.5
        return float((p["loss"] + eta * p["first"] + k * eta**2 * p["second"]).mean().detach())

    return float(approx_mixup_loss(f, X, y, alpha, beta).detach()), ladv(r["eps_i"]), ladv(r["eps_min"]), r


def _slacks(f, X, y, **kw):
    lhs, mid, low, r = sides(f, X, y, ALPHA, BETA, **kw)
    tol = ulps(1e3, max(1.0, abs(lhs))).value
    return (lhs - mid + tol) / abs(lhs), (mid - low + tol) / abs(lhs), (lhs, mid, low, r)


def _wrong_slack(f, X, y, **kw):
    """Relative slack of the first inequality at twice the radii (the power check's wrong statement)."""
    lhs, mid, _, _ = sides(f, X, y, ALPHA, BETA, radius_factor=2.0, **kw)
    return (lhs - mid + ulps(1e3, max(1.0, abs(lhs))).value) / abs(lhs)


def _roundoff(lhs):
    """The round-off allowance of the chain: 1e3 ulp at max(1, |L~_mix|), the largest over the nets ``lhs``; each
    net's allowance, at its own scale, is added to its slack."""
    return ulps(1e3, max(1.0, max(abs(v) for v in lhs)),
                of="max(1, |L~_mix|), the largest over the nets; each net's allowance, at its own scale, is added to its "
                   "slack; value: the smallest relative slack")


def check(ctx: Context, *, notation_factor=None, radius_factor=1.0) -> Outcome:
    """``notation_factor`` (None: Eq. (6)) can be planted, e.g. as d, the printed notation; ``radius_factor`` plants
    a wrong radius (2: the statement with its constant off by 2). Both are wrong statements: the decisive
    evidence must reject them."""
    out = Outcome()
    kw = dict(notation_factor=notation_factor, radius_factor=radius_factor)
    # each family of nets gives its evidence and, per net, the slack at the doubled radii and L~_mix
    random_ev, wrong, lhs = _random_nets(ctx.rng(33), kw)
    hardest_ev, wrong_h, lhs_h = _hardest_nets(ctx.rng(35), kw)
    trained_ev, wrong_t, lhs_t, trained = _trained_nets(ctx, kw)
    out.evidence += random_ev + hardest_ev + trained_ev
    wrong, lhs = wrong + wrong_h + wrong_t, lhs + lhs_h + lhs_t
    if notation_factor is None:
        out.merge(_printed_notation(trained), _centring(ctx))
        out.notes += _notes(ctx)
    out.evidence.append(holds(
        "power-2", "power: the same criterion rejects the radii doubled (2 eps_i), on some random or trained net",
        min(wrong) < 0, _roundoff(lhs), value=min(wrong), reference="< 0 somewhere", role="power",
        detail=f"smallest relative slack at 2 eps_i: {min(wrong):.4g}"))
    out.figures["bound-vs-adversarial"] = _plot(trained)
    return out


def _random_nets(rng, kw) -> tuple[list[Evidence], list[float], list[float]]:
    """The chain on random bias-free ReLU nets, centred Gaussian data labelled by the net (theta in Theta); returns
    the evidence and, per net, the slack at the doubled radii and L~_mix."""
    s1, s2, hyp, ratio, wrong, lhs_all = [], [], [], [], [], []
    for _ in range(RANDOM_CASES):
        d = int(rng.integers(2, 8))
        X = torch.as_tensor(rng.normal(size=(24, d)))
        X = X - X.mean(0)
        net = seeded(ReLUMLP(d, (int(rng.integers(4, 16)),) * int(rng.integers(1, 3)), bias=False),
                     int(rng.integers(2**31))).eval()
        with torch.no_grad():
            y = (net(X) > 0).to(X.dtype)
        a, b, (lhs, mid, _, _) = _slacks(net, X, y, **kw)
        s1.append(a)
        s2.append(b)
        ratio.append(lhs / mid)
        lhs_all.append(lhs)
        wrong.append(_wrong_slack(net, X, y, notation_factor=kw["notation_factor"]))
        hyp.append(float(identity_residuals(net, X)[0].max()))
    tol = _roundoff(lhs_all)
    return [
        holds("bound-random", f"random bias-free ReLU nets ({RANDOM_CASES}), centred data, theta in Theta: L~_mix >= "
              "mean l~_adv(eps_i sqrt d)", min(s1) >= 0, tol, value=min(s1), reference=0.0, role="decisive",
              detail=f"L~_mix / mean l~_adv(eps_i sqrt d): median {np.median(ratio):.4g}, smallest {min(ratio):.4g}",
              tightness={"bound_over_measured": float(np.median(ratio)), "smallest_bound_over_measured": min(ratio),
                         "trivial_bound": "L_std (radius 0)"}),
        holds("radius-order-random", "... mean l~_adv(eps_i sqrt d) >= mean l~_adv(eps_min sqrt d)", min(s2) >= 0, tol,
              value=min(s2), reference=0.0, role="decisive"),
        # a fixed allowance far above the forward pass's round-off; identity-b2 checks the identity against its bound
        at_most("euler-random", "hypothesis f(x_i) = grad f(x_i)^T x_i holds on those nets (max residual)", max(hyp),
                0.0, Tol(1e-10, "float64 round-off of the forward pass (identity-b2 derives the bound)")),
    ], wrong, lhs_all


# --- the hardest instances: the smallest margin the hypotheses allow -------------------------------------------------

def _hardest_instance(rng, family, n, d, signal):
    """A bias-free ReLU net with its last layer rescaled so that mean |f(x_i)| = ``signal`` (f and grad f scale together:
    the labels, hence theta in Theta, are unchanged), on centred data of ``family``, labelled by the net.

    "Gaussian": centred N(0, I) rows; "equal norms": rows +-z_k with ||z_k|| = sqrt d (A.2.4's c_x step is an equality);
    both with a random net (1-2 hidden layers of 4-15). "equal norms, equal |cos|": the width-2 net
    relu(w^T x) - relu(-w^T x) = w^T x on rows +-sqrt d (a w/||w|| + b z_k), z_k orthogonal to w, so that every
    |cos(grad f(x_i), x_i)| = a (R_i = R)."""
    u = rng.normal(size=d)
    u /= np.linalg.norm(u)
    if family == "Gaussian":
        X = rng.normal(size=(n, d))
        X -= X.mean(0)
    else:
        Z = rng.normal(size=(n // 2, d))
        if family.endswith("|cos|"):
            a = rng.uniform(0.1, 0.9)
            Z -= np.outer(Z @ u, u)
            Z = a * u + np.sqrt(1 - a * a) * Z / np.linalg.norm(Z, axis=1, keepdims=True)
        X = np.concatenate([Z, -Z])
        X *= np.sqrt(d) / np.linalg.norm(X, axis=1, keepdims=True)
    X = torch.as_tensor(X)
    if family.endswith("|cos|"):
        net = ReLUMLP(d, (2,), bias=False).to(torch.float64).eval()
        with torch.no_grad():
            net[0].weight.copy_(torch.as_tensor(np.stack([u, -u])))
            net[-1].weight.copy_(torch.tensor([[1.0, -1.0]], dtype=torch.float64))
    else:
        net = seeded(ReLUMLP(d, (int(rng.integers(4, 16)),) * int(rng.integers(1, 3)), bias=False),
                     int(rng.integers(2**31))).eval()
    with torch.no_grad():
        scale = float(net(X).abs().mean())
        if scale > 0:
            net[-1].weight.mul_(signal / scale)
        y = (net(X).reshape(-1) > 0).to(X.dtype)
    return net, X, y


def net_values(f, X):
    """(f(x_i), grad f(x_i)) as numpy arrays: the input gradients of sum_i f(x_i), per example (rows are independent)."""
    Xt = X.detach().clone().requires_grad_(True)
    out = f(Xt).reshape(-1)
    return out.detach().numpy(), torch.autograd.grad(out.sum(), Xt)[0].numpy()


def closed_form(values, X, y, alpha, beta, eta=None, notation_factor=1.0):
    """(L~_mix, mean l~_adv(eps_i sqrt d), mean l~_adv(eps_min sqrt d), L_std) for a net with f(x_i) = grad f(x_i)^T x_i
    and Hess f = 0 on centred data, in closed form from ``values`` = :func:`net_values` (numpy, for the search):
    R1 = E[1-lam] mean (y - g) f_i, R2 = E[(1-lam)^2] / (2n) sum g(1-g) grad f_i^T (Sigma + x_i x_i^T) grad f_i;
    ``eta`` = (eta_i, eta_min) in place of Theorem 3.3's radii times sqrt d."""
    (u, G), Xn, yn = values, X.numpy(), y.numpy()
    law = tilde_lambda_law(alpha, beta)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    g = 0.5 * (1 + np.tanh(u / 2))
    std = np.mean(np.logaddexp(0, u) - yn * u)
    quad = np.mean((G @ Xn.T) ** 2, axis=1) + np.sum(G * Xn, axis=1) ** 2  # grad^T (Sigma + x x^T) grad
    lhs = std + m1 * np.mean((yn - g) * u) + m2 / 2 * np.mean(g * (1 - g) * quad)
    gn, xn = np.linalg.norm(G, axis=1), np.linalg.norm(Xn, axis=1)
    if eta is None:
        R_i = np.where(gn > 0, np.abs(np.sum(G * Xn, axis=1)) / np.maximum(gn * xn, 1e-300), 0.0)
        eta = (R_i * xn.min() * m1, (R_i * xn.min() * m1).min())

    def ladv(e):
        return std + np.mean(e * np.abs(g - yn) * gn + notation_factor * e**2 / 2 * g * (1 - g) * gn**2)
    return lhs, ladv(eta[0]), ladv(np.full_like(u, eta[1])), std


def _share_left(lhs, rhs, std) -> float:
    """The share of the trivial margin L~_mix - L_std (radius 0) that an inequality leaves: (L~_mix - rhs) / (L~_mix -
    L_std); 1 when L~_mix = L_std."""
    return (lhs - rhs) / (lhs - std) if lhs > std else 1.0


def _hardest_nets(rng, kw) -> tuple[list[Evidence], list[float], list[float]]:
    """Search SIGNALS x SIZES x SETTINGS x FAMILIES (RESTARTS nets each) for the smallest share of the trivial margin
    left by each inequality (closed form); decide the HARDEST distinct instances of each with the library (the
    statement under test, ``kw``), with the tightness at the worst; returns the evidence and the decided instances'
    slacks at doubled radii and L~_mix."""
    found = {"eps_i": [], "eps_min": []}
    for signal in SIGNALS:
        for n, d in SIZES:
            for family in FAMILIES:
                for _ in range(RESTARTS):
                    net, X, y = _hardest_instance(rng, family, n, d, signal)
                    values = net_values(net, X)
                    for alpha, beta in SETTINGS:
                        lhs, mid, low, std = closed_form(values, X, y, alpha, beta)
                        case = (net, X, y, alpha, beta, f"{family}, n = {n}, d = {d}, alpha = {alpha:g}, beta = {beta:g},"
                                                        f" mean |f(x_i)| = {signal:g}")
                        found["eps_i"].append((_share_left(lhs, mid, std), case))
                        found["eps_min"].append((_share_left(lhs, low, std), case))
    decided = {key: [_decide_net(case, kw) for case in _distinct(ranked)] for key, ranked in found.items()}
    wrong = [c["wrong"] for c in decided["eps_i"]]
    lhs_all = [c["lhs"] for c in decided["eps_i"]]
    ev = []
    for key, id_, rhs in (("eps_i", "bound-hardest", "mean l~_adv(eps_i sqrt d)"),
                          ("eps_min", "bound-min-hardest", "mean l~_adv(eps_min sqrt d)")):
        cases, k = decided[key], 0 if key == "eps_i" else 1
        worst = cases[0]
        ev.append(holds(
            id_, f"L~_mix >= {rhs} on the {HARDEST} hardest of {_grid_size()} bias-free ReLU nets on centred data "
                 "searched (theta in Theta)", min(c["slack"][k] for c in cases) >= 0,
            _roundoff([c["lhs"] for c in cases]), value=min(c["slack"][k] for c in cases), reference=0.0,
            role="decisive",
            detail=f"smallest share of the trivial margin L~_mix - L_std left: {worst['left'][k]:.3g}, at "
                   f"{worst['instance']}; at twice the radii it is {worst['wrong_left']:.3g} there",
            tightness=tightness(worst["ratio"][k], EXCESS_RATIO, instance=worst["instance"])))
    every = decided["eps_i"] + decided["eps_min"]
    ev.append(at_most("search-closed-form", "the search's closed form (numpy, from f and grad f) = the library's L~_mix "
                      "and mean l~_adv (at its radii), on the hardest nets", max(c["closed_form_error"] for c in every),
                      0.0, _roundoff([c["lhs"] for c in every])))
    return ev, wrong, lhs_all


def _distinct(ranked):
    """The HARDEST best-ranked cases at distinct grid points."""
    picked = {}
    for _, case in sorted(ranked, key=lambda kv: kv[0]):
        picked.setdefault(case[-1], case)
        if len(picked) == HARDEST:
            break
    return list(picked.values())


def _decide_net(case, kw) -> dict:
    """One instance decided with the library (the statement under test, ``kw``): relative slacks of both inequalities,
    the share of the trivial margin left and its ratio (tightness), the slack at twice the radii, and the closed
    form's disagreement with the library."""
    net, X, y, alpha, beta, instance = case
    lhs, mid, low, r = sides(net, X, y, alpha, beta, **kw)
    std = float(taylor_adversarial_parts(net, X, y, norm=2)["loss"].mean().detach())
    tol = ulps(1e3, max(1.0, abs(lhs))).value
    wrong_mid = sides(net, X, y, alpha, beta, notation_factor=kw["notation_factor"], radius_factor=2.0)[1]
    sqd, factor = X.shape[1] ** 0.5, kw["radius_factor"]
    eta = (factor * r["eps_i"].numpy() * sqd, factor * float(r["eps_min"]) * sqd)
    closed = closed_form(net_values(net, X), X, y, alpha, beta, eta=eta, notation_factor=kw["notation_factor"] or 1.0)
    left = (_share_left(lhs, mid, std), _share_left(lhs, low, std))
    return {"instance": instance, "lhs": lhs, "slack": ((lhs - mid + tol) / abs(lhs), (lhs - low + tol) / abs(lhs)),
            "left": left, "ratio": tuple(1 / (1 - v) if v < 1 else float("inf") for v in left),
            "wrong": (lhs - wrong_mid + tol) / abs(lhs), "wrong_left": _share_left(lhs, wrong_mid, std),
            "closed_form_error": max(abs(a - b) for a, b in zip(closed[:3], (lhs, mid, low)))}


def _grid_size() -> int:
    return len(SIGNALS) * len(SIZES) * len(SETTINGS) * len(FAMILIES) * RESTARTS


def _trained_nets(ctx, kw) -> tuple[list[Evidence], list[float], list[float], dict]:
    """The chain on ERM-trained bias-free ReLU nets at zero training error (two moons in 10-d, Fashion-MNIST), and
    L~_mix against the PGD adversarial loss (context); returns the evidence, the slacks at doubled radii and L~_mix
    per net, and ``trained`` (name -> numbers) for the plot."""
    ev, wrong, lhs_all, trained = [], [], [], {}
    for name, (X, y, widths, epochs) in _real_data(ctx).items():
        res = _train(name, X, y, widths, epochs, ctx.seed)
        net = res.model.to(torch.float64).eval()
        with torch.no_grad():
            acc = float(((net(X) > 0).to(X.dtype) == y).to(X.dtype).mean())
        a, b, (lhs, mid, low, r) = _slacks(net, X, y, **kw)
        short = "fmnist" if name.startswith("Fashion") else "moons"
        lhs_all.append(lhs)
        wrong.append(_wrong_slack(net, X, y, notation_factor=kw["notation_factor"]))
        std = float(taylor_adversarial_parts(net, X, y, norm=2)["loss"].mean().detach())
        ev.append(holds(f"fit-{short}", f"{name}: trained bias-free ReLU net reaches zero training error (theta in "
                        "Theta)", acc == 1.0, exact("a count; the set-up meets the hypothesis"), value=acc, reference=1.0))
        ev.append(holds(
            f"bound-{short}", f"{name}: L~_mix >= mean l~_adv(eps_i sqrt d) >= mean l~_adv(eps_min sqrt d)",
            min(a, b) >= 0, ulps(1e3, max(1.0, abs(lhs)), of="max(1, |L~_mix|), added to each slack; value: the "
                                                               "smaller relative slack"),
            value=min(a, b), reference=0.0, role="decisive",
            detail=f"L~_mix = {lhs:.6g}, mid = {mid:.6g}, low = {low:.6g}, L_std = {std:.6g}, R = {float(r['R']):.3g}, "
                   f"eps_min sqrt d = {float(r['eps_min']) * X.shape[1] ** 0.5:.3g}",
            tightness={"bound_over_measured": lhs / mid, "trivial_bound": "L_std (radius 0)",
                       "share_of_trivial_margin": (mid - std) / (lhs - std) if lhs > std else None}))
        radius = float(r["eps_min"]) * X.shape[1] ** 0.5
        gen = torch.Generator().manual_seed(ctx.seed)
        true_adv = float(adversarial_losses(net, X, y, radius, norm=2, method="pgd", steps=50, restarts=2,
                                            generator=gen).mean())
        ev.append(reported(
            f"pgd-{short}", f"{name}: L~_mix vs the PGD adversarial loss at radius eps_min sqrt d (not claimed by the "
            "theorem)", lhs - true_adv,
            detail=f"L~_mix = {lhs:.6g}, PGD adversarial loss = {true_adv:.6g}, Taylor (Eq. 6) = {low:.6g}",
            why="PGD lower-bounds the true adversarial loss"))
        literal = sides(net, X, y, ALPHA, BETA, notation_factor=X.shape[1])
        trained[name] = (lhs, mid, low, true_adv, literal[1], X.shape[1])
    return ev, wrong, lhs_all, trained


def _printed_notation(trained) -> Outcome:
    """The notation printed after Eq. (6) (delta^2 d / 2) on the trained net it fails most on (erratum)."""
    name, vals = max(trained.items(), key=lambda kv: kv[1][4] - kv[1][0])
    tol = ulps(1e3, vals[0], of="L~_mix")
    erratum = Erratum(
        location="Section 3.2, the definition after Eq. (6) ('with a little abuse of notations')",
        statement="l~_adv(delta, (x, y)) = l + delta |g(f(x)) - y| ||grad f(x)|| + delta^2 d / 2 |h''(f(x))| ||grad f(x)||^2",
        correction="the second-order term is delta^2 / 2 |h''| ||grad f||^2 (Eq. 6 at delta = eps sqrt d, and Eq. 5); "
                   "with d it is eps^2 d^2 / 2",
        counterexample=f"{name}: L~_mix = {vals[0]:.6g} but the printed l~_adv(eps_i sqrt d) averages {vals[4]:.6g}",
        kind="typo", evidence="cx-notation-d")
    return Outcome(errata=[erratum], evidence=[holds(
        "cx-notation-d", f"{name}: with the notation printed after Eq. (6) (delta^2 d / 2) the first inequality fails",
        vals[0] < vals[4] - tol.value, tol, value=vals[0] - vals[4], reference=0.0, kind="counterexample",
        detail=f"L~_mix = {vals[0]:.6g} < {vals[4]:.6g} (d = {vals[5]})")])


def _centring(ctx) -> Outcome:
    """A random net on uncentred data (the missing hypothesis, erratum)."""
    value, numbers, lhs = _uncentred(ctx)
    erratum = Erratum(
        location="Theorem 3.3 (statement) and Appendix A.2.4",
        statement="for any theta in Theta: L~_mix >= (1/n) sum l~_adv(eps_i sqrt d, (x_i, y_i)) (no assumption on the mean)",
        correction="add the hypothesis that the training data are centred, (1/n) sum x_i = 0: A.2.4 substitutes "
                   "E_r[r_x] = 0 into R1 and R2 of Lemma 3.1, as A.2.2 does",
        counterexample=numbers, kind="hypothesis", evidence="cx-uncentred")
    return Outcome(errata=[erratum], evidence=[holds(
        "cx-uncentred",
        "without centring: a random bias-free ReLU net on uncentred data (theta in Theta), the first inequality fails",
        value < 0, ulps(1e3, max(1.0, abs(lhs)), of=f"max(1, |L~_mix|) of the most violated of {UNCENTRED} seeded "
                                                      "uncentred data sets, added to its slack; value: its relative slack"),
        value=value, reference=0.0, kind="counterexample", detail=numbers)])


def _notes(ctx) -> list[str]:
    X2, y2 = moons_10d(ctx.seed)[2], moons_10d(ctx.seed)[1]
    return [
        "Eq. (6) says the adversarial loss 'can be written as' the expansion with eps_min: it is its second-order "
        "approximation, at the attack's own eps (eps_min appears only later).",
        "As in Theorem 3.1, A.2.4 substitutes E_r[r_x] = 0: the data must be centred; the real data sets here are "
        "centred before training. The trained networks are ERM-trained (not Mixup): the theorem holds for any theta in "
        "Theta, however found.",
        f"The hypotheses pull against each other on the paper's own 2-d two moons: once centred, the label changes "
        f"{angular_label_changes(X2, y2)} times going around the origin, and a bias-free ReLU net (positively "
        "homogeneous) must change sign as often to reach zero training error; SGD and Adam (widths up to 256, "
        "3000 epochs) stopped at 87-91% training accuracy. The check therefore embeds the moons in 10-d (8 extra "
        "Gaussian coordinates), where zero training error is reached.",
    ]


UNCENTRED = 40


def _uncentred(ctx):
    """The seeded uncentred data set (random bias-free ReLU net, its own labels) most violating the first inequality:
    (relative slack, its numbers, L~_mix)."""
    rng = ctx.rng(34)
    best = None
    for _ in range(UNCENTRED):
        d = int(rng.integers(2, 8))
        X = torch.as_tensor(rng.normal(size=(24, d)) + rng.normal(size=d) * float(rng.choice([1.0, 2.0, 4.0])))
        net = seeded(ReLUMLP(d, (int(rng.integers(4, 16)),) * int(rng.integers(1, 3)), bias=False),
                     int(rng.integers(2**31))).eval()
        with torch.no_grad():
            y = (net(X) > 0).to(X.dtype)
        if y.min() == y.max():
            continue
        a, _, (lhs, mid, _, r) = _slacks(net, X, y)
        if lhs > 0.01 and (best is None or a < best[0]):
            best = (a, f"n = 24, d = {d}, |mean x| = {float(X.mean(0).norm()):.3g}: L~_mix = {lhs:.6g} < mean "
                       f"l~_adv(eps_i sqrt d) = {mid:.6g} (R = {float(r['R']):.3g}, c_x = {float(r['c_x']):.3g})", lhs)
    return best


def angular_label_changes(X2, y) -> int:
    """How often the label changes going once around the origin (2-D data): a positively homogeneous
    classifier, f(c x) = c f(x) for c > 0, must change sign at least this often to fit the data."""
    order = torch.atan2(X2[:, 1], X2[:, 0]).argsort()
    ys = y[order]
    return int((ys[1:] != ys[:-1]).sum() + (ys[0] != ys[-1]))


def moons_10d(seed: int):
    """Centred two moons (n = 100, noise 0.05) with 8 extra N(0, 0.3^2) coordinates, centred again."""
    X2, y = two_moons(100, noise=0.05, seed=seed, centre=True)
    y = y.to(X2.dtype)
    extra = torch.as_tensor(np.random.default_rng([seed, 10]).normal(size=(100, 8)) * 0.3)
    X = torch.cat([X2, extra], 1)
    return X - X.mean(0), y, X2


def _real_data(ctx):
    X, y, _ = moons_10d(ctx.seed)
    # 64-64 for 800 epochs reached zero training error on seeds 0-29 (32-32 for 600 or 1200 missed one point on 13, 23)
    data = {"two moons in 10-d (n = 100, centred)": (X, y, (64, 64), 800)}
    try:
        Xf, yf = fashion_mnist("train", classes=(0, 1), limit=100, seed=ctx.seed)
    except FileNotFoundError as exc:
        raise RuntimeError(f"theorem-3.3 needs Fashion-MNIST: {exc}") from None
    Xf = Xf.reshape(len(Xf), -1).to(torch.float64)
    Xf = Xf - Xf.mean(0)
    # two hidden layers: with one layer of 32 or 64, SGD and Adam stopped at 99% training accuracy on seed 5
    data["Fashion-MNIST T-shirt vs trouser (n = 100, centred, 784-d)"] = (Xf, yf.to(torch.float64), (64, 64), 400)
    return data


def _train(name, X, y, widths, epochs, seed):
    d = X.shape[1]
    return train(lambda: ReLUMLP(d, widths, bias=False), X, y, lr=0.05, momentum=0.9, epochs=epochs, seed=seed,
                 device="cpu", key=f"theorem-3.3/{name}/v3")


def _plot(trained) -> Figure:
    fig = Figure(figsize=(7.0, 4.0))
    ax = fig.add_subplot()
    labels = list(trained)
    x = np.arange(len(labels))
    parts = (("L~_mix (Mixup, Eq. 3)", 0), ("Taylor adv. loss at eps_i sqrt d", 1), ("at eps_min sqrt d", 2),
             ("PGD adversarial loss at eps_min sqrt d", 3))
    for k, (label, idx) in enumerate(parts):
        ax.bar(x + (k - 1.5) * 0.2, [trained[n][idx] for n in labels], 0.2, label=label)
    ax.set_xticks(x, [n.split(" (")[0] for n in labels], fontsize=8)
    ax.set_ylabel("loss")
    ax.set_title("Theorem 3.3 on trained bias-free ReLU networks")
    ax.legend(fontsize=7)
    return fig


CLAIM = Claim(
    id="theorem-3.3",
    paper_ref="Theorem 3.3, Eq. (6), Appendix A.2.4",
    title="ReLU nets: L~_mix upper-bounds the Taylor adversarial loss (Eq. 6) at radii eps_i sqrt(d) >= eps_min sqrt(d)",
    statement=(r"\tilde L_n^{mix}(\theta,S)\ge\frac1n\sum_i\tilde\ell_{adv}(\varepsilon_i\sqrt d,(x_i,y_i))"
               r"\ge\frac1n\sum_i\tilde\ell_{adv}(\varepsilon_{min}\sqrt d,(x_i,y_i)),\ "
               r"R_i = |\cos(\nabla f_\theta(x_i), x_i)|,\ "
               r"\varepsilon_i = R_ic_x\mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda]"),
    hypotheses=("f(x_i) = grad f(x_i)^T x_i and Hess f(x_i) = 0 (bias-free ReLU / max-pooling networks)",
                "theta in Theta (zero training error), logistic loss, y in {0, 1}",
                "||x_i|| >= c_x sqrt(d) (c_x = min_i ||x_i|| / sqrt(d))",
                "unstated but needed: centred data (as in Theorem 3.1)"),
    derivation="derivations.theorem_3_3",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("instances", f"{RANDOM_CASES} random bias-free ReLU nets (1-2 hidden layers of 4-15) on centred Gaussian "
                "data (n = 24, d = 2-7) labelled by the net (theta in Theta), the hardest instances of a grid search over "
                f"the signal strength, n, d, alpha/beta and the family of data and net ({_grid_size()} instances, equal "
                "norms and equal |cos| included), and two ERM-trained (not Mixup-trained) "
                "bias-free ReLU nets 64-64 at zero training error: centred two moons embedded in 10-d (n = 100) and "
                "centred Fashion-MNIST T-shirt vs trouser (n = 100, 784-d); alpha = beta = 1 outside the search"),
)
