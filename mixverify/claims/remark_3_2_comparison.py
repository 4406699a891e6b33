r"""remark-3.2-comparison: "This bound is much larger than the result in Theorem 3.4 when the intrinsic dimension
rank(Sigma_X) is small" (Remark 3.2) -- the ridge class against Theorem 3.4's class, as bounds and as classes.

Remark 3.2 compares the ridge class :math:`\mathcal W^{ridge}_\gamma = \{\theta^\top x: \|\theta\|^2\le\gamma\}`, whose
bound it gives as :math:`\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}`, with Theorem 3.4's class
:math:`\mathcal W_\gamma` (:math:`\mathbb E A''\cdot\theta^\top\Sigma_X\theta\le\gamma`, bound
:math:`\max\{\dots\}\sqrt{\mathrm{rank}(\Sigma_X)/n}`), at the same gamma, and concludes that Mixup "would adapt to the
intrinsic dimension of x and therefore has a smaller generalization error". remark-3.2 checks the ridge bound itself;
this claim decides the comparison.

**Criterion (fixed before the numbers).** "A is much larger than B when rank(Sigma_X) is small": at a fixed rank r, the
ratio A/B grows without bound as the intrinsic dimension becomes a small fraction of p, judged by its exponent in p/r:
it must exceed 1/4, midway between 0 (the ratio stays bounded, so A is not much larger however small the rank) and
1/2 (the rate sqrt(p/rank) of the two bounds' ratio). Exact ratios: the log-log slope over the grid p/r = 2 ... 64;
Monte Carlo ratios: the 99 % t-interval of the fitted slope must lie above 1/4. Decided for

- the bounds (decisive ``bounds-much-larger``, exact: the Remark's bound over Theorem 3.4's, p/r = 2 ... 64, r = 4);
- the classes' measured complexities E_S Rad, with A'' = 1 (squared GLM, W_gamma exactly the ellipsoid theta^T Sigma_X
  theta <= gamma), gamma = 1: exactly (decisive ``classes-much-larger``) on the law x = s Q z, z = +-sqrt(r) e_J (J
  uniform on 1..r) with Q copying each latent coordinate p/r times
  (:func:`mixverify.rademacher.one_hot_expected_rademacher`: sums over the partitions of n), n = 16; and by Monte
  Carlo (decisive ``classes-much-larger-mc``) on populations whose rank-4 subspace is drawn at random
  (:func:`mixverify.rademacher.low_rank_population`, coordinates normalised), n = 128, p = 8 ... 128.

**Design.** Fixed by the Remark: the two classes at the same gamma, A'' = 1 (the ridge class has no A''), x in R^p of
rank r. Free: the normalisation of x -- the Remark's sqrt(p/n) is what A.3.2's technique gives when every coordinate has
unit second moment (tr Sigma_X = p, remark-3.2's erratum), the headline; an isometric embedding (tr Sigma_X = r) and
inputs of unit norm (tr Sigma_X = 1) also meet that erratum's hypothesis E||x||^2 <= p and are admissible rows; a scale
s of x (1/4, 1/2), the rank (1, 16) and n (1, 32) are rows too; the scale 4 (E||x||^2 = 16 p, where the Remark's ridge
bound fails) is a finding. The bounds' ratio does not depend on any of them.

**What decides.** Theorem 3.4's class is invariant under any invertible rescaling of x (its complexity depends on the
rank only); the ridge class's complexity scales with the size of x: on these laws the ratio is s sqrt(p/r) =
sqrt(tr Sigma_X / r) exactly (derivation). So the classes differ as the bounds do only for unit-variance coordinates (or
any fixed scale); for isometrically embedded data they are equal, for unit-norm inputs the ridge class is smaller
(1/sqrt(r)). The status is ``design-dependent``: the bounds' comparison holds on every row, the classes' depends on a
normalisation the Remark does not fix.

**Power.** ``power-reversed``: the same criterion applied to the reversed statement ("Theorem 3.4's bound and class are
much larger than the ridge ones when the rank is small"), shown false: the reversed ratios' exponent is -1/2.

**Planted statements** (:class:`Statement`): the ridge bound with sqrt(rank/n) (the ridge class adapting to the rank, as
W_gamma does) fails ``bounds-much-larger``; the ridge class replaced by W_gamma fails both class criteria.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..claim import Claim, Context, Evidence, Outcome, Scope, close, holds, reported, row
from ..numerics import Tol, fit_order, ulps
from ..rademacher import (
    expected_rademacher,
    low_rank_population,
    one_hot_expected_rademacher,
    population_second_moment,
    psd_geometry,
    rademacher_complexity_exact,
    remark_3_2_bound,
    theorem_3_4_bound,
    tight_frame,
)

GAMMA, RHO = 1.0, 0.5
RANK = 4
RATIOS = tuple(2**k for k in range(1, 7))  # p / r = 2 ... 64
N_EXACT = 16
MC_PS, MC_N, MC_POP, MC_SAMPLES, MC_DRAWS = (8, 16, 32, 64, 128), 128, 4096, 24, 256
#: The exponent in p/r that separates 'grows without bound like the bounds' ratio' (1/2) from 'bounded' (0).
MIDWAY = 0.25
NORMALISATIONS = {  # scale s of x = s Q z as a function of (p, r): tr Sigma_X = s^2 p
    "coordinates": lambda p, r: 1.0,  # unit second moment per coordinate, tr Sigma_X = p (the headline)
    "isometric": lambda p, r: math.sqrt(r / p),  # orthonormal embedding, tr Sigma_X = r
    "unit-norm": lambda p, r: 1.0 / math.sqrt(p),  # ||x|| = 1, tr Sigma_X = 1
}


def ridge_class(p: int, sigma: np.ndarray) -> np.ndarray:
    """The matrix M of the ridge class {theta^T M theta <= gamma}: the identity."""
    return np.eye(p)


@dataclass(frozen=True)
class Statement:
    """What the check tests: the Remark's ridge bound ``ridge_bound(gamma, rho, p, rank, n)`` and the ridge class's
    matrix ``ridge_matrix(p, Sigma_X)``; the tests plant a ridge bound that adapts to the rank and W_gamma for the ridge
    class."""

    ridge_bound: Callable = lambda gamma, rho, p, rank, n: remark_3_2_bound(gamma, rho, p, n)
    ridge_matrix: Callable = ridge_class


PRINTED = Statement()


@dataclass(frozen=True)
class Setting:
    """A law of the exact family: normalisation (or a fixed scale), rank, n."""

    normalisation: str = "coordinates"
    scale: float = 1.0
    rank: int = RANK
    n: int = N_EXACT


HEADLINE = Setting()


# --- the criterion ------------------------------------------------------------------------------------------------

def _exponent(x, ratios) -> float:
    """The least-squares log-log slope of exact ratios against x (an exact power law gives its exponent)."""
    return float(fit_order(x, ratios).slope)


def _exact_criterion(id_, name, x, ratios, *, role, detail="") -> Evidence:
    slope = _exponent(x, ratios)
    return holds(id_, name, slope > MIDWAY, Tol(MIDWAY, "exponent in p/r above 1/4 (midway between bounded, 0, and the "
                                                        "bounds' sqrt(p/rank), 1/2); exact ratios"),
                 value=round(slope, 6), reference=0.5, role=role,
                 detail=detail + "; ratios " + ", ".join(f"{v:.4g}" for v in ratios))


def class_ratios(setting: Setting, statement: Statement = PRINTED) -> tuple[np.ndarray, np.ndarray]:
    """(p/r, E_S Rad(ridge) / E_S Rad(W_gamma)) exactly on the law x = s Q z of ``setting``, p/r over RATIOS."""
    r, out = setting.rank, []
    for m in RATIOS:
        p = m * r
        E = setting.scale * NORMALISATIONS[setting.normalisation](p, r) * tight_frame(p, r)
        sigma = E @ E.T
        ridge = one_hot_expected_rademacher(E, statement.ridge_matrix(p, sigma), GAMMA, setting.n)
        out.append(ridge / one_hot_expected_rademacher(E, sigma, GAMMA, setting.n))
    return np.array(RATIOS, float), np.array(out)


def bound_ratios(statement: Statement = PRINTED, rank: int = RANK, n: int = N_EXACT) -> np.ndarray:
    return np.array([statement.ridge_bound(GAMMA, RHO, m * rank, rank, n) / theorem_3_4_bound(GAMMA, RHO, rank, n)
                     for m in RATIOS])


def decisive(setting: Setting, statement: Statement = PRINTED) -> list[Evidence]:
    """The bounds' and the classes' comparison on one exact setting (decisive), and the reversed statement (power)."""
    x, classes = class_ratios(setting, statement)
    bounds = bound_ratios(statement, setting.rank, setting.n)
    what = _words(setting)
    return [
        _exact_criterion("bounds-much-larger", f"Remark 3.2's bound / Theorem 3.4's grows like (p/r)^(>1/4) at rank "
                         f"{setting.rank}, p/r = 2 ... 64", x, bounds, role="decisive"),
        _exact_criterion("classes-much-larger", f"E_S Rad(ridge) / E_S Rad(W_gamma) grows like (p/r)^(>1/4): {what}",
                         x, classes, role="decisive", detail="exact (sums over the partitions of n)"),
        holds("power-reversed", "power: the criterion rejects 'Theorem 3.4's bound and class are much larger than the "
              "ridge ones when the rank is small' (reversed ratios)",
              not (_exponent(x, 1 / bounds) > MIDWAY and _exponent(x, 1 / classes) > MIDWAY),
              Tol(MIDWAY, "the decisive exponent criterion, applied to the reversed ratios"),
              value=[round(_exponent(x, 1 / bounds), 6), round(_exponent(x, 1 / classes), 6)], reference="rejected",
              role="power"),
    ]


def _words(setting: Setting) -> str:
    scale = f", scale {setting.scale:g}" if setting.scale != 1.0 else ""
    return f"{setting.normalisation} normalisation{scale}, rank {setting.rank}, n = {setting.n}, gamma = {GAMMA:g}"


# --- Monte Carlo on generic embeddings ------------------------------------------------------------------------------

def _monte_carlo(rng, statement: Statement) -> tuple[Evidence, np.ndarray]:
    """Random rank-4 subspaces, coordinates of unit second moment (not a tight frame): the exponent of the ratio of the
    two classes' E_S Rad in p, with its 99 % t-interval above 1/4 (decisive)."""
    rows = []
    for p in MC_PS:
        pop, _ = low_rank_population(p, RANK, MC_POP, rng, embedding="coordinates")
        sigma = population_second_moment(pop)
        kw = dict(samples=MC_SAMPLES, draws=MC_DRAWS, generator=rng)
        ridge, se_r = expected_rademacher(pop, statement.ridge_matrix(p, sigma), GAMMA, MC_N, **kw)
        mix, se_m = expected_rademacher(pop, psd_geometry(sigma), GAMMA, MC_N, **kw)
        rows.append((p, ridge / mix, (ridge / mix) * math.hypot(se_r / ridge, se_m / mix), float(np.trace(sigma))))
    d = np.array(rows)
    fit = fit_order(d[:, 0], d[:, 1])
    ev = holds("classes-much-larger-mc", f"random rank-{RANK} subspaces, unit-variance coordinates, n = {MC_N}: "
               "E_S Rad(ridge) / E_S Rad(W_gamma) grows like p^(>1/4)", fit.lower > MIDWAY,
               Tol(MIDWAY, f"99% t-interval of the fitted exponent ({fit.slope:.3f} +/- {fit.half_width:.3f}) above 1/4"),
               value=round(fit.slope, 4), reference=0.5, kind="monte-carlo", role="decisive",
               detail="ratios " + ", ".join(f"{v:.3f} +/- {s:.3f}" for v, s in d[:, 1:3])
                      + "; sqrt(tr Sigma_X / r) " + ", ".join(f"{math.sqrt(t / RANK):.3f}" for t in d[:, 3]))
    return ev, d


# --- the check ----------------------------------------------------------------------------------------------------

def check(ctx: Context, statement: Statement = PRINTED) -> Outcome:
    out = Outcome()
    out.evidence += decisive(HEADLINE, statement)
    mc, sweep = _monte_carlo(ctx.rng(71), statement)
    out.evidence.append(mc)
    out.evidence += _implementation(ctx.rng(72))
    out.evidence += _context()
    if ctx.sensitivity:
        out.sensitivity += _rows(statement)
    out.notes += _notes()
    out.figures["ratios"] = _plot(sweep, statement)
    return out


def _implementation(rng) -> list[Evidence]:
    """The exact formula against the library's enumeration of every sign vector on drawn samples of the law (p = 16,
    r = 4, n = 10): per sample, Rad(ridge) / Rad(W_gamma) = s sqrt(p/r), and the exact E_S Rad against the mean over
    the samples."""
    p, r, n = 16, RANK, 10
    E = tight_frame(p, r)
    sigma = E @ E.T
    ratios = []
    for _ in range(6):
        z = np.zeros((n, r))
        z[np.arange(n), rng.integers(0, r, size=n)] = 2.0 * rng.integers(0, 2, size=n) - 1
        X = math.sqrt(r) * z @ E.T
        ratios.append(rademacher_complexity_exact(X, np.eye(p), GAMMA) / rademacher_complexity_exact(X, sigma, GAMMA))
    worst = float(np.max(np.abs(np.array(ratios) - math.sqrt(p / r))))
    return [close("ratio-per-sample", f"per sample (6 samples of n = {n}, p = {p}, r = {r}): Rad(ridge, S) / Rad(W_gamma, "
                  "S) = sqrt(p/r), by enumeration of every sign vector", worst, 0.0,
                  ulps(1e3, math.sqrt(p / r), of="sqrt(p/r)"))]


def _context() -> list[Evidence]:
    x, ratios = class_ratios(HEADLINE)
    return [reported("ratio-headline", "unit-variance coordinates: E_S Rad(ridge) / E_S Rad(W_gamma) at p/r = "
                     + ", ".join(str(int(v)) for v in x), [round(float(v), 6) for v in ratios], reference=[
                         round(math.sqrt(v), 6) for v in x], why="the classes' ratio equals the bounds' sqrt(p/r)")]


#: Admissible settings (the Remark fixes none of them); the bounds' ratio is the same on each.
ROWS = (("normalisation", "isometric (tr Sigma_X = r)", Setting(normalisation="isometric")),
        ("normalisation", "unit-norm inputs (tr Sigma_X = 1)", Setting(normalisation="unit-norm")),
        ("scale of x", "1/4 (coordinates of second moment 1/16)", Setting(scale=0.25)),
        ("scale of x", "1/2 (coordinates of second moment 1/4)", Setting(scale=0.5)),
        ("rank", "1", Setting(rank=1)),
        ("rank", "16", Setting(rank=16)),
        ("n", "1", Setting(n=1)),
        ("n", "32", Setting(n=32)))


#: Settings outside the corrected hypothesis E||x||^2 <= p (findings: the Remark's ridge bound fails there, remark-3.2).
FINDINGS = (("scale of x", "4 (coordinates of second moment 16)", Setting(scale=4.0)),)


def _rows(statement: Statement) -> list:
    rows = []
    for choice, setting_words, setting in ROWS + FINDINGS:
        o = Outcome(evidence=decisive(setting, statement))
        cls, bnd = o.by_id("classes-much-larger"), o.by_id("bounds-much-larger")
        finding = (choice, setting_words, setting) in FINDINGS
        rows.append(row(choice, setting_words, o, value=f"classes' exponent {cls.value + 0.0:.3g}, bounds' {bnd.value:.3g}",
                        admissible=not finding, detail=("E||x||^2 = 16 p > p, outside the hypothesis under which the "
                                                        "Remark's ridge bound holds (remark-3.2); " if finding else "")
                        + "classes' ratios at p/r = 2 ... 64: " + cls.detail.split("; ratios ")[-1]))
    return rows


def _notes() -> list[str]:
    _, iso = class_ratios(Setting(normalisation="isometric"))
    _, unit = class_ratios(Setting(normalisation="unit-norm"))
    return [
        "The bounds' comparison holds by algebra: both bounds share the constant max{(gamma/rho)^(1/4), (gamma/rho)^(1/2)} "
        "and their ratio is sqrt(p/rank) exactly, for every data law.",
        "The classes' comparison depends on how x is normalised: Theorem 3.4's class is invariant under rescaling x (its "
        "complexity depends on the rank only), the ridge class's scales with the size of x, so their ratio is "
        f"sqrt(tr Sigma_X / rank) on these laws: sqrt(p/r) for unit-variance coordinates, {iso[0]:.4g} for an isometric "
        f"embedding (the classes coincide: Sigma_X is a projector), {unit[0]:.4g} = 1/sqrt(r) for unit-norm inputs (the "
        "ridge class is the smaller one).",
        "The gap the Remark describes is one of units: gamma bounds ||theta||^2 in one class and theta^T Sigma_X theta in "
        "the other; at the same gamma the ridge class is larger exactly when the average non-zero eigenvalue tr Sigma_X / "
        "rank exceeds 1.",
    ]


def _plot(sweep, statement) -> Figure:
    fig = Figure(figsize=(7.2, 4.8))
    ax = fig.add_subplot()
    for norm, marker in zip(NORMALISATIONS, "osd"):
        x, ratios = class_ratios(Setting(normalisation=norm), statement)
        ax.plot(x, ratios, marker + "-", label=f"classes, {norm} (exact, n = {N_EXACT})")
    ax.plot(RATIOS, bound_ratios(statement), "k:", label="bounds: Remark 3.2 / Theorem 3.4")
    ax.errorbar(sweep[:, 0] / RANK, sweep[:, 1], yerr=4 * sweep[:, 2], fmt="x--",
                label=f"classes, random coordinates embedding (Monte Carlo, n = {MC_N})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"p / rank (rank {RANK})")
    ax.set_ylabel("ridge / Mixup class")
    ax.set_title("Remark 3.2: how much larger is the ridge class? (gamma = 1, A'' = 1)")
    ax.legend(fontsize=7)
    return fig


CLAIM = Claim(
    id="remark-3.2-comparison",
    paper_ref=("Remark 3.2 ('This bound is much larger than the result in Theorem 3.4 when the intrinsic dimension "
               "rank(Sigma_X) is small')"),
    title="The ridge class's bound (and complexity) is much larger than Theorem 3.4's when rank(Sigma_X) is small",
    statement=(r"\frac{\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}}{\max\{(\gamma/\rho)^{1/4},"
               r"(\gamma/\rho)^{1/2}\}\sqrt{\mathrm{rank}(\Sigma_X)/n}}\to\infty\ \text{and}\ "
               r"\frac{\mathrm{Rad}(\mathcal W^{ridge}_\gamma,S)}{\mathrm{Rad}(\mathcal W_\gamma,S)}\to\infty"
               r"\quad(\mathrm{rank}(\Sigma_X)/p\to0)"),
    hypotheses=("the same gamma for both classes; A'' = 1 (W_gamma the ellipsoid theta^T Sigma_X theta <= gamma)",
                "x in R^p of rank r; E||x||^2 <= p (remark-3.2's erratum); the normalisation of x is not fixed"),
    derivation="derivations.remark_3_2_comparison",
    check=check,
    random=True,  # the Monte Carlo part is decided on seeded draws: run_claim decides it again on other seeds
    scope=Scope("instances", f"exact: x = s Q z, z one-hot of rank {RANK} copied to p = 8 ... 256 coordinates, n = "
                             f"{N_EXACT}, three normalisations (unit-variance coordinates, isometric, unit-norm), scales "
                             f"1/4 and 1/2 (4 a finding), ranks 1 and 16, n = 1 and 32; Monte Carlo: random rank-{RANK} "
                             f"subspaces with unit-variance coordinates, p = 8 ... 128, n = {MC_N}; gamma = 1, A'' = 1"),
)
