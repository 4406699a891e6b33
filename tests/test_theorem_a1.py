"""theorem-a1: refuted with W free (as printed); with W fixed (the finding) the bound holds for the theta_1 part in
expectation, and the printed class (with theta_0) breaks it."""

import math

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_a1 as derivation

from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import theorem_a1
from mixverify.manifold import theorem_a1_bound, theorem_a1_proof_end

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(theorem_a1.CLAIM, CTX)


@pytest.fixture(scope="module")
def cells():
    return theorem_a1.w_free_search(CTX)


def test_refuted_with_w_free(result):
    out = result.outcome
    assert result.status == "refuted", (result.error, failed(out))
    assert [e.id for e in out.decisive()] == ["bound-w-free"]
    free = out.by_id("bound-w-free")
    assert free.passed is False and free.value - free.tolerance > 3 * free.reference  # far beyond the Monte Carlo error
    assert "p = 128" in free.tightness["instance"] and free.tightness["bound_over_measured"] < 1
    kinds = {x.evidence: x.kind for x in out.errata}
    assert kinds == {"bound-w-free": "conclusion", "cx-intercept": "weakening", "cx-constant-feature": "hypothesis",
                     "cx-empirical": "weakening", "cx-first-display": "proof", "cx-last-line": "proof"}
    assert all(out.by_id(i).passed for i in kinds if i != "bound-w-free")
    assert all(e.passed for e in out.evidence if e.role == "implementation")  # w-free-circle, relu-moments, ...
    assert out.by_id("cx-constant-feature").value == "inf"  # report.json stores +inf as "inf"
    assert "w-free-rademacher" in out.figures


def test_sensitivity_rows_w_free_and_w_fixed(result):
    rows = {(r.choice, r.setting.split(" ")[0]): r for r in result.outcome.sensitivity}
    assert rows[("W", "free")].status == "refuted" and rows[("W", "free")].admissible
    fixed = rows[("W", "fixed")]
    assert fixed.status == "verified-with-erratum" and not fixed.admissible  # the finding, not the paper's statement
    assert [r.status for r in result.outcome.sensitivity if r.choice == "seed"] == ["refuted"] * SEED_ROWS


def test_the_w_free_complexity_grows_with_p(result):
    """Ratios over the sphere cells at n = 64 (p = 2, 8, 32, 128): increasing, below 1 only at p = 2."""
    ratios = result.outcome.by_id("w-free-search").value
    at_64 = [r for (law, p, n), r in zip(theorem_a1.GRID, ratios) if law == "sphere" and n == 64]
    assert at_64 == sorted(at_64) and at_64[0] < 1 < at_64[1]


def test_w_fixed_finding_holds_with_its_errata():
    out = theorem_a1.check_w_fixed(CTX)
    assert out.status() == "verified-with-erratum", failed(out)
    assert {e.id for e in out.decisive()} == {"w-fixed-gaussian", "w-fixed-offset"}
    assert out.by_id("power-proof-last-line").passed and out.by_id("power-no-mean-term").passed
    t = out.by_id("w-fixed-offset").tightness
    assert 1 < t["bound_over_measured"] < t["trivial_bound"]


def test_planted_proof_last_line_is_rejected_with_w_fixed():
    out = theorem_a1.check_w_fixed(CTX, bound=theorem_a1_proof_end)
    assert out.by_id("w-fixed-offset").passed is False
    assert decide(out.evidence, []) == "refuted"  # without the errata: the decisive evidence alone refutes it


def test_planted_missing_mean_term_is_rejected_with_w_fixed():
    out = theorem_a1.check_w_fixed(CTX, bound=lambda g, r, m, n: 2 * math.sqrt(g * r / n))
    assert out.by_id("w-fixed-offset").passed is False


def test_w_free_evidence_rejects_what_w_fixed_accepts_and_accepts_a_larger_bound(cells):
    """Twice the printed bound holds with W fixed but not with W free; ten times it holds on every cell searched (the
    criterion can pass), though no bound free of p holds for all p."""
    twice = lambda g, r, m, n: 2 * theorem_a1_bound(g, r, m, n)  # noqa: E731
    assert not theorem_a1._w_free_evidence(cells, twice)[0].passed
    assert all(e.passed for e in theorem_a1.check_w_fixed(CTX, bound=twice).decisive())
    tenfold = lambda g, r, m, n: 10 * theorem_a1_bound(g, r, m, n)  # noqa: E731
    assert theorem_a1._w_free_evidence(cells, tenfold)[0].passed
    planted = theorem_a1.check(Context(seed=0, sensitivity=False), bound=twice)
    assert planted.by_id("bound-w-free").passed is False and planted.status() == "refuted"


def test_search_values_stay_below_the_trivial_bound(cells):
    for c in cells:
        assert np.all(c["vals"] <= c["trivial"] + 1e-12)  # |f| <= sqrt(gamma p / Sigma_1) on the sphere


def test_derivation():
    assert not failed(derivation.derive())
    assert failed(derivation.derive(factor=derivation.sp.Rational(1, 2)))
