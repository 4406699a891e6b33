"""corollary-3.1: the generalization bound on an exact synthetic GLM, and planted wrong bounds."""

import math

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import corollary_3_1 as derivation
from scipy import special

from mixverify.claim import Context
from mixverify.claims import corollary_3_1
from mixverify.glm import corollary_bound, glm_gamma
from mixverify.glm_population import Population, logistic_terms
from mixverify.rademacher import retentive_radius, theorem_3_4_bound

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def outcome():
    return corollary_3_1.check(CTX)


def test_formulas():
    assert retentive_radius(0.5, 0.5) == 1.0
    assert retentive_radius(0.1, 0.4) == pytest.approx(0.25 ** 0.25)
    assert retentive_radius(2.0, 0.5) == pytest.approx(2.0)
    assert theorem_3_4_bound(2.0, 0.5, 2, 8) == pytest.approx(1.0)
    b = corollary_bound(2.0, 0.5, 2, 8, math.exp(-1), L=1.0, L_A=1.0, B=4.0)
    assert b == pytest.approx(2.0 + 4.0 * math.sqrt(1 / 16))


@pytest.mark.parametrize("call,match", [
    (lambda: retentive_radius(1.0, 0.6), "^hypothesis not met: rho must lie in \\(0, 1/2\\]"),
    (lambda: retentive_radius(1.0, 0.0), "^hypothesis not met: rho"),
    (lambda: retentive_radius(0.0, 0.3), "gamma"),
    (lambda: theorem_3_4_bound(1.0, 0.3, 0, 5), "rank"),
    (lambda: corollary_bound(1.0, 0.3, 1, 5, 1.0, L=1, L_A=1, B=1), "delta"),
    (lambda: corollary_bound(1.0, 0.3, 1, 5, 0.1, L=-1, L_A=1, B=1), "^L must"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- mixverify.glm_population: the exact population of the synthetic GLM ------------------------------------

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


def test_glm_gamma():
    import torch
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
    theta = torch.tensor([2.0, 5.0], dtype=torch.float64)
    s = torch.sigmoid(torch.tensor(2.0, dtype=torch.float64))
    assert glm_gamma(theta, X) == pytest.approx(float(s * (1 - s)) * 4.0)


def test_derivation_holds_and_rejects_a_wrong_radius():
    assert not failed(derivation.derive())
    assert len(failed(derivation.derive(radius_sq_large=derivation.gamma * derivation.rho))) == 1
    assert len(failed(derivation.derive(radius_sq_small=(derivation.gamma * derivation.rho) ** 0.5))) == 1


def test_claim_is_uninformative():
    """The bound holds on every data set, but so do its wrong versions: the confidence term alone exceeds the
    largest uniform deviation (at n = 50 and n = 400), so the decisive criterion has no power."""
    r = run_claim_cached(corollary_3_1.CLAIM, CTX)
    assert r.status == "uninformative", (r.error, failed(r.outcome))
    assert [e.id for e in r.outcome.decisive()] == ["bound-holds"] and r.outcome.by_id("bound-holds").passed
    assert failed(r.outcome) == set(corollary_3_1.WRONG_VERSIONS)
    assert r.scope.setting == "instances"


def test_measured_numbers(outcome):
    rho = outcome.by_id("rho")
    assert 1e-5 < rho.value <= 1 / 16  # A'' <= 1/4 for softplus
    ball = outcome.by_id("ball-rademacher")
    assert 0.8 < ball.value / ball.reference < 0.95  # Jensen's step is nearly tight (sqrt(pi)/2)
    main = outcome.by_id("bound-holds")
    assert main.value == 1.0
    t = main.tightness
    assert t["bound_over_measured"] > 5 and t["confidence_term_over_measured"] > 1
    assert all(v > 1 for v in outcome.by_id("confidence-over-measured").value)  # at n = 50 and n = 400
    assert {e.location: (e.kind, e.evidence) for e in outcome.errata} == {
        "Section 3.3, definition of rho-retentive (used by Theorem 3.4 and Corollary 3.1)": ("hypothesis", "cx-retentive"),
        "Theorem 3.4 (used by Corollary 3.1) and its proof, Appendix A.3.2": ("weakening", "cx-empirical"),
        "Appendix A.3.2, last line of the proof of Theorem 3.4": ("proof", "rank-whitened")}
    assert all(e.passed for e in outcome.evidence if e.kind == "counterexample")


def _rho_squared(gamma, rho, rank, n, delta, *, L, L_A, B):
    """gamma/rho^2: a *larger* bound (rho < 1), still caught by the recomputation."""
    return (2 * L * L_A * max((gamma / rho**2) ** 0.25, (gamma / rho**2) ** 0.5) * math.sqrt(rank / n)
            + B * math.sqrt(math.log(1 / delta) / (2 * n)))


def test_planted_wrong_statement():
    """A wrong bound (no factor 2) passes the decisive criterion: the honest status of such a test is uninformative.
    A bound 20 times too small is refuted by the same decisive evidence: the criterion can fail."""
    out = corollary_3_1.check(CTX, statement=corollary_3_1._no_factor_two)
    assert out.by_id("bound-holds").passed and out.status() == "uninformative"
    out = corollary_3_1.check(CTX, statement=lambda *a, **k: corollary_bound(*a, **k) / 20)
    assert not out.by_id("bound-holds").passed and out.status() == "refuted"


@pytest.mark.parametrize("planted,expected", [
    (dict(bound=_rho_squared), {"sympy-bound-data", "sympy-bound-small", "sympy-bound-large"}),
    (dict(radius=lambda g, r: max((g * r) ** 0.25, (g * r) ** 0.5)), {"sympy-radius-data", "radius-step"}),
    (dict(rademacher=lambda g, r, k, n: retentive_radius(g, r) * k / n), {"sympy-rademacher-data", "ball-rademacher"}),
], ids=["gamma/rho^2", "gamma*rho radius", "rank/n for sqrt(rank/n)"])
def test_rejects_planted_errors(planted, expected):
    out = corollary_3_1.check(CTX, **planted)
    assert expected <= failed(out)
    assert out.status() == "error"
