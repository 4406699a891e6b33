r"""theorem-3.4: the Rademacher complexity of the Mixup class :math:`\mathcal W_\gamma` of a GLM scales as
:math:`\sqrt{\mathrm{rank}(\Sigma_X)/n}` (Section 3.3, proof in Appendix A.3.2).

Two :math:`\rho`-retentive constructions, on finite populations (so that every population quantity --
:math:`\Sigma_X`, :math:`a(\theta) = \mathbb E_xA''(\theta^\top x)`, :math:`\mathbb E\tilde x^\top\tilde x` --
is exact):

- the squared-loss GLM, :math:`A(u) = u^2/2`, :math:`A''=1`: :math:`\mathcal W_\gamma` *is* the ellipsoid
  :math:`\theta^\top\Sigma_X\theta\le\gamma` and its complexity is computed exactly by the closed-form
  supremum (:mod:`mixverify.rademacher`). Retentiveness holds for every :math:`\rho\le1`; the definition caps
  :math:`\rho` at 1/2.
- logistic regression, :math:`A = \mathrm{softplus}`, with bounded x (:math:`\|x\|\le R_x`) and
  :math:`\Theta = \{\|\theta\|\le B\}`: :math:`A''(x^\top v)\ge A''(BR_x)` gives
  :math:`\rho = A''(BR_x)^2`. :math:`\mathcal W_\gamma\cap\Theta` is not an ellipsoid: its complexity is
  bracketed between a lower bound (feasible points on rays) and A.3.2's ellipsoid relaxation.

The scaling exponents in rank (at fixed ambient p = 64) and in n are fitted on
:math:`\mathbb E_S\mathrm{Rad}(\mathcal W_\gamma,S)` and compared with those of the bound formula; each
displayed step of A.3.2 is a numeric check on one sample (all :math:`2^{n-1}` sign vectors enumerated).
The theorem is about the *empirical* complexity, the proof bounds its expectation over S: a sample with
large :math:`\tilde x_i` breaks the statement (erratum); the printed last line has rank where the theorem
has :math:`\sqrt{\mathrm{rank}}` (erratum); :math:`\rho`-retentiveness "for any non-zero v" cannot hold for
logistic regression (erratum).

Verdict (docs/verdicts.md). Decisive: ``bound-holds`` (E_S Rad <= the bound at the 11 sweep points, squared GLM),
``bound-holds-hardest`` (exact, on the hardest instance a search found, below), ``bound-holds-exact`` (exact enumeration,
rank 1), ``bound-holds-logistic`` (logistic regression, the relaxed ellipsoid that contains W_gamma cap Theta, one (n,
rank) point), ``exponent-rank`` and ``exponent-n`` (the exponents of E_S Rad equal the bound's: the theorem's point is
that the complexity adapts to rank(Sigma_X), so a bound with the right value but another rate would not carry it).

Hardest instance. At n = 1 on a whitened law of constant norm (one-hot x = +-sqrt(r) e_J, Sigma_X = I_r) A.3.2's
Cauchy-Schwarz and both Jensen steps are equalities and the only room is the relaxation's; a search over the constant
curvature A'' = c, gamma and Theta = {theta^T Sigma_X theta <= s_Theta} finds 2^(1/6) = 1.122 (c = 2^(-2/3), gamma = 1/2,
s_Theta = 2^(-1/3): rho = 1/2 retentive on Theta, the class is Theta), the minimum the derivation proves; with
rho-retentiveness for every v, as printed, 2^(1/4) (a sensitivity row). ``bound-holds-hardest`` evaluates E_S Rad there
exactly (sums over the partitions of n, :func:`mixverify.rademacher.one_hot_mean_norm`) at n = 1, 4, 16.

Power: the decisive criteria applied to :data:`WRONG_VERSIONS`, each shown false: the constant halved and R
sqrt(rank)/n fail as bounds (on the hardest instance and on the sweeps); sqrt(p) for sqrt(rank) and the proof's last
line R rank/sqrt(n) hold as bounds (they are larger) but their rates are false (exponent 0 and 1 in rank; the measured
exponent is 1/2). Errata: the empirical complexity (``weakening``: the expectation is bounded, as Lemma A.1 needs), the
last line (``proof``), rho-retentiveness for all v (``hypothesis``: on the bounded Theta the paper's own remark
names), v in R^d (``typo``). Exponents are fitted for A'' = 1 only (W_gamma exactly an ellipsoid); for logistic
regression (A'' not constant) only the bound is checked, at one (n, rank) point.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import optimize

from mixverify.derivations import theorem_3_4 as deriv

from ..claim import (
    Claim,
    Context,
    Erratum,
    Evidence,
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
from ..models import linear_model
from ..numerics import Z_MC, Tol, exact, fit_order, monte_carlo, ulps
from ..rademacher import (
    PSDGeometry,
    ellipsoid_support,
    expected_rademacher,
    logistic_retentive_rho,
    low_rank_population,
    mean_curvature,
    mixup_covariance,
    one_hot_mean_norm,
    population_second_moment,
    printed_last_line,
    psd_geometry,
    rademacher_complexity_exact,
    relaxation_radius,
    retentive_ratio,
    sharp_relaxation_radius,
    sign_vectors,
    softplus_second,
    support_bruteforce,
    theorem_3_4_bound,
)
from ..regularizers import mixup_regularizers

P_DIM = 64
RANKS = (2, 4, 8, 16, 32)
N_FIXED = 128
NS = (16, 32, 64, 128, 256, 512)
R_FIXED = 8
POP = 4096
OFFSET = 2.0  # norm of the raw data's mean, orthogonal to the subspace (the raw data are uncentred)
GAMMA, RHO_SQUARED = 1.0, 0.5
N_EXACT = 12  # sample size of the line-by-line check (2^11 sign vectors)
#: Exponents are decided on a grid of halves (0: sqrt p, 1/2: sqrt rank, 1: rank): the 99% interval of a
#: fitted exponent must lie within a quarter of the formula's, midway to the next alternative.
EXPONENT_BIN = 0.25
# logistic regression
LOG_P, LOG_R, LOG_POP, LOG_N, LOG_B, LOG_GAMMA, SMALL_GAMMA = 16, 4, 512, 64, 1.0, 0.05, 0.01


SCOPE = Scope("instances", "squared-loss GLM (A'' = 1, W_gamma exactly an ellipsoid) on low-rank populations of 4096 "
                           "points in R^64: ranks 2-32 at n = 128 and n = 16-512 at rank 8, gamma = 1, rho = 1/2 (exponents "
                           "fitted here only); the hardest instance a search over (A'' = c, gamma, Theta) found, one-hot data "
                           "in R^256 at n = 1, 4, 16 (exact); logistic regression (A'' not constant) at one point, rank 4 in "
                           "R^16, n = 64, gamma = 0.05, certified rho (bound checked, no exponent); exact enumeration at "
                           "n = 4, rank 1")


def claimed_bound(gamma, rho, n, rank, p):
    r"""Theorem 3.4's bound; ``p`` (the ambient dimension) is there so that a wrong formula can use it."""
    return theorem_3_4_bound(gamma, rho, rank, n)


def check(ctx: Context, *, support=ellipsoid_support, bound=claimed_bound, covariance=mixup_covariance) -> Outcome:
    """Injectable: ``support(U, M, gamma)`` (closed-form supremum over the ellipsoid), ``bound(gamma, rho, n,
    rank, p)`` (the theorem's right-hand side), ``covariance(X)`` (the matrix of Mixup's quadratic form)."""
    out = Outcome()
    out.evidence += support_evidence(ctx.rng(41), support)
    out.evidence += _mixup_class_evidence(ctx.rng(42), covariance)
    rng = ctx.rng(43)
    logistic = _retentiveness(rng, out)
    out.evidence += logistic.evidence
    out.evidence += _relaxation(logistic)
    out.evidence += _logistic_class(rng, logistic, support, bound)
    out.evidence += _line_by_line(ctx.rng(44), support, bound, covariance)
    sweeps = _sweeps(ctx.rng(45), support, bound, covariance, ctx.thorough)
    hard = _hardest("theta")
    out.evidence.append(_search_evidence(hard))
    out.evidence += _sweep_evidence(sweeps, hard, bound)
    out.evidence += _empirical_counterexample(out, bound)
    _final_line_erratum(sweeps, out)
    _typo_erratum(out)
    if ctx.sensitivity:
        out.sensitivity.append(_printed_reading_row(out, sweeps, bound))
    out.notes += _notes(logistic.rho_cert, logistic.rho_hat)
    out.figures["rademacher-scaling"] = _plot(sweeps)
    return out


def _notes(rho_cert, rho_hat) -> list[str]:
    return [
        "W_gamma's definition is followed by 'where alpha > 0': alpha appears nowhere in W_gamma (a leftover).",
        f"A.3.2's relaxation max{{(gamma/rho)^(1/2), gamma/rho}} is valid but not sharp: a(theta)^2 >= rho min{{1, s}} "
        f"and a s <= gamma give s <= (gamma^2/rho)^(1/3) (s < 1) or gamma/sqrt(rho) (s >= 1); A.3.2's radius is "
        f"what a >= rho min{{1, s}} (without the square) gives. E.g. gamma = {SMALL_GAMMA}, rho = {rho_hat:.4f}: "
        f"sharp {sharp_relaxation_radius(SMALL_GAMMA, rho_hat):.4f} vs {relaxation_radius(SMALL_GAMMA, rho_hat):.4f}.",
        "A.3.2's step 'sup_{||v||^2 <= c} (1/n) sum xi_i v^T x~_i <= (1/n) sqrt(c) ||sum xi_i x~_i||' is an equality "
        "(Cauchy-Schwarz is attained at v parallel to the sum).",
        f"For A(u) = u^2/2, A'' = 1 makes any rho <= 1 retentive, but the definition restricts rho to (0, 1/2]: the "
        f"bound then carries a factor sqrt(2) over the exact complexity even though W_gamma is exactly an ellipsoid "
        f"(gamma = {GAMMA:g}: bound constant {math.sqrt(relaxation_radius(GAMMA, RHO_SQUARED)):.4f} vs sqrt(gamma) = "
        f"{math.sqrt(GAMMA):.4f}).",
        "Theorem 3.4 takes Sigma_X = E[x x^T] (uncentred); Mixup's regularizer penalises the centred covariance "
        "(mixing is shift invariant). They agree for centred x, which Lemma 3.3 assumes; on uncentred data the class "
        "Mixup actually controls has infinite Rademacher complexity (counterexample evidence above).",
        f"With bounded x the certified rho = A''(B R_x)^2 depends on the data: E||x||^2 = tr(Sigma_X) = r for unit-"
        f"variance latent coordinates, so R_x >= sqrt(r) and at fixed B the bound's constant grows with the rank "
        f"through rho; the sqrt(rank) rate is at fixed rho. Here rho = {rho_cert:.3g} (certified, R_x = max ||x||) vs "
        f"{rho_hat:.4f} (smallest ratio over the tested directions).",
    ]


# --- the closed form of the supremum --------------------------------------------------------------

def support_evidence(rng, support, *, ball: bool = False) -> list[Evidence]:
    """The closed-form supremum against the inverse-free brute force in the plane; +inf off the range.

    ``ball=True`` uses M = I only (the ridge class of Remark 3.2)."""
    cases = []
    for gamma in (0.25, 4.0, float(rng.uniform(0.1, 3.0)), 1.0, 9.0, float(rng.uniform(0.1, 3.0))):
        if ball:
            M = np.eye(2)
        else:
            A = rng.normal(size=(2, 2))
            M = A @ A.T + 0.1 * np.eye(2)
        cases.append((M, rng.normal(size=2), gamma))
    if not ball:
        a = rng.normal(size=2)
        cases += [(np.outer(a, a), 1.7 * a, 0.5), (np.outer(a, a), -0.3 * a, 4.0)]  # singular, u in range
    worst_low, worst_high, rows = 0.0, 0.0, []
    for M, u, gamma in cases:
        closed = float(np.asarray(support(u[None], M, gamma))[0])
        low, err = support_bruteforce(u, M, gamma)
        worst_low = min(worst_low, (closed - low) / abs(low))  # closed >= feasible values (up to round-off)
        worst_high = max(worst_high, (closed - low) / err)  # closed - L within the grid's gap bound
        rows.append(f"{closed:.10g} vs {low:.10g}")
    name = "ball" if ball else "ellipsoid"
    floor = ulps(64).value
    # two criteria (a relative round-off floor below, a ratio to the grid's gap bound above): no single tolerance
    ev = [holds(
        "support-closed-form", f"closed-form sup over the {name} = brute-force maximum over its boundary "
        f"({len(cases)} planar cases" + ("" if ball else ", 2 singular M") + ")",
        worst_low >= -floor and worst_high <= 1.0,
        f"the grid maximum L is attained by feasible boundary points, so closed >= L - 64 ulp (relative, {floor:.3g}); "
        "and closed - L must not exceed the second-order bound on the gap within a grid cell (ratio <= 1); value: the "
        "smallest relative difference and the largest ratio", value=[worst_low, worst_high], reference=[0.0, 1.0],
        detail="; ".join(rows))]
    if not ball:
        a = rng.normal(size=2)
        M, nvec = np.outer(a, a), np.array([-a[1], a[0]]) / np.linalg.norm(a)
        u = a + 0.5 * nvec
        closed = float(np.asarray(support(u[None], M, 1.0))[0])
        t = 1e6
        theta = t * nvec
        feasible = float(theta @ M @ theta) <= ulps(64, t**2 * float(np.abs(M).max())).value
        ev.append(holds(
            "support-off-range", "u outside range(M): closed form = +inf; the ray theta = t n (n in the null space) is "
            "feasible with theta^T u = t n^T u", math.isinf(closed) and feasible,
            exact("the ray's constraint value is round-off only"), value=closed, reference=math.inf,
            detail=f"t = {t:g}: theta^T u = {theta @ u:.6g}"))
    return ev


# --- the class Mixup controls ----------------------------------------------------------------------

def _square_half(u):
    return u * u / 2


def _mixup_class_evidence(rng, covariance) -> list[Evidence]:
    ev = []
    ranks = {}
    for r in RANKS:
        raw, _ = low_rank_population(P_DIM, r, POP, rng, offset=OFFSET)
        ranks[r] = psd_geometry(covariance(raw)).rank
    ev.append(holds(
        "rank-intrinsic", f"rank(Sigma_X) = intrinsic dimension r of the data (p = {P_DIM}, raw data with a mean of norm "
        f"{OFFSET:g} off the subspace)", all(k == v for k, v in ranks.items()),
        exact("integer ranks (eigenvalues below p eps lambda_max count as 0)"), value=list(ranks.values()),
        reference=list(ranks)))
    raw, _ = low_rank_population(P_DIM, R_FIXED, POP, rng, offset=OFFSET)
    pop = raw - raw.mean(0)
    sig_theorem = population_second_moment(pop)
    sig = covariance(raw)
    diff = float(np.abs(sig - sig_theorem).max())
    ev.append(at_most("sigma-centred", "Theorem's Sigma_X = E[x x^T] of the centred data (Lemma 3.3) = covariance(raw "
                      "data)", diff, 0.0, ulps(1e3, float(np.abs(sig_theorem).max()), of="max |Sigma_X|")))

    # Lemma 3.1's R2 for the squared-loss GLM (A'' = 1) is E[(1-lambda)^2] theta^T Sigma_hat theta
    X = raw[rng.integers(0, POP, size=N_EXACT)]
    Xt = torch.as_tensor(X)
    m2 = tilde_lambda_law(1.0, 1.0).moment_one_minus(2)
    S_hat = covariance(X)
    worst = 0.0
    for _ in range(8):
        theta = rng.normal(size=P_DIM)
        r2 = float(mixup_regularizers(linear_model(torch.as_tensor(theta)), Xt, torch.zeros(N_EXACT, dtype=Xt.dtype),
                                      1.0, 1.0, h=_square_half)[1])
        worst = max(worst, abs(r2 - m2 * float(theta @ S_hat @ theta)) / abs(r2))
    ev.append(at_most(
        "r2-centred", "Mixup's R2 (Lemma 3.1, A'' = 1, alpha = beta = 1) = E[(1-lambda)^2] theta^T Sigma_hat theta with "
        "Sigma_hat = covariance(S), on uncentred S (8 random theta)", worst, 0.0,
        ulps(1e3, of="|R2|: value is the largest relative difference"),
        detail="R2 = m2/(2n) sum_i theta^T (Sigma_c + (mu - x_i)(mu - x_i)^T) theta = m2 theta^T Sigma_c theta: "
               "the centred covariance"))
    M = covariance(X)
    raw_rad = rademacher_complexity_exact(X, M, GAMMA)
    centred_rad = rademacher_complexity_exact(X - X.mean(0), M, GAMMA)
    ev.append(holds(
        "cx-uncentred", "without 'centred data': Mixup's class {theta^T Sigma_hat theta <= gamma} on the uncentred "
        "sample has Rad = +inf (the mean direction is unconstrained)",
        math.isinf(raw_rad) and math.isfinite(centred_rad), "exact enumeration of the 2^(n-1) sign vectors",
        value=[raw_rad, centred_rad], reference=[math.inf, "finite"], kind="counterexample",
        detail=f"n = {N_EXACT}; after centring the sample: {centred_rad:.6g}"))
    return ev


# --- rho-retentive constructions and the logistic class --------------------------------------------

def _directions(rng, p, count, magnitudes):
    d = rng.normal(size=(count, p))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return (d[:, None, :] * np.asarray(magnitudes)[None, :, None]).reshape(-1, p)


class _Logistic(NamedTuple):
    """The logistic population of the retentiveness checks, shared by the relaxation and the class's bound."""

    pop: np.ndarray
    geo: PSDGeometry
    V: np.ndarray  # the tested directions
    rho_cert: float  # A''(B R_x)^2
    rho_hat: float  # the smallest ratio over V
    evidence: list


def _retentiveness(rng, out: Outcome) -> _Logistic:
    """rho-retentiveness: the squared GLM (A'' = 1), logistic regression on a bounded Theta, and its failure for
    unbounded v (erratum)."""
    ev = []
    pop_sq, _ = low_rank_population(P_DIM, R_FIXED, 1024, rng)
    V = _directions(rng, P_DIM, 200, np.geomspace(1e-3, 1e3, 7))
    ratio_sq = retentive_ratio(pop_sq, V, a2=np.ones_like)
    ev.append(at_least(
        "retentive-squared", "squared-loss GLM (A'' = 1) is rho-retentive with rho = 1/2: min over 1400 directions v of "
        "[E A'']^2 / min{1, E(v^T x)^2}", float(ratio_sq.min()), RHO_SQUARED, exact("ratio >= 1 >= 1/2")))

    # logistic regression on a bounded population, Theta = {||theta|| <= B}
    pop, basis = low_rank_population(LOG_P, LOG_R, LOG_POP, rng)
    geo = psd_geometry(population_second_moment(pop))
    r_x = float(np.linalg.norm(pop, axis=1).max())
    rho_cert = logistic_retentive_rho(LOG_B, r_x)
    V = _directions(rng, LOG_P, 400, np.geomspace(1e-3, LOG_B, 16))
    rho_hat = float(retentive_ratio(pop, V).min())
    ev.append(at_least(
        "retentive-logistic", f"logistic GLM, ||x|| <= R_x = {r_x:.4f}, ||v|| <= B = {LOG_B:g}: rho = A''(B R_x)^2 is "
        "retentive over 6400 directions and magnitudes", rho_hat, rho_cert,
        exact("population expectations; value: the smallest ratio"), detail=f"certified rho = {rho_cert:.4g}"))
    big = [float(retentive_ratio(pop, (m * basis[:, 0])[None])[0]) for m in (10.0, 100.0, 1000.0)]
    ev.append(holds(
        "cx-retentive-unbounded", "'for any non-zero v' fails for logistic regression: the ratio at ||v|| = 10, 100, "
        "1000 falls below the certified rho (and tends to 0)", min(big) < rho_cert and big[0] > big[-1],
        "exact population expectations", value=big, reference=rho_cert, kind="counterexample"))
    out.errata.append(Erratum(
        location="Section 3.3, definition of rho-retentive (and the hypothesis of Theorem 3.4)",
        statement="for any non-zero vector v, [E_x A''(x^T v)]^2 >= rho min{1, E_x (v^T x)^2} -- 'satisfied by general "
                  "GLMs when theta has bounded l2 norm'",
        correction="for logistic regression E_x A''(x^T v) -> 0 as ||v|| -> infinity (unless x^T v = 0 with positive "
                   "probability for every v, e.g. an atom of x at 0) while min{1, E(v^T x)^2} -> 1, so no rho > 0 works "
                   "for all v; the condition must be required on Theta = {||v|| <= B} only, and W_gamma intersected with "
                   "Theta (then rho = A''(B R_x)^2 for ||x|| <= R_x)",
        counterexample=f"x uniform on {LOG_POP} bounded points in a {LOG_R}-dim subspace of R^{LOG_P} (whitened): "
                       f"ratio {big[0]:.3g}, {big[1]:.3g}, {big[2]:.3g} at ||v|| = 10, 100, 1000, below rho = {rho_cert:.3g} "
                       f"that holds for ||v|| <= {LOG_B:g}", kind="hypothesis", evidence="cx-retentive-unbounded"))
    return _Logistic(pop, geo, V, rho_cert, rho_hat, ev)


def _relaxation(logistic: _Logistic) -> list[Evidence]:
    """A.3.2's relaxation on the tested points: a(theta) s <= gamma  =>  s <= max{(gamma/rho)^(1/2), gamma/rho}."""
    pop, geo, V, rho_hat = logistic.pop, logistic.geo, logistic.V, logistic.rho_hat
    a = mean_curvature(pop, V)
    s = np.einsum("ki,ij,kj->k", V, geo.matrix, V)
    feasible = a * s <= SMALL_GAMMA
    s_max = float(s[feasible].max())
    c_hat, c_sharp = relaxation_radius(SMALL_GAMMA, rho_hat), sharp_relaxation_radius(SMALL_GAMMA, rho_hat)
    return [
        at_most("relaxation", f"relaxation (A.3.2): every tested theta with a(theta) theta^T Sigma theta <= gamma = "
                f"{SMALL_GAMMA} has theta^T Sigma theta <= max{{(gamma/rho)^(1/2), gamma/rho}} (rho: smallest ratio over "
                "the same thetas)", s_max, c_hat, exact(),
                detail=f"largest feasible s = {s_max:.5g}; sharp radius {c_sharp:.5g}; A.3.2's radius {c_hat:.5g}; "
                       f"{int(feasible.sum())} feasible of {len(s)}"),
        at_most("relaxation-sharp", "... and <= the sharp radius max{(gamma^2/rho)^(1/3), gamma/sqrt(rho)} (derivation)",
                s_max, c_sharp, exact()),
    ]


def _logistic_class(rng, logistic: _Logistic, support, bound) -> list[Evidence]:
    """Rad of W_gamma cap Theta: rays (lower) <= A.3.2's ellipsoid (upper); E_S upper <= the theorem's bound."""
    pop, geo, rho_cert = logistic.pop, logistic.geo, logistic.rho_cert
    c = relaxation_radius(LOG_GAMMA, rho_cert)
    lows, ups, gaps = [], [], []
    for _ in range(6):
        X = pop[rng.integers(0, LOG_POP, size=LOG_N)]
        xi = 2.0 * rng.integers(0, 2, size=(128, LOG_N)) - 1.0
        U = xi @ X
        low = _ray_lower(U, pop, geo, LOG_GAMMA, LOG_B) / LOG_N
        up = np.asarray(support(U, geo, c), dtype=float) / LOG_N
        lows.append(low.mean())
        ups.append(up.mean())
        gaps.append(float((low - up).max()))
    b = bound(LOG_GAMMA, rho_cert, LOG_N, geo.rank, LOG_P)
    up_m, up_se = float(np.mean(ups)), float(np.std(ups, ddof=1) / math.sqrt(len(ups)))
    low_m = float(np.mean(lows))
    return [
        at_most("ray-below-ellipsoid", f"logistic W_gamma cap Theta (gamma = {LOG_GAMMA}, n = {LOG_N}): for every sign "
                "vector the feasible ray point's value <= the relaxed ellipsoid's supremum", max(gaps), 0.0,
                ulps(64, of="1, absolute, per sign vector of 768"), detail=f"E_S Rad: lower {low_m:.4g} <= upper {up_m:.4g}"),
        at_most("bound-holds-logistic", "logistic: E_S Rad(relaxed ellipsoid) <= Theorem 3.4's bound (certified rho)",
                up_m, b, monte_carlo(up_se, len(ups)), kind="monte-carlo", role="decisive",
                detail=f"lower bound on Rad(W_gamma cap Theta) {low_m:.4g}: the bound is {b / low_m:.1f} times larger; the "
                       "relaxed ellipsoid contains the class, so its complexity bounds the class's from above",
                tightness=tightness([b / up_m, b / low_m], math.sqrt(c) * _max_whitened(pop, geo), instance=(
                    f"logistic GLM, rank {LOG_R} in R^{LOG_P}, ||theta|| <= {LOG_B:g}, gamma = {LOG_GAMMA}, n = {LOG_N}; "
                    "E_S Rad bracketed between the ray lower bound and the relaxed ellipsoid (trivial: sup of |theta^T x| "
                    "over the relaxed class and the population)"))),
    ]


def _ray_lower(U, pop, geo, gamma, B, grid: int = 24):
    r"""A lower bound on :math:`\sup_{\theta\in\mathcal W_\gamma\cap\Theta}\theta^\top u` per row u: the largest
    feasible point on a grid of the ray along :math:`\Sigma^+u` (the relaxed ellipsoid's maximiser)."""
    D = (U @ geo.basis / geo.evals) @ geo.basis.T
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    sd = np.einsum("ki,ij,kj->k", D, geo.matrix, D)
    lin = (D * U).sum(1)
    proj = pop @ D.T
    best = np.zeros(len(U))
    for t in B * np.arange(1, grid + 1) / grid:
        a = softplus_second(t * proj).mean(0)
        best = np.where(a * t * t * sd <= gamma, t, best)
    return best * lin


# --- A.3.2 line by line ----------------------------------------------------------------------------

def _line_by_line(rng, support, bound, covariance) -> list[Evidence]:
    raw, _ = low_rank_population(P_DIM, R_FIXED, POP, rng, offset=OFFSET)
    pop = raw - raw.mean(0)
    geo = psd_geometry(covariance(raw))
    X = pop[rng.integers(0, POP, size=N_EXACT)]
    n = N_EXACT
    W = geo.pinv_sqrt()
    Xt, pop_t = X @ W, pop @ W  # x~ = Sigma^(+/2) x (symmetric matrix, rows)
    ev = []
    theta = rng.normal(size=(P_DIM, 5))
    v = geo.sqrt() @ theta
    err = float(np.abs(X @ theta - Xt @ v).max())
    ev.append(at_most("line-2", "A.3.2 line 2: theta^T x_i = v^T x~_i (v = Sigma^(1/2) theta, x~ = Sigma^(+/2) x)", err,
                      0.0, ulps(1e3, float(np.abs(X @ theta).max()), of="max |theta^T x_i|")))
    rad = rademacher_complexity_exact(X, geo, GAMMA, support=support)
    c = relaxation_radius(GAMMA, RHO_SQUARED)
    relaxed = rademacher_complexity_exact(X, geo, c, support=support)
    ev.append(at_most("line-3", f"A.3.2 line 3: Rad(W_gamma, S) <= Rad over ||v||^2 <= {c:g} (squared GLM, gamma = "
                      f"{GAMMA:g}, rho = 1/2)", rad, relaxed, exact("enumeration, 2048 sign vectors")))
    norms = np.linalg.norm(sign_vectors(n) @ Xt, axis=1)
    line4 = math.sqrt(c) / n * float(norms.mean())
    ev.append(close("line-4", "A.3.2 line 4: Rad over the ball = (1/n) sqrt(c) E_xi ||sum xi_i x~_i|| (Cauchy-Schwarz, "
                    "attained)", relaxed, line4, ulps(1e3, line4, of="line 4")))
    second = float((norms**2).mean())
    line5 = math.sqrt(c) / n * math.sqrt(second)
    ev.append(at_most("line-5", "A.3.2 line 5 (Jensen): (1/n) sqrt(c) E||.|| <= (1/n) sqrt(c) sqrt(E||.||^2)", line4,
                      line5, exact()))
    sq = float((Xt**2).sum())
    ev.append(close("line-6", "A.3.2 line 6: E_xi ||sum xi_i x~_i||^2 = sum_i x~_i^T x~_i", second, sq,
                    ulps(1e3, sq, of="sum_i x~_i^T x~_i")))
    mean_sq = float((pop_t**2).sum(1).mean())
    ev.append(close("line-rank", "A.3.2 'Consequently': E_x x~^T x~ = rank(Sigma_X) (population)", mean_sq, geo.rank,
                    ulps(1e3, geo.rank, of="rank(Sigma_X)")))
    b = bound(GAMMA, RHO_SQUARED, n, geo.rank, P_DIM)
    ev.append(reported("sample-vs-bound", f"this sample: Rad(W_gamma, S) vs the bound (n = {n}; reported: the statement "
                       "is about E_S, see the erratum)", rad, reference=b))
    return ev


# --- scaling in rank and n -------------------------------------------------------------------------

def _max_whitened(pop, geo) -> float:
    """max over the population of ||Sigma^(+/2) x||: sup |theta^T x| over the ball ||Sigma^(1/2) theta|| <= 1."""
    return float(np.linalg.norm(pop @ geo.pinv_sqrt(), axis=1).max())


def _sweeps(rng, support, bound, covariance, thorough):
    """Rows (x, E_S Rad, its standard error, the bound, rank, n, trivial bound) over rank (n fixed) and n (rank fixed)."""
    samples, draws = (64, 1024) if thorough else (24, 256)
    rows = {"rank": [], "n": []}
    geo_fixed = pop_fixed = None
    radius = math.sqrt(relaxation_radius(GAMMA, RHO_SQUARED))
    for r in RANKS:
        raw, _ = low_rank_population(P_DIM, r, POP, rng, offset=OFFSET)
        pop = raw - raw.mean(0)
        geo = psd_geometry(covariance(raw))
        est, se = expected_rademacher(pop, geo, GAMMA, N_FIXED, samples=samples, draws=draws, generator=rng,
                                      support=support)
        trivial = radius * _max_whitened(pop, geo)
        rows["rank"].append((r, est, se, bound(GAMMA, RHO_SQUARED, N_FIXED, geo.rank, P_DIM), geo.rank, N_FIXED, trivial))
        if r == R_FIXED:
            geo_fixed, pop_fixed, trivial_fixed = geo, pop, trivial
    for n in NS:
        est, se = expected_rademacher(pop_fixed, geo_fixed, GAMMA, n, samples=samples, draws=draws, generator=rng,
                                      support=support)
        rows["n"].append((n, est, se, bound(GAMMA, RHO_SQUARED, n, geo_fixed.rank, P_DIM), geo_fixed.rank, n,
                          trivial_fixed))
    return {k: np.array(v, dtype=float) for k, v in rows.items()}


def exponent_evidence(id, name, xs, est, formula, claimed, *, kind="order", role=None) -> Evidence:
    """The fitted exponent of ``est`` in ``xs`` must match the exponent of ``formula`` (fitted on the same xs)."""
    fit = fit_order(xs, est)
    target = fit_order(xs, formula).slope
    return holds(
        id, name, abs(fit.slope - target) + fit.half_width < EXPONENT_BIN,
        Tol(EXPONENT_BIN, f"99% t-interval of the fitted log-log slope ({fit.slope:.3f} +/- {fit.half_width:.3f}) must "
                          f"lie within {EXPONENT_BIN} of the formula's exponent (midway to the next half-integer "
                          "alternative)"),
        value=round(fit.slope, 4), reference=round(target, 4), kind=kind, role=role,
        detail=f"claimed {claimed}; standard error {fit.stderr:.4f}; local slopes "
               + ", ".join(f"{s:.3f}" for s in fit.local_slopes))


#: The Monte Carlo criterion of a bound over a sweep: per point, est - Z_MC se <= bound.
SWEEP_SOURCE = (f"{Z_MC:g} standard errors of each point's two-stage (samples x sign vectors) estimate; value: largest "
                "ratio est/bound")


def _criterion(sweeps, values, *, role=None):
    """The decisive criterion on the sweeps for a bound whose values at the sweep points are ``values`` (rank rows,
    n rows): E_S Rad <= bound at every point (within Z_MC standard errors), and the exponents in rank and in n of
    E_S Rad equal the bound's. Returns (holds, largest est/bound, rank exponent evidence, n exponent evidence)."""
    rk, ns = sweeps["rank"], sweeps["n"]
    both = np.concatenate([rk, ns])
    b = np.concatenate(values)
    bound_holds = bool((both[:, 1] - Z_MC * both[:, 2] <= b).all())
    e_rank = exponent_evidence(
        "exponent-rank",
        f"exponent of E_S Rad(W_gamma, S) in rank(Sigma_X) at p = {P_DIM}, n = {N_FIXED} (squared GLM) = the bound's",
        rk[:, 0], rk[:, 1], values[0], "1/2", role=role)
    e_n = exponent_evidence("exponent-n", f"exponent of E_S Rad(W_gamma, S) in n at rank {R_FIXED}, p = {P_DIM} = the "
                            "bound's", ns[:, 0], ns[:, 1], values[1], "-1/2", role=role)
    return bound_holds, float((both[:, 1] / b).max()), e_rank, e_n


def _version(sweeps, formula):
    """A bound formula(gamma, rho, n, rank, p) evaluated at the sweep points."""
    return [np.array([formula(GAMMA, RHO_SQUARED, int(r[5]), int(r[4]), P_DIM) for r in sweeps[k]]) for k in ("rank", "n")]


#: Plausible wrong versions of the bound (the power checks): the ridge rate sqrt(p/n) of Remark 3.2, the proof's
#: printed last line R rank / sqrt(n), a missing square root in n, and the constant off by a factor 2.
WRONG_VERSIONS = {
    "power-sqrt-p": ("sqrt(p) for sqrt(rank): the rate does not adapt to the rank (as a bound it holds: p >= rank)",
                     lambda g, r, n, k, p: theorem_3_4_bound(g, r, p, n)),
    "power-last-line": ("A.3.2's printed last line R rank / sqrt(n): rate rank^1 (as a bound it holds: rank >= sqrt(rank))",
                        lambda g, r, n, k, p: printed_last_line(g, r, k, n)),
    "power-sqrt-rank-over-n": ("R sqrt(rank) / n (square root missing on n)",
                               lambda g, r, n, k, p: math.sqrt(relaxation_radius(g, r)) * math.sqrt(k) / n),
    "power-half-constant": ("the constant halved", lambda g, r, n, k, p: theorem_3_4_bound(g, r, k, n) / 2),
}


def _sweep_evidence(sweeps, hard: _Hard, bound) -> list[Evidence]:
    """Decisive: the bound and the exponents on the sweeps, the bound on the hardest instance found; power: the same
    criteria applied to each wrong version (rejected when the sweeps or the hardest instance reject it)."""
    ev = []
    rk, ns = sweeps["rank"], sweeps["n"]
    bound_holds, worst, e_rank, e_n = _criterion(sweeps, [rk[:, 3], ns[:, 3]], role="decisive")
    ev += [e_rank, e_n]
    ev.append(_hard_evidence(hard, bound))
    both = np.concatenate([rk, ns])
    k = int(np.argmax(both[:, 1] / both[:, 3]))
    # the Monte Carlo allowance is per point (its own standard error): no single tolerance
    ev.append(holds(
        "bound-holds", f"E_S Rad(W_gamma, S) <= the bound at all {len(both)} (rank, n) points", bound_holds, SWEEP_SOURCE,
        value=worst, reference=1.0, kind="monte-carlo", role="decisive",
        tightness=tightness(1 / worst, float(both[k, 6]), instance=(
            f"squared GLM (A'' = 1), gamma = {GAMMA:g}, rho = 1/2, low-rank population in R^{P_DIM}, rank "
            f"{int(both[k, 4])}, n = {int(both[k, 5])} (the tightest sweep point; trivial: sup of |theta^T x| over the "
            "relaxed class and the population)"))))
    for key, (what, formula) in WRONG_VERSIONS.items():
        holds_w, worst_w, er, en = _criterion(sweeps, _version(sweeps, formula))
        hard_w = _hard_evidence(hard, formula)
        ev.append(holds(
            key, f"power: the decisive criterion rejects the wrong statement '{what}'",
            not (holds_w and er.passed and en.passed and hard_w.passed),
            Tol(EXPONENT_BIN, "the same criteria as the decisive evidence: bound holds at all sweep points, both exponents "
                              "within 1/4, bound holds on the hardest instance (exact)"),
            value={"holds": holds_w, "largest est/bound": round(worst_w, 4), "exponent rank": [er.value, er.reference],
                   "exponent n": [en.value, en.reference], "hardest: largest est/bound": round(hard_w.value, 4)},
            reference="rejected", kind="monte-carlo", role="power"))
    return ev


# --- the hardest instances -------------------------------------------------------------------------

#: The search for the smallest room (bound / E_S Rad). On a whitened law of constant norm (||x~||^2 = rank for every x)
#: at n = 1 the Cauchy-Schwarz and both Jensen steps of A.3.2 are equalities, so the room is the relaxation's alone:
#: a(theta) s <= gamma  =>  s <= max{(gamma/rho)^(1/2), gamma/rho}, s = theta^T Sigma_X theta. It is searched over GLMs of
#: constant curvature A'' = c (the squared loss scaled, A(u) = c u^2/2), gamma, and Theta = {s <= s_Theta} (rho-retentive
#: on Theta, the erratum's reading; s_Theta = inf is 'for every v', as printed), where the largest valid rho is
#: min{1/2, c^2 / min{1, s_Theta}} and W_gamma cap Theta is the ball s <= min{gamma/c, s_Theta}: a grid, then Nelder-Mead
#: in the logarithms. The law: x = +-sqrt(r) e_J, J uniform (Sigma_X = I_r, x~ = x), r = HARD_RANK, at n in HARD_NS.
HARD_C = np.geomspace(0.05, 1.0, 40)
HARD_GAMMA = np.geomspace(1e-2, 1e2, 81)
HARD_S_THETA = np.geomspace(0.1, 10.0, 41)
HARD_NS = (1, 4, 16)
HARD_RANK = 256  # few collisions of the one-hot law at n = 16: the Jensen steps stay near equalities
HARD_XATOL = 1e-10  # Nelder-Mead's tolerance on the logarithms


class _Hard(NamedTuple):
    """The hardest instance found: (c, gamma, s_Theta, rho), the room of the relaxation (bound radius / class radius),
    and E_S Rad(W_gamma cap Theta) at each n of HARD_NS (exact)."""

    reading: str
    c: float
    gamma: float
    s_theta: float
    rho: float
    slack: float
    rad: list


def _relaxation_slack(c, gamma, s_theta):
    """(bound radius / radius of W_gamma cap Theta, rho) for A'' = c, elementwise."""
    rho = np.minimum(0.5, c**2 / np.minimum(1.0, s_theta))
    g = gamma / rho
    return np.sqrt(np.maximum(np.sqrt(g), g) / np.minimum(gamma / c, s_theta)), rho


def _hardest(reading: str) -> _Hard:
    """The smallest relaxation room over (c, gamma, s_Theta) (reading 'theta'; 'printed': s_Theta = inf), and the exact
    E_S Rad of the whitened one-hot law there."""
    thetas = HARD_S_THETA if reading == "theta" else np.array([np.inf])
    C, G, S = np.meshgrid(HARD_C, HARD_GAMMA, thetas, indexing="ij")
    slack = _relaxation_slack(C, G, S)[0]
    k = np.unravel_index(int(np.argmin(slack)), slack.shape)
    start = np.log([C[k], G[k]] + ([S[k]] if reading == "theta" else []))

    def objective(z):
        s_theta = math.exp(z[2]) if reading == "theta" else math.inf
        return float(_relaxation_slack(math.exp(z[0]), math.exp(z[1]), s_theta)[0])

    res = optimize.minimize(objective, start, method="Nelder-Mead",
                            options={"xatol": HARD_XATOL, "fatol": 1e-14, "maxiter": 4000})
    c, gamma = math.exp(res.x[0]), math.exp(res.x[1])
    s_theta = math.exp(res.x[2]) if reading == "theta" else math.inf
    slack, rho = (float(v) for v in _relaxation_slack(c, gamma, s_theta))
    radius = math.sqrt(min(gamma / c, s_theta))
    rad = [radius * math.sqrt(HARD_RANK / n) * one_hot_mean_norm(n, HARD_RANK) for n in HARD_NS]
    return _Hard(reading, c, gamma, s_theta, rho, slack, rad)


def _hard_instance(hard: _Hard) -> str:
    theta = ("Theta = R^p (rho-retentive for every v, as printed)" if math.isinf(hard.s_theta)
             else f"Theta = {{theta^T Sigma_X theta <= {hard.s_theta:.4g}}}")
    return (f"A'' = c = {hard.c:.4g} (A(u) = c u^2/2), gamma = {hard.gamma:.4g}, {theta}, rho = {hard.rho:.4g}; "
            f"x = +-sqrt(r) e_J, J uniform on 1..r (Sigma_X = I_r, r = {HARD_RANK}); n = {HARD_NS[0]}")


def _hard_evidence(hard: _Hard, bound) -> Evidence:
    """E_S Rad(W_gamma cap Theta, S) <= bound(gamma, rho, n, rank, p) at the hardest instance, each n of HARD_NS."""
    b = np.array([bound(hard.gamma, hard.rho, n, HARD_RANK, HARD_RANK) for n in HARD_NS])
    rad = np.array(hard.rad)
    ratio = rad / b
    tol = ulps(1e3, of="1: value is the largest ratio E_S Rad / bound (exact partition sums)")
    k = int(np.argmax(ratio))
    return at_most(
        "bound-holds-hardest", "the hardest instance found: E_S Rad(W_gamma cap Theta, S) <= the bound, exactly, n = "
        + ", ".join(map(str, HARD_NS)), float(ratio.max()), 1.0, tol, role="decisive",
        detail=f"{_hard_instance(hard)}; E_S Rad " + ", ".join(f"{v:.6g}" for v in rad) + "; bound "
               + ", ".join(f"{v:.6g}" for v in b) + f"; the relaxation's room {hard.slack:.6g}",
        tightness=tightness(float(1 / ratio[k]), math.sqrt(min(hard.gamma / hard.c, hard.s_theta) * HARD_RANK),
                            instance=_hard_instance(hard).replace(f"n = {HARD_NS[0]}", f"n = {HARD_NS[k]}")))


def _search_evidence(hard: _Hard) -> Evidence:
    """The search reaches the smallest room the derivation proves (2^(1/6) on Theta, 2^(1/4) for every v)."""
    derived = float(deriv.SLACK_THETA if hard.reading == "theta" else deriv.SLACK_PRINTED)
    return close(
        "hardest-slack", "search of the hardest instance: the smallest room of A.3.2's relaxation found = the derived "
        f"minimum {'2^(1/6) (rho-retentive on Theta)' if hard.reading == 'theta' else '2^(1/4) (for every v)'}",
        hard.slack, derived, Tol(1e-8 * derived, "Nelder-Mead's tolerance on the logarithms (1e-10) moves the room by "
                                                 "far less than 1e-8 relative"),
        detail=f"at c = {hard.c:.6g}, gamma = {hard.gamma:.6g}, s_Theta = {hard.s_theta:.6g}")


def _printed_reading_row(out: Outcome, sweeps, bound):
    """The claim decided with rho-retentiveness for every v (as printed): the hardest instance then has Theta = R^p."""
    hard = _hardest("printed")
    replaced = ("bound-holds-hardest", "hardest-slack")
    keep = [e for e in out.evidence if e.role != "power" and e.id not in replaced]
    ev = keep + [_search_evidence(hard)] + [e for e in _sweep_evidence(sweeps, hard, bound)
                                            if e.role == "power" or e.id in replaced]
    other = Outcome(evidence=ev, errata=list(out.errata))
    return row("rho-retentive", "for every v (as printed; Theta = R^p)", other,
               value=round(1 / other.by_id("bound-holds-hardest").value, 6),
               detail=f"hardest instance: {_hard_instance(hard)}; bound / E_S Rad there")


# --- errata ----------------------------------------------------------------------------------------

def _empirical_counterexample(out: Outcome, bound) -> list[Evidence]:
    """Squared GLM, rank 1 in R^2: x = z q with z in {-3, -0.1, 0.1, 3} w.p. (0.05, 0.45, 0.45, 0.05)."""
    q = np.array([1.0, 1.0]) / math.sqrt(2)
    values, probs = np.array([-3.0, -0.1, 0.1, 3.0]), np.array([0.05, 0.45, 0.45, 0.05])
    pop = np.repeat(values, (probs * 20).astype(int))[:, None] * q
    sigma = population_second_moment(pop)
    geo = psd_geometry(sigma)
    gamma, rho, n = 0.5, 0.5, 4
    b = bound(gamma, rho, n, geo.rank, 2)
    tol = ulps(1e3, b, of="the bound")
    expected, p_bad, worst = 0.0, 0.0, (0.0, None)  # exact over all 4^n ordered samples
    for idx in itertools.product(range(4), repeat=n):
        X = values[list(idx)][:, None] * q
        rad = rademacher_complexity_exact(X, geo, gamma)
        w = float(np.prod(probs[list(idx)]))
        expected += w * rad
        p_bad += w * (rad > b + tol.value)
        if rad > worst[0]:
            worst = (rad, [float(z) for z in values[list(idx)]])
    S = np.full(n, 3.0)[:, None] * q  # four copies of the largest point
    rad_s = rademacher_complexity_exact(S, geo, gamma)
    ev = [
        at_most("bound-holds-exact", f"E_S Rad(W_gamma, S) <= the bound, exactly (all 4^{n} samples, n = {n}, rank 1, "
                "squared GLM, gamma = rho = 1/2)", expected, b, tol, role="decisive",
                tightness=tightness(b / expected, math.sqrt(relaxation_radius(gamma, rho)) * 3.0 / math.sqrt(sigma[0, 0] * 2),
                                    instance=f"squared GLM, gamma = rho = 1/2, x = z (1, 1)/sqrt(2), z in {{-3, -0.1, 0.1, 3}}, "
                                             f"n = {n}")),
        holds("cx-empirical", "the empirical Rad(W_gamma, S) exceeds the bound on samples of positive probability",
              rad_s > b + tol.value and p_bad > 0, tol, value=rad_s, reference=b, kind="counterexample",
              detail=f"S = 4 copies of 3 (1, 1)/sqrt(2) (probability 0.05^4); P(Rad(W_gamma, S) > bound) = {p_bad:.6g}; "
                     f"largest Rad over all samples {worst[0]:.6g}"),
    ]
    out.errata.append(Erratum(
        location="Theorem 3.4 (statement) and Appendix A.3.2 ('Rad(W_gamma, S) = E_S[Rad(W_gamma, S)]')",
        statement="the empirical Rademacher complexity satisfies Rad(W_gamma, S) <= max{(gamma/rho)^(1/4), "
                  "(gamma/rho)^(1/2)} sqrt(rank(Sigma_X)/n)",
        correction="the proof bounds the expected complexity: E_S Rad(W_gamma, S) <= max{...} sqrt(rank(Sigma_X)/n); for "
                   "a given S it gives Rad(W_gamma, S) <= max{...} sqrt(tr(Sigma_X^+ Sigma_hat_X)/n) with Sigma_hat_X = "
                   "(1/n) sum x_i x_i^T",
        counterexample=f"x = z (1, 1)/sqrt(2), z in {{-3, -0.1, 0.1, 3}} w.p. (0.05, 0.45, 0.45, 0.05) (Sigma_X rank 1), "
                       f"A(u) = u^2/2 (rho = 1/2), gamma = 1/2, n = {n}: S = four copies of 3 (1, 1)/sqrt(2) has "
                       f"Rad(W_gamma, S) = {rad_s:.6f} > bound {b:.6f}; P(Rad(W_gamma, S) > bound) = {p_bad:.4g}; E_S Rad = "
                       f"{expected:.6f} <= bound", kind="weakening", evidence="cx-empirical"))
    return ev


def _final_line_erratum(sweeps, out: Outcome):
    rk = sweeps["rank"]
    fit = fit_order(rk[:, 0], rk[:, 1])
    r = int(rk[-1, 0])
    i = len(rk) - 1
    printed = printed_last_line(GAMMA, RHO_SQUARED, r, N_FIXED)
    out.evidence.append(holds(
        "cx-last-line", "A.3.2's printed last line, (1/sqrt n) R rank(Sigma_X), has exponent 1 in rank: the measured "
        "exponent excludes it", abs(fit.slope - 1.0) - fit.half_width > EXPONENT_BIN,
        Tol(EXPONENT_BIN, "99% t-interval of the fitted slope lies more than 1/4 away from 1"),
        value=round(fit.slope, 4), reference=1.0, kind="counterexample"))
    out.errata.append(Erratum(
        location="Appendix A.3.2, last display",
        statement="<= (1/sqrt(n)) (gamma/rho)^(1/4) v (gamma/rho)^(1/2) rank(Sigma_X)",
        correction="(1/n) R sqrt(n rank(Sigma_X)) = R sqrt(rank(Sigma_X)/n), as Theorem 3.4 states; the printed line is a "
                   "valid but weaker bound (rank >= sqrt(rank)) that does not give the theorem",
        counterexample=f"squared GLM, p = {P_DIM}, n = {N_FIXED}, gamma = {GAMMA:g}, rho = 1/2: at rank {r} the printed "
                       f"line is {printed:.4f}, the theorem's bound {rk[i, 3]:.4f}, E_S Rad = {rk[i, 1]:.4f}; the fitted "
                       f"exponent in rank is {fit.slope:.3f} +/- {fit.half_width:.3f}, not 1", kind="proof",
        evidence="cx-last-line"))


def _typo_erratum(out: Outcome):
    v, x = np.ones(2), np.ones(3)
    try:
        v @ x
        fails = False
    except ValueError:
        fails = True
    out.evidence.append(holds("cx-shape", "rho-retentive as printed, v in R^d with x in R^p: v^T x for d = 2, p = 3",
                              fails, "literal evaluation with numpy", value="shape error" if fails else "evaluated",
                              reference="shape error", kind="counterexample"))
    out.errata.append(Erratum(
        location="Section 3.3, definition of rho-retentive",
        statement="for any non-zero vector v in R^d",
        correction="v in R^p (x in R^p; d is not defined in the GLM paragraph -- it is the ReLU width later)",
        counterexample="d = 2, p = 3: v^T x is undefined (numpy raises a shape error)", kind="typo", evidence="cx-shape"))


def _plot(sweeps) -> Figure:
    fig = Figure(figsize=(10, 4.2))
    for ax, key, xlabel in zip(fig.subplots(1, 2), ("rank", "n"), (f"rank(Sigma_X) (p = {P_DIM}, n = {N_FIXED})",
                                                                     f"n (rank {R_FIXED}, p = {P_DIM})")):
        d = sweeps[key]
        fit = fit_order(d[:, 0], d[:, 1])
        ax.errorbar(d[:, 0], d[:, 1], yerr=Z_MC * d[:, 2], fmt="o", label=f"E_S Rad(W_gamma, S): slope {fit.slope:.3f}")
        ax.loglog(d[:, 0], d[:, 3], "k-", label="Theorem 3.4 bound")
        R = math.sqrt(relaxation_radius(GAMMA, RHO_SQUARED))
        if key == "rank":
            ax.loglog(d[:, 0], [printed_last_line(GAMMA, RHO_SQUARED, int(r), N_FIXED) for r in d[:, 0]], "r--",
                      label="A.3.2 printed last line (rank)")
            ax.loglog(d[:, 0], R * np.full(len(d), math.sqrt(P_DIM / N_FIXED)), "g:", label="sqrt(p/n) (no adaptation)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Rademacher complexity")
        ax.legend(fontsize=7)
    fig.suptitle("Theorem 3.4: squared-loss GLM class W_gamma (gamma = 1, rho = 1/2)")
    return fig


CLAIM = Claim(
    id="theorem-3.4",
    paper_ref="Theorem 3.4, Section 3.3 (W_gamma, rho-retentive), Appendix A.3.2",
    title="Rademacher complexity of the Mixup GLM class W_gamma scales as sqrt(rank(Sigma_X)/n)",
    statement=(r"\mathcal W_\gamma = \{x\mapsto\theta^\top x:\ \mathbb E_xA''(\theta^\top x)\,\theta^\top\Sigma_X\theta"
               r"\le\gamma\},\ \Sigma_X = \mathbb E[xx^\top];\ "
               r"\mathrm{Rad}(\mathcal W_\gamma,S)\le\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}"
               r"\sqrt{\mathrm{rank}(\Sigma_X)/n}"),
    hypotheses=("GLM loss A(theta^T x) - y theta^T x with A twice differentiable",
                "x is rho-retentive, rho in (0, 1/2]: [E A''(x^T v)]^2 >= rho min{1, E(v^T x)^2} (on bounded v)",
                "centred data (Lemma 3.3), so that W_gamma is the class Mixup's regularizer controls",
                "the bound holds for the expected complexity E_S Rad (erratum)"),
    derivation="derivations.theorem_3_4",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=SCOPE,
)
