r"""theorem-b1: Assumption B.1 and Theorem B.1, a radius for ReLU networks that does not shrink with n (Appendix B.2).

**Vacuous as printed.** Assumption B.1 asks the minimizers :math:`\hat\Theta_n` of :math:`\tilde L^{mix}_n` to lie in
:math:`\Theta` (zero training error). For a positively homogeneous net, :math:`\tilde L^{mix}_n(c\theta)\to0` as the
output layer is scaled by :math:`c\to\infty` for any :math:`\theta\in\Theta` (``cx-no-minimizer``), so no minimizer
lies in :math:`\Theta` and the printed theorem holds vacuously; ":math:`\delta_n\to0` as :math:`n\to0`" is no limit of
:math:`n\ge N` either.

**Two readings are checked** (the paper does not say which repair it means):

- *the proof's* (headline): every :math:`\theta\in\Theta^*\cap\Theta`, :math:`\Theta^* = \{\theta\}` (then
  :math:`\delta_n = 0`), labels :math:`y_i = 1\{f_\theta(x_i) > 0\}` so that :math:`\theta\in\Theta`;
- *the minimizers* (sensitivity row; the reading the paper's use needs): :math:`\hat\Theta_n` = the unconstrained
  minimizers of :math:`\tilde L^{mix}_n`, at :math:`\mathcal F_\Theta`'s linear member :math:`f_\theta(x) = \theta^\top x`
  (:math:`f = \nabla f^\top x`, :math:`\nabla^2 f = 0`; a two-unit ReLU net :math:`b(\mathrm{ReLU}(w^\top x) -
  \mathrm{ReLU}(-w^\top x))`) on theorem-3.2's weak-signal instance (d = 2, :math:`y\sim\mathrm{Bern}(g(x_1/16))`,
  n = 16000), :math:`\Theta^*` a cone with norms :math:`[r_{lo}, r_{hi}]` holding 90% of 40 pilot minimizers, so
  :math:`\tau' = r_{lo}`, :math:`\tau'' = r_{hi}`, :math:`\kappa_2 = g(B)`.

**The headline instance is the hardest one a search found.** The search (``search``) runs over the net (seeded
12- and 4-unit nets, the two-unit linear net), its scale :math:`\tau''` (1, 0.1, 0.01), the law of x (uniform on the
sphere of radius :math:`\sqrt d`, or a *two-zone* law: with probability 0.3 :math:`|\cos(x, e_1)|` uniform on
[0.85, 0.95], otherwise 0.01, the rest of x uniform on the orthogonal sphere) and d (3, 10), with
:math:`\tilde R` over the largest valid radius smallest for the two-unit linear net at :math:`\tau'' = 0.01` on the two-zone
law, d = 3: there :math:`\kappa\to\frac14`, :math:`\kappa_1 = \kappa_2 = \frac12`, :math:`\tilde R\to\tau p/2`, while the
largest valid radius tends to :math:`\mathbb E|\cos(x,\nabla f)|\approx p\tau`: the factor 2 left is Hoeffding's
:math:`\hat p\ge p/2` (derivations/theorem_b1.py).

**Set-up.** :math:`f_\theta(x) = \beta^\top\mathrm{ReLU}(Wx)` bias-free, :math:`\tau'' = \sup_x\|\nabla f_\theta(x)\|` (the
largest :math:`\|W^\top(\beta\odot a)\|` over the realised activation patterns, ``relu_gradient_bound``), so
:math:`f = \nabla f^\top x` and :math:`\nabla^2 f = 0` a.e. (:math:`f\in\mathcal F_\Theta`). Each data set (n = 1000) is
centred (the proof goes through Theorem 3.3's, which needs it). The constants are fixed before S from
:math:`\Theta^*` and the support: with :math:`b_x = 1.25` and :math:`B = \tau''b_x\sqrt d\ge|f_\theta(x)|`,
:math:`\kappa = g(B)g(-B)`, :math:`\kappa_1 = g(-B)`, :math:`\kappa_2 = 1/2` (on :math:`\Theta`, :math:`|g - y| = g(-|f|)`).
:math:`p_{\tau,\tau'}` is a Monte Carlo estimate (400,000 fresh points) lowered by ``Z_MC`` standard errors: the theorem
with the true p implies it with a smaller p (:math:`\tilde R` and the guarantee both increase with p), so a failure still
refutes. It is tested at two (:math:`\tau, \tau'`): the pair that maximises :math:`\tilde R` on a pilot sample, and a large
:math:`\tau` (the 90% quantile of :math:`|\cos(x,\nabla f(x))|` among pilot points with :math:`\|\nabla f\|\ge\tau'`).

**What decides** (``holds-...``): the frequency over 100 data sets of
:math:`\tilde L^{mix}_n(\theta,S)\ge\frac1n\sum_i\tilde\ell_{adv}(\tilde\varepsilon_{min}\sqrt d,(x_i,y_i))` (closed
forms, checked against ``approx_mixup_loss`` and ``taylor_adversarial_parts``) must reach
:math:`1 - \delta_n - 2e^{-np^2/2}` up to ``Z_MC`` binomial standard errors. Tightness: :math:`\tilde R` over the smallest
largest-valid radius among the data sets; the trivial radius is 0. **Power**: the same criterion rejects
:math:`\tilde R = \tau` (the proof's min-factor, which accounts for the points outside :math:`\mathcal X_{\Theta^*}`,
dropped).

**Verdict: design-dependent.** In the proof's reading the inequality holds on the hardest instance with
:math:`\tilde R` about half the largest valid radius (verified-with-erratum); at the minimizers it fails on the linear
member (refuted): the same finding as theorem-3.2's, with B.1's smaller radius (:math:`\tau'/\tau'' < 1`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from scipy import special

from ..adversarial import taylor_adversarial_parts
from ..certified import (
    Cone,
    bounded_set_constants,
    failure_probability,
    fit_logistic_mixup,
    logistic_largest_radius,
    logistic_slack,
    logistic_slack_tolerance,
    p_tau_cone,
    relu_gradient_bound,
    sphere_logistic_data,
    theorem_b1_radius,
    two_zone_data,
)
from ..claim import Claim, Context, Erratum, Evidence, Outcome, Scope, at_least, at_most, differs, holds, reported, row
from ..claim import tightness as tightness_
from ..laws import tilde_lambda_law
from ..losses import approx_mixup_loss
from ..numerics import Z_MC, Tol, exact, ulps

N = 1000
DATASETS = 100
B_X = 1.25
ALPHA = BETA = 1.0
PILOT, P_DRAWS = 50_000, 400_000
TAU_HIGH_QUANTILE = 0.9
LIB_N = 120
#: The two-zone law: with probability ZONE_P, |cos(x, e_1)| uniform on ZONE; otherwise BOUNDARY_COS.
ZONE_P, ZONE, BOUNDARY_COS = 0.3, (0.85, 0.95), 0.01


class Instance(NamedTuple):
    """A net (``net``: "linear-2", "seeded-4", "seeded-12"), its scale tau'', the law of x ("sphere" or "two-zone")
    and d."""

    net: str
    scale: float
    law: str
    d: int

    def words(self) -> str:
        return f"{self.net} net, tau'' = {self.scale:g}, x {self.law}, d = {self.d}"


HEADLINE = Instance("linear-2", 0.01, "two-zone", 3)
#: The search (sensitivity runs): every net x scale x law x d, SEARCH_SETS data sets each.
SEARCH_NETS, SEARCH_SCALES, SEARCH_LAWS, SEARCH_D = ("seeded-12", "seeded-4", "linear-2"), (1.0, 0.1, 0.01), \
    ("sphere", "two-zone"), (3, 10)
SEARCH_SETS, SEARCH_PILOT = 10, 20_000
#: The minimizers' reading (sensitivity row): theorem-3.2's weak-signal instance, the linear member of F_Theta.
MIN_D, MIN_SIGNAL, MIN_N, MIN_PILOT, MIN_SETS, MIN_SHARE = 2, 1 / 16, 16000, 40, 40, 0.9
VACUOUS = ("Assumption B.1 asks the minimizers of L~_mix to lie in Theta (zero training error), but for a positively "
           "homogeneous net L~_mix(c theta) -> 0 as the output layer grows (c -> infinity) for every theta in Theta, so "
           "none does; and delta_n -> 0 'as n -> 0' is no limit of n >= N. No data set meets the hypotheses, so the "
           "printed theorem holds vacuously")


class Net:
    r"""Bias-free :math:`f(x) = \beta^\top\mathrm{ReLU}(Wx)` with closed-form values and input gradients."""

    def __init__(self, W, beta):
        self.W, self.beta = np.asarray(W, float), np.asarray(beta, float)

    def __call__(self, X):
        Z = X @ self.W.T
        return np.maximum(Z, 0.0) @ self.beta, ((Z > 0) * self.beta) @ self.W

    def torch_module(self):
        k, d = self.W.shape
        net = torch.nn.Sequential(torch.nn.Linear(d, k, bias=False, dtype=torch.float64), torch.nn.ReLU(),
                                  torch.nn.Linear(k, 1, bias=False, dtype=torch.float64))
        with torch.no_grad():
            net[0].weight.copy_(torch.as_tensor(self.W))
            net[2].weight.copy_(torch.as_tensor(self.beta)[None, :])
        return lambda X: net(X).squeeze(-1)


def make_net(inst: Instance, rng) -> tuple[Net, float]:
    """The instance's net scaled so that tau'' = sup ||grad f|| (over the realised activation patterns where there are
    at most 10 units, else over all of them: an upper bound) is ``inst.scale``; and tau''."""
    if inst.net == "linear-2":  # b (ReLU(e_1^T x) - ReLU(-e_1^T x)) = b x_1: grad f = b e_1 everywhere
        e = np.eye(inst.d)[0]
        W, beta = np.stack([e, -e]), np.array([1.0, -1.0])
    else:
        k = int(inst.net.split("-")[1])
        W, beta = rng.normal(size=(k, inst.d)) / math.sqrt(inst.d), rng.normal(size=k)
    bound = relu_gradient_bound(W, beta, realised=len(beta) <= 10)
    return Net(W, beta * inst.scale / bound), inst.scale


def draw(inst: Instance, n, rng):
    """n points of the instance's law on the sphere of radius sqrt(d) (not centred)."""
    if inst.law == "two-zone":
        return two_zone_data(n, inst.d, rng, ZONE_P, ZONE, BOUNDARY_COS)
    Z = rng.normal(size=(n, inst.d))
    return Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(inst.d)


def _cos_grad(net, X):
    f, G = net(X)
    gn = np.linalg.norm(G, axis=1)
    cos = np.abs(f) / np.maximum(gn * np.linalg.norm(X, axis=1), 1e-300)  # f = grad f^T x
    return f, G, gn, cos


def parts(net, X, y, m1, m2):
    """L_std, R1, R2 (R3 = 0) of Eq. (3) on centred X, and the mean first/second-order terms of l~_adv."""
    f, G, gn, _ = _cos_grad(net, X)
    g = special.expit(f)
    s = g * (1 - g)
    Sig = X.T @ X / len(X)
    lstd = float(np.mean((1 - y) * np.logaddexp(0, f) + y * np.logaddexp(0, -f)))
    r1 = m1 * float(np.mean((y - g) * f))
    r2 = m2 / 2 * float(np.mean(s * (np.einsum("ij,jk,ik->i", G, Sig, G) + f * f)))
    return lstd, r1, r2, float(np.mean(np.abs(g - y) * gn)), float(np.mean(s * gn**2)) / 2


def slack(pt, eta) -> float:
    """L~_mix - mean l~_adv(eta) = R1 + R2 - eta A - eta^2 C."""
    _, r1, r2, A, C = pt
    return r1 + r2 - eta * A - eta**2 * C


def largest_radius(pt, scale) -> float:
    """The largest R with slack(R * scale) >= 0 (slack is a concave quadratic in eta)."""
    _, r1, r2, A, C = pt
    c = r1 + r2
    return (-A + math.sqrt(A * A + 4 * C * c)) / (2 * C) / scale if c >= 0 else 0.0


class _Setup(NamedTuple):
    """What every step shares: the instance, the law's moments E[(1-lambda)^k], the net, tau'', B and Theorem B.1's
    constants."""
    inst: Instance
    m1: float
    m2: float
    net: Net
    tau2: float
    Bf: float
    kappa: float
    kappa1: float
    kappa2: float


def check(ctx: Context, *, radius=theorem_b1_radius) -> Outcome:
    """``radius(p, tau, tau', tau'', kappa, kappa1, kappa2)`` is Theorem B.1's R~; plant a wrong one to see the decisive
    evidence reject it. The (tau, tau') pair is chosen with the paper's R~, so a planted formula does not move the design."""
    out = Outcome()
    s = _setup(ctx, HEADLINE)
    pairs = _tau_pairs(ctx.rng(801), s, PILOT)
    design, gn_max = _estimate_p(ctx.rng(802), s, pairs, P_DRAWS)
    out.evidence.append(at_most(
        "tau2-bound", f"tau'' = max over realised activation patterns of ||W^T (beta . a)|| bounds ||grad f(x)|| on "
        f"{P_DRAWS} points of the law", gn_max, s.tau2, ulps(1e3, s.tau2, "tau''")))
    rows = _data_sets(ctx.rng(803), s, design, DATASETS)
    out.evidence.append(_norm_condition(rows))
    out.evidence.append(_library_check(s.net, rows[0], s.m1, s.m2))
    out.evidence += _guarantee_holds(rows, design, s, radius)
    out.evidence += _power_checks(rows, design)
    errata, ev = _errata(s, rows)
    out.errata += errata
    out.evidence += ev
    out.notes += _notes(design, rows, s)
    out.vacuous = _vacuous(out)
    if ctx.sensitivity:
        search = _search(ctx)
        out.evidence.append(_search_evidence(search))
        outcome, value, detail = _minimizers_reading(ctx, out.errata)
        out.sensitivity.append(row(
            "reading of Theta_hat_n", f"the minimizers of L~_mix (unconstrained), at F_Theta's linear member f = theta^T x "
            f"(theorem-3.2's instance: d = {MIN_D}, y ~ Bern(g(x_1/{1 / MIN_SIGNAL:g})), n = {MIN_N})", outcome,
            value=value, detail=detail))
    return out


def _setup(ctx: Context, inst: Instance) -> _Setup:
    """The instance's net, the moments of D~_lambda and the constants fixed before S from the support."""
    law = tilde_lambda_law(ALPHA, BETA)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    net, tau2 = make_net(inst, ctx.rng(800))
    Bf = tau2 * B_X * math.sqrt(inst.d)  # >= |f(x)| on the support
    kappa, kappa1, _ = bounded_set_constants(tau2, B_X, inst.d)  # g(B)g(-B), g(-B)
    kappa2 = 0.5  # on Theta (zero training error) |g - y| = g(-|f|) <= 1/2
    return _Setup(inst, m1, m2, net, tau2, Bf, kappa, kappa1, kappa2)


def _tau_pairs(rng, s: _Setup, pilot) -> dict:
    """The two (tau, tau') pairs from a pilot sample: the one maximising the paper's R~, and a large tau."""
    _, _, gn_p, cos_p = _cos_grad(s.net, draw(s.inst, pilot, rng))
    moving = gn_p[gn_p > 0]  # tau' > 0: quantiles among the points where some unit is active
    best = None
    for t1 in np.unique(np.quantile(moving, [0.1, 0.3, 0.5])):
        for t in np.linspace(0.01, 0.99, 99):
            ph = float(np.mean((cos_p >= t) & (gn_p >= t1)))
            if 0 < ph < 1:
                r = theorem_b1_radius(ph, t, t1, s.tau2, s.kappa, s.kappa1, s.kappa2)
                if best is None or r > best[0]:
                    best = (r, float(t), float(t1))
    t1_low = float(np.quantile(moving, 0.1))
    # tau-high: the 90% quantile of |cos| among points with ||grad f|| >= tau': a large admissible tau
    t_high = float(np.quantile(cos_p[gn_p >= t1_low], TAU_HIGH_QUANTILE))
    return {"tau-best": (best[1], best[2]), "tau-high": (t_high, t1_low)}


def _estimate_p(rng, s: _Setup, pairs, draws) -> tuple[dict, float]:
    """p_{tau,tau'} per pair from an independent sample, lowered by Z_MC standard errors, and the failure probability
    2 exp(-n p^2/2); also the largest ||grad f|| on that sample."""
    _, _, gn_q, cos_q = _cos_grad(s.net, draw(s.inst, draws, rng))
    design = {}
    for key, (t, t1) in pairs.items():
        hit = (cos_q >= t) & (gn_q >= t1)
        ph, se = float(hit.mean()), float(math.sqrt(hit.mean() * (1 - hit.mean()) / draws))
        p = ph - Z_MC * se
        design[key] = dict(tau=t, tau1=t1, p=p, p_hat=ph, fail=2 * math.exp(-N * p * p / 2))
    return design, float(gn_q.max())


def _data_sets(rng, s: _Setup, design, count) -> list[dict]:
    """Per centred data set labelled by the net: the closed-form parts, c_x, b_x, the radius scale, the round-off,
    the largest valid radius and the fraction of points in X(tau, tau') per pair."""
    rows = []
    for _ in range(count):
        X = draw(s.inst, N, rng)
        X = X - X.mean(0)
        f, _, gn, cos = _cos_grad(s.net, X)
        y = (f > 0).astype(float)
        pt = parts(s.net, X, y, s.m1, s.m2)
        nx = np.linalg.norm(X, axis=1) / math.sqrt(s.inst.d)
        c_x = float(nx.min())
        scale = c_x * s.m1 * math.sqrt(s.inst.d)
        tol = ulps(1e3, max(1.0, abs(sum(pt[:3])))).value
        rows.append(dict(pt=pt, c_x=c_x, b_x=float(nx.max()), scale=scale, tol=tol, X=X, y=y,
                         R_max=largest_radius(pt, scale), p_hat={key: float(np.mean((cos >= v["tau"]) & (gn >= v["tau1"])))
                                                                 for key, v in design.items()}))
    return rows


def _norm_condition(rows) -> Evidence:
    """c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d) on every data set."""
    norm_ok = all(r["b_x"] <= B_X for r in rows)
    return holds(
        "norms", f"norm condition c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d), b_x = {B_X:g}, on every centred data set",
        norm_ok and min(r["c_x"] for r in rows) > 0, exact("comparison of the norms"),
        value=[min(r["c_x"] for r in rows), max(r["b_x"] for r in rows)], reference=[0.0, B_X])


def _frequency(rows, R) -> float:
    """The fraction of data sets on which L~_mix >= mean l~_adv(R c_x E[1-lambda] sqrt d) (slack >= -1e3 ulp)."""
    return float(np.mean([slack(r["pt"], R * r["scale"]) >= -r["tol"] for r in rows]))


def _band(freq, K_) -> Tol:
    """Z_MC binomial standard errors of a frequency over K_ data sets."""
    return Tol(Z_MC * math.sqrt(max(freq * (1 - freq), 1 / K_) / K_),
               f"{Z_MC:g} binomial standard errors of the frequency over {K_} data sets (floor 1/sqrt(K) on the "
               "standard error); a data set counts when the slack is >= -1e3 ulp")


def _guarantee_holds(rows, design, s: _Setup, radius) -> list[Evidence]:
    """Decisive: at each (tau, tau') the frequency of the inequality at R~ reaches 1 - delta_n - 2 exp(-n p^2/2);
    records R~ in ``design[key]["R"]``."""
    ev = []
    R_max = np.array([r["R_max"] for r in rows])
    k = int(np.argmin(R_max))
    for key, v in design.items():
        R = radius(v["p"], v["tau"], v["tau1"], s.tau2, s.kappa, s.kappa1, s.kappa2)
        freq, guarantee = _frequency(rows, R), 1 - v["fail"]
        hoeff = float(np.mean([r["p_hat"][key] >= v["p"] / 2 for r in rows]))
        ev.append(at_least(
            f"holds-{key}",
            f"{key}: P(L~_mix >= mean l~_adv(eps~_min sqrt d)) >= 1 - delta_n - 2 exp(-n p^2/2), R~ = {R:.3g}", freq,
            guarantee, _band(freq, len(rows)), kind="monte-carlo", role="decisive",
            detail=(f"tau = {v['tau']:.3f}, tau' = {v['tau1']:.4g}, tau'' = {s.tau2:g}, p = {v['p']:.4f} (estimate "
                    f"{v['p_hat']:.4f}), kappa = {s.kappa:.4g}, kappa1 = {s.kappa1:.4g}, kappa2 = {s.kappa2:g}, "
                    f"delta_n = 0; Hoeffding event p_hat >= p/2 on {hoeff:.2f} of data sets; largest valid R: median "
                    f"{np.median(R_max):.4g}, smallest {R_max[k]:.4g}"),
            tightness=tightness_(R / R_max[k], "R = 0 (L~_mix >= L_std on Theta, centred data)",
                                 instance=f"{s.inst.words()}, n = {N}, data set {k} of {len(rows)}: the inequality holds "
                                          f"up to R = {R_max[k]:.4g}")))
        v["R"] = R
    return ev


def _power_checks(rows, design) -> list[Evidence]:
    """Power: the decisive criterion on R~ = tau (the min-factor dropped); passes when rejected at some (tau, tau')."""
    res = {}
    for key, v in design.items():
        freq = _frequency(rows, v["tau"])
        res[key] = (v["tau"], freq, 1 - v["fail"], freq < 1 - v["fail"] - _band(freq, len(rows)).value)
    return [holds(
        "power-naive-tau", "wrong version R~ = tau (the min-factor dropped): rejected at some (tau, tau')",
        any(r[3] for r in res.values()), "the decisive criterion applied to the wrong radius",
        value={k: r[1] for k, r in res.items()}, reference={k: r[2] for k, r in res.items()}, kind="monte-carlo",
        role="power", detail="; ".join(f"{k}: R = {r[0]:.3g}, frequency {r[1]:.2f} vs guarantee {r[2]:.3f}"
                                       for k, r in res.items()))]


def _notes(design, rows, s: _Setup) -> list[str]:
    """The tightness found, the typos of Appendix B.1, and the i.i.d. caveat."""
    R_max = np.array([r["R_max"] for r in rows])
    R = design["tau-best"]["R"]
    return [
        f"At the hardest instance found ({s.inst.words()}) R~ = {R:.3g} at the best (tau, tau') against a largest valid "
        f"R of {np.median(R_max):.3g} (median; smallest {R_max.min():.3g}): a factor {R_max.min() / R:.3g}, about the 2 "
        "of Hoeffding's step p_hat >= p/2 (at p_hat = p the radius would be twice R~). kappa1 = g(-B) and kappa = "
        "g(B)g(-B) decay like exp(-B) with "
        f"B = tau'' b_x sqrt(d) = {s.Bf:.3g}, so larger nets (tau'' = 1) are far looser (the search).",
        "Appendix B.1's ratio displays print the same sum (over x_i in X) above and below the bar, as in A.2.3; the "
        "numerator runs over x_i not in X. Its kappa term reads '(2 - p)/4 tau''^2': it is (2 - p) tau''^2 / 4 (from "
        "g(1-g) <= 1/4 and ||grad f||^2 <= tau''^2). The statement writes eps~_mix for eps~_min.",
        "p_{tau,tau'} and Hoeffding are for i.i.d. points; the proof counts the centred points (their p_hat is reported).",
    ]


def _library_check(net, row_, m1, m2):
    """The closed forms against approx_mixup_loss and taylor_adversarial_parts on the first LIB_N points (re-centred)."""
    X = row_["X"][:LIB_N] - row_["X"][:LIB_N].mean(0)
    y = (net(X)[0] > 0).astype(float)
    pt = parts(net, X, y, m1, m2)
    f = net.torch_module()
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)
    with torch.no_grad():
        lib = float(approx_mixup_loss(f, Xt, yt, ALPHA, BETA))
    lp = {k: v.detach() for k, v in taylor_adversarial_parts(f, Xt, yt, norm=2).items()}
    ours = (sum(pt[:3]), pt[3], pt[4])
    theirs = (lib, float(lp["first"].mean()), float(lp["second"].mean()))
    gap = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(ours, theirs))
    return at_most("library", "closed-form L~_mix, mean |g - y| ||grad f||, mean g(1-g) ||grad f||^2 / 2 = "
                   "approx_mixup_loss, taylor_adversarial_parts (library)", gap, 0.0,
                   ulps(1e3, of="max(1, |library value|): the gap is relative"), detail=f"n = {LIB_N}: {ours} vs {theirs}")


def _errata(s: _Setup, rows):
    """Each erratum with the evidence holding its counterexample."""
    ev, errata = _erratum_no_minimizer(s, rows)
    e, err = _errata_constants_and_typos(rows)
    return errata + err, ev + e


def _erratum_no_minimizer(s: _Setup, rows):
    """Theta_hat_n within Theta: L~_mix has no minimizer in Theta (scaling the output layer)."""
    net, m1, m2 = s.net, s.m1, s.m2
    errata, ev = [], []
    X = rows[0]["X"]
    for _ in range(5):  # drop the points where every unit is inactive (f = 0: loss log 2 at any scale), re-centre
        X = X[np.abs(net(X)[0]) > 0]
        X = X - X.mean(0)
    y = (net(X)[0] > 0).astype(float)
    # c in units of the smallest margin: at c = 64 / min|f(x_i)| every term of L~_mix is below ~c^2 e^-64 of its scale
    cs = np.concatenate([[1.0], 2.0 ** np.arange(0, 7) / float(np.min(np.abs(net(X)[0])))])
    vals = [sum(parts(Net(net.W, c * net.beta), X, y, m1, m2)[:3]) for c in cs]
    no_min = bool(np.all(np.abs(net(X)[0]) > 0) and min(vals) > 0 and vals[-1] < 1e-3 * min(vals[:-1]))
    ev.append(holds(
        "cx-no-minimizer", "theta in Theta (zero training error): L~_mix(c theta) -> 0 as the output layer is scaled by "
        "c -> infinity and L~_mix > 0, so L~_mix has no minimizer in Theta", no_min,
        "all values > 0 (L_std > 0, R1 >= 0 on Theta, R2 >= 0) and the last below 1e-3 x every earlier one",
        value=vals[-1], reference="a minimum attained", kind="counterexample",
        detail="L~_mix(c theta) at c = 1 and 2^k / min_i |f(x_i)|, k = 0..6: " + ", ".join(f"{v:.3g}" for v in vals)
               + f" (not monotone: R2 grows like c^2 before g(1-g) decays); first data set without its points where "
                 f"every unit is inactive (f = 0, loss log 2 at any scale), re-centred: n = {len(X)}"))
    errata.append(Erratum(
        location="Assumption B.1 and Theorem B.1 ('Theta_hat_n within Theta, the set of minimizers of L~_mix'; "
                 "'if we further have theta in Theta_hat_n')",
        statement="the bound holds for theta in Theta_hat_n, the minimizers of L~_mix, a subset of Theta (zero training error)",
        correction="for a positively homogeneous net L~_mix -> 0 along c theta for any theta in Theta, so Theta_hat_n is "
                   "empty and the theorem vacuous; read it for every theta in Theta* and Theta (what the proof, through "
                   "Theorem 3.3, uses), or at the unconstrained minimizers (the paper's use); both are checked",
        counterexample="first data set, the headline net: L~_mix(c theta) = " + ", ".join(f"{v:.3g}" for v in vals)
                       + " at c = 1 and 2^k / min_i |f(x_i)|, k = 0..6", kind="hypothesis", evidence="cx-no-minimizer"))
    return ev, errata


def _errata_constants_and_typos(rows):
    """Constants chosen after S (no content), tau'' never defined, delta_n -> 0 'as n -> 0'."""
    errata, ev = [], []
    tiny = theorem_b1_radius(1.0, 0.99, 1e-3, 1.0, 1e-6, 1e-6, 1.0)
    held = float(np.mean([slack(r["pt"], tiny * r["scale"]) >= -r["tol"] for r in rows]))
    ev.append(holds(
        "cx-constants-after-S", "constants chosen after S: tau = 0.99, p = 1, kappa = kappa1 = 1e-6: the inequality holds "
        "although X(0.99, tau') is nearly empty", held == 1.0, f"fraction of the {len(rows)} data sets", value=held,
        reference="needs Assumption B.1", kind="counterexample", detail=f"R~ = {tiny:.3g}"))
    errata.append(Erratum(
        location="Theorem B.1, 'there exist constants kappa > 0, kappa2 > kappa1 > 0'",
        statement="with probability ..., there exist constants kappa, kappa1, kappa2 such that ...",
        correction="the constants are fixed before S by Theta* and the support ('by boundedness of theta, x'): "
                   "kappa = g(B)g(-B), kappa1 = g(-B), kappa2 = g(B) (1/2 on Theta), B = tau'' b_x sqrt(d)",
        counterexample=f"chosen after S, tau = 0.99, p = 1, kappa = kappa1 = 1e-6 make the inequality hold on "
                       f"{held:.0%} of the data sets without Assumption B.1", kind="hypothesis",
        evidence="cx-constants-after-S"))

    # tau'' is never defined
    errata.append(Erratum(
        location="Theorem B.1 and Appendix B.1 (tau'' in R~ and in the ratio bounds)",
        statement="R~ = min{sqrt(p kappa tau'^2/((2-p)/4 tau''^2 + p kappa tau'^2)), p kappa1 tau'/(p kappa1 tau' + "
                  "(2-p) kappa2 tau'')} tau, tau'' not defined",
        correction="tau'' >= sup over Theta* and the support of ||grad f_theta(x)|| (the proof bounds ||grad f|| by tau'' "
                   "outside X_Theta*); here tau'' = max over realised activation patterns of ||W^T (beta . a)||",
        counterexample="no value: the symbol is undefined; the derivation recovers both components of R~ with this tau''",
        kind="hypothesis", evidence="tau2-bound"))

    # delta_n -> 0 as n -> 0
    ev.append(differs(
        "cx-n-to-zero", "delta_n -> 0 as n -> 0 (Assumption B.1): delta_n is defined for integers n >= N >= 1, whose "
        "distance to 0 is at least 1, so n -> 0 is not a limit of its domain", 1, 0, exact("integers")))
    errata.append(Erratum(
        location="Assumption B.1", statement="delta_n -> 0 as n -> 0",
        correction="delta_n -> 0 as n -> infinity (delta_n is defined for integers n >= N >= 1)",
        counterexample="n -> 0 is not a limit of the domain n >= N >= 1", kind="typo", evidence="cx-n-to-zero"))
    return ev, errata


def _vacuous(out) -> str:
    """The claim's reason with the number that shows it, when the evidence does; "" when it does not."""
    ev = out.by_id("cx-no-minimizer")
    return f"{VACUOUS}: on the first data set L~_mix(c theta) falls to {ev.value:.2g} as c grows" if ev.passed else ""


# --- the sensitivity runs: the search over instances, the minimizers' reading -------------------------------------

def _search(ctx) -> list[dict]:
    """Every instance of the grid: (tau, tau') from a pilot sample, p from another, and R~ over the smallest largest
    valid radius on SEARCH_SETS data sets."""
    out = []
    grid = [Instance(net, sc, law, d) for net in SEARCH_NETS for sc in SEARCH_SCALES for law in SEARCH_LAWS
            for d in SEARCH_D]
    for k, inst in enumerate(grid):
        rng = ctx.rng(2000 + k)
        s = _setup(ctx, inst)
        design, _ = _estimate_p(rng, s, _tau_pairs(rng, s, SEARCH_PILOT), SEARCH_PILOT)
        rows = _data_sets(rng, s, design, SEARCH_SETS)
        v = design["tau-best"]
        R = theorem_b1_radius(v["p"], v["tau"], v["tau1"], s.tau2, s.kappa, s.kappa1, s.kappa2)
        R_max = min(r["R_max"] for r in rows)
        out.append(dict(inst=inst, R=R, ratio=R_max / R, held=_frequency(rows, R)))
    return out


def _search_evidence(search):
    """The search's table, its hardest instance first (context)."""
    ranked = sorted(search, key=lambda r: r["ratio"])
    worst = ranked[0]
    return reported(
        "search", "hardest-instance search in the proof's reading: smallest largest valid R / R~ over the grid (net in "
        f"{SEARCH_NETS}, tau'' in {SEARCH_SCALES}, x {SEARCH_LAWS}, d in {SEARCH_D})", worst["ratio"],
        why=f"{SEARCH_SETS} data sets of n = {N} per instance; (tau, tau') and p from {SEARCH_PILOT} points each",
        detail=f"hardest: {worst['inst'].words()} (inequality held on {worst['held']:.0%}); all, hardest first: "
               + "; ".join(f"({r['inst'].net}, {r['inst'].scale:g}, {r['inst'].law}, {r['inst'].d}): {r['ratio']:.3g}"
                           for r in ranked) + " [(net, tau'', law, d): ratio]")


def _minimizers_reading(ctx, errata):
    """Theorem B.1 at the unconstrained minimizers of L~_mix for f = theta^T x (in F_Theta): Theta* a cone read off
    pilots, tau' = r_lo and tau'' = r_hi its norm range, kappa2 = g(B) (outside Theta); the decisive frequency."""
    law = tilde_lambda_law(ALPHA, BETA)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    rng = ctx.rng(804)
    u = np.eye(MIN_D)[0]
    start = MIN_SIGNAL * u

    def sample():
        return sphere_logistic_data(MIN_N, MIN_D, MIN_SIGNAL, rng)[:2]

    cone = Cone.around([fit_logistic_mixup(*sample(), m1, m2, (start,), newton=False)[0] for _ in range(MIN_PILOT)],
                       u, share=MIN_SHARE)
    kappa, kappa1, kappa2 = bounded_set_constants(cone.r_hi, B_X, MIN_D)
    taus = np.linspace(0.01, math.cos(cone.phi) - 0.01, 400)
    radii = [theorem_b1_radius(p_tau_cone(t, cone.phi, MIN_D), t, cone.r_lo, cone.r_hi, kappa, kappa1, kappa2) for t in taus]
    tau = float(taus[int(np.argmax(radii))])
    p = p_tau_cone(tau, cone.phi, MIN_D)
    R = max(radii)
    held, inside, R_max = [], [], []
    for _ in range(MIN_SETS):
        X, y = sample()
        theta, dist, _ = fit_logistic_mixup(X, y, m1, m2, (start,))
        scale = float(np.min(np.linalg.norm(X, axis=1))) * m1
        held.append(logistic_slack(theta, X, y, R * scale, m1, m2)
                    >= -logistic_slack_tolerance(theta, X, y, R * scale, m1, m2, dist))
        inside.append(cone.contains(theta))
        R_max.append(logistic_largest_radius(theta, X, y, m1, m2) / scale)
    freq, delta = float(np.mean(held)), 1 - float(np.mean(inside))
    guarantee = 1 - delta - failure_probability(MIN_N, p)
    band = Tol(Z_MC * math.sqrt(freq * (1 - freq) / MIN_SETS + delta * (1 - delta) / MIN_SETS),
               f"{Z_MC:g} binomial standard errors of the frequency and of delta_n over {MIN_SETS} data sets")
    ev = at_least("minimizers-holds", f"the minimizers of L~_mix, f = theta^T x: P(inequality at R~ = {R:.3g}) >= "
                  "1 - delta_n - 2 exp(-n p^2/2)", freq, guarantee, band, kind="monte-carlo", role="decisive")
    detail = (f"frequency {freq:.3f} against {guarantee:.3f}; R~ = {R:.3g} (tau = {tau:.3f}, p = {p:.3f}, tau' = "
              f"{cone.r_lo:.4f}, tau'' = {cone.r_hi:.4f}), largest valid R median {np.median(R_max):.3g}; delta_n = "
              f"{delta:.3f}")
    return Outcome(evidence=[ev], errata=errata), freq, detail


CLAIM = Claim(
    id="theorem-b1",
    paper_ref="Theorem B.1, Assumption B.1 (Appendix B.2, proof in B.1)",
    title="ReLU nets: with probability >= 1 - delta_n - 2exp(-n p^2/2), L~_mix bounds the Taylor adversarial loss at a "
          "radius that does not shrink with n",
    statement=(r"\mathcal X_{\Theta^*}(\tau,\tau') = \{x: |\cos(x,\nabla f_\theta(x))|\ge\tau,\ \|\nabla f_\theta(x)\|\ge\tau'\ "
               r"\forall\theta\in\Theta^*\},\ p_{\tau,\tau'}\in(0,1);\ c_x\sqrt d\le\|x_i\|\le b_x\sqrt d\ \Rightarrow\ "
               r"\text{w.p.}\ge1-\delta_n-2e^{-np_{\tau,\tau'}^2/2}:\ \theta\in\hat\Theta_n\Rightarrow"
               r"\tilde L_n^{mix}(\theta,S)\ge\frac1n\sum_i\tilde\ell_{adv}(\tilde\varepsilon_{min}\sqrt d,(x_i,y_i)),\ "
               r"\tilde\varepsilon_{min} = \tilde Rc_x\mathbb E[1-\lambda],\ \tilde R = \min\Big\{\sqrt{\frac{p\kappa\tau'^2}"
               r"{(2-p)\tau''^2/4+p\kappa\tau'^2}},\frac{p\kappa_1\tau'}{p\kappa_1\tau'+(2-p)\kappa_2\tau''}\Big\}\tau"),
    hypotheses=("f_theta(x_i) = grad f_theta(x_i)^T x_i, Hess f_theta = 0 a.e. (bias-free ReLU / max-pooling nets); "
                "logistic loss, y in {0, 1}",
                "Assumption B.1 with delta_n -> 0 as n -> infinity (printed: n -> 0); tau'' >= sup ||grad f|| (undefined "
                "in the paper)",
                "c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d); centred data (Theorem 3.3's proof needs it)",
                "constants kappa, kappa1, kappa2 fixed before S; Theta_hat_n read as Theta* and Theta (headline) or as the "
                "unconstrained minimizers (a sensitivity row): the minimizers in Theta do not exist"),
    derivation="derivations.theorem_b1",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    vacuous=VACUOUS,
    scope=Scope("instances", f"the hardest instance a search over nets, scales, laws of x and d found ({HEADLINE.words()}), "
                             f"Theta* = {{theta}}, n = {N}, {DATASETS} centred data sets labelled by the net (theta in "
                             "Theta), two (tau, tau') pairs; the minimizers' reading on F_Theta's linear member (theorem-3.2's "
                             "weak-signal instance) a sensitivity row"),
)
