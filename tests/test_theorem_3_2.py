"""theorem-3.2: the check passes on the paper's formulas, rejects planted wrong ones, and validates input."""

import math

import pytest
import sympy as sp
import torch
from conftest import run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import theorem_3_2 as deriv

from mixverify.claim import Context
from mixverify.claims import theorem_3_2 as t32

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(t32.CLAIM, CTX)


def failed(derivation):
    return [name for name, ok, _ in derivation.facts if not ok]


def test_claim_is_uninformative(result):
    # the decisive frequency meets the guarantee, but so does R~ doubled: at R~ ~ 2e-5 any constant passes
    out = result.outcome
    assert out.by_id("bound-prob").passed and out.by_id("power-2R").passed is False
    assert result.status == "uninformative", (result.error, out.failed())
    assert out.by_id("bound-prob").tightness["bound_over_measured"] < 1e-2
    kinds = {e.kind for e in out.evidence}
    assert {"symbolic", "exact", "monte-carlo", "counterexample"} <= kinds
    assert isinstance(result.outcome.figures["slack-over-data-sets"], Figure)


def test_errata_recorded(result):
    text = " ".join(f"{e.location} {e.statement} {e.correction}" for e in result.outcome.errata)
    assert "n -> 0" in text and "n -> infinity" in text
    assert "no minimizer" in text  # separable data: Theta_hat_n empty
    assert "bounded" in text  # Theta* bounded: used, not assumed
    assert "x_i not in X_Theta*(tau)" in text  # the ratio display typo
    assert "fixed before S" in text  # the constants' quantifier
    assert all(e.counterexample for e in result.outcome.errata)
    kinds = {e.evidence: e.kind for e in result.outcome.errata}
    assert kinds == {"delta-n": "typo", "cx-separable-no-min": "hypothesis", "cx-unbounded": "hypothesis",
                     "cx-ratio-printed": "proof", "cx-constants-after-S": "hypothesis"}
    for id_ in kinds:
        assert result.outcome.by_id(id_).passed in (True, None)


def test_main_probability_meets_guarantee(result):
    ev = result.outcome.by_id("bound-prob")
    assert ev.role == "decisive" and ev.passed and ev.value >= ev.reference


def _main_failed(outcome):
    return outcome.by_id("bound-prob").passed is False and outcome.status() == "refuted"


@pytest.mark.parametrize("planted", [
    lambda p, tau, k, k1, k2: tau,  # the min factor dropped
    lambda p, tau, k, k1, k2: tau * math.sqrt(4 * 0.25 * p / (2 - p + 4 * 0.25 * p)),  # kappa := 1/4, kappa1 term dropped
], ids=["R=tau", "kappa-term-with-kappa=1/4"])
def test_rejects_too_large_r_tilde(planted):
    assert _main_failed(t32.check(CTX, r_tilde=planted))


def test_rejects_p_tau_without_the_cone_width():
    bad = t32.check(CTX, p_tau_for=lambda tau, phi, d: t32.p_tau_cone(tau, 0.0, d)).failed()
    assert any(n.startswith("p_tau (regularized incomplete beta)") for n in bad)


def test_derivation_holds():
    d = deriv.derive()
    assert d.facts and not failed(d)
    assert d.latex.strip()


@pytest.mark.parametrize("kwargs,expected", [
    (dict(kappa_term=sp.sqrt(4 * deriv.kappa * deriv.p_tau / (2 - 2 * deriv.p_tau + 4 * deriv.kappa * deriv.p_tau))),
     "kappa term at p_hat"),
    (dict(kappa12_term=deriv.p_tau * deriv.kappa1 / (2 * deriv.kappa2 - deriv.p_tau * (deriv.kappa1 - deriv.kappa2))),
     "kappa1/kappa2 term at p_hat"),
    (dict(hoeffding_eps=deriv.p_tau), "Hoeffding"),
    (dict(kappa_ratio=(1 - deriv.p_hat) / (deriv.p_hat * deriv.kappa)), "eta^2 (1 + ((1-p)/4)"),
])
def test_derivation_rejects_planted_algebra(kwargs, expected):
    bad = failed(deriv.derive(**kwargs))
    assert bad and any(n.startswith(expected) for n in bad), bad


def test_r_tilde_matches_closed_form():
    p, tau, k, k1, k2 = 0.4, 0.5, 0.1, 0.2, 0.7
    expected = min(p * k1 / (2 * k2 - p * (k2 - k1)), math.sqrt(4 * k * p / (2 - p + 4 * k * p))) * tau
    assert t32.r_tilde(p, tau, k, k1, k2) == pytest.approx(expected, rel=1e-15)
    assert t32.failure_probability(100, 0.3) == pytest.approx(2 * math.exp(-100 * 0.09 / 2), rel=1e-15)
    # d = 3: cos(x, u) is uniform on [-1, 1], so p_tau = 1 - cos(arccos(tau) - phi)
    assert t32.p_tau_cone(0.4, 0.2, 3) == pytest.approx(1 - math.cos(math.acos(0.4) - 0.2), rel=1e-12)


@pytest.mark.parametrize("tau", [0.0, 1.0, 1.5, -0.2])
def test_bad_tau(tau):
    with pytest.raises(ValueError, match=r"^tau must lie in \(0, 1\)"):
        t32.r_tilde(0.5, tau, 0.1, 0.1, 0.9)
    with pytest.raises(ValueError, match=r"^tau must lie in \(0, 1\)"):
        t32.p_tau_cone(tau, 0.1, 3)


@pytest.mark.parametrize("p", [0.0, -0.1, 1.01])
def test_bad_p_tau(p):
    with pytest.raises(ValueError, match=r"^p_tau must lie in \(0, 1\]"):
        t32.r_tilde(p, 0.5, 0.1, 0.1, 0.9)
    with pytest.raises(ValueError, match=r"^p_tau must lie in \(0, 1\]"):
        t32.failure_probability(10, p)


def test_p_tau_one_allowed():
    assert t32.r_tilde(1.0, 0.5, 0.1, 0.1, 0.9) > 0


def test_bad_constants():
    with pytest.raises(ValueError, match="kappa must lie in"):
        t32.r_tilde(0.5, 0.5, 0.3, 0.1, 0.9)
    with pytest.raises(ValueError, match="kappa1 <= kappa2"):
        t32.r_tilde(0.5, 0.5, 0.1, 0.9, 0.1)
    with pytest.raises(ValueError, match="phi must lie in"):
        t32.p_tau_cone(0.9, 1.0, 3)


def test_non_binary_labels():
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64)
    theta = torch.tensor([1.0, 0.5], dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^y must be 0 or 1 for Theorem 3.2, got 0.5$"):
        t32.mixup_minus_adversarial(theta, X, torch.tensor([0.5, 1.0], dtype=torch.float64), 0.01)
    ok = t32.mixup_minus_adversarial(theta, X, torch.tensor([1.0, 0.0], dtype=torch.float64), 0.0)
    assert math.isfinite(ok)
