"""figure-3-values: Figure 3's printed numbers decided as plausible outcomes of the paper's experiment; planted wrong
values are rejected by the decisive evidence, and the law, the rank and the estimator are checked against exact forms."""

from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from conftest import failed, run_claim_cached
from mixverify.derivations import figure_3_values as derivation
from scipy import stats
from scipy.special import betainc

from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import figure_3_values as claim
from mixverify.claims.figure_3_values import PAPER, Printed

CTX = Context(seed=0)
DECISIVE = {"r-initial", "r-final", "ri-several"}


@pytest.fixture(scope="module")
def result():
    """The claim at seed 0 with its sensitivity table (test_claims.py shares this result)."""
    return run_claim_cached(claim.CLAIM, CTX)


@pytest.fixture(scope="module")
def headline():
    """The law at initialisation and the trained draws of the headline design (the training from the cache of
    ``result``'s run: the same draws, recorded at the same lengths)."""
    law = claim.initial_law(CTX, "uniform")
    run = claim.trained(CTX, "uniform", claim.row_lengths(CTX))
    return law, run["R_i"][claim.STEPS]


def test_the_printed_numbers_are_decided_by_their_criteria(result):
    o = result.outcome
    assert result.claim.derivation == "derivations.figure_3_values" and result.claim.random
    assert {e.id for e in o.decisive()} == DECISIVE
    assert not failed(o) & {e.id for e in o.evidence if e.role == "implementation"}, failed(o)
    assert {e.id for e in o.evidence if e.role == "power"} == {"r-initial-power", "r-final-power"}
    # the exact law at initialisation shows a 1000x smaller R outside the range; 60 trained draws cannot (a value of the
    # lower tail is shown outside, distribution-free, only from 919 draws on): R after training's test has no power there
    assert o.by_id("r-initial-power").passed and o.by_id("r-final-power").passed is False
    # R from 2.27e-5 to 6.11e-2 is a plausible outcome; R_i > 0.8 for several points is not what a typical run gives
    assert o.by_id("r-initial").passed and o.by_id("r-final").passed
    assert not o.by_id("ri-several").passed and o.by_id("ri-several").value <= claim.TRAINED_DRAWS // 2
    lo, hi = o.by_id("r-initial").value
    assert claim.TAIL <= lo < hi < 0.006  # the printed initial R is at the edge of the range: about the 0.53% quantile
    assert [(x.kind, x.evidence) for x in o.errata] == [("conclusion", "ri-several")]
    assert o.headline_status() == "refuted"
    # read as one run's outcome, the example is neither shown plausible nor implausible by 60 draws: design-dependent
    reading = [x for x in o.sensitivity if x.choice == "reading"]
    assert [x.status for x in reading] == ["undecided"]
    assert result.status == decide(o.evidence, o.errata, o.sensitivity) == "design-dependent"


def test_sensitivity_rows_cover_initialisation_lengths_and_seeds(result):
    rows = result.outcome.sensitivity
    settings = {(x.choice, x.setting) for x in rows}
    assert ("initialisation", "N(0, 1/fan_in) entries") in settings
    assert {("training length", f"{n} steps") for n in claim.row_lengths(CTX) if n != claim.STEPS} <= settings
    assert claim.row_lengths(CTX) == (250, 500) and claim.row_lengths(replace(CTX, thorough=True)) == (250, 500, 1500)
    assert sum(x.choice == "seed" for x in rows) == SEED_ROWS
    assert all(x.admissible for x in rows)
    for x in rows:
        if x.choice not in ("seed", "reading"):
            assert x.status == ("verified" if x.value == "3/3 numbers plausible" else "refuted"), x


def test_planted_wrong_values_are_rejected_by_the_decisive_evidence(headline):
    law, R_i = headline
    wrong = Printed(r_initial=PAPER.r_initial * 1e-3, r_final=PAPER.r_final * 1e-3, high=0.99)
    ev = {e.id: e for e in claim.decisive(wrong, law, R_i)}
    assert not ev["r-initial"].passed and ev["r-initial"].value[1] < claim.TAIL  # shown outside, not only "not inside"
    # 0 of 60 draws below 6.11e-5: not shown inside, and 60 draws cannot show it outside: reported, deciding nothing
    assert ev["r-final"].role == "context" and ev["r-final"].passed is None and ev["r-final"].value[0] == 0
    assert not ev["ri-several"].passed
    # the same criteria pass a true statement: R_i > 0.5 for several points holds in almost every draw
    assert all(e.passed for e in claim.decisive(Printed(high=0.5), law, R_i))


def test_planted_wrong_statement_through_check():
    o = claim.check(CTX, printed=Printed(r_initial=2.27e-8, r_final=6.11e-5))  # training from the cache
    assert {"r-initial", "ri-several"} <= failed(o) and o.by_id("r-final").role == "context"
    # the power checks are computed from the planted values: a factor 10^-3 below the exact law's is rejected too
    assert o.by_id("r-initial-power").passed


def test_upward_factor_does_not_test_r_initial(headline):
    law, R_i = headline
    ev = {e.id: e for e in claim.decisive(Printed(r_initial=PAPER.r_initial * 1e3), law, R_i)}
    assert ev["r-initial"].passed  # R at initialisation spans four decades: 2.27e-2 is a plausible initial R
    assert "Clopper-Pearson" in ev["r-initial"].tolerance_source


def test_derivation_holds_and_rejects_a_wrong_density_constant():
    d = derivation.derive()
    assert d.facts and not failed(d)
    bad = failed(derivation.derive(density=lambda k: sp.gamma(k / 2) / sp.gamma((k - 1) / 2)))  # no sqrt(pi)
    assert "c_10 = 128 / (35 pi)" in bad and len(bad) >= 3
    assert derivation.order_rank(claim.TRAINED_DRAWS) == 3 and r"\le \tfrac1{100}\} = 3" in d.latex


def test_linear_law_is_the_derivations_closed_form():
    F = sp.lambdify(derivation.V, derivation.linear_cdf(), "mpmath")
    for v in (2.27e-8, 2.27e-5, 1e-3, 0.02, 0.3):
        assert claim._linear_tail(v) == pytest.approx(float(F(v)), rel=1e-9)
    assert claim._linear_tail(PAPER.r_initial) == pytest.approx(0.005271, abs=1e-6)
    # first order: 2 n c_10 v
    assert claim._linear_tail(1e-9) == pytest.approx(2 * 100 * 1e-9 * float(derivation.DENSITY_AT_ZERO), rel=1e-6)


@pytest.mark.parametrize("K", [10, 20, 40, 60, 200])
def test_order_rank_is_the_smallest_rank_at_level(K):
    j = derivation.order_rank(K)
    sf = lambda r: stats.binom.sf(r - 1, K, claim.TAIL)  # noqa: E731  P(Bin >= r)
    assert sf(j) <= claim.LEVEL < sf(j - 1)


def test_density_estimator_on_exact_uniform_directions():
    rng = np.random.default_rng(5)
    a = (claim.D - 1) / 2
    cos = 2 * rng.beta(a, a, size=(4000, claim.N)) - 1  # one coordinate of a uniform direction in R^10
    rho, se, second = claim.density_at_zero(cos)
    exact = float(derivation.DENSITY_AT_ZERO)
    assert abs(rho - exact) <= 4 * se + exact * (claim.D - 3) * claim.KERNEL**2 / 6
    assert second == pytest.approx(rho**2, rel=0.05)  # independent points: E[rho_w^2] = rho^2
    # the law at the printed value reproduces the exact linear tail within its interval
    lo, hi, how = claim.tail_interval({"cos": cos}, PAPER.r_initial)
    assert how == "small-radius law" and lo <= claim._linear_tail(PAPER.r_initial) <= hi
    G = betainc(a, a, (1 + 0.01) / 2) - betainc(a, a, (1 - 0.01) / 2)
    assert (np.abs(cos) <= 0.01).mean() == pytest.approx(G, rel=0.05)


def test_figures_and_notes(result):
    assert set(result.outcome.figures) == {"R-at-initialisation", "R-after-training"}
    assert any("0.53% quantile" in n for n in result.outcome.notes)


def test_outside_rank_is_the_binomial_quantile():
    """A value is shown outside the central 99% range (below the 0.5% quantile, at 99%) by at most c of K draws below
    it: none exists until (0.995)^K <= 1%, K = 919."""
    from mixverify.derivations.figure_3_values import outside_rank

    assert outside_rank(60) == -1 and outside_rank(918) == -1 and outside_rank(919) == 0
    assert outside_rank(2000) >= 2
