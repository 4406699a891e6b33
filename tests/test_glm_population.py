"""mixverify.glm_population: the exact population of the synthetic GLM (Corollary 3.1's check): closed forms,
exactness of the tensor Gauss-Legendre rule on polynomials, its own samples, and bad input."""

import math

import numpy as np
import pytest
from scipy import special

from mixverify.glm_population import Population, logistic_terms


def test_population_closed_forms():
    pop = Population([2.0, -1.0], nodes=8)
    zero = np.zeros((1, 2))
    assert pop.loss(zero)[0] == pytest.approx(math.log(2.0), rel=1e-15)  # softplus(0) whatever y
    assert pop.a2(zero)[0] == pytest.approx(0.25, rel=1e-15) and pop.gamma(zero)[0] == 0.0
    # polynomial integrands are exact: E z_1^2 = 1/3, E z_1^2 z_2^2 = 1/9
    assert pop.expect(lambda s, p: s ** 2, [1.0, 0.0])[0] == pytest.approx(1 / 3, rel=1e-14)
    assert pop.expect(lambda s, p: s ** 4, [1.0, 1.0])[0] == pytest.approx(2 / 5 + 6 / 9, rel=1e-14)
    w = np.array([[2.0, -1.0]])
    assert pop.gamma(w)[0] == pytest.approx(pop.a2(w)[0] * 5 / 3, rel=1e-15)  # theta^T Sigma_X theta = ||w||^2 / 3
    assert Population([2.0, -1.0], nodes=40).loss(w)[0] == pytest.approx(Population([2.0, -1.0], nodes=80).loss(w)[0],
                                                                         abs=1e-14)


def test_population_sample_matches_its_expectations():
    pop = Population([2.0, -1.0], nodes=40)
    Z, y = pop.sample(200_000, np.random.default_rng(5))
    assert Z.shape == (200_000, 2) and set(np.unique(y)) == {0.0, 1.0} and np.abs(Z).max() <= 1
    w = np.array([0.7, 1.3])
    terms = logistic_terms(Z @ w, y)
    se = terms.std(ddof=1) / math.sqrt(terms.size)
    assert abs(terms.mean() - pop.loss(w)[0]) <= 4 * se


def test_logistic_terms():
    s = np.array([-3.0, 0.0, 2.0])
    y = np.array([1.0, 0.5, 0.0])
    assert np.allclose(logistic_terms(s, y), np.logaddexp(0.0, s) - y * s, rtol=1e-15, atol=0)
    assert logistic_terms(s[:, None], y[None, :]).shape == (3, 3)  # broadcasts
    # softplus(40) - 40 = log(1 + e^-40) ~ e^-40: evaluated without the cancellation (which gives 0)
    assert float(logistic_terms(40.0, 1.0)) == pytest.approx(special.expit(-40.0), rel=1e-12)


@pytest.mark.parametrize("call,match", [
    (lambda: Population([1.0, 2.0, 3.0]), r"^w_star must be 2 finite numbers"),
    (lambda: Population([1.0, float("nan")]), r"^w_star must be 2 finite numbers"),
    (lambda: Population([1.0, 2.0], nodes=0), r"^nodes must be a positive integer, got 0$"),
    (lambda: Population([1.0, 2.0], nodes=4).loss(np.ones((3, 5))), r"^W must have rows w = U\^T theta of length 2"),
    (lambda: Population([1.0, 2.0], nodes=4).sample(0, np.random.default_rng(0)), r"^n must be a positive integer"),
])
def test_population_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
