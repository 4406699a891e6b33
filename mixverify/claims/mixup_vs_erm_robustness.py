r"""mixup-vs-erm-robustness: the reading Section 3.2 gives Theorems 3.1 and 3.3 -- that *training with Mixup*
lowers the adversarial loss compared with standard training (ERM).

The theorems bound :math:`\tilde\ell_{adv}` by :math:`\tilde L^{mix}_n` for any :math:`\theta\in\Theta`; the text
after Theorem 3.1 draws the conclusion tested here: "Therefore, minimizing the Mixup loss would result in a small
adversarial loss. Our analysis suggests that Mixup by itself can improve robustness against small attacks".
"Improve" compares Mixup with training without it, so the claim is read as

.. math:: \Delta = L^{adv}(\theta_{ERM}; \eta^*) - L^{adv}(\theta_{mix}; \eta^*) > 0,

for a model trained with Mixup (Eq. 1, alpha = beta = 1, the Theorems' setting) and the same model trained with
ERM on the same data, from the same initialisation (same seed), with the same optimiser and number of steps.

**The design: what the paper fixes, what it leaves free.** The paper trains no such pair for Section 3.2, so most
of the design is free; what its text fixes is followed literally.

- *Fixed*: the logistic loss of Eq. (2), "l(theta, z) = log(1 + exp(f_theta(x))) - y f_theta(x), where y in {0, 1}";
  the models of the two Theorems, "f_theta(x) = x^T theta" (Theorem 3.1) and bias-free ReLU nets
  "f_theta(x) = beta^T sigma(W_{N-1} ... (W_2 sigma(W_1 x)))" (Theorem 3.3); the attack, "the adversarial loss with
  l2-attack of size eps sqrt d", at the Theorems' radius eps_min = R c_x E[1 - lambda] (lambda ~ D~_lambda), taken at
  the Mixup-trained model ("one can think the final radius is taken at the minimizer of L~mix"); and the comparison,
  training with Mixup against training without it ("Mixup by itself can improve robustness").
- *Free*, and varied in the sensitivity table (``ctx.sensitivity``): the **training length** -- the text argues about
  the minimiser ("minimizing the Mixup loss would result in a small adversarial loss"), so lengths up to a stated
  convergence criterion; the **training objective** -- the text names both the Mixup loss of Eq. (1) ("minimizing the
  Mixup loss") and its approximation L~mix of Eq. (3) ("the minimizer of L~mix", what Theorems 3.1 and 3.3 bound);
  the **radius reading** -- the Theorems' last bound uses eps_min sqrt d, their middle bound the per-point radii
  eps_i sqrt d (eps_i = R_i c_x E[1 - lambda]; "R and R_i control the radii of adversarial attacks that Mixup
  training protects for", Figure 3), read here as one radius, their mean; and the **seeds** (run_claim's seed rows).
- *Free, held fixed* (not varied): the data and sizes, alpha = beta = 1, the optimiser, the nets' objective (Eq. (1)
  only: L~mix of a net needs input Hessian-vector products every step).

**Headline design** (what the seed rows re-run): Eq. (1) by Monte Carlo, logistic regression 300 steps, the nets
400 and 200 steps, radius eta* = eps_min sqrt d. **Sensitivity grid** (each row is the claim decided again, all three
models by the paired criterion below, on that design alone; value: the varied model's mean Delta):

- logistic regression: objective {Eq. (1), Eq. (3)} x length {300, 1000, 3000 steps, to convergence} x radius
  {eps_min sqrt d, mean eps_i sqrt d} (:data:`LOGISTIC_LENGTHS`; 15 rows besides the headline), the nets at their
  headline lengths and the same radius;
- the nets, under ``--thorough``: :data:`NET_FACTOR` times their headline length (1600 and 800 steps) at each radius
  (2 rows), logistic regression at its headline design. (At seed 0: refuted at eps_min sqrt d, as on the headline,
  uninformative at the mean radius. The default leaves them to ``--thorough``: the longer runs of the nets were 15 s
  of the default tox's CPU time, and the logistic rows vary the training length already.)

Eq. (1) is trained as in the headline (the Monte Carlo loss, the same draws; the rows at 300, 1000 and 3000 steps are
one run's checkpoints). Eq. (3) is L~mix = L_std + R_1 + R_2 of Lemma 3.1 for f = theta^T x (R_3 = 0), in closed
form, the same optimiser from the same initialisation. **To convergence** (criterion stated before the numbers):
the exact full-batch objective -- Eq. (1) with lambda integrated by :data:`NODES`-point Gauss-Jacobi quadrature (its
analytic gradient and Hessian through u = X theta), Eq. (3), or ERM's standard loss -- minimised by damped Newton
(:func:`newton`) from the 3000-step iterate until ||grad L||_2 <= :data:`GTOL` = 1e-9 (float64 round-off in these
gradients is about 1e-15; the 3000-step iterates have gradients of 1e-4 to 3e-3), at most :data:`NEWTON_CAP` iterations.
Eq. (1) of a linear model is strictly convex here (mixed labels lie in (0, 1)), so this is its minimiser; the
standard loss is strictly convex with a minimiser unless the training set is linearly separable, where its norm grows
without bound (the criterion then stops it at a norm that grows like log(1/GTOL)); L~mix is not convex, and Newton
stops at a local minimiser. How many training sets are separable (a linear programme) and the norms reached are
reported as context.

**What is measured (fixed before any number was computed).**

- *Attack size*: the Theorems' :math:`\eta^* = \varepsilon_{min}\sqrt d` (l2), with
  :math:`\varepsilon_{min} = R\,c_x\,\mathbb E_{\tilde{\mathcal D}_\lambda}[1-\lambda]` computed at the
  Mixup-trained model (the L~mix-trained one on an Eq. (3) row) on its training data; the same radius is applied to
  both models of a pair. The other reading: mean eps_i sqrt d, at the same model.
- *Where*: on held-out test data from the same distribution (robustness is about new inputs, as in Figure 1a),
  centred with the training mean. The adversarial loss on the training data (the Theorems' own
  :math:`L^{adv}_n(\theta, S)`) is reported beside it: there ERM minimises the clean loss itself, so at a small
  radius the comparison says little about robustness. So is the clean test loss: where Delta equals the clean-loss
  gap, the attack adds nothing and Delta is not about robustness.
- *Adversarial loss*: logistic loss; exact closed form for logistic regression (derivations/mixup_vs_erm_robustness.py:
  :math:`\mathrm{softplus}(\eta\|\theta\| - (2y-1)\theta^\top x)`), PGD (l2, 20 steps, one random start) for the nets.
- *Models* (those the paper names for Section 3.2 and theorem-3.3's): logistic regression :math:`f = \theta^\top x`
  and a bias-free two-layer ReLU net (32 hidden units) on two moons embedded in 10-d (theorem-3.3's data, 100
  training and 2000 test points, centred), and theorem-3.3's bias-free 784-64-64-1 ReLU net on Fashion-MNIST
  T-shirt vs trouser (100 training images, 200 test images, centred). Full-batch SGD (lr 0.05, momentum 0.9, as
  theorem-3.3), float64; Mixup on the Monte Carlo Mixup loss (n (i, j, lambda) triples per step, seeded, as
  figure-2), ERM on the standard loss.

**Criterion (fixed before the numbers).** For each model, K pairs (training seeds ``K*seed ... K*seed + K - 1``,
each its own data draw, initialisation and Mixup sampling) give paired differences :math:`\Delta_k`; with the mean
:math:`\bar\Delta`, the paired standard error :math:`s/\sqrt K` and the two-sided 99 % Student quantile
:math:`t = t_{K-1, 0.995}`:

- decisive ``adv-<model>`` ("Mixup lowers the adversarial loss" is not contradicted): :math:`\bar\Delta > -t\,s/\sqrt K`;
  it fails when ERM is significantly more robust;
- power ``adv-<model>-power`` (the same criterion applied to the opposite statement, "ERM's adversarial loss is at
  most Mixup's", rejects it): :math:`\bar\Delta \ge t\,s/\sqrt K`; it fails when the K pairs cannot tell Mixup from
  ERM, and the status is then ``uninformative``.

So a model decides ``verified`` only when Mixup is significantly more robust on it, ``refuted`` when ERM is, and
``uninformative`` otherwise. Why a paired mean: Mixup and ERM of a pair share data and initialisation, so the
between-seed spread of the adversarial loss itself cancels; why 99 %: a 20-seed false-alarm sweep must not flip.

**K, chosen after the criterion, from the measured spread** (pilot over training seeds 0-23, the models above):
per-pair Delta for logistic regression had mean -0.0069 and standard deviation 0.0092 with 200 moons test
points, -0.0099 and 0.0062 with 2000 (the test set was enlarged to 2000 after this pilot, to cut that noise), so
K = 24 pairs (:data:`PAIRS_LOGISTIC`; 24 logistic regressions are trained jointly, which costs about as much as
one) gives an expected z of about -7.8 against t = 2.81; the two-layer net had mean +0.116, sd 0.068 and the
Fashion-MNIST net +0.067, sd 0.103 (7 of 24 pairs reversed), for which the default time budget
allows K = 4 (:data:`PAIRS_NET`): expected z 3.4 and 1.3 against t = 5.84, so their power checks are expected to
fail at the default size (``--thorough`` doubles both K).

**Planted error** (``check(ctx, swap=True)``): the Mixup and ERM models of every pair are exchanged (eta* stays the
Mixup model's), so every Delta changes sign exactly and each model's decisive evidence flips wherever its result is
significant.

Implementation checks (with the sensitivity table): the closed forms of Eq. (1) (value, gradient, Hessian) and
Eq. (3) for a linear model against :func:`mixverify.losses.mixup_loss` (exact) with ``torch.func`` and against
:func:`mixverify.losses.approx_mixup_loss`; every Newton run met its criterion.

Scope: ``instances`` -- the data, sizes, steps and seeds above; the paper trains no such pair for Section 3.2.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import stats
from scipy.optimize import linprog
from torch import nn
from torch.func import grad, hessian, vmap

from ..adversarial import adversarial_losses, mixup_attack_radii
from ..attacks import pgd
from ..claim import Claim, Context, Outcome, Scope, at_most, holds, reported, row
from ..datasets import fashion_mnist, two_moons
from ..laws import mixup_lambda_law, tilde_lambda_law
from ..losses import approx_mixup_loss, eq2_loss, mixup_loss, standard_loss
from ..models import LinearModel, ReLUMLP, linear_model
from ..numerics import EPS64, Tol, ulps
from ..training import initial_model, single_thread, train

ALPHA = BETA = 1.0
LR, MOMENTUM = 0.05, 0.9
#: (Mixup, ERM) pairs per seed: logistic regression (trained jointly, cheap) and each net; chosen from the
#: between-seed spread measured over training seeds 0-23 (module docstring).
PAIRS_LOGISTIC, PAIRS_NET = 24, 4
T_LEVEL = 0.995  # two-sided 99 %
PGD_STEPS, PGD_RESTARTS = 20, 1
CACHE_KEY = "mixup-vs-erm-robustness/v1"

#: model id -> (name, data set, hidden widths, training steps of the headline design)
MODELS = {
    "logistic": ("logistic regression", "moons", (), 300),
    "relu": ("two-layer ReLU net (32 units)", "moons", (32,), 400),
    "fmnist": ("Fashion-MNIST 784-64-64-1 ReLU net", "fmnist", (64, 64), 200),
}
#: Training lengths of logistic regression in the sensitivity table (the first is the headline's), then CONVERGED.
LOGISTIC_LENGTHS = (300, 1000, 3000)
CONVERGED = "converged"
#: The nets' second training length, in multiples of their headline length.
NET_FACTOR = 4
#: "To convergence": damped Newton on the exact objective until ||grad||_2 <= GTOL, at most NEWTON_CAP iterations.
GTOL, NEWTON_CAP = 1e-9, 200
#: Gauss-Jacobi nodes of Eq. (1)'s lambda integral (mixverify.losses.mixup_loss's default).
NODES = 32
#: The training objectives of the Mixup model, and the two radius readings (the key of the compared number).
OBJECTIVES = {"eq1": "Eq. (1) Mixup loss", "eq3": "Eq. (3) L~mix"}
RADII = {"test": "eta* = eps_min sqrt d", "wide": "mean eps_i sqrt d"}
HEADLINE = ("eq1", LOGISTIC_LENGTHS[0], "test")


def data(kind: str, seed: int):
    """(Xtr, ytr, Xte, yte), float64, centred with the training mean."""
    if kind == "moons":
        n, m = 100, 2000
        X2, y = two_moons(n + m, noise=0.05, seed=seed, centre=False)
        extra = torch.as_tensor(np.random.default_rng([seed, 10]).normal(size=(n + m, 8)) * 0.3)
        X = torch.cat([X2, extra], 1)
        Xtr, ytr, Xte, yte = X[:n], y[:n], X[n:], y[n:]
    elif kind == "fmnist":
        try:
            Xtr, ytr = fashion_mnist("train", classes=(0, 1), limit=100, seed=seed, dtype=torch.float64)
            Xte, yte = fashion_mnist("test", classes=(0, 1), limit=200, seed=seed, dtype=torch.float64)
        except FileNotFoundError as exc:
            raise RuntimeError(f"mixup-vs-erm-robustness needs Fashion-MNIST: {exc}") from None
        Xtr, Xte = Xtr.reshape(len(Xtr), -1), Xte.reshape(len(Xte), -1)
    else:
        raise ValueError(f"kind must be 'moons' or 'fmnist', got {kind!r}")
    mu = Xtr.mean(0)
    return Xtr - mu, ytr.to(torch.float64), Xte - mu, yte.to(torch.float64)


def _net_loss(method: str, seed: int):
    """The per-step objective of a net: the Monte Carlo Mixup loss (n triples per step from ``default_rng([seed,
    71])``) or the standard loss."""
    if method not in ("mixup", "erm"):
        raise ValueError(f"method must be 'mixup' or 'erm', got {method!r}")
    if method == "mixup":
        rng = np.random.default_rng([seed, 71])

        def batch_loss(model, Xb, yb):
            return mixup_loss(model, Xb, yb, ALPHA, BETA, method="mc", samples=len(Xb), generator=rng)
    else:
        def batch_loss(model, Xb, yb):
            return standard_loss(model, Xb, yb)
    batch_loss.__qualname__ = f"net_loss.{method}"
    return batch_loss


def fit(method: str, widths, X, y, *, steps: int, seed: int):
    """Full-batch SGD (:func:`mixverify.training.train`, cached) from the seeded initialisation, on the Mixup loss
    (``"mixup"``, Eq. (1) by Monte Carlo) or the standard loss (``"erm"``)."""
    return fit_lengths(method, widths, X, y, lengths=(steps,), seed=seed)[0]


def fit_lengths(method: str, widths, X, y, *, lengths, seed: int) -> list:
    """The models after each of ``lengths`` steps of one training run (:func:`fit`'s), in that order: the weights are
    recorded by train()'s callback and cached with the run, so a length equals a run of that many steps."""
    batch_loss = _net_loss(method, seed)
    lengths = tuple(sorted(lengths))
    d = X.shape[1]

    def record(step, model):
        return {k: v.detach().clone() for k, v in model.state_dict().items()} if step in lengths[:-1] else None
    result = train(lambda: ReLUMLP(d, widths, bias=False), X, y, batch_loss=batch_loss, lr=LR, momentum=MOMENTUM,
                   epochs=lengths[-1], seed=seed, device="cpu", callback=record if len(lengths) > 1 else None,
                   key=f"{CACHE_KEY}/{method}/alpha={ALPHA:g},beta={BETA:g}" + (
                       f"/lengths={'-'.join(map(str, lengths))}" if len(lengths) > 1 else ""))
    models = []
    for state in result.history:
        model = ReLUMLP(d, widths, bias=False).to(X.dtype)
        model.load_state_dict(state)
        models.append(model.eval())
    return models + [result.model]


def closed_form_adv_loss(theta, X, y, eta) -> torch.Tensor:
    r"""Exact per-example adversarial logistic loss of :math:`f = \theta^\top x` on the l2 ball of radius eta:
    :math:`\mathrm{softplus}(\eta\|\theta\|_2 - (2y-1)\theta^\top x)` (derivations/mixup_vs_erm_robustness.py)."""
    return torch.nn.functional.softplus(eta * theta.norm() - (2 * y - 1) * (X @ theta))


def adv_loss(model, X, y, eta, *, seed: int) -> float:
    """Mean adversarial logistic loss at l2 radius eta: closed form for a linear model, PGD for a net."""
    if isinstance(model, LinearModel):
        return float(closed_form_adv_loss(model.theta, X, y, eta).mean())
    gen = torch.Generator().manual_seed(seed)
    Xa = pgd(model, X, y, eta, norm=2, steps=PGD_STEPS, restarts=PGD_RESTARTS, generator=gen,
             loss=lambda out, yy: eq2_loss(out, yy))
    with torch.no_grad():
        return float(eq2_loss(model(Xa), y).mean())


def _evaluate(row, mix, erm, Xtr, ytr, Xte, yte, *, seed, swap=False):
    """Add the compared numbers of one (Mixup, ERM) pair to ``row`` (models: ``nn`` nets or LinearModel).
    eta* is always the Mixup model's; ``swap`` exchanges the two models in everything compared at it."""
    r_mix = mixup_attack_radii(mix, Xtr, ALPHA, BETA)
    r_erm = mixup_attack_radii(erm, Xtr, ALPHA, BETA)
    if swap:
        mix, erm, r_mix, r_erm = erm, mix, {**r_erm, "eps_min": r_mix["eps_min"], "eps_i": r_mix["eps_i"]}, r_mix
    root_d = Xtr.shape[1] ** 0.5
    eta = float(r_mix["eps_min"].detach()) * root_d
    eta_mean = float(r_mix["eps_i"].detach().mean()) * root_d
    row.update({"eta": eta, "eta_mean": eta_mean, "R_mix": float(r_mix["R"].detach()), "R_erm": float(r_erm["R"].detach()),
                "eps_min_mix": float(r_mix["eps_min"].detach()), "eps_min_erm": float(r_erm["eps_min"].detach())})
    for tag, model in (("mix", mix), ("erm", erm)):
        row[f"test_{tag}"] = adv_loss(model, Xte, yte, eta, seed=seed)
        with torch.no_grad():
            row[f"clean_{tag}"] = float(eq2_loss(model(Xte), yte).mean())
            row[f"acc_{tag}"] = float(((model(Xte) > 0).to(yte.dtype) == yte).to(yte.dtype).mean())
        row[f"wide_{tag}"] = adv_loss(model, Xte, yte, eta_mean, seed=seed + 1)
        row[f"train_{tag}"] = adv_loss(model, Xtr, ytr, eta, seed=seed + 2)
        if isinstance(model, LinearModel):
            row[f"norm_{tag}"] = float(model.theta.norm())
    return row


def pair(model_id: str, seed: int, *, swap: bool = False) -> dict:
    """One (Mixup, ERM) pair of a net on training seed ``seed`` (``swap`` plants the error of exchanging them)."""
    return net_pairs(model_id, seed, (1,), swap=swap)[1]


def net_pairs(model_id: str, seed: int, factors, *, swap: bool = False) -> dict:
    """factor -> the (Mixup, ERM) pair of a net trained ``factor`` times its headline length (one run)."""
    _, kind, widths, steps = MODELS[model_id]
    Xtr, ytr, Xte, yte = data(kind, seed)
    lengths = [f * steps for f in factors]
    mix = fit_lengths("mixup", widths, Xtr, ytr, lengths=lengths, seed=seed)
    erm = fit_lengths("erm", widths, Xtr, ytr, lengths=lengths, seed=seed)
    return {f: _evaluate({"seed": seed}, a, b, Xtr, ytr, Xte, yte, seed=seed, swap=swap)
            for f, a, b in zip(sorted(factors), mix, erm)}


# --- logistic regression: K models trained jointly, the closed forms of Eq. (1) and Eq. (3), Newton ----------------

class Thetas(nn.Module):
    r"""K logistic regressions :math:`f_k = \theta_k^\top x` as one module, ``theta`` (K, d), each initialised as
    ``ReLUMLP(d, ())`` of its own seed (what :func:`fit` starts a linear model from)."""

    def __init__(self, d: int, seeds):
        super().__init__()
        init = [initial_model(lambda: ReLUMLP(d, (), bias=False), s, torch.float64, torch.device("cpu"))[0]
                .weight.detach().flatten() for s in seeds]
        self.theta = nn.Parameter(torch.stack(init))

    def extra_repr(self) -> str:
        return f"K={self.theta.shape[0]}, d={self.theta.shape[1]}"


def approx_mixup_logistic(theta, X, y) -> torch.Tensor:
    r""":math:`\tilde L^{mix}_n = L^{std}_n + \mathcal R_1 + \mathcal R_2` (Eq. (3); Lemma 3.1 with
    :math:`\mathcal R_3 = 0`) of :math:`f = \theta^\top x`, batched: theta (..., d), X (..., n, d), y (..., n).

    With :math:`u_i = \theta^\top x_i`, :math:`v_i = \theta^\top(x_i - \mu)` and :math:`\hat\Sigma` the 1/n covariance,
    :math:`\mathcal R_1 = -m_1\,\mathrm{mean}_i (g(u_i) - y_i) v_i` and
    :math:`\mathcal R_2 = \frac{m_2}{2}\mathrm{mean}_i\, g(u_i)(1 - g(u_i))(\theta^\top\hat\Sigma\theta + v_i^2)`,
    :math:`\theta^\top\hat\Sigma\theta = \mathrm{mean}_i v_i^2`, :math:`m_k = \mathbb E_{\tilde{\mathcal D}_\lambda}
    [(1-\lambda)^k]`."""
    law = tilde_lambda_law(ALPHA, BETA)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    u = torch.einsum("...nd,...d->...n", X, theta)
    v = torch.einsum("...nd,...d->...n", X - X.mean(-2, keepdim=True), theta)
    g = torch.sigmoid(u)
    spread = (v ** 2).mean(-1, keepdim=True) + v ** 2
    return eq2_loss(u, y).mean(-1) - m1 * ((g - y) * v).mean(-1) + m2 / 2 * (g * (1 - g) * spread).mean(-1)


def exact_mixup_logistic(theta, X, y, order: int = 0):
    r"""Eq. (1) of :math:`f = \theta^\top x` (lambda by :data:`NODES`-point Gauss-Jacobi quadrature, all n^2 pairs):
    the value, or with ``order=2`` (value, gradient, Hessian) in closed form.

    With :math:`u = X\theta`, :math:`z_{ijk} = \lambda_k u_i + (1-\lambda_k)u_j` and weights :math:`w_k`, the value is
    :math:`\frac1{n^2}\sum_{ijk} w_k \ell(z_{ijk}, \tilde y_{ijk})`; with :math:`r = g(z) - \tilde y` and
    :math:`s = g(z)(1 - g(z))`, :math:`\partial_{u_a} = \frac1{n^2}(\sum_{jk} w\lambda r_{ajk} + \sum_{ik}
    w(1-\lambda) r_{iak})` and :math:`\nabla^2_u = \frac1{n^2}(\mathrm{diag}(A\mathbf 1 + C^\top\mathbf 1) + B +
    B^\top)` with :math:`A, B, C = \sum_k w s\,(\lambda^2, \lambda(1-\lambda), (1-\lambda)^2)`; then
    :math:`\nabla_\theta = X^\top\nabla_u`, :math:`\nabla^2_\theta = X^\top\nabla^2_u X`."""
    lam, w = (torch.as_tensor(np.array(a), dtype=X.dtype) for a in mixup_lambda_law(ALPHA, BETA).quadrature(NODES))
    u = X @ theta
    n = len(u)
    z = lam * u[:, None, None] + (1 - lam) * u[None, :, None]
    yt = lam * y[:, None, None] + (1 - lam) * y[None, :, None]
    value = (eq2_loss(z, yt) @ w).mean()
    if order == 0:
        return value
    g = torch.sigmoid(z)
    r, s = (g - yt) * w, g * (1 - g) * w
    grad_u = ((r @ lam).sum(1) + (r @ (1 - lam)).sum(0)) / n ** 2
    A, B, C = s @ lam ** 2, s @ (lam * (1 - lam)), s @ (1 - lam) ** 2
    hess_u = (torch.diag(A.sum(1) + C.sum(0)) + B + B.T) / n ** 2
    return value, X.T @ grad_u, X.T @ hess_u @ X


def standard_logistic(theta, X, y) -> torch.Tensor:
    """ERM's objective, the standard logistic loss of f = theta^T x (one model)."""
    return eq2_loss(X @ theta, y).mean()


def _objective(method: str):
    """``fun(theta (K, d), X (K, n, d), y (K, n), order)``: K values, or (values, gradients, Hessians)."""
    if method == "eq1":
        def fun(theta, X, y, order=0):
            out = [exact_mixup_logistic(t, x, yy, order) for t, x, yy in zip(theta, X, y)]
            return torch.stack(out) if order == 0 else tuple(torch.stack(parts) for parts in zip(*out))
        return fun
    one = {"erm": standard_logistic, "eq3": lambda t, x, yy: approx_mixup_logistic(t, x, yy)}[method]

    def fun(theta, X, y, order=0):
        values = vmap(one)(theta, X, y)
        return values if order == 0 else (values, vmap(grad(one))(theta, X, y), vmap(hessian(one))(theta, X, y))
    return fun


def newton(fun, theta, X, y) -> tuple[torch.Tensor, np.ndarray, np.ndarray]:
    """Damped Newton on K separate objectives at once (``fun`` as :func:`_objective` gives): the step solves
    :math:`|H| p = -g` (H's eigenvalues by their absolute values, at least 1e-12 of the largest: a descent direction
    where H is not positive definite), then halves t until the Armijo condition L(theta + t p) <= L + 1e-4 t g^T p
    holds (up to 64 ulp of L); stops a model at ||g||_2 <= :data:`GTOL` or after :data:`NEWTON_CAP` iterations.
    Returns the thetas, the iterations and the final gradient norms."""
    theta = theta.clone()
    K = len(theta)
    iters, gnorm = np.zeros(K, dtype=int), np.full(K, np.inf)
    active = torch.arange(K)
    for _ in range(NEWTON_CAP + 1):
        value, g, H = fun(theta[active], X[active], y[active], 2)
        gnorm[active.numpy()] = g.norm(dim=1).numpy()
        keep = g.norm(dim=1) > GTOL
        active, value, g, H = active[keep], value[keep], g[keep], H[keep]
        if not len(active) or iters.max() >= NEWTON_CAP:
            break
        ev, V = torch.linalg.eigh(H)
        ev = ev.abs().clamp_min(1e-12 * float(ev.abs().max()))
        p = -(V @ ((V.transpose(1, 2) @ g[..., None]).squeeze(-1) / ev)[..., None]).squeeze(-1)
        t, slope = torch.ones(len(active), dtype=theta.dtype), (g * p).sum(1)
        for _ in range(60):
            trial = fun(theta[active] + t[:, None] * p, X[active], y[active])
            bad = trial > value + 1e-4 * t * slope + 64 * EPS64 * value.abs()
            if not bad.any():
                break
            t = torch.where(bad, t / 2, t)
        theta[active] += t[:, None] * p
        iters[active.numpy()] += 1
    return theta, iters, gnorm


def _logistic_step_loss(method: str, seeds, K: int, n: int):
    """The per-step objective of K jointly trained logistic regressions, summed over them (each model's gradient is
    its own): the Monte Carlo Mixup loss (n triples per step per model, from ``default_rng([seed, 71])``, the draws of
    :func:`fit`), L~mix of Eq. (3), or the standard loss."""
    rngs = [np.random.default_rng([s, 71]) for s in seeds]
    law = mixup_lambda_law(ALPHA, BETA)
    rows = torch.arange(K).view(K, 1)

    def step_loss(model, X, y):
        X, y, theta = X.view(K, n, -1), y.view(K, n), model.theta
        if method == "eq3":
            return approx_mixup_logistic(theta, X, y).sum()
        if method == "mixup":
            draws = [(r.integers(0, n, size=n), r.integers(0, n, size=n), law.sample(n, r)) for r in rngs]
            i = torch.as_tensor(np.stack([a for a, _, _ in draws]))
            j = torch.as_tensor(np.stack([b for _, b, _ in draws]))
            lam = torch.as_tensor(np.stack([c for _, _, c in draws]), dtype=X.dtype)
            X = lam[..., None] * X[rows, i] + (1 - lam[..., None]) * X[rows, j]
            y = lam * y[rows, i] + (1 - lam) * y[rows, j]
        return eq2_loss(torch.einsum("knd,kd->kn", X, theta), y).mean(1).sum()
    step_loss.__qualname__ = f"logistic_step_loss.{method}"
    return step_loss


def fit_logistic(method: str, sets, seeds, *, lengths=(MODELS["logistic"][3],)) -> dict:
    """K logistic regressions (one per seed and data set), trained jointly by :func:`mixverify.training.train`
    (cached): length -> (K, d) thetas after that many steps of one run. ``method``: ``"mixup"`` (Eq. (1) by Monte
    Carlo), ``"eq3"`` (L~mix) or ``"erm"``.

    The same loop as :func:`fit` (seeded ``ReLUMLP(d, ())`` initialisation, full-batch SGD, the same Monte Carlo
    draws); SGD acts elementwise and the summed loss has separate gradients, so it equals K separate fits up to
    round-off (checked as ``impl-batched``)."""
    if method not in ("mixup", "eq3", "erm"):
        raise ValueError(f"method must be 'mixup', 'eq3' or 'erm', got {method!r}")
    X = torch.cat([s[0] for s in sets])
    y = torch.cat([s[1] for s in sets])
    K, d, lengths = len(sets), X.shape[1], tuple(sorted(lengths))

    def record(step, model):
        return model.theta.detach().clone() if step in lengths else None
    result = train(lambda: Thetas(d, seeds), X, y, batch_loss=_logistic_step_loss(method, seeds, K, len(X) // K),
                   lr=LR, momentum=MOMENTUM, epochs=lengths[-1], seed=seeds[0], device="cpu",
                   callback=record if len(lengths) > 1 else None,
                   key=f"{CACHE_KEY}/logistic/{method}/seeds={'-'.join(map(str, seeds))}/lengths="
                       f"{'-'.join(map(str, lengths))}")
    return dict(zip(lengths, result.history or [result.model.theta.detach()]))


def logistic_runs(seeds, *, full: bool) -> dict:
    """(objective, length) -> (Mixup-model thetas, ERM thetas, Newton info or None): the headline's ("eq1", 300) only,
    or (``full``) every objective and length of the sensitivity grid."""
    sets = [data("moons", s) for s in seeds]
    lengths = LOGISTIC_LENGTHS if full else LOGISTIC_LENGTHS[:1]
    erm = fit_logistic("erm", sets, seeds, lengths=lengths)
    fits = {"eq1": fit_logistic("mixup", sets, seeds, lengths=lengths)}
    if full:
        fits["eq3"] = fit_logistic("eq3", sets, seeds, lengths=lengths)
    runs = {(obj, n): (fits[obj][n], erm[n], None) for obj in fits for n in lengths}
    if full:
        X, y = torch.stack([s[0] for s in sets]), torch.stack([s[1] for s in sets])
        last = lengths[-1]
        done = {m: newton(_objective(m), start, X, y)
                for m, start in (("eq1", fits["eq1"][last]), ("eq3", fits["eq3"][last]), ("erm", erm[last]))}
        for obj in fits:
            runs[obj, CONVERGED] = (done[obj][0], done["erm"][0], {m: done[m][1:] for m in (obj, "erm")})
    return runs


def logistic_pairs(seeds, *, swap: bool = False, full: bool = False) -> tuple[dict, dict]:
    """(objective, length) -> the (Mixup, ERM) logistic-regression pairs on these seeds (two moons in 10-d), and the
    runs of :func:`logistic_runs`."""
    sets = [data("moons", s) for s in seeds]
    runs = logistic_runs(seeds, full=full)
    pairs = {design: [_evaluate({"seed": s}, linear_model(a), linear_model(b), *xy, seed=s, swap=swap)
                      for s, a, b, xy in zip(seeds, mix, erm, sets)]
             for design, (mix, erm, _) in runs.items()}
    return pairs, runs


def paired(diffs) -> dict:
    """Paired mean, standard error, t quantile and the two verdicts of the criterion (module docstring)."""
    d = np.asarray(diffs, dtype=float)
    k = len(d)
    if k < 2:
        raise ValueError(f"the paired criterion needs at least 2 pairs, got {k}")
    mean, se = float(d.mean()), float(d.std(ddof=1) / math.sqrt(k))
    t = float(stats.t.ppf(T_LEVEL, k - 1))
    return {"mean": mean, "se": se, "t": t, "z": mean / se if se > 0 else math.copysign(math.inf, mean),
            "not_contradicted": mean > -t * se, "opposite_rejected": mean >= t * se, "reversed": int((d < 0).sum())}


def check(ctx: Context, *, swap: bool = False, pairs: tuple[int, int] | None = None) -> Outcome:
    """``swap=True`` plants the error of exchanging the Mixup and ERM models of every pair; ``pairs`` =
    (logistic-regression pairs, pairs per net) overrides :data:`PAIRS_LOGISTIC`, :data:`PAIRS_NET`. With
    ``ctx.sensitivity`` the sensitivity grid of the module docstring is trained and decided too."""
    with single_thread():
        return _check(ctx, swap=swap, pairs=pairs)


def _check(ctx, *, swap, pairs):
    k_log, k_net = pairs or ((2 * PAIRS_LOGISTIC, 2 * PAIRS_NET) if ctx.thorough else (PAIRS_LOGISTIC, PAIRS_NET))
    seeds = [k_log * ctx.seed + j for j in range(k_log)]
    full = ctx.sensitivity
    out = Outcome()
    log_rows, runs = logistic_pairs(seeds, swap=swap, full=full)
    factors = (1, NET_FACTOR) if full and ctx.thorough else (1,)
    net_rows = {mid: [net_pairs(mid, s, factors, swap=swap) for s in seeds[:k_net]] for mid in ("relu", "fmnist")}
    net_rows = {mid: {f: [p[f] for p in ps] for f in factors} for mid, ps in net_rows.items()}
    headline = {"logistic": log_rows[HEADLINE[:2]], "relu": net_rows["relu"][1], "fmnist": net_rows["fmnist"][1]}
    for mid, (name, _, _, _) in MODELS.items():
        _compare(out, mid, name, headline[mid])
    _implementation(out, seeds[-1], runs[HEADLINE[:2]][0][-1])
    out.figures["mixup-vs-erm"] = _plot(headline)
    if full:
        _convergence(out, seeds, runs)
        out.sensitivity += _sensitivity(log_rows, net_rows)
        out.figures["mixup-vs-erm-design"] = _plot_design(log_rows, net_rows)
    out.scope = Scope("instances", (
        f"per seed, {k_log} (Mixup, ERM) logistic-regression pairs (training seeds {seeds[0]}-{seeds[-1]}) and {k_net} "
        f"pairs of each net (seeds {seeds[0]}-{seeds[k_net - 1]}); alpha = beta = 1, same data, initialisation and seed "
        "within a pair; logistic regression (300 steps) and a bias-free 10-32-1 ReLU net (400 steps) on two moons in "
        "10-d (100 train / 2000 test, centred with the training mean), a bias-free 784-64-64-1 ReLU net on "
        "Fashion-MNIST T-shirt vs trouser (100 train / 200 test images, centred, 200 steps); full-batch SGD lr 0.05 "
        "momentum 0.9; adversarial test loss at eta* = eps_min sqrt d of the Mixup model (exact for logistic "
        f"regression, PGD {PGD_STEPS} steps, one random start, for the nets); sensitivity: objective Eq. (1) / Eq. (3), "
        f"length {', '.join(map(str, LOGISTIC_LENGTHS))} steps / to convergence, radius eps_min / mean eps_i sqrt d "
        f"(logistic regression), x{NET_FACTOR} length (nets, --thorough)"))
    if swap:
        out.notes.append("Planted error: the Mixup and ERM models of every pair are exchanged.")
    return out


def _paired_evidence(mid, name, rows, key="test"):
    """The decisive and power evidence of one model on one design (``key``: the radius reading, :data:`RADII`)."""
    test = [r[f"{key}_erm"] - r[f"{key}_mix"] for r in rows]
    p = paired(test)
    k = len(rows)
    numbers = (f"mean Delta = {p['mean']:.4g}, paired SE = {p['se']:.3g}, t_(K-1, 0.995) = {p['t']:.3g}, "
               f"z = {p['z']:.3g}, K = {k} pairs (training seeds {rows[0]['seed']}-{rows[-1]['seed']}), "
               f"Mixup worse on {p['reversed']}")
    eta = "eta" if key == "test" else "eta_mean"
    detail = (numbers + "; per pair Delta = " + ", ".join(f"{v:.3g}" for v in test)
              + f"; radius {RADII[key]} of the Mixup model, mean {np.mean([r[eta] for r in rows]):.3g}")
    band = p["t"] * p["se"]
    return [holds(
        f"adv-{mid}", f"{name}: Mixup-trained adversarial test loss at {RADII[key]} is not significantly "
        "above ERM's (Delta = L_adv(ERM) - L_adv(Mixup))", p["not_contradicted"],
        Tol(band, "paired t criterion at 99 % over K seeds, fixed before the numbers (module docstring)"),
        value=p["mean"], reference="> -t SE", detail=detail, role="decisive"), holds(
        f"adv-{mid}-power",
        f"{name}: the opposite statement (ERM at least as robust, Delta <= 0) is rejected by the same criterion",
        p["opposite_rejected"], Tol(band, "paired t criterion at 99 %: fails when K pairs cannot tell Mixup from ERM"),
        value=p["mean"], reference=">= t SE", detail=numbers, role="power")]


def _compare(out, mid, name, rows):
    out.evidence += _paired_evidence(mid, name, rows)
    why = "paired mean and standard error over the K pairs"
    for key, what in (("clean", "clean test loss (eta = 0)"), ("wide", "adversarial test loss at eta = mean eps_i sqrt d"),
                      ("train", "adversarial training loss at eta* (the Theorems' L_adv(theta, S))"),
                      ("acc", "clean test accuracy")):
        q = paired([r[f"{key}_erm"] - r[f"{key}_mix"] for r in rows])
        out.evidence.append(reported(f"{key}-{mid}", f"{name}: {what}, ERM minus Mixup", [q["mean"], q["se"]],
                                     why=why))
    q = paired([r["eps_min_mix"] - r["eps_min_erm"] for r in rows])
    out.evidence.append(reported(
        f"radius-{mid}", f"{name}: certified radius eps_min (Theorems 3.1/3.3), Mixup minus ERM", [q["mean"], q["se"]],
        detail="R (Mixup, ERM) per pair: " + ", ".join(f"({r['R_mix']:.3g}, {r['R_erm']:.3g})" for r in rows),
        why=why))


def _implementation(out, seed, joint):
    """The closed form against mixverify.adversarial and PGD; the joint logistic fit (its last model, ``joint``)
    against a separate fit."""
    Xtr, ytr, Xte, yte = data("moons", seed)
    steps = MODELS["logistic"][3]
    alone = fit("mixup", (), Xtr, ytr, steps=steps, seed=seed)
    theta = alone[0].weight.detach().flatten()
    gap = float((joint - theta).norm() / theta.norm())
    out.evidence.append(at_most(
        "impl-batched", "logistic regression: the joint (batched) fit of the last seed equals a separate fit (fit, the "
        f"loop of the nets), Mixup, seed {seed}", gap, 0.0,
        Tol(1e-9, "relative l2 distance; float64 round-off over 300 steps of a contracting iteration stays far below "
            "1e-9")))
    eta = 0.5
    ours = closed_form_adv_loss(theta, Xte, yte, eta)
    lib = adversarial_losses(linear_model(theta), Xte, yte, eta, norm=2, method="exact")
    Xa = pgd(alone, Xte, yte, eta, norm=2, steps=50, random_start=False, loss=lambda o, yy: eq2_loss(o, yy))
    with torch.no_grad():
        by_pgd = eq2_loss(alone(Xa), yte)
    err = max(float((ours - lib).abs().max()), float((ours - by_pgd).abs().max()))
    # round-off only: PGD moves along theta and stays at the end point
    out.evidence.append(at_most(
        "impl-closed-form", "logistic regression: closed form softplus(eta ||theta|| - (2y-1) theta^T x) = "
        "mixverify.adversarial's exact max = PGD (no random start, 50 steps) at eta = 0.5", err, 0.0,
        ulps(1e3, max(1.0, float(ours.abs().max())), of="max(1, max |closed form|)")))


def _relative(a, b) -> float:
    return float((a - b).abs().max() / b.abs().max())


def _convergence(out, seeds, runs):
    """The objectives of the sensitivity grid against the library and torch.func, the Newton runs' criterion, and what
    training to convergence does to the norms (context)."""
    Xtr, ytr, _, _ = data("moons", seeds[-1])
    theta = runs["eq1", LOGISTIC_LENGTHS[0]][0][-1]  # a point where the gradients are far from 0
    value, g, H = exact_mixup_logistic(theta, Xtr, ytr, order=2)

    def f(t):
        return exact_mixup_logistic(t, Xtr, ytr)
    lib = mixup_loss(linear_model(theta), Xtr, ytr, ALPHA, BETA, method="exact", nodes=NODES)
    err1 = max(_relative(value, lib), _relative(g, grad(f)(theta)), _relative(H, hessian(f)(theta)))
    err3 = _relative(approx_mixup_logistic(theta, Xtr, ytr), approx_mixup_loss(linear_model(theta), Xtr, ytr, ALPHA, BETA))
    out.evidence += [
        at_most("impl-eq1", "logistic regression: exact_mixup_logistic (Eq. (1), closed-form gradient and Hessian) = "
                "mixverify.losses.mixup_loss (exact) and torch.func's gradient and Hessian (max relative difference), "
                "last seed at 300 steps", err1, 0.0,
                ulps(1e4, of="each quantity's largest entry: sums of n^2 x 32 = 3.2e5 terms in another order")),
        at_most("impl-eq3", "logistic regression: approx_mixup_logistic (Eq. (3) in closed form) = "
                "mixverify.losses.approx_mixup_loss (relative difference), last seed at 300 steps", err3, 0.0,
                ulps(1e3, of="L~mix: means of 100 terms, the covariance another way"))]
    info = {m: i for (obj, n), (_, _, newton_info) in runs.items() if n == CONVERGED for m, i in newton_info.items()}
    worst = max(float(gn.max()) for _, gn in info.values())
    out.evidence.append(at_most(
        "impl-converged", "logistic regression: every Newton run to convergence met ||grad L||_2 <= GTOL within "
        f"{NEWTON_CAP} iterations (largest final gradient norm)", worst, GTOL,
        Tol(0.0, "the convergence criterion stated in the module docstring"),
        detail="; ".join(f"{OBJECTIVES.get(m, 'ERM standard loss')}: iterations {int(it.min())}-{int(it.max())} "
                         f"(median {np.median(it):g})" for m, (it, _) in info.items())))
    _norms(out, seeds, runs)


def separable(X, y) -> bool:
    """Whether some theta classifies every (x_i, y_i) with margin: (2 y_i - 1) theta^T x_i >= 1 (a linear programme)."""
    A = -((2 * y - 1)[:, None] * X).numpy()
    res = linprog(np.zeros(X.shape[1]), A_ub=A, b_ub=-np.ones(len(y)), bounds=[(None, None)] * X.shape[1],
                  method="highs")
    return res.status == 0


def _norms(out, seeds, runs):
    """Context: ||theta|| along the training lengths, and the training sets that are linearly separable."""
    lengths = LOGISTIC_LENGTHS + (CONVERGED,)
    norms = {obj: [float(runs[obj, n][0].norm(dim=1).mean()) for n in lengths] for obj in OBJECTIVES}
    erm = [runs["eq1", n][1].norm(dim=1) for n in lengths]
    sep = [s for s in seeds if separable(*data("moons", s)[:2])]
    conv = erm[-1]
    out.evidence += [
        reported("norm-logistic", "logistic regression: mean ||theta|| of ERM at 300, 1000, 3000 steps and at "
                 "convergence", [float(e.mean()) for e in erm],
                 detail="Mixup (Eq. (1)): " + ", ".join(f"{v:.3g}" for v in norms["eq1"]) + "; L~mix (Eq. (3)): "
                        + ", ".join(f"{v:.3g}" for v in norms["eq3"]) + "; ERM at convergence per seed: "
                        + ", ".join(f"{float(v):.3g}" for v in conv),
                 why="what training longer does to the models: ERM's norm grows without bound only on a separable "
                     "training set"),
        reported("separable-logistic", "logistic regression: training sets linearly separable through the origin (LP)",
                 len(sep), reference=len(seeds),
                 detail=(f"seeds {sep}; ERM's ||theta|| at convergence there: "
                         + ", ".join(f"{float(conv[seeds.index(s)]):.3g}" for s in sep) + "; elsewhere" if sep
                         else "none; ERM's ||theta|| at convergence")
                        + f" at most {float(max(conv[k] for k, s in enumerate(seeds) if s not in sep)):.3g}",
                 why="where ERM has no minimiser its 'converged' norm is set by the gradient tolerance")]


def _choice(obj, length, radius) -> tuple[str, str]:
    """The (choice, setting) words of a logistic-regression design: what differs from the headline."""
    parts = [("objective", OBJECTIVES[obj]) if obj != HEADLINE[0] else None,
             ("training length", "to convergence (Newton, ||grad|| <= 1e-9)" if length == CONVERGED
              else f"{length} steps") if length != HEADLINE[1] else None,
             ("attack radius", RADII[radius]) if radius != HEADLINE[2] else None]
    parts = [p for p in parts if p]
    return " + ".join(c for c, _ in parts), "logistic regression: " + ", ".join(s for _, s in parts)


def _sensitivity(log_rows, net_rows) -> list:
    """Every design of the grid but the headline, the claim decided on each (module docstring)."""
    out = []
    for radius in RADII:
        for obj in OBJECTIVES:
            for length in LOGISTIC_LENGTHS + (CONVERGED,):
                if (obj, length, radius) == HEADLINE:
                    continue
                design = {"logistic": log_rows[obj, length], "relu": net_rows["relu"][1],
                          "fmnist": net_rows["fmnist"][1]}
                out.append(_design_row(*_choice(obj, length, radius), design, radius, ("logistic",)))
        if NET_FACTOR not in net_rows["relu"]:  # the nets' longer runs: --thorough only
            continue
        design = {"logistic": log_rows[HEADLINE[:2]], "relu": net_rows["relu"][NET_FACTOR],
                  "fmnist": net_rows["fmnist"][NET_FACTOR]}
        lengths = ", ".join(f"{MODELS[m][0].split(' (')[0]} {NET_FACTOR * MODELS[m][3]}" for m in ("relu", "fmnist"))
        choice, setting = "training length (nets)", f"nets: x{NET_FACTOR} ({lengths} steps)"
        if radius != HEADLINE[2]:
            choice, setting = choice + " + attack radius", setting + f", {RADII[radius]}"
        out.append(_design_row(choice, setting, design, radius, ("relu", "fmnist")))
    return out


def _design_row(choice, setting, design, radius, varied):
    """One sensitivity row: the claim decided on ``design`` (model id -> its pairs) at the radius reading ``radius``;
    value: the mean Delta of the ``varied`` model(s)."""
    o = Outcome()
    parts, alone = [], {}
    for mid, rows in design.items():
        ev = _paired_evidence(mid, MODELS[mid][0], rows, radius)
        o.evidence += ev
        alone[mid] = Outcome(evidence=ev).headline_status()
        p = paired([r[f"{radius}_erm"] - r[f"{radius}_mix"] for r in rows])
        if mid in varied:
            c = paired([r["clean_erm"] - r["clean_mix"] for r in rows])
            norms = (f"; mean ||theta|| Mixup {np.mean([r['norm_mix'] for r in rows]):.3g}, ERM "
                     f"{np.mean([r['norm_erm'] for r in rows]):.3g}" if "norm_mix" in rows[0] else "")
            top = max(rows, key=lambda r: abs(r[f"{radius}_erm"] - r[f"{radius}_mix"]))
            parts.append(f"{MODELS[mid][0]}: Mixup ahead on {len(rows) - p['reversed']}/{len(rows)} pairs, Delta = "
                         f"{p['mean']:.3g} +/- {p['se']:.2g} (z = {p['z']:.3g}, {alone[mid]} alone; largest |Delta| "
                         f"{top[f'{radius}_erm'] - top[f'{radius}_mix']:.3g}, seed {top['seed']}); clean-loss Delta "
                         f"{c['mean']:.3g}{norms}")
        else:
            parts.append(f"{MODELS[mid][0].split(' (')[0]} as on the headline: z = {p['z']:.3g} ({alone[mid]})")
    values = [round(paired([r[f"{radius}_erm"] - r[f"{radius}_mix"] for r in design[m]])["mean"], 6) for m in varied]
    return row(choice, setting, o, value=values[0] if len(values) == 1 else values, detail="; ".join(parts))


def _plot(rows) -> Figure:
    fig = Figure(figsize=(9.6, 3.6))
    for k, (mid, rs) in enumerate(rows.items()):
        ax = fig.add_subplot(1, len(rows), k + 1)
        for key, label in (("clean", "clean (eta = 0)"), ("test", "eta*"), ("wide", "mean eps_i sqrt d")):
            d = [r[f"{key}_erm"] - r[f"{key}_mix"] for r in rs]
            ax.plot([r["seed"] for r in rs], d, "o-", label=label)
        ax.axhline(0.0, color="k", lw=0.8)
        ax.set_title(MODELS[mid][0], fontsize=8)
        ax.set_xlabel("training seed")
        ax.set_ylabel("test loss, ERM minus Mixup")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _plot_design(log_rows, net_rows) -> Figure:
    """Mean Delta with its 99 % band (t SE) over the sensitivity grid: logistic regression against the training
    length, for each objective and radius; the nets at their length (and NET_FACTOR times it under --thorough)."""
    fig = Figure(figsize=(9.6, 3.6))
    ax = fig.add_subplot(1, 2, 1)
    lengths = LOGISTIC_LENGTHS + (CONVERGED,)
    for obj in OBJECTIVES:
        for radius in RADII:
            ps = [paired([r[f"{radius}_erm"] - r[f"{radius}_mix"] for r in log_rows[obj, n]]) for n in lengths]
            ax.errorbar(range(len(lengths)), [p["mean"] for p in ps], [p["t"] * p["se"] for p in ps], marker="o",
                        capsize=3, label=f"{OBJECTIVES[obj]}, {RADII[radius]}")
    ax.set_xticks(range(len(lengths)), [str(n) for n in lengths])
    ax.set_xlabel("training steps")
    ax.set_title("logistic regression", fontsize=8)
    ax2 = fig.add_subplot(1, 2, 2)
    for mid, by_factor in net_rows.items():
        for radius in RADII:
            ps = [paired([r[f"{radius}_erm"] - r[f"{radius}_mix"] for r in by_factor[f]]) for f in sorted(by_factor)]
            ax2.errorbar(sorted(by_factor), [p["mean"] for p in ps], [p["t"] * p["se"] for p in ps], marker="o",
                         capsize=3, label=f"{MODELS[mid][0].split(' (')[0]}, {RADII[radius]}")
    ax2.set_xlabel("training length / headline length")
    ax2.set_title("ReLU nets", fontsize=8)
    for a in (ax, ax2):
        a.axhline(0.0, color="k", lw=0.8)
        a.set_ylabel("adversarial test loss, ERM minus Mixup")
        a.legend(fontsize=6)
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="mixup-vs-erm-robustness",
    paper_ref=("Theorems 3.1 and 3.3, and Section 3.2 after Theorem 3.1: 'Therefore, minimizing the Mixup loss would "
               "result in a small adversarial loss. Our analysis suggests that Mixup by itself can improve robustness "
               "against small attacks'"),
    title="Training with Mixup lowers the adversarial loss at the Theorems' radius compared with ERM",
    statement=(r"L^{adv}(\theta_{ERM};\varepsilon_{min}\sqrt d) - L^{adv}(\theta_{mix};\varepsilon_{min}\sqrt d) > 0,\ "
               r"\theta_{mix}, \theta_{ERM}\ \text{trained on the same data from the same initialisation}"),
    hypotheses=("logistic loss, y in {0, 1}, alpha = beta = 1 (the Theorems' setting), centred training data",
                "logistic regression and bias-free ReLU networks (Theorems 3.1 and 3.3)",
                "eps_min computed at the Mixup-trained model; the same radius for both models of a pair",
                "held-out test data; decided by a paired t criterion at 99 % over K seeds (module docstring)",
                "training length, objective (Eq. (1) or Eq. (3)) and radius reading are free: decided on each "
                "(sensitivity table)"),
    derivation="derivations.mixup_vs_erm_robustness",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("instances", "trained (Mixup, ERM) pairs: logistic regression and a ReLU net on two moons in 10-d, "
                             "a ReLU net on Fashion-MNIST T-shirt vs trouser"),
)
