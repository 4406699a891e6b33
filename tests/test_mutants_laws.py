"""Tests that kill mutants of mixverify/laws.py that the unit tests let survive (tests/MUTANTS.md).

Each test asserts documented behaviour against an independent reference (scipy.stats, quadrature) or an
exact value; the mutants they were written for are named in the comments.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, stats

from mixverify import Beta, BetaMixture, expect, mixup_lambda_law, tilde_lambda_law

PARAMS = [(0.3, 0.3), (0.5, 2.0), (1.0, 1.0), (2.5, 0.7), (5.0, 3.0)]


def test_parameters_are_stored_as_validated_python_floats():
    # Beta.__post_init__ replaces a and b by their validated float values (mutants that write elsewhere)
    law = Beta(np.int64(2), np.float32(0.5))
    assert type(law.a) is float and type(law.b) is float
    assert (law.a, law.b) == (2.0, 0.5)


@pytest.mark.parametrize("make", [Beta, mixup_lambda_law, tilde_lambda_law])
@pytest.mark.parametrize("alpha,beta,pattern", [(0, 1, r"^alpha must be a finite number > 0, got 0$"),
                                                (1, -2, r"^beta must be a finite number > 0, got -2$"),
                                                ("x", 1, r"^alpha must be a positive number, got 'x'$")])
def test_bad_parameters_name_the_argument_first(make, alpha, beta, pattern):
    with pytest.raises(ValueError, match=pattern):
        make(alpha, beta)


def test_bad_node_count_is_named():
    with pytest.raises(ValueError, match=r"^nodes must be a positive integer, got 0$"):
        Beta(1, 1).quadrature(0)


@pytest.mark.parametrize("weights,components", [((1.0,), (Beta(1, 1), Beta(2, 2))),
                                                ((0.5, 0.5), (Beta(1, 1),)),
                                                ((), ())])
def test_mixture_needs_one_weight_per_component(weights, components):
    with pytest.raises(ValueError, match=r"^weights and components must be non-empty and of equal length$"):
        BetaMixture(weights, components)


@pytest.mark.parametrize("weights", [(0.0, 1.0), (-0.5, 1.5), (0.5, 0.5 + 1e-10)])
def test_mixture_weights_must_be_positive_and_sum_to_one_within_1e_12(weights):
    # a zero weight is not a component; 1e-10 off is far outside the 1e-12 the moments are tested at
    with pytest.raises(ValueError, match=r"^weights must be positive and sum to 1, got "):
        BetaMixture(weights, (Beta(1, 1), Beta(2, 2)))


@pytest.mark.parametrize("a,b", PARAMS)
def test_beta_pdf_matches_scipy(a, b):
    lam = np.linspace(0.01, 0.99, 23)
    # both evaluate the log-density in float64: agreement to round-off (1e-12 relative)
    assert Beta(a, b).pdf(lam) == pytest.approx(stats.beta.pdf(lam, a, b), rel=1e-12)


@pytest.mark.parametrize("alpha,beta", PARAMS)
def test_mixture_pdf_and_raw_moments_match_scipy(alpha, beta):
    law = tilde_lambda_law(alpha, beta)
    s = alpha + beta
    ref = [(alpha / s, alpha + 1, beta), (beta / s, beta + 1, alpha)]  # Lemma 3.1, independently of laws.py
    lam = np.linspace(0.01, 0.99, 23)
    assert law.pdf(lam) == pytest.approx(sum(w * stats.beta.pdf(lam, a, b) for w, a, b in ref), rel=1e-12)
    for k in range(4):
        assert law.moment(k) == pytest.approx(sum(w * stats.beta.moment(k, a, b) for w, a, b in ref), rel=1e-12)


def test_mixture_pdf_integrates_to_one():
    law = tilde_lambda_law(2.0, 3.0)  # both components bounded on [0, 1]: QUADPACK to 1e-10
    total, _ = integrate.quad(law.pdf, 0.0, 1.0, epsabs=1e-13)
    assert total == pytest.approx(1.0, abs=1e-10)


def test_latex_of_the_laws():
    assert Beta(2, 0.5).latex() == r"\mathrm{Beta}(2, 0.5)"
    assert tilde_lambda_law(1.0, 3.0).latex() == r"0.25\,\mathrm{Beta}(2, 3) + 0.75\,\mathrm{Beta}(4, 1)"


def test_expect_uses_32_nodes_by_default():
    # a pole just outside [0, 1] makes the rule converge slowly, so 32 and 33 nodes give different values
    law = Beta(1.0, 1.0)
    fn = lambda lam: 1.0 / (1.02 - lam)  # noqa: E731
    assert expect(law, fn) == expect(law, fn, nodes=32)
    assert expect(law, fn, nodes=33) != expect(law, fn, nodes=32)
    assert expect(law, fn, nodes=200) == pytest.approx(math.log(1.02 / 0.02), rel=1e-10)  # exact integral


@pytest.mark.parametrize("method", ["moment", "moment_one_minus"])
def test_negative_moment_order_is_named(method):
    with pytest.raises(ValueError, match=r"^k must be an integer >= 0, got -1$"):
        getattr(Beta(1.0, 2.0), method)(-1)


def test_expect_names_a_function_that_is_not_vectorised():
    with pytest.raises(ValueError, match=r"^fn must be vectorised \(map an array of lambdas to an array\)"):
        expect(Beta(1.0, 1.0), math.exp)


def test_mixture_components_must_be_beta_laws():
    with pytest.raises(ValueError, match=r"^components must be Beta laws, got "):
        BetaMixture((0.5, 0.5), (Beta(1, 1), "Beta(2, 2)"))


def test_pdf_accepts_exact_rationals():
    # the SymPy derivations work with exact rationals; the density converts them to floats
    law = Beta(2.0, 3.0)
    assert law.pdf(Fraction(1, 4)) == pytest.approx(stats.beta.pdf(0.25, 2.0, 3.0), rel=1e-12)
    assert law.pdf([Fraction(1, 4), Fraction(1, 2)]) == pytest.approx(stats.beta.pdf([0.25, 0.5], 2.0, 3.0), rel=1e-12)
