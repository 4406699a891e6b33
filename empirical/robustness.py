r"""FGSM robust accuracy of a trained classifier against the attack size (Figure 1a, Appendix C.1).

The attack is the library's :func:`mixverify.fgsm` (one l-infinity step
:math:`x + \varepsilon\,\mathrm{sign}(\nabla_x \mathrm{CE}(f(x), y))`, Goodfellow et al. 2014), in pixel space:
images are in [0, 1], the models normalise inside, and the perturbed image is clipped back to [0, 1]
(``bounds=(0, 1)``). The paper attacks "1000 randomly selected test images"; :func:`attack_subset` draws
that fixed subset from a seed, so ERM and Mixup models are attacked on the same images.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mixverify._validate import positive_int
from mixverify.attacks import fgsm

from .train import eval_batch

#: The attack sizes of our Figure 1a, in units of one grey level (1/255): 0 is the clean accuracy.
DEFAULT_EPS = (0.0, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255)


def cross_entropy(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy of logits ``out`` (n, K) against class indices ``y`` (n,)."""
    return F.cross_entropy(out.float(), y, reduction="none")


def attack_subset(n_test: int, size: int, seed: int) -> np.ndarray:
    """``size`` distinct test indices drawn with ``numpy.random.default_rng(seed)``, sorted."""
    size = positive_int("the attack subset size", size)
    if size > n_test:
        raise ValueError(f"cannot attack {size} test images: the test set has {n_test}")
    return np.sort(np.random.default_rng([seed, 1]).choice(n_test, size=int(size), replace=False))


def fgsm_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: Sequence[float] = DEFAULT_EPS, *,
                  batch_size: int | None = None, return_hits: bool = False):
    """Accuracy of ``model`` on FGSM-perturbed ``x`` (uint8 or [0, 1] float images), one value per ``eps``.

    ``eps = 0`` returns the clean accuracy (FGSM of size 0 is the identity). The model is put in eval mode;
    the attack runs in float32 on the model's device, batch by batch (``batch_size`` None:
    :func:`empirical.train.eval_batch` of that device). ``return_hits=True`` also returns,
    per eps, the boolean numpy array of which images stay correctly classified (for paired comparisons).
    """
    eps = [float(e) for e in eps]
    if not eps or any(not math.isfinite(e) or e < 0 for e in eps):
        raise ValueError(f"eps must be a non-empty list of finite numbers >= 0, got {eps!r}")
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError(f"x and y must hold the same positive number of examples, got {x.shape[0]} and {y.shape[0]}")
    model.eval()
    device = next(model.parameters()).device
    batch_size = eval_batch(device) if batch_size is None else batch_size
    hits = [[] for _ in eps]
    for start in range(0, x.shape[0], batch_size):
        xb = x[start:start + batch_size].to(device)
        xb = xb.float().div(255) if xb.dtype == torch.uint8 else xb.float()
        yb = y[start:start + batch_size].to(device)
        for k, e in enumerate(eps):
            xa = fgsm(model, xb, yb, e, norm="inf", loss=cross_entropy, bounds=(0.0, 1.0))
            with torch.no_grad():
                hits[k].append((model(xa).argmax(1) == yb).cpu().numpy())
    hits = [np.concatenate(h) for h in hits]
    accuracy = [float(h.mean()) for h in hits]
    return (accuracy, hits) if return_hits else accuracy
