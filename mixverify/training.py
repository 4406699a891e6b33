r"""Seeded training of a small ``torch.nn`` model, with a cache of trained weights and metric histories.

:func:`train` is a plain loop: build the model from ``seed``, then ``epochs`` passes of (mini-)batch
gradient steps on the logistic loss :math:`h(f(x)) - y f(x)`, ``h = softplus`` (Eq. 2), calling
``callback(epoch, model)`` before the first step (epoch 0) and after every epoch; what the callback
returns is the *history* (e.g. R and the R_i of Section 3.2 during training).

Determinism: the initial weights come from ``torch.manual_seed(seed)`` inside ``torch.random.fork_rng``
(the caller's global RNG state is left untouched) and mini-batches from a CPU ``torch.Generator``
seeded with ``seed``, so on the CPU a seed gives the same weights bit for bit. On CUDA results agree to
round-off only, which is why the device type is part of the cache key.

Cache: with ``key`` given, the trained ``state_dict`` and the history are stored in
``<cache_dir>/<sha256 of the configuration>.pt``, ``cache_dir`` defaulting to ``$MIXVERIFY_CACHE`` or
``~/.cache/mixverify`` (:func:`mixverify.io.default_cache_dir`). The configuration hashed is: ``key``
(names what ``model_fn`` builds and what ``callback`` records -- change it when their code changes), the
model's ``repr`` and a sha256 of its *initial* parameters (so a changed architecture or initialisation
misses the cache by itself), a sha256 of X and y (bytes, dtype, shape), every hyper-parameter, the seed,
the device type, torch major.minor and :data:`CACHE_FORMAT`. Files are written atomically
(:func:`mixverify.io.save_torch`). A file that ``torch.load`` cannot read, or whose stored configuration
or parameter names/shapes do not match, is never used: it is reported with a :class:`CacheWarning` and
the model is retrained (and the file replaced). Files are loaded with ``weights_only=True``, so the
history must consist of tensors, numbers, strings, lists, tuples and dicts.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .eq2 import logistic_loss
from .io import default_cache_dir, resolve_device, save_torch

#: Bump when the training loop or the cache layout changes, to invalidate every cached file.
CACHE_FORMAT = 2


class CacheWarning(UserWarning):
    """A cache file was unreadable or did not match its configuration; it was ignored and replaced."""


def squared_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((out - y) ** 2).mean()


LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "logistic": logistic_loss,
    "squared": squared_loss,
}
OPTIMIZERS = ("sgd", "adam")


@dataclass
class TrainResult:
    """A trained model (in eval mode, on ``device``), the callback's history (tensors moved to the CPU)
    and where it came from."""

    model: nn.Module
    history: list[Any] = field(default_factory=list)
    from_cache: bool = False
    cache_path: Path | None = None
    digest: str = ""
    seconds: float = 0.0


@contextmanager
def single_thread():
    """Run many small tensor operations on one intra-op thread: more threads only add overhead there
    (and oversubscribe shared cores). The caller's thread count is restored."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def train(model_fn: Callable[[], nn.Module], X: torch.Tensor, y: torch.Tensor, *, loss="logistic",
          batch_loss: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
          optimizer: str = "sgd", lr: float, momentum: float = 0.0, weight_decay: float = 0.0, epochs: int,
          batch_size: int | None = None, seed: int, device: str | torch.device = "auto",
          callback: Callable[[int, nn.Module], Any] | None = None, cache_dir: str | Path | None = None,
          key: str | None = None) -> TrainResult:
    """Train ``model_fn()`` on (X, y); see the module docstring for determinism and the cache.

    ``loss`` is a name in :data:`LOSSES` or a callable ``(outputs, y) -> scalar``. ``batch_loss(model, X_b, y_b)
    -> scalar``, when given, replaces it: for a loss that evaluates the model itself rather than its outputs on the
    batch (the Mixup loss of Eq. (1) evaluates it at mixed inputs); it may carry its own seeded random state, and
    enters the cache key by its qualified name (so ``key`` must name anything else it depends on). ``batch_size=None``
    is full-batch gradient descent (one step per epoch). The model is cast to X's dtype. ``key=None``
    disables the cache (training always runs).
    """
    loss_fn, loss_name = _loss(loss)
    if batch_loss is not None:
        if not callable(batch_loss):
            raise ValueError(f"batch_loss must be a callable (model, X, y) -> scalar, got {batch_loss!r}")
        loss_name = _loss(batch_loss)[1]
        step_loss = batch_loss
    else:
        def step_loss(model, Xb, yb):
            return loss_fn(model(Xb), yb)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
    if X.ndim < 2 or y.ndim != 1 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X must be (n, ...) and y (n,) with n > 0, got shapes {tuple(X.shape)} and {tuple(y.shape)}")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    dev = resolve_device(device)
    X, y = X.detach().to(dev), y.detach().to(device=dev, dtype=X.dtype)
    start = time.perf_counter()

    model = initial_model(model_fn, seed, X.dtype, dev)
    config = {
        "format": CACHE_FORMAT, "key": key, "model": repr(model), "init": _params_sha256(model),
        "data": {"X": _tensor_sha256(X), "y": _tensor_sha256(y)}, "loss": loss_name, "optimizer": optimizer,
        "lr": float(lr), "momentum": float(momentum), "weight_decay": float(weight_decay), "epochs": epochs,
        "batch_size": batch_size, "seed": int(seed), "device": dev.type,
        "torch": ".".join(torch.__version__.split(".")[:2]),
    }
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    path = None
    if key is not None:
        path = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        path = path / f"{digest}.pt"
        cached = _load(path, config, model)
        if cached is not None:
            model.load_state_dict(cached["state_dict"])
            model.eval()
            return TrainResult(model, list(cached["history"]), True, path, digest, time.perf_counter() - start)

    history = to_cpu(_fit(model, X, y, step_loss, optimizer, lr, momentum, weight_decay, epochs, batch_size, seed,
                           callback))
    model.eval()
    if path is not None:
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        save_torch({"config": config, "digest": digest, "state_dict": state, "history": history}, path)
    return TrainResult(model, history, False, path, digest, time.perf_counter() - start)


def descend(optimizer: torch.optim.Optimizer, loss: torch.Tensor, scaler=None) -> None:
    """One step of ``optimizer`` on ``loss``: zero the gradients, backpropagate -- through ``scaler`` (a
    ``torch.amp.GradScaler``, mixed precision) when given -- and step. Every training loop of mixverify and
    empirical/ (this module's, Figure 2's copies, the image trainer, the W-free ascent of :mod:`mixverify.manifold`)
    takes its steps here."""
    optimizer.zero_grad(set_to_none=True)
    (loss if scaler is None else scaler.scale(loss)).backward()
    if scaler is None:
        optimizer.step()
    else:
        scaler.step(optimizer)
        scaler.update()


def _fit(model, X, y, step_loss, optimizer, lr, momentum, weight_decay, epochs, batch_size, seed, callback):
    """The training loop proper: returns the list of the callback's (non-None) returns."""
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    batches = torch.Generator().manual_seed(seed)
    n = len(X)
    history = []

    def record(epoch):
        if callback is not None:
            model.eval()
            value = callback(epoch, model)
            model.train()
            if value is not None:
                history.append(value)

    record(0)
    model.train()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, generator=batches).to(X.device) if batch_size else None
        for start in range(0, n, batch_size or n):
            idx = order[start:start + batch_size] if batch_size else slice(None)
            descend(opt, step_loss(model, X[idx], y[idx]))
        record(epoch)
    return history


def _loss(loss):
    if callable(loss):
        return loss, f"{getattr(loss, '__module__', '?')}.{getattr(loss, '__qualname__', repr(loss))}"
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {tuple(LOSSES)} or a callable (outputs, y) -> scalar, got {loss!r}")
    return LOSSES[loss], loss


def initial_model(model_fn: Callable[[], nn.Module], seed: int, dtype: torch.dtype, device) -> nn.Module:
    """The model :func:`train` starts from: ``model_fn()`` built under ``torch.manual_seed(seed)`` (inside
    ``fork_rng``: the caller's RNG state is left alone), cast to ``dtype`` and moved to ``device``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_fn()
    if not isinstance(model, nn.Module):
        raise ValueError(f"model_fn must return a torch.nn.Module, got {type(model).__name__}")
    return model.to(device=device, dtype=dtype)


def _tensor_sha256(t: torch.Tensor) -> str:
    a = t.detach().cpu().contiguous()
    h = hashlib.sha256(f"{a.dtype}{tuple(a.shape)}".encode())
    h.update(a.numpy().tobytes())
    return h.hexdigest()


def _params_sha256(model: nn.Module) -> str:
    h = hashlib.sha256()
    for name, v in model.state_dict().items():
        h.update(name.encode())
        h.update(_tensor_sha256(v).encode())
    return h.hexdigest()


def to_cpu(obj):
    """Tensors inside dicts, lists and tuples, detached and moved to the CPU (for saving)."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_cpu(v) for v in obj)
    return obj


def _load(path: Path, config: dict, model: nn.Module) -> dict | None:
    """The cached entry at ``path``, or None when absent; a damaged or mismatched file warns and gives None."""
    if not path.exists():
        return None
    try:
        entry = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        return _refuse(path, f"unreadable ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    if not isinstance(entry, dict) or not {"config", "state_dict", "history"} <= set(entry):
        return _refuse(path, "not a mixverify training-cache entry")
    if entry["config"] != config:
        return _refuse(path, "stored configuration differs from the requested one")
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    stored = entry["state_dict"]
    if not isinstance(stored, dict) or {k: tuple(getattr(v, "shape", ())) for k, v in stored.items()} != expected:
        return _refuse(path, "stored parameter names or shapes do not match the model")
    if not isinstance(entry["history"], list):
        return _refuse(path, "stored history is not a list")
    return entry


def _refuse(path: Path, why: str) -> None:
    warnings.warn(f"ignoring training cache file {path}: {why}; retraining and replacing it",
                  CacheWarning, stacklevel=4)
    return None

