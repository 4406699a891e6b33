"""Input validation at the public boundary: one-line ``ValueError``s that name the argument.

Every public function validates its inputs once, here, so that bad input never surfaces as a
stack trace from deep inside torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch


def positive(name: str, value) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0 (alpha, beta, eps ...)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def as_tensor(name: str, value, *, ndim: int, like: torch.Tensor | None = None) -> torch.Tensor:
    """Accept a tensor or numpy array of floats with ``ndim`` dimensions, finite and non-empty."""
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(np.ascontiguousarray(value))
    elif isinstance(value, (list, tuple)):
        value = torch.as_tensor(value, dtype=torch.get_default_dtype())
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor or numpy array, got {type(value).__name__}")
    if value.dtype == torch.bool or not (value.is_floating_point() or value.dtype in _INT_DTYPES):
        raise ValueError(f"{name} must hold real numbers, got dtype {value.dtype}")
    if like is not None:
        value = value.to(dtype=like.dtype, device=like.device)
    elif not value.is_floating_point():
        value = value.to(torch.get_default_dtype())
    if value.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {tuple(value.shape)}")
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return value


_INT_DTYPES = (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)


def data(X, y, *, logistic: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate a data set: X of shape (n, d), labels y of shape (n,) (in [0, 1] for the logistic loss)."""
    X = as_tensor("X", X, ndim=2)
    y = as_tensor("y", y, ndim=1, like=X)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X: X has {X.shape[0]} rows, y has {y.shape[0]}")
    if logistic and ((y < 0).any() or (y > 1).any()):
        bad = y[(y < 0) | (y > 1)][0].item()
        raise ValueError(f"y must lie in [0, 1] for the logistic loss (h = softplus), got {bad}")
    return X, y


def outputs(f: Callable, X: torch.Tensor) -> torch.Tensor:
    """Call ``f`` on the batch ``X`` and return its n outputs as a vector of shape (n,)."""
    if not callable(f):
        raise ValueError(f"f must be a callable mapping an (n, d) tensor to n outputs, got {type(f).__name__}")
    out = f(X)
    if not isinstance(out, torch.Tensor):
        raise ValueError(f"f must return a torch.Tensor, got {type(out).__name__}")
    n = X.shape[0]
    if out.shape not in ((n,), (n, 1)):
        raise ValueError(f"f must map an ({n}, d) batch to {n} outputs, got shape {tuple(out.shape)}")
    return out.reshape(n)


def method(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"method must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def binary_labels(y: torch.Tensor, what: str = "the logistic claims") -> torch.Tensor:
    """Labels must be exactly 0 or 1 (Section 3.2: y in {0, 1})."""
    bad = y[(y != 0) & (y != 1)]
    if bad.numel():
        raise ValueError(f"y must be 0 or 1 for {what}, got {bad[0].item()}")
    return y
