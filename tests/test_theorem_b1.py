"""theorem-b1: vacuous as printed; in the proof's reading the inequality holds on the hardest instance found with R~
about half the largest valid radius, at the minimizers of L~_mix it fails on the linear member of F_Theta
(design-dependent). The radius itself (mixverify.certified.theorem_b1_radius) is tested in test_certified.py."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_b1 as derivation

from mixverify.certified import theorem_b1_radius
from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import theorem_b1

CTX = Context(seed=0)
HEADLINE_ONLY = Context(seed=0, sensitivity=False)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_b1.CLAIM, CTX)


def test_design_dependent(result):
    out = result.outcome
    assert result.status == "design-dependent", (result.error, failed(out))
    assert out.headline_status() == "verified-with-erratum"
    assert {e.id for e in out.decisive()} == {"holds-tau-best", "holds-tau-high"}
    assert all(e.passed for e in out.decisive())
    assert out.by_id("power-naive-tau").passed  # R~ = tau is rejected
    assert failed(out) == set()
    reading = [r for r in out.sensitivity if r.choice == "reading of Theta_hat_n"]
    assert len(reading) == 1 and reading[0].status == "refuted" and reading[0].admissible
    assert [r.status for r in out.sensitivity if r.choice == "seed"] == ["verified-with-erratum"] * SEED_ROWS
    assert {x.evidence: x.kind for x in out.errata} == {
        "cx-no-minimizer": "hypothesis", "cx-constants-after-S": "hypothesis", "tau2-bound": "hypothesis",
        "cx-n-to-zero": "typo"}
    assert all(out.by_id(x.evidence).passed for x in out.errata)


def test_vacuous_as_printed(result):
    assert result.vacuous.startswith(theorem_b1.VACUOUS) and result.to_json()["vacuous"] is True


def test_tight_on_the_hardest_instance(result):
    # R~ is about half the smallest largest-valid radius (Hoeffding's p_hat >= p/2), on the instance the search found
    tight = result.outcome.by_id("holds-tau-best").tightness
    assert 0.4 < tight["bound_over_measured"] <= 1 and "two-zone" in tight["instance"]
    search = result.outcome.by_id("search")
    assert search.value < 2.5 and "linear-2 net, tau'' = 0.01, x two-zone" in search.detail.split(";")[0]


@pytest.mark.parametrize("planted", [
    lambda p, tau, *rest: tau,  # the min-factor dropped
    lambda *a: 3 * theorem_b1_radius(*a),  # a constant off by 3: above the largest valid radius on the hardest instance
], ids=["R=tau", "3R"])
def test_planted_radius_is_refuted(planted):
    out = theorem_b1.check(HEADLINE_ONLY, radius=planted)
    assert out.by_id("holds-tau-best").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_minimizers_reading_fails_at_the_linear_member():
    out, freq, detail = theorem_b1._minimizers_reading(CTX, [])
    assert out.by_id("minimizers-holds").passed is False and out.headline_status() == "refuted", detail


def test_derivation():
    assert not failed(derivation.derive())
    t2, p, kappa = derivation.t2, derivation.p, derivation.kappa
    misread = derivation.sp.sqrt(p * kappa * derivation.t1**2 / ((2 - p) / (4 * t2**2) + p * kappa * derivation.t1**2))
    bad = {e.id for e in derivation.derive(first=misread).evidence() if e.passed is False}
    assert "sympy-first-component-eta-2-1" in bad, bad  # the first component
