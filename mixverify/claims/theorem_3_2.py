r"""theorem-3.2: Assumption 3.1 and Theorem 3.2, a radius for Mixup's adversarial bound that does not shrink with n.

**Vacuous as printed.** Assumption 3.1 asks the minimizers :math:`\hat\Theta_n` of :math:`\tilde L^{mix}_n` to lie in
:math:`\Theta`, the zero-training-error set. On separable data :math:`\tilde L^{mix}_n` has no minimizer (its infimum 0 is
approached along a separating ray, ``cx-separable-no-min``); on data in general position that are not separable,
:math:`\Theta = \{0\}` and the minimizers lie outside it (``cx-outside-theta``). So no data set meets the hypothesis
and the printed theorem holds vacuously; ":math:`\delta_n\to0` as :math:`n\to0`" is no limit of :math:`n\ge N` either.

**Two readings are checked** (the paper does not say which repair it means):

- *the minimizers* (headline; the reading the paper's use needs: "one can think the final radius is taken at the
  minimizer of :math:`\tilde L^{mix}_n`", Section 3.1): :math:`\hat\Theta_n` = the unconstrained minimizers of
  :math:`\tilde L^{mix}_n`. The proof does not cover it (its Theorem 3.1 step :math:`\mathcal R_1\ge0` needs
  :math:`\theta\in\Theta`).
- *the proof's* (sensitivity row): every :math:`\theta\in\Theta^*\cap\Theta` on separable data, with
  :math:`\Theta^* = \{\theta\}`, :math:`\theta = r e_1` (r = 0.01, 0.1, 1), labels :math:`1\{x_1 > 0\}`, x uniform on
  the sphere or *two-zone* (``mixverify.certified.two_zone_data``: :math:`|\cos(x, e_1)|` uniform on [0.85, 0.95] with
  probability 0.3, else 0.01, the law theorem-b1's search finds hardest): what Appendix A.2.3 proves.

**The headline instance is the hardest one a search found.** x is uniform on the sphere of radius :math:`\sqrt d` in
:math:`\mathbb R^d`, :math:`y\mid x\sim\mathrm{Bern}(g(\theta_0^\top x))` with :math:`\theta_0 = \text{signal}\cdot e_1`;
each data set is centred (the proofs use :math:`\mathbb E_{r_x}[r_x] = 0`), so :math:`\|x_i\|/\sqrt d\in[c_x, b_x]` with
the data set's own :math:`c_x` and :math:`b_x = 1.25` (checked). The search (``search``) runs over d, the signal and n
(and :math:`\alpha=\beta`) and finds the ratio of the largest valid radius to :math:`\tilde R` smallest for a weak signal
with many data; the headline is d = 2, :math:`\theta_0 = e_1/16`, n = 16000. Why, to second order in
:math:`\theta` (derivations/theorem_3_2.py): :math:`\mathbb E[(1-\lambda)^2] = \mathbb E[1-\lambda]/2` for every
:math:`\alpha, \beta`, so at the minimizer :math:`\hat\theta\approx4\hat\Sigma^{-1}\overline{(y-\frac12)x}` the term
:math:`\mathcal R_1` vanishes and the inequality holds only up to :math:`R\approx\|\hat\theta\|/(4c_x\sqrt d)`, which
goes to 0 with the signal, while :math:`\tilde R\to\tau p_\tau/2` (:math:`\kappa\to\frac14`,
:math:`\kappa_1,\kappa_2\to\frac12`) does not.

**Assumption 3.1, made concrete.** By symmetry (x rotation invariant, y depending on :math:`x_1` only) the population
minimizer lies on :math:`e_1 = u`. :math:`\Theta^*` is the cone of half-angle :math:`\varphi` around u cut to norms
:math:`[r_{lo}, r_{hi}]` that holds 90% of 30 pilot minimizers (:math:`\varphi` the 90% quantile of their angles to u,
the norms between their 5% and 95% quantiles: ``mixverify.certified.Cone``; a pilot far out would otherwise widen the
cone and shrink :math:`\tilde R` for all);
:math:`\delta_n` is the fraction of the test data sets whose :math:`\hat\theta\notin\Theta^*`. For such a cone
:math:`|\cos(x,\theta)|\ge\tau` for all :math:`\theta\in\Theta^*` iff the angle between x and :math:`\pm u` is at most
:math:`\psi = \arccos\tau - \varphi`, so :math:`p_\tau = 1 - I_{\cos^2\psi}(\tfrac12, \tfrac{d-1}2)`
(:math:`\cos^2\sim\mathrm{Beta}(\frac12,\frac{d-1}2)`). The constants over the bounded set, with
:math:`B = r_{hi}b_x\sqrt d\ge|\theta^\top x|`: :math:`\kappa = g(B)g(-B)`, :math:`\kappa_1 = g(-B)`,
:math:`\kappa_2 = g(B)`. :math:`\tau` maximises the theorem's :math:`\tilde R`.

**What decides** (``bound-prob``): the frequency, over 60 data sets, of
:math:`\tilde L^{mix}_n(\hat\theta)\ge\frac1n\sum_i\tilde\ell_{adv}(\tilde\varepsilon_{min}\sqrt d,(x_i,y_i))` (closed
forms of ``mixverify.certified``, checked against ``approx_mixup_loss`` and ``taylor_adversarial_loss``) must reach
:math:`1-\delta_n-2e^{-np_\tau^2/2}` up to ``Z_MC`` binomial standard errors. Its tightness is :math:`\tilde R` over the
smallest largest-valid radius among the data sets (above 1: the inequality fails there).

**Verdict: design-dependent.** At the minimizers the inequality fails at :math:`\tilde R` on every data set of the
headline instance (``bound-prob``: refuted, on seeds 0-2 and 42; so does the reading with the proof's data-dependent
constants); in the proof's reading it holds, :math:`\tilde R` about half the largest valid radius on the two-zone law at
r = 0.01 (the factor 2 is Hoeffding's :math:`\hat p\ge p_\tau/2`). Power: :math:`\tilde R = \tau` (the proof's
min-factor dropped) is rejected; the tests also plant wrong radii in the proof's reading, where :math:`\tilde R` holds.
Errata: :math:`\delta_n\to0` "as :math:`n\to0`" ``typo``;
:math:`\hat\Theta_n\subseteq\Theta` (vacuous) read as above ``hypothesis``; :math:`\Theta^*` bounded ``hypothesis``;
A.2.3's ratio display ``proof``; constants fixed before S ``hypothesis``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import optimize

from ..adversarial import attack_radius
from ..certified import (
    Cone,
    bounded_set_constants,
    failure_probability,
    fit_logistic_mixup,
    logistic_largest_radius,
    logistic_mixup_parts,
    logistic_slack,
    logistic_slack_tolerance,
    mixup_minus_adversarial,
    p_tau_cone,
    r_tilde,
    sphere_logistic_data,
    two_zone_data,
    two_zone_p_tau,
)
from ..claim import (
    Claim,
    Context,
    Erratum,
    Outcome,
    Scope,
    at_least,
    at_most,
    close,
    holds,
    reported,
    row,
    tightness,
)
from ..laws import tilde_lambda_law
from ..losses import approx_mixup_loss
from ..models import linear_model
from ..numerics import Z_MC, Tol, exact, monte_carlo, ulps


@dataclass(frozen=True)
class Instance:
    """x uniform on the sphere of radius sqrt(d), y ~ Bern(g(signal x_1)), n points, D~_lambda with alpha = beta."""

    d: int
    signal: float
    n: int
    alpha: float = 1.0

    def words(self) -> str:
        return f"d = {self.d}, theta_0 = {self.signal:g} e_1, n = {self.n}, alpha = beta = {self.alpha:g}"


HEADLINE = Instance(d=2, signal=1 / 16, n=16000)
DATASETS = 60
PILOT = 30
B_X = 1.25  # ||x_i|| <= b_x sqrt(d) for every centred data set (checked): sqrt(d) + ||mean|| with ||mean|| ~ sqrt(d/n)
CONE_SHARE = 0.9  # Theta* holds this share of the pilot minimizers (angles and norms)
P_TAU_DRAWS = 1_000_000
LIB_CHECKS = 3  # data sets on which the closed forms are compared with the library
RESTARTS = 10  # data sets fitted from a second start
SEPARABILITY_CHECKS = 3  # data sets whose (non-)separability is decided by a linear programme
DELTA_NS = (4000, 8000)  # delta_n at smaller n, same Theta*
DELTA_SETS = 20
#: The search over instances (sensitivity runs): every d x signal x n, and alpha = beta on the headline.
SEARCH_D = (2, 3, 5)
SEARCH_SIGNAL = (2.0, 0.5, 0.125, 0.0625)
SEARCH_N = (200, 16000)
SEARCH_ALPHA = (0.5, 2.0)
SEARCH_PILOT = SEARCH_SETS = 8
#: The proof's reading (sensitivity row): theta = r e_1 in Theta on separable data, these norms r, n and data sets.
PROOF_NORMS = (0.01, 0.1, 1.0)
PROOF_N, PROOF_SETS = 2000, 40

#: Theorem 3.2's R~ as printed (mixverify.certified.r_tilde): it chooses tau, so that a radius planted through
#: ``check(r_tilde=...)`` is tested without moving the design.
PAPER_R_TILDE = r_tilde
VACUOUS = ("Assumption 3.1 asks the minimizers of L~_mix to lie in Theta (zero training error): on separable data "
           "L~_mix has no minimizer, on non-separable data Theta = {0} holds none; and delta_n -> 0 'as n -> 0' is no "
           "limit of n >= N. No data set meets the hypotheses, so the printed theorem holds vacuously")


def _moments(alpha=1.0):
    law = tilde_lambda_law(alpha, alpha)
    return law.moment_one_minus(1), law.moment_one_minus(2)


def _sample(inst: Instance, rng, n=None):
    return sphere_logistic_data(n or inst.n, inst.d, inst.signal, rng)


def _separable(X, y) -> bool:
    """Is there theta with (2y_i - 1) theta^T x_i >= 1 for all i (strict separation through 0)?"""
    res = optimize.linprog(np.zeros(X.shape[1]), A_ub=-(2 * y - 1)[:, None] * X, b_ub=-np.ones(len(y)),
                           bounds=[(None, None)] * X.shape[1], method="highs")
    return res.status == 0


# --- the check: design, data sets, evidence, errata ------------------------------------------------

@dataclass(frozen=True)
class _Design:
    """What is fixed before the test data sets: Theta* (a cone around u = e_1), the constants, tau and p_tau, and the
    theorem's radius R and failure term."""

    cone: Cone
    start: np.ndarray
    kappa: float
    kappa1: float
    kappa2: float
    tau: float
    p_tau: float
    psi: float
    R: float
    fail: float


def check(ctx: Context, *, r_tilde=r_tilde, p_tau_for=p_tau_cone) -> Outcome:
    """``r_tilde(p_tau, tau, kappa, kappa1, kappa2)`` (Theorem 3.2's R~) and ``p_tau_for(tau, phi, d)`` can be
    planted wrong to see the check reject them. tau is chosen with the paper's (verified) R~, so a planted
    formula does not move the design. (Hoeffding's 2 exp(-n p_tau^2/2) is checked by the derivation.)"""
    out = Outcome()
    m1, m2 = _moments(HEADLINE.alpha)
    design = _design(ctx, HEADLINE, m1, m2, r_tilde, p_tau_for, PILOT, ctx.rng(322))
    if design is None:
        raise RuntimeError("the pilots' cone Theta* is wider than 90 degrees: no tau has p_tau > 0")
    out.evidence += _p_tau_evidence(ctx, design)
    rows, lib_gaps, restart_gaps = _data_sets(ctx, design, m1, m2, r_tilde)
    col = {k: np.array([r[k] for r in rows]) for k in rows[0]
           if k not in ("ratio_k", "ratio_12", "theta", "X", "y", "slack_at")}
    out.evidence += _implementation_evidence(col, lib_gaps, restart_gaps)
    out.evidence += _probability_evidence(design, col)
    out.evidence += _ratio_evidence(rows)
    out.evidence.append(reported(
        "eps-min", "eps~_min = R~ c_x E[1-lambda] (median c_x over data sets)", design.R * float(np.median(col["c_x"])) * m1,
        detail=f"R~ = {design.R:.4g}; median largest R for which the inequality holds at the minimizers = "
               f"{np.median(col['R_max']):.4g}"))
    errata, evidence, notes = _errata(ctx, rows, col, m1, m2, design)
    out.errata += errata
    out.evidence += evidence
    out.notes += notes
    out.notes += _design_notes(design, col, m1)
    out.vacuous = _vacuous(out)
    search = []
    if ctx.sensitivity:
        search = _search(ctx)
        out.evidence.append(_search_evidence(search))
        out.sensitivity += _rows(ctx, out, design, col, r_tilde)
    out.figures["slack-over-data-sets"] = _plot(col, design.R, search)
    return out


def _design(ctx, inst: Instance, m1, m2, r_tilde, p_tau_for, pilot, rng) -> _Design | None:
    """Theta* from ``pilot`` data sets (a cone around u = e_1, the population minimizer's direction by symmetry), the
    constants over Theta*, and the tau that maximises the paper's R~ (None when no tau has p_tau > 0)."""
    u = np.eye(inst.d)[0]
    start = inst.signal * u  # the minimizer's second-order approximation 4 E[(y - 1/2) x] for a weak signal
    pilots = [fit_logistic_mixup(*_sample(inst, rng)[:2], m1, m2, (start,), newton=False)[0] for _ in range(pilot)]
    cone = Cone.around(pilots, u, share=CONE_SHARE)
    if cone.phi >= math.pi / 2 - 0.02:
        return None
    kappa, kappa1, kappa2 = bounded_set_constants(cone.r_hi, B_X, inst.d)
    taus = np.linspace(0.01, math.cos(cone.phi) - 0.01, 400)
    tau = float(taus[int(np.argmax([PAPER_R_TILDE(p_tau_cone(t, cone.phi, inst.d), t, kappa, kappa1, kappa2)
                                    for t in taus]))])
    p_tau = p_tau_for(tau, cone.phi, inst.d)
    return _Design(cone=cone, start=start, kappa=kappa, kappa1=kappa1, kappa2=kappa2, tau=tau, p_tau=p_tau,
                   psi=math.acos(tau) - cone.phi, R=r_tilde(p_tau, tau, kappa, kappa1, kappa2),
                   fail=failure_probability(inst.n, p_tau))


def _data_sets(ctx, design, m1, m2, r_tilde):
    """Fit theta_hat on each test data set and record what the evidence reads: the slack at R~ (and at the wrong and
    data-dependent radii), Theta* and Theta membership, p_hat, the ratio displays of A.2.3. Also the closed forms
    against the library on the first LIB_CHECKS data sets and a second start on the first RESTARTS."""
    d, u, R = HEADLINE.d, design.cone.u, design.R
    rng = ctx.rng(323)
    rows, lib_gaps, restart_gaps = [], [], []
    for k in range(DATASETS):
        X, y, Xraw = _sample(HEADLINE, rng)
        theta, dist, min_eig = fit_logistic_mixup(X, y, m1, m2, (design.start,))
        if k < RESTARTS:  # a second, distant start: is the minimizer the same?
            restart_gaps.append(float(np.linalg.norm(fit_logistic_mixup(X, y, m1, m2, (0.1 * np.ones(d),))[0] - theta)))
        nx = np.linalg.norm(X, axis=1) / math.sqrt(d)
        c_x = float(nx.min())
        scale = c_x * m1 * math.sqrt(d)  # eta = R * scale
        in_x = np.abs(X @ u) / np.linalg.norm(X, axis=1) >= math.cos(design.psi)
        lstd, r1, r2, uu, g, s, _ = logistic_mixup_parts(theta, X, y, m1, m2)
        terms = (r1 + r2, float(np.linalg.norm(theta) * np.mean(np.abs(g - y))),
                 float(theta @ theta * np.mean(s) / 2))  # logistic_slack_terms from the same parts

        def slack_at(R_, terms=terms, scale=scale):
            return terms[0] - R_ * scale * terms[1] - (R_ * scale) ** 2 * terms[2]

        slack = slack_at(R)
        if k < LIB_CHECKS:
            Xt, yt, tt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(theta)
            lib = float(approx_mixup_loss(linear_model(tt), Xt, yt, HEADLINE.alpha, HEADLINE.alpha))
            lib_slack = mixup_minus_adversarial(tt, Xt, yt, attack_radius(R * c_x * m1, X.shape[1], 2), HEADLINE.alpha,
                                                HEADLINE.alpha, norm=2)
            lib_gaps.append((abs(lib - (lstd + r1 + r2)) / max(1.0, abs(lstd + r1 + r2)), abs(lib_slack - slack)))
        p_hat = float(in_x.mean())
        a = np.abs(g - y)
        data_k = (float(s.min()), float(a.min()), float(a.max()))
        R_data = r_tilde(design.p_tau, design.tau, *data_k)
        tol, tol_d, tol_t = logistic_slack_tolerance(theta, X, y, np.array([R, R_data, design.tau]) * scale, m1, m2, dist)
        ok_norm = bool(nx.max() <= B_X)
        rows.append(dict(
            sep=_separable(X, y) if k < SEPARABILITY_CHECKS else None, in_star=design.cone.contains(theta),
            norm_ok=ok_norm, c_x=c_x, b_x=float(nx.max()), p_hat=p_hat,
            p_hat_raw=float(np.mean(np.abs(Xraw @ u) / np.linalg.norm(Xraw, axis=1) >= math.cos(design.psi))),
            slack=slack, tol=tol, event=ok_norm and slack >= -tol, event_tau=ok_norm and slack_at(design.tau) >= -tol_t,
            event_data=ok_norm and slack_at(R_data) >= -tol_d, R_data=R_data, slack_at=slack_at,
            R_max=logistic_largest_radius(theta, X, y, m1, m2, terms) / scale, r1=r1, r2=r2, min_eig=min_eig, dist=dist,
            errors=int(np.sum((2 * y - 1) * uu < 0)), norm=float(np.linalg.norm(theta)),
            ratio_k=(np.sum(s[~in_x]) / np.sum(s[in_x]), (1 - p_hat) / 4 / (p_hat * data_k[0])) if p_hat > 0 else None,
            ratio_12=(np.sum(a[~in_x]) / np.sum(a[in_x]), (1 - p_hat) * data_k[2] / (p_hat * data_k[1])) if p_hat > 0 else None,
            theta=theta, X=X, y=y))
    return rows, lib_gaps, restart_gaps


def _implementation_evidence(col, lib_gaps, restart_gaps):
    """The closed forms against the library, the minimizer (start-independent, strict), the norm condition."""
    K = len(col["slack"])
    gap_l, gap_s = (float(max(v)) for v in zip(*lib_gaps))
    restart = max(restart_gaps)
    return [
        at_most("closed-form-loss", "closed-form L~_mix (the optimizer's objective, centred data) = "
                "mixverify.approx_mixup_loss at theta_hat", gap_l, 0.0,
                ulps(1e3, of="max(1, |L~_mix|): the gap is relative; both evaluate L_std + R1 + R2 + R3 with R3 = 0 for "
                             "a linear model"),
                detail=f"largest relative gap over the first {LIB_CHECKS} data sets"),
        at_most("closed-form-slack", "closed-form slack R1 + R2 - eta|theta| mean|g-y| - eta^2/2 |theta|^2 mean g(1-g) = "
                "approx_mixup_loss - taylor_adversarial_loss (Eq. 5) at eps~_min", gap_s, 0.0,
                ulps(1e3, of="1: the losses are O(1), the gap absolute"),
                detail=f"first {LIB_CHECKS} data sets; the closed form is used on all {K}"),
        at_most("start-independent", "theta_hat does not depend on the start (signal e_1 vs 0.1 * (1, ..., 1))",
                restart, 0.0, Tol(1e-5, "BFGS gtol 1e-10; two minimizers closer than 1e-5 are the same (Newton steps "
                                        "are < 1e-7)"),
                detail=f"largest distance over the first {RESTARTS} data sets"),
        holds("strict-minimizer", "theta_hat is a strict local minimizer (smallest Hessian eigenvalue over data sets)",
              bool(col["min_eig"].min() > 0),
              exact("finite-difference Hessian of the analytic gradient; BFGS from two starts, lowest value kept"),
              value=float(col["min_eig"].min()), reference="> 0",
              detail=f"largest Newton step to the exact minimizer: {col['dist'].max():.2e}"),
        holds("norms", f"norm condition c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d) with b_x = {B_X:g} on every centred data set",
              bool(col["c_x"].min() > 0 and col["b_x"].max() <= B_X),
              exact("c_x is each data set's min ||x_i||/sqrt(d)"),
              value=[float(col['c_x'].min()), float(col['b_x'].max())], reference=[0.0, B_X]),
    ]


def _band(freq, delta, K) -> Tol:
    """Z_MC standard errors of a frequency minus delta_n (binomial over the K data sets, added in quadrature)."""
    return Tol(Z_MC * math.sqrt(freq * (1 - freq) / K + delta * (1 - delta) / K),
               f"{Z_MC:g} standard errors of the difference (binomial SEs of the event frequency and of delta_n, "
               f"{K} data sets, added in quadrature); a data set counts when slack >= -(|grad slack| * Newton step "
               "to the exact minimizer + 1e3 ulp)")


def _worst(col, R) -> tuple[int, float]:
    """The data set with the smallest largest-valid radius, and R~ over that radius."""
    k = int(np.argmin(col["R_max"]))
    return k, R / col["R_max"][k] if col["R_max"][k] > 0 else math.inf


def _probability_evidence(design, col):
    """Hoeffding's step, the decisive frequency against 1 - delta_n - 2 exp(-n p_tau^2/2), the power check at
    R = tau (the min-factor dropped), the data-dependent constants (context) and delta_n."""
    K = len(col["slack"])
    R, p_tau, fail = design.R, design.p_tau, design.fail
    delta = 1 - col["in_star"].mean()
    guarantee = 1 - delta - fail
    k, ratio = _worst(col, R)
    ev = []
    hoeff = float(np.mean(col["p_hat_raw"] >= p_tau / 2))
    ev.append(at_least(
        "hoeffding-step", "Hoeffding step: P(p_hat >= p_tau/2) >= 1 - 2 exp(-n p_tau^2/2) (i.i.d. uncentred points)",
        hoeff, 1 - fail, monte_carlo(math.sqrt(hoeff * (1 - hoeff) / K), K), kind="monte-carlo",
        detail=f"p_hat on the centred points (those the proof sums over) >= p_tau/2 in "
               f"{np.mean(col['p_hat'] >= p_tau / 2):.3f} of data sets; mean p_hat {col['p_hat'].mean():.4f}, p_tau "
               f"{p_tau:.4f}"))
    prob = col["event"].mean()
    ev.append(at_least(
        "bound-prob", f"P(L~_mix(theta_hat) >= mean l~_adv(eps~_min sqrt(d))) >= 1 - delta_n - 2 exp(-n p_tau^2/2) at "
        f"the minimizers, theorem's R~ = {R:.3g} ({HEADLINE.words()})", prob, guarantee, _band(prob, delta, K),
        kind="monte-carlo", role="decisive",
        tightness=tightness(ratio, "R~ = 0 (radius 0: L~_mix >= L_std)",
                            instance=f"{HEADLINE.words()}, data set {k} of {K} (|theta_hat| = {col['norm'][k]:.4f}): "
                                     f"the inequality holds up to R = {col['R_max'][k]:.4g}"),
        detail=f"delta_n = {delta:.4f}, 2exp(-n p_tau^2/2) = {fail:.3g}, tau = {design.tau:.4f}, p_tau = {p_tau:.4f}, "
               f"kappa = {design.kappa:.4g}, kappa1 = {design.kappa1:.4g}, kappa2 = {design.kappa2:.6g}; largest valid "
               f"R: median {np.median(col['R_max']):.4g}, smallest {col['R_max'][k]:.4g}, largest "
               f"{col['R_max'].max():.4g}; min slack {col['slack'].min():.4g}"))
    prob_t = col["event_tau"].mean()
    tol_t = _band(prob_t, delta, K)
    ev.append(holds(
        "power-naive-tau", "power: the same criterion rejects R~ = tau (the proof's min-factor dropped)",
        prob_t < guarantee - tol_t.value, tol_t, value=prob_t, reference=guarantee, kind="monte-carlo", role="power",
        detail=f"frequency at R = tau = {design.tau:.4f}: {prob_t:.4f}"))
    prob_d = col["event_data"].mean()
    tol_d = _band(prob_d, delta, K)
    ev.append(holds(  # context with its band: passed None; the sensitivity row "constants" decides it
        "data-dependent-constants",
        "same, with data-dependent constants kappa = min_i g(1-g), kappa1/kappa2 = min/max_i |g - y| at theta_hat "
        "(the proof's definitions on S)", None,
        Tol(tol_d.value, f"reported: {Z_MC:g} standard errors, as above; meets the guarantee: "
                         f"{bool(prob_d >= guarantee - tol_d.value)}"),
        value=prob_d, reference=guarantee, kind="monte-carlo",
        detail=f"median data-dependent R~ {np.median(col['R_data']):.3g}"))
    ev.append(holds(  # context with its standard error: passed None
        "delta-n-fraction", "delta_n: fraction of data sets with theta_hat outside Theta*", None,
        Tol(math.sqrt(max(delta * (1 - delta), 1 / K) / K), "reported with its binomial standard error"),
        value=delta, kind="monte-carlo",
        detail=f"Theta*: half-angle {math.degrees(design.cone.phi):.2f} deg around u = e_1, norms "
               f"[{design.cone.r_lo:.4f}, {design.cone.r_hi:.4f}]"))
    return ev


def _ratio_evidence(rows):
    """The corrected ratio displays of A.2.3 hold on every data set (data-dependent constants)."""
    rk = [r["ratio_k"] for r in rows if r["ratio_k"] is not None]
    r12 = [r["ratio_12"] for r in rows if r["ratio_12"] is not None]
    worst = max(max(a / b for a, b in rk), max(a / b for a, b in r12))
    tol = ulps(1e3, of="1: the bounds are deterministic inequalities")
    return [holds(
        "ratio-corrected-all", "A.2.3 corrected: sum_{x_i not in X} s_i / sum_{x_i in X} s_i <= ((1-p_hat)/4)/(p_hat "
        "kappa), and the kappa1/kappa2 analogue, on every data set", worst <= 1 + tol.value, tol, value=worst,
        reference="<= 1", detail="value: largest (ratio / bound) over data sets")]


def _design_notes(design, col, m1):
    K = len(col["slack"])
    delta = 1 - col["in_star"].mean()
    R, R_med = design.R, float(np.median(col["R_max"]))
    d = HEADLINE.d
    return [
        f"Design: {HEADLINE.words()} (E[1-lambda] = {m1:.4g}), {K} test data sets. Theta* = cone of half-angle "
        f"{math.degrees(design.cone.phi):.2f} deg around u = e_1, norms in [{design.cone.r_lo:.4f}, {design.cone.r_hi:.4f}]; "
        f"tau = {design.tau:.4f}, p_tau = {design.p_tau:.4f}, kappa = {design.kappa:.4g}, kappa1 = {design.kappa1:.4g}, "
        f"kappa2 = {design.kappa2:.6g} (B = r_hi b_x sqrt(d) = {design.cone.r_hi * B_X * math.sqrt(d):.3f}); delta_n = "
        f"{delta:.3f}; measured probability {col['event'].mean():.4f} vs guarantee {1 - delta - design.fail:.4f}.",
        f"At the minimizers the inequality holds up to R = {R_med:.3g} (median over data sets; |theta_hat| median "
        f"{np.median(col['norm']):.4f}), {R / R_med:.3g} times below R~ = {R:.3g}. To second order in theta, R1 vanishes "
        "at the minimizer (E[(1-lambda)^2] = E[1-lambda]/2) and the largest valid R is about |theta_hat| / (4 c_x sqrt(d)) "
        f"= {np.median(col['norm']) / (4 * np.median(col['c_x']) * math.sqrt(d)):.3g}: it shrinks with the signal, while "
        "R~ tends to tau p_tau / 2 as the constants tend to kappa = 1/4, kappa1 = kappa2 = 1/2.",
        "Minor: A.2.3 states p_tau in (0, 1) while Assumption 3.1 allows (0, 1] (p_tau = 1 is harmless in R~); "
        "Hoeffding's one-sided bound exp(-n p_tau^2/2) suffices (the factor 2 is conservative); '|cos(theta, x)|' "
        "should read |cos(theta, x_i)|; the proof's eta is the ratio R~ of the statement, not the radius eta of Eq. (5).",
    ]


def _p_tau_evidence(ctx, design):
    """p_tau (incomplete beta) against simulation, and the cone criterion against brute force over the cone."""
    d, u, phi = HEADLINE.d, design.cone.u, design.cone.phi
    rng = ctx.rng(324)
    Z = rng.normal(size=(P_TAU_DRAWS, d))
    hit = np.abs(Z @ u) / np.linalg.norm(Z, axis=1) >= math.cos(design.psi)
    m, se = hit.mean(), math.sqrt(hit.mean() * (1 - hit.mean()) / P_TAU_DRAWS)
    ev = [close("p-tau-mc", "p_tau (regularized incomplete beta) = simulated P(x in X_Theta*(tau)), x uniform on the "
                "sphere", m, design.p_tau, monte_carlo(se, P_TAU_DRAWS), kind="monte-carlo")]
    # the cone criterion: min over the cone of |cos(x, theta)| = cos(angle(x, +-u) + phi), by brute force over the
    # cone's directions (d = 2: the arc of half-angle phi; d = 3: its rim circle, where the minimum lies)
    x = rng.normal(size=(500, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    directions, spacing = _cone_directions(u, phi, 4096)
    brute = np.abs(x @ directions.T).min(axis=1)
    a = np.arccos(np.minimum(1, np.abs(x @ u)))
    ok = a + phi <= np.pi / 2
    gap = float(np.max(np.abs(brute[ok] - np.cos(a + phi)[ok])))
    grid = Tol(spacing / 2, "half the angular spacing of the 4096-point grid over the cone")
    ev.append(at_most("cone-min-cos", "min over the cone of |cos(x, theta)| = cos(angle(x, +-u) + phi) (so "
                      "X_Theta*(tau) = {angle(x, +-u) <= arccos(tau) - phi})", gap, 0.0, grid + ulps(1e3),
                      detail=f"{int(ok.sum())} of 500 directions with angle + phi <= 90 deg"))
    return ev


def _cone_directions(u, phi, m):
    """Unit directions covering the cone's boundary (d = 2: the whole arc) and their angular spacing."""
    if len(u) == 2:
        om = np.linspace(-phi, phi, m)
        rot = np.stack([np.cos(om) * u[0] - np.sin(om) * u[1], np.sin(om) * u[0] + np.cos(om) * u[1]], axis=1)
        return rot, 2 * phi / (m - 1)
    e1 = np.linalg.svd(u[None, :])[2][1]
    e2 = np.cross(u, e1)
    om = np.linspace(0, 2 * np.pi, m, endpoint=False)
    rim = math.cos(phi) * u[None, :] + math.sin(phi) * (np.cos(om)[:, None] * e1 + np.sin(om)[:, None] * e2)
    return rim, math.sin(phi) * 2 * np.pi / m


def _errata(ctx, rows, col, m1, m2, design):
    """Each erratum with the evidence holding its counterexample, and the notes on the proof."""
    found = [_erratum_delta_n(ctx, col, m1, m2, design), _erratum_minimizers(ctx, col), _erratum_bounded(design),
             _erratum_ratio_display(rows, design), _erratum_constants(rows, design)]
    ev = [e for evidence, _ in found for e in evidence]
    errata = [x for _, errs in found for x in errs]
    notes = []
    notes.append("Both printed components of R~ follow from the (corrected) proof: SymPy finds the kappa term "
                 "tau sqrt(4 kappa p_tau/(2 - p_tau + 4 kappa p_tau)) and the kappa1/kappa2 term "
                 "tau p_tau kappa1/(2 kappa2 - p_tau (kappa2 - kappa1)) exactly at p_hat = p_tau/2 (residuals 0), and "
                 "Hoeffding with eps = p_tau/2 gives the statement's 2 exp(-n p_tau^2/2).")
    notes.append("p_tau and Hoeffding are for i.i.d. points while the proof sums over the centred points (their p_hat "
                 "is reported beside the i.i.d. one).")
    return errata, ev, notes


def _erratum_delta_n(ctx, col, m1, m2, design):
    """delta_n -> 0 as n -> infinity: delta_n falls with n for the same Theta*."""
    deltas = {}
    rng = ctx.rng(325)
    for n in DELTA_NS:
        inside = [design.cone.contains(fit_logistic_mixup(*_sample(HEADLINE, rng, n)[:2], m1, m2, (design.start,),
                                                          newton=False)[0])
                  for _ in range(DELTA_SETS)]
        deltas[n] = 1 - float(np.mean(inside))
    deltas[HEADLINE.n] = 1 - float(col["in_star"].mean())
    ev = [reported("delta-n", "delta_n at n = " + ", ".join(str(n) for n in deltas) + " (same Theta*)",
                   [deltas[n] for n in deltas], kind="monte-carlo", reference="decreasing to 0 as n -> infinity",
                   why=f"{DELTA_SETS} data sets each for n < {HEADLINE.n}, {DATASETS} at n = {HEADLINE.n}")]
    errata = [Erratum(
        location="Assumption 3.1",
        statement="delta_n -> 0 as n -> 0",
        correction="delta_n -> 0 as n -> infinity (as Appendix A.2.3 restates it)",
        counterexample=("delta_n is only defined for integers n >= N >= 1, so n -> 0 is not a limit of its domain; "
                        "with the Theta* used here the measured delta_n is "
                        + ", ".join(f"{deltas[n]:.3f} at n = {n}" for n in deltas)),
        kind="typo", evidence="delta-n")]
    return ev, errata


def _erratum_minimizers(ctx, col):
    """Theta_hat_n within Theta: no minimizer on separable data, minimizers outside Theta otherwise."""
    d, n = HEADLINE.d, HEADLINE.n
    X, _, _ = _sample(HEADLINE, ctx.rng(326))
    y = (X[:, 0] > 0).astype(float)
    direction = torch.from_numpy(np.eye(d)[0])
    # t in units of the smallest margin m = min_i |x_i1|: L~_mix(t e_1) ~ exp(-t m), so at t = 64/m it is ~e^-64 of
    # its scale whatever the draw, while the smallest-margin term stays representable (no underflow to 0)
    ts = 2.0 ** np.arange(0, 7) / float(np.min(np.abs(X[:, 0])))
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    vals = [float(approx_mixup_loss(linear_model(t * direction), Xt, yt, HEADLINE.alpha, HEADLINE.alpha)) for t in ts]
    # every term of L~_mix is positive (analytically) and tends to 0 along a separating ray (it is not monotone)
    no_minimum = bool(min(vals) > 0 and vals[-1] < 1e-3 * max(vals))
    ev = [holds(
        "cx-separable-no-min", f"separable data (y = 1{{x_1 > 0}}, n = {n}): inf L~_mix = 0 along t e_1 (t -> infinity) "
        "and L~_mix > 0, so L~_mix has no (global) minimizer", no_minimum,
        "all values > 0 (L~_mix > 0 for a linear model on centred data, since m1 < 1) and the last below 1e-3 x the "
        "largest", value=vals[-1], reference="a minimum attained", kind="counterexample",
        detail="L~_mix(t e_1) at t = 2^k / min_i |x_i1|, k = 0..6: " + ", ".join(f"{v:.3g}" for v in vals))]
    K = len(col["errors"])
    outside = int(np.sum(col["errors"] > 0))
    checked = [bool(s) for s in col["sep"][:SEPARABILITY_CHECKS]]
    ev.append(holds(
        "cx-outside-theta", "the minimizer theta_hat of L~_mix lies outside Theta (some training error)", outside >= 1,
        "count over the test data sets; Theta = {theta: (2y_i - 1) theta^T x_i >= 0 for all i} is {0} when no (weak) "
        "separator exists", value=outside, reference=f"0 of {K} in Theta claimed", kind="counterexample",
        detail=f"training errors at theta_hat: median {np.median(col['errors']):.0f} of {n}; the first "
               f"{SEPARABILITY_CHECKS} data sets separable (linear programme): {checked}"))
    neg = int(np.sum(col["r1"] < 0))
    ev.append(holds(
        "cx-r1-negative", "at theta_hat, R1 < 0: Theorem 3.1's step R1 >= R c_x E[1-lambda] sqrt(d) mean|g-y| ||theta|| "
        "(>= 0) fails", neg >= 1, "count over the test data sets", value=neg, reference="R1 >= 0 on Theta",
        kind="counterexample",
        detail=f"R1 median {np.median(col['r1']):.3g}, R2 median {np.median(col['r2']):.3g}: R1 is of third order in "
               "theta at the minimizer (second order cancels, derivations/theorem_3_2.py)"))
    errata = [Erratum(
        location="Assumption 3.1 and Theorem 3.2 (Theta_hat_n subset of Theta; Theorem 3.1 needs theta in Theta)",
        statement="Theta_hat_n, a subset of Theta = {theta: zero training error}, is the set of minimizers of L~_mix; "
                  "the bound holds for every theta in Theta_hat_n",
        correction=("for linearly separable data L~_mix has no minimizer (Theta_hat_n is empty, the theorem is vacuous); "
                    "otherwise Theta = {0} and the minimizers lie outside Theta, where R1 can be negative and the proof "
                    "(via Theorem 3.1) does not apply. Read Theta_hat_n as the unconstrained minimizers (the paper's use: "
                    "the radius at the minimizer of L~_mix), or as every theta in Theta* and Theta (the proof's); both "
                    "are checked"),
        counterexample=(f"separable data set (n = {n}, y = 1{{x_1 > 0}}): L~_mix(t e_1) = "
                        + ", ".join(f"{v:.3g}" for v in vals) + " at t = 2^k / min_i |x_i1|, k = 0..6; the "
                        f"minimizers lie outside Theta on {outside} of {K} test data sets, with R1 < 0 on {neg}"),
        kind="hypothesis", evidence="cx-separable-no-min")]
    return ev, errata


def _erratum_bounded(design):
    """Theta* must be bounded and away from 0: kappa, kappa1 -> 0 otherwise."""
    ks = {r: bounded_set_constants(r, B_X, 3) for r in (design.cone.r_hi, 10.0, 100.0, 1000.0)}
    kap = [ks[r][0] for r in ks]
    vanishing = bool(np.all(np.diff(kap) < 0) or kap[-1] == 0) and kap[-1] < 1e-300 and ks[1000.0][1] < 1e-300
    ev = [holds(
        "cx-unbounded", "Theta* unbounded: kappa = g(B)g(-B) and kappa1 = g(-B) -> 0 as sup ||theta|| -> infinity "
        "(R~ -> 0)", vanishing,
        "kappa at sup||theta|| = r_hi, 10, 100, 1000 (b_x = 1.25, d = 3): decreasing, and 0 in float64 at 1000",
        value=kap, reference="kappa > 0 for an unbounded Theta*", kind="counterexample")]
    errata = [Erratum(
        location="Assumption 3.1 (used in Appendix A.2.3: 'Since we assume Theta* is bounded')",
        statement="there exists a set Theta* (no further condition)",
        correction="Theta* must be bounded (so that kappa, kappa1 > 0) and bounded away from 0 (cos(x, 0) is undefined); "
                   "add both to Assumption 3.1",
        counterexample=("kappa = g(B)g(-B) with B = sup_{Theta*} ||theta|| b_x sqrt(d): "
                        + ", ".join(f"{ks[r][0]:.3g} at sup||theta|| = {r:.3g}" for r in ks)
                        + "; the infimum over an unbounded Theta* is 0, so no kappa > 0 exists"),
        kind="hypothesis", evidence="cx-unbounded")]
    return ev, errata


def _erratum_ratio_display(rows, design):
    """The ratio display of A.2.3 has the same sum above and below the bar."""
    u = design.cone.u
    X = rows[0]["X"]
    s = 1 / (2 + 2 * np.cosh(X @ (0.25 * u)))  # g(1-g) at theta = 0.25 u
    t_small = 0.1
    in_x = np.abs(X @ u) / np.linalg.norm(X, axis=1) >= t_small  # Theta* = {theta}: phi = 0
    p_hat = float(in_x.mean())
    k_small = float(s.min())
    bound = (1 - p_hat) / 4 / (p_hat * k_small)
    corrected = float(np.sum(s[~in_x]) / np.sum(s[in_x]))
    ev = [holds(
        "cx-ratio-printed", "A.2.3's ratio display as printed (same sum over x_i in X above and below the bar: 1 <= "
        "((1-p_hat)/4)/(p_hat kappa))", 1.0 > bound, "exact comparison on a concrete instance", value=1.0,
        reference=bound, kind="counterexample",
        detail=f"theta = 0.25 u, Theta* = {{theta}}, tau = {t_small}, p_hat = {p_hat:.3f}, kappa = {k_small:.4f}"),
        at_most("ratio-corrected", "A.2.3's ratio display corrected (numerator over x_i not in X) on the same "
                "instance", corrected, bound, exact("both sides computed from the same sums"))]
    errata = [Erratum(
        location="Appendix A.2.3 (proof of Theorem 3.2), the ratio display and the display after 'we have'",
        statement="(1/n) sum_{x_i in X} s_i / (1/n) sum_{x_i in X} s_i <= ((1-p_hat)/4)/(p_hat kappa), and "
                  "... >= (1/n) sum_{x_i in X} s_i eta^2 + (1/n) sum_{x_i in X} s_i eta^2",
        correction="the numerator, and the second sum of the later display, run over x_i not in X_Theta*(tau)",
        counterexample=(f"as printed the ratio is 1; on a data set with theta = 0.25 u, tau = {t_small}: p_hat = {p_hat:.3f}, "
                        f"kappa = {k_small:.4f}, so the bound is {bound:.4f} < 1; the corrected ratio is {corrected:.4f}"),
        kind="proof", evidence="cx-ratio-printed")]
    return ev, errata


def _erratum_constants(rows, design):
    """'there exist constants' chosen after S: the statement then carries no content."""
    tiny = PAPER_R_TILDE(1.0, 0.99, 1e-6, 1e-6, 1 - 1e-6)
    d = HEADLINE.d
    held = [r["slack_at"](tiny) >= -r["tol"] for r in rows]
    frac = float(np.mean(held))
    p_099 = 0.0 if math.acos(0.99) <= design.cone.phi else p_tau_cone(0.99, design.cone.phi, d)
    ev = [holds(
        "cx-constants-after-S", "constants chosen after S: tau = 0.99, p_tau = 1 (outside Assumption 3.1), kappa = "
        "kappa1 = 1e-6, kappa2 = 1 - 1e-6: the inequality holds", frac == 1.0,
        f"fraction of the {len(rows)} data sets; the true p_tau of tau = 0.99 for this Theta* is {p_099:g}", value=frac,
        reference="needs Assumption 3.1", kind="counterexample",
        detail=f"R~ = {tiny:.3g}: any theta with R1 + R2 > 0 satisfies the bound for small enough constants")]
    errata = [Erratum(
        location="Theorem 3.2, 'there exists constants kappa > 0, kappa2 > kappa1 > 0'",
        statement="with probability ..., there exist constants kappa > 0, kappa2 > kappa1 > 0 such that ...",
        correction=("the constants must be fixed before S, by Theta* and b_x: kappa = inf g(theta^T x)(1 - g(theta^T x)) "
                    "= g(B) g(-B), kappa1 = g(-B), kappa2 = g(B), B = sup_{theta in Theta*} ||theta|| b_x sqrt(d)"),
        counterexample=(f"chosen after S, kappa = kappa1 = 1e-6, kappa2 = 1 - 1e-6 with tau = 0.99 and p_tau = 1 (true "
                        f"p_tau {p_099:g}) make the inequality hold on {frac:.0%} of the {len(rows)} data sets, without "
                        "Assumption 3.1: the statement as written has no content"),
        kind="hypothesis", evidence="cx-constants-after-S")]
    return ev, errata


def _vacuous(out) -> str:
    """The claim's reason with the numbers that show it, when the evidence does; "" when it does not."""
    sep, outside = out.by_id("cx-separable-no-min"), out.by_id("cx-outside-theta")
    if not (sep.passed and outside.passed):
        return ""
    return (f"{VACUOUS}: on separable data L~_mix(t e_1) falls to {sep.value:.2g} as t grows (no minimizer); on "
            f"{outside.value} of {DATASETS} logistic-label data sets the minimizer has training errors (outside Theta)")


# --- the sensitivity runs: the search over instances, the proof's reading, the constants' reading ------------------

def _search(ctx) -> list[dict]:
    """Every instance of the grid: Theta* from SEARCH_PILOT pilots, R~, and the largest valid radius at the minimizer
    on SEARCH_SETS data sets (ratio = median largest valid R / R~; below 1 the inequality fails on most of them)."""
    grid = [Instance(d, s, n) for d in SEARCH_D for s in SEARCH_SIGNAL for n in SEARCH_N]
    grid += [Instance(HEADLINE.d, HEADLINE.signal, HEADLINE.n, a) for a in SEARCH_ALPHA]
    out = []
    for k, inst in enumerate(grid):
        rng = ctx.rng(1000 + k)
        m1, m2 = _moments(inst.alpha)
        design = _design(ctx, inst, m1, m2, r_tilde, p_tau_cone, SEARCH_PILOT, rng)
        if design is None:
            out.append(dict(inst=inst, R=0.0, ratio=math.inf, held=1.0, phi=math.pi / 2))
            continue
        R_max, held = [], []
        for _ in range(SEARCH_SETS):
            X, y, _ = _sample(inst, rng)
            theta = fit_logistic_mixup(X, y, m1, m2, (design.start,), newton=False)[0]
            scale = float(np.min(np.linalg.norm(X, axis=1))) * m1
            R_max.append(logistic_largest_radius(theta, X, y, m1, m2) / scale)
            held.append(logistic_slack(theta, X, y, design.R * scale, m1, m2) >= -ulps(1e3).value)
        out.append(dict(inst=inst, R=design.R, ratio=float(np.median(R_max)) / design.R, held=float(np.mean(held)),
                        phi=design.cone.phi))
    return out


def _search_evidence(search):
    """The search's table, its hardest instance first (context)."""
    ranked = sorted(search, key=lambda r: r["ratio"])
    worst = ranked[0]
    return reported(
        "search", "hardest-instance search: median largest valid R / R~ at the minimizers, smallest over the grid "
        f"(d in {SEARCH_D}, signal in {SEARCH_SIGNAL}, n in {SEARCH_N}; alpha = beta in {SEARCH_ALPHA} on the headline)",
        worst["ratio"], why=f"{SEARCH_PILOT} pilot and {SEARCH_SETS} test data sets per instance; a ratio below 1 means the "
                            "inequality fails at R~ on most data sets",
        detail=f"hardest: {worst['inst'].words()} (inequality held on {worst['held']:.0%}); all, hardest first: "
               + "; ".join(f"({r['inst'].d}, {r['inst'].signal:g}, {r['inst'].n}, {r['inst'].alpha:g}): "
                           + (f"{r['ratio']:.3g}" if math.isfinite(r["ratio"]) else "no tau with p_tau > 0")
                           for r in ranked) + " [(d, signal, n, alpha): ratio; 'no tau': the pilots' cone is wider than "
                                              "90 deg, Assumption 3.1 fails for it]")


def _rows(ctx, out, design, col, r_tilde):
    """The two readings the text leaves open: which theta (the proof's reading) and when the constants are fixed."""
    K = len(col["slack"])
    delta = 1 - col["in_star"].mean()
    guarantee = 1 - delta - design.fail
    prob_d = col["event_data"].mean()
    constants = Outcome(evidence=[at_least(
        "bound-prob-data", "the decisive frequency with kappa, kappa1, kappa2 the proof's definitions at theta_hat on S",
        prob_d, guarantee, _band(prob_d, delta, K), kind="monte-carlo", role="decisive")], errata=out.errata)
    proof, value, detail = _proof_reading(ctx, out.errata, r_tilde)
    return [
        row("reading of Theta_hat_n", "every theta in Theta* and Theta, separable data (the proof's reading; "
            f"Theta* = {{r e_1}}, r in {PROOF_NORMS}, x uniform on the sphere or two-zone)", proof, value=value,
            detail=detail),
        row("constants kappa, kappa1, kappa2", "the proof's definitions at theta_hat on S (min_i g(1-g), min/max_i "
            "|g - y|)", constants, value=prob_d, detail=f"frequency {prob_d:.3f} against {guarantee:.3f}"),
    ]


def _proof_reading(ctx, errata, r_tilde=r_tilde):
    """Theorem 3.2 for theta = r e_1 in Theta (labels 1{x_1 > 0} on centred data), Theta* = {theta}, x uniform on the
    sphere or two-zone: the decisive frequency at each law and r, and the smallest largest-valid R / R~ (the
    tightness). tau maximises the paper's R~ (a planted ``r_tilde`` does not move it)."""
    d, (m1, m2) = HEADLINE.d, _moments(HEADLINE.alpha)
    rng = ctx.rng(327)
    laws = {"sphere": (lambda n: sphere_logistic_data(n, d, 0.0, rng)[2], lambda t: p_tau_cone(t, 0.0, d)),
            "two-zone": (lambda n: two_zone_data(n, d, rng), two_zone_p_tau)}
    evidence, ratios = [], []
    for law, (sample, p_of) in laws.items():
        for r in PROOF_NORMS:
            theta = r * np.eye(d)[0]
            kappa, kappa1, kappa2 = bounded_set_constants(r, B_X, d)
            taus = np.linspace(0.01, 0.99, 197)
            tau = float(taus[int(np.argmax([PAPER_R_TILDE(p_of(t), t, kappa, kappa1, kappa2) if p_of(t) > 0 else 0.0
                                             for t in taus]))])
            R, fail = r_tilde(p_of(tau), tau, kappa, kappa1, kappa2), failure_probability(PROOF_N, p_of(tau))
            held, R_max = [], []
            for _ in range(PROOF_SETS):
                X = sample(PROOF_N)
                X = X - X.mean(0)
                y = (X[:, 0] > 0).astype(float)  # theta in Theta: zero training error
                scale = float(np.min(np.linalg.norm(X, axis=1))) * m1
                held.append(logistic_slack(theta, X, y, R * scale, m1, m2) >= -ulps(1e3).value)
                R_max.append(logistic_largest_radius(theta, X, y, m1, m2) / scale)
            freq = float(np.mean(held))
            ratios.append((min(R_max) / R, law, r, R))
            evidence.append(at_least(
                f"proof-reading-{law}-{r:g}", f"x {law}, theta = {r:g} e_1 in Theta: P(inequality at R~ = {R:.3g}) >= "
                "1 - 2 exp(-n p_tau^2/2)", freq, 1 - fail, _band(freq, 0.0, PROOF_SETS), kind="monte-carlo",
                role="decisive"))
    worst = min(ratios)
    detail = (f"smallest largest-valid R / R~ = {worst[0]:.3g} (x {worst[1]}, r = {worst[2]:g}, R~ = {worst[3]:.3g}); "
              + ", ".join(f"{q:.3g} ({law}, {r:g})" for q, law, r, _ in ratios) + f"; {PROOF_SETS} data sets of n = "
              f"{PROOF_N}")
    return Outcome(evidence=evidence, errata=errata), worst[0], detail


def _plot(col, R, search) -> Figure:
    fig = Figure(figsize=(9.6, 3.8))
    ax = fig.add_subplot(1, 2, 1)
    ax.hist(np.log10(col["R_max"][col["R_max"] > 0]), bins=20, color="tab:green", alpha=0.8,
            label="largest R with slack >= 0")
    ax.axvline(np.log10(R), color="tab:red", lw=1.5, label=f"theorem's R~ = {R:.2g}")
    ax.set_xlabel("log10 R")
    ax.set_ylabel("data sets")
    ax.set_title(f"at the minimizers ({HEADLINE.words()})", fontsize=8)
    ax.legend(fontsize=8)
    ax = fig.add_subplot(1, 2, 2)
    for d in SEARCH_D:
        for n, marker in zip(SEARCH_N, ("o", "s")):
            pts = [(r["inst"].signal, r["ratio"]) for r in search
                   if r["inst"].d == d and r["inst"].n == n and r["inst"].alpha == 1.0 and math.isfinite(r["ratio"])]
            if pts:
                ax.loglog(*zip(*pts), marker=marker, label=f"d = {d}, n = {n}")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xlabel("signal |theta_0|")
    ax.set_ylabel("median largest valid R / R~")
    ax.set_title("the search (below 1: the inequality fails)", fontsize=8)
    if search:
        ax.legend(fontsize=6)
    fig.suptitle("Theorem 3.2 at the minimizers of L~_mix")
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="theorem-3.2",
    paper_ref="Theorem 3.2, Assumption 3.1, Appendix A.2.3",
    title="With probability >= 1 - delta_n - 2exp(-n p_tau^2/2), Mixup's minimizers bound the adversarial loss "
          "at a radius that does not shrink with n",
    statement=(r"\hat\Theta_n\subseteq\Theta^*\text{ w.p. }\ge 1-\delta_n,\ \delta_n\to0;\ "
               r"p_\tau = \mathbb P(|\cos(x,\theta)|\ge\tau\ \forall\theta\in\Theta^*)\in(0,1];\ "
               r"c_x\sqrt d\le\|x_i\|_2\le b_x\sqrt d\ \Rightarrow\ \text{w.p.}\ge 1-\delta_n-2e^{-np_\tau^2/2}:\ "
               r"\forall\theta\in\hat\Theta_n,\ \tilde L_n^{mix}(\theta,S)\ge\frac1n\sum_{i=1}^n"
               r"\tilde\ell_{adv}(\tilde\varepsilon_{min}\sqrt d,(x_i,y_i)),\ "
               r"\tilde\varepsilon_{min} = \tilde R c_x\mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda],\ "
               r"\tilde R = \min\Big\{\frac{p_\tau\kappa_1}{2\kappa_2-p_\tau(\kappa_2-\kappa_1)},"
               r"\sqrt{\frac{4\kappa p_\tau}{2-p_\tau+4\kappa p_\tau}}\Big\}\tau"),
    hypotheses=("f_theta(x) = theta^T x, logistic loss, y in {0, 1}; E_r[r_x] = 0 (centred data)",
                "Assumption 3.1: Theta_hat_n within Theta* w.p. >= 1 - delta_n, delta_n -> 0 as n -> infinity "
                "(printed: n -> 0); Theta* bounded and away from 0 (used, not stated); p_tau in (0, 1]",
                "c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d)",
                "kappa <= g(1-g), kappa1 <= |g - y| <= kappa2 over Theta* x the support of x (fixed before S)",
                "Theta_hat_n read as the unconstrained minimizers (headline) or as Theta* and Theta (the proof's reading, "
                "a sensitivity row): the printed Theta_hat_n within Theta is empty or false for every data set"),
    derivation="derivations.theorem_3_2",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    vacuous=VACUOUS,
    scope=Scope("instances", f"logistic regression, x uniform on the sphere of radius sqrt(d), logistic labels; headline "
                f"{HEADLINE.words()}, {DATASETS} centred data sets, Theta* a cone holding 90% of {PILOT} pilot minimizers, "
                "Theta_hat_n the unconstrained minimizers; a search over d, the signal, n and alpha; the proof's reading "
                "(theta in Theta* and Theta) a sensitivity row"),
)
