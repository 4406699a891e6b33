r"""Euler's identity for bias-free ReLU / max-pooling networks (Appendix B.2 of Zhang et al. (2021)).

Appendix B.2 of Zhang et al. (2021) writes a bias-free ReLU/max-pooling network on its current activation
pattern as :math:`f(x) = W^{[L]}\dot\sigma^{[L-1]}W^{[L-1]}\cdots\dot\sigma^{[1]}W^{[1]}x` and concludes
:math:`f(x) = \nabla f(x)^\top x` and :math:`\nabla^2 f(x) = 0` almost everywhere. This module measures
both identities numerically and gives each measurement a tolerance with a written source:

- :func:`identity_residuals` returns, per example, :math:`|f(x) - \nabla f(x)^\top x|` and the largest
  absolute entry of the input Hessian :math:`\nabla^2 f(x)` (``torch.func``; images are flattened).
- :func:`affine_pieces` walks a :class:`~mixverify.models.ReLUMLP` / :class:`~mixverify.models.ReLUCNN`
  (or an ``nn.Sequential`` of Linear, Conv2d, ReLU, MaxPool2d and Flatten) along the activation pattern
  the network itself computes at x, and returns the *magnitude*
  :math:`M(x) = |W^{[L]}|\dot\sigma^{[L-1]}\cdots\dot\sigma^{[1]}|W^{[1]}||x|` (plus the biases' absolute
  values) and the *intercept* of the active affine piece,
  :math:`c(x) = \sum_l W^{[L]}\dot\sigma^{[L-1]}\cdots W^{[l+1]}\dot\sigma^{[l]} b^{[l]}`, which is what
  :math:`f - \nabla f^\top x` equals when the layers have biases.
- :func:`rounding_bound` is the float round-off bound :math:`2\gamma_K M(x)` on
  :math:`|\mathrm{fl}(f(x)) - \mathrm{fl}(\nabla f(x)^\top x)|`: the forward pass and the backward pass
  evaluate the same product of matrices (the active linear piece) in two association orders, and each
  product of matrices is within :math:`\gamma_K |A_1|\cdots|A_k||x|` of the exact one (Higham, *Accuracy
  and Stability of Numerical Algorithms*, 2nd ed., Sec. 3.5), with
  :math:`\gamma_K = Ku/(1-Ku)`, u the unit round-off and K the total length of the sums (fan-in plus
  fan-out of every linear layer, plus the d products of :math:`\nabla f^\top x`). ReLU and max-pooling
  compute no new numbers, so they add no round-off, and the backward pass reuses the forward pass's
  pattern, so both sides evaluate the *same* piece.

Smooth layers (tanh, softplus), used for counterexamples, are accepted too: they are 1-Lipschitz with
derivatives in [0, 1], so the magnitude without any mask bounds both passes (plus log 2 per unit for
softplus, whose value at 0 acts like a bias), and each such layer adds :data:`SMOOTH_ULPS` to K for the
round-off of evaluating it and its derivative. Such a network has no affine piece: its intercept is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import grad, hessian, vmap

from . import _validate
from .models import ReLUCNN

#: Round-off of one evaluation of tanh / softplus and of its derivative, in units of u (libm-quality
#: elementwise functions are accurate to a few ulp); counted in K once per smooth activation layer.
SMOOTH_ULPS = 8


def identity_residuals(f: Callable, X) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-example :math:`r_1 = |f(x) - \nabla f(x)^\top x|` and :math:`r_2 = \max_{jk}|\nabla^2 f(x)_{jk}|`.

    ``X`` is a batch: (n, d) vectors or (n, C, H, W) images (any ndim >= 2); gradients and Hessians are
    taken with respect to the flattened input. ``f`` maps the batch to n outputs. Both identities of
    Appendix B.2 of Zhang et al. (2021) say r_1 = r_2 = 0 for a bias-free ReLU/max-pooling network.
    """
    X = _batch(X)
    fx = _validate.outputs(f, X).detach()
    f1 = _per_example(f, X.shape[1:])
    flat = X.reshape(X.shape[0], -1)
    g = vmap(grad(f1))(flat)
    H = vmap(hessian(f1))(flat)
    r1 = (fx - (g * flat).sum(dim=1)).abs()
    r2 = H.abs().flatten(1).amax(dim=1)
    return r1.detach(), r2.detach()


def input_gradients(f: Callable, X) -> torch.Tensor:
    r""":math:`\nabla_x f(x)` for every example of the batch, flattened to shape (n, numel of one input)."""
    X = _batch(X)
    _validate.outputs(f, X)
    return vmap(grad(_per_example(f, X.shape[1:])))(X.reshape(X.shape[0], -1)).detach()


def affine_pieces(net: nn.Module, X) -> tuple[torch.Tensor, torch.Tensor]:
    r"""(M(x), c(x)) per example: the magnitude of the active linear piece applied to |x| (biases
    included as |b|), and the intercept of the active affine piece (0 for a bias-free network).

    The activation pattern is the one the network computes in floating point (ReLU masks and max-pooling
    indices of its own forward pass), i.e. the pattern its autograd gradient uses.
    """
    X = _batch(X)
    z, m, c = X, X.abs(), torch.zeros_like(X)
    with torch.no_grad():
        for layer in _layers(net):
            z, m, c = _step(layer, z, m, c)
    return m.reshape(X.shape[0]), c.reshape(X.shape[0])


def accumulation_length(net: nn.Module, input_numel: int) -> int:
    """K of :func:`rounding_bound`: fan-in plus fan-out of every linear layer (+1 for a bias), plus the input size."""
    K = input_numel
    for layer in _layers(net):
        if isinstance(layer, nn.Linear):
            K += layer.in_features + layer.out_features
        elif isinstance(layer, nn.Conv2d):
            K += (layer.in_channels + layer.out_channels) * layer.kernel_size[0] * layer.kernel_size[1] // layer.groups
        elif isinstance(layer, (nn.Tanh, nn.Softplus)):
            K += SMOOTH_ULPS
        K += int(getattr(layer, "bias", None) is not None)
    return K


def rounding_bound(net: nn.Module, X) -> torch.Tensor:
    r"""Per-example bound :math:`2\gamma_K M(x)` on the float round-off in :math:`f(x) - \nabla f(x)^\top x`
    (module docstring); scaled by :math:`(1 + 2u)` for the final subtraction."""
    X = _batch(X)
    m, _ = affine_pieces(net, X)
    u = torch.finfo(X.dtype).eps / 2
    K = accumulation_length(net, X[0].numel())
    gamma = K * u / (1 - K * u)
    return 2 * gamma * m * (1 + 2 * u)


def _batch(X) -> torch.Tensor:
    ndim = getattr(X, "ndim", None)
    if ndim is None or ndim < 2:
        raise ValueError(f"X must be a batch of inputs, (n, d) or (n, C, H, W), got {_describe(X)}")
    return _validate.as_tensor("X", X, ndim=ndim)


def _describe(X) -> str:
    shape = getattr(X, "shape", None)
    return f"shape {tuple(shape)}" if shape is not None else type(X).__name__


def _per_example(f: Callable, shape: torch.Size) -> Callable[[torch.Tensor], torch.Tensor]:
    def f1(x):
        return f(x.reshape(1, *shape)).reshape(())
    return f1


def _layers(net: nn.Module) -> list[nn.Module]:
    """The network as a flat list of layers, in the order its forward pass applies them."""
    if isinstance(net, ReLUCNN):
        return [*_layers(net.features), nn.Flatten(), *_layers(net.head)]
    if isinstance(net, nn.Sequential):
        return [leaf for child in net for leaf in _layers(child)]
    if isinstance(net, (nn.Linear, nn.Conv2d, nn.ReLU, nn.MaxPool2d, nn.Flatten, nn.Tanh)):
        return [net]
    if isinstance(net, nn.Softplus) and net.beta == 1:
        return [net]
    raise ValueError("net must be built of Linear, Conv2d, ReLU, MaxPool2d, Flatten, Tanh and Softplus(beta=1) "
                     f"layers, got {net!r}")


def _step(layer, z, m, c):
    """One layer on (value z, magnitude m, intercept c), along the pattern of z."""
    if isinstance(layer, (nn.Linear, nn.Conv2d)):
        b = layer.bias
        absolute = _with_weights(layer, layer.weight.abs(), None if b is None else b.abs())
        return layer(z), absolute(m), layer(c)
    if isinstance(layer, nn.ReLU):
        mask = (z > 0).to(z.dtype)
        return layer(z), m * mask, c * mask
    if isinstance(layer, nn.Tanh):  # |tanh z| <= |z|, |tanh'| <= 1; no affine piece
        return layer(z), m, torch.full_like(c, torch.nan)
    if isinstance(layer, nn.Softplus):  # softplus z <= |z| + log 2, 0 < softplus' < 1; no affine piece
        return layer(z), m + math.log(2), torch.full_like(c, torch.nan)
    if isinstance(layer, nn.MaxPool2d):
        pooled, idx = F.max_pool2d(z, layer.kernel_size, layer.stride, layer.padding, layer.dilation,
                                   ceil_mode=layer.ceil_mode, return_indices=True)
        return pooled, _gather(m, idx), _gather(c, idx)
    return layer(z), layer(m), layer(c)  # Flatten


def _with_weights(layer, weight, bias):
    if isinstance(layer, nn.Linear):
        return lambda t: F.linear(t, weight, bias)
    return lambda t: F.conv2d(t, weight, bias, layer.stride, layer.padding, layer.dilation, layer.groups)


def _gather(t, idx):
    return t.flatten(2).gather(2, idx.flatten(2)).view(idx.shape)
