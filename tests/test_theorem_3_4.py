"""theorem-3.4: passes with its errata, and rejects each planted wrong formula."""

import pytest
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import theorem_3_4 as derivation

from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import theorem_3_4
from mixverify.rademacher import ellipsoid_support, printed_last_line, second_moment, theorem_3_4_bound

CTX = Context(seed=0)
DECISIVE = {"bound-holds", "bound-holds-hardest", "bound-holds-exact", "bound-holds-logistic", "exponent-rank",
            "exponent-n"}
POWER = {"power-sqrt-p", "power-last-line", "power-sqrt-rank-over-n", "power-half-constant"}


@pytest.fixture(scope="module")
def outcome():
    return run_claim_cached(theorem_3_4.CLAIM, CTX).outcome  # the result test_claims.py reads: computed once


def test_claim_is_verified_with_errata():
    r = run_claim_cached(theorem_3_4.CLAIM, CTX)
    assert r.status == "verified-with-erratum", (r.error, failed(r.outcome))
    assert any(e.kind == "symbolic" for e in r.outcome.evidence)
    assert {e.id for e in r.outcome.decisive()} == DECISIVE
    assert {e.id for e in r.outcome.evidence if e.role == "power"} == POWER
    assert r.scope.setting == "instances" and "A'' = 1" in r.scope.detail
    # the sensitivity table: rho-retentive for every v (as printed), and the two other seeds; all agree
    assert [row.choice for row in r.outcome.sensitivity] == ["rho-retentive"] + ["seed"] * SEED_ROWS
    assert all(row.status == "verified-with-erratum" for row in r.outcome.sensitivity)
    assert r.outcome.sensitivity[0].value == pytest.approx(2 ** 0.25, rel=1e-6)  # its hardest instance's room


def test_hardest_instance_leaves_the_derived_room(outcome):
    """On the hardest instance found (n = 1, whitened one-hot law) the room is the relaxation's alone: 2^(1/6), the
    minimum the derivation proves; the search reaches it."""
    hard = outcome.by_id("bound-holds-hardest")
    assert hard.passed and hard.role == "decisive"
    assert hard.tightness["bound_over_measured"] == pytest.approx(2 ** (1 / 6), rel=1e-8)
    assert "n = 1" in hard.tightness["instance"] and "rho = 0.5" in hard.tightness["instance"]
    assert outcome.by_id("hardest-slack").passed
    assert float(derivation.SLACK_THETA) == pytest.approx(2 ** (1 / 6))


def test_derivation_holds_and_rejects_plants():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    bad = [n for n, ok, _ in derivation.derive(support_power=1).facts if not ok]
    assert bad == ["theta*^T u = gamma^(1/2) sqrt(u^T M^-1 u) (the closed form)"]
    bad = [n for n, ok, _ in derivation.derive(rank_power=1).facts if not ok]
    assert len(bad) == 1 and bad[0].startswith("last line")


def test_measured_exponents_tightness_and_errata(outcome):
    rank, n_exp = outcome.by_id("exponent-rank"), outcome.by_id("exponent-n")
    assert 0.45 < rank.value < 0.65 and rank.reference == pytest.approx(0.5)
    assert n_exp.value == pytest.approx(-0.5, abs=0.05)
    t = outcome.by_id("bound-holds").tightness
    assert 1 < t["bound_over_measured"] < t["trivial_bound"]
    assert outcome.by_id("cx-empirical").value == pytest.approx(0.834364, abs=1e-5)
    assert {e.location: (e.kind, e.evidence) for e in outcome.errata} == {
        "Appendix A.3.2, last display": ("proof", "cx-last-line"),
        "Theorem 3.4 (statement) and Appendix A.3.2 ('Rad(W_gamma, S) = E_S[Rad(W_gamma, S)]')": ("weakening", "cx-empirical"),
        "Section 3.3, definition of rho-retentive (and the hypothesis of Theorem 3.4)": ("hypothesis",
                                                                                         "cx-retentive-unbounded"),
        "Section 3.3, definition of rho-retentive": ("typo", "cx-shape"),
    }
    assert all(outcome.by_id(x.evidence).passed for x in outcome.errata)
    counter = [e for e in outcome.evidence if e.kind == "counterexample"]
    assert len(counter) == 5 and all(e.passed for e in counter)
    assert all(outcome.by_id(i).passed for i in POWER)  # every wrong version is rejected at this size
    assert not failed(outcome) and decide(outcome.evidence, outcome.errata) == "verified-with-erratum"
    assert isinstance(outcome.figures["rademacher-scaling"], Figure)


def _sqrt_p(g, rho, n, rank, p):
    return theorem_3_4_bound(g, rho, p, n)


def _printed_last_line(g, rho, n, rank, p):
    return printed_last_line(g, rho, rank, n)


@pytest.mark.parametrize("planted,decisive", [
    (_sqrt_p, "exponent-rank"),
    (_printed_last_line, "exponent-rank"),
    (lambda g, rho, n, rank, p: theorem_3_4_bound(g, rho, rank, n) / 2, "bound-holds"),
    (lambda g, rho, n, rank, p: theorem_3_4_bound(g, rho, rank, n) / 1.2, "bound-holds-hardest"),
], ids=["sqrt(p) for sqrt(rank)", "printed last line rank/sqrt(n)", "constant halved", "constant / 1.2"])
def test_planted_wrong_statement_is_refuted_by_its_decisive_evidence(planted, decisive):
    out = theorem_3_4.check(CTX, bound=planted)
    assert not out.by_id(decisive).passed
    assert out.status() == "refuted"


def test_uncentred_sigma_hat_is_rejected():
    out = theorem_3_4.check(CTX, covariance=second_moment)
    assert {"rank-intrinsic", "sigma-centred", "r2-centred"} <= failed(out)
    assert out.status() == "error"


@pytest.mark.parametrize("power", [2.0, 1.0 / 4])  # gamma sqrt(q) and gamma^(1/4) sqrt(q)
def test_wrong_closed_form_of_the_supremum_is_rejected_by_the_bruteforce(power):
    def wrong(U, M, gamma):
        return ellipsoid_support(U, M, gamma ** (2 * power))
    out = theorem_3_4.check(CTX, support=wrong)
    assert {"support-closed-form", "line-4"} <= failed(out)
    assert out.status() == "error"
