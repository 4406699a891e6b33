"""lemma-3.3 (Eq. 7): the coefficient, the proof's surrogate, the refutation, and planted wrong formulas."""

import math

import numpy as np
import pytest
import torch

from derivations import lemma_3_3 as derivation
from derivations._beta import alpha, beta
from mixverify.claim import Context, run_claim
from mixverify.claims import lemma_3_3
from mixverify.glm import (
    covariate_moments,
    glm_mixup_regularizer,
    odds_moment,
    ratio_moment,
    ratio_moment_closed_form,
    rescaled_covariate_loss,
    second_derivative,
)
from mixverify.laws import Beta, mixup_lambda_law
from mixverify.losses import softplus
from mixverify.models import gaussian_data

CTX = Context(seed=0)
#: What the correct formulas fail: the statement of Lemma 3.3 itself (the claim is refuted by its evidence).
REFUTING = {
    "Eq. (7) = the regularization term of the quadratic approximation (Eq. 3), R1 + R2 + R3 of Lemma 3.1, logistic, "
    "centred, alpha=4, beta=4",
    "standard Mixup (alpha = beta = 1): Eq. (7) = R1 + R2 + R3 of Lemma 3.1 (finite)",
    "Lemma 3.3 as stated: L_mix - (L_std + Eq. 7) is third order, logistic, centred, alpha=4, beta=4",
}


@pytest.fixture(scope="module")
def outcome():
    return lemma_3_3.check(CTX)


def failed(derivation_):
    return [name for name, ok, _ in derivation_.facts if not ok]


# --- the library ------------------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [(4.0, 4.0), (2.0, 3.0), (1.5, 6.0), (10.0, 1.2)])
def test_ratio_moment_closed_form(a, b):
    assert ratio_moment(a, b) == pytest.approx(ratio_moment_closed_form(a, b), rel=1e-13)


@pytest.mark.parametrize("a,b", [(1.0, 1.0), (5.0, 0.5), (0.5, 3.0), (1.0, 7.0), (3.0, 1.0)])
def test_ratio_moment_diverges_unless_both_exceed_one(a, b):
    assert ratio_moment(a, b) == math.inf == ratio_moment_closed_form(a, b)


def test_ratio_moment_under_d_lambda_needs_alpha_above_two():
    assert ratio_moment(4, 4, mixup_lambda_law(4, 4)) == pytest.approx(4 * 5 / (3 * 2))
    assert ratio_moment(2, 4, mixup_lambda_law(2, 4)) == math.inf
    assert ratio_moment(4, 4) == pytest.approx(5 / 3)


def test_odds_moment_monte_carlo():
    lam = Beta(6.0, 2.0).sample(400_000, np.random.default_rng(3))
    a = (1 - lam) / lam
    for k in (1, 2):
        assert a.__pow__(k).mean() == pytest.approx(odds_moment(Beta(6.0, 2.0), k), rel=2e-2)


@pytest.mark.parametrize("bad,match", [(dict(alpha=0.0), "alpha"), (dict(beta=-1.0), "beta")])
def test_ratio_moment_rejects_bad_parameters(bad, match):
    kw = dict(alpha=1.0, beta=1.0) | bad
    with pytest.raises(ValueError, match=match):
        ratio_moment(**kw)


def test_regularizer_needs_centred_data():
    X, _, theta = gaussian_data(10, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="^hypothesis not met: Lemma 3.3 needs centred data"):
        glm_mixup_regularizer(theta, X, 2.0, 2.0)
    Xc = X - X.mean(0)
    Xc2 = (X * 1e3 - (X * 1e3).mean(0))
    assert math.isfinite(float(glm_mixup_regularizer(theta, Xc, 2.0, 2.0)))
    assert math.isfinite(float(glm_mixup_regularizer(theta, Xc2 - Xc2.mean(0), 2.0, 2.0)))


def test_regularizer_formula_and_infinity():
    X, _, theta = gaussian_data(12, 3, np.random.default_rng(1))
    X = X - X.mean(0)
    u = X @ theta
    a2 = torch.sigmoid(u) * torch.sigmoid(-u)
    expected = a2.sum() / (2 * 12) * (5 / 3) * (theta @ (X.T @ X / 12) @ theta)
    assert float(glm_mixup_regularizer(theta, X, 4, 4)) == pytest.approx(float(expected), rel=1e-12)
    assert float(glm_mixup_regularizer(theta, X, 1, 1)) == math.inf
    assert torch.allclose(second_derivative(softplus, u), a2)


def test_regularizer_validates_shapes():
    X = torch.zeros(4, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match="theta"):
        glm_mixup_regularizer(torch.zeros(2, dtype=torch.float64), X, 2.0, 2.0)


def test_rescaled_loss_lift_requirement():
    X, y, theta = gaussian_data(6, 2, np.random.default_rng(2))
    with pytest.raises(ValueError, match="lift"):
        rescaled_covariate_loss(theta, X, y, 1.0, 1.0, lift=2)
    # a lift is a change of quadrature weight only: lift 1 and lift 0 agree on a smooth integrand
    a = float(rescaled_covariate_loss(theta, X, y, 4.0, 4.0, lift=1, nodes=64))
    b = float(rescaled_covariate_loss(theta, X, y, 4.0, 4.0, lift=0, nodes=64))
    assert a == pytest.approx(b, rel=1e-6)


def test_covariate_moments_are_independent_of_i():
    X, _, _ = gaussian_data(7, 3, np.random.default_rng(4))
    m0, c0 = covariate_moments(X, 3.0, 3.0, i=0)
    m1, c1 = covariate_moments(X, 3.0, 3.0, i=1)
    assert torch.allclose(c0, c1) and not torch.allclose(m0, m1)


# --- the derivation ---------------------------------------------------------------------------------

def test_derivation_holds():
    d = derivation.derive()
    assert d.facts and not failed(d)


def test_derivation_rejects_d_lambda_coefficient():
    assert failed(derivation.derive(components=((1, alpha, beta),))) == [
        "E_tildeD[(1-lambda)^2/lambda^2] = [beta(beta+1)/(alpha-1) + alpha(alpha+1)/(beta-1)]/(alpha+beta)"]


def test_derivation_rejects_missing_half():
    bad = failed(derivation.derive(half=1))
    assert len(bad) == 2 and all("expansion" in n for n in bad)


# --- the claim --------------------------------------------------------------------------------------

def test_claim_is_refuted_by_exactly_the_statement_evidence():
    r = run_claim(lemma_3_3.CLAIM, CTX)
    assert r.status == "refuted", r.error
    assert set(r.outcome.failed()) == REFUTING
    assert r.seconds < 30


def test_measured_orders_and_values(outcome):
    ev = {e.name: e for e in outcome.evidence}
    orders = {n: e.value for n, e in ev.items() if e.kind == "order" and e.value is not None}
    assert orders["Lemma 3.3 as stated: L_mix - (L_std + Eq. 7) is third order, logistic, centred, alpha=4, beta=4"] \
        == pytest.approx(1.0, abs=0.05)
    assert orders["reported: order of L_mix - (L_std + R1 + Eq. 7) (R1 restored), alpha=4, beta=4"] \
        == pytest.approx(2.0, abs=0.05)
    assert orders["control: L_mix - (L_std + R1 + R2) (Lemma 3.1 for a GLM) is third order, alpha=4, beta=4"] \
        == pytest.approx(4.0, abs=0.05)
    assert orders["remainder order, loss on rescaled covariates - (L_std + Eq. 7), logistic, alpha=4, beta=4"] \
        == pytest.approx(4.0, abs=0.15)
    for a, b in ((1, 1), (5, 0.5)):
        e = ev[f"Eq. (7)'s coefficient at the paper's alpha={a:g}, beta={b:g} "
               f"({'standard Mixup' if a == 1 else 'Figure 1a'}) is infinite"]
        assert e.value in (math.inf, "inf") and e.passed


def test_errata_and_counterexamples(outcome):
    locations = [e.location for e in outcome.errata]
    assert "Lemma 3.3, statement (definition of tilde-D_lambda)" in locations
    assert "Lemma 3.3, statement" in locations
    assert locations.count("Appendix A.3.1, proof of Lemma 3.3") == 2
    assert "Lemma 3.3, Eq. (7)" in locations
    counter = [e for e in outcome.evidence if e.kind == "counterexample"]
    assert len(counter) >= 6 and all(e.passed for e in counter)


def test_figures(outcome):
    from matplotlib.figure import Figure
    assert set(outcome.figures) == {"coefficient-finiteness", "remainder-order"}
    assert all(isinstance(f, Figure) for f in outcome.figures.values())


def _twice(*args, **kwargs):
    return 2 * glm_mixup_regularizer(*args, **kwargs)


def _uncentred(theta, X, alpha, beta, *, A=softplus, law=None):
    """Eq. (7) with Sigma = X^T X / n whatever the mean, and no centring check."""
    n = X.shape[0]
    return second_derivative(A, X @ theta).sum() / (2 * n) * ratio_moment(alpha, beta, law) * (theta @ (X.T @ X / n) @ theta)


@pytest.mark.parametrize("planted,expected", [
    (dict(law_for=mixup_lambda_law), [
        "E_tildeD[(1-lambda)^2/lambda^2] = SymPy closed form, alpha=4, beta=4",
        "E_tildeD[(1-lambda)^2/lambda^2] finite iff alpha > 1 and beta > 1 (41 x 41 grid on [0.1, 10]^2)",
        "least squares, centred: L_std(theta, S~) = L_std(theta, S) + Eq. (7) exactly, alpha=4, beta=4",
        "remainder order, loss on rescaled covariates - (L_std + Eq. 7), logistic, alpha=4, beta=4"]),
    (dict(regularizer=_twice), [
        "least squares, centred: L_std(theta, S~) = L_std(theta, S) + Eq. (7) exactly, alpha=4, beta=4",
        "least squares, centred: L_std(theta, S~) = L_std(theta, S) + Eq. (7) exactly, alpha=2, beta=3",
        "remainder order, loss on rescaled covariates - (L_std + Eq. 7), logistic, alpha=4, beta=4",
        "remainder order, loss on rescaled covariates - (L_std + Eq. 7), logistic, alpha=2, beta=3"]),
    (dict(regularizer=_uncentred), [
        "Eq. (7) refuses uncentred data ('hypothesis not met') and accepts X - mean(X)"]),
    (dict(covariance=lambda X: X.T @ X / X.shape[0]), [
        "uncentred data, least squares: L_std(S~) - L_std(S) = E[a] mean_i (A'_i - y_i) theta^T mu + 1/2 E[a^2] "
        "theta^T (Sigma + mu mu^T) theta exactly, alpha=4, beta=4"]),
], ids=["coefficient under D_lambda", "missing 1/2", "Sigma without centring (no check)", "Sigma without centring"])
def test_rejects_planted_errors(planted, expected):
    bad = set(lemma_3_3.check(CTX, **planted).failed())
    assert set(expected) <= bad
    assert bad - REFUTING, "a planted error must fail evidence beyond the refutation"
