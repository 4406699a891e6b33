"""beyond-lambda-per-example: exact variances against brute force; independent partners are rejected."""

import itertools

import numpy as np
import pytest
import sympy as sp
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import beyond_lambda_per_example as derivation

from mixverify.claim import Context
from mixverify.claims import beyond_lambda_per_example as claim
from mixverify.laws import Beta
from mixverify.mixup_practice import estimator_variances

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(claim.CLAIM, CTX)


def test_verified(result):
    assert result.status == "verified", (result.error, failed(result.outcome))
    assert result.claim.section == "beyond"
    for id_ in ("unbiased", "variance-formula", "neither-dominates", "cx-reversed-biased"):
        assert result.outcome.by_id(id_).passed
    assert result.outcome.by_id("power-iid-partners").passed


def test_independent_partners_are_refuted():
    out = claim.check(CTX, variances=lambda *a, **k: claim._iid_partners(estimator_variances(*a, **k)), batches=(32,))
    assert out.by_id("variance-formula").passed is False
    assert out.status() == "refuted"


def test_derivation_rejects_independent_partners():
    assert all(ok for _, ok, *_ in derivation.derive(sizes=(3,)).facts)
    bad = derivation.derive(factor=lambda m: sp.Rational(1, m), sizes=(3,)).facts
    assert not bad[0][1] and bad[1][1]  # Hoeffding's variance fails, the mean is unaffected


def test_fixed_pairing_is_its_own_brute_force():
    """The reversed pairing: the per-batch variance is Var over lambda of the batch mean, by direct sums."""
    rng = np.random.default_rng(3)
    m, K = 6, 5
    vals = torch.as_tensor(rng.normal(size=(m, m, K)))
    lam, w = Beta(0.5, 0.5).quadrature(K)
    rev = np.arange(m)[::-1]
    res = estimator_variances(vals, m, w, pairing=rev)
    est = vals[np.arange(m), rev.copy()].mean(0).numpy()  # (K,)
    mean = w @ est
    assert res.mean == pytest.approx(mean, abs=1e-14)
    assert res.var_batch == pytest.approx(w @ (est - mean) ** 2, abs=1e-14)
    grid = np.array(list(itertools.product(range(K), repeat=m)))
    per = vals[np.arange(m), rev.copy()].numpy()  # (m, K)
    e = per[np.arange(m)[None, :], grid].mean(1)
    wg = np.prod(np.asarray(w)[grid], axis=1)
    assert res.var_example == pytest.approx(wg @ e**2 - (wg @ e) ** 2, abs=1e-13)


def test_bad_inputs():
    with pytest.raises(ValueError, match="m must be at least 2"):
        estimator_variances(torch.zeros(1, 1, 2), 1, [0.5, 0.5])
    with pytest.raises(ValueError, match="pairing must be"):
        estimator_variances(torch.zeros(3, 3, 2), 3, [0.5, 0.5], pairing=[0, 0, 1])
