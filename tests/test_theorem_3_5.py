"""theorem-3.5: with W free the bound (with its intercept term) holds with room on the hardest instances found; as printed
it fails exactly at gamma = 0, n = 2; its proof's pieces fail; planted errors are rejected."""

import math

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_3_5 as derivation

from mixverify.claim import SEED_ROWS, Context
from mixverify.claims import theorem_3_5
from mixverify.manifold import theorem_3_5_bound

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_3_5.CLAIM, CTX)


def test_verified_with_errata_w_free(result):
    out = result.outcome
    assert result.status == "verified-with-erratum", (result.error, failed(out))
    assert {e.id for e in out.decisive()} == {"gap-w-free", "gap-intercept-exact"} and all(e.passed for e in out.decisive())
    assert out.by_id("power-no-sqrt").passed  # a wrong version shown false on the cells found
    assert {(e.kind, e.evidence) for e in out.errata} == {
        ("weakening", "cx-intercept-exact"), ("proof", "cx-a1-w-free"), ("proof", "cx-last-line-analytic"),
        ("proof", "cx-first-display")}
    counter = [e for e in out.evidence if e.kind == "counterexample"]
    assert len(counter) == 6 and all(e.passed for e in counter)
    assert all(e.passed for e in out.evidence if e.role == "implementation")
    assert "gap-vs-bound" in out.figures
    assert result.scope.setting == "instances" and "W free" in result.scope.detail


def test_sensitivity_rows_w_free_and_w_fixed(result):
    rows = {(r.choice, r.setting.split(" ")[0]): r for r in result.outcome.sensitivity}
    assert rows[("W", "free")].status == "verified-with-erratum" and rows[("W", "free")].admissible
    assert rows[("W", "fixed")].status == "verified-with-erratum" and not rows[("W", "fixed")].admissible
    assert [r.status for r in result.outcome.sensitivity if r.choice == "seed"] == ["verified-with-erratum"] * SEED_ROWS


def test_tightness_at_the_worst_instance(result):
    t = result.outcome.by_id("gap-w-free").tightness
    assert 1 < t["bound_over_measured"] < 10 and "gamma" in t["instance"]
    assert 1 < result.outcome.by_id("gap-intercept-exact").tightness["bound_over_measured"] < 10


def test_the_printed_bound_fails_exactly_at_n_2():
    """gamma = 0, b0 = Y = 1, n = 2, delta = 0.45: the sup gap is 2 |mean y| = 2 with probability 1/2, above the bound."""
    L, B = 4.0, 4.0
    assert theorem_3_5_bound(0.0, 1, 0.0, 2, L, B, 0.45) < 2  # fails when y_1 = y_2: probability 1/2 > 0.45
    cx = [e for e in theorem_3_5._intercept_exact(theorem_3_5_bound) if e.id == "cx-intercept-exact"][0]
    assert cx.passed and cx.value == pytest.approx(1.25) and "n = 2, delta = 0.4" in cx.detail


def test_planted_wrong_statement_without_square_roots_is_refuted():
    out = theorem_3_5.check(Context(seed=0, sensitivity=False), bound=theorem_3_5.no_sqrt_bound)
    assert not out.by_id("gap-w-free").passed
    assert out.status() == "refuted"


def test_rejects_a_euclidean_sup():
    def euclidean(v, Sigma, gamma):  # sup over ||theta||^2 <= gamma instead of theta^T Sigma theta <= gamma
        return math.sqrt(gamma) * float(np.linalg.norm(v))

    ev = theorem_3_5._fixed_layer_evidence(CTX, euclidean)
    assert {"sup-kkt-1", "sup-kkt-2", "sup-kkt-3"} <= {e.id for e in ev if e.passed is False}


def test_derivation():
    d = derivation.derive()
    assert d.facts and not failed(d)
    assert failed(derivation.derive(lipschitz=1))
