"""One source for each formula: every closed form that derivations/closed_forms.py exports is compared with its library
twin on a grid that includes the edge values of its hypotheses, and docs/formulas.md lists every public formula.

Tolerance: each library twin evaluates its closed form in float64 with at most a few dozen roundings (products of
ratios, a square root, an exponential), each within half an ulp, on well-conditioned expressions (sums of positive
terms, no cancellation on these grids): 64 ulps of relative error (1.4e-14) bounds them with room. SymPy evaluates
the same expression at 30 significant digits.
"""

import itertools
import math
import re
from pathlib import Path

import pytest
import sympy as sp
from mixverify.derivations import closed_forms as cf

import mixverify
from mixverify import (
    corollary_bound,
    failure_probability,
    r_tilde,
    ratio_moment,
    retentive_radius,
    theorem_3_4_bound,
    theorem_b1_radius,
    tilde_lambda_law,
)
from mixverify.manifold import mixing_variance, theorem_a1_bound

ROOT = Path(__file__).resolve().parents[1]
REL = 64 * 2.0**-52
AB = [0.05, 0.5, 1.0, 1.0001, 2.0, 5.0, 50.0]  # alpha, beta: tiny, below and at 1, just above 1, large
PROBABILITIES = [1e-6, 0.3, 1.0]
UNIT = [1e-6, 0.5, 0.999999]


#: closed form -> (library twin as a function of the closed form's symbols (by name), grid of symbol values)
TWINS = {
    "TILDE_M1": (lambda alpha, beta: tilde_lambda_law(alpha, beta).moment_one_minus(1),
                 [dict(alpha=a, beta=b) for a, b in itertools.product(AB, AB)]),
    "TILDE_M2": (lambda alpha, beta: tilde_lambda_law(alpha, beta).moment_one_minus(2),
                 [dict(alpha=a, beta=b) for a, b in itertools.product(AB, AB)]),
    "BETA_MIX": (lambda alpha, beta: mixing_variance(alpha, beta),
                 [dict(alpha=a, beta=b) for a, b in itertools.product(AB, AB)]),
    "EQ7_MOMENT": (ratio_moment, [dict(alpha=a, beta=b) for a, b in itertools.product(AB, AB) if a > 1 and b > 1]),
    "EQ7_COEFFICIENT": (lambda alpha, beta: ratio_moment(alpha, beta) / 2,
                        [dict(alpha=a, beta=b) for a, b in itertools.product(AB, AB) if a > 1 and b > 1]),
}
#: The condition number of a twin's evaluation where it is not about 1: ratio_moment works from tilde-D's components
#: Beta(alpha + 1, beta), whose parameter alpha + 1 is rounded once before (alpha + 1) - 2 = alpha - 1 is formed near
#: the pole at alpha = 1: a relative error eps in alpha + 1 becomes (alpha + 1)/(alpha - 1) eps in the result.
CONDITION = {
    "EQ7_MOMENT": lambda alpha, beta: max(1.0, (alpha + 1) / (alpha - 1), (beta + 1) / (beta - 1)),
    "EQ7_COEFFICIENT": lambda alpha, beta: max(1.0, (alpha + 1) / (alpha - 1), (beta + 1) / (beta - 1)),
    # exp(-x) turns the rounding of x = n p_tau^2 / 2 into a relative error x eps
    "FAILURE": lambda n, p_tau: max(1.0, n * p_tau**2 / 2),
}
TWINS |= {
    "R_TILDE": (lambda p_tau, tau, kappa, kappa_1, kappa_2: r_tilde(p_tau, tau, kappa, kappa_1, kappa_2),
                [dict(p_tau=p, tau=t, kappa=k, kappa_1=k1, kappa_2=k2)
                 for p, t, k, (k1, k2) in itertools.product(PROBABILITIES, UNIT, [1e-6, 0.1, 0.25],
                                                            [(1e-6, 1e-6), (0.2, 0.7), (1.0, 1.0)])]),
    "FAILURE": (lambda n, p_tau: failure_probability(n, p_tau),
                [dict(n=n, p_tau=p) for n in (1, 100, 1000) for p in PROBABILITIES]),
    "B1_RADIUS": (lambda p, tau, **k: theorem_b1_radius(p, tau, k["tau'"], k["tau''"], k["kappa"], k["kappa_1"],
                                                         k["kappa_2"]),
                  [{"p": p, "tau": t, "tau'": a, "tau''": b, "kappa": k, "kappa_1": k1, "kappa_2": k2}
                   for p, t, (a, b), k, (k1, k2) in itertools.product(PROBABILITIES, UNIT, [(1e-3, 1.0), (1.0, 1.0)],
                                                                     [1e-6, 0.25], [(0.2, 0.7), (1.0, 1.0)])]),
    "RETENTIVE_RADIUS": (lambda gamma, rho: retentive_radius(gamma, rho),
                         [dict(gamma=g, rho=r) for g in (1e-6, 0.5, 1.0, 40.0) for r in (1e-6, 0.0625, 0.5)]),
    "THEOREM_3_4_BOUND": (lambda gamma, rho, rank, n: theorem_3_4_bound(gamma, rho, rank, n),
                          [dict(gamma=g, rho=r, rank=k, n=n) for g in (1e-6, 1.0, 40.0) for r in (1e-6, 0.5)
                           for k in (1, 7) for n in (1, 1000)]),
    "COROLLARY_BOUND": (lambda gamma, rho, rank, n, delta, L, L_A, B: corollary_bound(gamma, rho, rank, n, delta, L=L,
                                                                                      L_A=L_A, B=B),
                        [dict(gamma=g, rho=r, rank=3, n=n, delta=d, L=1.0, L_A=0.25, B=b)
                         for g in (1e-6, 2.0) for r in (1e-6, 0.5) for n in (1, 500) for d in (1e-9, 0.999)
                         for b in (1e-3, 10.0)]),
    "THEOREM_A1_BOUND": (lambda gamma, rank, mu_term, n: theorem_a1_bound(gamma, rank, mu_term, n),
                         [dict(gamma=g, rank=k, mu_term=m, n=n) for g in (1e-6, 1.0) for k in (1, 12)
                          for m in (0.0, 3.5) for n in (1, 64)]),
}
#: closed forms without a library function of their own, and why
NO_TWIN = {
    "TILDE": "the law itself: mixverify.tilde_lambda_law(alpha, beta) (its moments are TILDE_M1, TILDE_M2)",
    "R_TILDE_KAPPA": "a component of R_TILDE", "R_TILDE_KAPPA12": "a component of R_TILDE",
    "B1_FIRST": "a component of B1_RADIUS", "B1_SECOND": "a component of B1_RADIUS",
    "LEMMA_A1_CONFIDENCE": "a term of COROLLARY_BOUND (and of Theorem 3.5's bound)",
}


def test_every_closed_form_has_a_twin_or_a_reason():
    assert set(cf.EXPORTS) == set(TWINS) | set(NO_TWIN), set(cf.EXPORTS) ^ (set(TWINS) | set(NO_TWIN))
    assert not set(TWINS) & set(NO_TWIN)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_library_twin_equals_the_closed_form(name):
    library, grid = TWINS[name]
    expr = cf.EXPORTS[name]
    symbols = {s.name: s for s in expr.free_symbols}
    assert grid and all(set(point) >= set(symbols) for point in grid), (name, sorted(symbols))
    for point in grid:
        # the exact binary value of each float input, evaluated at 30 digits
        exact = float(expr.subs({symbols[k]: sp.Rational(v) for k, v in point.items() if k in symbols}).evalf(30))
        value = library(**point)
        assert math.isfinite(value) and exact != 0, (name, point, value, exact)
        rel = REL * CONDITION.get(name, lambda **_: 1.0)(**point)
        assert value == pytest.approx(exact, rel=rel, abs=0), (name, point)


def test_eq7_moment_diverges_where_the_closed_form_has_a_pole():
    """EQ7_MOMENT is finite iff alpha, beta > 1; the library says inf at and below 1 (the closed form's pole at 1)."""
    for a, b in itertools.product(AB, AB):
        assert math.isinf(ratio_moment(a, b)) == (a <= 1 or b <= 1)


def _doc_rows():
    text = (ROOT / "docs" / "formulas.md").read_text()
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Paper")]


def test_docs_list_every_closed_form_and_every_public_formula():
    """A new closed form, or a new public function of mixverify, without a row in docs/formulas.md fails here."""
    text = "\n".join(_doc_rows())
    named = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", text))
    missing = sorted(set(cf.EXPORTS) - named)
    assert not missing, f"closed forms without a row in docs/formulas.md: {missing}"
    public = {name for name in mixverify.__all__ if callable(getattr(mixverify, name)) and name[0].islower()}
    missing = sorted(public - named)
    assert not missing, f"public functions without a row in docs/formulas.md: {missing}"
