r"""Helpers that answer the questions Mixup users keep asking (claims beyond the paper, section "beyond").

Each function says which question it answers and where it was asked. Four questions:

1. Soft targets vs two cross-entropies (pytorch-image-models #46): :func:`soft_target_cross_entropy`,
   :func:`mixed_soft_target`, :func:`two_cross_entropies`, and the counterexamples
   :func:`sigmoid_focal_loss` and :func:`squared_error_gap`.
2. One lambda per batch or one per example (big_vision #90, CutMix-PyTorch #4, TorchSSL #69):
   :func:`pair_values`, :func:`estimator_variances` (exact variances over lambda and the pairing).
3. The truncated Beta of Carratino et al. ("On Mixup Regularization"; uncertainty-baselines, MixMatch):
   :func:`truncated_lambda_quadrature`, :func:`sample_truncated_lambda`, :func:`pairing_weights`,
   :func:`truncation_gap`.
4. An attack of size 0 gives clean accuracy (torchattacks #124, #172, #37): :func:`perturbation_norms`,
   :func:`ball_rounding_slack`.

Throughout, the mixed pair (k, j) at weight :math:`\lambda` is
:math:`(\lambda x_k + (1-\lambda) x_j,\ \lambda y_k + (1-\lambda) y_j)`, as in Eq. (1) of Zhang et al. (2021).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from . import _validate
from .laws import Beta
from .losses import eq2_loss, softplus

# --- 1. soft targets vs two cross-entropies ---------------------------------------------------------------


def smoothed_one_hot(y, num_classes: int, smoothing: float = 0.0, *, dtype=torch.float64) -> torch.Tensor:
    r"""One-hot targets with label smoothing: :math:`(1-\varepsilon)\,e_y + \varepsilon/K`.

    The targets of timm's ``Mixup`` (``one_hot(target, K, on_value=1-eps+eps/K, off_value=eps/K)``) and of
    ``torch.nn.functional.cross_entropy(..., label_smoothing=eps)``. Answers pytorch-image-models #46.
    """
    y = torch.as_tensor(y)
    K = _validate.positive_int("num_classes", num_classes)
    if not 0.0 <= float(smoothing) <= 1.0:
        raise ValueError(f"smoothing must lie in [0, 1], got {smoothing!r}")
    off = float(smoothing) / K
    return F.one_hot(y.long(), K).to(dtype) * (1.0 - float(smoothing)) + off


def mixed_soft_target(y_a, y_b, lam, num_classes: int, smoothing: float = 0.0, *, dtype=torch.float64) -> torch.Tensor:
    r"""The Mixup soft target :math:`\lambda\,s(y_a) + (1-\lambda)\,s(y_b)` with :math:`s` the smoothed one-hot.

    ``lam`` is a number (one per batch) or a tensor of one weight per example. This is timm's
    ``mixup_target``; answers pytorch-image-models #46.
    """
    ta = smoothed_one_hot(y_a, num_classes, smoothing, dtype=dtype)
    tb = smoothed_one_hot(y_b, num_classes, smoothing, dtype=dtype)
    lam = torch.as_tensor(lam, dtype=ta.dtype)
    lam = lam.view(-1, 1) if lam.ndim == 1 else lam
    return lam * ta + (1 - lam) * tb


def soft_target_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    r"""Per-example cross-entropy with a soft target, :math:`-\sum_k t_k \log\mathrm{softmax}(z)_k`.

    timm's ``SoftTargetCrossEntropy`` before its mean over the batch. It is linear in the target ``t``,
    which is why one cross-entropy with the mixed target equals the two weighted cross-entropies
    (pytorch-image-models #46).
    """
    if tuple(target.shape) != tuple(logits.shape):
        raise ValueError(f"target must have the logits' shape {tuple(logits.shape)}, got {tuple(target.shape)}")
    return -(target * F.log_softmax(logits, dim=-1)).sum(-1)


def two_cross_entropies(logits: torch.Tensor, y_a, y_b, lam, smoothing: float = 0.0) -> torch.Tensor:
    r"""Per-example :math:`\lambda\,\mathrm{CE}(z, y_a) + (1-\lambda)\,\mathrm{CE}(z, y_b)` with integer labels.

    facebookresearch/mixup-cifar10's ``mixup_criterion``, computed through torch's own
    ``cross_entropy(..., label_smoothing=smoothing)`` (a code path independent of
    :func:`soft_target_cross_entropy`). Answers pytorch-image-models #46.
    """
    if not 0.0 <= float(smoothing) <= 1.0:
        raise ValueError(f"smoothing must lie in [0, 1], got {smoothing!r}")
    lam = torch.as_tensor(lam, dtype=logits.dtype, device=logits.device)
    ce_a = F.cross_entropy(logits, torch.as_tensor(y_a).long(), reduction="none", label_smoothing=float(smoothing))
    ce_b = F.cross_entropy(logits, torch.as_tensor(y_b).long(), reduction="none", label_smoothing=float(smoothing))
    return lam * ce_a + (1 - lam) * ce_b


def sigmoid_focal_loss(logits: torch.Tensor, target: torch.Tensor, *, gamma: float = 2.0,
                       alpha: float = 0.25) -> torch.Tensor:
    r"""Elementwise sigmoid focal loss (Lin et al. 2017) with soft targets, as ``torchvision.ops.sigmoid_focal_loss``.

    .. math:: \alpha_t\,(1 - p_t)^\gamma\,\mathrm{BCE}(z, t),\quad p_t = p t + (1-p)(1-t),\quad
              \alpha_t = \alpha t + (1-\alpha)(1-t)

    Not linear in the target ``t``: the counterexample to "mixed target = two losses" of
    pytorch-image-models #46. ``alpha < 0`` drops the class weight, as torchvision does.
    """
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * target + (1 - alpha) * (1 - target)) * loss
    return loss


def squared_error_gap(t_a: torch.Tensor, t_b: torch.Tensor, lam) -> torch.Tensor:
    r"""Exact gap of the squared error on probabilities (Brier) between the mixed target and the two losses.

    .. math:: \|p - (\lambda t_a + (1-\lambda) t_b)\|^2 - \lambda\|p - t_a\|^2 - (1-\lambda)\|p - t_b\|^2
              = -\lambda(1-\lambda)\,\|t_a - t_b\|^2

    It does not depend on p (nor on the network): the two losses differ in value but not in gradient.
    Answers pytorch-image-models #46 for the squared error.
    """
    lam = torch.as_tensor(lam, dtype=t_a.dtype)
    return -lam * (1 - lam) * ((t_a - t_b) ** 2).sum(-1)


# --- 2. one lambda per batch or one per example ----------------------------------------------------------


def pair_values(value: Callable, X: torch.Tensor, y: torch.Tensor, lam, rows=None) -> torch.Tensor:
    r"""``value(x_mixed, y_mixed)`` for the pairs (k, j), k in ``rows``, j in 0..m-1, at each lambda in ``lam``.

    Returns shape (len(rows), m, K, ...) where ``value`` maps an (N, d) batch of mixed inputs and its (N,)
    mixed labels to (N, ...) (a loss: (N,); a per-example gradient: (N, p)).
    """
    if X.ndim != 2 or y.shape != X.shape[:1]:
        raise ValueError(f"X must be (m, d) and y (m,), got {tuple(X.shape)} and {tuple(y.shape)}")
    m, d = X.shape
    rows = torch.arange(m) if rows is None else torch.as_tensor(rows)
    lam_t = torch.as_tensor(np.array(lam, dtype=float), dtype=X.dtype, device=X.device).view(1, 1, -1, 1)
    Xk, yk = X[rows].view(-1, 1, 1, d), y[rows].view(-1, 1, 1)
    xm = lam_t * Xk + (1 - lam_t) * X.view(1, m, 1, d)
    ym = lam_t[..., 0] * yk + (1 - lam_t[..., 0]) * y.view(1, m, 1)
    shape = xm.shape[:3]
    out = value(xm.reshape(-1, d), ym.reshape(-1))
    return out.reshape(*shape, *out.shape[1:])


def mixup_pair_losses(f: Callable, h: Callable = softplus) -> Callable:
    """``value`` for :func:`pair_values`: the loss of Eq. (2), :math:`h(f(\\tilde x)) - \\tilde y f(\\tilde x)`."""
    for name, fn in (("f", f), ("h", h)):
        if not callable(fn):
            raise ValueError(f"{name} must be a callable, got {type(fn).__name__}")
    return lambda xm, ym: eq2_loss(_validate.outputs(f, xm), ym, h)


@dataclass(frozen=True)
class EstimatorVariances:
    r"""Exact mean and variances of the one-batch Mixup estimator (a trace of covariance for vector values).

    ``mean`` is Eq. (1) of the batch, :math:`\frac{1}{m^2}\sum_{kj}\mathbb E_\lambda v_{kj}(\lambda)`.
    ``var_batch``: one lambda for the batch; ``var_example``: one lambda per example; each is the sum of a
    part from lambda (``*_lam``) and a part from the pairing (``*_pairing``). For a fixed pairing (an index
    array) the pairing part is 0 and ``mean`` is that pairing's own expectation.
    """

    m: int
    mean: float
    var_batch: float
    var_example: float
    var_batch_lam: float
    var_batch_pairing: float
    var_example_lam: float
    var_example_pairing: float

    @property
    def reduction(self) -> float:
        """var_batch / var_example: by how much one lambda per example reduces the variance."""
        return self.var_batch / self.var_example


def estimator_variances(values: Callable | torch.Tensor, m: int, weights, *, pairing="permutation",
                        chunk_rows: int | None = None) -> EstimatorVariances:
    r"""Exact variances of the per-batch-lambda and per-example-lambda Mixup estimators of one batch.

    Answers "one lambda per batch or one per example?" (big_vision #90, CutMix-PyTorch #4, TorchSSL #69;
    facebookresearch/mixup-cifar10 draws one per batch, uncertainty-baselines one per example). The batch
    estimator is :math:`\hat L = \frac1m\sum_k v_{k\pi(k)}(\lambda_k)` with :math:`\lambda_k = \lambda` (per
    batch) or i.i.d. (per example), :math:`\lambda\sim` the law whose quadrature ``weights`` the values were
    computed at. ``pairing="permutation"``: :math:`\pi` uniform over permutations (``torch.randperm``);
    both estimators are then unbiased for Eq. (1) of the batch and, with the double-centred
    :math:`d_{kj} = v_{kj} - \bar v_{k\cdot} - \bar v_{\cdot j} + \bar v_{\cdot\cdot}` (Hoeffding 1951,
    :math:`\mathrm{Var}\sum_k c_{k\pi(k)} = \frac{1}{m-1}\sum_{kj} d_{kj}^2`),

    .. math::
        \mathrm{Var}_{batch} &= \mathrm{Var}_\lambda \bar v_{\cdot\cdot}(\lambda)
            + \frac{1}{m^2(m-1)}\mathbb E_\lambda\sum_{kj} d_{kj}(\lambda)^2,\\
        \mathrm{Var}_{example} &= \frac{1}{m^3}\sum_{kj}\mathrm{Var}_\lambda v_{kj}(\lambda)
            + \frac{1}{m^2(m-1)}\sum_{kj} \big(\mathbb E_\lambda d_{kj}(\lambda)\big)^2 .

    An index array ``pairing`` is a fixed partner per example (``arange(m)[::-1]``: timm's ``flip``).
    ``values`` is the (m, m, K[, p]) tensor of :func:`pair_values` or a callable ``rows -> `` its rows; vector
    values give traces of covariance (the gradient's). Exact up to the quadrature of lambda.
    """
    m = _validate.positive_int("m", m)
    if m < 2:
        raise ValueError(f"m must be at least 2 (a batch to pair), got {m}")
    w = torch.as_tensor(np.array(weights, dtype=float), dtype=torch.float64)
    get = values if callable(values) else (lambda rows: values[rows])
    chunk = chunk_rows or m
    fixed = None if (isinstance(pairing, str) and pairing == "permutation") else np.asarray(pairing)
    if fixed is not None and (fixed.shape != (m,) or sorted(fixed.tolist()) != list(range(m))):
        raise ValueError(f"pairing must be 'permutation' or a permutation of range({m}), got {pairing!r}")
    a_rows, e2_total, ss_rows, col_sum = [], 0.0, 0.0, None
    fixed_vals = []
    for start in range(0, m, chunk):
        rows = torch.arange(start, min(m, start + chunk))
        g = get(rows).to(torch.float64)
        if g.ndim == 3:
            g = g.unsqueeze(-1)
        wv = w.to(g.device).view(1, 1, -1, 1)
        a_rows.append((wv * g).sum(2))                                   # (r, m, p): E_lam v_kj
        sq = (g ** 2).sum(-1)                                            # (r, m, K)
        e2_total += float((w.to(g.device) * sq.sum((0, 1))).sum())
        row_mean = g.mean(1)                                             # (r, K, p)
        ss_rows += float((w.to(g.device) * (row_mean ** 2).sum(-1).sum(0)).sum())
        col_sum = g.sum(0) if col_sum is None else col_sum + g.sum(0)    # (m, K, p)
        if fixed is not None:
            fixed_vals.append(g[torch.arange(len(rows)), torch.as_tensor(fixed[rows.numpy()])])  # (r, K, p)
    a = torch.cat(a_rows)                                                # (m, m, p)
    wc = w.to(a.device)
    if fixed is not None:
        gf = torch.cat(fixed_vals)                                       # (m, K, p)
        af = (wc.view(1, -1, 1) * gf).sum(1)                             # (m, p)
        Fq = gf.mean(0)                                                  # (K, p)
        var_b = float((wc * ((Fq - af.mean(0)) ** 2).sum(-1)).sum())
        var_e = float((wc.view(1, -1) * (gf ** 2).sum(-1)).sum() - (af ** 2).sum()) / m**2
        return EstimatorVariances(m, float(af.mean(0).sum()) if af.shape[1] == 1 else float("nan"),
                                  var_b, var_e, var_b, 0.0, var_e, 0.0)
    col_mean = col_sum / m                                               # (m, K, p)
    G = col_mean.mean(0)                                                 # (K, p)
    Gbar = (wc.view(-1, 1) * G).sum(0)
    ss_cols = float((wc * (col_mean ** 2).sum(-1).sum(0)).sum())
    ss_grand = float((wc * (G ** 2).sum(-1)).sum())
    ssd_lam = e2_total - m * ss_rows - m * ss_cols + m**2 * ss_grand     # E_lam sum_kj |d_kj(lam)|^2
    da = a - a.mean(1, keepdim=True) - a.mean(0, keepdim=True) + a.mean((0, 1), keepdim=True)
    ssd_mean = float((da ** 2).sum())
    var_lam_total = e2_total - float((a ** 2).sum())                     # sum_kj tr Var_lam v_kj
    hoeff = 1.0 / (m**2 * (m - 1))
    vb_lam = float((wc * ((G - Gbar) ** 2).sum(-1)).sum())
    vb_pair = hoeff * ssd_lam
    ve_lam = var_lam_total / m**3
    ve_pair = hoeff * ssd_mean
    mean = float(a.mean((0, 1)).sum()) if a.shape[-1] == 1 else float("nan")
    return EstimatorVariances(m, mean, vb_lam + vb_pair, ve_lam + ve_pair, vb_lam, vb_pair, ve_lam, ve_pair)


# --- 3. the truncated Beta: lam = max(lam, 1 - lam) --------------------------------------------------------


def truncated_lambda_quadrature(alpha, beta, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Quadrature for the law of :math:`\lambda' = \max(\lambda, 1-\lambda)`, :math:`\lambda\sim\mathrm{Beta}(\alpha,\beta)`.

    The truncated law of Carratino et al. ("On Mixup Regularization"), the default of uncertainty-baselines
    and MixMatch's :math:`\lambda' = \max(\lambda, 1-\lambda)`. Its density on [1/2, 1] is
    :math:`p(t) + p(1-t)`. Each half is a Gauss--Jacobi rule in :math:`u = 2(1-t)` with the endpoint
    singularity :math:`u^{\beta-1}` (resp. :math:`u^{\alpha-1}`) as its weight and the smooth factor
    :math:`(1-u/2)^{\alpha-1}` (resp. :math:`^{\beta-1}`) in the integrand: 2 * ``nodes`` nodes in [1/2, 1],
    weights summing to 1 up to the quadrature error of that smooth factor.
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    hi, lo = _half_rules(alpha, beta, _validate.positive_int("nodes", nodes))
    return np.concatenate([hi[0], 1.0 - lo[0]]), np.concatenate([hi[1], lo[1]])


def _half_rules(alpha: float, beta: float, nodes: int):
    r"""((lam, w) on [1/2, 1], (lam, w) on [0, 1/2]) for Beta(alpha, beta); w are probabilities (unnormalised)."""
    from scipy import special

    log_b = special.betaln(alpha, beta)
    u, wu = Beta(beta, 1.0).quadrature(nodes)     # E over density beta u^(beta-1): int u^(beta-1) g = E[g]/beta
    hi_lam = 1.0 - u / 2
    hi_w = wu / beta * np.exp((alpha - 1) * np.log1p(-u / 2) - beta * np.log(2.0) - log_b)
    v, wv = Beta(alpha, 1.0).quadrature(nodes)
    lo_lam = v / 2
    lo_w = wv / alpha * np.exp((beta - 1) * np.log1p(-v / 2) - alpha * np.log(2.0) - log_b)
    return (hi_lam, hi_w), (lo_lam, lo_w)


def sample_truncated_lambda(alpha, beta, size: int, generator: np.random.Generator) -> np.ndarray:
    r""":math:`\max(\lambda, 1-\lambda)`, :math:`\lambda\sim\mathrm{Beta}(\alpha,\beta)`, as uncertainty-baselines draws it."""
    lam = Beta(alpha, beta).sample(_validate.positive_int("size", size), generator)
    return np.maximum(lam, 1.0 - lam)


def pairing_weights(m: int, pairing) -> torch.Tensor:
    r"""The (m, m) matrix of pair probabilities :math:`w_{kj}` of a pairing scheme (rows: the example, columns: its partner).

    ``"all"``: every ordered pair, :math:`1/m^2` (Eq. 1; also a uniformly random permutation, in
    expectation); ``"reversed"``: partner m-1-k (timm's ``flip``); ``"roll"``: partner k+1 mod m
    (MindSpore's ``MixUp(is_single=True)``, ``x.roll(1, 0)``); an index array: that fixed partner.
    """
    m = _validate.positive_int("m", m)
    if isinstance(pairing, str):
        if pairing == "all":
            return torch.full((m, m), 1.0 / m**2, dtype=torch.float64)
        partner = {"reversed": np.arange(m)[::-1], "roll": (np.arange(m) + 1) % m}.get(pairing)
        if partner is None:
            raise ValueError(f"pairing must be 'all', 'reversed', 'roll' or an index array, got {pairing!r}")
    else:
        partner = np.asarray(pairing)
    W = torch.zeros(m, m, dtype=torch.float64)
    W[torch.arange(m), torch.as_tensor(partner.copy())] = 1.0 / m
    return W


def truncation_gap(values_lo: torch.Tensor, w_lo, W: torch.Tensor) -> float:
    r"""Exact gap :math:`L^{trunc}_W - L_W` of the truncated law for a pairing with pair probabilities W.

    .. math:: L^{trunc}_W - L_W = \mathbb E_\lambda\Big[1\{\lambda < \tfrac12\}
              \sum_{kj} (w_{jk} - w_{kj})\,v_{kj}(\lambda)\Big]

    from :math:`v_{kj}(1-\lambda) = v_{jk}(\lambda)` (inputs and labels mixed by the same weight). It is 0 for
    every loss and every law of lambda when W is symmetric (all pairs, a random permutation, the batch
    reversed), and not in general otherwise (a roll). ``values_lo`` (m, m, K): :math:`v_{kj}` at the nodes of
    the lower half-rule, ``w_lo`` its probabilities (see :func:`truncated_lambda_quadrature`). Answers
    Carratino et al.'s truncated Beta question (uncertainty-baselines' default).
    """
    m = values_lo.shape[0]
    if tuple(W.shape) != (m, m) or values_lo.ndim != 3 or values_lo.shape[1] != m:
        raise ValueError(f"values_lo must be (m, m, K) and W (m, m), got {tuple(values_lo.shape)} and {tuple(W.shape)}")
    w_lo = torch.as_tensor(np.array(w_lo, dtype=float), dtype=values_lo.dtype, device=values_lo.device)
    diff = (W.T - W).to(values_lo.dtype).to(values_lo.device)
    return float(((values_lo * w_lo.view(1, 1, -1)).sum(-1) * diff).sum())


def lower_half_rule(alpha, beta, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes in [0, 1/2] and probabilities :math:`P(\lambda\in dt)` of Beta(alpha, beta) restricted there."""
    return _half_rules(_validate.positive("alpha", alpha), _validate.positive("beta", beta),
                       _validate.positive_int("nodes", nodes))[1]


# --- 4. attacks of size 0 --------------------------------------------------------------------------------


def perturbation_norms(X: torch.Tensor, X_adv: torch.Tensor, norm) -> torch.Tensor:
    r"""Per-example :math:`\|x_{adv} - x\|` (l2 or l-infinity), the quantity torchattacks #37 asks to stay <= eps."""
    delta = (X_adv - X).flatten(1)
    return delta.abs().amax(1) if norm in ("inf", float("inf")) else delta.norm(dim=1)


def ball_rounding_slack(X: torch.Tensor, eps: float, norm) -> torch.Tensor:
    r"""Per-example allowance above eps that floating point forces on :math:`\|\mathrm{fl}(x+\delta) - x\|`.

    Storing x + delta rounds each coordinate by at most half a unit in the last place of
    :math:`|x| + \varepsilon` (IEEE round-to-nearest), and the projection's own factor
    :math:`\varepsilon/\|\delta\|` carries a few more ulps of eps: the slack is
    :math:`8u\varepsilon + \|\tfrac12\mathrm{ulp}(|x|+\varepsilon)\|` (max or l2 over coordinates), u the
    unit round-off. Answers torchattacks #37 (an attack must never leave its eps-ball).
    """
    u = torch.finfo(X.dtype).eps
    ulp = torch.as_tensor(np.spacing((X.abs() + eps).detach().cpu().numpy()), dtype=X.dtype) / 2
    flat = ulp.flatten(1)
    rounding = flat.amax(1) if norm in ("inf", float("inf")) else flat.norm(dim=1)
    return 8 * u * eps + rounding.to(X.device)
