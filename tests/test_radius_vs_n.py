"""radius-vs-n: Theorem 3.1's R shrinks like 1/n and Theorem 3.2's R~ holds at every n on the sphere laws, Mixup's
minimizers and a ReLU net; on the two-zone law (a gap around theta's orthogonal plane) R does not shrink, so the claim is
design-dependent. Planted wrong statements (the mean of the R_i, a radius growing with n, an R~ with an n) are rejected
by the decisive evidence."""

import pytest
import sympy as sp
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import radius_vs_n as derivation

from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import radius_vs_n as rvn

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(rvn.CLAIM, CTX)


def test_design_dependent_on_the_law_of_x(result):
    out = result.outcome
    assert result.status == "design-dependent", (result.error, failed(out))
    assert out.headline_status() == "verified" and not failed(out)
    rows = {(r.choice, r.setting.split(" (")[0]): r for r in out.sensitivity}
    assert rows[("law of x", "x two-zone in R^3")].status == "refuted"
    assert {r.status for k, r in rows.items() if k != ("law of x", "x two-zone in R^3")} == {"verified"}
    assert [r.choice for r in out.sensitivity].count("seed") == SEED_ROWS and all(r.admissible for r in out.sensitivity)
    assert rows[("law of x", "x two-zone in R^3")].value > rvn.SHRINKS_BELOW  # R tends to the gap: no 1/n law
    assert isinstance(out.figures["radius-vs-n"], Figure)


def test_R_shrinks_like_one_over_n_and_R_tilde_holds_at_every_n(result):
    out = result.outcome
    shrink = out.by_id("R-shrinks")
    assert shrink.role == "decisive" and -1.3 < shrink.value < -0.7  # E R_n = 1/(n+1) on the sphere in R^3
    bound = out.by_id("bound-every-n")
    assert bound.role == "decisive" and bound.passed
    assert 0 < bound.tightness["bound_over_measured"] < 1 and "theta = " in bound.tightness["instance"]
    assert out.by_id("R-law").passed  # the simulated E R_n matches int (1 - F)^n
    assert [out.by_id(i).role for i in (
        "sympy-theorem-3-2-s-r",
        "sympy-theorem-b-1-s-r",
        "sympy-the-guarantee-1-2-exp",
    )] == ["decisive"] * 3  # R~ has no n; the guarantee grows
    for id_ in ("power-valid-radius", "power-growing-radius"):
        assert out.by_id(id_).role == "power" and out.by_id(id_).passed


def test_the_mean_cosine_does_not_shrink():
    # a wrong (a): the mean of the R_i tends to E|cos(theta, x)| = 1/2 (d = 3), so "it shrinks" is refuted
    out = rvn.check(HEADLINE, rvn.Statement(shrinking=rvn.mean_abs_cosine))
    assert failed(out) == {"R-shrinks"}
    assert decide(out.evidence, out.errata) == "refuted"


def test_a_radius_growing_with_n_is_refuted():
    out = rvn.check(HEADLINE, rvn.Statement(radius=rvn.growing_radius))
    assert out.by_id("bound-every-n").passed is False
    assert all(e.passed for e in out.evidence if e.role == "implementation")
    assert decide(out.evidence, out.errata) == "refuted"


def test_the_derivation_rejects_an_R_tilde_with_n():
    d = derivation.derive(r_tilde_32=(derivation.PRINTED_KAPPA_TERM * sp.sqrt(derivation.n),
                                      derivation.PRINTED_KAPPA12_TERM))
    assert failed(d) == ["Theorem 3.2's R~ has no n: d/dn of both components = 0"]
    assert not failed(derivation.derive())
