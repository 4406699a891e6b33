"""mixverify.glm_population: the exact population of the synthetic GLM (Corollary 3.1's check): closed forms,
exactness of the tensor Gauss-Legendre rule on polynomials, its own samples, and bad input; the enumerable law on
x in {-1, 0, 1} (Lemma A.1's and Corollary 3.1's hardest instances) against brute force over explicit samples."""

import itertools
import math

import numpy as np
import pytest
from scipy import special, stats

from mixverify.glm_population import (
    CubeRegression,
    Population,
    atom_cells,
    atom_curvature,
    atom_gamma,
    atom_rho,
    cell_deviation,
    cell_sup_deviation,
    compositions,
    logistic_terms,
    margin_factor,
    sample_law,
    violation_probability,
)


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


def _law_xy(q, w_star):
    """The law of (x, y) itself: x in {-1, 0, 1} (P(x != 0) = q, signs equally likely), y ~ Bernoulli(sigma(w* x))."""
    out = []
    for x, px in ((-1.0, q / 2), (0.0, 1 - q), (1.0, q / 2)):
        g = special.expit(w_star * x)
        out += [(x, 0.0, px * (1 - g)), (x, 1.0, px * g)]
    return out


@pytest.mark.parametrize("q,w_star", [(1.0, 0.0), (0.6, 1.3), (0.3, -2.0)])
def test_atom_cells_are_the_law_of_s(q, w_star):
    """The loss of theta x is softplus(s theta) with s = x (1 - 2y); the cells' probabilities are those of s."""
    cells, probs = atom_cells(q, w_star)
    law = _law_xy(q, w_star)
    theta = 0.8
    for s_, p_ in zip(cells, probs):
        members = [(x, y, p) for x, y, p in law if x * (1 - 2 * y) == s_]
        assert sum(p for *_, p in members) == pytest.approx(p_, rel=1e-14)
        for x, y, _ in members:
            assert logistic_terms(theta * x, y) == pytest.approx(np.logaddexp(0.0, s_ * theta), rel=1e-14)
    assert len(cells) == (2 if q == 1 else 3) and probs.sum() == pytest.approx(1.0, rel=1e-15)


def test_curvature_gamma_and_rho():
    t = np.array([0.0, 0.7, -2.0])
    a = atom_curvature(t, 0.6)
    assert a == pytest.approx(0.4 / 4 + 0.6 * special.expit(t) * special.expit(-t), rel=1e-15)
    assert atom_gamma(t, 0.6) == pytest.approx(a * 0.6 * t**2, rel=1e-15)
    for R, q in ((0.3, 1.0), (2.5, 1.0), (3.0, 0.5)):  # the infimum over 0 < |v| <= R is at R
        v = np.linspace(R / 10000, R, 10000)
        brute = min(0.5, float((atom_curvature(v, q) ** 2 / np.minimum(1.0, q * v**2)).min()))
        assert atom_rho(R, q) == pytest.approx(brute, rel=1e-12)
    assert atom_rho(1.0, 0.5, all_v=True) == pytest.approx((0.5 / 4) ** 2)


def test_sample_law_and_deviation_against_explicit_samples():
    q, w_star, n = 0.6, 0.9, 4
    cells, probs = atom_cells(q, w_star)
    counts, prob = sample_law(n, probs)
    assert len(counts) == math.comb(n + 2, 2) and (counts.sum(1) == n).all()
    assert prob == pytest.approx(stats.multinomial.pmf(counts, n, probs), rel=1e-12)
    thetas = np.array([-1.1, 0.0, 0.4, 2.0])
    dev = cell_deviation(counts, probs, cells, thetas)
    # brute force: every ordered sample of cells, L(theta) - the sample mean of the losses
    law = _law_xy(q, w_star)
    L_pop = np.array([sum(p * logistic_terms(t * x, y) for x, y, p in law) for t in thetas])
    for idx in itertools.product(range(len(cells)), repeat=n):
        k = np.bincount(idx, minlength=len(cells))
        row = int(np.flatnonzero((counts == k).all(1))[0])
        emp = np.mean([np.logaddexp(0.0, cells[i] * thetas) for i in idx], axis=0)
        assert dev[row] == pytest.approx(L_pop - emp, abs=1e-14)


@pytest.mark.parametrize("q,w_star,R", [(1.0, 0.0, 1.3), (0.6, 0.7, 0.4), (0.6, 0.7, 2.0), (0.3, -1.5, 5.0)])
def test_sup_deviation_closed_form_against_a_fine_grid(q, w_star, R):
    cells, probs = atom_cells(q, w_star)
    counts, _ = sample_law(20, probs)
    thetas = np.linspace(-R, R, 20001)
    grid = cell_deviation(counts, probs, cells, thetas).max(1)
    closed = cell_sup_deviation(counts, probs, cells, R)
    h = thetas[1] - thetas[0]
    assert (closed >= grid - 1e-14).all() and (closed <= grid + h).all()  # the grid is within sup|D'| h/2 <= h
    if q == 1:  # D(theta) = (pi - k/n) theta
        assert closed == pytest.approx(R * np.abs(probs[0] - counts[:, 0] / 20), abs=1e-14)


def test_violation_probability_and_margin_factor():
    prob = np.array([0.5, 0.3, 0.2])
    dev = np.array([0.1, 0.5, 1.0])
    assert violation_probability(prob, dev, 0.4) == pytest.approx(0.5)
    assert violation_probability(prob, dev, 0.5) == pytest.approx(0.2)
    assert violation_probability(prob, dev, 0.5, slack=1e-9) == pytest.approx(0.5)  # near-ties count
    # P(dev > c rhs) <= delta: delta = 0.25 -> c = 0.5 (only the 0.2 atom lies above), delta = 0.1 -> c = 1
    assert margin_factor(prob, dev, 1.0, 0.25) == pytest.approx(0.5)
    assert margin_factor(prob, dev, 1.0, 0.1) == pytest.approx(1.0)
    assert margin_factor(prob, dev, np.array([2.0, 2.0, 2.0]), 0.1) == pytest.approx(0.5)
    assert margin_factor(prob, -dev, 1.0, 0.1) == 0.0  # the bound holds even at c = 0
    # several settings at once: rhs a matrix (samples x settings), delta a row
    rhs = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0], [1.0, 2.0, 1.0]])
    assert margin_factor(prob, dev, rhs, np.array([0.25, 0.1, 0.1])) == pytest.approx([0.5, 0.5, 1.0])


@pytest.mark.parametrize("call,match", [
    (lambda: atom_cells(0.0, 1.0), r"^q must lie in \(0, 1\]"),
    (lambda: atom_cells(0.5, float("inf")), r"^w_star must be finite"),
    (lambda: atom_rho(0.0, 0.5), r"^R must be a finite number > 0"),
    (lambda: atom_rho(1.0, 1.0, all_v=True), r"^hypothesis not met: with q = 1 no rho > 0"),
    (lambda: compositions(0, 3), r"^n must be a positive integer"),
    (lambda: Population([1.0, 2.0, 3.0]), r"^w_star must be 2 finite numbers"),
    (lambda: Population([1.0, float("nan")]), r"^w_star must be 2 finite numbers"),
    (lambda: Population([1.0, 2.0], nodes=0), r"^nodes must be a positive integer, got 0$"),
    (lambda: Population([1.0, 2.0], nodes=4).loss(np.ones((3, 5))), r"^W must have rows w = U\^T theta of length 2"),
    (lambda: Population([1.0, 2.0], nodes=4).sample(0, np.random.default_rng(0)), r"^n must be a positive integer"),
])
def test_population_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_affine_population_quantities():
    """Population.affine_loss / affine_gamma: at b = 0 they are loss / gamma; with an offset they match a Monte Carlo
    average over the population's own samples (4 standard errors)."""
    pop = Population([2.0, -1.0], nodes=40)
    W = np.array([[1.5, -0.5], [0.3, 2.0]])
    assert pop.affine_loss(W, 0.0) == pytest.approx(pop.loss(W), rel=1e-14)
    assert pop.affine_gamma(W, 0.0) == pytest.approx(pop.gamma(W), rel=1e-14)
    rng = np.random.default_rng(5)
    Z, y = pop.sample(200_000, rng)
    w, b = W[0], -0.4
    t = Z @ w + b
    loss = logistic_terms(t, y)
    assert pop.affine_loss(w, b)[0] == pytest.approx(loss.mean(), abs=4 * loss.std() / math.sqrt(len(y)))
    a2 = special.expit(t) * special.expit(-t)
    gamma = float(pop.affine_gamma(w, b)[0])
    # gamma = E a2 * E t^2: compare both factors within their bands, via the product of the exact ones
    assert pop.expect(lambda s, p: special.expit(s + b) * special.expit(-(s + b)), w)[0] == pytest.approx(
        a2.mean(), abs=4 * a2.std() / math.sqrt(len(y)))
    assert gamma == pytest.approx(pop.expect(lambda s, p: special.expit(s + b) * special.expit(-(s + b)), w)[0]
                                  * pop.expect(lambda s, p: (s + b) ** 2, w)[0], rel=1e-14)
    assert pop.expect(lambda s, p: (s + b) ** 2, w)[0] == pytest.approx(w @ w / 3 + b * b, rel=1e-13)  # exact: a quadratic


def test_cube_regression_closed_forms_against_monte_carlo():
    """CubeRegression: E x = 0, E x x^T = I/3, E y x = theta*/3; its loss and gamma in closed form against samples."""
    law = CubeRegression([1.0, -1.0, 0.5], noise=0.7)
    rng = np.random.default_rng(6)
    X, y = law.sample(400_000, rng)
    theta, b = np.array([0.3, 0.2, -1.0]), 0.25
    t = X @ theta + b
    loss = t * t / 2 - y * t
    assert law.affine_loss(theta, b) == pytest.approx(loss.mean(), abs=4 * loss.std() / math.sqrt(len(y)))
    assert law.affine_gamma(theta, b) == pytest.approx((t * t).mean(), abs=4 * (t * t).std() / math.sqrt(len(y)))
    assert law.affine_gamma(theta) == pytest.approx(theta @ theta / 3, rel=1e-15)
    with pytest.raises(ValueError, match="theta_star"):
        CubeRegression([[1.0]])
    with pytest.raises(ValueError, match="noise"):
        CubeRegression([1.0], noise=0.0)
