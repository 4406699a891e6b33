"""lemma-3.3 (Eq. 7): the coefficient, the proof's surrogate, the refutation, and planted wrong formulas."""

import math

import numpy as np
import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import lemma_3_3 as derivation
from mixverify.derivations._beta import alpha, beta

from mixverify.claim import Context
from mixverify.claims import lemma_3_3
from mixverify.datasets import gaussian_data
from mixverify.glm import (
    covariate_moments,
    glm_mixup_regularizer,
    odds_moment,
    ratio_moment,
    rescaled_covariate_loss,
    second_derivative,
)
from mixverify.laws import Beta, mixup_lambda_law
from mixverify.losses import softplus
from mixverify.models import linear_model
from mixverify.regularizers import mixup_regularizers

CTX = Context(seed=0)
#: The decisive evidence: the statement of Lemma 3.3 itself. The correct formulas fail exactly these.
DECISIVE = {"eq7-vs-r123", "eq7-standard-mixup", "order-stated"}


@pytest.fixture(scope="module")
def outcome():
    return run_claim_cached(lemma_3_3.CLAIM, CTX).outcome


# --- the library ------------------------------------------------------------------------------------

# the closed form EQ7_MOMENT against ratio_moment: tests/test_formulas.py

@pytest.mark.parametrize("a,b", [(1.0, 1.0), (5.0, 0.5), (0.5, 3.0), (1.0, 7.0), (3.0, 1.0)])
def test_ratio_moment_diverges_unless_both_exceed_one(a, b):
    assert ratio_moment(a, b) == math.inf


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
    r = run_claim_cached(lemma_3_3.CLAIM, CTX)
    assert r.status == "refuted", r.error
    assert failed(r.outcome) == DECISIVE
    assert {e.id for e in r.outcome.decisive()} == DECISIVE
    assert r.scope.setting == "instances"
    statement = [x for x in r.outcome.errata if x.location == "Lemma 3.3, Eq. (7)"]
    assert len(statement) == 1 and statement[0].kind == "conclusion" and statement[0].evidence == "eq7-vs-r123"
    assert all(x.kind for x in r.outcome.errata)
    for x in r.outcome.errata:
        assert r.outcome.by_id(x.evidence).passed is (x.kind != "conclusion")


def test_measured_orders_and_values(outcome):
    assert outcome.by_id("order-stated").value == pytest.approx(1.0, abs=0.05)
    assert outcome.by_id("order-r1-eq7").value == pytest.approx(2.0, abs=0.05)
    assert outcome.by_id("control-lemma-3-1").value == pytest.approx(4.0, abs=0.05)
    assert outcome.by_id("order-surrogate-4-4").value == pytest.approx(4.0, abs=0.15)
    for i in ("coef-infinite-1-1", "coef-infinite-5-0.5"):
        e = outcome.by_id(i)
        assert e.value in (math.inf, "inf") and e.passed


def _lemma_3_1(theta, X, y, alpha, beta):
    """What holds instead (Lemma 3.1 for f = theta^T x): R1 + R2 + R3."""
    return sum(mixup_regularizers(linear_model(theta), X, y, alpha, beta))


def _lemma_3_1_flipped(theta, X, y, alpha, beta):
    """A wrong statement: R1 - R2 (the sign of the curvature term flipped)."""
    r1, r2, r3 = mixup_regularizers(linear_model(theta), X, y, alpha, beta)
    return r1 - r2 + r3


def test_decisive_evidence_accepts_a_true_statement():
    """Plant what holds (Lemma 3.1's R1 + R2 + R3) as the statement: the same decisive evidence passes, no
    conclusion erratum is recorded, and the claim would be verified with its typo/proof errata."""
    out = lemma_3_3.check(CTX, statement=_lemma_3_1)
    assert all(out.by_id(i).passed for i in DECISIVE)
    assert out.by_id("order-stated").value >= 3.5
    assert "conclusion" not in {x.kind for x in out.errata}
    assert out.status() == "verified-with-erratum"


def test_decisive_evidence_rejects_a_wrong_statement():
    out = lemma_3_3.check(CTX, statement=_lemma_3_1_flipped)
    assert not out.by_id("eq7-vs-r123").passed and not out.by_id("order-stated").passed
    assert out.status() == "refuted"


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
    (dict(law_for=mixup_lambda_law), ["coef-sympy-4-4", "coef-finite-region", "surrogate-exact-4-4", "order-surrogate-4-4"]),
    (dict(regularizer=_twice), ["surrogate-exact-4-4", "surrogate-exact-2-3", "order-surrogate-4-4", "order-surrogate-2-3"]),
    (dict(regularizer=_uncentred), ["centring-enforced"]),
    (dict(covariance=lambda X: X.T @ X / X.shape[0]), ["surrogate-uncentred"]),
], ids=["coefficient under D_lambda", "missing 1/2", "Sigma without centring (no check)", "Sigma without centring"])
def test_rejects_planted_errors(planted, expected):
    out = lemma_3_3.check(CTX, **planted)
    bad = failed(out)
    assert set(expected) <= bad
    assert bad - DECISIVE, "a planted error must fail evidence beyond the refutation"
    assert out.status() == "error"  # an implementation check failed: the numbers cannot be trusted
