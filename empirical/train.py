r"""Seeded, resumable ERM and Mixup training of the paper's image classifiers (Appendix C).

**Objective.** ERM minimises the mean cross-entropy :math:`\mathrm{CE}(f(x_i), y_i)` over mini-batches.
Mixup (Eq. 1 of Zhang et al. 2021; the practical form of facebookresearch/mixup-cifar10) draws ONE
:math:`\lambda \sim \mathrm{Beta}(\alpha, \beta)` per mini-batch and a random permutation :math:`\pi` of
the batch, trains on :math:`\tilde x_i = \lambda x_i + (1 - \lambda) x_{\pi(i)}` and minimises
:math:`\lambda\,\mathrm{CE}(f(\tilde x), y) + (1 - \lambda)\,\mathrm{CE}(f(\tilde x), y_\pi)`. The paper
uses Beta(5, 0.5) for Figure 1a and (we assume, as mixup-cifar10) Beta(1, 1) for Figures 1b and 5-8.
Optimiser: SGD, batch 64, momentum 0.9, learning rate 0.1 (Appendix C.3), weight decay 1e-4. The
learning rate is either ``constant`` or (``lr_schedule="step"``, mixup-cifar10's schedule) divided by 10
after half of the epochs and again after three quarters: epoch :math:`e` of :math:`E` (1-based) uses
:math:`0.1^{[e > E/2] + [e > 3E/4]}\,\mathrm{lr}` (see :func:`lr_at`). The last mini-batch of an epoch may be
smaller (no example is dropped).

**Randomness.** The initial weights come from ``torch.manual_seed(seed)`` inside
``torch.random.fork_rng`` (the caller's global RNG is untouched), built on the CPU. Everything else is
drawn from ONE CPU ``torch.Generator`` seeded with ``seed``, in this order each epoch: the data order
(``randperm``); the augmentation of the whole epoch (``empirical.data.augment``, in chunks of
:data:`AUGMENT_CHUNK` images in data order); for Mixup, one uniform :math:`u_b` per batch (float64) and
then one partner permutation per batch. :math:`\lambda_b = I^{-1}_{\alpha,\beta}(u_b)`, the inverse of the
regularised incomplete beta function (``scipy.special.betaincinv``): inverse-transform sampling, exact in
distribution, and seedable through the one generator (``torch.distributions.Beta`` and
``torch._standard_gamma`` draw from the global RNG). Drawing an epoch's random numbers up front keeps
the GPU loop free of host synchronisations. The subset of training images evaluated each epoch
(``eval_train_limit``) is fixed by ``numpy.random.default_rng([seed, 2])``.

**Devices.** ``device="auto"`` picks CUDA when present. On CUDA the uint8 images are moved to the GPU
once, batches are gathered there, the forward and backward passes run under autocast (bfloat16 where
supported, else float16 with a ``GradScaler`` whose state is checkpointed), model and batches in
channels_last, cuDNN autotuning on. On the CPU everything is float32 in the default layout. Evaluation
is float32 on both (no autocast), so the logged losses are float32-accurate.

**Files.** After every epoch ``run_dir`` receives, each written atomically (temporary file, then
``os.replace``): ``checkpoint.pt`` (model, optimiser, generator and scaler states, epoch, metrics, the
config, the torch version, :data:`FORMAT` and ``done``), ``metrics.csv``, ``metrics.json`` and
``config.json``. Checkpoints are read with ``weights_only=True``. An existing checkpoint is never
overwritten unless it was read, matched the configuration, and the run continues from it.

**Exact resume.** On the CPU, E epochs in one go and (k epochs, interrupt, resume) give bit-identical
weights and metrics (except ``seconds``): every piece of state that the next epoch reads is in the
checkpoint. On CUDA the state is restored the same way, but GPU kernels agree to round-off only.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import re
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from scipy.special import betaincinv
from torch import nn
from torch.nn import functional as F

from mixverify import _validate
from mixverify.io import resolve_device as _resolve_device
from mixverify.io import save_torch, write_text
from mixverify.mixup_practice import two_cross_entropies
from mixverify.training import descend, to_cpu

from .models import MODELS, build_model

if TYPE_CHECKING:
    from .data import ImageData

#: Checkpoint layout and training-loop version: part of :meth:`RunConfig.key`, stored in every checkpoint.
#: 2: CPU runs train on TRAIN_THREADS threads (format 1 runs used all cores: other round-off).
FORMAT = 2
METHODS = ("erm", "mixup")
LR_SCHEDULES = ("constant", "step")
#: The columns of metrics.csv, in order.
METRICS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "gap", "mixup_train_loss", "lr", "seconds")
#: Images augmented per call of ``empirical.data.augment`` (bounds the memory of the epoch's augmentation).
AUGMENT_CHUNK = 8192
#: Images per forward pass during evaluation and attacks: large batches keep a GPU busy; on a CPU a batch whose
#: activations fit the cache is faster (ResNet-18 at width 8 on 2000 Fashion-MNIST images, one thread: 1.16 s at 1000,
#: 0.56 s at 128; WRN-16-1: 2.97 s and 1.10 s).
EVAL_BATCH = {"cuda": 1000, "cpu": 128}


def eval_batch(device) -> int:
    """Images per forward pass on ``device`` during evaluation (:data:`EVAL_BATCH`)."""
    return EVAL_BATCH["cuda" if torch.device(device).type == "cuda" else "cpu"]
_CHECKPOINT_KEYS = {"format", "config", "epoch", "done", "model", "optimizer", "generator", "scaler", "metrics"}


class CheckpointError(Exception):
    """A run directory's checkpoint cannot be used as asked; the message names the file and what to do."""


@dataclass(frozen=True)
class RunConfig:
    """Everything that determines a training run (with the data set it names); :meth:`key` names its directory.

    ``width``: preact-resnet18's base width (paper 64) or the WRN's widen factor (paper 8), None = the paper's.
    ``alpha, beta``: Mixup's Beta law (paper: 1, 1 for Figs 5-8; 5, 0.5 for Fig 1a), unused by ERM.
    ``train_limit``/``test_limit`` record the subset sizes the data were loaded with (``empirical.data.load``);
    ``run`` checks that the data hold exactly that many images. ``eval_train_limit``: how many training
    images (a fixed seeded subset) are evaluated each epoch; None = all.
    """

    dataset: str
    model: str = "preact-resnet18"
    width: int | None = None
    method: str = "erm"
    alpha: float = 1.0
    beta: float = 1.0
    augment: bool = False
    epochs: int = 200
    batch_size: int = 64
    lr: float = 0.1
    lr_schedule: str = "constant"
    momentum: float = 0.9
    weight_decay: float = 1e-4
    train_limit: int | None = None
    test_limit: int | None = None
    eval_train_limit: int | None = 10000
    seed: int = 0

    def to_dict(self) -> dict:
        """The fields as plain JSON types, floats as floats (so ``alpha=1`` and ``alpha=1.0`` agree)."""
        out = dataclasses.asdict(self)
        for f in dataclasses.fields(self):
            v = out[f.name]
            if isinstance(v, (np.integer, np.floating)):
                v = v.item()
            if f.type == "float" and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            out[f.name] = v
        return out

    def key(self) -> str:
        """First 16 hex digits of the sha256 of the canonical JSON of the fields and :data:`FORMAT`."""
        text = json.dumps({"format": FORMAT, **self.to_dict()}, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def validate(self) -> RunConfig:
        """Raise a one-line ValueError naming the first bad field; return self."""
        if not isinstance(self.dataset, str) or not self.dataset:
            raise ValueError(f"dataset must be a data set name, got {self.dataset!r}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.method == "mixup":
            for name in ("alpha", "beta"):
                _validate.number_in(name, getattr(self, name), low=0.0)
        if not isinstance(self.augment, bool):
            raise ValueError(f"augment must be True or False, got {self.augment!r}")
        for name in ("epochs", "batch_size"):
            _validate.count(name, getattr(self, name))
        for name in ("width", "train_limit", "test_limit", "eval_train_limit"):
            _validate.count(name, getattr(self, name), optional=True)
        _validate.number_in("lr", self.lr, low=0.0)
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {', '.join(LR_SCHEDULES)}, got {self.lr_schedule!r}")
        _validate.number_in("momentum", self.momentum, low=0.0, strict=False, high=1.0)
        _validate.number_in("weight_decay", self.weight_decay, low=0.0, strict=False)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {self.seed!r}")
        return self


def lr_at(config: RunConfig, epoch: int) -> float:
    """The learning rate of epoch ``epoch`` (1-based): ``config.lr``, or under the ``step`` schedule
    (mixup-cifar10's: epochs 1-100, 101-150, 151-200 of 200 at 0.1, 0.01, 0.001) ``config.lr`` times 0.1
    once ``epoch > epochs / 2`` and again once ``epoch > 3 epochs / 4``."""
    if config.lr_schedule == "constant":
        return config.lr
    drops = (2 * epoch > config.epochs) + (4 * epoch > 3 * config.epochs)
    return config.lr * 0.1 ** drops


@dataclass
class RunResult:
    """A run's model (eval mode, on the device), its metrics rows, its directory and the epoch this call
    started from (0: trained from scratch; k: resumed after epoch k; ``epochs``: a finished run reused)."""

    config: RunConfig
    model: nn.Module
    metrics: list[dict] = field(default_factory=list)
    run_dir: Path = Path(".")
    resumed_from: int = 0


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"``: CUDA when available, else the CPU; a named device must exist (:func:`mixverify.io.resolve_device`
    with ``check=True``: one-line errors)."""
    return _resolve_device(device, check=True)


def run(config: RunConfig, data: ImageData, run_dir, *, resume: bool = True, device="auto", progress: bool = True,
        stop_after: int | None = None, log=None) -> RunResult:
    """Train ``config`` on ``data`` in ``run_dir`` (checkpoint and metrics after every epoch), or reuse it.

    A finished checkpoint in ``run_dir`` is loaded and returned without training. An unfinished one (an
    interrupted run) is continued exactly where it stopped, and ``log`` (a callable taking one line, if given)
    is told so; ``resume=False`` refuses it instead. An unreadable checkpoint, or one written for another
    configuration, is refused (:class:`CheckpointError`, naming the command that discards it) and left
    untouched. ``stop_after=k`` returns after epoch k (a run done in pieces; an interruption in tests).

    Only one process trains a run directory at a time: ``run`` holds its lock (:func:`run_lock`) while it
    reads and trains, so a second worker that asks for the same run waits, then reuses the finished run (or
    resumes it, if the first died). On the CPU a run trains on :data:`TRAIN_THREADS` threads whatever the
    machine, so that its weights do not depend on the core count or on how many workers share the machine.
    See the module docstring for the rest.
    """
    config = _as_config(config).validate()
    _check_data(config, data)
    _validate.count("stop_after", stop_after, optional=True)
    dev = resolve_device(device)
    run_dir = Path(run_dir)
    with run_lock(run_dir, log=log), _train_threads(dev):
        return _run_locked(config, data, run_dir, dev, resume=resume, progress=progress, stop_after=stop_after,
                           log=log)


def _run_locked(config, data, run_dir: Path, dev, *, resume, progress, stop_after, log) -> RunResult:
    path = run_dir / "checkpoint.pt"
    state = _read_checkpoint(path, config) if path.exists() else None
    if state is not None and not state["done"]:
        if not resume:
            raise CheckpointError(f"{run_dir}: run interrupted after epoch {state['epoch']} of {config.epochs}; pass "
                                  f"resume=True to continue it, or discard it with: rm -r '{run_dir}'")
        if log:
            log(f"resuming {run_dir.name} after epoch {state['epoch']} of {config.epochs} (interrupted earlier)")
    with _cudnn_autotune(dev):
        trainer = Trainer(config, data, dev)
        start, metrics = 0, []
        if state is not None:
            try:
                trainer.load_state_dict(state)
            except (RuntimeError, KeyError, ValueError, TypeError) as exc:
                raise CheckpointError(f"{path}: its saved state does not fit this model ({_first_line(exc)}); it was "
                                      f"left untouched: discard it with: rm -r '{path.parent}'") from None
            start, metrics = int(state["epoch"]), [dict(row) for row in state["metrics"]]
        last = config.epochs if stop_after is None else min(config.epochs, stop_after)
        if start < last:
            run_dir.mkdir(parents=True, exist_ok=True)
            write_text(run_dir / "config.json", json.dumps(config.to_dict(), indent=2) + "\n")
        for epoch in range(start + 1, last + 1):
            t0 = time.perf_counter()
            objective = trainer.train_epoch(epoch, progress=progress)
            train_loss, train_acc = trainer.evaluate(trainer.x_eval, trainer.y_eval)
            test_loss, test_acc = trainer.evaluate(trainer.x_test, trainer.y_test)
            metrics.append({"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc, "test_loss": test_loss,
                            "test_acc": test_acc, "gap": test_loss - train_loss, "mixup_train_loss": objective,
                            "lr": float(trainer.optimizer.param_groups[0]["lr"]),
                            "seconds": time.perf_counter() - t0})
            save_torch(trainer.state_dict(epoch, metrics), path)
            _write_metrics(run_dir, metrics)
    trainer.model.eval()
    return RunResult(config, trainer.model, metrics, run_dir, start)


class Trainer:
    """One run's mutable state (model, SGD, the generator, the scaler) and its data on the device.

    :meth:`train_epoch` is the training loop that ``run`` uses and ``benchmarks/bench_epoch.py`` times.
    """

    def __init__(self, config: RunConfig, data: ImageData, device: torch.device):
        self.config, self.device, self.dataset = config, device, data.name
        self.cuda = device.type == "cuda"
        self.memory_format = torch.channels_last if self.cuda else torch.contiguous_format
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            model = build_model(config.model, data.channels, data.num_classes, width=config.width,
                                mean=data.mean, std=data.std)
        self.model = model.to(device=device, memory_format=self.memory_format)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=config.lr, momentum=config.momentum,
                                         weight_decay=config.weight_decay)
        self.generator = torch.Generator().manual_seed(config.seed)
        self.amp_dtype = None
        self.scaler = None
        if self.cuda:
            self.amp_dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            if self.amp_dtype == torch.float16:
                self.scaler = torch.amp.GradScaler("cuda")
        self.x_train, self.y_train = data.x_train.to(device), data.y_train.to(device)
        self.x_test, self.y_test = data.x_test.to(device), data.y_test.to(device)
        n, limit = self.x_train.shape[0], config.eval_train_limit
        if limit is None or limit >= n:
            self.x_eval, self.y_eval = self.x_train, self.y_train
        else:
            idx = torch.from_numpy(np.sort(np.random.default_rng([config.seed, 2]).permutation(n)[:limit])).to(device)
            self.x_eval, self.y_eval = self.x_train[idx], self.y_train[idx]
        self._augment = None
        if config.augment:
            from .data import augment

            self._augment = augment

    # --- one epoch ---------------------------------------------------------------------------------

    def draw_epoch(self):
        """The epoch's random numbers, from the generator in the documented order, on the device:
        (x in training order, augmented if asked; y in that order; per-batch lambdas or None; the
        concatenated per-batch partner permutations or None)."""
        cfg, g, n, b = self.config, self.generator, self.x_train.shape[0], self.config.batch_size
        order = torch.randperm(n, generator=g).to(self.device)
        if self._augment is None:
            x = self.x_train[order]
        else:
            x = torch.cat([self._augment(self.x_train[order[i:i + AUGMENT_CHUNK]], self.dataset, g)
                           for i in range(0, n, AUGMENT_CHUNK)])
        lams = perms = None
        if cfg.method == "mixup":
            batches = math.ceil(n / b)
            u = torch.rand(batches, generator=g, dtype=torch.float64)
            lams = torch.from_numpy(sample_lambda(cfg.alpha, cfg.beta, u.numpy())).to(torch.float32)
            perms = torch.cat([torch.randperm(min(b, n - i), generator=g) for i in range(0, n, b)])
            lams, perms = lams.to(self.device), perms.to(self.device)
        return x, self.y_train[order], lams, perms

    #: The captured training step on CUDA (a :class:`StepGraph`), or None.
    step_graph = None
    #: Why this trainer trains eagerly on CUDA (set once, logged once), or None while graphs are allowed.
    graph_off: str | None = None

    def train_epoch(self, epoch: int = 0, *, progress: bool = False) -> float:
        """One pass over the training set; returns the training objective's mean over the examples.

        Each mini-batch is one SGD step (:meth:`_step`). On the CPU, and on CUDA where graphs are off
        (:attr:`graph_off`), every step runs eagerly. On CUDA the full mini-batches replay one CUDA graph of the
        whole step (:class:`StepGraph`: the batch's gather, forward, backward, SGD update and the running loss),
        captured in the first epoch at each learning rate after :data:`GRAPH_WARMUP` eager steps of that epoch
        (on a side stream); the partial last batch runs eagerly. If the capture fails, the trainer logs one line
        with the reason and trains eagerly from then on. Both paths take the same steps on the same data: the
        graph replays the eager step's kernels (with autocast's weight-cast cache off, which changes no value).
        """
        from tqdm import tqdm

        b = self.config.batch_size
        lr = lr_at(self.config, max(epoch, 1))
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        x, y, lams, perms = self.draw_epoch()
        n = x.shape[0]
        self.model.train()
        graph = self._graph_for(lr, x, lams)
        total = graph.total if graph is not None else torch.zeros((), dtype=torch.float64, device=self.device)
        bar = tqdm(total=math.ceil(n / b), desc=f"epoch {epoch}/{self.config.epochs}", unit="batch",
                   file=sys.stderr, disable=not progress, leave=False)

        def eager(k: int) -> None:
            i = k * b
            lam, p = (None, None) if lams is None else (lams[k], perms[i:i + b])
            loss = self._step(x[i:i + b], y[i:i + b], lam, p)
            total.add_(loss.double() * min(b, n - i))
            bar.update(1)

        done = 0  # batches trained
        if graph is not None:
            graph.load_epoch(x, y, lams, perms)
            if not graph.captured:
                done = self._capture(graph, eager)
            if graph.captured:
                for _ in range(done, n // b):
                    graph.replay()
                    bar.update(1)
                done = n // b
        for k in range(done, math.ceil(n / b)):
            eager(k)
        mean = float(total) / n
        bar.set_postfix(loss=f"{mean:.4f}")
        bar.close()
        return mean

    def _step(self, xb: torch.Tensor, yb: torch.Tensor, lam, perm, *, cache: bool = True) -> torch.Tensor:
        """One SGD step on the uint8 mini-batch ``xb`` (Mixup with ``lam`` and ``perm`` unless they are None);
        returns the detached loss. ``cache=False`` turns off autocast's weight-cast cache (for graph capture)."""
        model, opt, scaler = self.model, self.optimizer, self.scaler
        xb = xb.to(dtype=torch.float32, memory_format=self.memory_format).div_(255)
        autocast = (torch.autocast("cuda", dtype=self.amp_dtype, cache_enabled=cache) if self.amp_dtype is not None
                    else nullcontext())
        with autocast:
            if lam is None:
                loss = F.cross_entropy(model(xb), yb)
            else:
                out = model(mix(xb, lam, perm))
                loss = mixup_batch_loss(out, yb, lam, perm)
        descend(opt, loss, scaler)
        return loss.detach()

    def _graph_for(self, lr: float, x: torch.Tensor, lams) -> StepGraph | None:
        """The step graph for this epoch (an existing one if it still fits, else a new, uncaptured one), or None
        for eager training (the CPU; graphs off; too few full batches to warm up and capture)."""
        if not self.cuda or self.graph_off is not None:
            return None
        if self.scaler is not None:
            self._graphs_off("float16 autocast: GradScaler's overflow check synchronises with the host")
            return None
        if x.shape[0] // self.config.batch_size <= GRAPH_WARMUP:
            return None  # a small data set (tests): not worth a capture, and nothing to warm up on
        g = self.step_graph
        if g is not None and g.fits(self, lr, x, lams):
            return g
        self.step_graph = None  # free the old graph's memory pool before the new capture
        self.step_graph = StepGraph(self, lr, x, lams)
        return self.step_graph

    def _capture(self, graph: StepGraph, eager) -> int:
        """Warm up (:data:`GRAPH_WARMUP` eager steps of this epoch on a side stream, as PyTorch's whole-network
        capture prescribes: cuDNN autotuning, momentum buffers, allocator), then capture the step. Returns the
        number of batches done; on failure logs one line and turns graphs off for this trainer."""
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for k in range(GRAPH_WARMUP):
                eager(k)
        torch.cuda.current_stream(self.device).wait_stream(side)
        try:
            graph.capture(self, first=GRAPH_WARMUP)
        except Exception as exc:  # any capture failure: train eagerly, say why once
            self.step_graph = None
            self._graphs_off(f"capture failed: {_first_line(exc)}")
        return GRAPH_WARMUP

    def _graphs_off(self, reason: str) -> None:
        import logging

        self.graph_off = reason
        logging.getLogger(__name__).warning("empirical.train: training eagerly on CUDA, without a CUDA graph (%s)",
                                            reason)

    def _autocast(self):
        """Mixed precision for the training step on CUDA; nothing on the CPU."""
        return torch.autocast("cuda", dtype=self.amp_dtype) if self.amp_dtype is not None else nullcontext()

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        """Mean cross-entropy and accuracy of the model in eval mode on uint8 images ``x``, in float32."""
        self.model.eval()
        loss = torch.zeros((), dtype=torch.float64, device=self.device)
        correct = torch.zeros((), dtype=torch.int64, device=self.device)
        b = eval_batch(self.device)
        for i in range(0, x.shape[0], b):
            xb = x[i:i + b].to(dtype=torch.float32, memory_format=self.memory_format).div_(255)
            yb = y[i:i + b]
            out = self.model(xb).float()
            loss += F.cross_entropy(out, yb, reduction="sum").double()
            correct += (out.argmax(1) == yb).sum()
        return float(loss) / x.shape[0], float(correct) / x.shape[0]

    # --- checkpoints -------------------------------------------------------------------------------

    def state_dict(self, epoch: int, metrics: list[dict]) -> dict:
        """The checkpoint after ``epoch``: CPU tensors and plain types only (loadable with weights_only)."""
        return {
            "format": FORMAT, "config": self.config.to_dict(), "epoch": epoch, "epochs": self.config.epochs,
            "done": epoch == self.config.epochs,
            "model": {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()},
            "optimizer": to_cpu(self.optimizer.state_dict()), "generator": self.generator.get_state(),
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "metrics": [dict(row) for row in metrics], "torch": str(torch.__version__), "device": self.device.type,
        }

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.generator.set_state(state["generator"])
        if self.scaler is not None and state["scaler"]:
            self.scaler.load_state_dict(state["scaler"])


#: Eager steps that precede a CUDA-graph capture (PyTorch's CUDA graphs docs warm up with 3).
GRAPH_WARMUP = 3


class StepGraph:
    """A :class:`Trainer`'s whole training step on CUDA as one CUDA graph (the "whole network capture" of
    PyTorch's CUDA graphs documentation): gather mini-batch ``step`` of the epoch, forward, backward, SGD update,
    add the loss to the running total, ``step += 1``.

    Static inputs: the epoch's images, labels, lambdas and partner permutations are copied once per epoch into
    persistent device buffers (:meth:`load_epoch`), and the graph gathers its mini-batch from them at a step
    counter that it increments itself, so a replay takes no arguments and the host only launches it. SGD reads
    the learning rate as a Python number, so a graph holds one learning rate (:meth:`fits`); a new rate
    (the ``step`` schedule) means a new capture. A graph also records the addresses of the parameters and the
    momentum buffers: when they change (an optimiser state loaded for a resume) it no longer fits either.
    """

    def __init__(self, trainer: Trainer, lr: float, x: torch.Tensor, lams):
        b, dev = trainer.config.batch_size, trainer.device
        self.lr, self.batch_size, self.captured = lr, b, False
        self.x = torch.empty_like(x)
        self.y = torch.empty_like(trainer.y_train)
        self.lams = None if lams is None else torch.empty_like(lams)
        self.perms = None if lams is None else torch.empty_like(self.y)
        self.step = torch.zeros((), dtype=torch.int64, device=dev)
        self.total = torch.zeros((), dtype=torch.float64, device=dev)
        self.offsets = torch.arange(b, device=dev)
        self.graph = None
        self.tensors = self._state(trainer)

    @staticmethod
    def _state(trainer: Trainer) -> list:
        """The tensors the graph updates in place: the parameters and their momentum buffers."""
        params = [p for group in trainer.optimizer.param_groups for p in group["params"]]
        return params + [trainer.optimizer.state.get(p, {}).get("momentum_buffer") for p in params]

    def fits(self, trainer: Trainer, lr: float, x: torch.Tensor, lams) -> bool:
        """Whether this graph can train the epoch: same learning rate, data shapes and state tensors."""
        same = [a is b for a, b in zip(self.tensors, self._state(trainer))]
        return (self.lr == lr and self.x.shape == x.shape and (lams is None) == (self.lams is None)
                and (lams is None or self.lams.shape == lams.shape) and all(same) and len(same) == len(self.tensors))

    def load_epoch(self, x: torch.Tensor, y: torch.Tensor, lams, perms) -> None:
        """Copy the epoch's data into the static buffers; zero the running loss and the step counter."""
        self.x.copy_(x)
        self.y.copy_(y)
        if lams is not None:
            self.lams.copy_(lams)
            self.perms.copy_(perms)
        self.total.zero_()
        self.step.zero_()

    def body(self, trainer: Trainer) -> None:
        """The captured work: train full mini-batch ``step`` of the loaded epoch, add its loss, ``step += 1``.
        Every index is a device tensor, so nothing here reads a value on the host."""
        idx = self.step * self.batch_size + self.offsets
        lam = p = None
        if self.lams is not None:
            lam = self.lams.index_select(0, self.step.view(1)).view(())
            p = self.perms.index_select(0, idx)
        loss = trainer._step(self.x.index_select(0, idx), self.y.index_select(0, idx), lam, p, cache=False)
        self.total.add_(loss.double() * self.batch_size)
        self.step.add_(1)

    def capture(self, trainer: Trainer, *, first: int) -> None:
        """Capture :meth:`body`; the next replay trains mini-batch ``first`` (the warm-up did the ones before)."""
        self.step.fill_(first)
        trainer.optimizer.zero_grad(set_to_none=True)  # as the docs: the captured backward allocates the grads
        torch.cuda.synchronize(trainer.device)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.body(trainer)
        self.tensors = self._state(trainer)  # now with the momentum buffers the warm-up created
        self.captured = True

    def replay(self) -> None:
        """Train the next full mini-batch of the loaded epoch."""
        self.graph.replay()


# --- Mixup -----------------------------------------------------------------------------------------

def sample_lambda(alpha: float, beta: float, u):
    r""":math:`\lambda = I^{-1}_{\alpha,\beta}(u)`: Beta(alpha, beta) draws from uniforms ``u`` in [0, 1)."""
    return betaincinv(alpha, beta, u)


def mix(x: torch.Tensor, lam: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    r"""Mixed inputs :math:`\lambda x + (1 - \lambda) x_\pi` (Eq. 1) of a batch and its permutation ``perm``."""
    return lam * x + (1 - lam) * x[perm]


def mixup_batch_loss(out: torch.Tensor, y: torch.Tensor, lam: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    r""":math:`\lambda\,\mathrm{CE}(out, y) + (1 - \lambda)\,\mathrm{CE}(out, y_\pi)`, mean over the batch: the per-batch
    training loss of practical Mixup (one lambda, a permuted partner), not Eq. (1) (:func:`mixverify.mixup_loss`).
    It is :func:`mixverify.mixup_practice.two_cross_entropies` (the mixed cross-entropy that claim checks against
    mixup-cifar10's criterion), on logits of at least float32 precision: under bfloat16 autocast lambda keeps its float32
    precision."""
    return two_cross_entropies(out.to(torch.promote_types(out.dtype, torch.float32)), y, y[perm], lam).mean()


# --- checks and files ------------------------------------------------------------------------------

def _as_config(config) -> RunConfig:
    if not isinstance(config, RunConfig):
        raise ValueError(f"config must be a RunConfig, got {type(config).__name__}")
    return config


def _check_data(config: RunConfig, data) -> None:
    """The data must be the data set the config names, at the sizes it records, as uint8 NCHW and int64 labels."""
    name = getattr(data, "name", None)
    if name != config.dataset:
        raise ValueError(f"data must be the config's data set {config.dataset!r}, got {name!r}")
    for split in ("train", "test"):
        x, y = getattr(data, f"x_{split}", None), getattr(data, f"y_{split}", None)
        if not isinstance(x, torch.Tensor) or x.dtype != torch.uint8 or x.ndim != 4 or x.shape[0] == 0:
            raise ValueError(f"data.x_{split} must be a non-empty uint8 tensor (N, C, H, W), got "
                             f"{getattr(x, 'dtype', type(x).__name__)} of shape {tuple(getattr(x, 'shape', ()))}")
        if not isinstance(y, torch.Tensor) or y.dtype != torch.int64 or y.shape != x.shape[:1]:
            raise ValueError(f"data.y_{split} must be an int64 tensor of shape ({x.shape[0]},), got "
                             f"{getattr(y, 'dtype', type(y).__name__)} of shape {tuple(getattr(y, 'shape', ()))}")
        if int(y.min()) < 0 or int(y.max()) >= data.num_classes:
            raise ValueError(f"data.y_{split} must hold classes 0..{data.num_classes - 1}, got {int(y.min())}.."
                             f"{int(y.max())}")
        limit = getattr(config, f"{split}_limit")
        if limit is not None and x.shape[0] != limit:
            raise ValueError(f"config.{split}_limit is {limit} but data.x_{split} holds {x.shape[0]} images; load "
                             f"the data with {split}_limit={limit}")
    if data.x_test.shape[1:] != data.x_train.shape[1:]:
        raise ValueError(f"data.x_test must have the training images' shape {tuple(data.x_train.shape[1:])}, "
                         f"got {tuple(data.x_test.shape[1:])}")


def _read_checkpoint(path: Path, config: RunConfig) -> dict:
    """The checkpoint at ``path``, checked against ``config``; any problem is a CheckpointError (file untouched)."""
    untouched = f"it was left untouched: discard it with: rm -r '{path.parent}'"
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(f"{path}: not a readable checkpoint ({_first_line(exc)}); {untouched}") from None
    if not isinstance(state, dict) or not _CHECKPOINT_KEYS <= set(state):
        raise CheckpointError(f"{path}: not a training checkpoint of empirical.train (missing entries); {untouched}")
    if state["format"] != FORMAT:
        raise CheckpointError(f"{path}: checkpoint format {state['format']!r}, this code reads format {FORMAT}; "
                              f"{untouched}")
    stored, wanted = state["config"], config.to_dict()
    if stored != wanted:
        fields = [k for k in sorted(set(stored) | set(wanted)) if stored.get(k) != wanted.get(k)]
        diff = ", ".join(f"{k}: checkpoint {stored.get(k)!r}, requested {wanted.get(k)!r}" for k in fields)
        raise CheckpointError(f"{path}: written for another configuration ({diff}); use another run directory, or "
                              f"discard this one with: rm -r '{path.parent}'")
    epoch = state["epoch"]
    if (isinstance(epoch, bool) or not isinstance(epoch, int) or not 1 <= epoch <= config.epochs
            or not isinstance(state["metrics"], list) or len(state["metrics"]) != epoch):
        raise CheckpointError(f"{path}: inconsistent checkpoint (epoch {epoch!r}); {untouched}")
    return state


def _first_line(exc: BaseException) -> str:
    """The exception's type and the most telling line of its message (torch.load's are many lines long)."""
    text = [ln.strip() for ln in re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).splitlines() if ln.strip()]
    line = next((ln for ln in text if "Unpickler error" in ln), text[0] if text else "")
    line = line if len(line) <= 160 else line[:157] + "..."
    return f"{type(exc).__name__}: {line}" if line else type(exc).__name__


def _write_metrics(run_dir: Path, metrics: list[dict]) -> None:
    """metrics.json (a list of rows) and metrics.csv (the :data:`METRICS` columns, floats as repr)."""
    write_text(run_dir / "metrics.json", json.dumps(metrics, indent=1, allow_nan=True) + "\n")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(METRICS)
    for row in metrics:
        writer.writerow([repr(row[k]) for k in METRICS])
    write_text(run_dir / "metrics.csv", buf.getvalue())


def lock_path(run_dir) -> Path:
    """The lock file of a run directory: beside it, ``<run_dir>.lock`` (the directory may not exist yet)."""
    run_dir = Path(run_dir)
    return run_dir.parent / f"{run_dir.name}.lock"


@contextmanager
def run_lock(run_dir, *, log=None, poll: float = 1.0):
    """Hold the run directory's lock: an OS file lock (``filelock.FileLock``: ``flock`` on POSIX) on
    :func:`lock_path`, so the claim is atomic on a local or shared file system, and the kernel (or the NFS
    server's lease) releases it when its holder dies, however it dies: a stale claim never blocks. While
    another live process holds it, wait (telling ``log`` once). ``<run_dir>.owner`` names the holder
    (host, pid, start time) for ``mixverify runs``; it is removed on release."""
    import os
    import socket

    from filelock import FileLock, Timeout

    path = lock_path(run_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if log:
            log(f"waiting for {Path(run_dir).name}: another worker is training it ({read_owner(run_dir) or 'unknown'})")
        lock.acquire(timeout=-1, poll_interval=poll)
    owner = path.with_suffix(".owner")
    try:
        write_text(owner, json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": time.time()}) + "\n")
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()


def read_owner(run_dir) -> str:
    """Who holds a run's lock, as written by :func:`run_lock` ("" if nobody says)."""
    try:
        o = json.loads(lock_path(run_dir).with_suffix(".owner").read_text())
        return f"{o['host']} pid {o['pid']}"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def is_locked(run_dir) -> bool:
    """True while a live process holds the run's lock (a probe: takes it and lets go at once if free)."""
    from filelock import FileLock, Timeout

    path = lock_path(run_dir)
    if not path.exists():
        return False
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


#: Threads a CPU run trains on. Float sums split over threads round differently, so weights trained on 1 and
#: on 2 threads differ in the last bits; pinned, a run is bit-identical whether it was trained alone, by one
#: of several workers, on a 2-core laptop or a 64-core node. More cores are used by more workers.
TRAIN_THREADS = 1


@contextmanager
def _train_threads(device: torch.device):
    """torch's intra-op threads set to :data:`TRAIN_THREADS` for a CPU run, restored afterwards."""
    if device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(TRAIN_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def _cudnn_autotune(device: torch.device):
    """cuDNN autotuning (as mixup-cifar10's ``cudnn.benchmark = True``) on CUDA, restored afterwards."""
    if device.type != "cuda":
        yield
        return
    before = torch.backends.cudnn.benchmark
    torch.backends.cudnn.benchmark = True
    try:
        yield
    finally:
        torch.backends.cudnn.benchmark = before
