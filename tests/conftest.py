import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from mixverify.datasets import gaussian_data  # noqa: E402
from mixverify.models import linear_model, random_two_layer


@pytest.fixture(autouse=True, scope="session")
def _training_cache(tmp_path_factory):
    """Trained weights go to a cache private to this test session (never ~/.cache), shared by its tests."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MIXVERIFY_CACHE", str(tmp_path_factory.mktemp("training-cache")))
    yield
    mp.undo()


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def data(rng):
    """Small uncentred data set: X (8, 3), binary y, teacher theta (float64)."""
    return gaussian_data(8, 3, rng)


@pytest.fixture
def models(rng, data):
    X, y, theta = data
    return {
        "linear": linear_model(theta),
        "tanh": random_two_layer(3, 5, rng),
        "softplus": random_two_layer(3, 4, rng, activation=torch.nn.functional.softplus),
    }


def failed(result):
    """What failed, for a test's assertion message or comparison.

    A SymPy ``Derivation`` (it has ``facts``): the names of its facts that do not hold, in order (a list).
    An ``Outcome`` (it has ``evidence``): the ids -- the name where evidence has no id -- of the evidence whose
    ``passed`` is False (a set; evidence with ``passed=None`` is context and never fails).
    Import it in a test module with ``from conftest import failed``.
    """
    if hasattr(result, "facts"):
        return [fact[0] for fact in result.facts if not fact[1]]
    return set(result.failed())


_CLAIM_RESULTS: dict = {}


def run_claim_cached(claim, ctx):
    """``run_claim`` once per (claim, context) per test session: test_claims.py and each claim's own module read
    the same result (read-only) instead of running every check twice."""
    from mixverify.claim import run_claim

    key = (claim.id, ctx)
    if key not in _CLAIM_RESULTS:
        _CLAIM_RESULTS[key] = run_claim(claim, ctx)
    return _CLAIM_RESULTS[key]
