"""Input validation at the public boundary: one-line ``ValueError``s that name the argument.

Every public function validates its inputs once, here, so that bad input never surfaces as a
stack trace from deep inside torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from .eq2 import softplus  # eq2 imports nothing of mixverify: _validate stays at the bottom too


def positive(name: str, value) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0 (alpha, beta, eps ...)."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
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


def data_for(f: Callable, X, y, *, h) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Validate a data set for the model ``f``: (X, labels, K). K = 1 for a model with one output per row (labels
    (n,), in [0, 1] for the logistic loss); K >= 2 for a model returning (n, K) class scores, whose labels become
    (n, K) rows (:func:`class_labels`)."""
    X = as_tensor("X", X, ndim=2)
    k = classes(f, X)
    if k == 1:
        return (*data(X, y, logistic=h is softplus), 1)
    return X, class_labels(y, X, k), k


def classes(f: Callable, X: torch.Tensor) -> int:
    """How many outputs ``f`` gives per row: 1 for shape (n,) or (n, 1), K for (n, K) class scores (K >= 2)."""
    out = _call(f, X[:1])
    if out.shape in ((1,), (1, 1)):
        return 1
    if out.ndim == 2 and out.shape[0] == 1:
        return int(out.shape[1])
    raise ValueError(f"f must map an (n, d) batch to n outputs or to (n, K) class scores, got shape {tuple(out.shape)} "
                     "for one row")


def class_labels(y, X: torch.Tensor, k: int) -> torch.Tensor:
    """Labels of a K-class model as (n, K) rows in X's dtype: integer class labels (n,) in 0 ... K-1 become one-hot
    rows; (n, K) rows (one-hot or soft) must be >= 0 and sum to 1 (the softmax cross-entropy of Eq. (2) with
    h = log-sum-exp is a cross-entropy only for such rows)."""
    if isinstance(y, np.ndarray):
        y = torch.from_numpy(np.ascontiguousarray(y))
    elif isinstance(y, (list, tuple)):
        y = torch.as_tensor(y)
    if not isinstance(y, torch.Tensor):
        raise ValueError(f"y must be a torch.Tensor or numpy array, got {type(y).__name__}")
    n = X.shape[0]
    if y.ndim == 1:
        if y.dtype == torch.bool or y.is_floating_point() or y.is_complex():
            raise ValueError(f"y must hold integer class labels (an integer dtype: y.long()) or (n, {k}) label rows for a "
                             f"{k}-class model, got dtype {y.dtype} with shape {tuple(y.shape)}")
        if y.shape[0] != n:
            raise ValueError(f"y must have one label per row of X: X has {n} rows, y has {y.shape[0]}")
        bad = y[(y < 0) | (y >= k)]
        if bad.numel():
            raise ValueError(f"y must hold class labels in 0 ... {k - 1} for a {k}-class model, got {bad[0].item()}")
        return torch.nn.functional.one_hot(y.to(device=X.device, dtype=torch.int64), k).to(X.dtype)
    y = as_tensor("y", y, ndim=2, like=X)
    if tuple(y.shape) != (n, k):
        raise ValueError(f"y must be class labels (n,) or label rows of shape ({n}, {k}) for a {k}-class model, got "
                         f"shape {tuple(y.shape)}")
    slack = 8 * k * torch.finfo(X.dtype).eps  # the round-off of summing K entries of a probability row
    if (y < 0).any() or ((y.sum(1) - 1).abs() > slack).any():
        row = int(torch.nonzero((y < 0).any(1) | ((y.sum(1) - 1).abs() > slack))[0])
        raise ValueError(f"y's rows must be >= 0 and sum to 1 (one-hot or soft labels), got row {row} summing to "
                         f"{y[row].sum().item():.6g}")
    return y


def _call(f: Callable, X: torch.Tensor) -> torch.Tensor:
    """``f(X)``, with a one-line error for a non-callable, a torch failure, or a non-float result."""
    if not callable(f):
        raise ValueError(f"f must be a callable mapping an (n, d) tensor to n outputs, got {type(f).__name__}")
    try:
        out = f(X)
    except RuntimeError as exc:  # torch's dtype / shape mismatches: one line naming f and the batch
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"f failed on a batch of shape {tuple(X.shape)} and dtype {X.dtype}: {reason}") from exc
    if not isinstance(out, torch.Tensor):
        raise ValueError(f"f must return a torch.Tensor, got {type(out).__name__}")
    if not out.is_floating_point():
        raise ValueError(f"f must return real floating-point outputs, got dtype {out.dtype}")
    return out


def outputs(f: Callable, X: torch.Tensor, k: int = 1) -> torch.Tensor:
    """Call ``f`` on the batch ``X`` and return its n outputs as a vector of shape (n,) (``k`` = 1), or its (n, k)
    class scores."""
    out = _call(f, X)
    n = X.shape[0]
    if k > 1:
        if tuple(out.shape) != (n, k):
            raise ValueError(f"f must map an ({n}, d) batch to ({n}, {k}) class scores, got shape {tuple(out.shape)}")
        return out
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


def nonnegative_int(name: str, value) -> int:
    """An integer >= 0 (a moment's order k; k = 0 is the trivial moment 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def numpy_generator(value) -> np.random.Generator | None:
    """``None`` or a ``numpy.random.Generator`` (the Monte Carlo estimators draw with numpy)."""
    if value is not None and not isinstance(value, np.random.Generator):
        raise ValueError("generator must be a numpy.random.Generator (numpy.random.default_rng(seed)) or None, "
                         f"got {type(value).__name__}")
    return value


def torch_generator(value) -> torch.Generator | None:
    """``None`` or a CPU ``torch.Generator`` (CPU inputs: the attacks draw from it; CUDA inputs: one integer drawn
    from it seeds a generator on the device)."""
    if value is None:
        return None
    if not isinstance(value, torch.Generator):
        raise ValueError("generator must be a torch.Generator (torch.Generator().manual_seed(seed)) or None, "
                         f"got {type(value).__name__}")
    if value.device.type != "cpu":
        raise ValueError(f"generator must be a CPU torch.Generator (random numbers are drawn on the CPU), got {value.device}")
    return value


def vectorised(name: str, fn: Callable, lam: np.ndarray) -> np.ndarray:
    """``fn(lam)`` for the array of quadrature nodes ``lam``: it must return one real number per node."""
    if not callable(fn):
        raise ValueError(f"{name} must be a callable mapping an array of lambdas to an array of values, got {type(fn).__name__}")
    try:
        values = np.asarray(fn(lam))
    except TypeError as exc:  # e.g. math.exp on an array
        raise ValueError(f"{name} must be vectorised (map an array of lambdas to an array): {exc}") from None
    if values.shape != lam.shape or not np.isrealobj(values):
        raise ValueError(f"{name} must map the {lam.shape[0]} quadrature nodes to {lam.shape[0]} real values, got shape "
                         f"{values.shape} and dtype {values.dtype}")
    return values


def nonnegative(name: str, value) -> float:
    """A finite number >= 0 (a radius eps)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number >= 0, got {value!r}") from None
    if not (x >= 0 and math.isfinite(x)):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return x


def real(name: str, value) -> float:
    """A real number (not a bool); infinities pass (the callers that need finite values say so)."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None


def finite(name: str, value) -> float:
    """A finite real number."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def in_interval(name: str, value, lo: float, hi: float, *, closed_lo: bool = False, closed_hi: bool = False) -> float:
    """A real number in the interval from lo to hi, each end open unless ``closed_lo`` / ``closed_hi``
    (tau in (0, 1), a probability in (0, 1] or [0, 1])."""
    x = real(name, value)
    above = x >= lo if closed_lo else x > lo
    below = x <= hi if closed_hi else x < hi
    if not (above and below):
        interval = f"{'[' if closed_lo else '('}{lo:g}, {hi:g}{']' if closed_hi else ')'}"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return x


def array(name: str, value, ndim: int) -> np.ndarray:
    """A non-empty finite float array with ``ndim`` dimensions (numpy, or a tensor copied to the host)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if np.iscomplexobj(value):
        raise ValueError(f"{name} must hold real numbers, got a complex array")
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers, got {type(value).__name__}") from None
    if a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return a


def required_numpy_generator(value) -> np.random.Generator:
    """A ``numpy.random.Generator`` (not None: the caller draws from it)."""
    if not isinstance(value, np.random.Generator):
        raise ValueError(f"generator must be a numpy.random.Generator (e.g. ctx.rng(k)), got {type(value).__name__}")
    return value


def number_in(name: str, value, *, low: float, strict: bool = True, high: float | None = None) -> float:
    """A finite Python or numpy number (not a bool) above ``low`` (or at it, ``strict=False``) and below ``high``
    (a run's learning rate, momentum, weight decay)."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    v = float(value) if ok else math.nan
    ok = ok and math.isfinite(v) and (v > low if strict else v >= low) and (high is None or v < high)
    if not ok:
        bounds = f"{'>' if strict else '>='} {low:g}" + (f" and < {high:g}" if high is not None else "")
        raise ValueError(f"{name} must be a finite number {bounds}, got {value!r}")
    return v


def count(name: str, value, *, optional: bool = False) -> None:
    """A positive integer (or None where ``optional``): a number of epochs, a batch size."""
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer{' or None' if optional else ''}, got {value!r}")


def per_channel(name: str, value, channels: int, default: float) -> list[float]:
    """``channels`` finite numbers, one per input channel (a normalisation's mean or std); None gives ``default``."""
    if value is None:
        return [default] * channels
    try:
        values = [float(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of {channels} numbers, got {value!r}") from None
    if len(values) != channels or any(not math.isfinite(v) for v in values):
        raise ValueError(f"{name} must hold {channels} finite number(s), one per channel, got {value!r}")
    return values
