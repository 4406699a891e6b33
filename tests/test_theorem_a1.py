"""theorem-a1: the bound holds for the theta_1 part in expectation; the printed class (with theta_0) refutes it."""

import math

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_a1 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import theorem_a1
from mixverify.manifold import theorem_a1_proof_end

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_a1.CLAIM, CTX)


def test_verified_with_minimal_errata_only(result):
    out = result.outcome
    assert result.status == "verified-with-erratum", (result.error, failed(out))
    assert {e.id for e in out.decisive()} == {"bound-gaussian", "bound-offset"}
    assert all(e.passed for e in out.decisive())
    kinds = {x.evidence: x.kind for x in out.errata}
    assert kinds == {"cx-intercept": "weakening", "cx-constant-feature": "hypothesis", "cx-empirical": "weakening",
                     "cx-first-display": "proof", "power-proof-last-line": "proof"}
    assert all(out.by_id(i).passed for i in kinds)
    assert out.by_id("cx-constant-feature").value == "inf"  # report.json stores +inf as "inf"
    assert out.by_id("power-no-mean-term").passed


def test_tightness_reported(result):
    t = result.outcome.by_id("bound-offset").tightness
    assert 1 < t["bound_over_measured"] < t["trivial_bound"]


def test_planted_proof_last_line_is_rejected():
    out = theorem_a1.check(CTX, bound=theorem_a1_proof_end)
    assert out.by_id("bound-offset").passed is False
    assert decide(out.evidence, []) == "refuted"  # without the errata: the decisive evidence alone refutes it


def test_planted_missing_mean_term_is_rejected():
    out = theorem_a1.check(CTX, bound=lambda g, r, m, n: 2 * math.sqrt(g * r / n))
    assert out.by_id("bound-offset").passed is False


def test_derivation():
    assert not failed(derivation.derive())
    assert failed(derivation.derive(factor=derivation.sp.Rational(1, 2)))
