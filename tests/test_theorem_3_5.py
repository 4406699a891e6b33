"""theorem-3.5: Theorem A.1's bound holds for the trained net, its proof's pieces fail, planted errors are rejected."""

import math

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_3_5 as derivation

from mixverify.claim import Context
from mixverify.claims import theorem_3_5
from mixverify.manifold import theorem_a1_proof_end

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_3_5.CLAIM, CTX)


def test_uninformative_with_errata(result):
    """The bound holds, but the gap criterion would accept the proof's wrong last line too: uninformative."""
    out = result.outcome
    assert result.status == "uninformative", (result.error, failed(out))
    assert {e.id for e in out.decisive()} == {"gap-bound", "rad-bound"} and all(e.passed for e in out.decisive())
    assert not out.by_id("power-gap-last-line").passed and out.by_id("power-rad-last-line").passed
    assert {e.location: (e.kind, e.evidence) for e in out.errata} == {
        "Theorem 3.5 / Theorem A.1, the class W^NN_gamma": ("weakening", "cx-gamma-zero"),
        "Theorem 3.5 / Theorem A.1, 'for all f_theta in W^NN_gamma' (theta includes W)": ("hypothesis", "rad-bound"),
        "Appendix A.3.3, last display": ("proof", "cx-last-line"),
        "Appendix A.3.3, first display": ("proof", "cx-first-display")}
    counter = [e for e in out.evidence if e.kind == "counterexample"]
    assert len(counter) == 5 and all(e.passed for e in counter)
    assert "rademacher-vs-bounds" in out.figures
    assert result.scope.setting == "instances" and "3 random W" in result.scope.detail


def test_measured_numbers(result):
    rad = result.outcome.by_id("rad-bound")
    assert len(rad.value) == 1 + theorem_3_5.RANDOM_W and all(v < b for v, b in zip(rad.value, rad.reference))
    gap = result.outcome.by_id("gap-bound")
    assert 0 < gap.value < gap.reference
    assert gap.tightness["confidence_term_over_measured"] > 1  # why the gap criterion has no power


def test_derivation():
    d = derivation.derive()
    assert d.facts and not failed(d)
    assert failed(derivation.derive(lipschitz=1))


def test_planted_wrong_statement_the_proofs_last_line_is_refuted():
    out = theorem_3_5.check(CTX, rad_bound=theorem_a1_proof_end)
    assert not out.by_id("rad-bound").passed
    assert failed(out) == {"rad-bound", "power-gap-last-line"}
    assert out.status() == "refuted"


def test_rejects_a_euclidean_sup():
    def euclidean(v, Sigma, gamma):  # sup over ||theta||^2 <= gamma instead of theta^T Sigma theta <= gamma
        return math.sqrt(gamma) * float(np.linalg.norm(v))

    out = theorem_3_5.check(CTX, sup=euclidean)
    assert {"sup-kkt-1", "sup-kkt-2", "sup-kkt-3"} <= failed(out)
    assert out.status() == "error"
