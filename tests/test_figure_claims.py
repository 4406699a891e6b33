"""The empirical figure claims (figure-1a, figure-1b, figure-5 ... figure-8): roles, status and scope.

Every check here runs under the ``tiny`` preset (seconds; the runs are trained once per test session in its
private cache, see conftest.py, and shared with tests/test_claims.py). Under tiny the orderings are context
and the status is ``undecided``; ``decides=True`` gives the rows a deciding preset (smoke, paper) would make
decisive, on the same tiny runs, so the planted wrong statement (ERM and Mixup swapped) can be seen to flip
them. Which way a tiny run's orderings go depends on the CPU's rounding: no test here asserts it.
"""

from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.empirical import figures

from mixverify.claim import Context, decide
from mixverify.claims import CLAIMS, _empirical

HAVE_FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()
needs_fmnist = pytest.mark.skipif(not HAVE_FMNIST, reason="needs Debian's dataset-fashion-mnist")
CTX = Context(seed=0, preset="tiny")
FIGS = ("1a", "1b", "5", "6", "7", "8")
BY_ID = {c.id: c for c in CLAIMS}
PAPER_DATA = {"1a": "SVHN", "1b": "CIFAR-10", "5": "CIFAR-10", "6": "CIFAR-100", "7": "Fashion-MNIST",
              "8": "Kuzushiji-MNIST"}


def ordering_ids(fig_id: str) -> set[str]:
    """The ids of the figure's orderings (decisive under a deciding preset)."""
    if fig_id == "1a":
        return {"fgsm-mean"} | {f"fgsm-eps-{e}" for e in (1, 2, 4, 8, 16)}
    return {"gap-no-aug"} if fig_id == "1b" else {"gap-no-aug", "gap-aug"}


@cache
def outcome(fig_id: str, *, decides=None, swap=False):
    return _empirical.check(CTX, fig_id, decides=decides, swap=swap)


def fake_result(fig_id: str, preset: str, n_train: int, n_test: int):
    """A FigureResult with only what :func:`_empirical.scope` reads (no training)."""
    spec, p = figures.FIGURES[fig_id], figures.PRESETS[preset]
    images = SimpleNamespace(x_train=torch.empty(n_train, 0), x_test=torch.empty(n_test, 0))
    seeds = figures.training_seeds(p, 0)
    summary = {"kind": spec.kind, "training_seeds": seeds, "attack_images": min(p.attack_images, n_test)}
    return figures.FigureResult(spec, p, p.dataset or spec.dataset, summary, None, {}, [(t, images, {}) for t in seeds])


# --- scope (no training) ---------------------------------------------------------------------------

@pytest.mark.parametrize("fig_id", FIGS)
def test_static_scope_says_substitute_under_smoke(fig_id):
    scope = BY_ID[f"figure-{fig_id}"].scope
    assert scope.setting == "substitute"
    assert "default smoke preset" in scope.detail and "--preset paper --data-root" in scope.detail


@pytest.mark.parametrize("fig_id", FIGS)
def test_smoke_scope_names_what_stood_in_for_what(fig_id):
    smoke = figures.PRESETS["smoke"]
    s = _empirical.scope(fake_result(fig_id, "smoke", smoke.train_limit, smoke.test_limit))
    assert s.setting == "substitute" and s.detail.startswith("preset smoke: Fashion-MNIST")
    assert "not a reproduction" in s.detail and f"mixverify verify figure-{fig_id} --preset paper" in s.detail
    assert f"{smoke.train_limit} training / {smoke.test_limit} test images" in s.detail
    assert f"{smoke.epochs} epochs" in s.detail and f"mean of {smoke.seeds} training seeds" in s.detail
    if fig_id == "7":
        assert "Fashion-MNIST (the paper's data set)" in s.detail and "Debian's dataset-fashion-mnist" in s.detail
    else:
        assert f"standing in for the paper's {PAPER_DATA[fig_id]}" in s.detail and "--data-root DIR" in s.detail
    if fig_id == "1a":
        assert "WRN-16-1 (the paper: WRN-16-8)" in s.detail and "FGSM on 500 test images" in s.detail
        assert "also decide" not in s.detail  # its WRN runs serve no other figure
    else:
        assert "base width 8 (the paper: 64)" in s.detail
        others = [f"figure-{f}" for f in FIGS if f not in ("1a", fig_id)]
        assert all(o in s.detail for o in others), s.detail  # one training serves 1b and 5-8
    expected = {"1a": "train_32x32.mat", "1b": "cifar-10-batches-py", "5": "cifar-10-batches-py",
                "6": "cifar-100-python", "7": "FashionMNIST/raw", "8": "KMNIST/raw"}[fig_id]
    assert expected in s.detail


@pytest.mark.parametrize("fig_id", FIGS)
def test_paper_preset_scope_is_the_papers_setting(fig_id):
    s = _empirical.scope(fake_result(fig_id, "paper", 50000, 10000))
    assert s.setting == "paper" and s.detail.startswith(f"preset paper: {PAPER_DATA[fig_id]}")
    assert "not a reproduction" not in s.detail
    assert ("WRN-16-8 (the paper's)" if fig_id == "1a" else "base width 64 (the paper's)") in s.detail


# --- status under tiny, and what a deciding preset would decide -------------------------------------

@needs_fmnist
@pytest.mark.parametrize("fig_id", FIGS)
def test_tiny_preset_is_undecided(fig_id):
    r = run_claim_cached(BY_ID[f"figure-{fig_id}"], CTX)
    assert r.status == "undecided", (r.error, failed(r.outcome))
    assert not r.outcome.decisive()
    rows = {e.id: e for e in r.outcome.evidence if e.id in ordering_ids(fig_id)}
    assert set(rows) == ordering_ids(fig_id)
    assert all(e.role == "context" and e.passed is None and "decides nothing" in e.detail for e in rows.values())
    assert r.outcome.notes[-1].startswith("Undecided: no decisive evidence")
    assert any(n.startswith("Preset tiny only exercises the code") and "status is undecided" in n
               for n in r.outcome.notes)
    assert r.scope.setting == "substitute" and r.scope.detail.startswith("preset tiny (decides nothing")
    assert PAPER_DATA[fig_id] in r.scope.detail and "Fashion-MNIST" in r.scope.detail


@needs_fmnist
@pytest.mark.parametrize("fig_id", FIGS)
def test_a_deciding_preset_makes_the_orderings_decisive(fig_id):
    o = outcome(fig_id, decides=True)
    assert {e.id for e in o.decisive()} == ordering_ids(fig_id)
    assert all(e.passed in (True, False) for e in o.decisive())
    impl = {e.id for e in o.evidence if e.role == "implementation"}
    assert impl and not failed(o) & impl, failed(o)
    assert o.status() == decide(o.evidence, o.errata) in ("verified", "refuted")


# --- planted errors ----------------------------------------------------------------------------------

@needs_fmnist
@pytest.mark.parametrize("fig_id", FIGS)
def test_swapping_erm_and_mixup_flips_every_decisive_ordering(fig_id):
    """The planted wrong statement "ERM is more robust / generalizes better than Mixup": every strict
    ordering flips; each per-eps band row's value changes sign with the same band; one of the two statuses is
    refuted whichever way the tiny run went."""
    real, swapped = outcome(fig_id, decides=True), outcome(fig_id, decides=True, swap=True)
    for id_ in ordering_ids(fig_id):
        a, b = real.by_id(id_), swapped.by_id(id_)
        assert b.role == "decisive"
        if id_.startswith("fgsm-eps-"):  # Mixup - ERM >= -4 SE: value negated, same band
            assert b.value == pytest.approx(-a.value, abs=1e-6) and b.tolerance == a.tolerance
        else:  # strict orderings: value and reference exchanged, the verdict flips (unless an exact tie)
            assert (b.value, b.reference) == (a.reference, a.value)
            assert a.value == a.reference or b.passed != a.passed
    assert "refuted" in (real.status(), swapped.status())


@needs_fmnist
def test_a_wrong_recomputed_loss_is_an_error():
    o = _empirical.check(CTX, "7", loss=lambda out, y: out.sum())  # sum of logits, not the cross-entropy
    assert not o.by_id("loss-erm-seed-0").passed and not o.by_id("loss-mixup-aug-seed-1").passed
    assert o.status() == "error"


@needs_fmnist
def test_a_sign_flipped_fgsm_is_an_error():
    assert outcome("1a").by_id("fgsm-identity").passed

    def flipped(f, X, y, eps, **kw):  # a step down the gradient, not up
        from mixverify.attacks import fgsm
        return 2 * X - fgsm(f, X, y, eps, **kw)

    o = _empirical.check(CTX, "1a", attack=flipped)
    assert not o.by_id("fgsm-identity").passed and o.status() == "error"
