"""remark-3.2: the ridge class against Theorem 3.4's, for two normalisations of low-rank data."""

import pytest
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import remark_3_2 as derivation

from mixverify.claim import Context
from mixverify.claims import remark_3_2
from mixverify.rademacher import ellipsoid_support, mixup_covariance

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def outcome():
    return run_claim_cached(remark_3_2.CLAIM, CTX).outcome  # the result test_claims.py reads: computed once


DECISIVE = {"bound-holds-isometric", "bound-holds-coordinates", "bound-holds-hardest", "exponent-p-ridge",
            "exponent-p-mixup"}


def test_claim_is_verified_with_erratum():
    r = run_claim_cached(remark_3_2.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, failed(r.outcome))
    assert {e.id for e in r.outcome.decisive()} == DECISIVE
    assert [(x.kind, x.evidence) for x in r.outcome.errata] == [("hypothesis", "cx-scale")]
    assert r.scope.setting == "instances"


def test_derivation_holds_and_rejects_plants():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    assert [n for n, ok, _ in derivation.derive(support_power=1).facts if not ok] == [
        "theta*^T u = gamma^(1/2) |u| (the closed form)"]
    bad = [n for n, ok, _ in derivation.derive(centred=True).facts if not ok]
    assert len(bad) == 1 and bad[0].startswith("E_xi ||sum xi_i x_i||^2 = n tr(Sigma_hat)")


def test_exponents_in_p_depend_on_the_normalisation(outcome):
    assert outcome.by_id("exponent-p-technique-isometric").value == pytest.approx(0.0, abs=0.05)
    assert outcome.by_id("exponent-p-ridge").value == pytest.approx(0.5, abs=0.05)
    for i in ("exponent-p-mixup", "exponent-p-mixup-isometric"):
        assert outcome.by_id(i).value == pytest.approx(0.0, abs=0.05)
    assert outcome.by_id("cx-isometric").passed and outcome.by_id("cx-scale").passed
    assert all(outcome.by_id(i).passed for i in remark_3_2.WRONG_VERSIONS)  # each wrong version rejected
    t = outcome.by_id("bound-holds-coordinates").tightness
    assert 1 < t["bound_over_measured"] < t["trivial_bound"] and "coordinates embedding" in t["instance"]


def test_hardest_instance_leaves_sqrt_2(outcome):
    """Data of constant norm ||x||^2 = p at n = 1: the ridge complexity is sqrt(gamma p) exactly, the room sqrt(2) (rho =
    1/2, gamma >= 1/2), the smallest the constant allows."""
    hard = outcome.by_id("bound-holds-hardest")
    assert hard.passed and hard.role == "decisive"
    assert hard.tightness["bound_over_measured"] == pytest.approx(2**0.5, rel=1e-10)  # stored to 12 digits
    assert "n = 1" in hard.tightness["instance"] and "rho = 0.5" in hard.tightness["instance"]
    assert not failed(outcome)
    assert isinstance(outcome.figures["ridge-vs-mixup"], Figure)


@pytest.mark.parametrize("key,decisive", [("power-sqrt-rank", "bound-holds-coordinates"),
                                          ("power-p-over-n", "exponent-p-ridge"),
                                          ("power-half-constant", "bound-holds-coordinates"),
                                          ("power-half-constant", "bound-holds-hardest")])
def test_planted_wrong_statement_is_refuted_by_its_decisive_evidence(key, decisive):
    out = remark_3_2.check(CTX, bound=remark_3_2.WRONG_VERSIONS[key][1])
    assert not out.by_id(decisive).passed
    assert out.status() == "refuted"


def test_a_constant_off_by_1_45_is_refuted_on_the_hardest_instance():
    out = remark_3_2.check(CTX, bound=lambda g, r, p, n, k: remark_3_2.remark_bound(g, r, p, n, k) / 1.45)
    assert not out.by_id("bound-holds-hardest").passed
    assert out.status() == "refuted"


def test_centred_second_moment_is_rejected():
    out = remark_3_2.check(CTX, moment=mixup_covariance)
    assert "technique-second-moment" in failed(out)
    assert out.status() == "error"


def test_gamma_instead_of_sqrt_gamma_is_rejected():
    out = remark_3_2.check(CTX, support=lambda U, M, g: ellipsoid_support(U, M, g**2))
    assert "support-closed-form" in failed(out)
    assert out.status() == "error"
