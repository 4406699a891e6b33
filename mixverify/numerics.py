"""Numerical helpers shared by the checks: order fits, quadrature error estimates, Monte Carlo bands.

Every tolerance a check uses comes from one of these, with its source written beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: z for two-sided Monte Carlo bands: P(|Z| > 4) = 6.3e-5, so a correct formula fails a band
#: about once in 16,000 checks.
Z_MC = 4.0

#: Two-sided confidence of the order fits (the t-quantile uses the fit's residual degrees of freedom).
ORDER_CONFIDENCE = 0.99


@dataclass(frozen=True)
class OrderFit:
    """Least-squares fit log|r(s)| = p log s + c, with the standard error of p and local slopes."""

    slope: float
    stderr: float
    intercept: float
    half_width: float  # t-quantile * stderr
    local_slopes: tuple[float, ...]

    @property
    def lower(self) -> float:
        return self.slope - self.half_width

    def at_least(self, order: int) -> bool:
        r"""True if the remainder is of order >= ``order``.

        Orders of an analytic remainder are integers, so the decision boundary between the claimed
        order ``order`` and the next lower one is ``order - 1/2``: the claim passes when the lower end of
        the fit's confidence interval lies above it.
        """
        return self.lower > order - 0.5


def fit_order(s, r) -> OrderFit:
    s, r = np.asarray(s, float), np.abs(np.asarray(r, float))
    if len(s) < 3 or np.any(r <= 0):
        raise ValueError("fit_order needs at least 3 scales with non-zero remainders")
    ls, lr = np.log(s), np.log(r)
    res = stats.linregress(ls, lr)
    dof = len(s) - 2
    half = stats.t.ppf(0.5 + ORDER_CONFIDENCE / 2, dof) * res.stderr
    local = tuple(np.diff(lr) / np.diff(ls))
    return OrderFit(float(res.slope), float(res.stderr), float(res.intercept), float(half), local)


def quadrature_error(value_at: Callable[[int], float], nodes: int) -> tuple[float, float]:
    """Value of an N-node rule and its error estimate |Q_N - Q_2N| (Gauss rules converge geometrically
    for analytic integrands, so Q_2N is far closer to the truth than Q_N and the difference bounds Q_N's
    error), plus a float64 round-off floor."""
    q1, q2 = value_at(nodes), value_at(2 * nodes)
    floor = 64 * np.finfo(float).eps * max(1.0, abs(q2))
    return q1, abs(q1 - q2) + floor


#: A scale enters an order fit only if its remainder exceeds its error floor (quadrature estimate or
#: round-off) this many times, so that the floor moves log|remainder| by less than 1%.
RESOLUTION = 100.0
#: An order is an asymptotic property: it is fitted on this many of the smallest resolved scales.
FIT_POINTS = 4


def fit_resolved_order(curve) -> OrderFit | None:
    """Fit the order on the ``FIT_POINTS`` smallest scales whose remainder is resolved above its floor.

    ``curve`` has rows (scale, remainder, error floor); None if fewer than ``FIT_POINTS`` are resolved.
    """
    curve = np.asarray(curve, float)
    ok = np.flatnonzero(np.abs(curve[:, 1]) > RESOLUTION * curve[:, 2])[-FIT_POINTS:]
    return fit_order(curve[ok, 0], curve[ok, 1]) if len(ok) == FIT_POINTS else None
