"""mixup-generalization-gap: Mixup's generalization gap below ERM's, decided on the figures' runs.

Under ``tiny`` (the runs trained once per test session, shared with test_figure_claims.py and test_claims.py)
it is undecided; ``decides=True`` shows the rows a deciding preset makes decisive. Known answers (a significant
ordering either way, augmentation disagreeing with the headline) come from the claim's own check on fake runs
(test_figure_claims.fake_runs: tiny linear models whose logged gaps are chosen).
"""

from functools import cache
from pathlib import Path

import pytest
from conftest import failed, run_claim_cached
from test_figure_claims import AHEAD, AHEAD_AUG, SMOKE, fake_runs, patch_runs

from mixverify.claim import Context
from mixverify.claims import CLAIMS, mixup_generalization_gap

HAVE_FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()
needs_fmnist = pytest.mark.skipif(not HAVE_FMNIST, reason="needs Debian's dataset-fashion-mnist")
TINY = Context(seed=0, preset="tiny")
CLAIM = mixup_generalization_gap.CLAIM


@cache
def outcome(*, decides=None, swap=False):
    return mixup_generalization_gap.check(TINY, decides=decides, swap=swap)


def test_registered_after_the_figures():
    ids = [c.id for c in CLAIMS]
    assert ids.index("mixup-generalization-gap") == ids.index("figure-8") + 1
    assert CLAIM.scope.setting == "instances" and not CLAIM.random and CLAIM.section == "paper"


@needs_fmnist
def test_tiny_preset_is_undecided():
    r = run_claim_cached(CLAIM, TINY)
    assert r.status == "undecided", (r.error, failed(r.outcome))
    assert not r.outcome.decisive()
    for id_ in ("gap-no-aug", "gap-no-aug-power"):
        e = r.outcome.by_id(id_)
        assert e.role == "context" and e.passed is None and "decides nothing" in e.detail
    assert {e.id for e in r.outcome.evidence if e.id.startswith("loss-")} == {
        f"loss-{label}-seed-{t}" for label in ("erm", "mixup", "erm-aug", "mixup-aug") for t in (0, 1)}
    assert r.scope.setting == "instances" and r.scope.detail.startswith("preset tiny (decides nothing")
    assert "the training runs of figure-7 (no training of its own)" in r.scope.detail
    rows = r.outcome.sensitivity
    assert [(x.choice, x.setting, x.admissible) for x in rows[:1]] == [("augmentation", "with (standard augmentation)",
                                                                       True)]
    assert {x.setting for x in rows[1:]} == {f"{t} ({a} augmentation)" for t in (0, 1) for a in ("with", "without")}
    assert all(x.choice == "training seed" and not x.admissible for x in rows[1:])
    assert all(x.status == "undecided" for x in rows)


@needs_fmnist
def test_a_deciding_preset_makes_the_gap_decisive():
    o = outcome(decides=True)
    assert [e.id for e in o.decisive()] == ["gap-no-aug"]
    assert [e.id for e in o.evidence if e.role == "power"] == ["gap-no-aug-power"]
    assert all(e.passed for e in o.evidence if e.role == "implementation"), failed(o)
    assert o.headline_status() in ("verified", "refuted", "uninformative")


@needs_fmnist
def test_swapping_erm_and_mixup_negates_every_difference():
    """The planted wrong statement "ERM's gap is smaller" on the tiny runs: the value of each row changes sign with
    the same band, and decisive and power rows trade places."""
    real, swapped = outcome(decides=True), outcome(decides=True, swap=True)
    for id_ in ("gap-no-aug", "gap-no-aug-power", "test-acc-no-aug", "test-acc-aug"):
        a, b = real.by_id(id_), swapped.by_id(id_)
        assert b.value == pytest.approx(-a.value, abs=1e-9) and b.tolerance == a.tolerance
    assert real.by_id("gap-no-aug").passed != swapped.by_id("gap-no-aug-power").passed
    assert swapped.by_id("gap-no-aug").passed != real.by_id("gap-no-aug-power").passed


def test_significant_runs_verify_and_the_planted_swap_is_refuted(monkeypatch):
    patch_runs(monkeypatch, {"7": lambda: fake_runs("7", "fashion-mnist", {**AHEAD, **AHEAD_AUG})})
    real = mixup_generalization_gap.check(SMOKE)
    assert real.status() == "verified" and real.by_id("gap-no-aug").value == pytest.approx(0.2)
    swapped = mixup_generalization_gap.check(SMOKE, swap=True)
    assert not swapped.by_id("gap-no-aug").passed and swapped.status() == "refuted"
    (aug,) = [x for x in swapped.sensitivity if x.choice == "augmentation"]
    assert aug.status == "refuted" and aug.value == pytest.approx(-0.1466667, abs=1e-6)


def test_augmentation_that_cannot_tell_makes_it_design_dependent(monkeypatch):
    """Significant without augmentation, not with it (one seed reversed): the admissible augmentation row says
    uninformative, so the status is design-dependent; a seed row that reverses the ordering is a finding only."""
    unclear = {"erm+aug": [(0.20, 0.8), (0.20, 0.8), (0.05, 0.8)], "mixup+aug": [(0.05, 0.8), (0.06, 0.8), (0.10, 0.8)]}
    patch_runs(monkeypatch, {"7": lambda: fake_runs("7", "fashion-mnist", {**AHEAD, **unclear})})
    o = mixup_generalization_gap.check(SMOKE)
    assert o.headline_status() == "verified" and o.status() == "design-dependent"
    rows = {(x.choice, x.setting): x for x in o.sensitivity}
    assert rows["augmentation", "with (standard augmentation)"].status == "uninformative"
    assert rows["training seed", "2 (with augmentation)"].status == "refuted"
    assert not rows["training seed", "2 (with augmentation)"].admissible
    assert mixup_generalization_gap.check(Context(seed=0, sensitivity=False)).status() == "verified"  # headline only
