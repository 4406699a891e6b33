"""Numerical helpers shared by the checks: the tolerance vocabulary, order fits, quadrature error
estimates, Monte Carlo bands.

Every tolerance a check uses is a :class:`Tol` made by one of the words below, so that its value and the one
line saying where it comes from (report.json's ``tolerance`` and ``tolerance_source``) are written once:

- :func:`ulps`: float64 round-off, ``k`` units of ``EPS64`` at a stated magnitude;
- :func:`quadrature`: a quadrature rule's error estimate (:func:`quadrature_error`), plus round-off;
- :func:`monte_carlo`: ``Z_MC`` standard errors of a sample mean;
- :func:`lagrange`: a Taylor remainder's Lagrange (mean-value) bound;
- :func:`exact`: no tolerance (integer counts, symbolic identities, exact rational arithmetic).

Order fits (:func:`fit_order`) have their own criterion (:meth:`OrderFit.at_least`); an order is an asymptotic
property, so a remainder curve's order is fitted on its smallest resolved scales only once their local slopes have
settled (:func:`fit_resolved_order`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

#: float64 unit round-off (machine epsilon, 2^-52): the unit of every round-off allowance.
EPS64 = float(np.finfo(np.float64).eps)

#: z for two-sided Monte Carlo bands: P(|Z| > 4) = 6.3e-5, so a correct formula fails a band
#: about once in 16,000 checks.
Z_MC = 4.0

#: Two-sided confidence of the order fits (the t-quantile uses the fit's residual degrees of freedom).
ORDER_CONFIDENCE = 0.99


@dataclass(frozen=True)
class Tol:
    """An absolute tolerance and the one line that says where it comes from."""

    value: float
    source: str

    def __post_init__(self):
        if not self.value >= 0:  # also rejects nan
            raise ValueError(f"a tolerance must be >= 0, got {self.value!r} ({self.source})")

    def __add__(self, other: Tol) -> Tol:
        """Two independent error sources, added (a triangle inequality)."""
        return Tol(self.value + other.value, f"{self.source} + {other.source}")


def ulps(k: float, scale: float = 1.0, of: str = "") -> Tol:
    """``k`` float64 ulps at magnitude ``scale``: the round-off of about ``k`` operations on numbers of that
    size. ``of`` names the magnitude in the source line (e.g. "max |L|")."""
    scale = abs(float(scale))
    return Tol(k * EPS64 * scale, f"{k:g} ulp of float64 round-off" + (f" (relative to {of})" if of else ""))


def quadrature(error: float, what: str = "") -> Tol:
    """A quadrature value's error estimate (:func:`quadrature_error`: |Q_N - Q_2N| + 64 ulp, or QUADPACK's
    own estimate): the tolerance of a comparison against it."""
    return Tol(float(error), "quadrature error estimate" + (f" ({what})" if what else ""))


def monte_carlo(se: float, draws: int) -> Tol:
    """``Z_MC`` standard errors of a mean of ``draws`` draws: a correct formula falls outside about once in
    16,000 checks."""
    return Tol(Z_MC * float(se), f"{Z_MC:g} standard errors of {draws} draws")


def lagrange(bound: float, what: str = "") -> Tol:
    """A Taylor remainder's Lagrange bound (sup of the next derivative times the step's power over its factorial)."""
    return Tol(float(bound), "Lagrange remainder bound" + (f" ({what})" if what else ""))


def exact(what: str = "") -> Tol:
    """No tolerance: the compared numbers are integers, symbols or exact rationals."""
    return Tol(0.0, "exact" + (f": {what}" if what else ""))


@dataclass(frozen=True)
class OrderFit:
    """Least-squares fit log|r(s)| = p log s + c, with the standard error of p and local slopes."""

    slope: float
    stderr: float
    intercept: float
    half_width: float  # t-quantile * stderr
    local_slopes: tuple[float, ...]
    #: False when the fitted scales are pre-asymptotic: their successive local slopes still move by more than
    #: :data:`SETTLE` (plus round-off), see :func:`fit_resolved_order`; :func:`fit_order` alone does not judge it.
    settled: bool = True
    #: The largest change between successive local slopes of the fitted scales, beyond their round-off uncertainty.
    drift: float = 0.0

    @property
    def lower(self) -> float:
        return self.slope - self.half_width

    def at_least(self, order: int) -> bool:
        r"""True if the remainder is of order >= ``order``.

        Orders of an analytic remainder are integers, so the decision boundary between the claimed
        order ``order`` and the next lower one is ``order - 1/2``: the claim passes when the lower end of
        the fit's confidence interval lies above it, on scales whose local slopes have settled (a pre-asymptotic
        fit shows no order at all).
        """
        return self.settled and self.lower > order - 0.5


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
    floor = 64 * EPS64 * max(1.0, abs(q2))
    return q1, abs(q1 - q2) + floor


#: A scale enters an order fit only if its remainder exceeds its error floor (quadrature estimate or
#: round-off) this many times, so that the floor moves log|remainder| by less than 1%.
RESOLUTION = 100.0
#: An order is an asymptotic property: it is fitted on this many of the smallest resolved scales.
FIT_POINTS = 4
#: The fitted scales are in the asymptotic regime when their successive local slopes differ by at most this (beyond
#: the round-off uncertainty of each slope). Why 0.1: the remainder of an analytic expansion is
#: r(s) = C s^p (1 + c s^q + ...) with q >= 1, so a local slope's distance to p shrinks like s^q, by a factor
#: k = 2^-q <= 1/2 per halving of s. Successive slopes then differ by (1 - k) times the earlier one's distance, so every
#: slope of a window whose steps are <= 0.1 is within 0.1 / (1 - k) <= 0.2 of p, and so is the fit (a weighted mean of
#: them): less than half the 1/2 margin that separates p from the decision boundary of the neighbouring order.
SETTLE = 0.1


def local_slope_uncertainty(curve) -> np.ndarray:
    """Round-off uncertainty of each local slope of ``curve`` (rows scale, remainder, error floor): the floors' relative
    size at both ends, divided by the step in log s (first-order error propagation into log|r|)."""
    curve = np.asarray(curve, float)
    rel = curve[:, 2] / np.abs(curve[:, 1])
    return (rel[:-1] + rel[1:]) / np.abs(np.diff(np.log(curve[:, 0])))


def fit_resolved_order(curve) -> OrderFit | None:
    """Fit the order on the ``FIT_POINTS`` smallest scales whose remainder is resolved above its floor, and judge whether
    they are asymptotic: successive local slopes agree within :data:`SETTLE` plus their round-off uncertainty
    (:func:`local_slope_uncertainty`); if not, the fit is returned with ``settled=False`` and decides nothing.

    ``curve`` has rows (scale, remainder, error floor); None if fewer than ``FIT_POINTS`` are resolved. A check whose
    smallest resolved scales are not settled has to shrink its scales further, in a precision that resolves them.
    """
    curve = np.asarray(curve, float)
    ok = np.flatnonzero(np.abs(curve[:, 1]) > RESOLUTION * curve[:, 2])[-FIT_POINTS:]
    if len(ok) < FIT_POINTS:
        return None
    fit = fit_order(curve[ok, 0], curve[ok, 1])
    u = local_slope_uncertainty(curve[ok])
    steps = np.abs(np.diff(fit.local_slopes)) - u[:-1] - u[1:]
    drift = float(max(steps.max(), 0.0))
    return replace(fit, settled=drift <= SETTLE, drift=drift)


def regime(fit: OrderFit | None) -> str:
    """One line for an order evidence's detail: whether the fitted scales were asymptotic."""
    if fit is None:
        return "fewer than FIT_POINTS scales resolved above the error floor"
    if fit.settled:
        return f"settled: successive local slopes agree within {SETTLE:g} (+ round-off)"
    return (f"NOT settled: successive local slopes still move by {fit.drift:.2f} > {SETTLE:g} beyond round-off at the "
            "smallest resolved scales (pre-asymptotic: no order decided)")
