"""beyond-truncated-beta: the truncated law is the same objective for symmetric pairings; labels mixed with the raw
lambda are rejected."""

import numpy as np
import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import beyond_truncated_beta as derivation
from scipy import special

from mixverify.claim import Context
from mixverify.claims import beyond_truncated_beta as claim
from mixverify.mixup_practice import lower_half_rule, pairing_weights, truncated_lambda_quadrature

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(claim.CLAIM, CTX)


def test_verified(result):
    assert result.status == "verified", (result.error, failed(result.outcome))
    assert result.claim.section == "beyond" and result.scope.setting == "general"
    for id_ in ("equal-all-pairs", "equal-reversed", "gap-formula-roll", "cx-roll"):
        assert result.outcome.by_id(id_).role == "decisive" and result.outcome.by_id(id_).passed
    assert result.outcome.by_id("power-labels-untruncated").passed


def test_labels_mixed_with_raw_lambda_are_refuted():
    out = claim.check(CTX, label_weight=lambda t, raw: raw)
    assert out.by_id("equal-all-pairs").passed is False
    assert out.status() == "refuted"


def test_derivation_rejects_wrong_gap_orientation():
    assert all(ok for _, ok, *_ in derivation.derive().facts)
    assert not derivation.derive(gap_sign=-1).facts[2][1]


@pytest.mark.parametrize("a,b", [(0.2, 0.2), (1.0, 1.0), (0.5, 2.0), (3.0, 1.5)])
def test_truncated_rule_is_a_law_on_the_upper_half(a, b):
    t, w = truncated_lambda_quadrature(a, b, 24)
    assert np.all((t >= 0.5) & (t <= 1)) and np.all(w > 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-10)
    assert lower_half_rule(a, b, 24)[1].sum() == pytest.approx(special.betainc(a, b, 0.5), abs=1e-10)
    rng = np.random.default_rng(0)
    lam = rng.beta(a, b, 200_000)
    mc = np.maximum(lam, 1 - lam)
    assert abs(np.dot(w, t) - mc.mean()) < 4 * mc.std() / np.sqrt(mc.size)


def test_pairing_weights():
    assert pairing_weights(4, "all").sum().item() == pytest.approx(1.0)
    rev, roll = pairing_weights(4, "reversed"), pairing_weights(4, "roll")
    assert (rev == rev.T).all() and not (roll == roll.T).all()
    with pytest.raises(ValueError, match="pairing must be"):
        pairing_weights(4, "shuffle")
