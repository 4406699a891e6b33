"""The GPU paths: the CUDA-graph training step and the sync-free attacks.

The CUDA tests are skipped without a GPU (``pytest.mark.skipif(not torch.cuda.is_available())``). The CPU tests
check that the eager path, which the CPU always takes, is the training loop it was before the graphs: bit for bit
against that loop written out here.

Tolerance of graph vs eager on CUDA ("bf16 tolerance"): the graph replays the eager step's kernels, so the two
differ only by the round-off of non-deterministic kernels, amplified by a few SGD steps. Both run under bfloat16
autocast, whose unit round-off is 2^-8: weights must agree to 2^-6 relative to their largest entry (a few bf16
ulps), and the epoch's mean loss to 2^-6 relative.
"""

from __future__ import annotations

import logging
import math
import warnings
from contextlib import nullcontext

import pytest
import torch
from mixverify.empirical import train
from mixverify.empirical.data import ImageData
from mixverify.empirical.train import RunConfig, Trainer, lr_at, mix, mixup_batch_loss, run
from torch.nn import functional as F

from mixverify import fgsm, pgd
from mixverify.training import single_thread

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
BF16 = 2.0**-6  # a few bfloat16 ulps (unit round-off 2^-8), relative


def images(n_train=16 * 5 + 6, n_test=32, classes=3, seed=0) -> ImageData:
    """Synthetic Fashion-MNIST-shaped data: 5 full mini-batches of 16 and a partial one of 6 by default."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (n_train + n_test, 1, 28, 28), generator=g, dtype=torch.uint8)
    y = torch.randint(0, classes, (n_train + n_test,), generator=g)
    return ImageData("fashion-mnist", x[:n_train], y[:n_train], x[n_train:], y[n_train:], classes, (0.3,), (0.35,),
                     "synthetic")


DATA = images()


def config(**kw) -> RunConfig:
    base = dict(dataset="fashion-mnist", width=4, method="mixup", epochs=2, lr=0.02, batch_size=16, eval_train_limit=None,
                seed=3)
    return RunConfig(**{**base, **kw}).validate()


def weights(model) -> dict:
    return {k: v.detach().float().cpu().clone() for k, v in model.state_dict().items()}


def assert_close_weights(a: dict, b: dict, rel=BF16):
    assert a.keys() == b.keys()
    for k in a:
        if a[k].is_floating_point():
            scale = max(float(a[k].abs().max()), 1e-3)
            assert float((a[k] - b[k]).abs().max()) <= rel * scale, k
        else:
            assert torch.equal(a[k], b[k]), k  # BatchNorm's num_batches_tracked


# --- the CPU: the eager loop, unchanged --------------------------------------------------------------------

def reference_epoch(t: Trainer, epoch: int) -> float:
    """empirical.train's training loop before the CUDA graphs (commit 08627da), written out."""
    model, opt, b = t.model, t.optimizer, t.config.batch_size
    for group in opt.param_groups:
        group["lr"] = lr_at(t.config, max(epoch, 1))
    x, y, lams, perms = t.draw_epoch()
    n = x.shape[0]
    total = torch.zeros((), dtype=torch.float64, device=t.device)
    model.train()
    for k, i in enumerate(range(0, n, b)):
        xb = x[i:i + b].to(dtype=torch.float32, memory_format=t.memory_format).div_(255)
        yb = y[i:i + b]
        with t._autocast():
            if lams is None:
                loss = F.cross_entropy(model(xb), yb)
            else:
                lam, p = lams[k], perms[i:i + b]
                loss = mixup_batch_loss(model(mix(xb, lam, p)), yb, lam, p)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.detach().double() * yb.shape[0]
    return float(total) / n


@pytest.mark.parametrize("method", ["erm", "mixup"])
def test_the_cpu_epoch_is_the_eager_loop_bit_for_bit(method):
    cfg = config(method=method, lr_schedule="step", epochs=4)
    data = images(n_train=16 + 10)
    with single_thread():
        ours, ref = Trainer(cfg, data, torch.device("cpu")), Trainer(cfg, data, torch.device("cpu"))
        for epoch in (1, 3, 4):  # three learning rates of the step schedule
            assert ours.train_epoch(epoch) == reference_epoch(ref, epoch)
    a, b = weights(ours.model), weights(ref.model)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert ours.step_graph is None and ours.graph_off is None  # no graph on the CPU, and nothing to log


class _Stream:
    def __init__(self, *args):
        pass

    def wait_stream(self, other):
        pass


class _Replay:
    """Stands in for a captured torch.cuda.CUDAGraph: a replay runs the captured Python body."""

    def __init__(self, body):
        self.replay = body


@pytest.mark.parametrize("method", ["erm", "mixup"])
def test_the_graph_bookkeeping_on_the_cpu_is_the_eager_loop_bit_for_bit(method, monkeypatch):
    """The graph path of train_epoch (warm-up, static buffers, the device-side step counter, the running loss,
    recapture at a new learning rate, the eager partial batch) with the capture replaced by a replay of the
    Python body on the CPU: the same numbers, bit for bit, as the eager loop."""
    def fake_capture(self, trainer, *, first):
        self.step.fill_(first)
        self.graph = _Replay(lambda: self.body(trainer))
        self.tensors = self._state(trainer)
        self.captured = True

    monkeypatch.setattr(train.StepGraph, "capture", fake_capture)
    monkeypatch.setattr(torch.cuda, "Stream", _Stream)
    monkeypatch.setattr(torch.cuda, "current_stream", _Stream)
    monkeypatch.setattr(torch.cuda, "stream", lambda s: nullcontext())
    cfg = config(method=method, lr_schedule="step", epochs=4)
    with single_thread():
        ours, ref = Trainer(cfg, DATA, torch.device("cpu")), Trainer(cfg, DATA, torch.device("cpu"))
        ours.cuda = True  # take the graph path
        graphs = []
        for epoch in range(1, 5):
            assert ours.train_epoch(epoch) == reference_epoch(ref, epoch)
            graphs.append(ours.step_graph)
            assert ours.step_graph.captured and int(ours.step_graph.step) == DATA.x_train.shape[0] // 16
    assert graphs[0] is graphs[1] and graphs[1] is not graphs[2] and graphs[2] is not graphs[3]
    a, b = weights(ours.model), weights(ref.model)
    assert all(torch.equal(a[k], b[k]) for k in a)


# --- CUDA: the graph against eager ---------------------------------------------------------------------------

def pair(cfg: RunConfig, data=DATA) -> tuple[Trainer, Trainer]:
    """Two trainers of one run on CUDA: graphs allowed, and eager (graphs off)."""
    dev = torch.device("cuda")
    graph, eager = Trainer(cfg, data, dev), Trainer(cfg, data, dev)
    eager.graph_off = "the test's eager reference"
    return graph, eager


@CUDA
@pytest.mark.parametrize("method", ["erm", "mixup"])
def test_graph_step_matches_eager(method):
    cfg = config(method=method)
    graph, eager = pair(cfg)
    for epoch in (1, 2):  # the capture epoch (3 warm-up steps, replays, the partial batch), then replays only
        mg, me = graph.train_epoch(epoch), eager.train_epoch(epoch)
        assert graph.step_graph is not None and graph.step_graph.captured and graph.graph_off is None
        assert mg == pytest.approx(me, rel=BF16)
    assert_close_weights(weights(graph.model), weights(eager.model))
    assert all(graph.optimizer.state[p]["momentum_buffer"] is not None for p in graph.model.parameters())


@CUDA
def test_a_new_learning_rate_is_a_new_capture():
    cfg = config(lr_schedule="step", epochs=4)
    graph, eager = pair(cfg)
    captured = []
    for epoch in range(1, 5):
        mg, me = graph.train_epoch(epoch), eager.train_epoch(epoch)
        captured.append(graph.step_graph)
        assert graph.step_graph.lr == lr_at(cfg, epoch)
        assert mg == pytest.approx(me, rel=BF16)
    assert captured[0] is captured[1] and captured[1] is not captured[2] and captured[2] is not captured[3]
    assert_close_weights(weights(graph.model), weights(eager.model))


@CUDA
def test_a_failed_capture_falls_back_to_eager_with_one_line(monkeypatch, caplog):
    def fail(self, trainer, *, first):
        raise RuntimeError("operation not permitted when stream is capturing\nmore detail")

    monkeypatch.setattr(train.StepGraph, "capture", fail)
    graph, eager = pair(config())
    with caplog.at_level(logging.WARNING, logger="mixverify.empirical.train"):
        for epoch in (1, 2):
            assert graph.train_epoch(epoch) == pytest.approx(eager.train_epoch(epoch), rel=BF16)
    lines = [r.getMessage() for r in caplog.records if r.name == "mixverify.empirical.train"]
    assert len(lines) == 1 and "\n" not in lines[0] and "capture failed: RuntimeError" in lines[0]
    assert graph.step_graph is None and graph.graph_off.startswith("capture failed")
    assert_close_weights(weights(graph.model), weights(eager.model))


@CUDA
def test_small_data_sets_train_eagerly():
    graph, eager = pair(config(), images(n_train=16 * 3 + 5))  # 3 full batches: all of them would be warm-up
    assert graph.train_epoch(1) == pytest.approx(eager.train_epoch(1), rel=BF16)
    assert graph.step_graph is None and graph.graph_off is None


@CUDA
def test_exact_resume_works_after_a_capture(tmp_path):
    cfg = config(epochs=3, lr_schedule="step")
    whole = run(cfg, DATA, tmp_path / "whole", device="cuda", progress=False)
    run(cfg, DATA, tmp_path / "pieces", device="cuda", progress=False, stop_after=1)
    pieces = run(cfg, DATA, tmp_path / "pieces", device="cuda", progress=False, resume=True)
    assert pieces.resumed_from == 1 and len(pieces.metrics) == 3
    for a, b in zip(whole.metrics, pieces.metrics):
        assert a["mixup_train_loss"] == pytest.approx(b["mixup_train_loss"], rel=BF16)
        assert a["lr"] == b["lr"]
    assert_close_weights(weights(whole.model), weights(pieces.model))


@CUDA
def test_a_loaded_optimizer_state_is_a_new_capture():
    cfg = config(epochs=3)
    t = Trainer(cfg, DATA, torch.device("cuda"))
    t.train_epoch(1)
    first = t.step_graph
    t.load_state_dict(t.state_dict(1, [{}]))  # new momentum buffer tensors: the old graph must not be replayed
    t.train_epoch(2)
    assert t.step_graph is not first and t.step_graph.captured


# --- CUDA: the attacks -----------------------------------------------------------------------------------------

def cnn():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(8 * 8 * 8, 10)).cuda().eval()


def cross_entropy(out, y):
    return F.cross_entropy(out, y, reduction="none")


def syncs(fn) -> int:
    """How many synchronising CUDA calls ``fn`` makes (torch's sync debug mode, as warnings)."""
    torch.cuda.synchronize()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            fn()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    return sum("synchroniz" in str(w.message) for w in record)


@CUDA
@pytest.mark.parametrize("keep_best", [True, False])
@pytest.mark.parametrize("norm", ["inf", 2])
def test_pgd_on_cuda_is_seeded_stays_in_the_ball_and_syncs_once(keep_best, norm):
    model = cnn()
    X = torch.rand(32, 1, 8, 8, device="cuda")
    y = torch.randint(0, 10, (32,), device="cuda")

    def attack(seed, steps=5):
        return pgd(model, X, y, 0.1, norm=norm, steps=steps, loss=cross_entropy, bounds=(0.0, 1.0), keep_best=keep_best,
                   generator=torch.Generator().manual_seed(seed))

    a = attack(0)
    assert a.device == X.device and a.dtype == X.dtype
    assert torch.equal(a, attack(0)) and not torch.equal(a, attack(1))
    d = (a - X).flatten(1)
    size = d.abs().amax(1) if norm == "inf" else d.norm(dim=1)
    assert float(size.max()) <= 0.1 * (1 + 1e-6) and float(a.min()) >= 0 and float(a.max()) <= 1
    # the input checks copy one small vector to the host; the steps add nothing
    assert syncs(lambda: attack(0, steps=2)) == syncs(lambda: attack(0, steps=8)) <= 1


@CUDA
def test_fgsm_and_plain_pgd_on_cuda_agree_with_the_cpu():
    gpu, cpu = cnn().double(), cnn().cpu().double()  # the same seeded weights
    Xd = torch.rand(16, 1, 8, 8, device="cuda", dtype=torch.float64)
    y = torch.randint(0, 10, (16,), device="cuda")
    for attack in (lambda f, Z, t: fgsm(f, Z, t, 0.05, loss=cross_entropy, bounds=(0, 1)),
                   lambda f, Z, t: pgd(f, Z, t, 0.05, steps=4, random_start=False, keep_best=False, loss=cross_entropy)):
        on_gpu, on_cpu = attack(gpu, Xd, y), attack(cpu, Xd.cpu(), y.cpu())
        # the same steps; a sign may flip only where a gradient entry is at round-off level
        assert float((on_gpu.cpu() - on_cpu).abs().gt(1e-9).float().mean()) < 0.01


@CUDA
def test_bad_inputs_on_cuda_give_the_documented_messages():
    model = cnn()
    X = torch.rand(4, 1, 8, 8, device="cuda")
    y = torch.randint(0, 10, (4,), device="cuda")
    with pytest.raises(ValueError, match=r"^X must be finite"):
        pgd(model, X * math.nan, y, 0.1, loss=cross_entropy)
    with pytest.raises(ValueError, match=r"^X must lie within bounds \(0, 0.5\)"):
        fgsm(model, X + 0.6, y, 0.1, loss=cross_entropy, bounds=(0, 0.5))
    with pytest.raises(ValueError, match=r"^y must lie in \[0, 1\] for the default logistic loss"):
        fgsm(lambda Z: Z.flatten(1).sum(1), X, y.double() + 2, 0.1)
