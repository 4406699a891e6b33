"""theorem-3.1 on random data sets; its missing hypothesis; planted wrong radii are rejected."""

import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_3_1 as derivation

from mixverify.adversarial import mixup_attack_radii
from mixverify.claim import Context, decide
from mixverify.claims import theorem_3_1

CTX = Context(seed=0)


def planted(kind):
    def radii(f, X, alpha, beta):
        r = mixup_attack_radii(f, X, alpha, beta)
        if kind == "c_x = max":
            scale = X.norm(dim=1).max() / X.norm(dim=1).min()
            r = {**r, "c_x": r["c_x"] * scale, "eps_i": r["eps_i"] * scale, "eps_min": r["eps_min"] * scale}
        elif kind == "R = max R_i":
            r = {**r, "eps_min": r["eps_i"].max()}
        elif kind == "doubled":  # the statement with its constant off by 2
            r = {**r, "eps_i": 2 * r["eps_i"], "eps_min": 2 * r["eps_min"]}
        elif kind == "moments of D_lambda":  # E[1 - lam] under Beta(alpha, beta) is beta / (alpha + beta)
            ratio = (beta / (alpha + beta)) / (2 * alpha * beta / ((alpha + beta) * (alpha + beta + 1)))
            r = {**r, "eps_i": r["eps_i"] * ratio, "eps_min": r["eps_min"] * ratio}
        return r
    return radii


@pytest.mark.parametrize("kind,which", [
    ("c_x = max", "bound-holds"),
    ("R = max R_i", "radius-order"),
    ("moments of D_lambda", "bound-holds"),
    ("doubled", "bound-holds"),
])
def test_planted_wrong_radii_fail_the_decisive_evidence(kind, which):
    out = theorem_3_1.check(CTX, radii=planted(kind), datasets=30, search=30)
    assert out.by_id(which).passed is False, kind
    assert decide(out.evidence, out.errata) == "refuted"


def test_verified_with_erratum_on_centred_data():
    out = run_claim_cached(theorem_3_1.CLAIM, CTX).outcome  # the result test_claims.py reads: computed once
    assert not failed(out)
    # the inequality chain: both inequalities, and the two proof steps that lower-bound R1 and R2 (A.2.2)
    assert {e.id for e in out.decisive()} == {"bound-holds", "radius-order", "step-r1", "step-r2", "bound-hardest",
                                              "bound-min-hardest"}
    assert out.by_id("bound-holds").tightness["smallest_bound_over_measured"] >= 1
    # the power checks: a doubled radius and a radius without R_i are rejected by the same criterion
    assert out.by_id("power-2").passed and out.by_id("power-c_x").passed
    kinds = {x.kind: x.evidence for x in out.errata}
    assert kinds == {"hypothesis": "cx-uncentred", "typo": "cx-eq11"}
    for x in out.errata:
        assert out.by_id(x.evidence).passed
    assert out.by_id("cx-not-in-theta").passed
    assert decide(out.evidence, out.errata) == "verified-with-erratum"
    assert theorem_3_1.CLAIM.scope.setting == "instances"


@pytest.mark.parametrize("seed", [0, 17])
def test_the_search_finds_the_tight_instance_and_the_wrong_radii_fail_there(seed):
    from mixverify.adversarial import mixup_attack_radii
    hardest = theorem_3_1._hardest(Context(seed=seed).rng(312), mixup_attack_radii)
    worst = hardest["eps_i"][0]
    # equal norms (A.2.2's c_x step is an equality) and the weakest signal: the bound is tight to 1e-3
    assert worst["instance"].startswith("equal norms") and "mean |theta^T x_i| = 0.001" in worst["instance"]
    assert 1 <= worst["ratio1"] < 1.001 and worst["slack1"] > 0
    # there the doubled radius uses twice the trivial margin: a statement shown false, whatever the seed
    assert worst["wrong_left"]["2 eps_i (a constant off by 2)"] == pytest.approx(-1, abs=0.01)
    assert worst["wrong"]["2 eps_i (a constant off by 2)"] < 0 and worst["wrong"]["c_x E[1 - lambda] (R_i dropped)"] < 0
    assert worst["closed_form_error"] < 1e-12


def test_closed_form_matches_the_library():
    import numpy as np
    theta, X, y, alpha, beta = theorem_3_1.random_case(np.random.default_rng(5))
    lhs, mid, low, _ = theorem_3_1.sides(theta, X, y, alpha, beta)
    closed = theorem_3_1.closed_form(theta.numpy(), X.numpy(), y.numpy(), alpha, beta)
    assert closed[:3] == pytest.approx((lhs, mid, low), abs=1e-12)


def test_non_binary_labels_are_refused():
    X = torch.randn(5, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="y must be 0 or 1"):
        theorem_3_1.sides(torch.ones(2, dtype=torch.float64), X, torch.full((5,), 0.5, dtype=torch.float64), 1.0, 1.0)


def test_derivation():
    assert not [n for n, ok, _ in derivation.derive().facts if not ok]
