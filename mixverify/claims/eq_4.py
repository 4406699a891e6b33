r"""eq-4: Eq. (4), Theta contains every theta with zero training error, and the remark after it, that theta trained
with Mixup is in Theta from some finite time on (Section 3.2).

Section 3.2 restricts Theorems 3.1-3.3 to the data-dependent set
:math:`\Theta = \{\theta : y_i f_\theta(x_i) + (y_i - 1) f_\theta(x_i) \ge 0 \text{ for all } i\}` (labels in {0, 1};
the condition is :math:`(2y_i - 1) f_\theta(x_i)\ge0`) and justifies it by

    "Notice that Theta contains the set of all theta with zero training errors: Theta ⊇ {theta : the label prediction
    y^_i = 1{f_theta(x_i) >= 0} is equal to y_i for all i} (4). In many practical cases, the training error (0-1 loss)
    becomes zero in finite time although the training loss does not. Equation (4) shows that the condition of theta in
    Theta is satisfied in finite time in such practical cases with zero training errors."

**Two statements, both decided.**

1. *Eq. (4), the inclusion* (general; derivations/eq_4.py, decisive): per label, the outputs classified correctly by
   :math:`1\{f\ge0\}` lie in the outputs Theta allows (:math:`(-\infty, 0)\subseteq(-\infty, 0]` for y = 0,
   :math:`[0,\infty)` for y = 1), so the zero-error set, a preimage of their product, lies in Theta for every model, data
   set and n; with the tie rule :math:`1\{f>0\}` too. The inclusion is strict exactly where a label-0 point has
   f = 0 (:math:`\theta = 0` of a bias-free model is in Theta with training errors), so the opposite inclusion is
   false. The same per-point conditions are evaluated on every iterate of every training run below and on
   :math:`\theta = 0` (``eq4-instances``, decisive): an iterate with zero training error outside Theta would
   contradict Eq. (4).
2. *The remark, as the theorems use it*. Read alone it is Eq. (4) restated (zero training error, then Theta): a reading
   the text allows, decided by the Eq. (4) evidence and recorded as the ``reading`` row of the sensitivity table, so the
   claim is ``design-dependent`` wherever the headline reading below is refuted. What it is for is theta trained with
   Mixup: Theorems 3.1-3.3 bound :math:`\tilde L^{mix}_n(\theta)` for theta in Theta, and
   the paper applies them to the trained model ("one can think the final radius is taken at the minimizer of
   :math:`\tilde L^{mix}_n`"). So the claim tested is: **for the paper's models trained with Mixup, theta enters Theta
   at a finite step and stays there** -- zero training error is what the remark assumes such training reaches.
   theorem-3.2 already finds the unconstrained minimisers of :math:`\tilde L^{mix}_n` outside Theta on non-separable
   data; here the data are separable, the "practical case" the remark has in mind.

**The design: what the paper fixes, what it leaves free.** Fixed, and followed literally: Figure 3's set-up, the
paper's experiment on separable data for these models (Appendix B.1): "we generated 100 data points as x_i ~ N(0, I)
and y_i = 1{x_i^T theta* > 0} where x_i in R^10 and theta* ~ N(0, I)"; "linear models and ANNs with ReLU activations
and 50 neurons per each of two hidden layers" (bias-free, the nets of Theorem 3.3: the linear model is
:math:`f = \theta^\top x` of Theorem 3.1); "We set the learning rate to be 0.1 and the momentum coefficient to be 0.9",
no weight decay; the logistic loss of Eq. (2); the data are figure-3's draws (:func:`mixverify.claims.figure_3._draw`,
streams :data:`FIRST_DRAW` ... of the seed, the first 9 of them the ones figure-3 decides on). Trained with Mixup:
Eq. (1) with alpha = beta = 1, by Monte Carlo as practice does (n (i, j, lambda) triples per full-batch step, seeded,
as :func:`mixverify.claims.mixup_vs_erm_robustness.fit` draws them; ``impl-fit`` checks the batched training against
it), :data:`STEPS` = 1000 full-batch steps. Free, and varied in the sensitivity table (``ctx.sensitivity``):

- *training length*: :data:`STEPS` / 2 = 500 steps (both models; the headline run read at 500 steps equals a run of
  500), and **to convergence**, where the argument is about the minimiser: logistic regression's minimiser of the exact
  Eq. (1) (lambda by Gauss-Jacobi quadrature, all n^2 pairs; strictly convex, as mixed labels lie in (0, 1)) by damped
  Newton (:func:`~mixverify.claims.mixup_vs_erm_robustness.newton`) from the 1000-step iterate until
  ||grad|| <= 1e-9. The ANN is held at its headline in that row: its minimiser is not computed, and its runs enter
  Theta by step ~400 of 1000;
- *objective*: Eq. (3), :math:`\tilde L^{mix}_n = L^{std}_n + \mathcal R_1 + \mathcal R_2` (what the theorems bound;
  :math:`\mathcal R_3 = 0` as :math:`\nabla^2 f = 0` a.e. for both models; :func:`approx_mixup_draws`), 1000 steps,
  both models. Not to convergence: on separable data :math:`\tilde L^{mix}_n` has no minimiser (its infimum is
  approached along separating rays, theorem-3.2's ``cx-separable-no-min``); Newton from the 1000-step iterates stops at
  stationary points with training errors or runs off to infinity;
- *alpha, beta*: (5, 0.5), the paper's own choice for Figure 1 (logistic regression; the ANN at its headline);
- *seeds*: run_claim's seed row (the headline on another seed; three under --thorough).

Held fixed: n, d, widths, learning rate, momentum, full batch (the paper gives no batch size; figure-3's choice). ERM
(the standard loss, 2000 steps, logistic regression) is a finding row (``admissible=False``): it is the remark's
"practical case", but the theorems are about Mixup-trained theta.

**Criterion (fixed before the numbers).** A run *reaches Theta* at length T when its iterate is in Theta at every step
from :math:`\lceil T/2\rceil` to T (checked after every step): it entered at a finite step and stayed for at least
the second half of training. Membership is exact: Theta's per-point condition and the label rule hold on an interval
of outputs for each label, so they hold at every point of a label iff they hold at that label's smallest and largest
output, which the training callback records after every step (``impl-membership`` checks this against the points).
For the minimiser, reaching Theta is being in it (a limit strictly outside Theta is left for good; Theta is closed).
The remark holds for a model when theta reaches Theta in at least half of the runs ("in many practical cases": the
typical run), judged over K draws by the exact one-sided binomial test at :data:`LEVEL` = 1 %:

- decisive ``remark-<model>``: not contradicted, :math:`P(\mathrm{Bin}(K, \tfrac12)\le k) > 0.01` for k runs of K
  reaching Theta; it fails when significantly fewer than half do;
- power ``remark-<model>-power``: the opposite statement ("at most half of the runs reach Theta") is rejected,
  :math:`P(\mathrm{Bin}(K, \tfrac12)\ge k)\le0.01`; it fails when the K runs cannot tell.

**K, chosen after the criterion from a pilot** (seed 0, 12 draws each, 1000 steps): Mixup-trained logistic regression
reached Theta in 0 of 12 runs, the ANN in 12 of 12 (entering by step 389); the exact Eq. (1) minimiser of logistic
regression was in Theta for 23 of 240 draws (seeds 0-19, rate 0.096). :data:`DRAWS` = 24 for logistic regression
(trained jointly, cheap): the test then refutes for k <= 5, which a rate of 0.096 exceeds with probability 0.023 (the
minimiser row); 12 for the ANN: its power check needs k >= 11, which a rate of 0.97 misses with probability 0.049.
``--thorough`` doubles both.

**Verdict.** Eq. (4) holds (general). The remark fails for logistic regression, the model of Theorem 3.1: trained with
Mixup (Eq. (1) or (3), at each length, and at the minimiser) it keeps misclassifying training points of separable data
and stays outside Theta, where Theorem 3.1's proof (its step :math:`\mathcal R_1\ge0`) does not apply; the ANN
reaches Theta. Refuted, with an erratum of kind ``conclusion``.

Cost (one core, uncached, measured on a shared machine): the headline about 4.5 s (24 + 12 draws of 1000 steps, the
ANN about two thirds of it), the full check with its rows about 12 s (measured 11.7 s), with its seed row about 16 s.

Planted errors (tests): the opposite inclusion, a sign typo in Theta (:math:`1 - y_i` for :math:`y_i - 1`) and the
label rule :math:`1\{f\le0\}`, through :class:`Statement`.

Scope: ``instances`` -- the remark is a general statement decided on Figure 3's set-up trained with Mixup; Eq. (4)
itself is decided in general.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import stats

from mixverify.derivations import eq_4 as derivation

from ..claim import Claim, Context, Erratum, Evidence, Outcome, Scope, at_most, holds, reported, row
from ..eq2 import eq2_loss
from ..laws import mixup_lambda_law, tilde_lambda_law
from ..losses import approx_mixup_loss
from ..models import ReLUMLP
from ..numerics import Tol, ulps
from ..training import initial_model, single_thread, train
from . import mixup_vs_erm_robustness as robustness
from .figure_3 import FIRST_DRAW, LR, MOMENTUM, WIDTHS, D, Draws, N, _draw

ALPHA = BETA = 1.0
FIGURE_1 = (5.0, 0.5)  # the paper's alpha, beta for Figure 1
STEPS = 1000
#: Draws per model (module docstring: chosen from the pilot).
DRAWS = {"linear": 24, "ANN": 12}
LEVEL = 0.01  # one-sided binomial test
MATCH_STEPS, MATCH_RTOL = 50, 1e-10
RECORD_VERSION = 1  # part of the training-cache key: bump when what the callback records changes
MODEL_WORDS = {"linear": "logistic regression f = theta^T x", "ANN": "ReLU net 10-50-50-1 (no biases)"}
OBJECTIVES = {"eq1": "Mixup, Eq. (1) by Monte Carlo", "eq3": "Mixup, Eq. (3) L~mix", "erm": "ERM (standard loss)"}


@dataclass(frozen=True)
class Statement:
    """What the check tests: Theta's per-point condition ``in_theta(y, f)``, the label rule ``predict(f)`` of Eq. (4) and
    the direction of the inclusion (``contains``: Theta contains the zero-error set); the paper's by default. Tests
    plant wrong ones and see the decisive evidence reject them."""

    in_theta: Callable = derivation.in_theta
    predict: Callable = derivation.predict
    contains: bool = True


PRINTED = Statement()


def check(ctx: Context, statement: Statement = PRINTED) -> Outcome:
    """Eq. (4) on every trained iterate and the remark on Figure 3's set-up trained with Mixup (module docstring); with
    ``ctx.sensitivity`` the table over training length, objective and alpha, beta, and the ERM finding."""
    with single_thread():
        return _check(ctx, statement)


def _check(ctx, statement):
    draws = {name: [_draw(ctx, FIRST_DRAW + k) for k in range(DRAWS[name] * (2 if ctx.thorough else 1))]
             for name in WIDTHS}
    runs = {name: train_draws(name, "eq1", draws[name], STEPS, lengths=(STEPS // 2, STEPS)) for name in WIDTHS}
    headline = {name: judge(statement, runs[name], STEPS) for name in WIDTHS}
    out = Outcome()
    out.evidence.append(_eq4_instances(statement, runs, STEPS))
    out.evidence += remark_evidence(headline, OBJECTIVES["eq1"] + f", {STEPS} steps")
    out.evidence += _implementation(statement, draws, runs)
    out.errata += _erratum(headline)
    curves = {f"{name}, {OBJECTIVES['eq1']}": membership(statement, runs[name]["extremes"]) for name in WIDTHS}
    if ctx.sensitivity:
        out.sensitivity.append(row(
            "reading", "the remark read alone: Eq. (4) restated (a theta with zero training error is in Theta), of any "
            "model and training", Outcome(evidence=[out.by_id("eq4-instances")]), value="Eq. (4) on every iterate",
            detail="true as a sentence; says nothing of whether Mixup training reaches zero training error"))
        out.sensitivity += _sensitivity(statement, draws, runs, out, curves)
    out.figures["draws-in-theta"] = _plot(curves, draws)
    out.notes.append(_note(headline))
    out.scope = Scope("instances", (
        f"Eq. (4) in general (SymPy) and on every iterate; the remark on Figure 3's set-up (n = {N}, x ~ N(0, I_{D}), "
        "y = 1{x^T theta* > 0}; bias-free theta^T x and 10-50-50-1 ReLU net; full-batch SGD lr 0.1, momentum 0.9) "
        f"trained with Mixup, alpha = beta = 1, Eq. (1) by Monte Carlo, {STEPS} steps, "
        f"{len(draws['linear'])} / {len(draws['ANN'])} draws; sensitivity: {STEPS // 2} steps, the minimiser of Eq. (1) "
        "(logistic regression), Eq. (3), alpha, beta = (5, 0.5) (logistic regression); ERM (logistic regression, "
        f"{2 * STEPS} steps) as a finding"))
    return out


# --- training: K draws of one model as one module ------------------------------------------------------------------

def _step_loss(objective: str, K: int, n: int, seed: int, alpha: float, beta: float):
    """The per-step objective of K draws trained together (:class:`~mixverify.claims.figure_3.Draws`), the sum of each
    draw's own mean loss: Eq. (1) by Monte Carlo (n triples (i, j, lambda) per draw and step from
    ``default_rng([seed, 71])``, drawn as :func:`mixverify.losses.mixup_loss` with ``method="mc"`` draws them, so one
    draw is :func:`~mixverify.claims.mixup_vs_erm_robustness.fit`'s run), Eq. (3) (:func:`approx_mixup_draws`) or the
    standard loss."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {tuple(OBJECTIVES)}, got {objective!r}")
    rng = np.random.default_rng([seed, 71])
    law = mixup_lambda_law(alpha, beta)
    rows = torch.arange(K).view(K, 1)

    def step_loss(model, X, y):
        Xk, yk = X.view(K, n, -1), y.view(K, n)
        if objective == "eq3":
            return approx_mixup_draws(model, X, y, alpha, beta).sum()
        if objective == "eq1":
            i, j = (torch.as_tensor(rng.integers(0, n, size=(K, n))) for _ in range(2))
            lam = torch.as_tensor(law.sample((K, n), rng), dtype=X.dtype)
            Xk = lam[..., None] * Xk[rows, i] + (1 - lam[..., None]) * Xk[rows, j]
            yk = lam * yk[rows, i] + (1 - lam) * yk[rows, j]
        return eq2_loss(model(Xk.reshape(K * n, -1)).view(K, n), yk).mean(1).sum()
    step_loss.__qualname__ = f"eq4_step_loss.{objective}"
    return step_loss


def approx_mixup_draws(model: Draws, X, y, alpha: float, beta: float) -> torch.Tensor:
    r""":math:`\tilde L^{mix}_n` (Eq. (3)) of each draw's bias-free ReLU net (or linear model), shape (K,).

    With :math:`u_i = f(x_i)`, :math:`g_i = \nabla f(x_i)`, :math:`v_i = g_i^\top(x_i - \mu)`, :math:`\hat\Sigma` the 1/n
    covariance and :math:`m_k = \mathbb E_{\tilde{\mathcal D}_\lambda}[(1-\lambda)^k]`: Lemma 3.1's
    :math:`\mathcal R_1 = -m_1\,\mathrm{mean}_i (\sigma(u_i) - y_i) v_i`,
    :math:`\mathcal R_2 = \frac{m_2}{2}\mathrm{mean}_i\,\sigma(u_i)\sigma(-u_i)(g_i^\top\hat\Sigma g_i + v_i^2)`, and
    :math:`\mathcal R_3 = 0` (:math:`\nabla^2 f = 0` a.e.). ``impl-eq3`` checks it against
    :func:`mixverify.losses.approx_mixup_loss`."""
    law = tilde_lambda_law(alpha, beta)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    u, v, spread, yk = _eq3_terms(model, X, y)
    p = torch.sigmoid(u)
    curvature = p * torch.sigmoid(-u)  # h'' = p (1 - p) without the cancellation of 1 - p for large f
    return eq2_loss(u, yk).mean(1) - m1 * ((p - yk) * v).mean(1) + m2 / 2 * (curvature * spread).mean(1)


def _eq3_terms(model: Draws, X, y):
    """Per draw and point (K, n): f(x_i), v_i, :math:`g_i^\top\\hat\\Sigma g_i + v_i^2`, and the labels."""
    K = len(model.weights[0])
    u, g = model.outputs_and_gradients(X)
    Xk, yk = X.view(K, -1, X.shape[-1]), y.view(K, -1)
    c = Xk - Xk.mean(1, keepdim=True)
    v = (g * c).sum(-1)
    quad = (torch.bmm(g, c.transpose(1, 2) @ c / c.shape[1]) * g).sum(-1)
    return u, v, quad + v ** 2, yk


def train_draws(name: str, objective: str, draws, steps: int, *, lengths=(), alpha: float = ALPHA,
                beta: float = BETA, lr: float = LR, cache: bool = True) -> dict:
    """Model ``name`` trained on every draw at once (full-batch SGD, momentum :data:`MOMENTUM`, cached by
    :func:`mixverify.training.train`), each draw's network initialised as ``ReLUMLP(d, widths)`` of its seed (as
    :func:`~mixverify.claims.mixup_vs_erm_robustness.fit` does). Returns the recorded output extremes (K, 4, steps + 1),
    the weights after each of ``lengths`` steps, and the data stacked."""
    j = list(WIDTHS).index(name)
    seeds = [d[2][j] for d in draws]
    X = torch.cat([d[0] for d in draws])
    y = torch.cat([d[1] for d in draws])
    K = len(draws)

    def build():
        return Draws([initial_model(lambda: ReLUMLP(D, WIDTHS[name], bias=False), s, X.dtype, X.device)
                      for s in seeds])
    key = (f"eq-4/{name}/{objective}/alpha={alpha:g},beta={beta:g}/record-v{RECORD_VERSION}/"
           f"lengths={'-'.join(map(str, sorted(set(lengths))))}")
    result = train(build, X, y, batch_loss=_step_loss(objective, K, N, seeds[0], alpha, beta), lr=lr,
                   momentum=MOMENTUM, epochs=steps, seed=seeds[0], device="cpu",
                   callback=_recorder(X, y, K, steps, set(lengths) | {steps}), key=key if cache else None)
    record = result.history[-1]
    return {"extremes": record["extremes"].numpy(), "at": record["at"], "module": result.model, "X": X, "y": y,
            "K": K}


def _recorder(X, y, K, steps, lengths):
    """After every step, each draw's smallest and largest output over its label-1 and its label-0 points; the weights
    after each of ``lengths`` steps. Returned once, at the last step."""
    yk = y.view(K, -1)
    if not ((yk == 1).any(1) & (yk == 0).any(1)).all():
        raise ValueError("every draw needs points of both labels")
    ones = yk == 1
    extremes = torch.empty(K, 4, steps + 1, dtype=X.dtype)
    at = {}

    def record(step, model):
        with torch.no_grad():
            f = model(X).view(K, -1)
            inf = torch.full_like(f, math.inf)
            for col, (mask, sign) in enumerate(((ones, 1), (ones, -1), (~ones, 1), (~ones, -1))):
                extremes[:, col, step] = sign * torch.where(mask, sign * f, inf).amin(1)
            if step in lengths:
                at[step] = [W.detach().clone() for W in model.weights]
        return {"extremes": extremes, "at": at} if step == steps else None
    return record


# --- Theta, from the recorded extremes -------------------------------------------------------------------------

def _all_points(condition, ext):
    """``condition(y, f)`` (an interval of f for each label) at every point, from the label's smallest and largest
    output: columns of ``ext`` (..., 4, T) are min/max over label 1, min/max over label 0."""
    return (condition(1, ext[..., 0, :]) & condition(1, ext[..., 1, :])
            & condition(0, ext[..., 2, :]) & condition(0, ext[..., 3, :]))


def membership(statement: Statement, ext) -> np.ndarray:
    """In Theta, per draw and step (K, T)."""
    return _all_points(statement.in_theta, ext)


def zero_error(statement: Statement, ext) -> np.ndarray:
    """Zero training error under the statement's label rule, per draw and step (K, T)."""
    return _all_points(lambda y, f: derivation.correct(statement.predict, y, f), ext)


def judge(statement: Statement, run: dict, T: int) -> dict:
    """Each draw of a run at length T: whether it reaches Theta (in it at every step from ceil(T/2) to T), the first step
    of its final stretch in Theta, and its points outside Theta after T steps."""
    inside = membership(statement, run["extremes"][..., :T + 1])
    reach = inside[:, math.ceil(T / 2):].all(1)
    entry = [int(T + 1 - np.argmin(r[::-1])) if not r.all() else 0 for r in inside]
    entry = [e if e <= T else None for e in entry]
    f = _outputs(run, T)
    outside = (~statement.in_theta(run["y"].view(run["K"], -1).numpy(), f)).sum(1)
    return {"reach": reach, "entry": entry, "outside": outside, "T": T}


def _outputs(run, T) -> np.ndarray:
    """Each draw's outputs on its training points after T steps, (K, n)."""
    module = run["module"]
    with torch.no_grad():
        saved = [W.clone() for W in module.weights]
        for P, W in zip(module.weights, run["at"][T]):
            P.copy_(W)
        f = module(run["X"]).view(run["K"], -1).numpy()
        for P, W in zip(module.weights, saved):
            P.copy_(W)
    return f


def binomial(k: int, K: int) -> dict:
    """The one-sided exact binomial tests of the criterion (module docstring)."""
    low, high = float(stats.binom.cdf(k, K, 0.5)), float(stats.binom.sf(k - 1, K, 0.5))
    return {"low": low, "high": high, "contradicted": low <= LEVEL, "opposite_rejected": high <= LEVEL}


def remark_evidence(judged: dict, design: str) -> list[Evidence]:
    """The decisive and power evidence of each model on one design (model -> :func:`judge`'s dict)."""
    ev = []
    for name, j in judged.items():
        K, k = len(j["reach"]), int(j["reach"].sum())
        b = binomial(k, K)
        when = f"by step {math.ceil(j['T'] / 2)} and stays to step {j['T']}" if j["T"] else "at the minimiser"
        detail = (f"{k} of {K} runs reach Theta; P(Bin(K, 1/2) <= k) = {b['low']:.3g}, P(Bin(K, 1/2) >= k) = "
                  f"{b['high']:.3g}; entry step per draw (-: outside Theta at the end) "
                  + ", ".join("-" if e is None else str(e) for e in j["entry"])
                  + "; points outside Theta at the end per draw " + ", ".join(map(str, j["outside"])))
        ev += [holds(f"remark-{name}", f"{MODEL_WORDS[name]}, {design}: theta enters Theta {when} in at least half "
                     "of the runs (not contradicted)", not b["contradicted"],
                     f"one-sided exact binomial test at {LEVEL:g}: fails when significantly fewer than half of the runs "
                     "reach Theta (criterion fixed before the numbers, module docstring)", value=k,
                     reference=f"of {K} runs, P(Bin(K, 1/2) <= k) > {LEVEL:g}", kind="figure", role="decisive",
                     detail=detail),
               holds(f"remark-{name}-power", f"{MODEL_WORDS[name]}, {design}: the opposite statement (at most half of "
                     "the runs reach Theta) is rejected by the same test", b["opposite_rejected"],
                     f"one-sided exact binomial test at {LEVEL:g}: fails when the K runs cannot tell", value=k,
                     reference=f"of {K} runs, P(Bin(K, 1/2) >= k) <= {LEVEL:g}", kind="figure", role="power",
                     detail=detail)]
    return ev


# --- evidence ------------------------------------------------------------------------------------------------------

def _eq4_instances(statement: Statement, runs: dict, T: int) -> Evidence:
    """Eq. (4) on every iterate of the headline runs and on theta = 0 (f = 0 everywhere) of each model (decisive)."""
    checked = inside = bad = 0
    for run in runs.values():
        ext = np.concatenate([run["extremes"][..., :T + 1], np.zeros(run["extremes"].shape[:2] + (1,))], axis=-1)
        zero, theta = zero_error(statement, ext), membership(statement, ext)
        premise, conclusion = (zero, theta) if statement.contains else (theta, zero)
        bad += int((premise & ~conclusion).sum())
        checked += int(zero.sum())
        inside += int(theta.sum())
    direction = "zero training error => in Theta" if statement.contains else "in Theta => zero training error"
    return holds("eq4-instances", f"Eq. (4) on every iterate of the headline runs and on theta = 0: {direction} "
                 "(iterates where it fails)", bad == 0, "a count: one failing iterate contradicts the inclusion",
                 value=bad, reference=0, role="decisive",
                 detail=f"{checked} iterates with zero training error, {inside} in Theta; theta = 0 (f = 0) is in Theta "
                        "and misclassifies every label-0 point")


def _implementation(statement, draws, runs) -> list[Evidence]:
    """The batched Monte Carlo Mixup training against fit(), and Theta membership from the extremes against the
    points (implementation)."""
    gaps = []
    for j, name in enumerate(WIDTHS):
        X, y, seeds = draws[name][0]
        ours = train_draws(name, "eq1", draws[name][:1], MATCH_STEPS, lr=robustness.LR, cache=False)
        ref = robustness.fit_lengths("mixup", WIDTHS[name], X, y, lengths=(MATCH_STEPS,), seed=seeds[j])[0]
        layers = [m.weight.detach() for m in ref if isinstance(m, torch.nn.Linear)]
        gaps.append(max(float((W[0].detach() - R).norm() / R.norm()) for W, R in zip(ours["module"].weights, layers)))
    mismatch = 0
    for run in runs.values():
        T = max(run["at"])
        f = _outputs(run, T)
        yk = run["y"].view(run["K"], -1).numpy()
        points = statement.in_theta(yk, f).all(1)
        mismatch += int((points != membership(statement, run["extremes"][..., T:T + 1])[:, 0]).sum())
    return [at_most("impl-fit", f"the batched Monte Carlo Mixup training (one draw) = mixup_vs_erm_robustness.fit, "
                    f"{MATCH_STEPS} steps at its lr {robustness.LR:g}, both models (largest relative weight difference)",
                    max(gaps), 0.0, Tol(MATCH_RTOL, "float64 round-off of batched vs plain matrix products over "
                                        f"{MATCH_STEPS} steps"), detail=f"linear, ANN: {gaps[0]:.2g}, {gaps[1]:.2g}"),
            holds("impl-membership", "Theta membership from the recorded output extremes = the per-point condition at "
                  "the last step's weights (draws where they differ)", mismatch == 0, "a count", value=mismatch,
                  reference=0)]


def _erratum(headline: dict) -> list[Erratum]:
    """The remark read as the theorems use it, where Mixup-trained logistic regression does not reach Theta."""
    j = headline["linear"]
    K, k = len(j["reach"]), int(j["reach"].sum())
    if not binomial(k, K)["contradicted"]:
        return []
    return [Erratum(
        location="Section 3.2, the remark after Eq. (4) ('the condition of theta in Theta is satisfied in finite time in "
                 "such practical cases with zero training errors'), as Theorems 3.1-3.3 apply it to theta trained with "
                 "Mixup",
        statement="theta trained with Mixup reaches Theta (zero training error) in finite time, so the theorems apply "
                  "to it",
        correction="Eq. (4) holds, so theta is in Theta wherever training reaches zero training error, as ERM does on "
                   "separable data; training with Mixup need not: logistic regression (Theorem 3.1's model) trained "
                   "with Mixup on separable data keeps misclassifying training points near the boundary (the minimiser "
                   "of Eq. (1) is a finite theta that does not separate them) and stays outside Theta, where Theorem "
                   "3.1's step R1 >= 0 is not available; the ReLU nets of Figure 3 trained with Mixup do reach Theta",
        counterexample=(f"Figure 3's set-up, alpha = beta = 1: {k} of {K} logistic regressions trained with Mixup "
                        f"(Eq. (1), {STEPS} steps) reach Theta; points outside Theta at the end per draw "
                        + ", ".join(map(str, j["outside"]))),
        kind="conclusion", evidence="remark-linear")]


# --- the sensitivity table -----------------------------------------------------------------------------------------

def _sensitivity(statement, draws, runs, out, curves) -> list:
    """Training length (500 steps, the minimiser), objective (Eq. (3)), alpha, beta = (5, 0.5) and ERM as a finding
    (module docstring); the implementation checks and context they need go to ``out``."""
    longest = 2 * STEPS
    at = {T: {name: judge(statement, runs[name], T) for name in WIDTHS} for T in (STEPS // 2, STEPS)}
    ann = at[STEPS]["ANN"]  # the ANN at its headline, in the rows that vary logistic regression only
    eq3 = {name: train_draws(name, "eq3", draws[name], STEPS) for name in WIDTHS}
    fig1 = train_draws("linear", "eq1", draws["linear"], STEPS, alpha=FIGURE_1[0], beta=FIGURE_1[1])
    erm = train_draws("linear", "erm", draws["linear"], longest)
    minimum = _minimiser(statement, runs["linear"], STEPS)
    only = "logistic regression (the ANN at its headline)"
    rows = [
        _row("training length", f"{STEPS // 2} steps", at[STEPS // 2], f"{OBJECTIVES['eq1']}, {STEPS // 2} steps"),
        _row("training length", "to convergence: logistic regression at the minimiser of Eq. (1) (the ANN at its "
             "headline)", {"linear": minimum, "ANN": ann},
             f"{OBJECTIVES['eq1']}, to convergence"),
        _row("objective", f"Eq. (3) L~mix, {STEPS} steps", {name: judge(statement, eq3[name], STEPS) for name in WIDTHS},
             f"{OBJECTIVES['eq3']}, {STEPS} steps"),
        _row("alpha, beta", f"({FIGURE_1[0]:g}, {FIGURE_1[1]:g}), the paper's Figure 1: {only}",
             {"linear": judge(statement, fig1, STEPS), "ANN": ann},
             f"{OBJECTIVES['eq1']}, alpha, beta = {FIGURE_1}, {STEPS} steps"),
        _row("training objective", f"ERM, the standard loss, {longest} steps: {only}; a finding, the theorems are about "
             "Mixup-trained theta", {"linear": judge(statement, erm, longest), "ANN": ann},
             f"{OBJECTIVES['erm']}, {longest} steps", admissible=False),
    ]
    for name in WIDTHS:
        curves[f"{name}, {OBJECTIVES['eq3']}"] = membership(statement, eq3[name]["extremes"])
    curves[f"linear, {OBJECTIVES['erm']}"] = membership(statement, erm["extremes"])
    out.evidence += _minimiser_evidence(minimum) + [_eq3_evidence(eq3)]
    return rows


def _row(choice, setting, judged, design, admissible=True):
    """One sensitivity row: the remark decided on ``design`` alone, both models."""
    o = Outcome(evidence=remark_evidence(judged, design))
    counts = {name: f"{int(j['reach'].sum())}/{len(j['reach'])}" for name, j in judged.items()}
    return row(choice, setting, o, value=", ".join(f"{name} {c}" for name, c in counts.items()) + " reach Theta",
               admissible=admissible, detail="; ".join(f"{e.id}: {e.detail}" for e in o.evidence
                                                         if e.role == "decisive"))


def _minimiser(statement, run, T) -> dict:
    """Logistic regression's K minimisers of the exact Eq. (1) by damped Newton from the iterate after T steps, judged as
    :func:`judge` judges a length (reaching Theta = being in it: Theta is closed, and a limit strictly outside it is left
    for good)."""
    K = run["K"]
    X, y = run["X"].view(K, N, D), run["y"].view(K, N)
    start = run["at"][T][0][:, 0, :]
    theta, iters, gnorm = robustness.newton(robustness._objective("eq1"), start, X, y)
    f = torch.einsum("knd,kd->kn", X, theta).numpy()
    inside = statement.in_theta(y.numpy(), f)
    reach = inside.all(1)
    return {"reach": reach, "entry": [0 if r else None for r in reach], "outside": (~inside).sum(1), "T": None,
            "iters": iters, "gnorm": gnorm, "norm": theta.norm(dim=1).numpy()}


def _minimiser_evidence(m) -> list[Evidence]:
    worst = float(np.max(np.nan_to_num(m["gnorm"], nan=np.inf)))
    return [
        at_most("impl-converged", "logistic regression: every Newton run to the minimiser of Eq. (1) met ||grad||_2 <= "
                "1e-9 (largest final gradient norm)", worst, robustness.GTOL,
                Tol(0.0, "the convergence criterion of the module docstring"),
                detail=f"iterations {int(m['iters'].min())}-{int(m['iters'].max())}"),
        reported("minimiser-linear", "logistic regression: training points outside Theta at the minimiser of Eq. (1), "
                 "per draw", [int(v) for v in m["outside"]],
                 detail="||theta|| per draw " + ", ".join(f"{v:.3g}" for v in m["norm"]),
                 why="the minimiser the paper's argument is about: a finite theta that misclassifies training points is "
                     "outside Theta, and so are the iterates converging to it")]


def _eq3_evidence(eq3) -> Evidence:
    """approx_mixup_draws against the library's Eq. (3) at the trained weights of draw 0 (implementation). The library's
    h = softplus is torch's, linear beyond f = 20 (its threshold), so its h' and h'' differ from the logistic
    function's by at most e^-20 per point; the tolerance is that bound on R1 + R2 plus round-off."""
    law = tilde_lambda_law(ALPHA, BETA)
    m1, m2 = law.moment_one_minus(1), law.moment_one_minus(2)
    gaps, room = [], []
    for run in eq3.values():
        X, y = run["X"].view(run["K"], N, D)[0], run["y"].view(run["K"], N)[0]
        with torch.no_grad():
            ours = float(approx_mixup_draws(run["module"], run["X"], run["y"], ALPHA, BETA)[0])
            _, v, spread, _ = _eq3_terms(run["module"], run["X"], run["y"])
        lib = float(approx_mixup_loss(run["module"].member(0).requires_grad_(False), X, y, ALPHA, BETA))
        scale = max(1.0, abs(lib))
        gaps.append(abs(ours - lib) / scale)
        room.append(math.exp(-20) * (m1 * float(v[0].abs().max()) + m2 / 2 * float(spread[0].max())) / scale)
    tol = Tol(max(room), "torch's softplus threshold: |h' - sigma|, |h'' - sigma sigma'| <= e^-20, times m1 max|v_i| + "
                         "m2/2 max(g^T Sigma g + v^2)") + ulps(1e3, of="max(1, |L~mix|)")
    return at_most("impl-eq3", "Eq. (3) of the batched draws (input gradients of the bias-free nets, R3 = 0) = "
                   "mixverify.losses.approx_mixup_loss (Jacobians and Hessian-vector products) at the Eq. (3)-trained "
                   "weights of draw 0, both models (relative to max(1, |L~mix|))", max(gaps), 0.0, tol,
                   detail=f"linear, ANN: {gaps[0]:.2g}, {gaps[1]:.2g}")


def _note(headline) -> str:
    parts = []
    for name, j in headline.items():
        parts.append(f"{MODEL_WORDS[name]}: {int(j['reach'].sum())} of {len(j['reach'])} Mixup-trained runs reach Theta "
                     f"by step {STEPS // 2} and stay to step {STEPS}")
    return "Eq. (1) by Monte Carlo, alpha = beta = 1: " + "; ".join(parts) + "."


def _plot(curves, draws) -> Figure:
    fig = Figure(figsize=(7.2, 4.2))
    ax = fig.add_subplot()
    for label, inside in curves.items():
        ax.plot(np.arange(inside.shape[1]), inside.mean(0), lw=1.2, label=label)
    ax.axvline(STEPS, color="0.6", lw=0.8, ls=":")
    ax.set_xlabel("training step (full batch)")
    ax.set_ylabel("fraction of draws with theta in Theta")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(f"Figure 3's set-up: {len(draws['linear'])} / {len(draws['ANN'])} draws (linear / ANN)")
    ax.legend(fontsize=7, loc="center right")
    return fig


CLAIM = Claim(
    id="eq-4",
    paper_ref=("Eq. (4) and the remark after it (Section 3.2: 'Equation (4) shows that the condition of theta in Theta "
               "is satisfied in finite time in such practical cases with zero training errors')"),
    title="Theta contains every theta with zero training error (Eq. 4), so theta trained with Mixup is in Theta from a "
          "finite time on",
    statement=(r"\Theta = \{\theta : y_i f_\theta(x_i) + (y_i - 1) f_\theta(x_i)\ge0\ \forall i\} \supseteq "
               r"\{\theta : 1\{f_\theta(x_i)\ge0\} = y_i\ \forall i\};\quad \theta_t \text{ trained with Mixup: } "
               r"\exists t_0 < \infty,\ \theta_t\in\Theta\ \forall t\ge t_0"),
    hypotheses=("labels y_i in {0, 1}; the label prediction 1{f_theta(x_i) >= 0}",
                "the remark as Theorems 3.1-3.3 use it: theta trained with Mixup ('one can think the final radius is "
                "taken at the minimizer of L~mix'), on separable data where ERM reaches zero training error"),
    derivation="derivations.eq_4",
    check=check,
    random=True,  # decided on seeded draws and training: run_claim decides it again on other seeds
    scope=Scope("instances", "Eq. (4) in general (SymPy); the remark on Figure 3's set-up trained with Mixup "
                             "(alpha = beta = 1, Eq. (1) by Monte Carlo, 1000 full-batch SGD steps, 24 / 12 draws)"),
)
