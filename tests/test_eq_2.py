"""eq-2: Eq. (2) includes the softmax cross-entropy, and Eq. (9) and Lemma 3.1 hold for K-class classifiers; wrong
versions (a missing 1/2, D_lambda for tilde-D_lambda, the cross terms of the Hessian of h dropped) are refuted."""

import pytest
import sympy as sp
from conftest import failed, run_claim_cached
from mixverify.derivations import eq_2 as derivation

from mixverify import mixup_lambda_law, mixup_regularizers
from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import eq_2

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(eq_2.CLAIM, CTX)


def test_verified_in_general_with_instances(result):
    assert result.status == "verified", (result.error, failed(result.outcome))
    out = result.outcome
    assert result.scope.setting == "general"
    assert [out.by_id(i).role for i in (
        "sympy-softmax-cross-entropy-of-a",
        "sympy-the-loss-of-eq-2",
        "sympy-psi-0-grad-h-y",
        "sympy-psi-0-j-v-t",
        "sympy-second-order-taylor-polynomial-of",
    )] == ["decisive"] * 5
    for k in eq_2.CLASSES:
        assert out.by_id(f"eq9-k{k}").passed and out.by_id(f"order-s-k{k}-1-1").passed
    assert out.by_id("power-r2-half").passed and out.by_id("power-diagonal-hessian").passed
    assert [x.choice for x in out.sensitivity] == ["seed"] * SEED_ROWS


def _half_dropped(f, X, y, alpha, beta, **kw):
    r1, r2, r3 = mixup_regularizers(f, X, y, alpha, beta, **kw)
    return r1, 2 * r2, r3


@pytest.mark.parametrize("statement,refuted_by", [
    (eq_2.Statement(regularizers=_half_dropped), "order-s-k3-1-1"),  # R2 without its 1/2: a second-order remainder
    (eq_2.Statement(law_for=mixup_lambda_law), "eq9-k3"),  # Eq. (9) with D_lambda instead of tilde-D_lambda
])
def test_a_wrong_statement_is_refuted_by_the_decisive_evidence(statement, refuted_by):
    out = eq_2.check(HEADLINE, statement)
    assert out.by_id(refuted_by).passed is False
    assert all(e.passed for e in out.evidence if e.role == "implementation")  # the code is not what is wrong
    assert decide(out.evidence, out.errata) == "refuted"


def test_the_symbolic_facts_reject_a_missing_half_and_a_diagonal_hessian():
    d = derivation.derive(r2_coefficient=1)
    assert [ok for _, ok, *_ in d.facts][4] is False and decide(d.evidence(), []) == "refuted"

    def diagonal(Jv, Hh, c, quads):
        return (Jv.T * sp.diag(*[Hh[k, k] for k in range(Hh.shape[0])]) * Jv)[0] + sum(ci * q for ci, q in zip(c, quads))

    d = derivation.derive(second=diagonal)
    assert [ok for _, ok, *_ in d.facts][3] is False and decide(d.evidence(), []) == "refuted"
