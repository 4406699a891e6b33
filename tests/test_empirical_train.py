"""The networks of Appendix C (empirical/models.py) and the resumable ERM/Mixup training (empirical/train.py).

Training runs here use 64 synthetic 28x28 images, PreAct ResNet-18 of base width 4 and a few epochs on the
CPU (one thread): a fraction of a second each. Exactness claims (resume, lambda = 1) are asserted bit for
bit; the CPU kernels are deterministic for a fixed thread count.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace

import pytest
import torch
from mixverify.empirical import train
from mixverify.empirical.data import ImageData
from mixverify.empirical.data import augment as augment_fn
from mixverify.empirical.models import MODELS, build_model, preact_resnet18, wide_resnet
from mixverify.empirical.train import METRICS, CheckpointError, RunConfig, lr_at, run
from scipy.special import betaincinv
from torch import nn
from torch.nn import functional as F

from mixverify.training import single_thread


@pytest.fixture(autouse=True)
def _one_thread():
    with single_thread():
        yield


def images(n_train=64, n_test=32, classes=3, shape=(1, 28, 28), name="fashion-mnist", seed=0) -> ImageData:
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (n_train + n_test, *shape), generator=g, dtype=torch.uint8)
    y = torch.randint(0, classes, (n_train + n_test,), generator=g)
    c = shape[0]
    return ImageData(name, x[:n_train], y[:n_train], x[n_train:], y[n_train:], classes, (0.3,) * c, (0.35,) * c, "synthetic")


DATA = images()
TINY = RunConfig("fashion-mnist", width=4, epochs=3, batch_size=16, eval_train_limit=None, seed=1)


def weights(model: nn.Module) -> dict:
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}


def same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def without_seconds(metrics):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in metrics]


# --- models ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,width", [("preact-resnet18", 4), ("wrn-16-8", 1)])
@pytest.mark.parametrize("shape,classes", [((1, 28, 28), 10), ((3, 32, 32), 100)])
def test_model_output_shapes(name, width, shape, classes):
    model = build_model(name, shape[0], classes, width=width).eval()
    assert model(torch.rand(2, *shape)).shape == (2, classes)


@pytest.mark.parametrize("name", MODELS)
def test_models_normalise_inside(name):
    """f_{mean,std}(x) = f_{0,1}((x - mean) / std): the first layer is the per-channel normalisation."""
    mean, std = (0.1, 0.5, 0.9), (0.2, 0.3, 0.4)
    torch.manual_seed(0)
    a = build_model(name, 3, 5, width=2, mean=mean, std=std).eval()
    b = build_model(name, 3, 5, width=2).eval()
    b.load_state_dict({k: v for k, v in a.state_dict().items() if not k.startswith("normalize.")}, strict=False)
    x = torch.rand(4, 3, 32, 32)
    z = (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
    torch.testing.assert_close(a(x), b(z), rtol=1e-5, atol=1e-6)  # float32 round-off of the subtraction/division
    assert torch.equal(a.state_dict()["normalize.std"].flatten(), torch.tensor(std))  # saved with the weights


def resnet_parameters(c, k, stem, stages):
    """Parameter count of a pre-activation ResNet, from the layer list (3x3 convs without bias, BN: 2 per channel)."""
    total, planes = 9 * c * stem, stem
    for width, blocks, _stride in stages:
        for j in range(blocks):
            total += 2 * planes + 9 * planes * width + 2 * width + 9 * width * width
            if j == 0 and (planes != width or _stride != 1):
                total += planes * width  # 1x1 projection shortcut
            planes = width
    return total + 2 * planes + planes * k + k


def test_parameter_counts_match_the_papers():
    preact = sum(p.numel() for p in preact_resnet18(3, 10).parameters())
    assert preact == resnet_parameters(3, 10, 64, [(64, 2, 1), (128, 2, 2), (256, 2, 2), (512, 2, 2)])
    # kuangliu/pytorch-cifar's PreActResNet18 for CIFAR-10: 11,171,146, plus our final BN (He et al. 2016b): 2 * 512
    assert preact == 11_171_146 + 1024
    wrn = sum(p.numel() for p in wide_resnet(3, 10).parameters())
    assert wrn == resnet_parameters(3, 10, 16, [(128, 2, 1), (256, 2, 2), (512, 2, 2)])
    assert round(wrn / 1e6, 1) == 11.0  # Zagoruyko & Komodakis (2016), Table: WRN-16-8 has 11.0M parameters


@pytest.mark.parametrize("call,match", [
    (lambda: build_model("resnet50", 3, 10), "model must be one of"),
    (lambda: build_model("wrn-16-8", 3, 10, width=0), "widen must be a positive integer"),
    (lambda: preact_resnet18(3, 10, width=2.5), "width must be a positive integer"),
    (lambda: preact_resnet18(0, 10), "in_channels must be"),
    (lambda: wide_resnet(3, 10, depth=15), "depth must be"),
    (lambda: preact_resnet18(3, 10, mean=(0.5,)), "mean must hold 3"),
    (lambda: preact_resnet18(1, 10, std=(0.0,)), "std must be > 0"),
])
def test_model_arguments_are_checked(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert "\n" not in str(info.value)


# --- training: exact resume, cache, refusals -------------------------------------------------------

@pytest.mark.parametrize("method,augment,schedule", [("erm", False, "constant"), ("mixup", True, "step")])
def test_resume_after_an_interruption_is_exact(tmp_path, method, augment, schedule):
    # 3 epochs under "step": lr 0.1, 0.01, 0.001, so the resumed epoch 3 must take its rate from the epoch.
    config = replace(TINY, method=method, augment=augment, alpha=0.5, beta=2.0, lr_schedule=schedule)
    rng_before = torch.get_rng_state()
    straight = run(config, DATA, tmp_path / "straight", progress=False)
    assert torch.equal(torch.get_rng_state(), rng_before)  # the caller's global RNG is untouched
    first = run(config, DATA, tmp_path / "pieces", progress=False, stop_after=2)
    assert [r["epoch"] for r in first.metrics] == [1, 2]
    resumed = run(config, DATA, tmp_path / "pieces", progress=False, resume=True)
    assert (straight.resumed_from, resumed.resumed_from) == (0, 2)
    assert same_weights(weights(straight.model), weights(resumed.model))
    assert without_seconds(straight.metrics) == without_seconds(resumed.metrics)
    assert not resumed.model.training


def test_resume_after_a_crash_inside_an_epoch_is_exact(tmp_path, monkeypatch):
    """Epoch 3 runs (moving the weights, the optimiser and the generator) and then the process 'dies' before
    its checkpoint: resuming restarts epoch 3 from epoch 2's checkpoint and ends where a straight run ends."""
    config = replace(TINY, method="mixup")
    straight = run(config, DATA, tmp_path / "straight", progress=False)
    real_epoch = train.Trainer.train_epoch

    def crash_in_epoch_3(self, epoch, **kwargs):
        loss = real_epoch(self, epoch, **kwargs)
        if epoch == 3:
            raise KeyboardInterrupt
        return loss

    monkeypatch.setattr(train.Trainer, "train_epoch", crash_in_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        run(config, DATA, tmp_path / "crash", progress=False)
    monkeypatch.undo()
    resumed = run(config, DATA, tmp_path / "crash", progress=False, resume=True)
    assert resumed.resumed_from == 2
    assert same_weights(weights(straight.model), weights(resumed.model))
    assert without_seconds(straight.metrics) == without_seconds(resumed.metrics)


def test_finished_run_is_reused_without_training(tmp_path, monkeypatch):
    config = replace(TINY, epochs=1)
    first = run(config, DATA, tmp_path, progress=False)
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def no_training(*args, **kwargs):
        raise AssertionError("a finished run was trained again")

    monkeypatch.setattr(train.Trainer, "train_epoch", no_training)
    again = run(config, DATA, tmp_path, progress=False)
    assert again.resumed_from == 1 and again.metrics == first.metrics
    assert same_weights(weights(first.model), weights(again.model))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files  # nothing rewritten


def test_unfinished_run_is_continued_by_default_and_refused_without_resume(tmp_path):
    config = replace(TINY, epochs=2)
    run(config, DATA, tmp_path, progress=False, stop_after=1)
    before = (tmp_path / "checkpoint.pt").read_bytes()
    with pytest.raises(CheckpointError, match=r"interrupted after epoch 1 of 2; pass resume=True") as info:
        run(config, DATA, tmp_path, progress=False, resume=False)
    assert "\n" not in str(info.value) and f"rm -r '{tmp_path}'" in str(info.value)
    assert (tmp_path / "checkpoint.pt").read_bytes() == before
    said = []
    resumed = run(config, DATA, tmp_path, progress=False, log=said.append)
    assert resumed.resumed_from == 1 and said == [f"resuming {tmp_path.name} after epoch 1 of 2 (interrupted earlier)"]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign"])
def test_corrupt_checkpoint_is_refused_and_left_untouched(tmp_path, damage):
    config = replace(TINY, epochs=2)
    run(config, DATA, tmp_path, progress=False, stop_after=1)
    path = tmp_path / "checkpoint.pt"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a checkpoint at all\n" * 10)
    else:
        torch.save({"state_dict": {}}, path)
    before = path.read_bytes()
    for resume in (True, False):
        with pytest.raises(CheckpointError, match=f"left untouched: discard it with: rm -r '{tmp_path}'") as info:
            run(config, DATA, tmp_path, progress=False, resume=resume)
        assert "\n" not in str(info.value) and str(path) in str(info.value)
        assert path.read_bytes() == before


def test_checkpoint_of_another_configuration_is_refused(tmp_path):
    run(replace(TINY, epochs=1), DATA, tmp_path, progress=False)
    before = (tmp_path / "checkpoint.pt").read_bytes()
    with pytest.raises(CheckpointError, match=r"another configuration \(lr: checkpoint 0.1, requested 0.05, "
                                              r"seed: checkpoint 1, requested 2\)"):
        run(replace(TINY, epochs=1, lr=0.05, seed=2), DATA, tmp_path, progress=False, resume=True)
    assert (tmp_path / "checkpoint.pt").read_bytes() == before


def test_metrics_files_are_written_and_consistent(tmp_path):
    config = replace(TINY, epochs=2, method="mixup")
    result = run(config, DATA, tmp_path, progress=False)
    rows = result.metrics
    assert [r["epoch"] for r in rows] == [1, 2] and all(set(r) == set(METRICS) for r in rows)
    assert json.loads((tmp_path / "metrics.json").read_text()) == rows
    with open(tmp_path / "metrics.csv", newline="") as fh:
        table = list(csv.reader(fh))
    assert tuple(table[0]) == METRICS
    assert [[float(v) for v in line] for line in table[1:]] == [[float(r[k]) for k in METRICS] for r in rows]
    assert json.loads((tmp_path / "config.json").read_text()) == config.to_dict()
    for r in rows:
        assert r["gap"] == r["test_loss"] - r["train_loss"] and r["lr"] == 0.1
        assert 0 <= r["train_acc"] <= 1 and 0 <= r["test_acc"] <= 1 and math.isfinite(r["mixup_train_loss"])
    # The logged losses are the returned model's mean cross-entropy on the clean images, recomputed in one batch:
    # relative 1e-6 covers float32 sums of <= 64 terms taken in another order.
    for split, key in (("train", "train_loss"), ("test", "test_loss")):
        x, y = getattr(DATA, f"x_{split}"), getattr(DATA, f"y_{split}")
        with torch.no_grad():
            out = result.model(x.float() / 255)
        assert float(F.cross_entropy(out, y)) == pytest.approx(rows[-1][key], rel=1e-6)
        acc = float((out.argmax(1) == y).float().mean())
        assert acc == rows[-1][key.replace("loss", "acc")]


def test_eval_train_limit_evaluates_a_fixed_subset(tmp_path):
    a = run(replace(TINY, epochs=1, eval_train_limit=20), DATA, tmp_path / "a", progress=False)
    b = run(replace(TINY, epochs=1, eval_train_limit=None), DATA, tmp_path / "b", progress=False)
    assert same_weights(weights(a.model), weights(b.model))  # the subset does not touch the training randomness
    assert a.metrics[0]["train_acc"] * 20 == round(a.metrics[0]["train_acc"] * 20)  # a fraction of 20 images
    assert a.metrics[0]["test_loss"] == b.metrics[0]["test_loss"]


# --- Mixup -----------------------------------------------------------------------------------------

def test_mixup_with_lambda_one_is_erm(tmp_path, monkeypatch):
    """With lambda = 1, x~ = 1 x + 0 x_pi = x and the loss is 1 CE(y) + 0 CE(y_pi) = CE(y), exactly: one epoch
    of Mixup then gives ERM's weights bit for bit (the data order is drawn before any lambda)."""
    x, y = torch.rand(5, 1, 4, 4), torch.tensor([0, 1, 2, 0, 1])
    out, perm, one = torch.randn(5, 3), torch.tensor([3, 0, 4, 1, 2]), torch.tensor(1.0)
    assert torch.equal(train.mix(x, one, perm), x)
    # lambda = 1: the mean of CE_i + 0 CE_perm(i), torch's mean of CE_i to a few float32 ulps
    torch.testing.assert_close(train.mixup_batch_loss(out, y, one, perm), F.cross_entropy(out, y),
                               rtol=8 * torch.finfo(torch.float32).eps, atol=0)
    erm = run(replace(TINY, epochs=1), DATA, tmp_path / "erm", progress=False)
    monkeypatch.setattr(train, "sample_lambda", lambda alpha, beta, u: u * 0 + 1)
    mixup = run(replace(TINY, epochs=1, method="mixup"), DATA, tmp_path / "mixup", progress=False)
    assert same_weights(weights(erm.model), weights(mixup.model))
    # the running loss: the mean of lambda CE_i + 0 CE_perm(i) against torch's mean of CE_i, the same numbers summed in
    # another order (float32: a few ulps of the mean)
    assert mixup.metrics[0]["mixup_train_loss"] == pytest.approx(erm.metrics[0]["mixup_train_loss"],
                                                                 rel=8 * torch.finfo(torch.float32).eps)


def test_mix_and_loss_against_loops():
    """Eq. (1) per example: x~_i = lam x_i + (1 - lam) x_pi(i); loss = mean_i lam CE_i(y_i) + (1 - lam) CE_i(y_pi(i))."""
    g = torch.Generator().manual_seed(3)
    x, out = torch.rand(6, 2, 3, 3, generator=g, dtype=torch.float64), torch.randn(6, 4, generator=g, dtype=torch.float64)
    y, perm, lam = torch.tensor([0, 3, 1, 2, 2, 0]), torch.tensor([5, 2, 0, 1, 3, 4]), torch.tensor(0.3, dtype=torch.float64)
    mixed = torch.stack([0.3 * x[i] + 0.7 * x[perm[i]] for i in range(6)])
    logp = [[out[i, c] - math.log(sum(math.exp(v) for v in out[i].tolist())) for c in range(4)] for i in range(6)]
    loss = sum(-0.3 * logp[i][y[i]] - 0.7 * logp[i][y[perm[i]]] for i in range(6)) / 6
    torch.testing.assert_close(train.mix(x, lam, perm), mixed, rtol=1e-15, atol=1e-15)  # float64 round-off
    torch.testing.assert_close(train.mixup_batch_loss(out, y, lam, perm), loss, rtol=1e-12, atol=0)  # float64 log-sum-exp


@pytest.mark.parametrize("method,augment", [("erm", False), ("mixup", False), ("mixup", True)])
def test_one_epoch_matches_a_plain_loop(tmp_path, method, augment):
    """run() against a loop written from the module docstring's protocol: weights from torch.manual_seed(seed),
    one generator drawing the order, the epoch's augmentation, then per-batch uniforms and partner permutations."""
    config = replace(TINY, epochs=1, method=method, augment=augment, alpha=2.0, beta=0.5)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        model = build_model("preact-resnet18", 1, 3, width=4, mean=DATA.mean, std=DATA.std)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    g = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(64, generator=g)
    x, y = DATA.x_train[order], DATA.y_train[order]
    if augment:
        x = augment_fn(x, "fashion-mnist", g)
    if method == "mixup":
        lams = torch.from_numpy(betaincinv(2.0, 0.5, torch.rand(4, generator=g, dtype=torch.float64).numpy())).float()
        perms = [torch.randperm(16, generator=g) for _ in range(4)]
    model.train()
    for k in range(4):
        xb, yb = x[16 * k:16 * (k + 1)].float() / 255, y[16 * k:16 * (k + 1)]
        if method == "mixup":
            lam, p = lams[k], perms[k]
            out = model(lam * xb + (1 - lam) * xb[p])
            loss = lam * F.cross_entropy(out, yb) + (1 - lam) * F.cross_entropy(out, yb[p])
        else:
            loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    ours = run(config, DATA, tmp_path, progress=False)
    expected = weights(model)
    for k, v in weights(ours.model).items():
        # float32 round-off from operations done in another order (x / 255 vs div_(255)): torch's float32 defaults
        torch.testing.assert_close(v, expected[k], msg=k)


def test_mixup_changes_training(tmp_path):
    erm = run(replace(TINY, epochs=1), DATA, tmp_path / "erm", progress=False)
    mixup = run(replace(TINY, epochs=1, method="mixup"), DATA, tmp_path / "mixup", progress=False)
    assert not same_weights(weights(erm.model), weights(mixup.model))


def test_lambda_draws_follow_the_beta_law():
    """First two moments of 20000 inverse-CDF draws against Beta(5, 0.5)'s closed forms, E lam = a / (a + b) and
    E lam^2 = a (a + 1) / ((a + b)(a + b + 1)), each within 4 standard errors (estimated from the sample)."""
    a, b, n = 5.0, 0.5, 20000
    u = torch.rand(n, generator=torch.Generator().manual_seed(0), dtype=torch.float64).numpy()
    lam = train.sample_lambda(a, b, u)
    assert ((lam >= 0) & (lam <= 1)).all()
    for k, exact in ((1, a / (a + b)), (2, a * (a + 1) / ((a + b) * (a + b + 1)))):
        draws = lam**k
        assert abs(draws.mean() - exact) <= 4 * draws.std() / math.sqrt(n)


# --- configuration ---------------------------------------------------------------------------------

def test_config_key_is_canonical():
    key = TINY.key()
    assert len(key) == 16 and int(key, 16) >= 0
    assert replace(TINY, alpha=1).key() == key  # 1 and 1.0 are the same value
    assert replace(TINY, seed=2).key() != key and replace(TINY, augment=True).key() != key
    assert RunConfig("cifar10").key() == RunConfig("cifar10").key()


@pytest.mark.parametrize("change,match", [
    ({"method": "cutmix"}, "method must be one of"),
    ({"model": "vgg"}, "model must be one of"),
    ({"method": "mixup", "alpha": 0.0}, "alpha must be a finite number > 0"),
    ({"method": "mixup", "beta": float("inf")}, "beta must be a finite number > 0"),
    ({"method": "mixup", "alpha": float("nan")}, "alpha must be"),
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"batch_size": 1.5}, "batch_size must be a positive integer"),
    ({"lr": -0.1}, "lr must be a finite number > 0"),
    ({"momentum": 1.0}, "momentum must be a finite number >= 0 and < 1"),
    ({"weight_decay": -1e-4}, "weight_decay must be"),
    ({"width": 0}, "width must be a positive integer or None"),
    ({"eval_train_limit": 0}, "eval_train_limit must be"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"augment": "yes"}, "augment must be True or False"),
    ({"lr_schedule": "cosine"}, "lr_schedule must be one of constant, step"),
    ({"train_limit": 10}, "config.train_limit is 10 but data.x_train holds 64 images"),
    ({"dataset": "cifar10"}, "data must be the config's data set 'cifar10'"),
])
def test_bad_configuration_is_a_one_line_value_error(tmp_path, change, match):
    with pytest.raises(ValueError, match=match) as info:
        run(replace(TINY, **change), DATA, tmp_path, progress=False)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "checkpoint.pt").exists()


@pytest.mark.parametrize("kwargs,match", [
    ({"stop_after": 0}, "stop_after must be a positive integer or None"),
    ({"device": "tpu"}, "device must be"),
])
def test_bad_run_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        run(TINY, DATA, tmp_path, progress=False, **kwargs)


def test_bad_data_is_refused(tmp_path):
    floats = replace(DATA, x_train=DATA.x_train.float())
    with pytest.raises(ValueError, match="data.x_train must be a non-empty uint8 tensor"):
        run(TINY, floats, tmp_path, progress=False)
    labels = replace(DATA, y_test=DATA.y_test + 3)
    with pytest.raises(ValueError, match=r"data.y_test must hold classes 0..2"):
        run(TINY, labels, tmp_path, progress=False)


def test_step_schedule_is_mixup_cifar10s():
    # facebookresearch/mixup-cifar10: 200 epochs, lr 0.1, divided by 10 at epochs 100 and 150 (0-based).
    paper = replace(TINY, epochs=200, lr=0.1, lr_schedule="step")
    rates = [lr_at(paper, e) for e in range(1, 201)]
    assert rates[:100] == [0.1] * 100
    assert rates[100:150] == pytest.approx([0.01] * 50, rel=1e-15) and rates[150:] == pytest.approx([0.001] * 50,
                                                                                                     rel=1e-15)
    smoke = replace(paper, epochs=15)  # drops after epoch 7.5 and 11.25
    assert [lr_at(smoke, e) for e in (7, 8, 11, 12, 15)] == pytest.approx([0.1, 0.01, 0.01, 0.001, 0.001], rel=1e-15)
    assert {lr_at(replace(paper, lr_schedule="constant"), e) for e in range(1, 201)} == {0.1}


def test_logged_learning_rate_follows_the_schedule(tmp_path):
    config = replace(TINY, epochs=4, lr_schedule="step")
    rows = run(config, DATA, tmp_path, progress=False).metrics
    assert [r["lr"] for r in rows] == [lr_at(config, e) for e in (1, 2, 3, 4)] == pytest.approx([0.1, 0.1, 0.01, 0.001])
