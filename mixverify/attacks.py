r"""FGSM and PGD attacks, batched over examples, for the l2 and l-infinity balls.

``eps`` here is the **radius of the ball** (as in torchattacks). The paper's adversarial loss of
Section 3.2 uses an l2 ball of radius :math:`\varepsilon\sqrt d` and, in Remark 3.1, an l-infinity
ball of radius :math:`\varepsilon`; :func:`mixverify.adversarial.attack_radius` converts.

The loss attacked is per example, ``loss(outputs, y) -> (n,)``; the default is Eq. (2) with
h = softplus, :math:`\log(1+e^{f}) - y f` (the logistic loss of Section 3.2). For a multi-class
model pass e.g. ``loss=lambda out, y: F.cross_entropy(out, y, reduction="none")``. Examples must be
independent (put the model in eval mode). Every random draw takes a ``torch.Generator``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from . import _validate
from .losses import eq2_loss

NORMS = (2, "inf")


def logistic_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """:math:`\\log(1 + e^{f}) - y f` per example (Eq. 2 with h = softplus)."""
    return eq2_loss(out, y)


def norm_name(norm) -> int | str:
    if norm in (2, "2", "l2", "L2"):
        return 2
    if norm in ("inf", "linf", "Linf", float("inf")):
        return "inf"
    raise ValueError(f"norm must be 2 or 'inf', got {norm!r}")


def project(delta: torch.Tensor, eps: float, norm) -> torch.Tensor:
    r"""Euclidean projection of each example's perturbation onto the ball of radius ``eps``.

    l-infinity: clamp each coordinate to [-eps, eps]; l2: :math:`\delta\min(1, \varepsilon/\|\delta\|_2)`.
    """
    if norm == "inf":
        return delta.clamp(-eps, eps)
    flat = delta.flatten(1).norm(dim=1).clamp_min(torch.finfo(delta.dtype).tiny)  # 1e-300 is 0 in float32: 0/0
    factor = torch.clamp(eps / flat, max=1.0)
    return delta * factor.view(-1, *([1] * (delta.ndim - 1)))


def _ascent_direction(grad: torch.Tensor, norm) -> torch.Tensor:
    """Steepest ascent direction of unit norm: sign(g) for l-infinity, g/||g||_2 for l2."""
    if norm == "inf":
        return grad.sign()
    n = grad.flatten(1).norm(dim=1).clamp_min(torch.finfo(grad.dtype).tiny)  # a zero gradient gives 0, not NaN
    return grad / n.view(-1, *([1] * (grad.ndim - 1)))


def _random_start(X, eps, norm, generator):
    if norm == "inf":
        u = torch.rand(X.shape, generator=generator, dtype=X.dtype, device="cpu").to(X.device)
        return (2 * u - 1) * eps
    g = torch.randn(X.shape, generator=generator, dtype=X.dtype, device="cpu").to(X.device)
    g = g / g.flatten(1).norm(dim=1).clamp_min(torch.finfo(g.dtype).tiny).view(-1, *([1] * (X.ndim - 1)))
    D = X[0].numel()
    r = torch.rand(X.shape[0], generator=generator, dtype=X.dtype, device="cpu").to(X.device) ** (1.0 / D)
    return g * (eps * r).view(-1, *([1] * (X.ndim - 1)))


def _validated(f, X, y, eps, norm):
    if not isinstance(X, torch.Tensor):
        X = _validate.as_tensor("X", X, ndim=X.ndim if hasattr(X, "ndim") else 2)
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty batch of shape (n, ...), got shape {tuple(X.shape)}")
    if not torch.isfinite(X).all():
        raise ValueError("X must be finite (no NaN or inf)")
    y = torch.as_tensor(y, device=X.device)
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"y must have one label per example: X has {X.shape[0]}, y has {tuple(y.shape)}")
    if not callable(f):
        raise ValueError(f"f must be callable, got {type(f).__name__}")
    try:
        eps = float(eps)
    except (TypeError, ValueError):
        raise ValueError(f"eps must be a number >= 0, got {eps!r}") from None
    if not eps >= 0 or eps == float("inf"):
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    return X.detach(), y, eps, norm_name(norm)


def _per_example(loss, f, Xa, y):
    out = f(Xa)
    values = loss(out, y)
    if values.shape != (Xa.shape[0],):
        raise ValueError(f"loss(outputs, y) must return one value per example, got shape {tuple(values.shape)}")
    return values


def _clip(X, delta, bounds):
    """Keep x + delta inside the input domain ``bounds = (lo, hi)`` (e.g. (0, 1) for images)."""
    if bounds is None:
        return delta
    return (X + delta).clamp(*bounds) - X


def fgsm(f: Callable, X, y, eps, *, norm="inf", loss: Callable = logistic_loss, bounds=None) -> torch.Tensor:
    r"""Fast gradient (sign) method: one step of length ``eps`` along the steepest-ascent direction.

    :math:`x + \varepsilon\,\mathrm{sign}(\nabla_x\ell)` for l-infinity (Goodfellow et al., 2014),
    :math:`x + \varepsilon\,\nabla_x\ell/\|\nabla_x\ell\|_2` for l2. Returns the perturbed inputs.
    """
    X, y, eps, norm = _validated(f, X, y, eps, norm)
    bounds = _validate.attack_options(X, y, bounds=bounds, generator=None, logistic=loss is logistic_loss)
    if eps == 0:
        return X.clone()
    with torch.enable_grad():  # works inside a caller's torch.no_grad() too
        Xa = X.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(_per_example(loss, f, Xa, y).sum(), Xa)
    return (X + _clip(X, eps * _ascent_direction(grad, norm), bounds)).detach()


def pgd(f: Callable, X, y, eps, *, norm="inf", steps: int = 20, step_size: float | None = None,
        restarts: int = 1, random_start: bool = True, generator: torch.Generator | None = None,
        loss: Callable = logistic_loss, trace: bool = False, projection: Callable = project, bounds=None,
        keep_best: bool = True):
    r"""Projected gradient ascent on each example's loss inside the ball of radius ``eps`` (Madry et al., 2018).

    Each step: :math:`\delta \leftarrow \Pi_{\|\delta\|\le\varepsilon}(\delta + a\,u)`, with u = sign(g)
    (l-infinity) or g/||g||_2 (l2) and step size ``a`` (default 2.5 eps / steps). Every example keeps
    the best point found over all steps and restarts, so the returned loss never decreases with more
    steps. Returns the perturbed inputs; with ``trace=True`` also the (steps + 1, n) tensor whose row k is
    the best per-example loss over the clean input, the start and the first k steps of the last restart.

    ``bounds = (lo, hi)`` keeps x + delta in the input domain (e.g. (0, 1) for images).
    ``keep_best=False`` is plain PGD as in torchattacks: it returns the last iterate, saving the two
    forward passes that evaluate the clean and the last point (one restart, no trace).
    ``projection`` is the projection step (replace it only to test that a wrong one is caught).
    """
    X, y, eps, norm = _validated(f, X, y, eps, norm)
    bounds = _validate.attack_options(X, y, bounds=bounds, generator=generator, logistic=loss is logistic_loss)
    steps = _validate.positive_int("steps", steps)
    restarts = _validate.positive_int("restarts", restarts)
    a = 2.5 * eps / steps if step_size is None else _validate.positive("step_size", step_size)
    if not keep_best:
        if restarts != 1 or trace:
            raise ValueError("keep_best=False returns the last iterate: it needs restarts=1 and trace=False")
        return _plain_pgd(f, X, y, eps, norm, steps, a, random_start, generator, loss, projection, bounds)
    with torch.no_grad():
        best_x = X.clone()
        best = _per_example(loss, f, X, y).detach()
    history = []
    for _ in range(restarts):
        delta = _random_start(X, eps, norm, generator) if (random_start and eps > 0) else torch.zeros_like(X)
        delta = _clip(X, projection(delta, eps, norm), bounds)
        run_best = best.clone()
        history = []  # history[k]: the best loss over the clean point, the start and the first k steps
        for _ in range(steps):
            with torch.enable_grad():  # works inside a caller's torch.no_grad() too
                xa = (X + delta).requires_grad_(True)
                values = _per_example(loss, f, xa, y)
                (grad,) = torch.autograd.grad(values.sum(), xa)
            with torch.no_grad():
                better = values > best
                best = torch.where(better, values.detach(), best)
                best_x[better] = xa.detach()[better]
                delta = _clip(X, projection(delta + a * _ascent_direction(grad, norm), eps, norm), bounds)
                run_best = torch.maximum(run_best, values.detach())
                history.append(run_best.clone())
        with torch.no_grad():  # the last iterate
            xa = X + delta
            values = _per_example(loss, f, xa, y)
            better = values > best
            best = torch.where(better, values, best)
            best_x[better] = xa[better]
            history.append(torch.maximum(run_best, values))
    if trace:
        return best_x.detach(), torch.stack(history)
    return best_x.detach()


def _plain_pgd(f, X, y, eps, norm, steps, a, random_start, generator, loss, projection, bounds):
    """PGD returning its last iterate (no evaluation of the clean or the last point)."""
    delta = _random_start(X, eps, norm, generator) if (random_start and eps > 0) else torch.zeros_like(X)
    delta = _clip(X, projection(delta, eps, norm), bounds)
    for _ in range(steps):
        with torch.enable_grad():
            xa = (X + delta).requires_grad_(True)
            (grad,) = torch.autograd.grad(_per_example(loss, f, xa, y).sum(), xa)
        with torch.no_grad():
            delta = _clip(X, projection(delta + a * _ascent_direction(grad, norm), eps, norm), bounds)
    return (X + delta).detach()
