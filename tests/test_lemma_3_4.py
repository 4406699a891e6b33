"""lemma-3.4 holds in its corrected form, records its errata, and rejects each planted wrong Eq. (8)."""

import math

import pytest
import sympy as sp
import torch

from derivations import lemma_3_4 as derivation
from derivations._beta import alpha as A
from derivations._beta import beta as B
from mixverify.claim import Context, run_claim
from mixverify.claims import lemma_3_4
from mixverify.manifold import feature_covariance, manifold_mixup_regularizer, relu_features

CTX = Context(seed=0)
SURROGATE = "Eq. (8) = exact regulariser of A.3.1's rescaled surrogate"


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
    return run_claim(lemma_3_4.CLAIM, CTX)


STATED = "Lemma 3.4 as stated"


def test_is_refuted_by_exactly_the_statement_checks(result):
    # Eq. (8) is not the Manifold Mixup regulariser (opposite sign, wrong order): the statement checks fail,
    # everything the check computes along the way (exact loss, surrogate, coefficient) passes.
    assert result.status == "refuted", (result.error, result.outcome.failed())
    assert len(result.outcome.failed()) == 2 and all(n.startswith(STATED) for n in result.outcome.failed())
    locations = {e.location for e in result.outcome.errata}
    assert locations == {"Lemma 3.4, Eq. (8)", "Appendix A.3.1, proof of Lemma 3.4 (and of Lemma 3.3)",
                         "Lemma 3.4, Eq. (8) coefficient (and Theorem 3.5's 'alpha > 0')",
                         "Section 3.3, definition of the two-layer network"}
    counter = [e for e in result.outcome.evidence if e.kind == "counterexample"]
    assert len(counter) >= 4 and all(e.passed for e in counter)
    assert "eq8-vs-exact" in result.outcome.figures


def test_measures_eq8_remainder_at_order_two(result):
    ev = {e.name: e for e in result.outcome.evidence}
    order = next(e for n, e in ev.items() if n.startswith(STATED + ": |L_mm - (L_std + Eq. 8)|"))
    assert order.value == pytest.approx(2.0, abs=1e-6)


def test_derivation():
    d = derivation.derive()
    assert d.facts and all(ok for _, ok, _ in d.facts)


@pytest.mark.parametrize("planted,what", [
    (under_d_lambda, "coefficient under D_lambda instead of tilde-D_lambda"),
    (scaled(0.5), "Eq. (8) with a spurious 1/2"),
    (scaled(2.0), "Eq. (8) with a spurious factor 2"),
    (uncentred, "Sigma_hat^sigma without centring"),
])
def test_rejects_planted_eq8(planted, what):
    bad = [n for n in lemma_3_4.check(CTX, regularizer=planted).failed() if not n.startswith(STATED)]
    assert bad, what
    assert all(n.startswith(SURROGATE) for n in bad), (what, bad)
    assert len(bad) == len(lemma_3_4.SETTINGS), (what, bad)


@pytest.mark.parametrize("planted", [dict(components=((1, A, B),)), dict(factor=2), dict(factor=sp.Rational(1, 2)),
                                     dict(centred=False)])
def test_derivation_rejects_planted(planted):
    assert [n for n, ok, _ in derivation.derive(**planted).facts if not ok]


def test_regularizer_refuses_infinite_coefficient():
    W, X = torch.eye(2, dtype=torch.float64), torch.ones(3, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="hypothesis not met: .* alpha > 1 and beta > 1"):
        manifold_mixup_regularizer(W, torch.ones(2, dtype=torch.float64), X, 1.0, 1.0)
