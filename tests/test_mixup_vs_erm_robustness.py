"""mixup-vs-erm-robustness: the criterion follows the rule on whatever the training gives, and exchanging the Mixup
and ERM models (the planted error) flips the decisive evidence.

Nothing here asserts a training outcome (which model is more robust); what is asserted holds for any numbers."""

import numpy as np
import pytest
from conftest import run_claim_cached
from mixverify.derivations import mixup_vs_erm_robustness as derivation

from mixverify.claim import Context, decide
from mixverify.claims import mixup_vs_erm_robustness as claim

MODELS = tuple(claim.MODELS)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(claim.CLAIM, Context(seed=0))


@pytest.fixture(scope="module")
def swapped(result):
    return claim.check(Context(seed=0), swap=True)  # the nets come from the training cache of `result`


def test_runs_with_decisive_and_power_evidence_per_model(result):
    assert result.status != "error", result.error
    out = result.outcome
    for mid in MODELS:
        assert out.by_id(f"adv-{mid}").role == "decisive"
        assert out.by_id(f"adv-{mid}-power").role == "power"
    assert result.scope.setting == "instances"
    assert result.status == decide(out.evidence, out.errata)


def test_implementation_checks_pass(result):
    for id_ in ("impl-batched", "impl-closed-form", "sympy-1"):
        assert result.outcome.by_id(id_).passed, result.outcome.by_id(id_)


@pytest.mark.parametrize("mid", MODELS)
def test_decisive_and_power_follow_the_paired_criterion(result, mid):
    dec, pw = result.outcome.by_id(f"adv-{mid}"), result.outcome.by_id(f"adv-{mid}-power")
    threshold = dec.tolerance  # t_(K-1, 0.995) * paired SE
    assert threshold > 0
    assert dec.passed == (dec.value > -threshold)
    assert pw.passed == (pw.value >= threshold)
    assert not (pw.passed and not dec.passed)


@pytest.mark.parametrize("mid", MODELS)
def test_planted_swap_negates_every_difference(result, swapped, mid):
    a, b = result.outcome.by_id(f"adv-{mid}"), swapped.by_id(f"adv-{mid}")
    assert b.value == pytest.approx(-a.value, rel=1e-12, abs=1e-15)
    assert b.tolerance == pytest.approx(a.tolerance, rel=1e-12)


def test_planted_swap_flips_the_significant_decisive_evidence(result, swapped):
    flipped = []
    for mid in MODELS:
        a = result.outcome.by_id(f"adv-{mid}")
        significant = abs(a.value) >= a.tolerance
        if significant:
            assert swapped.by_id(f"adv-{mid}").passed != a.passed, mid
            flipped.append(mid)
        else:
            assert swapped.by_id(f"adv-{mid}").passed and not swapped.by_id(f"adv-{mid}-power").passed
    # at the default size logistic regression is resolved (expected |z| ~ 8 against t = 2.81; module docstring)
    assert "logistic" in flipped


def test_paired_criterion_on_planted_differences():
    up = claim.paired([0.1, 0.12, 0.09, 0.11])
    assert up["not_contradicted"] and up["opposite_rejected"]
    down = claim.paired([-0.1, -0.12, -0.09, -0.11])
    assert not down["not_contradicted"] and not down["opposite_rejected"]
    flat = claim.paired([0.1, -0.1, 0.05, -0.04])
    assert flat["not_contradicted"] and not flat["opposite_rejected"]
    with pytest.raises(ValueError, match="at least 2"):
        claim.paired([0.1])


def test_closed_form_matches_both_end_points():
    import torch

    from mixverify.losses import eq2_loss

    rng = np.random.default_rng(3)
    theta = torch.as_tensor(rng.normal(size=4))
    X = torch.as_tensor(rng.normal(size=(16, 4)))
    y = torch.as_tensor(rng.integers(0, 2, size=16), dtype=X.dtype)
    eta = 0.7
    t = eta * float(theta.norm())
    u = X @ theta
    ends = torch.maximum(eq2_loss(u + t, y), eq2_loss(u - t, y))
    assert torch.allclose(claim.closed_form_adv_loss(theta, X, y, eta), ends, rtol=0, atol=1e3 * 2.2e-16)


def test_derivation_rejects_the_wrong_attack_direction():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    wrong = [name for name, ok, _ in derivation.derive(sign=-1).facts if not ok]
    assert len(wrong) == 2 and all("end point" in n for n in wrong)


def test_fit_rejects_an_unknown_method():
    with pytest.raises(ValueError, match="method"):
        claim.fit("sgd", (), *claim.data("moons", 0)[:2], steps=1, seed=0)
