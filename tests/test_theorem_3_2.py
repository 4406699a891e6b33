"""theorem-3.2: vacuous as printed; at the minimizers of L~_mix the inequality fails at R~ on the hardest instance found
(a weak signal with many data), in the proof's reading it holds (design-dependent). The decisive evidence rejects
planted wrong radii and accepts one below the largest valid radius. The formulas themselves (mixverify.certified) are
tested in test_certified.py."""

import math

import pytest
import sympy as sp
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import theorem_3_2 as deriv

from mixverify.certified import p_tau_cone, r_tilde
from mixverify.claim import SEED_ROWS, Context
from mixverify.claims import theorem_3_2 as t32

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(t32.CLAIM, CTX)


def test_claim_is_design_dependent(result):
    # refuted at the minimizers (the headline, on every seed), verified-with-erratum in the proof's reading
    out = result.outcome
    assert result.status == "design-dependent", (result.error, failed(out))
    assert out.headline_status() == "refuted"
    assert failed(out) == {"bound-prob"}
    rows = {(r.choice, r.setting.split(" (")[0]): r for r in out.sensitivity}
    assert rows[("reading of Theta_hat_n", "every theta in Theta* and Theta, separable data")].status == \
        "verified-with-erratum"
    assert rows[("constants kappa, kappa1, kappa2", "the proof's definitions at theta_hat on S")].status == "refuted"
    assert [r.status for r in out.sensitivity if r.choice == "seed"] == ["refuted"] * SEED_ROWS
    assert all(r.admissible for r in out.sensitivity)
    kinds = {e.kind for e in out.evidence}
    assert {"symbolic", "exact", "monte-carlo", "counterexample"} <= kinds
    assert isinstance(out.figures["slack-over-data-sets"], Figure)


def test_vacuous_as_printed(result):
    assert result.vacuous.startswith(t32.VACUOUS) and "no minimizer" in result.vacuous
    assert result.to_json()["vacuous"] is True
    assert result.outcome.by_id("cx-separable-no-min").passed and result.outcome.by_id("cx-outside-theta").passed


def test_hardest_instance_breaks_the_bound(result):
    # the worst data set of the headline instance: the inequality holds only up to a radius below R~ (done-when: R~
    # within 10x of the largest valid radius -- here it is above it)
    ev = result.outcome.by_id("bound-prob")
    assert ev.role == "decisive" and ev.passed is False and ev.value < 0.1 < ev.reference
    assert ev.tightness["bound_over_measured"] > 1 and "theta_0 = 0.0625 e_1" in ev.tightness["instance"]
    # the search over d, signal, n, alpha puts its hardest instance at the weak signal with many data
    search = result.outcome.by_id("search")
    assert search.value < 1 and "n = 16000" in search.detail.split(";")[0]
    assert result.outcome.by_id("power-naive-tau").passed


def test_errata_recorded(result):
    text = " ".join(f"{e.location} {e.statement} {e.correction}" for e in result.outcome.errata)
    assert "n -> 0" in text and "n -> infinity" in text
    assert "no minimizer" in text and "unconstrained minimizers" in text
    assert "bounded" in text  # Theta* bounded: used, not assumed
    assert "x_i not in X_Theta*(tau)" in text  # the ratio display typo
    assert "fixed before S" in text  # the constants' quantifier
    assert all(e.counterexample for e in result.outcome.errata)
    kinds = {e.evidence: e.kind for e in result.outcome.errata}
    assert kinds == {"delta-n": "typo", "cx-separable-no-min": "hypothesis", "cx-unbounded": "hypothesis",
                     "cx-ratio-printed": "proof", "cx-constants-after-S": "hypothesis"}
    for id_ in kinds:
        assert result.outcome.by_id(id_).passed in (True, None)


def test_decisive_accepts_a_radius_below_the_largest_valid():
    # R~ / 20 lies below every data set's largest valid radius: the same decisive evidence passes
    out = t32.check(Context(seed=0, sensitivity=False), r_tilde=lambda *a: r_tilde(*a) / 20)
    assert out.by_id("bound-prob").passed, failed(out)
    assert out.headline_status() == "verified-with-erratum"


@pytest.mark.parametrize("planted", [
    lambda p, tau, k, k1, k2: tau,  # the min factor dropped
    lambda p, tau, k, k1, k2: tau * math.sqrt(4 * 0.25 * p / (2 - p + 4 * 0.25 * p)),  # kappa := 1/4, kappa1 term dropped
], ids=["R=tau", "kappa-term-with-kappa=1/4"])
def test_proof_reading_rejects_too_large_r_tilde(planted):
    # where R~ holds (the proof's reading), its decisive evidence rejects the wrong radii
    out, ratio, _ = t32._proof_reading(CTX, [], r_tilde=planted)
    assert {e.id for e in out.evidence if e.passed is False} >= {"proof-reading-two-zone-0.01"}
    assert out.headline_status() == "refuted"
    good, ratio, _ = t32._proof_reading(CTX, [])
    assert good.headline_status() == "verified" and 1 < ratio < 10


def test_rejects_p_tau_without_the_cone_width():
    out = t32.check(Context(seed=0, sensitivity=False), p_tau_for=lambda tau, phi, d: p_tau_cone(tau, 0.0, d))
    assert "p-tau-mc" in failed(out)


def test_derivation_holds():
    d = deriv.derive()
    assert d.facts and not failed(d)
    assert d.latex.strip()


@pytest.mark.parametrize("kwargs,expected", [
    (dict(kappa_term=sp.sqrt(4 * deriv.kappa * deriv.p_tau / (2 - 2 * deriv.p_tau + 4 * deriv.kappa * deriv.p_tau))),
     "sympy-kappa-term-at-p-hat"),  # the kappa term at p_hat = p_tau/2
    (dict(kappa12_term=deriv.p_tau * deriv.kappa1 / (2 * deriv.kappa2 - deriv.p_tau * (deriv.kappa1 - deriv.kappa2))),
     "sympy-kappa1-kappa2-term-at-p"),  # the kappa1/kappa2 term at p_hat = p_tau/2
    (dict(hoeffding_eps=deriv.p_tau), "sympy-hoeffding-eps-p-tau-2"),  # Hoeffding's eps
    (dict(kappa_ratio=(1 - deriv.p_hat) / (deriv.p_hat * deriv.kappa)), "sympy-eta-2-1-1-p"),  # eta^2 (1 + ((1-p)/4)/(p kappa))
])
def test_derivation_rejects_planted_algebra(kwargs, expected):
    bad = {e.id for e in deriv.derive(**kwargs).evidence() if e.passed is False}
    assert expected in bad, bad
