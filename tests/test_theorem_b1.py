"""theorem-b1: the inequality holds at the theorem's radius, which is far below the largest valid one (uninformative).
The radius itself (mixverify.certified.theorem_b1_radius) is tested in test_certified.py."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_b1 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import theorem_b1

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_b1.CLAIM, CTX)


def test_uninformative(result):
    out = result.outcome
    assert result.status == "uninformative", (result.error, failed(out))
    assert {e.id for e in out.decisive()} == {"holds-tau-best", "holds-tau-high"}
    assert all(e.passed for e in out.decisive())
    assert out.by_id("power-naive-tau").passed  # R~ = tau is rejected at the large tau ...
    assert out.by_id("power-balanced-weights").passed is False  # ... but a wrong constant is not
    assert failed(out) == {"power-balanced-weights"}
    assert out.by_id("holds-tau-best").tightness["bound_over_measured"] < 0.05
    assert {x.evidence: x.kind for x in out.errata} == {
        "cx-no-minimizer": "hypothesis", "cx-constants-after-S": "hypothesis", "tau2-bound": "hypothesis",
        "cx-n-to-zero": "typo"}
    assert all(out.by_id(x.evidence).passed for x in out.errata)


def test_planted_naive_radius_is_refuted():
    out = theorem_b1.check(CTX, radius=lambda p, tau, *rest: tau)
    assert out.by_id("holds-tau-high").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_derivation():
    assert not failed(derivation.derive())
    t2, p, kappa = derivation.t2, derivation.p, derivation.kappa
    misread = derivation.sp.sqrt(p * kappa * derivation.t1**2 / ((2 - p) / (4 * t2**2) + p * kappa * derivation.t1**2))
    bad = {e.id for e in derivation.derive(first=misread).evidence() if e.passed is False}
    assert "sympy-3" in bad, bad  # the first component
