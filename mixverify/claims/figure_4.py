r"""figure-4: the second-order Taylor adversarial loss (Eq. 5/6) against the true one, along the
iterations of the l2 attack that computes the latter (Appendix C.2, Figure 4).

**Set-up, as the paper fixes it.** Appendix C.2: "Under the same setup of our numerical experiments of Figure 2,
we experimentally show that the quadratic approximation of the adversarial loss is valid. Specifically, we train
a Logistic Regression model [...] and a two layer neural network with ReLU activations. We use the two-moons
dataset [...]. The attack size is chosen such that :math:`\epsilon\sqrt d = 0.5`, and both models had the same
random initialization scheme." The models are therefore the ones Figure 2 trains, with Figure 2's own code
(:func:`mixverify.claims.figure_2.train_copy`, :func:`~mixverify.claims.figure_2.data`): two moons (64 training
points of a centred ``make_moons(128)`` draw, noise 0.1), logistic regression (with intercept) and a two-layer
ReLU net (32 hidden units), full-batch Adam, 200 steps. Figure 2 trains two copies of each, one on the Mixup loss
(Eq. 1) and one on the approximate Mixup loss (Eq. 3); both are "the setup of Figure 2", so both are readings of
the paper. The headline design is the Mixup-trained copy (Mixup is the method the paper studies); the
Eq. (3)-trained copy is an admissible sensitivity row, so the verdict stands only where both agree. The adversarial
loss is taken on the training data. For logistic regression it has a closed form (the loss is convex in the logit,
whose range over the l2 ball is :math:`u \pm \eta\|w\|`). For the ReLU net there is no closed form; the inputs are
in the plane, so the ball is a disk and is searched exhaustively: per example the larger of the l2 PGD attack's
loss (40 steps, one random restart, the attack Figure 4 plots) and the largest loss on a grid of spacing
:data:`SPACING` = 0.02 over the disk (:func:`disk_search`). Both are lower bounds of the true maximum; the grid
converges to it (on seeds 0-2 of the headline design a grid 8 times finer adds at most 6e-4 to the mean loss,
while PGD alone stays about 7% below it; ``attack-relu`` reports the halved spacing on the first seed).

**Criterion for "a good approximation of the original adversarial loss"** (fixed before the numbers it
gives; docs/verdicts.md section 4). The paper uses Eq. (5)/(6) to attribute the *adversarial increment*
:math:`L^{adv} - L^{std}` (what an attack adds to the clean loss) to terms that Mixup's regularizers
dominate (Theorems 3.1, 3.3); the trivial approximation that argument improves on is the clean loss
:math:`L^{std}` (increment 0). Eq. (5)/(6) is never below :math:`L^{std}` (its added terms are
:math:`\ge 0`), so "closer to :math:`L^{adv}` than :math:`L^{std}` is" holds for *any* approximation
below the target, however small its increment: it cannot fail for an underestimate. The criterion read
here is the symmetric one: the approximation is good when it is **closer to the adversarial loss than to
the clean loss**, :math:`|L^{adv} - \tilde L^{adv}| < \frac12 (L^{adv} - L^{std})` (mean losses over the
training data), i.e. its relative error on the increment is below 1/2: it carries more than half of the
effect it is meant to explain. Applied to both models the paper names. For the ReLU net :math:`L^{adv}` is the
search's value :math:`P \le T` (T the true one): for an approximation a with :math:`L^{std} \le a \le P`, the
relative error :math:`(T - a)/(T - L^{std})` increases with T (derivations/figure_4.py), so the measured error is a
lower bound of the true one: a failure is shown, and a pass is as close to shown as the search is to the maximum.

**Over how many training seeds** (the rule fixed before the verdicts it gives; K from measured rates, as in
figure-3). Figure 4 shows one training run; the statement is about the models its set-up produces, so one seed does
not decide it. Per design the two models are trained on :data:`SEEDS` = K training seeds (seed s: Figure 2's data
draw, split, initialisation and Monte Carlo draws of seed s; the K seeds of ``ctx.seed`` are K ctx.seed ... K
ctx.seed + K - 1, so other seeds of the check use other runs), the criterion is applied per seed, and it **holds for
the design when it holds in a majority (more than K/2) of the seeds** (docs/verdicts.md section 4's rule for a
random experiment, as in figure-3): one failed training run does not decide the verdict. K is the smallest odd
number for which a false majority has at most a 2% chance at the per-seed rates measured over 15 seeds (0-14) on
every design of the table, allowing one more disagreeing seed than was seen (15 seeds bound a rate only loosely).
The least lopsided design is the Eq. (3)-trained ReLU net at 200 steps, where the criterion failed on 14 of 15 seeds
(the ``--thorough`` one at 1000 steps on at least 14; every other design: 15 of 15); with one more, q = 2/15: P(Bin(3, q) >=
2) = 4.9% for K = 3, **P(Bin(5, q) >= 3) = 1.9% for K = 5** (derivations/figure_4.py), so K = 5. The decisive value
is the median per-seed error (a majority passes iff the median is below 1/2); the per-seed errors, their mean and a
95% t-interval over the seeds (the spread between training runs) are given beside it.

**Power** (``power-missing-half-<model>``): the same rule applied, per model, to a plausible wrong version,
Eq. (5)/(6) without the 1/2 of the second-order term: a false statement (not a looser one) -- it is not the
second-order expansion, and on logistic regression its gap to the exact loss exceeds the Lagrange remainder bound
that Eq. (5) meets (``lagrange-logistic`` rejects it when it is planted). It passes when the rule rejects it in a
majority of the seeds; where the rule accepts it the decisive test cannot tell Eq. (5)/(6) from a wrong expansion,
and the status is ``uninformative``.

**Sensitivity** (``ctx.sensitivity``): each row is the design decided by the same rule on K seeds. Training length
(the headline 200 steps, Figure 2's; 1000 steps, the same runs trained on), training objective (the approximate
Mixup loss, Eq. 3, admissible; ERM, the standard loss: *not* admissible, a finding, since the paper's set-up does not
train ERM), and, from :func:`mixverify.claim.run_claim`, another seed (another block of K training seeds; three under --thorough).
``--thorough`` adds both other objectives at 1000 steps (the Eq. (3)-trained models at 1000 steps are an admissible
row; a step on the Eq. (3) loss costs five times a Mixup step, more than the default time budget allows).

Implementation checks: for logistic regression Eq. (5) is within its Lagrange remainder bound of the exact
maximum per example, :math:`|\max\ell - \max q| \le \frac{\max|\ell^{(3)}|}{6}(\eta\|w\|)^3` with
:math:`\max_u|g(1-g)(1-2g)| = \frac{1}{6\sqrt3}` (the first training seed of the headline design), and PGD
converges to the exact maximum (every seed of the headline design).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import stats

from ..adversarial import taylor_adversarial_loss, taylor_adversarial_parts
from ..attacks import pgd
from ..claim import Claim, Context, Evidence, Outcome, Scope, at_most, close, holds, reported, row, tightness
from ..losses import eq2_loss, standard_loss
from ..models import seeded
from ..numerics import lagrange, ulps
from ..training import single_thread
from .figure_2 import LENGTHS, MODELS, data, train_copy

RADIUS = 0.5  # eps sqrt(d), as in Appendix C.2
STEPS = 40
#: Spacing of the grid that searches the l2 disk around each input for the ReLU net's maximum (module docstring).
SPACING = 0.02
MAX_THIRD = 1 / (6 * math.sqrt(3))  # max_u |g(1-g)(1-2g)|, derived in derivations/figure_4.py
#: "Good approximation": |L_adv - L~_adv| < CLOSER * (L_adv - L_std), closer to the target than to the clean loss.
CLOSER = 0.5
#: Training seeds per design; a design passes when the criterion holds in a majority of them (module docstring).
SEEDS = 5
#: The headline training length (Figure 2's) and the longer one of the sensitivity rows.
LENGTH, LONGER = LENGTHS
#: Training objectives (figure_2.train_copy's kinds): the Mixup loss (Eq. 1), the approximate Mixup loss (Eq. 3), ERM.
OBJECTIVES = {"mixup": "the Mixup loss (Eq. 1)", "approx": "the approximate Mixup loss (Eq. 3)",
              "std": "ERM (the standard loss)"}
SHORT = {"logistic regression": "logistic", "two-layer ReLU net": "relu"}


def increment_error(adv: float, approx: float, clean: float) -> float:
    r""":math:`|L^{adv} - \tilde L^{adv}| / (L^{adv} - L^{std})`: the relative error of the approximation on the
    adversarial increment (0: exact; 1: no better than the clean loss, the trivial approximation)."""
    return abs(adv - approx) / (adv - clean)


def eq6(f, X, y, eta):
    """Eq. (5)/(6) on the l2 ball of radius ``eta`` (the paper's eps sqrt(d)), mean over the data."""
    return taylor_adversarial_loss(f, X, y, eta, norm=2)


def without_half(f, X, y, eta):
    r"""The plausible wrong version of Eq. (5)/(6): :math:`\ell + \eta\,\mathrm{first} + \eta^2|h''|\|\nabla f\|^2`
    (the 1/2 of the second-order term missing) at l2 radius ``eta``; mean over the data."""
    p = taylor_adversarial_parts(f, X, y, norm=2)
    return (p["loss"] + eta * p["first"] + 2 * eta**2 * p["second"]).mean()


def check(ctx: Context, *, taylor=eq6, statement=None) -> Outcome:
    """``taylor(f, X, y, eta)`` (our Eq. 5/6 at l2 radius eta, mean over the data) can be planted wrong to see the implementation
    checks reject it; ``statement(f, X, y, eta)`` (default: ``taylor``) is the approximation the paper's sentence
    is about, judged by the decisive criterion: plant a wrong statement there (a flipped sign)."""
    statement = taylor if statement is None else statement
    with single_thread():
        lengths = (LENGTH, LONGER) if ctx.sensitivity else (LENGTH,)
        mixup = measured(ctx, "mixup", lengths, taylor, statement)
        out = Outcome(evidence=_implementation(mixup[LENGTH], taylor) + judged(mixup[LENGTH])
                      + [_grid_convergence(mixup[LENGTH][0])])
        out.notes.append(_gap_note(mixup[LENGTH]))
        out.figures["taylor-vs-true"] = _plot(mixup[LENGTH][0])
        if ctx.sensitivity:
            out.sensitivity = _rows(ctx, mixup, taylor, statement)
    out.scope = Scope("paper", f"Figure 2's set-up, Mixup-trained (Eq. 1), {SEEDS} training seeds "
                      f"({SEEDS * ctx.seed}-{SEEDS * ctx.seed + SEEDS - 1}), majority rule: two moons (64 training "
                      f"points, noise 0.1, centred), logistic regression and a two-layer ReLU net (32 hidden units), "
                      f"full-batch Adam, {LENGTH} steps (mixverify.claims.figure_2); l2 radius 0.5 on the training data; the "
                      "ReLU net's adversarial loss by PGD (40 steps) and a grid search of the disk; sensitivity: "
                      f"{LONGER} steps, Eq. (3)-trained, ERM-trained (a finding), other seeds")
    return out


def measured(ctx: Context, objective: str, lengths, taylor, statement) -> dict:
    """Per training length, per training seed of ``ctx`` (:data:`SEEDS` of them): both models trained on
    ``objective`` as Figure 2 trains, each measured (:func:`_logistic_regression`, :func:`_relu_net`)."""
    out = {length: [] for length in lengths}
    for seed in range(SEEDS * ctx.seed, SEEDS * ctx.seed + SEEDS):
        (X, y), _ = data(seed)
        runs = [train_copy(seeded(build(), seed + k), objective, X, y, lengths,
                           rng=np.random.default_rng([seed, 22 + k]))[0] for k, build in enumerate(MODELS.values())]
        eps = RADIUS  # the l2 radius, eps sqrt(d) in the paper's notation
        for length in lengths:
            logit, relu = (models[length].to(torch.float64) for models in runs)
            out[length].append({"seed": seed, "X": X, "y": y, "eps": eps,
                                "logistic regression": _logistic_regression(logit, X, y, eps, statement),
                                "two-layer ReLU net": _relu_net(relu, X, y, eps, statement, seed)})
    return out


def _logistic_regression(model, X, y, eps, statement) -> dict:
    """Logistic regression (with intercept): the exact adversarial loss (closed form), Eq. (5) as ``statement``
    computes it, the clean loss, Eq. (5) without the 1/2, and the PGD trace."""
    w = model[0].weight.detach()[0]
    with torch.no_grad():
        u = model(X).reshape(-1)
        t = RADIUS * w.norm()
        exact = torch.maximum(eq2_loss(u + t, y), eq2_loss(u - t, y))  # the loss is convex in the logit
    _, trace = pgd(model, X, y, RADIUS, norm=2, steps=STEPS, random_start=False, trace=True)
    return {"model": model, "exact": exact, "adv": float(exact.mean()), "apx": float(statement(model, X, y, eps).detach()),
            "clean": float(standard_loss(model, X, y).detach()), "nohalf": float(without_half(model, X, y, eps).detach()),
            "trace": trace.mean(1).numpy(), "what": "exact maximum (closed form)", "norm": float(w.norm())}


def _relu_net(model, X, y, eps, statement, seed) -> dict:
    """Two-layer ReLU net: the adversarial loss as the larger of the PGD loss and the grid search of the disk
    (:func:`disk_search`), per example (a lower bound of the true one), Eq. (6) as ``statement`` computes it, the clean
    loss, Eq. (6) without the 1/2, and the PGD trace."""
    gen = torch.Generator().manual_seed(seed)
    Xa, trace = pgd(model, X, y, RADIUS, norm=2, steps=STEPS, restarts=1, generator=gen, trace=True)
    grid = disk_search(model, X, y)
    with torch.no_grad():
        crossed = float(((model[0](X) > 0) != (model[0](Xa) > 0)).any(dim=1).to(torch.float64).mean())
    best = torch.maximum(trace[-1], grid)
    return {"model": model, "best": best, "adv": float(best.mean()), "pgd": float(trace[-1].mean()),
            "apx": float(statement(model, X, y, eps).detach()), "clean": float(standard_loss(model, X, y).detach()),
            "nohalf": float(without_half(model, X, y, eps).detach()), "trace": trace.mean(1).numpy(),
            "what": f"best of PGD ({float(trace[-1].mean()):.6g}; {100 * crossed:.0f}% of its attacks cross a ReLU kink) "
                    f"and the grid search of the disk, a lower bound"}


def disk_search(model, X, y, spacing: float = SPACING) -> torch.Tensor:
    """Per example, the largest loss over a square grid of the given spacing on [-r, r]^2 (r = :data:`RADIUS`, inputs
    in the plane), its points outside the disk projected onto the circle: every point of the disk is within
    spacing / sqrt(2) of a grid point (the projection does not increase distances), so the maximum converges to the
    adversarial loss as the spacing shrinks, from below."""
    ticks = torch.arange(-RADIUS, RADIUS + spacing / 2, spacing, dtype=X.dtype)
    grid = torch.cartesian_prod(ticks, ticks)
    norm = grid.norm(dim=1, keepdim=True)
    grid = torch.where(norm > RADIUS, grid * RADIUS / norm, grid)
    with torch.no_grad():
        out = model((X[:, None, :] + grid[None]).reshape(-1, X.shape[1])).reshape(len(X), len(grid))
        return eq2_loss(out, y[:, None].expand_as(out)).max(dim=1).values


def _implementation(per_seed, taylor) -> list[Evidence]:
    """Logistic regression: Eq. (5) (as ``taylor`` computes it) within its Lagrange remainder bound of the exact loss,
    per example on the first training seed (the plotted one; one call of ``taylor`` per example), and the l2 PGD
    attack converging to the exact maximum on every seed."""
    run = per_seed[0]
    m, X, y = run["logistic regression"], run["X"], run["y"]
    approx = torch.stack([taylor(m["model"], X[i:i + 1], y[i:i + 1], run["eps"]).detach() for i in range(len(X))])
    bound = MAX_THIRD / 6 * (RADIUS * m["norm"]) ** 3
    scale = max(float(r["logistic regression"]["exact"].abs().max()) for r in per_seed)
    pgd_gap = max(abs(float(r["logistic regression"]["trace"][-1]) - r["logistic regression"]["adv"]) for r in per_seed)
    return [
        at_most("lagrange-logistic",
                "logistic regression: |exact adversarial loss - Eq. (5)| per example <= Lagrange remainder bound",
                float((m["exact"] - approx).abs().max()), 0.0,
                lagrange(bound, "max|l'''|/6 (eps sqrt d ||w||)^3 with max|g(1-g)(1-2g)| = 1/(6 sqrt 3)")
                + ulps(1e3, scale, of="max |exact adversarial loss|"),
                detail=f"training seed {run['seed']}: ||w|| = {m['norm']:.4g}; mean exact {m['adv']:.6g}, mean Eq. (5) "
                       f"{float(approx.mean()):.6g}"),
        # a constant gradient direction: PGD from delta = 0 lands on the maximiser
        close("pgd-logistic", f"logistic regression: the l2 PGD attack converges to the exact adversarial loss (each of "
              f"{len(per_seed)} training seeds)", pgd_gap, 0.0, ulps(1e3, scale, of="max |exact adversarial loss|"),
              detail="largest |mean PGD loss - mean exact loss| over the seeds"),
    ]


def _grid_convergence(run) -> Evidence:
    """Reported (first training seed): the ReLU net's mean adversarial loss by PGD alone, by the best of PGD and the
    grid search, and with a grid of half the spacing: how far the attack is from the maximum."""
    m, X, y = run["two-layer ReLU net"], run["X"], run["y"]
    finer = float(torch.maximum(m["best"], disk_search(m["model"], X, y, SPACING / 2)).mean())
    increment = m["adv"] - m["clean"]
    return reported(
        "attack-relu", f"two-layer ReLU net: mean adversarial loss by PGD ({STEPS} steps), by the best of PGD and the "
        f"grid search of the disk (spacing {SPACING:g}), and with the grid spacing halved", [m["pgd"], m["adv"], finer],
        detail=f"training seed {run['seed']}: halving the spacing adds {finer - m['adv']:.2g} "
               f"({100 * (finer - m['adv']) / increment:.2g}% of the increment); PGD alone is "
               f"{(m['adv'] - m['pgd']) / increment:.1%} of the increment below", why="the attack's distance to the maximum")


def errors_of(per_seed, name: str, which: str = "apx") -> np.ndarray:
    """Per training seed, the relative error on the increment of model ``name``'s approximation ``which`` ("apx": as the
    statement computes it; "nohalf": Eq. (5)/(6) without the 1/2)."""
    return np.array([increment_error(r[name]["adv"], r[name][which], r[name]["clean"]) for r in per_seed])


def judged(per_seed) -> list[Evidence]:
    """Decisive: per model, Eq. (5)/(6) closer to the adversarial loss than to the clean loss in a majority of the
    seeds; power: Eq. (5)/(6) without the 1/2 rejected by the same rule."""
    evidence = []
    for name, short in SHORT.items():
        runs = [run[name] for run in per_seed]
        errors, wrong = errors_of(per_seed, name), errors_of(per_seed, name, "nohalf")
        median = int(np.argsort(errors)[len(errors) // 2])
        at = runs[median]
        eq = 5 if short == "logistic" else 6
        evidence += [
            holds(f"close-{short}",
                  f"{name}: Eq. ({eq}) is closer to the adversarial loss than to the clean loss (relative error on the "
                  f"increment L_adv - L_std < {CLOSER:g}) in a majority of {len(runs)} training seeds",
                  int((errors < CLOSER).sum()) > len(runs) / 2,
                  "criterion and rule in the module docstring (fixed before the numbers): |L_adv - L~_adv| < (L_adv - "
                  "L_std) / 2 per seed, in more than half of the seeds; value: the median per-seed error",
                  value=float(errors[median]), reference=f"< {CLOSER:g}", role="decisive",
                  detail=f"{_spread(errors)}; median seed {per_seed[median]['seed']}: L_adv = {at['adv']:.6g} "
                         f"({at['what']}), Eq. {eq} = {at['apx']:.6g}, L_std = {at['clean']:.6g}",
                  tightness=tightness(at["apx"] / at["adv"], at["clean"] / at["adv"],
                                      f"training seed {per_seed[median]['seed']} (the median seed)")),
            holds(f"power-missing-half-{short}",
                  f"power, {name}: Eq. ({eq}) without the 1/2 of the second-order term is rejected by the same rule",
                  int((wrong >= CLOSER).sum()) > len(runs) / 2,
                  "the decisive rule applied to the plausible wrong version; passes when it is rejected in more than "
                  "half of the seeds", value=float(np.median(wrong)), reference=f">= {CLOSER:g}", role="power",
                  detail=f"without the 1/2: {_spread(wrong)}"),
        ]
    return evidence


def _spread(errors) -> str:
    """Per-seed relative errors, their mean and 95% t-interval (the spread between training runs)."""
    half = stats.t.ppf(0.975, len(errors) - 1) * errors.std(ddof=1) / math.sqrt(len(errors))
    return (f"per-seed relative errors on the increment {', '.join(f'{e:.3f}' for e in errors)} (mean "
            f"{errors.mean():.3f} +/- {half:.3f}, 95% t-interval over the seeds)")


def _rows(ctx, mixup, taylor, statement) -> list:
    """The sensitivity table: training length and training objective, each decided by the same rule on K seeds."""
    lengths = (LENGTH, LONGER) if ctx.thorough else (LENGTH,)
    designs = {"mixup": mixup, "approx": measured(ctx, "approx", lengths, taylor, statement),
               "std": measured(ctx, "std", lengths, taylor, statement)}
    rows = []
    for objective, by_length in designs.items():
        for length, per_seed in by_length.items():
            if (objective, length) == ("mixup", LENGTH):
                continue  # the headline design
            choice = "training length" if objective == "mixup" else "training objective"
            outcome = Outcome(evidence=judged(per_seed))
            rows.append(row(choice, f"{length} steps, {OBJECTIVES[objective]}", outcome,
                            value=[e.value for e in outcome.decisive()], admissible=objective != "std",
                            detail=_row_detail(per_seed, outcome, finding=objective == "std")))
    return rows


def _row_detail(per_seed, outcome: Outcome, *, finding: bool) -> str:
    """The per-seed errors of a row's design, and what passed and failed there."""
    spread = "; ".join(f"{name}: per-seed relative errors on the increment " + ", ".join(
        f"{e:.3f}" for e in errors_of(per_seed, name)) for name in SHORT)
    verdicts = ", ".join(f"{e.id} {'passed' if e.passed else 'failed'}" for e in outcome.evidence)
    return (("a finding: the paper's set-up (Figure 2's) does not train ERM; " if finding else "")
            + f"value: the median per-seed error (logistic, ReLU); {spread}; {verdicts}")


def _gap_note(per_seed) -> str:
    """The relative gaps of Eq. (5)/(6) and of the clean loss to the adversarial loss, per model, mean over the seeds."""
    parts = []
    for name in SHORT:
        gaps = np.array([[(r[name]["apx"] - r[name]["adv"]) / r[name]["adv"], (r[name]["clean"] - r[name]["adv"])
                          / r[name]["adv"]] for r in per_seed]).mean(0)
        parts.append(f"{name} {gaps[0]:+.2%} (clean loss {gaps[1]:+.2%})")
    return (f"Relative gap Eq. (5)/(6) vs the adversarial loss, mean over {len(per_seed)} training seeds: "
            + ", ".join(parts) + "; for the ReLU net against the best of PGD and the grid search of the disk, a lower "
            "bound of the true one.")


def _plot(run) -> Figure:
    """The attack traces of one training seed (the first of the headline design)."""
    fig = Figure(figsize=(9, 3.6))
    for k, name in enumerate(SHORT):
        m = run[name]
        ax = fig.add_subplot(1, len(SHORT), k + 1)
        ax.plot(np.arange(len(m["trace"])), m["trace"], label="adversarial loss along the l2 attack (PGD)")
        ax.axhline(m["apx"], color="tab:orange", ls="--", label="Taylor approximation (Eq. 5/6)")
        ax.axhline(m["adv"], color="k", ls=":", label="exact maximum (closed form)" if "exact" in m
                   else "best of PGD and the grid search of the disk")
        ax.set_title(f"{name}, Mixup-trained (seed {run['seed']}), eps sqrt(d) = {RADIUS}", fontsize=9)
        ax.set_xlabel("attack iteration")
        ax.set_ylabel("mean loss")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="figure-4",
    paper_ref="Figure 4, Appendix C.2",
    title="The Taylor adversarial loss (Eq. 5/6) approximates the true l2 adversarial loss on two moons",
    statement=(r"\frac1n\sum_i\tilde\ell_{adv}(\varepsilon\sqrt d,(x_i,y_i))\approx L_n^{adv}(\theta,S),"
               r"\quad \varepsilon\sqrt d = 0.5"),
    hypotheses=("two moons, logistic regression and a two-layer ReLU network trained as in Figure 2 (the Mixup loss, "
                "Eq. 1; the approximate Mixup loss, Eq. 3, a sensitivity row)",
                "l2 attacks of radius eps sqrt(d) = 0.5",
                "'a good approximation': relative error on the adversarial increment below 1/2, in a majority of 5 "
                "training seeds (criterion fixed in the module docstring)"),
    derivation="derivations.figure_4",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("paper", "Figure 2's set-up, Mixup-trained (Eq. 1), 5 training seeds, majority rule: two moons (64 "
                "training points, noise 0.1, centred), logistic regression and a two-layer ReLU net (32 hidden units), "
                "full-batch Adam, 200 steps; l2 radius 0.5; the ReLU net's adversarial loss by PGD (40 steps) and a grid "
                "search of the disk; sensitivity: 1000 steps, Eq. (3)-trained, ERM-trained (a finding), other seeds"),
)
