"""corollary-3.1: the generalization bound on an exact synthetic GLM, and planted wrong bounds."""

import math

import pytest

from derivations import corollary_3_1 as derivation
from mixverify.claim import Context, run_claim
from mixverify.claims import corollary_3_1
from mixverify.glm import corollary_bound, glm_gamma, rademacher_bound, retentive_radius

CTX = Context(seed=0)
RECOMPUTED = "= SymPy recomputation"


@pytest.fixture(scope="module")
def outcome():
    return corollary_3_1.check(CTX)


def failed(derivation_):
    return [name for name, ok, _ in derivation_.facts if not ok]


def test_formulas():
    assert retentive_radius(0.5, 0.5) == 1.0
    assert retentive_radius(0.1, 0.4) == pytest.approx(0.25 ** 0.25)
    assert retentive_radius(2.0, 0.5) == pytest.approx(2.0)
    assert rademacher_bound(2.0, 0.5, 2, 8) == pytest.approx(1.0)
    b = corollary_bound(2.0, 0.5, 2, 8, math.exp(-1), L=1.0, L_A=1.0, B=4.0)
    assert b == pytest.approx(2.0 + 4.0 * math.sqrt(1 / 16))


@pytest.mark.parametrize("call,match", [
    (lambda: retentive_radius(1.0, 0.6), "^hypothesis not met: rho must lie in \\(0, 1/2\\]"),
    (lambda: retentive_radius(1.0, 0.0), "^hypothesis not met: rho"),
    (lambda: retentive_radius(0.0, 0.3), "gamma"),
    (lambda: rademacher_bound(1.0, 0.3, 0, 5), "rank"),
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


def test_claim_holds():
    r = run_claim(corollary_3_1.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, r.outcome.failed())
    assert r.seconds < 30


def test_measured_numbers(outcome):
    ev = {e.name.split(",")[0]: e for e in outcome.evidence}
    rho = next(e for e in outcome.evidence if e.name.startswith("rho-retentive constant over v in Theta"))
    assert 1e-5 < rho.value <= 1 / 16  # A'' <= 1/4 for softplus
    ball = next(e for e in outcome.evidence if "relaxed ball" in e.name)
    assert 0.8 < ball.value / ball.reference < 0.95  # Jensen's step is nearly tight (sqrt(pi)/2)
    main = next(e for e in outcome.evidence if e.name.startswith("Corollary 3.1: sup over"))
    assert main.value == 1.0
    assert ev  # evidence names are unique enough to index
    assert {e.location for e in outcome.errata} == {
        "Section 3.3, definition of rho-retentive (used by Theorem 3.4 and Corollary 3.1)",
        "Theorem 3.4 (used by Corollary 3.1) and its proof, Appendix A.3.2",
        "Appendix A.3.2, last line of the proof of Theorem 3.4"}
    assert all(e.passed for e in outcome.evidence if e.kind == "counterexample")


def _no_factor_two(gamma, rho, rank, n, delta, *, L, L_A, B):
    return L * L_A * rademacher_bound(gamma, rho, rank, n) + B * math.sqrt(math.log(1 / delta) / (2 * n))


def _rho_squared(gamma, rho, rank, n, delta, *, L, L_A, B):
    """gamma/rho^2: a *larger* bound (rho < 1), still caught by the recomputation."""
    return (2 * L * L_A * max((gamma / rho**2) ** 0.25, (gamma / rho**2) ** 0.5) * math.sqrt(rank / n)
            + B * math.sqrt(math.log(1 / delta) / (2 * n)))


@pytest.mark.parametrize("planted,expected", [
    (dict(bound=_no_factor_two), ["Corollary 3.1: 2 L L_A Rad-bound + B sqrt(log(1/delta)/(2n)) " + RECOMPUTED]),
    (dict(bound=_rho_squared), ["Corollary 3.1: 2 L L_A Rad-bound + B sqrt(log(1/delta)/(2n)) " + RECOMPUTED]),
    (dict(radius=lambda g, r: max((g * r) ** 0.25, (g * r) ** 0.5)), [
        "Theorem 3.4's radius max{(gamma/rho)^(1/4), (gamma/rho)^(1/2)} " + RECOMPUTED,
        "Theorem 3.4's step: ||Sigma_X^{1/2} theta|| <= max{(gamma/rho)^(1/4), (gamma/rho)^(1/2)} on W_gamma0 ∩ Theta"]),
    (dict(rademacher=lambda g, r, k, n: retentive_radius(g, r) * k / n), [
        "Theorem 3.4: Rad <= radius sqrt(rank/n) " + RECOMPUTED,
        "Monte Carlo Rademacher complexity of the relaxed ball {||Sigma^(1/2) theta|| <= radius}, averaged over data "
        "sets, <= Theorem 3.4's bound"]),
], ids=["factor 2 dropped", "gamma/rho^2", "gamma*rho radius", "rank/n for sqrt(rank/n)"])
def test_rejects_planted_errors(planted, expected):
    bad = corollary_3_1.check(CTX, **planted).failed()
    for name in expected:
        assert any(b.startswith(name) for b in bad), (name, bad)
