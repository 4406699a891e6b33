"""assumption-3.1: discrete minimizers give p_tau > 0 and minimizers all over the sphere do not (exact), footnote 1's
concentration holds where a signal separates the minimizer; the sub-manifold sentence is refuted by a great circle and
a closed half-circle. Planted statements: the corrected sub-manifold condition passes, a wrong discrete condition and the
footnote without well-separation are rejected by the decisive evidence."""

import math

import numpy as np
import pytest
import sympy as sp
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import assumption_3_1 as derivation

from mixverify.claim import SEED_ROWS, Context
from mixverify.claims import assumption_3_1 as a31

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(a31.CLAIM, CTX)


def test_refuted_by_the_submanifold_sentence(result):
    out = result.outcome
    assert result.status == "refuted", (result.error, failed(out))
    assert failed(out) == {"submanifold-sufficient"}
    bad = out.by_id("submanifold-sufficient")
    assert bad.value == 3 and "circle at polar angle 0.5 pi" in bad.detail and "arc of length 1 pi" in bad.detail
    assert [(x.kind, x.evidence) for x in out.errata] == [("conclusion", "submanifold-sufficient")]
    for id_ in ("discrete-sufficient", "dense-necessary", "direction-concentrates"):
        assert out.by_id(id_).role == "decisive" and out.by_id(id_).passed
    for id_ in ("power-any-law", "power-no-separation"):
        assert out.by_id(id_).role == "power" and out.by_id(id_).passed
    assert -0.7 < out.by_id("direction-concentrates").value < -0.3  # sqrt(n)-consistency
    assert 0.2 < out.by_id("not-nested").value < 0.8  # the sample's own cone grows on about half the steps
    assert {r.status for r in out.sensitivity} == {"refuted"} and len(out.sensitivity) == len(a31.ROWS) + SEED_ROWS
    assert isinstance(out.figures["footnote-1"], Figure)


def test_exact_minima_over_arcs_and_circles():
    rng = np.random.default_rng(5)
    for M in a31.instances(rng):
        if M.kind == "finite":
            continue
        X = rng.normal(size=(300, M.d))
        brute = np.abs((X / np.linalg.norm(X, axis=1, keepdims=True)) @ M.points(20_000).T).min(axis=1)
        assert np.max(np.abs(M.min_abs_cos(X) - brute)) < 2e-3  # the discretisation's spacing
        assert a31.has_disjoint_solid_angle(M)  # every instance meets the paper's sub-manifold condition
    great = a31.MinimizerSet("great circle", 3, "circle", size=0.0)
    assert np.all(great.min_abs_cos(rng.normal(size=(1000, 3))) == 0.0)


def test_the_corrected_submanifold_condition_passes():
    out = a31.check(HEADLINE, a31.Statement(submanifold=a31.orthogonal_free))
    assert out.by_id("submanifold-sufficient").passed


def test_a_wrong_discrete_condition_is_refuted():
    # "M has no interior" (every instance here) is not enough: the great circle and the long arcs have p_tau = 0
    out = a31.check(HEADLINE, a31.Statement(discrete=lambda M: True))
    assert out.by_id("discrete-sufficient").passed is False


def test_the_footnote_without_well_separation_is_refuted():
    out = a31.check(HEADLINE, a31.Statement(separated=False))
    assert out.by_id("direction-concentrates").passed is False
    assert all(e.passed for e in out.evidence if e.role == "implementation")


def test_the_derivation_rejects_a_wrong_largest_tau():
    assert not failed(derivation.derive())
    bad = failed(derivation.derive(best_tau=sp.pi / (2 * derivation.m)))
    assert bad == ["m equally spaced lines, x midway: min_k |cos| = cos(pi/2 - pi/(2m)) = sin(pi/(2m)) (the largest tau)"]
    assert math.isclose(float(derivation.BEST_TAU.subs(derivation.m, 1000)), math.sin(math.pi / 2000))
