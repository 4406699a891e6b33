"""eq-9: Beta-Bernoulli conjugacy is decided by its symbolic and exact evidence; wrong statements are refuted."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import eq_9 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import eq_9

CTX = Context(seed=0)
DECISIVE = ("sympy-p-lambda-b-1-p", "sympy-p-lambda-b-0-p", "marginal-exact", "posterior-exact")


def planted(**wrong):
    """The outcome (symbolic evidence first, as run_claim builds it) for a planted wrong statement."""
    out = eq_9.check(CTX, **wrong)
    out.evidence[:0] = derivation.derive(**wrong).evidence()
    return out


def test_verified_in_general():
    r = run_claim_cached(eq_9.CLAIM, CTX)
    assert r.status == "verified", (r.error, failed(r.outcome))
    assert r.scope.setting == "general"
    assert all(r.outcome.by_id(i).passed and r.outcome.by_id(i).role == "decisive" for i in DECISIVE)
    assert r.outcome.by_id("power-swapped-posterior").passed and r.outcome.by_id("power-swapped-marginal").passed


@pytest.mark.parametrize("wrong,fails", [
    (dict(posterior=lambda a, b, B: (a + 1 - B, b + B)), ("sympy-p-lambda-b-1-p", "sympy-p-lambda-b-0-p", "posterior-exact")),
    (dict(posterior=lambda a, b, B: (a + B, b + 1 - B + 0.01)), ("posterior-exact",)),  # a subtle error
    (dict(p_b1=lambda a, b: b / (a + b)), ("sympy-p-lambda-b-1-p", "sympy-p-lambda-b-0-p", "marginal-exact")),
])
def test_a_wrong_statement_is_refuted_by_decisive_evidence(wrong, fails):
    out = planted(**wrong)
    for i in fails:
        assert out.by_id(i).passed is False, i
    assert decide(out.evidence, out.errata) == "refuted"


def test_the_simulation_checks_the_quadrature_not_the_statement():
    # a wrong posterior leaves every implementation check passing: it can only refute, never break the code
    out = eq_9.check(CTX, posterior=lambda a, b, B: (a + 1 - B, b + B))
    assert all(e.passed for e in out.evidence if e.role == "implementation")
