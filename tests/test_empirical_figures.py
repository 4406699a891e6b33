"""The empirical figures (empirical/figures.py, robustness.py) and their CLI (their claims: test_figure_claims.py).

The tiny-preset runs are trained once per test session (the session's private cache, see conftest.py)
and shared by every test here and by tests/test_claims.py.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mixverify.empirical import figures
from mixverify.empirical.robustness import attack_subset, fgsm_accuracy
from torch import nn

from mixverify import cli

HAVE_FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()
needs_fmnist = pytest.mark.skipif(not HAVE_FMNIST, reason="needs Debian's dataset-fashion-mnist")


def tiny_classifier(d=12, k=3, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(d, k))


def test_generalization_averages_training_seeds():
    from types import SimpleNamespace

    def fake(gaps, offset=1.0):
        return SimpleNamespace(metrics=[{"epoch": e + 1, "train_loss": offset, "test_loss": offset + g, "gap": g,
                                         "train_acc": 0.5, "test_acc": 0.25 * (e + 1)} for e, g in enumerate(gaps)])

    groups = [(0, None, {"erm": fake([9.0, 0.4, 0.2, 0.3]), "mixup": fake([9.0, 0.1, 0.1, 0.0])}),
              (1, None, {"erm": fake([9.0, 0.0, 0.1, 0.1]), "mixup": fake([9.0, 0.3, 0.5, 0.3])})]
    s = figures._generalization(groups)
    assert s["training_seeds"] == [0, 1] and s["curves"]["erm"]["epoch"] == [1, 2, 3, 4]
    assert s["curves"]["erm"]["gap"] == pytest.approx([9.0, 0.2, 0.15, 0.2])
    (c,) = s["comparison"]  # tail = the last ceil(4/4) = 1 epoch: ERM (0.3 + 0.1)/2, Mixup (0.0 + 0.3)/2
    assert (c["gap_erm"], c["gap_mixup"]) == pytest.approx((0.2, 0.15)) and c["mixup_below"]
    assert [p["seed"] for p in c["per_seed"]] == [0, 1]
    assert [v for p in c["per_seed"] for v in (p["gap_erm"], p["gap_mixup"])] == pytest.approx([0.3, 0.0, 0.1, 0.3])
    # Seed 1 alone would reverse the ordering: one seed does not decide what the mean decides.
    assert not figures._generalization(groups[1:])["holds"]
    # Each seed's tail means of gap and test accuracy, and the t-interval over seeds of the differences.
    assert [p["test_acc_erm"] for p in c["per_seed"]] == pytest.approx([1.0, 1.0])
    b = c["gap_between_seeds"]
    assert b == figures.between_seeds([0.3 - 0.0, 0.1 - 0.3]) and b["k"] == 2 and b["mean"] == pytest.approx(0.05)
    assert c["test_acc_between_seeds"]["mean"] == 0.0 and (c["test_acc_tail_erm"], c["test_acc_tail_mixup"]) == (1.0, 1.0)
    assert not s["holds"]  # two seeds: the interval over seeds, not the mean's sign, says whether Mixup is ahead


def test_between_seeds_is_the_t_interval_over_training_seeds():
    from scipy import stats

    d = [0.028, 0.135, 0.124]  # figure-1a's smoke per-seed FGSM differences (seed 0, an earlier training)
    b = figures.between_seeds(d)
    se = np.std(d, ddof=1) / np.sqrt(3)
    t = stats.t.ppf(0.995, 2)  # two-sided 99 %
    assert (b["k"], b["mean"], b["se"], b["t"]) == pytest.approx((3, np.mean(d), se, t))
    assert t == pytest.approx(9.925, abs=1e-3)
    assert (b["low"], b["high"]) == pytest.approx((np.mean(d) - t * se, np.mean(d) + t * se))
    assert b["low"] < 0 < b["high"] and b["not_worse"] and not b["better"]  # contains 0: cannot tell
    assert figures.between_seeds([0.1, 0.11, 0.09])["better"]
    assert not figures.between_seeds([-0.1, -0.11, -0.09])["not_worse"]
    ties = figures.between_seeds([0.0, 0.0])  # exactly equal on every seed: not behind, not ahead
    assert ties["not_worse"] and not ties["better"]
    one = figures.between_seeds([0.2])
    assert one["k"] == 1 and one["mean"] == 0.2 and one["se"] is one["not_worse"] is one["better"] is None


# --- robustness helpers -------------------------------------------------------------------------

def test_robustness_pools_training_seeds_with_equal_weight():
    from types import SimpleNamespace

    from mixverify.empirical.data import ImageData

    def data(seed):
        g = torch.Generator().manual_seed(seed)
        x = torch.randint(0, 256, (40, 1, 2, 6), generator=g, dtype=torch.uint8)
        y = torch.randint(0, 3, (40,), generator=g)
        return ImageData("fashion-mnist", x[:20], y[:20], x[20:], y[20:], 3, (0.3,), (0.35,), "synthetic")

    def runs(seed):
        return {label: SimpleNamespace(model=tiny_classifier(seed=10 * seed + i))
                for i, label in enumerate(("erm", "mixup"))}

    preset = figures.Preset("t", epochs=1, attack_images=8)
    groups = [(t, data(t), runs(t)) for t in (4, 5)]
    pooled = figures._robustness(groups, preset)
    singles = [figures._robustness([g], preset) for g in groups]
    assert pooled["training_seeds"] == [4, 5] and pooled["attack_images"] == 8
    eps = pooled["eps"]
    for label in ("erm", "mixup"):
        # Each seed's accuracies are the plain FGSM accuracies on its own attacked images ...
        for (t, images, r), single in zip(groups, singles):
            idx = attack_subset(20, 8, t)
            assert single["accuracy"][label] == pytest.approx(
                fgsm_accuracy(r[label].model, images.x_test[idx], images.y_test[idx], eps), abs=1e-12)
        # ... and the pooled ones their mean (equal image counts: equal weights).
        assert pooled["accuracy"][label] == pytest.approx(
            [(a + b) / 2 for a, b in zip(singles[0]["accuracy"][label], singles[1]["accuracy"][label])], abs=1e-12)
    assert [p["difference"] for p in pooled["per_seed"]] == pytest.approx(
        [s["mean_over_eps"]["difference"] for s in singles], abs=1e-12)
    m = pooled["mean_over_eps"]
    assert m["difference"] == pytest.approx(m["mixup"] - m["erm"], abs=1e-12)
    assert m["difference"] == pytest.approx(sum(p["difference"] for p in pooled["per_seed"]) / 2, abs=1e-12)
    assert m["between_seeds"] == figures.between_seeds([p["difference"] for p in pooled["per_seed"]])
    for k, c in enumerate(pooled["comparison"]):
        assert c["between_seeds"] == figures.between_seeds([s["comparison"][k]["difference"] for s in singles])
    assert pooled["holds"] == (m["between_seeds"]["better"] and all(
        c["between_seeds"]["not_worse"] for c in pooled["comparison"] if c["eps"] > 0))
    # one seed alone: the one-run criterion (mean strictly above, no eps below by more than Z paired SE)
    assert singles[0]["holds"] == (singles[0]["mean_over_eps"]["difference"] > 0 and all(
        c["difference"] >= -figures.Z * c["se"] for c in singles[0]["comparison"] if c["eps"] > 0))
    # seed_summary rebuilds a seed's own summary from the pooled one, without attacking again
    result = figures.FigureResult(figures.FIGURES["1a"], preset, "fashion-mnist", pooled, None, {}, groups)
    for i, single in enumerate(singles):
        again = figures.seed_summary(result, i)
        assert {k: again[k] for k in ("training_seeds", "accuracy", "comparison", "mean_over_eps", "holds")} == \
            {k: single[k] for k in ("training_seeds", "accuracy", "comparison", "mean_over_eps", "holds")}


def test_fgsm_at_zero_is_the_clean_accuracy():
    model = tiny_classifier()
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (40, 1, 3, 4), generator=g, dtype=torch.uint8)
    y = torch.randint(0, 3, (40,), generator=g)
    clean = float((model(x.float() / 255).argmax(1) == y).float().mean())
    acc = fgsm_accuracy(model, x, y, [0.0, 0.1], batch_size=7)
    assert acc[0] == pytest.approx(clean, rel=1e-6)  # float32 vs float64 mean of the same hits
    assert acc[1] <= acc[0]  # a linear model: the FGSM step can only lower each margin of the true class


def test_fgsm_accuracy_bad_eps_and_shapes():
    model = tiny_classifier()
    x, y = torch.zeros(4, 1, 3, 4), torch.zeros(4, dtype=torch.long)
    with pytest.raises(ValueError, match="eps must be"):
        fgsm_accuracy(model, x, y, [-0.1])
    with pytest.raises(ValueError, match="eps must be"):
        fgsm_accuracy(model, x, y, [float("nan")])
    with pytest.raises(ValueError, match="same positive number"):
        fgsm_accuracy(model, x, y[:3], [0.0])


def test_attack_subset_is_fixed_and_distinct():
    a, b = attack_subset(100, 30, seed=3), attack_subset(100, 30, seed=3)
    assert (a == b).all() and len(set(a.tolist())) == 30 and (a[:-1] < a[1:]).all()
    with pytest.raises(ValueError, match="test set has 10"):
        attack_subset(10, 30, seed=0)


def test_tail_mean():
    assert figures.tail_mean([1.0, 2.0, 3.0, 4.0, 5.0]) == pytest.approx(4.5)  # last ceil(5/4) = 2
    assert figures.tail_mean([7.0]) == 7.0
    assert (figures.tail_length(15), figures.tail_length(1), figures.tail_length(200)) == (4, 1, 50)


def test_specs_and_configs():
    assert set(figures.FIGURES) == {"1a", "1b", "5", "6", "7", "8"}
    assert figures.spec("figure-7") is figures.FIGURES["7"]
    with pytest.raises(ValueError, match="unknown figure '9'"):
        figures.spec("9")
    p = figures.PRESETS["paper"]
    c = figures.run_configs(figures.FIGURES["5"], p, "cifar10")
    assert set(c) == {"erm", "mixup", "erm+aug", "mixup+aug"}
    assert (c["mixup"].batch_size, c["mixup"].lr, c["mixup"].momentum) == (64, 0.1, 0.9)  # Appendix C.3
    a = figures.run_configs(figures.FIGURES["1a"], p, "svhn")
    assert (a["mixup"].alpha, a["mixup"].beta, a["mixup"].model) == (5.0, 0.5, "wrn-16-8")  # Appendix C.1
    # Smoke: figures 5-8 on the same stand-in data share their runs (one training for four figures).
    s = figures.PRESETS["smoke"]
    keys = {fid: {k: v.key() for k, v in figures.run_configs(figures.FIGURES[fid], s, "fashion-mnist").items()}
            for fid in ("5", "6", "7", "8")}
    assert keys["5"] == keys["6"] == keys["7"] == keys["8"]
    assert {c.lr_schedule for c in a.values()} == {"step"}  # mixup-cifar10's schedule in both presets


def test_training_seeds():
    smoke, paper = figures.PRESETS["smoke"], figures.PRESETS["paper"]
    assert figures.training_seeds(paper, 5) == [5]
    k = smoke.seeds
    assert k > 1 and figures.training_seeds(smoke, 0) == list(range(k)) and figures.training_seeds(smoke, 2)[0] == 2 * k
    # Disjoint over the seeds of a false-alarm sweep: each seed's decision rests on models of its own.
    drawn = [t for s in range(20) for t in figures.training_seeds(smoke, s)]
    assert len(set(drawn)) == len(drawn) == 20 * k


def test_tiny_preset_takes_every_code_path_of_smoke():
    """The tests run the figures under "tiny": it must reach what smoke reaches (several training seeds, the
    same models, widths and stand-in data, both lr drops of the step schedule, a tail of more than one
    epoch) and say that its status decides nothing."""
    from mixverify.empirical.train import lr_at

    tiny, smoke = figures.PRESETS["tiny"], figures.PRESETS["smoke"]
    assert tiny.seeds > 1 and (tiny.width, tiny.dataset, tiny.lr_schedule) == (smoke.width, smoke.dataset, smoke.lr_schedule)
    config = figures.run_configs(figures.FIGURES["7"], tiny, tiny.dataset)["mixup"]
    assert len({lr_at(config, e) for e in range(1, tiny.epochs + 1)}) == 3
    assert figures.tail_length(tiny.epochs) > 1
    assert tiny.epochs < smoke.epochs and tiny.train_limit < smoke.train_limit and tiny.attack_images < smoke.attack_images
    assert smoke.decides and figures.PRESETS["paper"].decides and not tiny.decides
    assert smoke.caveat == "" and tiny.caveat.endswith("decides nothing about Mixup: use smoke or paper")


def test_verify_and_report_accept_every_preset():
    for command in ("verify", "report"):
        for name in figures.PRESETS:
            assert cli.parser().parse_args([command, "--preset", name]).preset == name


# --- the CLI ------------------------------------------------------------------------------------

def one_line_error(capsys, argv, code=2):
    assert cli.main(argv) == code
    err = capsys.readouterr().err.strip()
    assert err.startswith("mixverify: error:") and "\n" not in err and "Traceback" not in err
    return err


def test_cli_figure_unknown_id(capsys, tmp_path):
    assert "unknown figure '9'" in one_line_error(capsys, ["figure", "9", "--out", str(tmp_path)])


def test_cli_figure_unknown_preset(capsys, tmp_path):
    assert "unknown preset 'fast'" in one_line_error(capsys, ["figure", "7", "--preset", "fast", "--out", str(tmp_path)])


def test_cli_figure_missing_data_root(capsys, tmp_path):
    err = one_line_error(capsys, ["figure", "5", "--preset", "paper", "--data-root", str(tmp_path / "nope"),
                                  "--out", str(tmp_path)])
    assert "is not a directory" in err


def test_cli_figure_empty_data_root_names_the_expected_files(capsys, tmp_path):
    err = one_line_error(capsys, ["figure", "5", "--preset", "paper", "--data-root", str(tmp_path),
                                  "--out", str(tmp_path / "out")])
    assert "cifar-10-batches-py" in err


def test_cli_figure_needs_data_root_for_svhn(capsys, tmp_path):
    err = one_line_error(capsys, ["figure", "1a", "--preset", "paper", "--out", str(tmp_path)])
    assert "--data-root" in err


# --- tiny-preset runs (trained once per session) ---------------------------------------------------------

@needs_fmnist
@pytest.mark.parametrize("fig_id", ["1a", "7"])
def test_cli_figure_writes_plot_and_json(capsys, tmp_path, fig_id):
    assert cli.main(["figure", fig_id, "--preset", "tiny", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    png, js = tmp_path / f"figure-{fig_id}.png", tmp_path / f"figure-{fig_id}.json"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(js.read_text())
    assert data["figure"] == fig_id and data["preset"] == "tiny" and data["dataset"] == "fashion-mnist"
    assert "claim:" in out and "preset tiny; preset tiny only exercises the code" in out
    assert "decides nothing about Mixup" in out
    assert isinstance(data["holds"], bool)
    if fig_id == "1a":
        acc = data["accuracy"]
        assert len(acc["erm"]) == len(data["eps"]) and data["eps"][0] == 0
        assert all(0 <= a <= 1 for a in acc["erm"] + acc["mixup"])
    else:
        assert {c["augment"] for c in data["comparison"]} == {False, True}
        for curve in data["curves"].values():
            assert curve["gap"] == pytest.approx([t - r for t, r in zip(curve["test_loss"], curve["train_loss"])])
