"""Each SymPy derivation holds, and rejects a planted wrong formula."""

import sympy as sp
from conftest import failed
from mixverify.derivations import eq_1, eq_9, lemma_3_1
from mixverify.derivations._beta import alpha, beta


def test_all_derivations_hold():
    for module in (eq_1, eq_9, lemma_3_1):
        d = module.derive()
        assert d.facts and not failed(d), module.__name__
        assert d.latex.strip()


def test_eq_1_rejects_uniform_mixture_weights():
    # the paper's wording, "a uniform mixture", read literally
    bad = failed(eq_1.derive(weights=(sp.Rational(1, 2), sp.Rational(1, 2))))
    assert any("w1 Beta(alpha+1" in n for n in bad)


def test_eq_1_rejects_swapped_weights():
    bad = failed(eq_1.derive(weights=(beta / (alpha + beta), alpha / (alpha + beta))))
    assert len(bad) == 2


def test_eq_9_rejects_swapped_posterior():
    assert len(failed(eq_9.derive(posterior=lambda a, b, B: (a + 1 - B, b + B)))) == 2


def test_eq_9_rejects_wrong_marginal():
    assert failed(eq_9.derive(p_b1=beta / (alpha + beta)))


def test_lemma_3_1_rejects_missing_half():
    assert failed(lemma_3_1.derive(r2_coefficient=1)) == [
        "second-order Taylor polynomial of psi = psi(0) + a psi'(0) + c a^2 psi''(0) with c = 1/2"]


def test_lemma_3_1_rejects_moments_of_d_lambda():
    bad = failed(lemma_3_1.derive(components=((1, alpha, beta),)))
    assert len(bad) == 2 and all("E_tildeD" in n for n in bad)


def test_lemma_3_1_rejects_wrong_moment_weights():
    # a mixture weight swapped: only the first moment is sensitive
    comps = ((beta / (alpha + beta), alpha + 1, beta), (alpha / (alpha + beta), beta + 1, alpha))
    assert failed(lemma_3_1.derive(components=comps))
