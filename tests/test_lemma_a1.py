"""lemma-a1: the uniform deviation bound holds exactly on three instances; wrong constants are rejected."""

import math

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import lemma_a1 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import lemma_a1

CTX = Context(seed=0)
DECISIVE = ("holds-one-function", "holds-rich-class", "holds-logistic-glm", "holds-finite-class")


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(lemma_a1.CLAIM, CTX)


def test_verified_with_the_range_erratum(result):
    out = result.outcome
    assert result.status == "verified-with-erratum", (result.error, failed(out))
    assert [e.id for e in out.decisive()] == list(DECISIVE)
    assert all(out.by_id(i).passed for i in DECISIVE)
    assert out.by_id("power-no-factor-2").passed and out.by_id("power-no-sqrt").passed
    erratum, source = out.errata
    assert erratum.kind == "hypothesis" and out.by_id(erratum.evidence).passed
    assert out.by_id("cx-two-sided-range").value > lemma_a1.DELTA
    # the cited theorem (expected complexity, sqrt(8 ln(2/delta)/n)) is not the printed form: a proof erratum with no
    # counterexample, the printed form being checked on its own
    assert source.kind == "proof" and out.by_id(source.evidence).passed and out.by_id(source.evidence).value > 0.99
    assert "Bartlett & Mendelson" in source.location and "expected complexity" in source.correction


def test_bartlett_mendelson_theorem_8_on_the_rich_class():
    """R_n of B&M's Definition 2 for the rich class by brute force over signs (n = 4): E max(#positive, #negative) *
    2/n over the k points in C, plus sqrt(8 ln(2/delta)/n)."""
    import itertools

    from scipy import stats

    n, q, delta = 4, 0.3, 0.1
    brute = sum(stats.binom.pmf(k, n, q) * np.mean([2 / n * max(s.count(1), s.count(-1)) for s in
                                                      itertools.product((1, -1), repeat=k)]) for k in range(n + 1))
    assert lemma_a1.bm_theorem_8_rich(q, n, delta) == pytest.approx(brute + math.sqrt(8 * math.log(2 / delta) / n),
                                                                     rel=1e-14)


def test_exact_probabilities():
    from scipy import stats

    # Hoeffding's instance: P(1/2 - k/50 > sqrt(log 10 / 100)) = P(k <= 17) for k ~ Bin(50, 1/2)
    t = math.sqrt(math.log(10) / 100)
    k = np.arange(51)
    expected = float(stats.binom.pmf(k, 50, 0.5)[0.5 - k / 50 > t].sum())
    p, d, r, L, B, n = lemma_a1._one_function(50)
    assert lemma_a1.violation_probability(p, d, lemma_a1.lemma_rhs(r, L, B, n, 0.1)) == pytest.approx(expected, rel=1e-12)
    assert lemma_a1.expected_abs_sum([6])[0] == pytest.approx(15 / 8)
    # the GLM instance at n = 1: the supremum over |theta| <= 1 of (p_c - [cell c]) softplus(s_c theta), by hand
    p, d, r, L, B, n = lemma_a1._glm(1, 1.0, 0.0, 1.0)  # x = +-1, no signal: cells s = 1, -1 with probability 1/2
    assert p == pytest.approx([0.5, 0.5]) and d == pytest.approx([0.5, 0.5]) and r == pytest.approx([1.0, 1.0])
    assert (L, B) == (pytest.approx(1 / (1 + math.exp(-1))), 1.0)


def test_tightest_instances_found(result):
    """The search finds instances where the bound leaves little room: the rich class within 2 %, Hoeffding's one
    function within 10 % (delta -> 0 and n large), the logistic GLM within 40 %."""
    rooms = {i: result.outcome.by_id(i).tightness for i in DECISIVE[:3]}
    assert 1 < rooms["holds-rich-class"]["bound_over_measured"] < 1.02
    assert 1 < rooms["holds-one-function"]["bound_over_measured"] < 1.1
    assert 1 < rooms["holds-logistic-glm"]["bound_over_measured"] < 1.4
    assert all("delta = " in t["instance"] for t in rooms.values())


def test_planted_missing_factor_2_is_refuted():
    out = lemma_a1.check(CTX, rhs=lambda r, L, B, n, d: L * np.asarray(r, float) + lemma_a1.confidence_term(B, n, d))
    assert out.by_id("holds-rich-class").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_planted_bound_5_percent_small_is_refuted():
    """The tightest instance found (rich class, about 1 % room) catches a bound 5 % too small."""
    out = lemma_a1.check(CTX, rhs=lambda r, L, B, n, d: lemma_a1.lemma_rhs(r, L, B, n, d) / 1.05)
    assert out.by_id("holds-rich-class").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_planted_missing_square_root_is_refuted():
    out = lemma_a1.check(CTX, rhs=lambda r, L, B, n, d: 2 * L * np.asarray(r, float) + B * np.log(1 / d) / (2 * n))
    assert out.by_id("holds-one-function").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_derivation():
    assert not failed(derivation.derive())
    bad = derivation.derive(confidence=derivation.B * derivation.sp.log(1 / derivation.delta) / (2 * derivation.n))
    assert "sympy-mcdiarmid-range-b-exp-2" in {e.id for e in bad.evidence() if e.passed is False}  # McDiarmid's confidence term


def test_finite_classes_against_explicit_samples():
    """The finite-class family's Rad(Phi, S) and sup deviation against brute force over explicit samples and all sign
    vectors (n = 3, three atoms)."""
    import itertools

    funcs, mask, words = lemma_a1._finite_classes()
    assert len(words) == 45 and mask.sum(1).min() == 2 and mask.sum(1).max() == 4
    n, p = 3, np.array([0.2, 0.3, 0.5])
    counts, rad = lemma_a1._finite_rad(n)
    for k in (0, 17, 44):
        F = funcs[mask[k]]  # (functions, atoms)
        for ci, c in enumerate(counts):
            atoms = np.repeat(np.arange(3), c)
            brute = np.mean([max(float(np.dot(xi, f[atoms])) for f in F) for xi in itertools.product((-1, 1), repeat=n)]) / n
            assert rad[ci, k] == pytest.approx(brute, abs=1e-15)
            dev = max(float(f @ p - f[atoms].mean()) for f in F)
            assert dev == pytest.approx(float(np.max(F @ (p - c / n))), abs=1e-15)


def test_the_finite_classes_reject_a_missing_square_root_and_a_dropped_complexity_term():
    """The finite classes catch the confidence term without its square root and a bound without its complexity term
    (Rad(Phi, S) matters there); they do not catch the missing factor 2 (the rich class does)."""
    out = lemma_a1.check(CTX, rhs=lemma_a1._no_sqrt)
    assert out.by_id("holds-finite-class").passed is False
    out = lemma_a1.check(CTX, rhs=lambda r, L, B, n, d: lemma_a1.confidence_term(B, n, d))
    assert out.by_id("holds-finite-class").passed is False and decide(out.evidence, out.errata) == "refuted"
