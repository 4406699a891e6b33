"""beyond-soft-target-ce: verified; swapped weights in the statement are rejected by its decisive evidence."""

import pytest
import sympy as sp
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import beyond_soft_target_ce as derivation

from mixverify.claim import Context
from mixverify.claims import beyond_soft_target_ce as claim
from mixverify.mixup_practice import mixed_soft_target, soft_target_cross_entropy, two_cross_entropies

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(claim.CLAIM, CTX)


def test_verified(result):
    assert result.status == "verified", (result.error, failed(result.outcome))
    assert result.claim.section == "beyond" and result.scope.setting == "general"
    for id_ in ("soft-equals-two-ce", "grad-soft-equals-two-ce", "cx-focal", "cx-squared-prob"):
        assert result.outcome.by_id(id_).role == "decisive" and result.outcome.by_id(id_).passed
    assert result.outcome.by_id("power-swapped-weights").passed


def test_swapped_weights_are_refuted():
    def swapped(z, ya, yb, lam, smoothing):
        return two_cross_entropies(z, ya, yb, 1 - lam, smoothing)

    out = claim.check(CTX, two_losses=swapped)
    assert out.by_id("soft-equals-two-ce").passed is False
    assert out.by_id("grad-soft-equals-two-ce").passed is False
    assert out.status() == "refuted"


def test_derivation_rejects_swapped_weights():
    lam = sp.Symbol("lambda", real=True)
    assert all(ok for _, ok, *_ in derivation.derive().facts)
    assert not derivation.derive(weights=(1 - lam, lam)).facts[0][1]


def test_timm_recipe_equals_mixup_cifar10_recipe():
    """A batch as timm builds it (one lambda, batch flipped, smoothing 0.1) against mixup-cifar10's criterion."""
    g = torch.Generator().manual_seed(0)
    z = torch.randn(8, 5, generator=g, dtype=torch.float64)
    y = torch.randint(0, 5, (8,), generator=g)
    soft = soft_target_cross_entropy(z, mixed_soft_target(y, y.flip(0), 0.3, 5, 0.1))
    two = two_cross_entropies(z, y, y.flip(0), 0.3, 0.1)
    torch.testing.assert_close(soft, two, rtol=0, atol=1e-14)
