"""theorem-b1: the inequality holds at the theorem's radius, which is far below the largest valid one (uninformative)."""

import pytest
from conftest import run_claim_cached
from mixverify.derivations import theorem_b1 as derivation

from mixverify.certified import theorem_b1_radius
from mixverify.claim import Context, decide
from mixverify.claims import theorem_3_2, theorem_b1

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_b1.CLAIM, CTX)


def test_uninformative(result):
    out = result.outcome
    assert result.status == "uninformative", (result.error, out.failed())
    assert {e.id for e in out.decisive()} == {"holds-tau-best", "holds-tau-high"}
    assert all(e.passed for e in out.decisive())
    assert out.by_id("power-naive-tau").passed  # R~ = tau is rejected at the large tau ...
    assert out.by_id("power-balanced-weights").passed is False  # ... but a wrong constant is not
    assert out.by_id("holds-tau-best").tightness["bound_over_measured"] < 0.05
    assert {x.kind for x in out.errata} == {"hypothesis", "typo"}
    assert out.by_id("cx-no-minimizer").passed and out.by_id("cx-constants-after-S").passed


def test_planted_naive_radius_is_refuted():
    out = theorem_b1.check(CTX, radius=lambda p, tau, *rest: tau)
    assert out.by_id("holds-tau-high").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_radius_reduces_to_theorem_3_2_for_a_linear_model():
    for p, tau, k, k1, k2 in ((0.3, 0.4, 0.05, 0.1, 0.9), (0.9, 0.2, 0.2, 0.4, 0.6)):
        assert theorem_b1_radius(p, tau, 2.0, 2.0, k, k1, k2) == pytest.approx(theorem_3_2.r_tilde(p, tau, k, k1, k2))
    with pytest.raises(ValueError, match="tau'"):
        theorem_b1_radius(0.5, 0.5, 2.0, 1.0, 0.1, 0.1, 0.5)


def test_derivation():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    t2, p, kappa = derivation.t2, derivation.p, derivation.kappa
    misread = derivation.sp.sqrt(p * kappa * derivation.t1**2 / ((2 - p) / (4 * t2**2) + p * kappa * derivation.t1**2))
    assert not derivation.derive(first=misread).facts[2][1]
