r"""FGSM and PGD attacks, batched over examples, for the l2 and l-infinity balls.

``eps`` here is the **radius of the ball** (as in torchattacks). The paper's adversarial loss of
Section 3.2 uses an l2 ball of radius :math:`\varepsilon\sqrt d` and, in Remark 3.1, an l-infinity
ball of radius :math:`\varepsilon`; :func:`mixverify.adversarial.attack_radius` converts.

The loss attacked is per example, ``loss(outputs, y) -> (n,)``; the default (``loss=None``) is Eq. (2) for the
model's outputs: with one output, h = softplus, :math:`\log(1+e^{f}) - y f` (the logistic loss of Section 3.2,
labels in [0, 1]); with K class scores, h = log-sum-exp, the softmax cross-entropy (integer labels 0 ... K-1 or
label rows). Examples must be independent (put the model in eval mode).

A torchattacks call, ``pgd(model, X, y, eps=8/255, alpha=2/255, steps=10, random_start=True)``, is refused in one
line naming mixverify's ``step_size`` (in mixverify alpha is always Mixup's Beta parameter).

**Randomness.** Every random draw takes a CPU ``torch.Generator`` (None: torch's default generators). The
random start is drawn on the inputs' device, in their dtype: for CPU inputs from ``generator`` itself; for inputs on another
device (CUDA) from a generator on that device, seeded by one integer drawn from ``generator`` per start.
The same seed, inputs and device give the same result every time; different devices give different draws.

**No host synchronisation in the step loop.** The inputs are checked once per call, all value checks in one
device-to-host copy; each step is the forward and backward pass plus a few element-wise kernels (l-infinity:
``sign``, one ``add`` and one ``clamp`` to the ball intersected with ``bounds``); the best point is kept with
``torch.where``, and the per-step losses are stored only with ``trace=True``. On a GPU the host only queues work.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from . import _validate
from .eq2 import eq2_loss, logistic_loss


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


def _device_generator(generator: torch.Generator | None, device: torch.device) -> torch.Generator | None:
    """The generator that draws on ``device``: the caller's CPU generator itself for the CPU; elsewhere a new
    generator on ``device`` seeded by one draw from the caller's (a CPU draw: no device synchronisation), or
    None (the device's default generator, which ``torch.manual_seed`` seeds) when the caller passed None."""
    if generator is None or device.type == "cpu":
        return generator
    seed = int(torch.randint(2**62, (), generator=generator))
    return torch.Generator(device=device).manual_seed(seed)


def _random_start(X, eps, norm, generator):
    """A perturbation drawn uniformly from the ball of radius ``eps``, on X's device (see "Randomness" above)."""
    generator = _device_generator(generator, X.device)
    if norm == "inf":
        u = torch.rand(X.shape, generator=generator, dtype=X.dtype, device=X.device)
        return (2 * u - 1) * eps
    g = torch.randn(X.shape, generator=generator, dtype=X.dtype, device=X.device)
    g = g / g.flatten(1).norm(dim=1).clamp_min(torch.finfo(g.dtype).tiny).view(-1, *([1] * (X.ndim - 1)))
    D = X[0].numel()
    r = torch.rand(X.shape[0], generator=generator, dtype=X.dtype, device=X.device) ** (1.0 / D)
    return g * (eps * r).view(-1, *([1] * (X.ndim - 1)))


def default_loss(k: int) -> Callable:
    """Eq. (2) per example for a model with ``k`` outputs per row: the logistic loss (k = 1) or, for k class scores
    and (n, k) label rows, the softmax cross-entropy (h = log-sum-exp)."""
    if k == 1:
        return lambda out, y: logistic_loss(out.reshape(-1), y, reduction="none")
    return lambda out, y: eq2_loss(out, y, classes=True)


def _validated(f, X, y, eps, norm, *, bounds, generator, loss):
    """Check the inputs of FGSM / PGD once; return (X, y, eps, norm, bounds as a pair of floats or None, the loss).
    ``loss=None`` is Eq. (2) for the model's outputs (:func:`default_loss`), K-class labels made rows.

    The checks of types, shapes and options come first, in the order of the messages below; the value checks
    (X finite, the default loss's labels in [0, 1], X within ``bounds``) come last, from one device-to-host copy.
    """
    if not isinstance(X, torch.Tensor):
        X = _validate.as_tensor("X", X, ndim=X.ndim if hasattr(X, "ndim") else 2)
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty batch of shape (n, ...), got shape {tuple(X.shape)}")
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
    norm = norm_name(norm)
    if not X.is_floating_point():
        raise ValueError(f"X must hold floating-point numbers (inputs are perturbed by gradients), got dtype {X.dtype}")
    k = _validate.classes(f, X) if loss is None else None
    logistic = k == 1
    if loss is None:
        loss = default_loss(k)
        if k > 1:
            y = _validate.class_labels(y, X, k)
    labels = ("y must lie in [0, 1] for the default logistic loss of a one-output model (h = softplus); "
              "pass loss= for other labels")
    if logistic and (y.dtype == torch.bool or y.is_complex()):
        raise ValueError(labels)
    _validate.torch_generator(generator)
    if bounds is not None:
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ValueError(f"bounds must be None or a pair of numbers (lo, hi), got {bounds!r}") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds must be two finite numbers lo < hi, got {bounds!r}")
    # the value checks: one small vector, one copy to the host
    checks = [torch.isfinite(X).all()]
    if logistic and y.numel():
        checks.append((torch.isfinite(y) & (y >= 0) & (y <= 1)).all())
    if bounds is not None:
        checks.extend(torch.aminmax(X))
    values = torch.stack([c.to(torch.float64) for c in checks]).tolist()
    if not values[0]:
        raise ValueError("X must be finite (no NaN or inf)")
    if logistic and y.numel() and not values[1]:
        raise ValueError(labels)
    if bounds is not None:
        x_min, x_max = values[-2:]
        lo_x, hi_x = torch.tensor([lo, hi], dtype=X.dtype).tolist()  # compared in X's dtype, as torch does
        if x_min < lo_x or x_max > hi_x:
            raise ValueError(f"X must lie within bounds {bounds!r} (clipping would move it further than eps), "
                             f"got values in [{x_min:.4g}, {x_max:.4g}]")
        bounds = (lo, hi)
    return X.detach(), y, eps, norm, bounds, loss


#: Arguments of torchattacks' PGD/FGSM under another name in mixverify.
FOREIGN_NAMES = {"alpha": "step_size (the step length; in mixverify alpha is Mixup's Beta parameter)"}


def _refuse_foreign_names(function: str, names: dict) -> None:
    """One line for an argument :func:`pgd` / :func:`fgsm` do not take, naming mixverify's where there is one."""
    for name in names:
        hint = FOREIGN_NAMES.get(name)
        raise TypeError(f"{function}() got an unexpected argument {name!r}"
                        + (f": mixverify calls it {hint}" if hint and function == "pgd" else ""))


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


def _stepper(X, eps, norm, a, projection, bounds):
    r"""PGD's update of the iterate x and its perturbation :math:`\delta = x - X`: ``step(x, delta, grad)``.

    With the library's l-infinity projection the step is one fused clamp of :math:`x + a\,\mathrm{sign}(g)`
    to the box :math:`[\max(X - \varepsilon, lo), \min(X + \varepsilon, hi)]` (the ball intersected with the
    domain: in exact arithmetic the projection followed by the clip, since X lies in both), and delta is not
    kept (None). Otherwise :math:`\delta \leftarrow \mathrm{clip}(\Pi(\delta + a u))` with ``projection``,
    and x is :math:`\mathrm{clamp}(X + \delta)`.
    """
    if norm == "inf" and projection is project:
        lower, upper = X - eps, X + eps
        if bounds is not None:
            lower.clamp_(min=bounds[0])
            upper.clamp_(max=bounds[1])

        def step(x, delta, grad):
            return torch.add(x, grad.sign(), alpha=a).clamp_(lower, upper), None

        return step

    def step(x, delta, grad):
        delta = projection(delta + a * _ascent_direction(grad, norm), eps, norm)
        if bounds is None:
            return X + delta, delta
        x = (X + delta).clamp_(*bounds)
        return x, x - X

    return step


def _start(X, eps, norm, random_start, generator, projection, bounds):
    """The first iterate and its perturbation: the random start (or 0), projected and clipped."""
    delta = _random_start(X, eps, norm, generator) if (random_start and eps > 0) else torch.zeros_like(X)
    delta = _clip(X, projection(delta, eps, norm), bounds)
    return X + delta, delta


def _best(values, x, best, best_x):
    """Keep, per example, the point of highest loss so far (``torch.where``: no boolean indexing, no sync)."""
    better = values > best
    return torch.where(better, values, best), torch.where(better.view(-1, *([1] * (x.ndim - 1))), x, best_x)


def fgsm(f: Callable, X, y, eps, *, norm="inf", loss: Callable | None = None, bounds=None, **torchattacks_names) -> torch.Tensor:
    r"""Fast gradient (sign) method: one step of length ``eps`` along the steepest-ascent direction.

    :math:`x + \varepsilon\,\mathrm{sign}(\nabla_x\ell)` for l-infinity (Goodfellow et al., 2014),
    :math:`x + \varepsilon\,\nabla_x\ell/\|\nabla_x\ell\|_2` for l2, clamped to ``bounds``. Returns the
    perturbed inputs.
    """
    _refuse_foreign_names("fgsm", torchattacks_names)
    X, y, eps, norm, bounds, loss = _validated(f, X, y, eps, norm, bounds=bounds, generator=None, loss=loss)
    if eps == 0:
        return X.clone()
    with torch.enable_grad():  # works inside a caller's torch.no_grad() too
        Xa = X.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(_per_example(loss, f, Xa, y).sum(), Xa)
    with torch.no_grad():
        Xa = torch.add(X, _ascent_direction(grad, norm), alpha=eps)
        return Xa.clamp_(*bounds) if bounds is not None else Xa


def pgd(f: Callable, X, y, eps, *, norm="inf", steps: int = 20, step_size: float | None = None,
        restarts: int = 1, random_start: bool = True, generator: torch.Generator | None = None,
        loss: Callable | None = None, trace: bool = False, projection: Callable = project, bounds=None,
        keep_best: bool = True, **torchattacks_names):
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
    ``generator``: a CPU ``torch.Generator`` for the random start (see "Randomness" in the module docstring:
    the same seed gives the same result on the same device).
    """
    _refuse_foreign_names("pgd", torchattacks_names)
    X, y, eps, norm, bounds, loss = _validated(f, X, y, eps, norm, bounds=bounds, generator=generator, loss=loss)
    steps = _validate.positive_int("steps", steps)
    restarts = _validate.positive_int("restarts", restarts)
    a = 2.5 * eps / steps if step_size is None else _validate.positive("step_size", step_size)
    if not keep_best:
        if restarts != 1 or trace:
            raise ValueError("keep_best=False returns the last iterate: it needs restarts=1 and trace=False")
        return _plain_pgd(f, X, y, eps, norm, steps, a, random_start, generator, loss, projection, bounds)
    step = _stepper(X, eps, norm, a, projection, bounds)
    with torch.no_grad():
        best_x = X.clone()
        best = _per_example(loss, f, X, y).detach()
    history = []
    for _ in range(restarts):
        x, delta = _start(X, eps, norm, random_start, generator, projection, bounds)
        run_best = best
        history = []  # history[k]: the best loss over the clean point, the start and the first k steps
        for _ in range(steps):
            with torch.enable_grad():  # works inside a caller's torch.no_grad() too
                xa = x.detach().requires_grad_(True)
                values = _per_example(loss, f, xa, y)
                (grad,) = torch.autograd.grad(values.sum(), xa)
            with torch.no_grad():
                values = values.detach()
                best, best_x = _best(values, x, best, best_x)
                if trace:
                    run_best = torch.maximum(run_best, values)
                    history.append(run_best)
                x, delta = step(x, delta, grad)
        with torch.no_grad():  # the last iterate
            values = _per_example(loss, f, x, y)
            best, best_x = _best(values, x, best, best_x)
            if trace:
                history.append(torch.maximum(run_best, values))
    if trace:
        return best_x.detach(), torch.stack(history)
    return best_x.detach()


def _plain_pgd(f, X, y, eps, norm, steps, a, random_start, generator, loss, projection, bounds):
    """PGD returning its last iterate (no evaluation of the clean or the last point)."""
    step = _stepper(X, eps, norm, a, projection, bounds)
    x, delta = _start(X, eps, norm, random_start, generator, projection, bounds)
    for _ in range(steps):
        with torch.enable_grad():
            xa = x.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(_per_example(loss, f, xa, y).sum(), xa)
        with torch.no_grad():
            x, delta = step(x, delta, grad)
    return x.detach()
