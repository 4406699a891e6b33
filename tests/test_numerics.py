import numpy as np
import pytest

from mixverify.numerics import fit_order


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
