r"""eq-9: Beta--Bernoulli conjugacy, the step of Appendix A.1 that yields Eq. (9).

:math:`\lambda\sim\mathrm{Beta}(\alpha,\beta),\ B\mid\lambda\sim\mathrm{Bern}(\lambda)` implies
:math:`B\sim\mathrm{Bern}(\frac{\alpha}{\alpha+\beta})` and
:math:`\lambda\mid B\sim\mathrm{Beta}(\alpha+B,\beta+1-B)`.

Evidence and its roles (docs/verdicts.md):

- decisive, general: the symbolic factorisation of the joint density for symbolic alpha, beta > 0
  (``derivations/eq_9.py``, ids ``sympy-p-lambda-b-1-p``, ``sympy-p-lambda-b-0-p``): it proves the statement for all admissible
  parameters, so the scope is ``general``;
- decisive, instances (ids ``marginal-exact``, ``posterior-exact``): the marginal and the first three
  posterior moments computed from :math:`\mathrm{Beta}(\alpha,\beta)\times\mathrm{Bern}(\lambda)` by a
  4-node Gauss--Jacobi rule (exact for these polynomial integrands) against the claimed laws, on a grid;
- power (ids ``power-swapped-posterior``, ``power-swapped-marginal``): the same criterion rejects the
  plausible wrong versions :math:`\mathrm{Beta}(\alpha+1-B, \beta+B)` and :math:`\beta/(\alpha+\beta)`;
- implementation: a simulation of the two-stage draw agrees with the quadrature (not with the claim), so
  it checks the quadrature and the sampler, and a wrong statement cannot make it fail.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from mixverify.derivations.eq_9 import correct_posterior

from ..claim import Claim, Context, Evidence, Outcome, Scope, at_most, close, differs
from ..laws import Beta, expect
from ..numerics import exact, monte_carlo, ulps

GRID = ((0.2, 0.2), (0.5, 2.0), (1.0, 1.0), (2.0, 3.0), (5.0, 0.5))
MC_SAMPLES = 200_000
#: a 4-node Gauss-Jacobi rule is exact for these integrands; 64 ulp for the round-off in its nodes and weights
TOL = (exact("a 4-node Gauss-Jacobi rule is exact for these integrands (degree <= 4 in lambda)")
       + ulps(64, 1.0, of="probabilities and moments in [0, 1]"))


def _p_b1(alpha, beta):
    return alpha / (alpha + beta)


def _swapped_posterior(a, b, B):
    return a + 1 - B, b + B


def _quadrature_moments(alpha, beta):
    """P(B=1) and E[lambda^k | B=b] (k = 1, 2, 3) from the two-stage draw, by exact quadrature."""
    law = Beta(alpha, beta)
    p1 = expect(law, lambda lam: lam, nodes=4)
    post = {}
    for B in (0, 1):
        like = (lambda lam: lam) if B else (lambda lam: 1 - lam)
        norm = expect(law, like, nodes=4)
        for k in (1, 2, 3):
            post[(B, k)] = expect(law, lambda lam, k=k, like=like: lam**k * like(lam), nodes=4) / norm
    return p1, post


def _deviations(moments, posterior, p_b1):
    """Largest |quadrature - claimed| of the marginal and of the posterior moments over the grid."""
    marg = max(abs(p1 - p_b1(a, b)) for (a, b), (p1, _) in moments.items())
    post = max(abs(v - Beta(*posterior(a, b, B)).moment(k))
               for (a, b), (_, pm) in moments.items() for (B, k), v in pm.items())
    return marg, post


def check(ctx: Context, *, posterior=correct_posterior, p_b1=_p_b1) -> Outcome:
    """``posterior(alpha, beta, B) -> (a, b)`` and ``p_b1(alpha, beta)`` can be planted wrong."""
    out = Outcome()
    moments = {(a, b): _quadrature_moments(a, b) for a, b in GRID}
    out.evidence += _exact_laws(moments, posterior, p_b1)
    out.evidence += _power_checks(moments, posterior, p_b1)
    evidence, draws = _simulation(ctx.rng(9), moments)
    out.evidence += evidence
    out.figures["posterior-histograms"] = _plot(draws, posterior)
    return out


def _exact_laws(moments, posterior, p_b1) -> list[Evidence]:
    """The claimed marginal and posterior moments against exact quadrature over :data:`GRID` (decisive)."""
    grid = ", ".join(f"({a:g}, {b:g})" for a, b in GRID)
    marg, post = _deviations(moments, posterior, p_b1)
    return [
        at_most("marginal-exact", f"P(B=1) = alpha/(alpha+beta): largest deviation over (alpha, beta) in {grid}", marg,
                0.0, TOL, role="decisive"),
        at_most("posterior-exact",
                f"E[lambda^k | B] = moments of Beta(alpha+B, beta+1-B), k = 1, 2, 3, B = 0, 1: largest deviation over "
                f"{grid}", post, 0.0, TOL, role="decisive"),
    ]


def _power_checks(moments, posterior, p_b1) -> list[Evidence]:
    """The same criterion on the swapped posterior and the swapped marginal: each must be rejected (power)."""
    _, wrong_post = _deviations(moments, _swapped_posterior, p_b1)
    wrong_marg, _ = _deviations(moments, posterior, lambda a, b: b / (a + b))
    return [
        differs("power-swapped-posterior", "power: the same criterion rejects the swapped posterior Beta(alpha+1-B, beta+B)",
                wrong_post, 0.0, TOL, kind="exact", role="power"),
        differs("power-swapped-marginal", "power: the same criterion rejects the swapped marginal beta/(alpha+beta)",
                wrong_marg, 0.0, TOL, kind="exact", role="power"),
    ]


def _simulation(rng, moments) -> tuple[list[Evidence], dict]:
    """The simulated two-stage draw against the quadrature (implementation): evidence and the draws, for the plot."""
    ev, draws = [], {}
    for alpha, beta in ((0.5, 2.0), (5.0, 0.5)):
        p1, pm = moments[(alpha, beta)]
        lam = Beta(alpha, beta).sample(MC_SAMPLES, rng)
        B = rng.uniform(size=MC_SAMPLES) < lam
        se = np.sqrt(B.mean() * (1 - B.mean()) / MC_SAMPLES)  # binomial standard error
        where = f"{alpha:g}-{beta:g}"
        ev.append(close(
            f"mc-marginal-{where}", f"simulated P(B=1) = quadrature E[lambda], alpha={alpha:g}, beta={beta:g}",
            B.mean(), p1, monte_carlo(se, MC_SAMPLES), kind="monte-carlo", role="implementation"))
        for b in (0, 1):
            sub = lam[B == b]
            for k in (1, 2):
                m, s = (sub**k).mean(), (sub**k).std(ddof=1) / np.sqrt(len(sub))
                ev.append(close(
                    f"mc-posterior-{k}-b{b}-{where}",
                    f"simulated E[lambda^{k} | B={b}] = quadrature, alpha={alpha:g}, beta={beta:g}", m, pm[(b, k)],
                    monte_carlo(s, len(sub)), kind="monte-carlo", role="implementation"))
        draws[(alpha, beta)] = (lam, B)
    return ev, draws


def _plot(draws, posterior) -> Figure:
    fig = Figure(figsize=(9, 3.6))
    grid = np.linspace(0.002, 0.998, 400)
    for k, ((alpha, beta), (lam, B)) in enumerate(draws.items()):
        ax = fig.add_subplot(1, len(draws), k + 1)
        for b, color in ((1, "tab:blue"), (0, "tab:orange")):
            ax.hist(lam[B == b], bins=60, density=True, alpha=0.45, color=color, label=f"lambda | B={b} (simulated)")
            post = Beta(*posterior(alpha, beta, b))
            ax.plot(grid, post.pdf(grid), color=color, lw=1.5,
                    label=f"Beta({post.a:g}, {post.b:g})")
        ax.set_title(f"alpha={alpha:g}, beta={beta:g}")
        ax.set_xlabel("lambda")
        ax.set_ylim(0, 6)
        ax.legend(fontsize=7)
    fig.suptitle("Posterior of lambda given B: simulation vs Beta(alpha + B, beta + 1 - B)")
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="eq-9",
    paper_ref="Appendix A.1, conjugacy step before Eq. (9)",
    title="Beta-Bernoulli conjugacy: B ~ Bern(alpha/(alpha+beta)), lambda | B ~ Beta(alpha+B, beta+1-B)",
    statement=(r"\lambda\sim\mathrm{Beta}(\alpha,\beta),\ B\mid\lambda\sim\mathrm{Bern}(\lambda)\ \Rightarrow\ "
               r"B\sim\mathrm{Bern}\big(\tfrac{\alpha}{\alpha+\beta}\big),\ "
               r"\lambda\mid B\sim\mathrm{Beta}(\alpha+B,\beta+1-B)"),
    hypotheses=("alpha, beta > 0",),
    derivation="derivations.eq_9",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("general", "SymPy factorisation of the joint density for symbolic alpha, beta > 0; exact quadrature "
                           "on 5 (alpha, beta) pairs and a 200000-draw simulation on 2"),
)
