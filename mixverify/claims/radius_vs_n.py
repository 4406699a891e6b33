r"""radius-vs-n: why Theorems 3.2 and B.1 exist -- their radius :math:`\tilde R` is a constant, while Theorem 3.1's
:math:`R = \min_i|\cos(\theta, x_i)|` shrinks as n grows.

**The statement** (Section 3.2): "In the following we provide more discussion about the range of
:math:`R = \min_i|\cos(\theta, x_i)|`. We first show that under additional regularity conditions, we can obtain a high
probability lower bound that does not depend on sample size" (Theorem 3.2; Appendix B.2: "Similar constant lower
bound can be derived to the setting of neural networks", Theorem B.1). Two halves are decided:

(a) Theorem 3.1's (3.3's) R shrinks as n grows;
(b) Theorem 3.2's (B.1's) :math:`\tilde R` does not depend on n, and the inequality at :math:`\tilde R` keeps holding
as n grows.

**Criteria, fixed before the numbers.** n runs over ``NS`` = 100 ... 10000 (two orders of magnitude) on nested
samples: ``SEQUENCES`` independent sequences, each one draw of 10^4 points whose prefixes are the samples (n growing on
the same distribution); every prefix is centred (the theorems' hypothesis :math:`\mathbb E_r[r_x] = 0`). The exponent
b of :math:`v\propto n^b` is fitted per sequence (least squares of log v on log n) and the mean over the sequences gets
a 99% t-interval (``mixverify.certified.exponent_in_n``).

- *shrinks* (``R-shrinks``): the interval lies below ``SHRINKS_BELOW`` = -1/2. The two candidate laws: R is the
  minimum of n i.i.d. :math:`|\cos|`, so :math:`P(R_n > r) = (1 - F(r))^n`; where :math:`|\cos|` has a positive density
  :math:`f_0` at 0, :math:`\mathbb E R_n\sim1/(f_0n)` (exponent -1; exactly :math:`1/(n+1)` for x uniform on the sphere
  in :math:`\mathbb R^3`, derivations/radius_vs_n.py); where the law of x leaves a gap around :math:`\theta`'s
  orthogonal hyperplane, :math:`R_n` tends to the gap (exponent 0). -1/2 lies midway.
- (b): :math:`\tilde R`'s formula has no n (SymPy facts, decisive), and (``bound-every-n``) at every n of the grid the
  frequency over the sequences of :math:`\tilde L^{mix}_n(\theta,S)\ge\frac1n\sum_i\tilde\ell_{adv}(\tilde R c_x
  \mathbb E[1-\lambda]\sqrt d, (x_i, y_i))` reaches the theorem's :math:`1 - \delta_n - 2e^{-np_\tau^2/2}` up to ``Z_MC``
  binomial standard errors, with :math:`\tilde R` computed once, before any sample. "In whichever reading it holds": the
  proof's (:math:`\theta\in\Theta^*\cap\Theta`, :math:`\Theta^* = \{\theta\}`, so :math:`\delta_n = 0`); at Mixup's
  minimizers theorem-3.2 finds the inequality false on its weak-signal instance, which this claim does not decide again.

**Design.** Headline: the proof's reading, x uniform on the sphere of radius :math:`\sqrt d` in :math:`\mathbb R^3` (a
law with mass in every solid angle, the condition of the paper's discussion of Assumption 3.1; the direction law of
Figure 3's :math:`x\sim\mathcal N(0, I)`), labels :math:`1\{x_1 > 0\}`, :math:`\theta = r e_1` for r in
theorem-3.2's ``PROOF_NORMS`` (0.01, 0.1, 1: all decided, the tightness reported at the hardest), :math:`\tau`
maximising the paper's :math:`\tilde R`, theorem-3.2's constants (:math:`b_x = 1.25`). Sensitivity rows:

- :math:`\theta` at Mixup's minimizer (logistic labels, theorem-3.2's headline instance d = 2,
  :math:`\theta_0 = e_1/16`): (a) at :math:`\hat\theta_n`, with the largest valid radius there reported;
- the law of x: the sphere in :math:`\mathbb R^2` and :math:`\mathbb R^{10}`, and theorem-b1's two-zone law in
  :math:`\mathbb R^3` (:math:`|\cos(x, e_1)|` uniform on [0.85, 0.95] w.p. 0.3, else 0.01: a gap around
  :math:`\theta^\perp`, and the law that puts Theorem 3.2 closest to its bound);
- Theorem B.1 / 3.3: a seeded bias-free ReLU net with ``RELU_UNITS`` units (no input region where every unit is off,
  and f of both signs), labels by its sign, x on the sphere in :math:`\mathbb R^3`,
  :math:`R = \min_i|\cos(\nabla f(x_i), x_i)|` and B.1's :math:`\tilde R` (:math:`\tau'' = \sup\|\nabla f\|`,
  :math:`p_{\tau,\tau'}` a Monte Carlo estimate lowered by ``Z_MC`` standard errors, as theorem-b1 does);
- seeds (``run_claim``).

**Power** (statements shown false): ``power-valid-radius``: the shrink criterion applied to the largest radius at
which the inequality holds (a continuous function of sample means, so it tends to a positive constant: "it shrinks" is
false) rejects it; ``power-growing-radius``: the decisive frequency criterion rejects the radius
:math:`\tilde R(n/100)^{1/2}`, which exceeds the largest valid radius at large n. The tests plant a wrong (a) (the mean
of the :math:`R_i`, which does not shrink) and a wrong (b) (the growing radius) through :class:`Statement`.

**Verdict: design-dependent** (seeds 0, 1, 2, 42). Where x has mass near :math:`\theta^\perp` (the sphere in
:math:`\mathbb R^2, \mathbb R^3, \mathbb R^{10}`, Mixup's minimizers, the ReLU net) R shrinks like 1/n (exponents
-0.87 to -1.10, intervals +/- 0.13-0.24) and the inequality holds at the fixed :math:`\tilde R` at every n on every
sample, :math:`\tilde R` about a quarter of the smallest largest-valid radius (tightness 0.25-0.27). The largest
valid radius itself does not shrink (exponent about -0.015): what shrinks with n is Theorem 3.1's sufficient radius,
the minimum over the points. On the two-zone law R stays of the order of the gap instead (0.01 on the raw points; about
0.006 at n = 10^4 after centring, exponent -0.21 to -0.33 with the interval above -1/2): there Theorem 3.1 already
gives a radius that does not shrink to 0, and half (a) fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import integrate, optimize, special

from ..certified import (
    bounded_set_constants,
    exponent_in_n,
    failure_probability,
    logistic_largest_radius,
    logistic_slack_terms,
    min_abs_cosine,
    mixup_minus_adversarial,
    nested_minimizers,
    p_tau_cone,
    sphere_logistic_data,
    theorem_b1_radius,
    two_zone_data,
    two_zone_p_tau,
)
from ..claim import Claim, Context, Evidence, Outcome, Scope, at_most, close, holds, row, tightness
from ..laws import tilde_lambda_law
from ..numerics import Z_MC, Tol, exact, monte_carlo, ulps
from . import theorem_3_2 as t32
from . import theorem_b1 as tb1

NS = (100, 316, 1000, 3162, 10000)
SEQUENCES = 30
SHRINKS_BELOW = -0.5  # midway between the exponents -1 (a density at 0) and 0 (a gap): see the module docstring
NORMS = t32.PROOF_NORMS
B_X = t32.B_X
GROWTH = 0.5  # the power check's radius R~ (n / NS[0])^GROWTH
LAW_SEQUENCES = 200  # raw sequences on which E R_n is compared with its exact law
TAUS = np.linspace(0.01, 0.99, 197)
RELU_UNITS, RELU_SCALE, RELU_PILOT, RELU_P_DRAWS = 12, 1.0, 20_000, 200_000
MIN_D, MIN_SIGNAL = t32.HEADLINE.d, t32.HEADLINE.signal


def mean_abs_cosine(theta, X) -> float:
    """The mean of the R_i = |cos(theta, x_i)| (a plausible wrong reading of R: it does not shrink with n)."""
    return float(np.mean(np.abs(X @ theta) / (np.linalg.norm(X, axis=1) * np.linalg.norm(theta))))


def fixed_radius(n, R) -> float:
    """Theorem 3.2's radius at sample size n: R~ itself."""
    return R


def growing_radius(n, R) -> float:
    """A radius growing with n, R~ (n / NS[0])^GROWTH (a statement shown false)."""
    return R * (n / NS[0]) ** GROWTH


@dataclass(frozen=True)
class Statement:
    """What is claimed: ``shrinking(theta, X)`` is Theorem 3.1's R (claimed to shrink with n), ``radius(n, R~)`` the
    radius claimed to satisfy Theorem 3.2's inequality at sample size n; the tests plant wrong ones."""

    shrinking: Callable = min_abs_cosine
    radius: Callable = fixed_radius


PRINTED = Statement()


@dataclass(frozen=True)
class Law:
    """A law of x on the sphere of radius sqrt(d) in R^d ("sphere" uniform, or theorem-b1's "two-zone")."""

    kind: str
    d: int

    def sample(self, n, rng) -> np.ndarray:
        if self.kind == "two-zone":
            return two_zone_data(n, self.d, rng, tb1.ZONE_P, tb1.ZONE, tb1.BOUNDARY_COS)
        Z = rng.normal(size=(n, self.d))
        return Z / np.linalg.norm(Z, axis=1, keepdims=True) * math.sqrt(self.d)

    def p_tau(self, tau) -> float:
        """P(|cos(x, e_1)| >= tau)."""
        if self.kind == "two-zone":
            return two_zone_p_tau(tau, tb1.ZONE_P, tb1.ZONE, tb1.BOUNDARY_COS)
        return p_tau_cone(tau, 0.0, self.d)

    def words(self) -> str:
        return f"x {self.kind} in R^{self.d}"


HEADLINE = Law("sphere", 3)
OTHER_LAWS = (Law("sphere", 2), Law("sphere", 10), Law("two-zone", 3))


def _moments():
    law = tilde_lambda_law(1.0, 1.0)
    return law.moment_one_minus(1), law.moment_one_minus(2)


# --- the check ---------------------------------------------------------------------------------------------------

def check(ctx: Context, statement: Statement = PRINTED) -> Outcome:
    out = Outcome()
    m1, m2 = _moments()
    out.evidence.append(_law_evidence(ctx.rng(2102), HEADLINE))
    cols = _proof_reading(ctx.rng(2101), HEADLINE, statement, m1, m2)
    out.evidence += _reading_evidence(cols, HEADLINE, statement)
    out.evidence += _implementation(cols, m1)
    out.notes += _notes(cols)
    if ctx.sensitivity:
        out.sensitivity += _rows(ctx, statement, m1, m2)
    out.figures["radius-vs-n"] = _plot(cols)
    return out


@dataclass
class _Columns:
    """Per sequence k and sample size NS[j]: R (k, j); per norm r: R~, p_tau, the largest valid radius (k, j) and
    whether the inequality held at the claimed radius (and at the growing one); the data's norm range."""

    R: np.ndarray
    designs: dict = field(default_factory=dict)
    R_max: dict = field(default_factory=dict)
    held: dict = field(default_factory=dict)
    held_growing: dict = field(default_factory=dict)
    c_x: float = math.inf
    b_x: float = 0.0
    first: tuple = ()


def _design(law: Law, r: float) -> dict:
    """Theorem 3.2's constants for Theta* = {r e_1}, and the tau maximising the paper's R~ (fixed before any sample)."""
    kappa, kappa1, kappa2 = bounded_set_constants(r, B_X, law.d)
    radii = [t32.PAPER_R_TILDE(law.p_tau(t), t, kappa, kappa1, kappa2) if law.p_tau(t) > 0 else 0.0 for t in TAUS]
    tau = float(TAUS[int(np.argmax(radii))])
    return dict(R=max(radii), tau=tau, p=law.p_tau(tau), kappa=(kappa, kappa1, kappa2))


def _proof_reading(rng, law: Law, statement: Statement, m1, m2) -> _Columns:
    """theta = r e_1 in Theta (labels 1{x_1 > 0}) on the nested centred prefixes of SEQUENCES draws."""
    d, J = law.d, len(NS)
    e1 = np.eye(d)[0]
    cols = _Columns(R=np.zeros((SEQUENCES, J)))
    for r in NORMS:
        cols.designs[r] = _design(law, r)
        cols.R_max[r] = np.zeros((SEQUENCES, J))
        cols.held[r], cols.held_growing[r] = np.zeros((SEQUENCES, J), bool), np.zeros((SEQUENCES, J), bool)
    for k in range(SEQUENCES):
        X_raw = law.sample(NS[-1], rng)
        for j, n in enumerate(NS):
            X = X_raw[:n] - X_raw[:n].mean(0)
            y = (X[:, 0] > 0).astype(float)
            norms = np.linalg.norm(X, axis=1) / math.sqrt(d)
            cols.c_x, cols.b_x = min(cols.c_x, float(norms.min())), max(cols.b_x, float(norms.max()))
            scale = float(norms.min()) * m1 * math.sqrt(d)  # eta = R * scale
            cols.R[k, j] = statement.shrinking(e1, X)
            for r in NORMS:
                c, a, b = terms = logistic_slack_terms(r * e1, X, y, m1, m2)
                tol = ulps(1e3, max(1.0, abs(c))).value
                R = cols.designs[r]["R"]
                for held, radius in ((cols.held, statement.radius(n, R)), (cols.held_growing, growing_radius(n, R))):
                    eta = radius * scale
                    held[r][k, j] = c - a * eta - b * eta * eta >= -tol
                cols.R_max[r][k, j] = logistic_largest_radius(r * e1, X, y, m1, m2, terms) / scale
            if k == 0 and j == 0:
                cols.first = (X, y, float(norms.min()))
    return cols


def _band(freq, K) -> Tol:
    """Z_MC binomial standard errors of a frequency over K samples (floor 1/sqrt(K) on the standard error)."""
    return Tol(Z_MC * math.sqrt(max(freq * (1 - freq), 1 / K) / K),
               f"{Z_MC:g} binomial standard errors of the frequency over {K} samples (floor 1/sqrt(K) on the standard "
               "error); a sample counts when the slack is >= -1e3 ulp")


def _every_n(held, designs):
    """Each (r, n): frequency, guarantee 1 - 2 exp(-n p^2/2), band and whether it passes; the worst row first."""
    out = []
    for r, h in held.items():
        for j, n in enumerate(NS):
            freq = float(h[:, j].mean())
            guarantee = 1 - failure_probability(n, designs[r]["p"])
            band = _band(freq, h.shape[0])
            out.append(dict(r=r, n=n, freq=freq, guarantee=guarantee, band=band,
                            ok=freq >= guarantee - band.value))
    return sorted(out, key=lambda x: x["freq"] - x["guarantee"] + x["band"].value)


def _shrinks(values) -> tuple[bool, object]:
    fit = exponent_in_n(values, NS)
    return fit.upper < SHRINKS_BELOW, fit


def _exponent_source(what: str) -> Tol:
    return Tol(0.0, f"{what}: the upper end of the 99% t-interval of the mean exponent over {SEQUENCES} nested sequences "
                    f"(n = {NS[0]} ... {NS[-1]}) below {SHRINKS_BELOW:g}, midway between -1 (a density of |cos| at 0) "
                    "and 0 (a gap)")


def _reading_evidence(cols: _Columns, law: Law, statement: Statement) -> list[Evidence]:
    """(a) R shrinks, (b) the inequality at R~ holds at every n, and the power checks (decisive and power)."""
    ok, fit = _shrinks(cols.R)
    ev = [holds("R-shrinks", f"(a) Theorem 3.1's R = min_i |cos(theta, x_i)| shrinks with n ({law.words()}, theta fixed)",
                ok, _exponent_source("shrinks"), value=fit.slope, reference=f"upper end < {SHRINKS_BELOW:g}",
                kind="monte-carlo", role="decisive",
                detail=f"exponent {fit.slope:.3f} +/- {fit.half_width:.3f}; median R per n: "
                       + ", ".join(f"{v:.3g}" for v in np.median(cols.R, 0)))]
    ev += _bound_evidence(cols, law)
    r0 = NORMS[0]
    ok_v, fit_v = _shrinks(cols.R_max[r0])
    ev.append(holds("power-valid-radius", f"power: the shrink criterion rejects 'the largest radius at which the "
                    f"inequality holds shrinks with n' (theta = {r0:g} e_1)", not ok_v, _exponent_source("rejected unless"),
                    value=fit_v.slope, reference=f"upper end >= {SHRINKS_BELOW:g}", kind="monte-carlo", role="power",
                    detail=f"exponent {fit_v.slope:.3f} +/- {fit_v.half_width:.3f}; median largest valid R per n: "
                           + ", ".join(f"{v:.3g}" for v in np.median(cols.R_max[r0], 0))))
    rows = _every_n(cols.held_growing, cols.designs)
    worst = rows[0]
    ev.append(holds("power-growing-radius", f"power: the decisive frequency criterion rejects the radius R~ (n/{NS[0]})^"
                    f"{GROWTH:g} at some (r, n)", not worst["ok"], worst["band"], value=worst["freq"],
                    reference=worst["guarantee"], kind="monte-carlo", role="power",
                    detail=f"worst at r = {worst['r']:g}, n = {worst['n']}: frequency {worst['freq']:.3f} against "
                           f"{worst['guarantee']:.4f}"))
    return ev


def _bound_evidence(cols: _Columns, law: Law) -> list[Evidence]:
    """(b): the inequality at the fixed R~ at every (r, n), with its tightness at the hardest sample found."""
    rows = _every_n(cols.held, cols.designs)
    worst = rows[0]
    ratio, r_h, n_h, k_h = max((cols.designs[r]["R"] / cols.R_max[r][k, j], r, NS[j], k)
                               for r in NORMS for k in range(SEQUENCES) for j in range(len(NS)))
    R_h = cols.designs[r_h]["R"]
    return [holds(
        "bound-every-n", f"(b) at every n in {NS} and theta = r e_1, r in {NORMS}: P(L~_mix >= mean l~_adv(R~ c_x "
        "E[1-lambda] sqrt d)) >= 1 - 2 exp(-n p_tau^2/2), R~ fixed before the samples", all(x["ok"] for x in rows),
        worst["band"], value=worst["freq"], reference=worst["guarantee"], kind="monte-carlo", role="decisive",
        tightness=tightness(ratio, "R = 0 (L~_mix >= L_std on Theta, centred data)",
                            instance=f"{law.words()}, theta = {r_h:g} e_1, n = {n_h}, sequence {k_h}: the inequality "
                                     f"holds up to R = {R_h / ratio:.4g}, R~ = {R_h:.4g}"),
        detail="; ".join(f"r = {r:g}: R~ = {v['R']:.4g} (tau = {v['tau']:.3f}, p_tau = {v['p']:.3f}), frequencies "
                         + ", ".join(f"{cols.held[r][:, j].mean():.2f}" for j in range(len(NS)))
                         for r, v in cols.designs.items())
        + f"; worst (r, n) = ({worst['r']:g}, {worst['n']}): {worst['freq']:.3f} against {worst['guarantee']:.4f}")]


def _law_evidence(rng, law: Law) -> Evidence:
    """E R_n at a fixed theta on raw i.i.d. points against its exact law int_0^1 (1 - F(r))^n dr (implementation)."""
    cos = np.empty((LAW_SEQUENCES, NS[-1]))
    for k in range(LAW_SEQUENCES):
        X = law.sample(NS[-1], rng)
        cos[k] = np.abs(X[:, 0]) / np.linalg.norm(X, axis=1)
    rows = []
    for n in NS:
        R = np.minimum.accumulate(cos, axis=1)[:, n - 1]
        exact_mean = integrate.quad(lambda r, n=n: (1 - special.betainc(0.5, (law.d - 1) / 2, r * r)) ** n, 0, 1,
                                    epsabs=1e-14, limit=200)[0]
        se = R.std(ddof=1) / math.sqrt(LAW_SEQUENCES)
        rows.append((abs(R.mean() - exact_mean) / se, R.mean(), exact_mean, se))
    _, mean, exact_mean, se = max(rows)  # the largest deviation in standard errors
    return close("R-law", f"E R_n at a fixed theta (raw i.i.d. points, {law.words()}) = int_0^1 (1 - F(r))^n dr, "
                 f"F(r) = I_(r^2)(1/2, (d-1)/2), at n in {NS} (the n with the largest deviation shown)", mean, exact_mean,
                 monte_carlo(se, LAW_SEQUENCES), kind="monte-carlo",
                 detail="simulated vs exact per n: " + ", ".join(f"{m:.3g} vs {e:.3g}" for _, m, e, _ in rows))


def _implementation(cols: _Columns, m1) -> list[Evidence]:
    """The closed-form slack against the library on the first sample; the norm condition on every prefix."""
    X, y, c_x = cols.first
    r = NORMS[-1]
    theta = r * np.eye(X.shape[1])[0]
    eps = cols.designs[r]["R"] * c_x * m1
    eta = eps * math.sqrt(X.shape[1])
    lib = mixup_minus_adversarial(torch.from_numpy(theta), torch.from_numpy(X), torch.from_numpy(y), eta, norm=2)
    c, a, b = logistic_slack_terms(theta, X, y, m1, _moments()[1])
    return [
        at_most("closed-form-slack", "closed-form slack = approx_mixup_loss - taylor_adversarial_loss at R~ (first sample)",
                abs(lib - (c - a * eta - b * eta * eta)), 0.0, ulps(1e3, of="1: the losses are O(1), the gap absolute")),
        holds("norms", f"c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d), b_x = {B_X:g}, on every centred prefix",
              cols.c_x > 0 and cols.b_x <= B_X, exact("comparison of the norms"), value=[cols.c_x, cols.b_x],
              reference=[0.0, B_X]),
    ]


def _notes(cols: _Columns) -> list[str]:
    r0 = NORMS[0]
    radii = ", ".join(f"{v['R']:.4g} at r = {r:g}" for r, v in cols.designs.items())
    return [
        f"R~ is one number per Theta* for every n ({radii}), while the median of Theorem 3.1's R falls from "
        f"{np.median(cols.R[:, 0]):.3g} at n = {NS[0]} to {np.median(cols.R[:, -1]):.3g} at n = {NS[-1]}.",
        f"The largest radius at which the inequality holds does not shrink (median {np.median(cols.R_max[r0][:, 0]):.3g} at "
        f"n = {NS[0]}, {np.median(cols.R_max[r0][:, -1]):.3g} at n = {NS[-1]}, theta = {r0:g} e_1): what shrinks is "
        "Theorem 3.1's sufficient radius, the minimum over the points of |cos(theta, x_i)|.",
    ]


# --- the sensitivity rows ----------------------------------------------------------------------------------------------

def _rows(ctx, statement, m1, m2) -> list:
    rows = [_minimizer_row(ctx.rng(2103), statement, m1, m2)]
    for k, law in enumerate(OTHER_LAWS):
        cols = _proof_reading(ctx.rng(2110 + k), law, statement, m1, m2)
        out = Outcome(evidence=_reading_evidence(cols, law, statement))
        R_fit = exponent_in_n(cols.R, NS)
        rows.append(row("law of x", f"{law.words()} (the proof's reading)", out, value=R_fit.slope,
                        detail=f"R exponent {R_fit.slope:.3f} +/- {R_fit.half_width:.3f} (median R at n = {NS[-1]}: "
                               f"{np.median(cols.R[:, -1]):.3g}); " + out.by_id("bound-every-n").detail.split("; worst")[0]))
    rows.append(_relu_row(ctx.rng(2120)))
    return rows


def _minimizer_row(rng, statement, m1, m2):
    """(a) at Mixup's minimizer theta_hat_n (logistic labels on theorem-3.2's instance); the largest valid radius there."""
    R, R_max = np.zeros((SEQUENCES, len(NS))), np.zeros((SEQUENCES, len(NS)))
    start = MIN_SIGNAL * np.eye(MIN_D)[0]
    for k in range(SEQUENCES):
        _, y, X_raw = sphere_logistic_data(NS[-1], MIN_D, MIN_SIGNAL, rng, centre=False)
        thetas = nested_minimizers(X_raw, y, NS, m1, m2, start)
        for j, n in enumerate(NS):
            X = X_raw[:n] - X_raw[:n].mean(0)
            R[k, j] = statement.shrinking(thetas[j], X)
            scale = float(np.min(np.linalg.norm(X, axis=1))) * m1
            R_max[k, j] = max(logistic_largest_radius(thetas[j], X, y[:n], m1, m2) / scale, 1e-300)
    ok, fit = _shrinks(R)
    fit_v = exponent_in_n(R_max, NS)
    ev = holds("R-shrinks", "(a) Theorem 3.1's R at Mixup's minimizer theta_hat_n shrinks with n", ok,
               _exponent_source("shrinks"), value=fit.slope, reference=f"upper end < {SHRINKS_BELOW:g}",
               kind="monte-carlo", role="decisive")
    return row("reading of theta", f"Mixup's minimizer theta_hat_n (logistic labels, d = {MIN_D}, theta_0 = "
               f"{MIN_SIGNAL:g} e_1: theorem-3.2's instance)", Outcome(evidence=[ev]), value=fit.slope,
               detail=f"R exponent {fit.slope:.3f} +/- {fit.half_width:.3f}; the largest valid radius at theta_hat_n: "
                      f"median {np.median(R_max[:, 0]):.3g} at n = {NS[0]}, {np.median(R_max[:, -1]):.3g} at n = {NS[-1]}, "
                      f"exponent {fit_v.slope:.3f} +/- {fit_v.half_width:.3f} (the inequality at R~ there: theorem-3.2)")


def _live_relu_net(rng, inst):
    """A seeded ReLU net (theorem-b1's make_net) with some unit active at every x (no cone where Wx < 0) and f of
    both signs on a pilot sample: then R_i > 0 and the zero set of f is crossed (R can shrink to 0)."""
    for _ in range(100):
        net, tau2 = tb1.make_net(inst, rng)
        dead = optimize.linprog(np.zeros(inst.d), A_ub=net.W, b_ub=-np.ones(len(net.beta)),
                                bounds=[(None, None)] * inst.d, method="highs").status == 0
        f = net(tb1.draw(inst, 2000, rng))[0]
        if not dead and f.min() < 0 < f.max():
            return net, tau2
    raise RuntimeError("no live ReLU net with f of both signs in 100 draws")


def _relu_row(rng):
    """Theorem 3.3's R and Theorem B.1's R~ on a seeded ReLU net, labels by its sign, x on the sphere in R^3."""
    inst = tb1.Instance(f"seeded-{RELU_UNITS}", RELU_SCALE, "sphere", 3)
    m1, m2 = _moments()
    net, tau2 = _live_relu_net(rng, inst)
    kappa, kappa1, _ = bounded_set_constants(tau2, B_X, inst.d)
    pilot, draws = (_grad_cos(net, tb1.draw(inst, size, rng)) for size in (RELU_PILOT, RELU_P_DRAWS))
    best = max((theorem_b1_radius(float(np.mean((pilot[1] >= t) & (pilot[0] >= t1))), t, t1, tau2, kappa, kappa1, 0.5),
                t, t1) for t1 in np.quantile(pilot[0], [0.1, 0.3, 0.5]) for t in TAUS
               if 0 < np.mean((pilot[1] >= t) & (pilot[0] >= t1)) < 1)
    _, tau, tau1 = best
    hit = (draws[1] >= tau) & (draws[0] >= tau1)
    p = float(hit.mean() - Z_MC * hit.std() / math.sqrt(RELU_P_DRAWS))
    R_tilde = theorem_b1_radius(p, tau, tau1, tau2, kappa, kappa1, 0.5)
    R, R_max = np.zeros((SEQUENCES, len(NS))), np.zeros((SEQUENCES, len(NS)))
    held = {0.0: np.zeros((SEQUENCES, len(NS)), bool)}
    for k in range(SEQUENCES):
        X_raw = tb1.draw(inst, NS[-1], rng)
        for j, n in enumerate(NS):
            X = X_raw[:n] - X_raw[:n].mean(0)
            gn, cos = _grad_cos(net, X)
            R[k, j] = cos.min()
            pt = tb1.parts(net, X, (net(X)[0] > 0).astype(float), m1, m2)
            scale = float(np.min(np.linalg.norm(X, axis=1))) * m1
            held[0.0][k, j] = tb1.slack(pt, R_tilde * scale) >= -ulps(1e3, max(1.0, abs(sum(pt[:3])))).value
            R_max[k, j] = tb1.largest_radius(pt, scale)
    ok, fit = _shrinks(R)
    rows_b = _every_n(held, {0.0: dict(p=p)})
    out = Outcome(evidence=[
        holds("R-shrinks", "(a) Theorem 3.3's R = min_i |cos(grad f(x_i), x_i)| shrinks with n (ReLU net)", ok,
              _exponent_source("shrinks"), value=fit.slope, reference=f"upper end < {SHRINKS_BELOW:g}", kind="monte-carlo",
              role="decisive"),
        holds("bound-every-n", "(b) Theorem B.1 at every n: frequency at R~ >= 1 - 2 exp(-n p^2/2)",
              all(x["ok"] for x in rows_b), rows_b[0]["band"], value=rows_b[0]["freq"], reference=rows_b[0]["guarantee"],
              kind="monte-carlo", role="decisive")])
    return row("model (Theorem B.1)", f"a seeded bias-free ReLU net with {RELU_UNITS} units, labels by its sign, x sphere "
               "in R^3 (the proof's reading)", out, value=fit.slope,
               detail=f"R exponent {fit.slope:.3f} +/- {fit.half_width:.3f}; B.1's R~ = {R_tilde:.4g} (tau = {tau:.3f}, "
                      f"tau' = {tau1:.3g}, tau'' = {tau2:g}, p = {p:.3f}), the largest valid radius: median "
                      f"{np.median(R_max[:, 0]):.3g} at n = {NS[0]}, {np.median(R_max[:, -1]):.3g} at n = {NS[-1]}, "
                      f"smallest {R_max.min():.3g}; frequencies per n: "
                      + ", ".join(f"{held[0.0][:, j].mean():.2f}" for j in range(len(NS))))


def _grad_cos(net, X):
    """||grad f(x_i)|| and |cos(grad f(x_i), x_i)| (f = grad f^T x for a bias-free ReLU net)."""
    f, G = net(X)
    gn = np.linalg.norm(G, axis=1)
    return gn, np.abs(f) / np.maximum(gn * np.linalg.norm(X, axis=1), 1e-300)


def _plot(cols: _Columns) -> Figure:
    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    ax.loglog(NS, np.median(cols.R, 0), "o-", label="Theorem 3.1's R (median)")
    ax.loglog(NS, 1 / (np.array(NS) + 1.0), "k:", lw=0.8, label="E R_n = 1/(n+1) (raw points, d = 3)")
    for r in NORMS:
        line, = ax.loglog(NS, np.median(cols.R_max[r], 0), "s-", ms=3, label=f"largest valid R, theta = {r:g} e_1")
        ax.axhline(cols.designs[r]["R"], color=line.get_color(), ls="--", lw=0.8)
    ax.set_xlabel("n")
    ax.set_ylabel("radius (in units of c_x E[1-lambda] sqrt(d))")
    ax.set_title(f"{HEADLINE.words()}: R shrinks, R~ (dashed) does not", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="radius-vs-n",
    paper_ref=("Section 3.2 ('a high probability lower bound that does not depend on sample size'): Theorem 3.2 and "
               "Theorem B.1 against Theorem 3.1's R = min_i |cos(theta, x_i)|"),
    title="Theorem 3.1's radius R shrinks as n grows; Theorems 3.2 and B.1's radius R~ does not",
    statement=(r"R_n = \min_{i\le n}|\cos(\theta, x_i)|\ \text{shrinks as } n \text{ grows};\ "
               r"\tilde R = \min\Big\{\frac{p_\tau\kappa_1}{2\kappa_2 - p_\tau(\kappa_2-\kappa_1)},"
               r"\sqrt{\frac{4\kappa p_\tau}{2 - p_\tau + 4\kappa p_\tau}}\Big\}\tau\ \text{does not depend on } n "
               r"\text{ and } \tilde L^{mix}_n\ge\frac1n\sum_i\tilde\ell_{adv}(\tilde R c_x\mathbb E[1-\lambda]\sqrt d)"
               r"\ \text{w.p.}\ge1-\delta_n-2e^{-np_\tau^2/2}\ \text{for every } n"),
    hypotheses=("f_theta(x) = theta^T x (Theorems 3.1, 3.2) or a bias-free ReLU net (Theorems 3.3, B.1), logistic loss, "
                "centred data, c_x sqrt(d) <= ||x_i|| <= b_x sqrt(d)",
                "n grows on the same distribution (nested samples); theta fixed in Theta* and Theta (the proof's reading) "
                "or Mixup's minimizer theta_hat_n (a sensitivity row)",
                "Assumption 3.1 / B.1 with constants fixed before the sample"),
    derivation="derivations.radius_vs_n",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("instances", f"n = {NS[0]} ... {NS[-1]} on {SEQUENCES} nested sequences; headline: x uniform on the "
                "sphere in R^3, theta = r e_1 (r = 0.01, 0.1, 1) in Theta; rows: Mixup's minimizer, the sphere in R^2 and "
                "R^10, theorem-b1's two-zone law, a seeded ReLU net (Theorem B.1)"),
)
