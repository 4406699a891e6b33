r"""eq-9: Beta--Bernoulli conjugacy, the step of Appendix A.1 that yields Eq. (9).

:math:`\lambda\sim\mathrm{Beta}(\alpha,\beta),\ B\mid\lambda\sim\mathrm{Bern}(\lambda)` implies
:math:`B\sim\mathrm{Bern}(\frac{\alpha}{\alpha+\beta})` and
:math:`\lambda\mid B\sim\mathrm{Beta}(\alpha+B,\beta+1-B)`.

Evidence: the symbolic factorisation (``derivations/eq_9.py``); exact moments by Gauss--Jacobi
quadrature (exact for these polynomial integrands) on a grid of (alpha, beta); and a Monte Carlo
simulation of the two-stage draw.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from derivations.eq_9 import correct_posterior

from ..claim import Claim, Context, Evidence, Outcome
from ..laws import Beta, expect
from ..numerics import Z_MC

GRID = ((0.2, 0.2), (0.5, 2.0), (1.0, 1.0), (2.0, 3.0), (5.0, 0.5))
EPS = float(np.finfo(float).eps)
MC_SAMPLES = 200_000


def _p_b1(alpha, beta):
    return alpha / (alpha + beta)


def check(ctx: Context, *, posterior=correct_posterior, p_b1=_p_b1) -> Outcome:
    """``posterior(alpha, beta, B) -> (a, b)`` and ``p_b1(alpha, beta)`` can be planted wrong."""
    out = Outcome()
    tol = 64 * EPS
    src = ("a 4-node Gauss-Jacobi rule is exact for these integrands (degree <= 4 in lambda); "
           "64 ulp for the round-off in its nodes and weights")
    for alpha, beta in GRID:
        law = Beta(alpha, beta)
        p1 = expect(law, lambda lam: lam, nodes=4)
        out.evidence.append(Evidence(f"P(B=1) = E[lambda], alpha={alpha:g}, beta={beta:g}", "exact", p1,
                                     p_b1(alpha, beta), tol, abs(p1 - p_b1(alpha, beta)) <= tol, src))
        for B in (0, 1):
            like = (lambda lam: lam) if B else (lambda lam: 1 - lam)
            norm = expect(law, like, nodes=4)
            post = Beta(*posterior(alpha, beta, B))
            for k in (1, 2, 3):
                value = expect(law, lambda lam, k=k, like=like: lam**k * like(lam), nodes=4) / norm
                ref = post.moment(k)
                out.evidence.append(Evidence(
                    f"E[lambda^{k} | B={B}] = moment of Beta{posterior(alpha, beta, B)}, alpha={alpha:g}, "
                    f"beta={beta:g}", "exact", value, ref, tol, abs(value - ref) <= tol, src))

    rng = ctx.rng(9)
    draws = {}
    for alpha, beta in ((0.5, 2.0), (5.0, 0.5)):
        lam = Beta(alpha, beta).sample(MC_SAMPLES, rng)
        B = rng.uniform(size=MC_SAMPLES) < lam
        se = np.sqrt(B.mean() * (1 - B.mean()) / MC_SAMPLES)
        out.evidence.append(Evidence(
            f"simulated P(B=1), alpha={alpha:g}, beta={beta:g}", "monte-carlo", B.mean(), p_b1(alpha, beta),
            Z_MC * se, abs(B.mean() - p_b1(alpha, beta)) <= Z_MC * se,
            f"{Z_MC:g} binomial standard errors of {MC_SAMPLES} draws"))
        for b in (0, 1):
            sub = lam[B == b]
            post = Beta(*posterior(alpha, beta, b))
            for k in (1, 2):
                m, s = (sub**k).mean(), (sub**k).std(ddof=1) / np.sqrt(len(sub))
                out.evidence.append(Evidence(
                    f"simulated E[lambda^{k} | B={b}], alpha={alpha:g}, beta={beta:g}", "monte-carlo", m,
                    post.moment(k), Z_MC * s, abs(m - post.moment(k)) <= Z_MC * s,
                    f"{Z_MC:g} standard errors of the {len(sub)} draws with B={b}"))
        draws[(alpha, beta)] = (lam, B)
    out.figures["posterior-histograms"] = _plot(draws, posterior)
    return out


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
)
