"""corollary-3.1: the generalization bound on an exact synthetic GLM, and planted wrong bounds."""

import math

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import corollary_3_1 as derivation

from mixverify.claim import SEED_ROWS, Context
from mixverify.claims import corollary_3_1
from mixverify.glm import corollary_bound, glm_gamma
from mixverify.rademacher import retentive_radius, theorem_3_4_bound

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def outcome():
    return run_claim_cached(corollary_3_1.CLAIM, CTX).outcome  # the result test_claims.py reads: computed once


def test_formulas():
    assert retentive_radius(0.5, 0.5) == 1.0
    assert retentive_radius(0.1, 0.4) == pytest.approx(0.25 ** 0.25)
    assert retentive_radius(2.0, 0.5) == pytest.approx(2.0)
    assert theorem_3_4_bound(2.0, 0.5, 2, 8) == pytest.approx(1.0)
    b = corollary_bound(2.0, 0.5, 2, 8, math.exp(-1), L=1.0, L_A=1.0, B=4.0)
    assert b == pytest.approx(2.0 + 4.0 * math.sqrt(1 / 16))


@pytest.mark.parametrize("call,match", [
    (lambda: retentive_radius(1.0, 0.6), "^hypothesis not met: rho must lie in \\(0, 1/2\\]"),
    (lambda: retentive_radius(1.0, 0.0), "^hypothesis not met: rho"),
    (lambda: retentive_radius(0.0, 0.3), "gamma"),
    (lambda: theorem_3_4_bound(1.0, 0.3, 0, 5), "rank"),
    (lambda: corollary_bound(1.0, 0.3, 1, 5, 1.0, L=1, L_A=1, B=1), "delta"),
    (lambda: corollary_bound(1.0, 0.3, 1, 5, 0.1, L=-1, L_A=1, B=1), "^L must"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_glm_gamma():
    import torch
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
    theta = torch.tensor([2.0, 5.0], dtype=torch.float64)
    s = torch.sigmoid(torch.tensor(2.0, dtype=torch.float64))
    assert glm_gamma(theta, X) == pytest.approx(float(s * (1 - s)) * 4.0)


def test_derivation_holds_and_rejects_a_wrong_radius():
    assert not failed(derivation.derive())
    assert len(failed(derivation.derive(radius_sq_large=derivation.gamma * derivation.rho))) == 1
    assert len(failed(derivation.derive(radius_sq_small=(derivation.gamma * derivation.rho) ** 0.5))) == 1


def test_claim_is_verified_with_errata():
    """The bound holds on the Mixup design and on every instance of the search (exactly); the confidence term without
    its square root is shown false there (power)."""
    r = run_claim_cached(corollary_3_1.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, failed(r.outcome))
    assert [e.id for e in r.outcome.decisive()] == ["bound-holds", "bound-holds-hardest"]
    assert [e.id for e in r.outcome.evidence if e.role == "power"] == list(corollary_3_1.WRONG_VERSIONS)
    assert not failed(r.outcome)
    assert r.scope.setting == "instances"
    # sensitivity: B = softplus(T) (the sup of the loss), and the two other seeds; all agree
    assert [row.choice for row in r.outcome.sensitivity] == ["B"] + ["seed"] * SEED_ROWS
    assert all(row.status == "verified-with-erratum" and row.admissible for row in r.outcome.sensitivity)


def test_measured_numbers(outcome):
    rho = outcome.by_id("rho")
    assert 1e-5 < rho.value <= 1 / 16  # A'' <= 1/4 for softplus
    ball = outcome.by_id("ball-rademacher")
    assert 0.8 < ball.value / ball.reference < 0.95  # Jensen's step is nearly tight (sqrt(pi)/2)
    main = outcome.by_id("bound-holds")
    assert main.value == 1.0
    assert main.tightness["bound_over_measured"] > 5 and "the Mixup design" in main.tightness["instance"]
    assert outcome.by_id("confidence-over-measured").value > 1  # the design alone cannot test the Rademacher part
    L, L_A, B, T = outcome.by_id("constants").value
    assert L == L_A == pytest.approx(1 / (1 + math.exp(-T))) and B == pytest.approx(T)
    assert {e.location: (e.kind, e.evidence) for e in outcome.errata} == {
        "Section 3.3, definition of rho-retentive (used by Theorem 3.4 and Corollary 3.1)": ("hypothesis", "cx-retentive"),
        "Theorem 3.4 (used by Corollary 3.1) and its proof, Appendix A.3.2": ("weakening", "cx-empirical"),
        "Appendix A.3.2, last line of the proof of Theorem 3.4": ("proof", "rank-whitened")}
    assert all(e.passed for e in outcome.evidence if e.kind == "counterexample")


def test_hardest_instances(outcome):
    """The search finds the bound within 1.4x of the deviation's (1 - delta)-quantile (no signal, x = +-1, small Theta,
    large n, small delta); the wrong Rademacher parts hold everywhere (reported), the wrong confidence term does not."""
    hard = outcome.by_id("bound-holds-hardest")
    assert hard.passed and hard.value <= 1
    assert 1 < hard.tightness["bound_over_measured"] < 1.4
    assert "x = +-1" in hard.tightness["instance"] and "sigma(0 x)" in hard.tightness["instance"]
    assert outcome.by_id("power-no-sqrt").value > 1
    assert all(v < 1 for v in outcome.by_id("rademacher-part").value)
    assert outcome.by_id("closed-form-deviation").passed


def test_constants_readings():
    assert corollary_3_1.constants(2.0, "range") == pytest.approx({"L": 1 / (1 + math.exp(-2)),
                                                                   "L_A": 1 / (1 + math.exp(-2)), "B": 2.0})
    assert corollary_3_1.constants(2.0, "sup")["B"] == pytest.approx(math.log(1 + math.exp(2)))
    with pytest.raises(ValueError, match="^reading must be"):
        corollary_3_1.constants(1.0, "both")


def _rho_squared(gamma, rho, rank, n, delta, *, L, L_A, B):
    """gamma/rho^2: a *larger* bound (rho < 1), still caught by the recomputation."""
    return (2 * L * L_A * max((gamma / rho**2) ** 0.25, (gamma / rho**2) ** 0.5) * math.sqrt(rank / n)
            + B * math.sqrt(math.log(1 / delta) / (2 * n)))


@pytest.mark.parametrize("planted,rejected_by", [
    (lambda *a, **k: corollary_3_1._no_sqrt(*a, **k), {"bound-holds-hardest"}),
    (lambda *a, **k: corollary_bound(*a, **k) / 1.5, {"bound-holds-hardest"}),
    (lambda *a, **k: corollary_bound(*a, **k) / 20, {"bound-holds", "bound-holds-hardest"}),
], ids=["no square root on the confidence term", "bound / 1.5", "bound / 20"])
def test_planted_wrong_statement_is_refuted_by_its_decisive_evidence(planted, rejected_by):
    """Decided on the headline design (B = the loss's range): with the sensitivity table, bound / 1.5 is design-dependent,
    since on the B = softplus(T) reading the hardest room is about 2."""
    out = corollary_3_1.check(Context(seed=0, sensitivity=False), statement=planted)
    assert {e.id for e in out.decisive() if not e.passed} == rejected_by
    assert out.status() == "refuted"


def test_a_wrong_rademacher_part_is_not_detected():
    """Without the factor 2 the bound still holds on every instance searched: the decisive evidence decides the bound as
    a whole, not its Rademacher part (reported as ``rademacher-part``)."""
    out = corollary_3_1.check(Context(seed=0, sensitivity=False), statement=corollary_3_1._no_factor_two)
    assert all(e.passed for e in out.decisive()) and out.status() == "verified-with-erratum"


@pytest.mark.parametrize("planted,expected", [
    (dict(bound=_rho_squared), {"sympy-bound-data", "sympy-bound-small", "sympy-bound-large"}),
    (dict(radius=lambda g, r: max((g * r) ** 0.25, (g * r) ** 0.5)), {"sympy-radius-data", "radius-step"}),
    (dict(rademacher=lambda g, r, k, n: retentive_radius(g, r) * k / n), {"sympy-rademacher-data", "ball-rademacher"}),
], ids=["gamma/rho^2", "gamma*rho radius", "rank/n for sqrt(rank/n)"])
def test_rejects_planted_errors(planted, expected):
    out = corollary_3_1.check(CTX, **planted)
    assert expected <= failed(out)
    assert out.status() == "error"
