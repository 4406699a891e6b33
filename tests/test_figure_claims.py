"""The empirical figure claims (figure-1a, figure-1b, figure-5 ... figure-8): roles, status, scope, sensitivity.

Every check here runs under the ``tiny`` preset (seconds; the runs are trained once per test session in its
private cache, see conftest.py, and shared with tests/test_claims.py). Under tiny the orderings are context
and the status is ``undecided``; ``decides=True`` gives the rows a deciding preset (smoke, paper) would make
decisive, on the same tiny runs, so the planted wrong statement (ERM and Mixup swapped) can be seen to flip
them. Which way a tiny run's orderings go depends on the CPU's rounding: no test here asserts it. Where a test
needs a known answer (a significant ordering, a one-seed run, a data set that was or was not run) it runs the
claim's own check on fake runs (:func:`fake_result`: tiny linear models whose logged metrics are chosen).
"""

from functools import cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.empirical import figures
from torch import nn
from torch.nn import functional as F

from mixverify.claim import Context, Outcome, decide
from mixverify.claims import CLAIMS, _empirical

HAVE_FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()
needs_fmnist = pytest.mark.skipif(not HAVE_FMNIST, reason="needs Debian's dataset-fashion-mnist")
CTX = Context(seed=0, preset="tiny")
SMOKE = Context(seed=0)
FIGS = ("1a", "1b", "5", "6", "7", "8")
BY_ID = {c.id: c for c in CLAIMS}
PAPER_DATA = {"1a": "SVHN", "1b": "CIFAR-10", "5": "CIFAR-10", "6": "CIFAR-100", "7": "Fashion-MNIST",
              "8": "Kuzushiji-MNIST"}


def ordering_ids(fig_id: str) -> set[str]:
    """The ids of the figure's orderings (decisive under a deciding preset)."""
    if fig_id == "1a":
        return {"fgsm-mean"} | {f"fgsm-eps-{e}" for e in (1, 2, 4, 8, 16)}
    return {"gap-no-aug", "test-acc-no-aug"} if fig_id == "1b" else {"gap-no-aug", "gap-aug"}


def power_ids(fig_id: str) -> set[str]:
    """The ids of the power rows (with two or more training seeds): the opposite ordering rejected."""
    return {"fgsm-mean-power"} if fig_id == "1a" else {f"{i}-power" for i in ordering_ids(fig_id)}


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


def fake_runs(fig_id: str, dataset: str, numbers: dict):
    """A generalization FigureResult under the smoke preset on ``dataset``, no training: per training seed t and
    label (erm, mixup, erm+aug, mixup+aug), ``numbers[label][t] = (gap, test accuracy)`` are logged for 4 epochs by a
    tiny linear model whose logged test loss is its real one (so the recomputed-loss checks pass)."""
    spec, p = figures.FIGURES[fig_id], figures.PRESETS["smoke"]
    seeds = range(len(next(iter(numbers.values()))))
    groups = []
    for t in seeds:
        g = torch.Generator().manual_seed(t)
        x = torch.randint(0, 256, (16, 1, 2, 2), generator=g, dtype=torch.uint8)
        y = torch.randint(0, 3, (16,), generator=g)
        images = SimpleNamespace(x_train=x, y_train=y, x_test=x, y_test=y)
        runs = {}
        for i, (label, per_seed) in enumerate(numbers.items()):
            torch.manual_seed(10 * t + i)
            model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3)).eval()
            with torch.no_grad():
                test_loss = float(F.cross_entropy(model(x.float() / 255), y))
            gap, acc = per_seed[t]
            runs[label] = SimpleNamespace(model=model, metrics=[
                {"epoch": e + 1, "train_loss": test_loss - gap, "test_loss": test_loss, "gap": gap, "train_acc": 0.9,
                 "test_acc": acc} for e in range(4)])
        groups.append((t, images, runs))
    return figures.FigureResult(spec, p, dataset, figures._generalization(groups), Figure(), {}, groups)


#: ERM and Mixup on 3 training seeds, Mixup clearly ahead on both gap and test accuracy, without and with
#: augmentation (z about 20: significant at 99 % with K = 3, t = 9.92).
AHEAD = {"erm": [(0.30, 0.80), (0.32, 0.79), (0.31, 0.81)], "mixup": [(0.10, 0.85), (0.11, 0.84), (0.12, 0.86)]}
AHEAD_AUG = {"erm+aug": [(0.20, 0.82), (0.21, 0.81), (0.19, 0.83)], "mixup+aug": [(0.05, 0.86), (0.06, 0.85), (0.05, 0.87)]}


def patch_runs(monkeypatch, results: dict):
    """``_empirical.run`` (what every figure check and mixup-generalization-gap train or load) returns the fake
    ``results[fig_id]()`` (a fresh one per call), swapped as the real one when asked."""
    def run(ctx, fig_id, *, swap=False):
        r = results[fig_id]()
        return _empirical._swapped(r) if swap else r
    monkeypatch.setattr(_empirical, "run", run)


# --- scope (no training) ---------------------------------------------------------------------------

@pytest.mark.parametrize("fig_id", FIGS)
def test_static_scope_says_substitute_under_smoke(fig_id):
    scope = BY_ID[f"figure-{fig_id}"].scope
    assert scope.setting == "substitute"
    assert "default smoke preset" in scope.detail and "--preset paper --data-root" in scope.detail
    assert ("status undecided there" in scope.detail) == (fig_id != "7")


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
        assert "undecided" not in s.detail
    else:
        assert f"standing in for the paper's {PAPER_DATA[fig_id]}" in s.detail and "--data-root DIR" in s.detail
        assert "undecided: a figure is decided on its own data set only" in s.detail
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
    assert "not a reproduction" not in s.detail and "undecided" not in s.detail
    assert ("WRN-16-8 (the paper's)" if fig_id == "1a" else "base width 64 (the paper's)") in s.detail


# --- status under tiny, and what a deciding preset would decide -------------------------------------

@needs_fmnist
@pytest.mark.parametrize("fig_id", FIGS)
def test_tiny_preset_is_undecided(fig_id):
    r = run_claim_cached(BY_ID[f"figure-{fig_id}"], CTX)
    assert r.status == "undecided", (r.error, failed(r.outcome))
    assert not r.outcome.decisive()
    rows = {e.id: e for e in r.outcome.evidence if e.id in ordering_ids(fig_id) | power_ids(fig_id)}
    assert set(rows) == ordering_ids(fig_id) | power_ids(fig_id)  # tiny trains 2 seeds: a t-interval
    assert all(e.role == "context" and e.passed is None and "decides nothing" in e.detail for e in rows.values())
    assert all("99 % t-interval over 2 training seeds" in e.detail for e in rows.values())
    assert r.outcome.notes[-1].startswith("Undecided: no decisive evidence")
    assert any(n.startswith("Preset tiny only exercises the code") and "status is undecided" in n
               for n in r.outcome.notes)
    assert r.scope.setting == "substitute" and r.scope.detail.startswith("preset tiny (decides nothing")
    assert PAPER_DATA[fig_id] in r.scope.detail and "Fashion-MNIST" in r.scope.detail
    # the sensitivity table: each training seed alone (a finding), and 1b read with augmentation (admissible)
    seeds = [x for x in r.outcome.sensitivity if x.choice == "training seed"]
    assert [x.setting for x in seeds] == ["0", "1"] and all(not x.admissible and x.status == "undecided" for x in seeds)
    aug = [x for x in r.outcome.sensitivity if x.choice == "augmentation"]
    assert len(aug) == (fig_id == "1b") and all(x.admissible and x.status == "undecided" for x in aug)


@needs_fmnist
@pytest.mark.parametrize("fig_id", FIGS)
def test_a_deciding_preset_makes_the_orderings_decisive(fig_id):
    o = outcome(fig_id, decides=True)
    assert {e.id for e in o.decisive()} == ordering_ids(fig_id)
    assert {e.id for e in o.evidence if e.role == "power"} == power_ids(fig_id)
    assert all(e.passed in (True, False) for e in o.decisive())
    impl = {e.id for e in o.evidence if e.role == "implementation"}
    assert impl and not failed(o) & impl, failed(o)
    assert o.status() in ("verified", "refuted", "uninformative", "design-dependent")
    assert decide(o.evidence, o.errata) in ("verified", "refuted", "uninformative")


def test_smoke_undecided_where_the_papers_data_set_was_not_run(monkeypatch):
    """Figure 5 is about CIFAR-10: on smoke's Fashion-MNIST it is undecided, whatever the numbers (here Mixup is
    significantly ahead), with the numbers as context; on CIFAR-10 the same numbers decide it."""
    numbers = {**AHEAD, **AHEAD_AUG}
    patch_runs(monkeypatch, {"5": lambda: fake_runs("5", "fashion-mnist", numbers)})
    o = _empirical.check(SMOKE, "5")
    assert o.status() == "undecided" and not o.decisive()
    rows = [o.by_id(i) for i in ordering_ids("5") | power_ids("5")]
    assert all(e.role == "context" and e.passed is None for e in rows)
    assert all("Figure 5 is about CIFAR-10; preset smoke ran Fashion-MNIST in its place" in e.detail for e in rows)
    assert o.notes[0].startswith("Figure 5 is about CIFAR-10") and "status is undecided" in o.notes[0]
    assert "undecided: a figure is decided on its own data set only" in o.scope.detail
    patch_runs(monkeypatch, {"5": lambda: fake_runs("5", "cifar10", numbers)})
    assert _empirical.check(SMOKE, "5").status() == "verified"


def test_one_training_seed_decides_by_the_runs_ordering(monkeypatch):
    """With one training seed (as under the paper preset) there is no spread: the strict ordering decides, no
    power row, no seed rows."""
    one = {label: v[:1] for label, v in {**AHEAD, **AHEAD_AUG}.items()}
    patch_runs(monkeypatch, {"7": lambda: fake_runs("7", "fashion-mnist", one)})
    o = _empirical.check(SMOKE, "7")
    assert {e.id for e in o.decisive()} == ordering_ids("7") and not [e for e in o.evidence if e.role == "power"]
    assert o.by_id("gap-no-aug").value == pytest.approx(0.30 - 0.10)
    assert "one training seed: no spread between seeds" in o.by_id("gap-no-aug").detail
    assert o.status() == "verified" and o.sensitivity == []
    swapped = _empirical.check(SMOKE, "7", swap=True)
    assert not swapped.by_id("gap-no-aug").passed and swapped.status() == "refuted"


def test_seed_rows_are_findings_by_the_one_run_criterion(monkeypatch):
    """Each training seed alone by its strict ordering: not admissible, so a seed that reverses an ordering is
    shown and does not move the status (the t-interval over the seeds decides)."""
    mixed = {"erm": [(0.30, 0.8), (0.30, 0.8), (0.10, 0.8)], "mixup": [(0.10, 0.8), (0.12, 0.8), (0.20, 0.8)],
             **AHEAD_AUG}
    patch_runs(monkeypatch, {"7": lambda: fake_runs("7", "fashion-mnist", mixed)})
    o = _empirical.check(SMOKE, "7")
    rows = {x.setting: x for x in o.sensitivity}
    assert set(rows) == {"0", "1", "2"} and all(x.choice == "training seed" and not x.admissible for x in rows.values())
    assert (rows["0"].status, rows["1"].status, rows["2"].status) == ("verified", "verified", "refuted")
    assert rows["2"].value.startswith("gap-no-aug -0.1000") and "one seed does not decide" in rows["2"].detail
    # mean +0.093, SE 0.097 with K = 3 (t SE = 0.96): neither significantly ahead nor behind
    assert o.by_id("gap-no-aug").passed and not o.by_id("gap-no-aug-power").passed
    assert o.status() == "uninformative"


def test_figure_1b_reads_both_sentences_and_both_augmentations(monkeypatch):
    """1b: "better test performance" (test accuracy) and "good generalization" (gap) both decide; read with
    augmentation (an admissible reading: the paper names neither data set nor augmentation), on figure-5's runs,
    ERM's accuracy significantly ahead makes that row refuted, so 1b is design-dependent."""
    behind_aug = {"erm+aug": [(0.20, 0.86), (0.21, 0.85), (0.19, 0.87)],
                  "mixup+aug": [(0.05, 0.82), (0.06, 0.81), (0.05, 0.83)]}
    patch_runs(monkeypatch, {"1b": lambda: fake_runs("1b", "cifar10", AHEAD),
                             "5": lambda: fake_runs("5", "cifar10", {**AHEAD, **behind_aug})})
    o = _empirical.check(SMOKE, "1b")
    assert o.by_id("test-acc-no-aug").passed and o.by_id("test-acc-no-aug-power").passed
    assert o.by_id("test-acc-no-aug").value == pytest.approx(0.05)
    assert o.headline_status() == "verified"
    (aug,) = [x for x in o.sensitivity if x.choice == "augmentation"]
    assert aug.admissible and aug.status == "refuted" and "test-acc-aug -0.0400" in aug.value
    assert o.status() == "design-dependent"


# --- planted errors ----------------------------------------------------------------------------------

@needs_fmnist
@pytest.mark.parametrize("fig_id", FIGS)
def test_swapping_erm_and_mixup_flips_every_decisive_ordering(fig_id):
    """The planted wrong statement "ERM is more robust / generalizes better than Mixup" on the tiny runs: every
    per-seed difference changes sign, so each row's value is negated with the same band, and the decisive row of
    one is the power row of the other turned round (Mixup not significantly behind <=> the swapped opposite not
    rejected)."""
    real, swapped = outcome(fig_id, decides=True), outcome(fig_id, decides=True, swap=True)
    for id_ in ordering_ids(fig_id) | power_ids(fig_id):
        a, b = real.by_id(id_), swapped.by_id(id_)
        assert b.role == a.role and b.value == pytest.approx(-a.value, abs=1e-9) and b.tolerance == a.tolerance
    for id_ in power_ids(fig_id):
        decisive = id_.removesuffix("-power")
        assert real.by_id(decisive).passed != swapped.by_id(id_).passed
        assert swapped.by_id(decisive).passed != real.by_id(id_).passed


def test_swapping_a_significant_generalization_figure_refutes_it(monkeypatch):
    """The planted wrong statement on runs where Mixup is significantly ahead: decisive rows reject it by id."""
    patch_runs(monkeypatch, {"7": lambda: fake_runs("7", "fashion-mnist", {**AHEAD, **AHEAD_AUG})})
    real, swapped = _empirical.check(SMOKE, "7"), _empirical.check(SMOKE, "7", swap=True)
    assert real.status() == "verified" and swapped.status() == "refuted"
    assert not swapped.by_id("gap-no-aug").passed and not swapped.by_id("gap-aug").passed


def fgsm_summary(extra_per_seed):
    """A robustness summary of 3 training seeds on 200 images each: ERM keeps the first 100 - 15 k images at the
    k-th eps, Mixup ``extra`` more (negative: fewer) on training seed t."""
    eps = list(figures.DEFAULT_EPS)
    per_seed, pooled = [], {"erm": [], "mixup": []}
    for t, extra in enumerate(extra_per_seed):
        hits = {label: np.zeros((len(eps), 200)) for label in ("erm", "mixup")}
        for k in range(len(eps)):
            hits["erm"][k, :100 - 15 * k] = 1
            hits["mixup"][k, :100 - 15 * k + extra] = 1
        per_seed.append({"seed": t, **figures._fgsm_stats(hits, eps)})
        for label in pooled:
            pooled[label].append(hits[label])
    pooled = figures._fgsm_stats({label: np.concatenate(h, axis=1) for label, h in pooled.items()}, eps)
    return figures._robustness_summary(pooled, per_seed, 200)


def test_figure_1a_criterion_on_known_accuracies():
    """Mixup ahead by 9-11 images in 200 at every eps on each seed: verified; the swap (ERM ahead): refuted by
    every decisive row; one seed behind, two ahead: not significant (uninformative)."""
    ahead = decided(fgsm_summary([18, 20, 22]))
    assert ahead.status() == "verified" and ahead.by_id("fgsm-mean").value == pytest.approx(0.1)
    behind = decided(fgsm_summary([-18, -20, -22]))
    assert behind.status() == "refuted" and not any(e.passed for e in behind.decisive())
    mixed = decided(fgsm_summary([-10, 20, 30]))
    assert mixed.status() == "uninformative" and not mixed.by_id("fgsm-mean-power").passed
    s = fgsm_summary([18, 20, 22])
    assert s["holds"] and not fgsm_summary([-10, 20, 30])["holds"]


def decided(summary) -> Outcome:
    """The outcome of a figure's orderings alone (what its check decides on) for a summary."""
    return Outcome(evidence=_empirical.orderings(summary))


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
