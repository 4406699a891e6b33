"""remark-3.2: the ridge class against Theorem 3.4's, for two normalisations of low-rank data."""

import pytest
from matplotlib.figure import Figure

from derivations import remark_3_2 as derivation
from mixverify.claim import Context, run_claim
from mixverify.claims import remark_3_2
from mixverify.rademacher import ellipsoid_support, mixup_covariance

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def outcome():
    return remark_3_2.check(CTX)


def test_claim_is_verified_with_erratum():
    r = run_claim(remark_3_2.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, r.outcome.failed())
    assert r.seconds < 30


def test_derivation_holds_and_rejects_plants():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    assert [n for n, ok, _ in derivation.derive(support_power=1).facts if not ok] == [
        "theta*^T u = gamma^(1/2) |u| (the closed form)"]
    bad = [n for n, ok, _ in derivation.derive(centred=True).facts if not ok]
    assert len(bad) == 1 and bad[0].startswith("E_xi ||sum xi_i x_i||^2 = n tr(Sigma_hat)")


def test_exponents_in_p_depend_on_the_normalisation(outcome):
    ev = {e.name: e for e in outcome.evidence if e.kind == "order"}
    ridge = "exponent in p of E_S Rad(ridge)"
    iso = next(e for n, e in ev.items() if n.startswith("isometric embedding (tr Sigma_X = r): " + ridge))
    coo = next(e for n, e in ev.items() if n.startswith("coordinates embedding (tr Sigma_X = p): " + ridge))
    assert iso.value == pytest.approx(0.0, abs=0.05) and coo.value == pytest.approx(0.5, abs=0.05)
    mixup = [e for n, e in ev.items() if "Rad(W_gamma) (Theorem 3.4's class)" in n]
    assert len(mixup) == 2 and all(e.value == pytest.approx(0.0, abs=0.05) for e in mixup)
    assert [e.location for e in outcome.errata] == ["Remark 3.2"]
    assert all(e.passed for e in outcome.evidence if e.kind == "counterexample")
    assert not outcome.failed()
    assert isinstance(outcome.figures["ridge-vs-mixup"], Figure)


def test_centred_second_moment_is_rejected():
    bad = remark_3_2.check(CTX, moment=mixup_covariance).failed()
    assert any(n.startswith("ridge: E_xi ||sum xi_i x_i||^2 = n tr(Sigma_hat)") for n in bad)


def test_gamma_instead_of_sqrt_gamma_is_rejected():
    bad = remark_3_2.check(CTX, support=lambda U, M, g: ellipsoid_support(U, M, g**2)).failed()
    assert any(n.startswith("closed-form sup over the ball = brute-force") for n in bad)
    assert any(n.startswith("ridge: Rad(S) = (sqrt(gamma)/n)") for n in bad)
