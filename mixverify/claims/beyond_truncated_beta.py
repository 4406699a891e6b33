r"""beyond-truncated-beta: is Mixup with :math:`\lambda' = \max(\lambda, 1-\lambda)` the same objective? (beyond the paper)

Carratino et al. ("On Mixup Regularization") draw :math:`\lambda' = \max(\lambda, 1-\lambda)`,
:math:`\lambda\sim\mathrm{Beta}(\alpha,\alpha)`; it is the default of uncertainty-baselines, and MixMatch does the
same. The question: with labels mixed by the same weight as the inputs, is training with the truncated law the
same objective as with Beta(alpha, alpha)?

Statement (derived before any number below was computed): write :math:`\ell_{kj}(\lambda)` for the loss of the
pair (k, j) mixed at weight :math:`\lambda`, and :math:`w_{kj}` for the probability of the ordered pair under the
pairing. Since :math:`\ell_{kj}(1-\lambda) = \ell_{jk}(\lambda)`,

.. math:: L^{trunc}_W - L_W = \mathbb E_\lambda\Big[1\{\lambda<\tfrac12\}\sum_{kj}(w_{jk}-w_{kj})\,\ell_{kj}(\lambda)\Big]

for **every** loss and **every** law of lambda. So the two objectives (and their gradients) coincide whenever
the pairing is swap-symmetric: all pairs (Eq. 1), a uniformly random permutation (in expectation), the batch
reversed (timm's ``flip``) -- for Beta(alpha, alpha) *and* for Beta(alpha, beta) with alpha != beta (so an
asymmetric law is *not* a counterexample over all pairs). They differ for a pairing that is not symmetric,
e.g. the roll ``x.roll(1, 0)`` (MindSpore's ``MixUp(is_single=True)``), by exactly the gap above.

Evidence (all pairs and Gauss--Jacobi quadrature; the truncated law by
:func:`mixverify.mixup_practice.truncated_lambda_quadrature`; Beta(alpha, beta) by
:func:`mixverify.losses.mixup_loss`, an independent code path):

- decisive ``equal-all-pairs``: :math:`L^{trunc} = L^{mix}` over all pairs, logistic regression, a tanh net and the
  squared error (a loss not affine in y), Beta(0.2, 0.2), (1, 1), (2, 2) and (0.5, 2); and the gradient of
  logistic regression;
- decisive ``equal-reversed``: the same for the batch reversed;
- decisive ``gap-formula-roll``: for the roll, the computed difference equals the gap formula;
- counterexample ``cx-roll``: that gap is not 0 (the statement fails without a symmetric pairing);
- power ``power-labels-untruncated``: truncating the inputs' weight but mixing the labels with the raw
  lambda (a plausible wrong reading) is rejected by the ``equal-all-pairs`` criterion;
- implementation: the truncated rule's mass and mean against QUADPACK; sampled truncated Mixup (Monte Carlo,
  Z_MC standard errors) against the exact value.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from scipy import integrate, special

from ..claim import Claim, Context, Evidence, Outcome, Scope, close, differs, holds, reported
from ..datasets import gaussian_data
from ..laws import Beta
from ..losses import eq2_loss, mixup_loss
from ..mixup_practice import (
    lower_half_rule,
    pair_values,
    pairing_weights,
    sample_truncated_lambda,
    truncated_lambda_quadrature,
    truncation_gap,
)
from ..models import linear_model, random_two_layer
from ..numerics import EPS64, Tol, monte_carlo, quadrature, ulps

LAWS = ((0.2, 0.2), (1.0, 1.0), (2.0, 2.0), (0.5, 2.0))
NODES = 16


def _raw_weight(t: np.ndarray, n_hi: int) -> np.ndarray:
    """The untruncated lambda behind each node of the truncated rule: t on the upper half, 1 - t on the lower."""
    raw = np.array(t, dtype=float)
    raw[n_hi:] = 1.0 - raw[n_hi:]
    return raw


def truncated_values(f, X, y, alpha, beta, nodes, *, h=None, label_weight=None):
    r"""(values (m, m, 2*nodes), weights): pair losses at the nodes of the truncated law.

    ``label_weight(t, raw)`` is the weight of the labels (default ``t``, the same as the inputs'); plant
    ``lambda t, raw: raw`` (labels mixed with the raw lambda) to see the check reject it."""
    t, w = truncated_lambda_quadrature(alpha, beta, nodes)
    raw = _raw_weight(t, nodes)
    lw = t if label_weight is None else label_weight(t, raw)
    loss = _loss(f, h)
    m = X.shape[0]
    xs = pair_values(lambda xm, ym: xm, X, y, t)                        # (m, m, K, d)
    tl = torch.as_tensor(lw, dtype=X.dtype).view(1, 1, -1)
    ys = tl * y.view(m, 1, 1) + (1 - tl) * y.view(1, m, 1)
    vals = loss(xs.reshape(-1, X.shape[1]), ys.reshape(-1)).reshape(m, m, -1)
    return vals, torch.as_tensor(np.array(w, dtype=float), dtype=X.dtype)


def _loss(f, h):
    if h is None:
        return lambda xm, ym: eq2_loss(f(xm), ym)
    return lambda xm, ym: h(f(xm), ym)


def _squared(out, label):
    return (label - out) ** 2 / 2


def _objective(vals, w, W):
    return (vals * w.view(1, 1, -1)).sum(-1).mul(W.to(vals.dtype)).sum()


def beta_objective(f, X, y, alpha, beta, nodes, W, h=None):
    """Mixup with lambda ~ Beta(alpha, beta) under pairing W (pair_values at the Gauss-Jacobi nodes)."""
    lam, w = Beta(alpha, beta).quadrature(nodes)
    vals = pair_values(_loss(f, h), X, y, lam)
    return _objective(vals, torch.as_tensor(np.array(w, dtype=float), dtype=X.dtype), W)


class _Batch(NamedTuple):
    """The data, models, pairings and planted label weight shared by the steps."""
    X: torch.Tensor
    y: torch.Tensor
    theta: torch.Tensor
    models: dict
    W_all: torch.Tensor
    W_rev: torch.Tensor
    W_roll: torch.Tensor
    label_weight: object


def check(ctx: Context, *, label_weight=None) -> Outcome:
    """``label_weight(t, raw)``: the labels' weight under the truncated law (plant ``raw`` to see it rejected)."""
    out = Outcome()
    rng = ctx.rng(163)
    s = _batch(rng, label_weight)
    out.evidence += _equal_for_symmetric_pairings(s)
    out.evidence += _roll_gap(s)
    out.evidence.extend(_law_checks())
    out.evidence.append(_monte_carlo(s, rng))
    out.evidence += _mean_lambdas()
    return out


def _batch(rng, label_weight) -> _Batch:
    """n = 12, d = 4 Gaussian data with both classes, the three models and the three pairings."""
    m, d = 12, 4
    X, _, theta = gaussian_data(m, d, rng)
    score = X @ theta
    y = (score > score.median()).to(X.dtype)  # both classes present (with one class, label mixing is void)
    models = {"logistic regression": (linear_model(theta), None),
              "tanh two-layer net": (random_two_layer(d, 8, rng), None),
              "logistic regression, squared error (not affine in y)": (linear_model(theta), _squared)}
    W_all, W_rev, W_roll = (pairing_weights(m, p) for p in ("all", "reversed", "roll"))
    return _Batch(X, y, theta, models, W_all, W_rev, W_roll, label_weight)


def _trunc(s: _Batch, f, h, a, b, N, W, lw):
    """The truncated-law objective under pairing W, labels weighted by ``lw``."""
    vals, w = truncated_values(f, s.X, s.y, a, b, N, h=h, label_weight=lw)
    return float(_objective(vals, w, W))


def _equal_for_symmetric_pairings(s: _Batch) -> list[Evidence]:
    """Truncated law = Beta law over all pairs and with the batch reversed; labels mixed with raw lambda rejected."""
    X, y, lw = s.X, s.y, s.label_weight
    rows_all, rows_rev, ok_all, ok_rev, ok_power, worst = [], [], True, True, False, 0.0
    tols_all, tols_rev = [], []
    for name, (f, h) in s.models.items():
        for a, b in LAWS:
            t1, t2 = _trunc(s, f, h, a, b, NODES, s.W_all, lw), _trunc(s, f, h, a, b, 2 * NODES, s.W_all, lw)
            if h is None:  # Eq. (1) by the library's own code path
                b1, b2 = (float(mixup_loss(f, X, y, a, b, nodes=N)) for N in (NODES, 2 * NODES))
            else:
                b1, b2 = (float(beta_objective(f, X, y, a, b, N, s.W_all, h)) for N in (NODES, 2 * NODES))
            tol = abs(t1 - t2) + abs(b1 - b2) + 64 * EPS64 * max(1.0, abs(b2))
            tols_all.append(tol)
            ok_all &= abs(t2 - b2) <= tol
            worst = max(worst, abs(t2 - b2) / tol)
            rows_all.append(f"{name}, Beta({a:g},{b:g}): trunc {t2:.12g} vs Beta {b2:.12g} (tol {tol:.1g})")
            bad = _trunc(s, f, h, a, b, 2 * NODES, s.W_all, lambda t, raw: raw)
            ok_power |= abs(bad - b2) > tol  # the decisive AND fails if any case rejects it
            r1, r2 = _trunc(s, f, h, a, b, NODES, s.W_rev, lw), _trunc(s, f, h, a, b, 2 * NODES, s.W_rev, lw)
            s1, s2 = (float(beta_objective(f, X, y, a, b, N, s.W_rev, h)) for N in (NODES, 2 * NODES))
            tol_r = abs(r1 - r2) + abs(s1 - s2) + 64 * EPS64 * max(1.0, abs(s2))
            tols_rev.append(tol_r)
            ok_rev &= abs(r2 - s2) <= tol_r
            rows_rev.append(f"{name}, Beta({a:g},{b:g}): {r2:.12g} vs {s2:.12g}")
    ok_grad, grad_rows = _gradients_equal(s)
    # value: the largest |trunc - Beta| in units of its tolerance, which must be at most 1
    return [
        holds("equal-all-pairs",
              "truncated law = Beta law, all pairs (Eq. 1): 3 losses x 4 laws incl. Beta(0.5, 2), and the logistic "
              "gradient",
              ok_all and ok_grad, Tol(1.0, "Gauss-Jacobi error estimates |Q_16 - Q_32| of both sides + 64 ulp"),
              value=worst, reference="<= 1", detail="; ".join(rows_all + grad_rows), role="decisive"),
        holds("equal-reversed", "truncated law = Beta law with the batch reversed (timm flip), 3 losses x 4 laws",
              ok_rev, quadrature(max(tols_rev), "|Q_16 - Q_32| of both sides + 64 ulp, per loss and law; the largest "
                                                "shown"),
              reference="equal", detail="; ".join(rows_rev), role="decisive"),
        holds("power-labels-untruncated",
              "power: inputs truncated, labels mixed with the raw lambda -- rejected by the equal-all-pairs criterion",
              ok_power, quadrature(max(tols_all), "same criterion as equal-all-pairs: |Q_16 - Q_32| of both sides + 64 "
                                                  "ulp, per loss and law; the largest shown"),
              reference="rejected", role="power"),
    ]


def _gradients_equal(s: _Batch) -> tuple[bool, list[str]]:
    """The gradients of both objectives agree: logistic regression, all pairs, Beta(1, 1) and (0.5, 2)."""
    X, y, W_all, label_weight = s.X, s.y, s.W_all, s.label_weight
    grad_rows, ok_grad = [], True
    for a, b in ((1.0, 1.0), (0.5, 2.0)):
        th = s.theta.clone().requires_grad_(True)
        f = linear_model(th)
        gt = torch.autograd.grad(_objective(*truncated_values(f, X, y, a, b, 2 * NODES, label_weight=label_weight),
                                            W_all), th)[0]
        gb = torch.autograd.grad(beta_objective(f, X, y, a, b, 2 * NODES, W_all), th)[0]
        gt1 = torch.autograd.grad(_objective(*truncated_values(f, X, y, a, b, NODES, label_weight=label_weight),
                                             W_all), th)[0]
        gb1 = torch.autograd.grad(beta_objective(f, X, y, a, b, NODES, W_all), th)[0]
        tol = float((gt - gt1).abs().max() + (gb - gb1).abs().max()) + 64 * EPS64 * max(1.0, float(gb.abs().max()))
        err = float((gt - gb).abs().max())
        ok_grad &= err <= tol
        grad_rows.append(f"Beta({a:g},{b:g}): max |grad diff| {err:.2g} (tol {tol:.1g})")
    return ok_grad, grad_rows


def _roll_gap(s: _Batch) -> list[Evidence]:
    """The roll (not swap-symmetric): the difference equals the gap formula, and is not 0 (counterexample)."""
    X, y, W_roll = s.X, s.y, s.W_roll
    f, h = s.models["tanh two-layer net"]
    a, b = 1.0, 1.0
    diffs = []
    for N in (NODES, 2 * NODES):
        t_ = _trunc(s, f, h, a, b, N, W_roll, s.label_weight)
        b_ = float(beta_objective(f, X, y, a, b, N, W_roll, h))
        lo_lam, lo_w = lower_half_rule(a, b, N)
        gap = truncation_gap(pair_values(_loss(f, h), X, y, lo_lam), lo_w, W_roll)
        diffs.append((t_ - b_, gap))
    (d1, g1), (d2, g2) = diffs
    tol = quadrature(abs(d1 - d2) + abs(g1 - g2), "|Q_16 - Q_32| of both") + ulps(64)
    return [
        close("gap-formula-roll",
              "roll pairing (x.roll(1, 0)): L_trunc - L_Beta = E[1{lam<1/2} sum (w_jk - w_kj) l_kj(lam)], tanh net, "
              "Beta(1,1)",
              d2, g2, tol, role="decisive"),
        # the gap exceeds the quadrature error estimate
        differs("cx-roll", "counterexample: with the roll pairing the truncated law is another objective (gap != 0)",
                d2, 0.0, tol, role="decisive",
                detail=f"relative gap {d2 / float(beta_objective(f, X, y, a, b, 2 * NODES, W_roll, h)):.3g}"),
    ]


def _monte_carlo(s: _Batch, rng) -> Evidence:
    """Sampled truncated Mixup, pairs uniform over all ordered pairs (i = j included), against the exact value."""
    X, y, m = s.X, s.y, s.X.shape[0]
    f, h = s.models["tanh two-layer net"]
    exact = _trunc(s, f, h, 1.0, 1.0, 2 * NODES, s.W_all, None)
    n = 100_000
    lam = torch.as_tensor(sample_truncated_lambda(1.0, 1.0, n, rng), dtype=X.dtype)
    i, j = torch.as_tensor(rng.integers(0, m, n)), torch.as_tensor(rng.integers(0, m, n))
    with torch.no_grad():
        terms = eq2_loss(f(lam[:, None] * X[i] + (1 - lam[:, None]) * X[j]), lam * y[i] + (1 - lam) * y[j])
    se = float(terms.std()) / np.sqrt(n)
    return close(
        "mc-truncated",
        "Monte Carlo truncated Mixup (uncertainty-baselines' sampling) = exact truncated objective, tanh net, Beta(1,1)",
        float(terms.mean()), exact, monte_carlo(se, n), kind="monte-carlo")


def _mean_lambdas() -> list[Evidence]:
    """E[lambda'] under each truncated law (context: the laws differ, the all-pairs objectives do not)."""
    ev = []
    for a, b in LAWS:
        t, w = truncated_lambda_quadrature(a, b, 2 * NODES)
        ev.append(reported(
            f"mean-lambda-{a:g}-{b:g}", f"E[lambda'] under the truncated Beta({a:g},{b:g}) (E[lambda] = "
            f"{a / (a + b):.3g})", float(np.dot(w, t)), why="the laws differ, the all-pairs objectives do not"))
    return ev


def _law_checks():
    """The truncated rule's mass, P(lam < 1/2) and mean against QUADPACK and the incomplete beta function."""
    ev = []
    for a, b in LAWS:
        t, w = truncated_lambda_quadrature(a, b, NODES)
        t2, w2 = truncated_lambda_quadrature(a, b, 2 * NODES)
        mean_ref = _mean_reference(a, b)
        lo = lower_half_rule(a, b, 2 * NODES)[1].sum()
        qerr = abs(w.sum() - w2.sum()) + abs(np.dot(w, t) - np.dot(w2, t2)) + 64 * EPS64
        tol = quadrature(qerr, "Gauss-Jacobi |Q_16 - Q_32| + 64 ulp") + Tol(1e-11, "QUADPACK's requested accuracy "
                                                                               "(1e-12)")
        ok = abs(w2.sum() - 1) <= tol.value and abs(np.dot(w2, t2) - mean_ref) <= tol.value and \
            abs(lo - special.betainc(a, b, 0.5)) <= tol.value
        ev.append(holds(
            f"rule-{a:g}-{b:g}",
            f"truncated rule Beta({a:g},{b:g}): mass 1, P(lam < 1/2) = I_1/2(a, b), E[lambda'] = QUADPACK", ok, tol,
            value=[float(w2.sum()), float(lo), float(np.dot(w2, t2))],
            reference=[1.0, float(special.betainc(a, b, 0.5)), mean_ref]))
    return ev


def _mean_reference(a, b):
    """E[max(lam, 1-lam)] for Beta(a, b) by QUADPACK, each half with its own algebraic endpoint weight."""
    opts = dict(weight="alg", epsabs=1e-13, epsrel=1e-12, limit=200)
    lower = integrate.quad(lambda x: (1 - x) ** b, 0, 0.5, wvar=(a - 1, 0), **opts)[0]   # x^(a-1) (1-x)^(b-1) (1-x)
    upper = integrate.quad(lambda x: x ** a, 0.5, 1, wvar=(0, b - 1), **opts)[0]         # x^(a-1) (1-x)^(b-1) x
    return (lower + upper) / special.beta(a, b)


CLAIM = Claim(
    id="beyond-truncated-beta",
    paper_ref="beyond the paper: Carratino et al., On Mixup Regularization (uncertainty-baselines' default)",
    title="lam' = max(lam, 1-lam) is the same Mixup objective for every swap-symmetric pairing; not for a roll",
    statement=(r"L^{trunc}_W - L_W = \mathbb E_\lambda\big[1\{\lambda<\tfrac12\}\sum_{kj}(w_{jk}-w_{kj})\,"
               r"\ell_{kj}(\lambda)\big] = 0\ \text{for } W = W^\top\ \text{(all pairs, random permutation, batch reversed)}"),
    hypotheses=("inputs and labels mixed with the same weight",
                "any loss, any law of lambda (Beta(alpha, alpha) or Beta(alpha, beta))",
                "the pairing is swap-symmetric (w_kj = w_jk); a roll is not"),
    derivation="derivations.beyond_truncated_beta",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("general", "the gap formula and its vanishing for symmetric pairings are derived symbolically (any "
                           "loss, any law); checked exactly (all pairs, 16/32-node Gauss-Jacobi) on logistic regression, "
                           "a tanh net and the squared error, n = 12, d = 4, Beta(0.2,0.2), (1,1), (2,2), (0.5,2)"),
    section="beyond",
)
