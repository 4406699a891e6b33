"""theorem-3.2: the check passes on the paper's formulas and rejects planted wrong ones (the formulas themselves,
mixverify.certified, are tested in test_certified.py)."""

import math

import pytest
import sympy as sp
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import theorem_3_2 as deriv

from mixverify.certified import p_tau_cone
from mixverify.claim import Context
from mixverify.claims import theorem_3_2 as t32

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(t32.CLAIM, CTX)


def test_claim_is_uninformative(result):
    # the decisive frequency meets the guarantee, but so does R~ doubled: at R~ ~ 2e-5 any constant passes
    out = result.outcome
    assert out.by_id("bound-prob").passed and out.by_id("power-2R").passed is False
    assert result.status == "uninformative", (result.error, failed(out))
    assert failed(out) == {"power-2R"}
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
    out = t32.check(CTX, p_tau_for=lambda tau, phi, d: p_tau_cone(tau, 0.0, d))
    assert "p-tau-mc" in failed(out)


def test_derivation_holds():
    d = deriv.derive()
    assert d.facts and not failed(d)
    assert d.latex.strip()


@pytest.mark.parametrize("kwargs,expected", [
    (dict(kappa_term=sp.sqrt(4 * deriv.kappa * deriv.p_tau / (2 - 2 * deriv.p_tau + 4 * deriv.kappa * deriv.p_tau))),
     "sympy-4"),  # the kappa term at p_hat = p_tau/2
    (dict(kappa12_term=deriv.p_tau * deriv.kappa1 / (2 * deriv.kappa2 - deriv.p_tau * (deriv.kappa1 - deriv.kappa2))),
     "sympy-7"),  # the kappa1/kappa2 term at p_hat = p_tau/2
    (dict(hoeffding_eps=deriv.p_tau), "sympy-1"),  # Hoeffding's eps
    (dict(kappa_ratio=(1 - deriv.p_hat) / (deriv.p_hat * deriv.kappa)), "sympy-2"),  # eta^2 (1 + ((1-p)/4)/(p kappa))
])
def test_derivation_rejects_planted_algebra(kwargs, expected):
    bad = {e.id for e in deriv.derive(**kwargs).evidence() if e.passed is False}
    assert expected in bad, bad
