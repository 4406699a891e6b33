"""theorem-3.4: passes with its errata, and rejects each planted wrong formula."""

import math

import pytest
from matplotlib.figure import Figure

from derivations import theorem_3_4 as derivation
from mixverify.claim import Context, decide, run_claim
from mixverify.claims import theorem_3_4
from mixverify.rademacher import ellipsoid_support, relaxation_radius, second_moment, theorem_3_4_bound

CTX = Context(seed=0)
RANK_EXPONENT = "exponent of E_S Rad(W_gamma, S) in rank(Sigma_X)"


@pytest.fixture(scope="module")
def outcome():
    return theorem_3_4.check(CTX)


def test_claim_is_verified_with_errata():
    r = run_claim(theorem_3_4.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, r.outcome.failed())
    assert any(e.kind == "symbolic" for e in r.outcome.evidence)
    assert r.seconds < 30


def test_derivation_holds_and_rejects_plants():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    bad = [n for n, ok, _ in derivation.derive(support_power=1).facts if not ok]
    assert bad == ["theta*^T u = gamma^(1/2) sqrt(u^T M^-1 u) (the closed form)"]
    bad = [n for n, ok, _ in derivation.derive(rank_power=1).facts if not ok]
    assert len(bad) == 1 and bad[0].startswith("last line")


def test_measured_exponents_and_errata(outcome):
    ev = {e.name: e for e in outcome.evidence}
    rank = next(e for n, e in ev.items() if n.startswith(RANK_EXPONENT))
    n_exp = next(e for n, e in ev.items() if n.startswith("exponent of E_S Rad(W_gamma, S) in n"))
    assert 0.45 < rank.value < 0.65 and rank.reference == pytest.approx(0.5)
    assert n_exp.value == pytest.approx(-0.5, abs=0.05)
    assert {e.location for e in outcome.errata} == {
        "Appendix A.3.2, last display",
        "Theorem 3.4 (statement) and Appendix A.3.2 ('Rad(W_gamma, S) = E_S[Rad(W_gamma, S)]')",
        "Section 3.3, definition of rho-retentive (and the hypothesis of Theorem 3.4)",
        "Section 3.3, definition of rho-retentive",
    }
    counter = [e for e in outcome.evidence if e.kind == "counterexample"]
    assert len(counter) == 5 and all(e.passed for e in counter)
    assert not outcome.failed() and decide(outcome.evidence, outcome.errata) == "verified-with-erratum"
    assert isinstance(outcome.figures["rademacher-scaling"], Figure)


def test_sqrt_p_in_place_of_sqrt_rank_is_rejected_by_the_rank_exponent():
    bad = theorem_3_4.check(CTX, bound=lambda g, rho, n, rank, p: theorem_3_4_bound(g, rho, p, n)).failed()
    assert any(n.startswith(RANK_EXPONENT) for n in bad)


def test_printed_last_line_rank_over_sqrt_n_is_rejected_by_the_rank_exponent():
    def printed(g, rho, n, rank, p):
        return math.sqrt(relaxation_radius(g, rho)) * rank / math.sqrt(n)
    bad = theorem_3_4.check(CTX, bound=printed).failed()
    assert any(n.startswith(RANK_EXPONENT) for n in bad)


def test_uncentred_sigma_hat_is_rejected():
    bad = theorem_3_4.check(CTX, covariance=second_moment).failed()
    assert any(n.startswith("rank(Sigma_X) = intrinsic dimension") for n in bad)
    assert any(n.startswith("Theorem's Sigma_X = E[x x^T] of the centred data") for n in bad)
    assert any(n.startswith("Mixup's R2 (Lemma 3.1") for n in bad)


@pytest.mark.parametrize("power", [2.0, 1.0 / 4])  # gamma sqrt(q) and gamma^(1/4) sqrt(q)
def test_wrong_closed_form_of_the_supremum_is_rejected_by_the_bruteforce(power):
    def wrong(U, M, gamma):
        return ellipsoid_support(U, M, gamma ** (2 * power))
    bad = theorem_3_4.check(CTX, support=wrong).failed()
    assert any(n.startswith("closed-form sup over the ellipsoid = brute-force") for n in bad)
    assert any(n.startswith("A.3.2 line 4") for n in bad)
