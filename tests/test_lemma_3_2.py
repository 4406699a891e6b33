"""lemma-3.2: Eq. (5) by its order (decisive), PGD against the exact maximum (implementation); planted errors."""

import math

import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import lemma_3_2 as derivation

from mixverify.attacks import project
from mixverify.claim import Context, decide
from mixverify.claims import lemma_3_2
from mixverify.losses import eq2_loss

CTX = Context(seed=0)


def planted_eq5(half=0.5, power=2, absolute=True, sqrt_d=True):
    """Eq. (5) with one planted error, for a linear model f = theta^T x."""
    def taylor(f, X, y, radius):
        theta = f.theta
        eta = radius if sqrt_d else radius / math.sqrt(X.shape[1])  # sqrt_d=False: the paper's eps taken as the radius
        u = X @ theta
        g = torch.sigmoid(u)
        first = (g - y).abs() if absolute else (g - y)
        nrm = theta.norm()
        return (eq2_loss(u, y) + eta * first * nrm + half * eta**2 * g * (1 - g) * nrm**power).mean()
    return taylor


DECISIVE = ("order-theta-0.5", "order-theta-2", "max-quadratic")
PGD = {f"pgd-{norm}-{start}" for norm in ("2", "inf") for start in ("from-zero", "random-starts")}


def test_verified_with_a_typo_erratum():
    r = run_claim_cached(lemma_3_2.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, failed(r.outcome))
    assert r.scope.setting == "general"
    out = r.outcome
    assert all(out.by_id(i).passed and out.by_id(i).role == "decisive" for i in DECISIVE)
    assert out.by_id("power-theta-norm").passed and out.by_id("power-missing-half").passed
    assert [(x.kind, x.evidence) for x in out.errata] == [("typo", "cx-theta-power")]
    assert out.by_id("cx-theta-power").passed


def test_the_planted_helper_is_eq5_when_nothing_is_planted():
    assert not failed(lemma_3_2.check(CTX, taylor=planted_eq5()))


@pytest.mark.parametrize("planted", [
    dict(half=1.0),            # a missing 1/2
    dict(power=1),             # ||theta|| instead of ||theta||^2 (Appendix A.2.1's display)
    dict(absolute=False),      # a lost |.|
    dict(sqrt_d=False),        # eps instead of eps sqrt(d)
])
def test_order_rejects_planted_eq5(planted):
    out = lemma_3_2.check(CTX, taylor=planted_eq5(**planted))
    assert out.by_id("order-theta-2").passed is False, planted
    assert out.by_id("order-theta-0.5").passed is False, planted
    assert decide(out.evidence, out.errata) == "refuted"


@pytest.mark.parametrize("projection", [
    lambda delta, eps, norm: -project(delta, eps, norm),           # a wrong sign in the projection step
    lambda delta, eps, norm: project(delta, 2 * eps, norm),       # projecting onto the wrong ball
])
def test_pgd_evidence_rejects_a_wrong_projection(projection):
    out = lemma_3_2.check(CTX, projection=projection)
    assert failed(out) and failed(out) <= PGD, failed(out)  # only the PGD checks, from delta = 0 at least
    assert {"pgd-2-from-zero", "pgd-inf-from-zero"} <= failed(out)
    assert decide(out.evidence, out.errata) == "error"  # broken code, not a wrong paper


def test_measured_order_is_three():
    out = run_claim_cached(lemma_3_2.CLAIM, CTX).outcome
    for i in ("order-theta-0.5", "order-theta-2"):
        assert out.by_id(i).value == pytest.approx(3, abs=0.05)
    assert [e.location for e in out.errata] == ["Appendix A.2.1 (proof of Lemma 3.2), last display"]


def test_derivation_rejects_planted_errors():
    assert not failed(derivation.derive())
    for planted in (dict(coefficient=1), dict(theta_power=1)):
        d = derivation.derive(**planted)
        assert failed(d)
        assert decide(d.evidence(), []) == "refuted"
