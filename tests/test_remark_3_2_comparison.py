"""remark-3.2-comparison: the ridge bound is sqrt(p/rank) times Theorem 3.4's on every law, the classes differ that way
only for unit-variance coordinates (design-dependent on the normalisation of x); planted ridge statements that adapt to
the rank are refuted by the decisive evidence."""

import math

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import remark_3_2_comparison as derivation

from mixverify.claim import Context, decide
from mixverify.claims import remark_3_2_comparison as claim
from mixverify.rademacher import theorem_3_4_bound

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)
DECISIVE = {"sympy-remark-3-2-s-bound", "sympy-its-exponent-in-p-at", "bounds-much-larger", "classes-much-larger",
            "classes-much-larger-mc"}


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(claim.CLAIM, CTX)


def test_design_dependent_on_the_normalisation_of_x(result):
    out = result.outcome
    assert result.status == "design-dependent", (result.error, failed(out))
    assert {e.id for e in out.decisive()} == DECISIVE and all(e.passed for e in out.decisive())
    assert out.by_id("power-reversed").passed
    assert out.by_id("bounds-much-larger").value == pytest.approx(0.5, abs=1e-12)
    assert out.by_id("classes-much-larger").value == pytest.approx(0.5, abs=1e-12)
    assert out.by_id("classes-much-larger-mc").value == pytest.approx(0.5, abs=0.05)
    rows = {(r.choice, r.setting.split(" ")[0]): r for r in out.sensitivity}
    assert rows[("normalisation", "isometric")].status == "refuted"
    assert rows[("normalisation", "unit-norm")].status == "refuted"
    assert all(r.status == "verified" for k, r in rows.items() if k[0] in ("rank", "n", "scale of x", "seed"))
    assert not rows[("scale of x", "4")].admissible
    assert isinstance(out.figures["ratios"], Figure)


def test_exact_ratios_are_s_sqrt_p_over_r():
    x, coo = claim.class_ratios(claim.Setting())
    assert coo == pytest.approx(np.sqrt(x), rel=1e-13)
    assert claim.class_ratios(claim.Setting(normalisation="isometric"))[1] == pytest.approx(1.0, rel=1e-13)
    assert claim.class_ratios(claim.Setting(normalisation="unit-norm", rank=9))[1] == pytest.approx(1 / 3, rel=1e-13)
    assert claim.class_ratios(claim.Setting(scale=0.25))[1] == pytest.approx(0.25 * np.sqrt(x), rel=1e-13)


def test_derivation():
    assert not failed(derivation.derive())
    planted = derivation.derive(ridge_bound=lambda g, rho, p, n: derivation.theorem_bound(g, rho, 4, n))
    assert failed(planted)[:2] == ["Remark 3.2's bound / Theorem 3.4's bound = sqrt(p/rank) for every gamma, rho, n",
                                   "its exponent in p (at fixed rank) is 1/2"]


def test_a_ridge_bound_that_adapts_to_the_rank_is_refuted():
    """Planted: the ridge bound with sqrt(rank/n), as if the ridge class adapted to the intrinsic dimension."""
    statement = claim.Statement(ridge_bound=lambda g, rho, p, rank, n: theorem_3_4_bound(g, rho, rank, n))
    out = claim.check(HEADLINE, statement)
    assert out.by_id("bounds-much-larger").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_the_ridge_class_replaced_by_w_gamma_is_refuted():
    out = claim.check(HEADLINE, claim.Statement(ridge_matrix=lambda p, sigma: sigma))
    assert out.by_id("classes-much-larger").passed is False and out.by_id("classes-much-larger-mc").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_a_bound_growing_like_p_over_rank_still_passes_the_one_sided_criterion():
    """The criterion is one-sided ('much larger': exponent above 1/4), so a ridge bound growing faster also passes."""
    out = claim.check(HEADLINE, claim.Statement(ridge_bound=lambda g, rho, p, rank, n: math.sqrt(g) * p / math.sqrt(rank * n)))
    assert out.by_id("bounds-much-larger").passed
