import hashlib
import pickle
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from mixverify.datasets import gaussian_data  # noqa: E402
from mixverify.models import linear_model, random_two_layer


def _session_root(config, tmp_path_factory) -> Path:
    """A directory shared by every pytest-xdist worker of this test session (the parent of the workers' own base
    temporary directories), or this process's own when the tests are not distributed."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


# The order in which pytest-xdist hands out test files (tox: --dist loadfile --no-loadscope-reorder): the longest first
# (seconds on 2 cores, with the claim each computes, from `pytest --durations`), so that the many short files fill in at
# the end and both workers finish together; test_claims.py after the files that compute the slow claims (each claim's
# module computes it, run_claim_cached), so that it reads them instead of waiting on a claim the other worker computes.
LONGEST_FIRST = ("test_figure_3.py", "test_runs.py", "test_mixup_vs_erm_robustness.py", "test_figure_claims.py",
                 "test_figure_4.py", "test_figure_3_values.py", "test_figure_2.py", "test_eq_4.py", "test_theorem_3_2.py",
                 "test_lemma_3_1.py", "test_corollary_3_1.py", "test_assumption_3_1.py", "test_claims.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=rank)  # stable: the tests of a file keep their order, the other files theirs


@pytest.fixture(autouse=True, scope="session")
def _training_cache(request, tmp_path_factory):
    """Trained weights go to a cache private to this test session (never ~/.cache), shared by its tests and its
    workers (writes are atomic, so two workers training the same model both leave the same file); so do the claim
    results of :func:`run_claim_cached`."""
    global _RESULTS_DIR
    root = _session_root(request.config, tmp_path_factory)
    cache, _RESULTS_DIR = root / "training-cache", root / "claim-results"
    for d in (cache, _RESULTS_DIR):
        d.mkdir(exist_ok=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("MIXVERIFY_CACHE", str(cache))
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
_RESULTS_DIR: Path | None = None


def run_claim_cached(claim, ctx):
    """``run_claim`` once per (claim, context) per test session, across pytest-xdist workers: test_claims.py and each
    claim's own module read the same result (read-only) instead of running every check twice. The first worker to ask
    computes it under a file lock and pickles it; the others wait for it and load it."""
    from filelock import FileLock

    from mixverify.claim import run_claim
    from mixverify.io import atomic_path

    key = (claim.id, ctx)
    if key not in _CLAIM_RESULTS:
        if _RESULTS_DIR is None:  # outside a test session's fixtures
            _CLAIM_RESULTS[key] = run_claim(claim, ctx)
            return _CLAIM_RESULTS[key]
        path = _RESULTS_DIR / f"{claim.id}-{hashlib.sha256(repr(ctx).encode()).hexdigest()[:16]}.pkl"
        with FileLock(str(path) + ".lock"):
            if path.exists():
                _CLAIM_RESULTS[key] = pickle.loads(path.read_bytes())
            else:
                _CLAIM_RESULTS[key] = run_claim(claim, ctx)
                with atomic_path(path) as tmp:
                    tmp.write_bytes(pickle.dumps(_CLAIM_RESULTS[key]))
    return _CLAIM_RESULTS[key]
