r"""The adversarial loss of Section 3.2 and its second-order Taylor surrogates, Eq. (5) and Eq. (6).

**eps is the radius of the ball, in every function of mixverify** (as in :func:`mixverify.attacks.pgd`,
:func:`mixverify.attacks.fgsm` and torchattacks), and the default norm is l-infinity everywhere. The paper
writes the attack size differently: for its :math:`\varepsilon` it attacks with an l2 ball of radius
:math:`\varepsilon\sqrt d` (d = input dimension), and, in Remark 3.1, with an l-infinity ball of radius
:math:`\varepsilon`:

.. math:: L_n^{adv}(\theta, S) = \frac1n\sum_{i=1}^n \max_{\|\delta_i\|_2\le\varepsilon\sqrt d}
          \ell(\theta, (x_i + \delta_i, y_i)).

:func:`attack_radius` turns the paper's :math:`\varepsilon` into that radius:
``adversarial_loss(f, X, y, attack_radius(paper_eps, d, 2), norm=2)`` is :math:`L_n^{adv}` as printed.

**Exact maximum for a linear model.** With :math:`u = \theta^\top x` the loss depends on
:math:`\delta` only through :math:`t = \theta^\top\delta`, which ranges over
:math:`[-\eta\|\theta\|_*, \eta\|\theta\|_*]` on a ball of radius :math:`\eta` (dual norm: l2 for l2,
l1 for l-infinity). :math:`\ell(u) = h(u) - yu` is convex for convex h (softplus, u^2/2), so the
maximum is at an end point: :math:`\max\{\ell(u + \eta\|\theta\|_*), \ell(u - \eta\|\theta\|_*)\}`
(derived in ``derivations/lemma_3_2.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch.func import grad, vmap

from . import _validate
from .attacks import norm_name, pgd
from .laws import tilde_lambda_law
from .losses import eq2_loss, softplus
from .models import LinearModel


def attack_radius(paper_eps: float, d: int, norm="inf") -> float:
    r"""The radius the paper attacks with for its :math:`\varepsilon` (``paper_eps``): :math:`\varepsilon\sqrt d`
    for l2 (Section 3.2), :math:`\varepsilon` for l-infinity (Remark 3.1). Pass it as ``eps`` to any function."""
    paper_eps, d = _validate.nonnegative("paper_eps", paper_eps), _validate.positive_int("d", d)
    return paper_eps * math.sqrt(d) if norm_name(norm) == 2 else paper_eps


def adversarial_loss(f: Callable, X, y, eps, *, norm="inf", method: str = "exact", h: Callable = softplus,
                     steps: int = 50, restarts: int = 1, generator: torch.Generator | None = None) -> torch.Tensor:
    r""":math:`L_n^{adv}` of Section 3.2: the mean over the examples of the largest loss on the ball of radius ``eps``
    around each (the paper's l2 attack is ``eps = attack_radius(paper_eps, d, 2)``, ``norm=2``).

    ``method="exact"`` needs a :class:`mixverify.models.LinearModel` (``mixverify.linear_model(theta)``)
    and a convex h; ``method="pgd"`` works for any model and lower-bounds the maximum.
    """
    eps = _validate.nonnegative("eps", eps)
    X, y = _validate.data(X, y, logistic=h is softplus)
    norm = norm_name(norm)
    _validate.method(method, ("exact", "pgd"))
    return adversarial_losses(f, X, y, eps, norm=norm, method=method, h=h, steps=steps, restarts=restarts,
                              generator=generator).mean()


def adversarial_losses(f, X, y, radius, *, norm, method, h=softplus, steps=50, restarts=1, generator=None):
    """Per-example max of the loss over the ball of the given ``radius`` (validated by the caller)."""
    if method == "exact":
        if not isinstance(f, LinearModel):
            raise ValueError("method='exact' needs a linear model, mixverify.linear_model(theta); use method='pgd'")
        theta = f.theta.to(X)
        dual = theta.norm(p=2) if norm == 2 else theta.abs().sum()
        u = X @ theta
        t = radius * dual
        return torch.maximum(eq2_loss(u + t, y, h), eq2_loss(u - t, y, h))
    Xa = pgd(f, X, y, radius, norm=norm, steps=steps, restarts=restarts, generator=generator,
             loss=lambda out, yy: eq2_loss(out, yy, h))
    with torch.no_grad():
        return eq2_loss(_validate.outputs(f, Xa), y, h)


def taylor_adversarial_loss(f: Callable, X, y, eps, *, norm="inf", per_example: bool = False,
                            h: Callable = softplus):
    r"""The second-order Taylor adversarial loss of Lemma 3.2 (Eq. 5) and Eq. (6) on the ball of radius
    :math:`\eta` = ``eps`` (the paper's l2 radius :math:`\varepsilon\sqrt d` is ``attack_radius(paper_eps, d, 2)``):

    .. math:: \tilde\ell_{adv}(\eta, (x, y)) = \ell(x, y) + \eta\,|h'(f(x)) - y|\,\|\nabla f(x)\|_*
              + \frac{\eta^2}{2}\,|h''(f(x))|\,\|\nabla f(x)\|_*^2

    with the dual norm :math:`\|\cdot\|_*` (l2 for ``norm=2``, the paper's Eq. 5; l1 for l-infinity, Remark 3.1):
    for logistic regression :math:`h' = g`, :math:`h'' = g(1-g)`, :math:`\nabla f = \theta`.
    It is the exact maximum of the second-order expansion when :math:`\nabla^2 f(x) = 0` (linear
    models, and ReLU/max-pooling networks almost everywhere): both terms peak at the same end point of
    :math:`t = \nabla f^\top\delta`. ``eps`` may be a tensor of shape (n,) (the per-example radii of
    Theorems 3.1 and 3.3). Returns the mean, or the (n,) values with ``per_example=True``.
    """
    X, y = _validate.data(X, y, logistic=h is softplus)
    eps_t = torch.as_tensor(eps, dtype=X.dtype, device=X.device)
    if eps_t.ndim > 1 or (eps_t.ndim == 1 and eps_t.shape[0] != X.shape[0]) or not torch.isfinite(eps_t).all() \
            or (eps_t < 0).any():
        raise ValueError(f"eps must be a number >= 0 or a tensor of n = {X.shape[0]} such numbers")
    values = taylor_adversarial_terms(f, X, y, h=h, eta=eps_t, norm=norm_name(norm))
    return values if per_example else values.mean()


def taylor_adversarial_terms(f, X, y, *, eta, norm, h=softplus) -> torch.Tensor:
    r"""Per-example :math:`\tilde\ell_{adv}(\eta, (x_i, y_i))` on the ball of radius ``eta`` (scalar or (n,))."""
    p = taylor_adversarial_parts(f, X, y, h=h, norm=norm)
    return p["loss"] + eta * p["first"] + eta**2 * p["second"]


def taylor_adversarial_parts(f, X, y, *, norm, h=softplus) -> dict[str, torch.Tensor]:
    r"""The per-example pieces of Eq. (5)/(6): ``loss`` :math:`\ell`, ``first``
    :math:`|h'(f) - y|\,\|\nabla f\|_*` and ``second`` :math:`\frac12|h''(f)|\,\|\nabla f\|_*^2` (dual norm of
    ``norm``: l2 for 2, l1 for 'inf'), so that
    :math:`\tilde\ell_{adv}(\eta) = \ell + \eta\cdot\mathrm{first} + \eta^2\cdot\mathrm{second}`."""
    def f1(x):
        return f(x.unsqueeze(0)).reshape(())

    out = _validate.outputs(f, X)
    gnorm = vmap(grad(f1))(X).norm(p=2 if norm_name(norm) == 2 else 1, dim=1)
    h1 = vmap(grad(h))(out)
    h2 = vmap(grad(grad(h)))(out)
    return {"loss": eq2_loss(out, y, h), "first": (h1 - y).abs() * gnorm, "second": h2.abs() * gnorm**2 / 2}


def input_cosines(f: Callable, X) -> torch.Tensor:
    r""":math:`R_i = |\cos(\nabla f(x_i), x_i)|` for every row of X (Theorems 3.1, 3.3; Figure 3).

    The input gradients come from ``torch.func.grad`` of :math:`\sum_i f(x_i)`, which is per-example
    because the examples of a batch are independent (models in eval mode). For a linear model
    :math:`\nabla f = \theta`. Where :math:`\nabla f(x_i) = 0` the cosine is undefined and
    :math:`R_i = 0` is returned (the conservative choice: it gives :math:`\varepsilon_{min} = 0`).
    """
    X = _validate.as_tensor("X", X, ndim=2)
    if (X.norm(dim=1) == 0).any():
        raise ValueError("X must have no zero rows: cos(grad f(x_i), x_i) is undefined at x_i = 0")
    g = grad(lambda Z: _validate.outputs(f, Z).sum())(X)
    gn = g.norm(dim=1)
    # A zero gradient (e.g. every ReLU unit inactive at x_i) has no direction: R_i is set to 0, the
    # conservative value (it makes eps_min = 0); that point's first- and second-order terms vanish anyway.
    cos = (g * X).sum(1) / (gn.clamp_min(torch.finfo(X.dtype).tiny) * X.norm(dim=1))
    return torch.where(gn > 0, cos.abs(), torch.zeros_like(cos))


def mixup_attack_radii(f: Callable, X, alpha, beta) -> dict[str, torch.Tensor]:
    r"""The radii of Theorems 3.1 and 3.3 that Mixup protects for.

    :math:`R_i = |\cos(\nabla f(x_i), x_i)|` (:func:`input_cosines`), :math:`R = \min_i R_i`,
    :math:`c_x = \min_i \|x_i\|_2/\sqrt d` (the largest constant with :math:`\|x_i\|_2 \ge c_x\sqrt d`
    for all i), :math:`\varepsilon_i = R_i c_x \mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda]` and
    :math:`\varepsilon_{min} = R c_x \mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda]` (the paper's
    :math:`\varepsilon`), and the l2 radii they stand for, ``radius_i`` :math:`= \varepsilon_i\sqrt d` and
    ``radius_min`` :math:`= \varepsilon_{min}\sqrt d`: the ``eps`` to pass, with ``norm=2``, to
    :func:`taylor_adversarial_loss` or :func:`adversarial_loss`.
    """
    m1 = tilde_lambda_law(alpha, beta).moment_one_minus(1)
    X = _validate.as_tensor("X", X, ndim=2)
    R_i = input_cosines(f, X)
    c_x = X.norm(dim=1).min() / math.sqrt(X.shape[1])
    eps_i, eps_min = R_i * c_x * m1, R_i.min() * c_x * m1
    root_d = math.sqrt(X.shape[1])
    return {"R_i": R_i, "R": R_i.min(), "c_x": c_x, "eps_i": eps_i, "eps_min": eps_min, "radius_i": eps_i * root_d,
            "radius_min": eps_min * root_d}
