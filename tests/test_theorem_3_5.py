"""theorem-3.5: Theorem A.1's bound holds for the trained net, its proof's pieces fail, planted errors are rejected."""

import math

import numpy as np
import pytest

from derivations import theorem_3_5 as derivation
from mixverify.claim import Context, run_claim
from mixverify.claims import theorem_3_5
from mixverify.manifold import theorem_a1_proof_end

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim(theorem_3_5.CLAIM, CTX)


def test_holds_with_errata(result):
    assert result.status == "verified-with-erratum", (result.error, result.outcome.failed())
    assert {e.location for e in result.outcome.errata} == {
        "Theorem 3.5 / Theorem A.1, the class W^NN_gamma", "Appendix A.3.3, last display",
        "Appendix A.3.3, first display"}
    counter = [e for e in result.outcome.evidence if e.kind == "counterexample"]
    assert len(counter) == 5 and all(e.passed for e in counter)
    assert "rademacher-vs-bounds" in result.outcome.figures


def test_measured_numbers(result):
    ev = {e.name: e for e in result.outcome.evidence}
    rad = ev["Rad_S(W^NN_gamma, trained W fixed, theta_1 part) <= Theorem A.1's 2 sqrt(gamma (rank + "
             "||Sigma^{+/2} mu||^2)/n)"]
    assert rad.value < rad.reference
    gap = next(e for n, e in ev.items() if n.startswith("generalisation gap"))
    assert 0 < gap.value < gap.reference


def test_derivation():
    d = derivation.derive()
    assert d.facts and all(ok for _, ok, _ in d.facts)
    assert [n for n, ok, _ in derivation.derive(lipschitz=1).facts if not ok]


def test_rejects_the_proofs_last_line_as_the_bound():
    bad = theorem_3_5.check(CTX, rad_bound=theorem_a1_proof_end).failed()
    assert bad == ["Rad_S(W^NN_gamma, trained W fixed, theta_1 part) <= Theorem A.1's 2 sqrt(gamma (rank + "
                   "||Sigma^{+/2} mu||^2)/n)"]


def test_rejects_a_euclidean_sup():
    def euclidean(v, Sigma, gamma):  # sup over ||theta||^2 <= gamma instead of theta^T Sigma theta <= gamma
        return math.sqrt(gamma) * float(np.linalg.norm(v))

    bad = theorem_3_5.check(CTX, sup=euclidean).failed()
    assert any(n.startswith("sup over theta^T Sigma theta <= gamma") for n in bad)
