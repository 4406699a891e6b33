"""eq-1: Eq. (1) = Eq. (9) is decided by symbolic identities and exact quadrature; a wrong law is refuted."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import eq_1 as derivation

from mixverify import mixup_lambda_law, tilde_lambda_law
from mixverify.claim import Context, decide
from mixverify.claims import eq_1
from mixverify.laws import BetaMixture

CTX = Context(seed=0)


def swapped_weights(alpha, beta):
    law = tilde_lambda_law(alpha, beta)
    return BetaMixture(law.weights[::-1], law.components)


def uniform_weights(alpha, beta):
    return BetaMixture((0.5, 0.5), tilde_lambda_law(alpha, beta).components)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(eq_1.CLAIM, CTX)


def test_verified_in_general(result):
    assert result.status == "verified", (result.error, failed(result.outcome))
    assert result.scope.setting == "general"
    out = result.outcome
    assert [out.by_id(i).role for i in (
        "sympy-loss-affine-in-y-l",
        "sympy-lam-beta-alpha-beta-w1",
        "sympy-1-lam-beta-alpha-beta",
        "sympy-beta-1-lam-alpha-beta",
        "sympy-mixture-weights-sum-to-1",
    )] == ["decisive"] * 5
    assert out.by_id("identity-tanh-5-0.5").passed and out.by_id("identity-polynomial").passed
    assert out.by_id("power-uniform-mixture").passed and out.by_id("power-beta-law").passed
    cx = out.by_id("cx-squared-error")
    assert cx.passed and cx.value == pytest.approx(cx.reference, abs=1e-12) and cx.value != 0


@pytest.mark.parametrize("law_for", [mixup_lambda_law, swapped_weights, uniform_weights])
def test_a_wrong_law_in_eq_9_is_refuted(law_for):
    # tilde-D_lambda replaced by D_lambda (or by a mixture with wrong weights): the decisive identity fails
    out = eq_1.check(CTX, law_for=law_for)
    assert out.by_id("identity-tanh-5-0.5").passed is False
    assert out.by_id("identity-logistic-5-0.5").passed is False
    assert all(e.passed for e in out.evidence if e.role == "implementation")  # the code is not what is wrong
    out.evidence[:0] = derivation.derive().evidence()
    assert decide(out.evidence, out.errata) == "refuted"


def test_the_printed_uniform_mixture_is_refuted_symbolically():
    import sympy as sp

    d = derivation.derive(weights=(sp.Rational(1, 2), sp.Rational(1, 2)))
    assert [ok for _, ok, *_ in d.facts][1:3] == [False, False]
    assert decide(d.evidence(), []) == "refuted"
