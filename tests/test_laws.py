"""The laws D_lambda and tilde-D_lambda: exact moments, quadrature, sampling, validation."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from mixverify import Beta, BetaMixture, expect, mixup_lambda_law, tilde_lambda_law
from mixverify.laws import as_law
from mixverify.reference import beta_mixture_moment_one_minus, beta_moment_one_minus

params = st.floats(min_value=0.05, max_value=50, allow_nan=False)


@given(params, params)
@settings(max_examples=60, deadline=None)
def test_tilde_law_is_a_distribution_with_the_closed_form_moments(alpha, beta):
    law = tilde_lambda_law(alpha, beta)
    assert math.isclose(sum(law.weights), 1.0, rel_tol=1e-14)
    s = alpha + beta
    # closed forms derived in derivations/lemma_3_1.py
    assert math.isclose(law.moment_one_minus(1), 2 * alpha * beta / (s * (s + 1)), rel_tol=1e-12)
    assert math.isclose(law.moment_one_minus(2), alpha * beta / (s * (s + 1)), rel_tol=1e-12)


@given(params, params, st.integers(min_value=0, max_value=6))
@settings(max_examples=60, deadline=None)
def test_gauss_jacobi_is_exact_for_polynomials(alpha, beta, k):
    law = Beta(alpha, beta)
    # 4 nodes integrate degree <= 7 exactly; tolerance: round-off in nodes/weights (64 ulp of the value)
    assert expect(law, lambda lam: lam**k, nodes=4) == pytest.approx(law.moment(k), rel=64 * np.finfo(float).eps)


@pytest.mark.parametrize("alpha,beta", [(0.2, 0.2), (0.5, 2.0), (1.0, 1.0), (5.0, 0.5)])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_moments_match_quadpack(alpha, beta, k):
    assert Beta(alpha, beta).moment_one_minus(k) == pytest.approx(beta_moment_one_minus(alpha, beta, k), rel=1e-10)
    assert tilde_lambda_law(alpha, beta).moment_one_minus(k) == pytest.approx(
        beta_mixture_moment_one_minus(alpha, beta, k), rel=1e-10)


def test_mixture_quadrature_weights_sum_to_one_and_nodes_in_unit_interval():
    lam, w = tilde_lambda_law(0.3, 4.0).quadrature(16)
    assert lam.shape == w.shape == (32,)
    assert np.all((lam > 0) & (lam < 1))
    assert w.sum() == pytest.approx(1.0, rel=1e-14)


def test_sampling_matches_moments():
    rng = np.random.default_rng(0)
    law = tilde_lambda_law(5.0, 0.5)
    draws = 1 - law.sample(100_000, rng)
    se = draws.std(ddof=1) / np.sqrt(draws.size)
    assert abs(draws.mean() - law.moment_one_minus(1)) <= 4 * se  # 4 standard errors


def test_sampling_is_seeded():
    law = tilde_lambda_law(1.0, 2.0)
    a = law.sample(10, np.random.default_rng(3))
    b = law.sample(10, np.random.default_rng(3))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("alpha,beta,name", [(0, 1, "alpha"), (-1, 1, "alpha"), (1, 0, "beta"),
                                             (float("nan"), 1, "alpha"), (1, float("inf"), "beta"),
                                             ("x", 1, "alpha")])
def test_bad_parameters_raise_one_line_errors(alpha, beta, name):
    for make in (mixup_lambda_law, tilde_lambda_law):
        with pytest.raises(ValueError, match=name) as info:
            make(alpha, beta)
        assert "\n" not in str(info.value)


def test_mixture_weights_must_form_a_distribution():
    with pytest.raises(ValueError, match="sum to 1"):
        BetaMixture((0.5, 0.6), (Beta(1, 1), Beta(2, 2)))


def test_nodes_must_be_positive_integer():
    with pytest.raises(ValueError, match="nodes"):
        Beta(1, 1).quadrature(0)


# --- Mutant-killing tests (the surviving mutants are explained in tests/MUTANTS.md) ---
#
# Tests that kill mutants of mixverify/laws.py that the unit tests let survive (tests/MUTANTS.md).
#
# Each test asserts documented behaviour against an independent reference (scipy.stats, quadrature) or an
# exact value; the mutants they were written for are named in the comments.


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


# --- the law check at the public boundary (laws.as_law, beside the laws it accepts) ----------

@pytest.mark.parametrize("call", [lambda bad: expect(bad, np.exp), lambda bad: as_law(bad)])
def test_a_law_must_be_a_beta_or_a_beta_mixture(call):
    with pytest.raises(ValueError, match=r"^law must be a Beta or a BetaMixture \(e\.g\. tilde_lambda_law\(alpha, beta\)\), "
                                         r"got str$"):
        call("Beta(1, 1)")
    for law in (Beta(1, 2), tilde_lambda_law(1, 2)):
        assert as_law(law) is law
