import numpy as np
import pytest

from mixverify.numerics import SETTLE, fit_order, fit_resolved_order, local_slope_uncertainty


@pytest.mark.parametrize("p", [1, 2, 3, 4])
def test_fit_order_recovers_power_laws(p):
    s = 2.0 ** -np.arange(1, 8)
    fit = fit_order(s, 0.3 * s**p * (1 + 0.01 * s))
    assert fit.slope == pytest.approx(p, abs=0.02)
    assert fit.at_least(p)
    assert not fit.at_least(p + 1)


def test_fit_order_rejects_degenerate_input():
    with pytest.raises(ValueError):
        fit_order([0.5, 0.25], [1.0, 0.1])
    with pytest.raises(ValueError):
        fit_order([0.5, 0.25, 0.125], [1.0, 0.0, 0.1])


def _curve(s, r, floor=1e-30):
    return np.stack([s, r, np.full_like(s, floor)], axis=1)


def test_a_pre_asymptotic_window_is_not_settled_and_shows_no_order():
    # r = s^3 - 20 s^4 changes sign at s = 0.05: above it the local slopes still climb towards 3
    s = 2.0 ** -np.arange(5, 9)
    fit = fit_resolved_order(_curve(s, s**3 - 20 * s**4))
    assert not fit.settled and fit.drift > SETTLE and not fit.at_least(3)
    s = 2.0 ** -np.arange(5, 21)  # shrunk until the slopes agree: order 3
    fit = fit_resolved_order(_curve(s, s**3 - 20 * s**4))
    assert fit.settled and fit.at_least(3) and fit.slope == pytest.approx(3, abs=0.01)


def test_a_small_wrong_term_of_order_k_minus_1_is_still_rejected():
    # a second-order term 1e-3 x the third: order 3 at large s, order 2 where the scales have settled
    s = 2.0 ** -np.arange(1, 21)
    fit = fit_resolved_order(_curve(s, 1e-3 * s**2 + s**3))
    assert fit.settled and fit.slope == pytest.approx(2, abs=0.01) and not fit.at_least(3)


def test_only_resolved_scales_are_fitted_and_round_off_widens_the_settling_tolerance():
    s = 2.0 ** -np.arange(1, 13)
    curve = _curve(s, s**3, floor=1e-9)  # resolved (100x the floor) down to s^3 > 1e-7, s = 2^-7
    fit = fit_resolved_order(curve)
    assert fit.settled and fit.slope == pytest.approx(3)
    u = local_slope_uncertainty(curve)
    assert u[0] == pytest.approx((1e-9 / 0.5**3 + 1e-9 / 0.25**3) / np.log(2))  # relative floors over the log step
    assert u.shape == (len(s) - 1,) and np.all(np.diff(u) > 0)  # the floor's relative size grows as r shrinks
    assert fit_resolved_order(_curve(s[:3], s[:3] ** 3)) is None  # fewer than FIT_POINTS resolved scales
