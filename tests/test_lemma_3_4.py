"""lemma-3.4 holds in its corrected form, records its errata, and rejects each planted wrong Eq. (8)."""

import math

import pytest
import sympy as sp
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import lemma_3_4 as derivation
from mixverify.derivations._beta import alpha as A
from mixverify.derivations._beta import beta as B

from mixverify.claim import Context
from mixverify.claims import lemma_3_4
from mixverify.manifold import exact_manifold_regularizer, feature_covariance, manifold_mixup_regularizer, relu_features

CTX = Context(seed=0)


def under_d_lambda(W, theta1, X, alpha, beta):
    """Eq. (8) with E_{Beta(alpha, beta)}[(1-l)^2/l^2] = beta(beta+1)/((alpha-1)(alpha-2)) (inf for alpha <= 2)."""
    coef = beta * (beta + 1) / ((alpha - 1) * (alpha - 2)) if alpha > 2 else math.inf
    H = relu_features(W, X)
    return coef * (theta1 @ feature_covariance(H) @ theta1)


def scaled(k):
    return lambda *args: k * manifold_mixup_regularizer(*args)


def uncentred(W, theta1, X, alpha, beta):
    H = relu_features(W, X)
    ratio = float(manifold_mixup_regularizer(W, theta1, X, alpha, beta) / (theta1 @ feature_covariance(H) @ theta1))
    return ratio * (theta1 @ feature_covariance(H, centred=False) @ theta1)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(lemma_3_4.CLAIM, CTX)


DECISIVE = {"eq8-exact", "eq8-standard-mixup", "order-stated"}


def test_is_refuted_by_exactly_the_statement_checks(result):
    # Eq. (8) is not the Manifold Mixup regulariser (opposite sign, wrong order, infinite at alpha = beta = 1): the
    # decisive checks fail, everything the check computes along the way (exact loss, surrogate, coefficient) passes.
    assert result.status == "refuted", (result.error, failed(result.outcome))
    assert failed(result.outcome) == DECISIVE == {e.id for e in result.outcome.decisive()}
    kinds = {e.location: e.kind for e in result.outcome.errata}
    assert kinds == {"Lemma 3.4, Eq. (8)": "conclusion",
                     "Appendix A.3.1, proof of Lemma 3.4 (and of Lemma 3.3)": "proof",
                     "Lemma 3.4, Eq. (8) coefficient (and Theorem 3.5's 'alpha > 0')": "conclusion",
                     "Section 3.3, definition of the two-layer network": "typo"}
    for x in result.outcome.errata:
        assert x.evidence and result.outcome.by_id(x.evidence).passed is not None
    counter = [e for e in result.outcome.evidence if e.kind == "counterexample"]
    assert len(counter) >= 4 and all(e.passed for e in counter)
    assert "eq8-vs-exact" in result.outcome.figures
    assert result.scope.setting == "instances"


def test_measured_values(result):
    assert result.outcome.by_id("order-stated").value == pytest.approx(2.0, abs=1e-6)
    e = result.outcome.by_id("eq8-exact")
    assert e.value > 0 > e.reference  # Eq. (8) penalises, Manifold Mixup rewards: opposite signs


def _exact(W, th1, th0, X, y, alpha, beta):
    """What holds instead: L_mm - L_std = -2m Var_n(y - f)."""
    return exact_manifold_regularizer(W, th1, th0, X, y, alpha, beta)


def test_decisive_evidence_accepts_the_true_regulariser():
    out = lemma_3_4.check(CTX, statement=_exact)
    assert all(out.by_id(i).passed for i in DECISIVE), failed(out)
    assert "conclusion" not in {x.kind for x in out.errata} and out.status() == "verified-with-erratum"


@pytest.mark.parametrize("planted", [lambda *a: -_exact(*a), lambda *a: 0.5 * _exact(*a)], ids=["sign flipped", "1/2"])
def test_decisive_evidence_rejects_a_wrong_statement(planted):
    out = lemma_3_4.check(CTX, statement=planted)
    assert not out.by_id("eq8-exact").passed and not out.by_id("order-stated").passed
    assert out.status() == "refuted"


def test_derivation():
    d = derivation.derive()
    assert d.facts and not failed(d)


@pytest.mark.parametrize("planted,what", [
    (under_d_lambda, "coefficient under D_lambda instead of tilde-D_lambda"),
    (scaled(0.5), "Eq. (8) with a spurious 1/2"),
    (scaled(2.0), "Eq. (8) with a spurious factor 2"),
    (uncentred, "Sigma_hat^sigma without centring"),
])
def test_rejects_planted_eq8(planted, what):
    out = lemma_3_4.check(CTX, regularizer=planted)
    bad = failed(out) - DECISIVE
    assert bad == {f"surrogate-{a:g}-{b:g}" for a, b in lemma_3_4.SETTINGS}, (what, bad)
    assert out.status() == "error"  # the implementation of Eq. (8) is checked against the proof's surrogate


@pytest.mark.parametrize("planted", [dict(components=((1, A, B),)), dict(factor=2), dict(factor=sp.Rational(1, 2)),
                                     dict(centred=False)])
def test_derivation_rejects_planted(planted):
    assert failed(derivation.derive(**planted))


def test_regularizer_refuses_infinite_coefficient():
    W, X = torch.eye(2, dtype=torch.float64), torch.ones(3, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="hypothesis not met: .* alpha > 1 and beta > 1"):
        manifold_mixup_regularizer(W, torch.ones(2, dtype=torch.float64), X, 1.0, 1.0)
