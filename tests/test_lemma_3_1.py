"""lemma-3.1: the expansion's coefficients and phi(a) -> 0 decide it; planted wrong statements are refuted."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import lemma_3_1 as derivation

from mixverify import mixup_lambda_law, mixup_regularizers, tilde_lambda_law
from mixverify.claim import Context, decide
from mixverify.claims import lemma_3_1
from mixverify.laws import BetaMixture

CTX = Context(seed=0)
PHI = ("phi-logistic", "phi-tanh", "phi-relu")
ORDER_S = ("order-s-logistic-1-1", "order-s-tanh-1-1", "order-s-logistic-5-0.5", "order-s-tanh-5-0.5")


def swapped_weights(alpha, beta):
    law = tilde_lambda_law(alpha, beta)
    return BetaMixture(law.weights[::-1], law.components)


def _scaled(k1=1.0, k2=1.0, k3=1.0):
    def regs(*args, **kwargs):
        r1, r2, r3 = mixup_regularizers(*args, **kwargs)
        return k1 * r1, k2 * r2, k3 * r3
    return regs


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(lemma_3_1.CLAIM, CTX)


def test_verified_with_two_typo_errata(result):
    assert result.status == "verified-with-erratum", (result.error, failed(result.outcome))
    assert result.scope.setting == "general"
    out = result.outcome
    for i in PHI + ORDER_S:
        assert out.by_id(i).passed and out.by_id(i).role == "decisive", i
    assert out.by_id("power-r2-half").passed and out.by_id("power-plain-beta").passed
    assert sorted((x.kind, x.evidence) for x in out.errata) == [("typo", "cx-r3-shapes"), ("typo", "cx-uniform-mixture")]
    assert out.by_id("cx-r3-shapes").passed and out.by_id("cx-uniform-mixture").passed


def test_measured_orders(result):
    out = result.outcome
    for i in PHI:  # rho(a) = a^2 phi(a) is O(a^3): h''' != 0 at f(x_i)
        assert out.by_id(i).value == pytest.approx(3, abs=0.05), i
    for i in ORDER_S:  # softplus has h'''(0) = 0, so the linear model's remainder in s is of order 4
        assert out.by_id(i).value == pytest.approx(4 if "logistic" in i else 3, abs=0.05), i
    assert out.by_id("power-r2-half").value == pytest.approx(2, abs=0.05)


def test_orders_are_read_on_settled_scales(result):
    for i in PHI + ORDER_S + ("power-r2-half", "power-plain-beta"):
        assert result.outcome.by_id(i).detail.startswith("settled"), i


def test_seed_42_reaches_the_asymptotic_regime():
    # a tanh net whose s^3 coefficient is small against s^4: pre-asymptotic slopes 2.62, 2.84, 2.93 at s ~ 2^-10
    out = lemma_3_1.check(Context(seed=42, sensitivity=False))
    assert not failed(out)
    for i in ("order-s-tanh-1-1", "order-s-tanh-5-0.5"):
        assert out.by_id(i).value == pytest.approx(3, abs=0.01) and out.by_id(i).detail.startswith("settled"), i


def test_the_relu_net_in_s_is_context_not_a_counterexample(result):
    # positive homogeneity: the remainder is first order in the input scale, which is not a -> 0
    relu_s = result.outcome.by_id("order-s-relu-homogeneous")
    assert relu_s.role == "context" and relu_s.value == pytest.approx(1, abs=0.05)


@pytest.mark.parametrize("planted,what", [
    (dict(regularizers=_scaled(k2=2.0)), "R2 without its 1/2"),
    (dict(regularizers=_scaled(k3=2.0)), "R3 without its 1/2"),
    (dict(regularizers=_scaled(k1=-1.0)), "R1 with a flipped sign"),
    (dict(regularizers=_scaled(k1=0.0)), "R1 dropped"),
    (dict(law_for=mixup_lambda_law), "moments of D_lambda instead of tilde-D_lambda"),
    (dict(law_for=swapped_weights), "mixture weights swapped"),
])
def test_a_wrong_statement_is_refuted(planted, what):
    out = lemma_3_1.check(CTX, **planted)
    for e in out.decisive():  # a wrong statement is rejected by a settled wrong order, not by a pre-asymptotic curve
        assert e.kind != "order" or e.detail.startswith("settled"), (what, e.id)
    if what == "mixture weights swapped":  # the same law at alpha = beta = 1: only the (5, 0.5) orders can see it
        assert out.by_id("order-s-logistic-5-0.5").passed is False and out.by_id("order-s-tanh-5-0.5").passed is False
    else:
        assert out.by_id("phi-tanh").passed is False, what
    if what not in ("R3 without its 1/2", "mixture weights swapped"):  # R3 = 0 where the Hessian is (linear, ReLU)
        assert out.by_id("phi-logistic").passed is False, what
        assert out.by_id("phi-relu").passed is False, what
    assert all(e.passed for e in out.evidence if e.role == "implementation"), what  # the library is not wrong
    out.evidence[:0] = derivation.derive().evidence()
    assert decide(out.evidence, out.errata) == "refuted", what


def test_a_missing_half_is_refuted_symbolically():
    d = derivation.derive(r2_coefficient=1)
    assert decide(d.evidence(), []) == "refuted"
    d = derivation.derive(components=((1, derivation.alpha, derivation.beta),))  # D_lambda's moments
    assert decide(d.evidence(), []) == "refuted"
