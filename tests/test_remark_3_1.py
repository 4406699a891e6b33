"""remark-3.1: the inclusion of the balls decides it in general; a wrong constant is refuted."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import remark_3_1 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import remark_3_1

CTX = Context(seed=0)


def test_verified_in_general():
    r = run_claim_cached(remark_3_1.CLAIM, CTX)
    assert r.status == "verified", (r.error, failed(r.outcome))
    assert r.scope.setting == "general"
    out = r.outcome
    assert all(out.by_id(i).passed and out.by_id(i).role == "decisive"
               for i in ("sympy-c-2-delta-inf-2", "sympy-the-vertex-eps-1-of", "linear-exact", "pgd-inclusion"))
    assert out.by_id("power-no-sqrt-d").passed and out.by_id("power-constant-below-sqrt-d").passed
    assert out.by_id("linear-exact").tightness["bound_over_measured"] >= 1.0


@pytest.mark.parametrize("constant", [lambda d: 1.0, lambda d: 0.9 * d**0.5])
def test_a_wrong_constant_is_refuted(constant):
    out = remark_3_1.check(CTX, radius=lambda eps, d: eps * constant(d))
    assert out.by_id("linear-exact").passed is False
    assert out.by_id("pgd-inclusion").passed is False
    out.evidence[:0] = derivation.derive().evidence()  # the numeric decisive evidence alone refutes it
    assert decide(out.evidence, out.errata) == "refuted"


def test_derivation_rejects_a_planted_constant():
    facts = derivation.derive(constant=1).facts
    assert not any(ok for _, ok, *_ in facts)
