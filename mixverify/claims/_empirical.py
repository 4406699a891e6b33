r"""The check shared by the empirical figure claims (figure-1a, figure-1b, figure-5 ... figure-8).

Each runs :func:`empirical.figures.run_figure` under the context's preset, reusing finished training runs from
the cache (``$MIXVERIFY_CACHE/empirical``): ``smoke`` by default (a Fashion-MNIST subset standing in for the
figure's data set, narrow networks, 15 epochs, the mean of 3 training seeds), ``paper`` with
``--preset paper --data-root DIR`` (the figure's own data set and model at full width), ``tiny`` for the
tests (decides nothing).

What the paper says, and the criterion that reads it
----------------------------------------------------
The paper's numbers exist only in its figure images, not in its text, so its qualitative sentences are what
is tested; each is read by a criterion fixed in advance (docs/verdicts.md, section 4), and the same
criterion is applied under every preset.

*Robustness (figure-1a).* Paper: "The model trained with Mixup loss has much better robust accuracy"
(Section 1, Fig. 1a) and "It can be observed that the model trained with Mixup loss has better robustness"
(Appendix C.1: SVHN, WRN-16-8, Mixup alpha = 5, beta = 0.5, FGSM on 1000 random test images). Criterion:
"better robustness" means Mixup's curve of FGSM accuracy against eps lies above ERM's, on the mean over the
preset's training seeds:

- ``fgsm-mean`` (decisive): Mixup's FGSM accuracy, averaged over the attack sizes eps = 1, 2, 4, 8, 16/255
  (:data:`empirical.robustness.DEFAULT_EPS`, eps > 0), is above ERM's: a strict ordering, no tolerance;
- ``fgsm-eps-E`` (decisive, one per eps = E/255 > 0): at no single eps is Mixup's accuracy below ERM's by
  more than Z = 4 paired standard errors (:data:`mixverify.numerics.Z_MC`, the project's z for sampled
  quantities, not chosen for this figure). The accuracies are on the same attacked images, so they are
  paired; the standard error is over the (training seed, image) pairs, the sampling of test images given
  the trained models. The band is there because a strict per-eps ordering would be decided by that
  sampling wherever the curves touch (both models near chance at large eps, equal at eps = 1/255).

Source of the reading: the figure plots whole curves, and the paper's argument for them (Theorems 3.1 and
3.3: Mixup minimises an upper bound of the adversarial loss for small attacks) predicts a lower adversarial
loss at every small eps, not at one chosen eps. "Much" is not tested: the paper gives no number to hold it to.

*Generalization (figure-1b, figure-5 ... figure-8).* Paper: "from Fig. (1b), we observe that Mixup training
results in better test performance than the standard empirical risk minimization. That is mainly due to its
good generalization property" (Section 1; Figure 1b is captioned "Generalization gap between test and train
loss"), and "Figures 5-8 show the results of experiments for generalization ... For each dataset, we consider
two cases: with and without standard additional data augmentation" (Appendix C.3). Criterion: "good
generalization" means a smaller generalization gap, in each setting the figure shows:

- ``gap-no-aug`` and, for figures 5-8, ``gap-aug`` (decisive): Mixup's gap is below ERM's, a strict
  ordering. The gap is the test loss minus the training loss, both the mean cross-entropy of the model in eval
  mode on clean images (for Mixup too: Theorems 3.4 and 3.5 bound the standard loss's gap), averaged over the
  last quarter of the epochs (:func:`empirical.figures.tail_length`) and over the training seeds.

Source of the reading: the gap is what Figures 1b and 5-8 plot and what the paper's theorems bound; the last
quarter of the epochs rather than the last epoch because one epoch's test loss is a noisy snapshot; a strict
ordering because the paper's sentence is an ordering and gives no margin. "Better test performance" is
reported (final test accuracies, in each row's detail), not decided: in the paper's argument the figures
motivate the gap.

Evidence and roles
------------------
- decisive: the orderings above (ids ``fgsm-mean``, ``fgsm-eps-1`` ... ``fgsm-eps-16``, ``gap-no-aug``,
  ``gap-aug``). Under a preset that decides nothing (``tiny``: :attr:`empirical.figures.Preset.decides` is
  False) the same rows are ``context`` (``passed`` None, what the ordering gave is in the detail), so the
  status is ``undecided``: a few epochs on a few hundred images say nothing about Mixup.
- implementation: ``fgsm-identity``, the FGSM step attains the maximum of the linearised loss over the
  l-infinity ball, :math:`g^\top\delta = \varepsilon\|g\|_1` (derivations/figure_1a.py), on the first
  training seed's Mixup model, relative tolerance 64 float32 ulp per summed coordinate (``64 * 2^-24 * d``,
  the round-off of a float32 dot product of length d); ``loss-<run>-seed-<t>``, the test loss recomputed from
  each saved checkpoint equals the one logged during training (the figure is drawn from what the checkpoint
  computes), relative tolerance 1e-5 on a CPU (float32 sums in another batch order), 2^-10 on CUDA (TF32).

Scope
-----
Every outcome carries its scope (:func:`scope`): ``substitute`` unless the run used the figure's own data
set, full training and test sets and the full-width model (``paper``); the line names the data set used and
the paper's, the width, epochs, training seeds, image counts, the other figure claims decided by the same
training runs, and the command and torchvision files that decide it on the paper's setting.
"""

from __future__ import annotations

import math
from functools import partial

import torch
from torch.nn import functional as F

from ..attacks import fgsm
from ..claim import Claim, Context, Evidence, Outcome, Scope, at_most, holds
from ..numerics import Z_MC as Z  # = empirical.figures.Z
from ..numerics import Tol

#: float32 unit round-off (the vocabulary's ulps are float64's: the checkpoints are float32).
U32 = 2.0 ** -24

#: The data sets' names as the paper writes them.
DATA_NAMES = {"fashion-mnist": "Fashion-MNIST", "kmnist": "Kuzushiji-MNIST", "svhn": "SVHN", "cifar10": "CIFAR-10",
              "cifar100": "CIFAR-100"}

#: The static scope of every figure claim (``mixverify list``); each status carries the exact one (:func:`scope`).
STATIC_SCOPE = Scope("substitute", "substitute under the default smoke preset (a Fashion-MNIST subset, a narrower "
                     "model, fewer epochs, the mean of a few training seeds: not a reproduction); paper with "
                     "--preset paper --data-root DIR")


def check(ctx: Context, fig_id: str, *, attack=fgsm, loss=None, swap: bool = False, decides: bool | None = None) -> Outcome:
    """``attack`` (the FGSM used in the identity check) and ``loss`` (the recomputed test loss) can be
    planted wrong; ``swap=True`` exchanges the ERM and Mixup runs (a planted wrong statement: "ERM is more
    robust / generalizes better"). ``decides`` overrides the preset's :attr:`~empirical.figures.Preset.decides`
    (None: the preset's), so the tests can see the decisive rows a deciding preset gives on tiny runs."""
    from mixverify.empirical import figures

    result = figures.run_figure(fig_id, preset=ctx.preset, data_root=ctx.data_root, seed=ctx.seed,
                                device=ctx.train_device, progress=False,
                                workers=ctx.workers, log=ctx.log)
    if swap:
        result = _swapped(result)
    decides = result.preset.decides if decides is None else decides
    role = "decisive" if decides else "context"

    def verdict(ok: bool, detail: str) -> tuple[bool | None, str]:
        if decides:
            return bool(ok), detail
        return None, f"{detail}; ordering on this run: {'holds' if ok else 'fails'} (preset {result.preset.name} " \
                     "decides nothing)"

    out = Outcome(figures={f"figure-{result.spec.id}": result.figure}, scope=scope(result))
    s = result.summary
    if s["kind"] == "robustness":
        out.evidence.append(_fgsm_identity(result, attack))
        for c in s["comparison"]:
            if c["eps"] == 0:
                out.notes.append(f"clean accuracy (eps = 0): ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}")
                continue
            passed, detail = verdict(c["difference"] >= -Z * c["se"],
                                     f"ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}; strictly above: {c['mixup_above']}")
            band = Tol(round(Z * c["se"], 6), f"{Z:g} paired standard errors of the difference of accuracies on the "
                       f"same {s['attack_images']} images x {len(s['training_seeds'])} training seed(s) (value = Mixup's "
                       "accuracy minus ERM's)")
            out.evidence.append(holds(
                f"fgsm-eps-{c['eps_255']:g}", f"Mixup's FGSM robust accuracy not below ERM's at eps = {c['eps_255']:g}/255",
                passed, band, value=round(c["difference"], 6), reference=0.0, kind="figure", role=role, detail=detail))
        m = s["mean_over_eps"]
        passed, detail = verdict(m["difference"] > 0, (
            f"difference {m['difference']:+.3f} +/- {m['se']:.3f} (paired standard error); per training seed: "
            + ", ".join(f"{p['seed']}: {p['difference']:+.3f}" for p in s["per_seed"])))
        out.evidence.append(holds(
            "fgsm-mean", "Mixup's FGSM robust accuracy above ERM's, mean over eps > 0", passed,
            "an ordering (no tolerance): value = Mixup's mean accuracy, reference = ERM's", value=round(m["mixup"], 6),
            reference=round(m["erm"], 6), kind="figure", role=role, detail=detail))
    else:
        for t, images, runs in result.groups:
            for label, r in runs.items():
                name = figures.run_label(label, t, len(result.groups))
                out.evidence.append(_recomputed_loss(name, r, images, loss, f"loss-{label.replace('+', '-')}-seed-{t}"))
        for c in s["comparison"]:
            aug = "with" if c["augment"] else "without"
            passed, detail = verdict(c["mixup_below"], (
                f"final test accuracy ERM {c['test_acc_erm']:.3f}, Mixup {c['test_acc_mixup']:.3f}; gap ERM - Mixup "
                "per training seed: " + ", ".join(f"{p['seed']}: {p['gap_erm'] - p['gap_mixup']:+.3f}"
                                                  for p in c["per_seed"])))
            out.evidence.append(holds(
                "gap-aug" if c["augment"] else "gap-no-aug", f"Mixup's generalization gap below ERM's, {aug} augmentation",
                passed, "an ordering (no tolerance): value = Mixup's gap, reference = ERM's; test loss - train loss, "
                f"mean of the last {c['epochs_averaged']} epochs and of {len(c['per_seed'])} training seed(s)",
                value=round(c["gap_mixup"], 6), reference=round(c["gap_erm"], 6), kind="figure", role=role,
                detail=detail))
    out.notes += _notes(result, decides)
    return out


def scope(result) -> Scope:
    """What a figure's status was decided on (a :class:`~empirical.figures.FigureResult`): ``paper`` when the
    run used the figure's own data set, the full training and test sets and the full-width model, else
    ``substitute``, naming what stood in for what and how to decide it on the paper's setting."""
    from mixverify.empirical import data as data_mod

    fig, p = result.spec, result.preset
    width = p.width.get(fig.model)
    images = result.groups[0][1]
    n_train, n_test = int(images.x_train.shape[0]), int(images.x_test.shape[0])
    own_data = result.dataset == fig.dataset
    robust = result.summary["kind"] == "robustness"
    full = (own_data and width is None and p.train_limit is None and p.test_limit is None
            and (not robust or result.summary["attack_images"] >= 1000))
    seeds = result.summary["training_seeds"]
    data = DATA_NAMES[result.dataset] + (" (the paper's data set" if own_data else
                                         f" standing in for the paper's {DATA_NAMES[fig.dataset]}")
    if fig.id == "1b":  # FigureSpec's docstring: the paper does not name it
        data += f"{'' if own_data else ' ('}as we read it: the paper does not name Figure 1b's data set"
    data += ")" if own_data or fig.id == "1b" else ""
    parts = [data,
             f"{n_train} training / {n_test} test images" + ("" if full else " (a subset; the paper: the full sets)"),
             _model(fig.model, width),
             f"{p.epochs} epochs, lr 0.1 ({p.lr_schedule} schedule), weight decay {p.weight_decay:g} (the paper states "
             "neither epochs, schedule nor weight decay)",
             (f"mean of {len(seeds)} training seeds ({', '.join(map(str, seeds))})" if len(seeds) > 1
              else f"1 training seed ({seeds[0]})") + " (the paper shows one curve per method)"]
    if robust:
        parts.append(f"FGSM on {result.summary['attack_images']} test images per training seed (paper 1000)")
    shared = _shared_runs(result)
    if shared:
        parts.append(shared)
    parts[0] = f"preset {p.name}" + ("" if p.decides else " (decides nothing: status undecided)") + f": {parts[0]}"
    if full:
        return Scope("paper", "; ".join(parts))
    cmd = f"`mixverify verify {fig.claim_id} --preset paper" + ("`" if fig.dataset == "fashion-mnist"
                                                                 else " --data-root DIR`")
    files = data_mod.describe_expected(fig.dataset, None)
    if fig.dataset == "fashion-mnist":
        files = f"Debian's dataset-fashion-mnist, or with --data-root DIR {files}"
    parts.append(f"not a reproduction; on the paper's setting: {cmd} (`mixverify figure {fig.id} ...` draws it; "
                 f"{files})")
    return Scope("substitute", "; ".join(parts))


def _model(model: str, width) -> str:
    if model == "wrn-16-8":
        return "WRN-16-8 (the paper's)" if width is None else f"WRN-16-{width} (the paper: WRN-16-8)"
    if model == "preact-resnet18":
        return ("pre-activation ResNet-18 at base width 64 (the paper's)" if width is None
                else f"pre-activation ResNet-18 at base width {width} (the paper: 64)")
    return model if width is None else f"{model} at width {width}"


def _shared_runs(result) -> str:
    """Which other figure claims are decided by some of this figure's training runs (same configurations:
    one training serves them all), or ""."""
    from mixverify.empirical import figures

    p, t = result.preset, result.groups[0][0]
    mine = {label: c.key() for label, c in figures.run_configs(result.spec, p, result.dataset, seed=t).items()}
    by_labels: dict[tuple, list[str]] = {}
    for other in figures.FIGURES.values():
        if other.id == result.spec.id:
            continue
        theirs = {c.key() for c in figures.run_configs(other, p, p.dataset or other.dataset, seed=t).values()}
        labels = tuple(label for label, key in mine.items() if key in theirs)
        if labels:
            by_labels.setdefault(labels, []).append(other.claim_id)
    out = []
    for labels, ids in sorted(by_labels.items(), key=lambda kv: -len(kv[0])):
        if len(labels) == len(mine):
            what = "the same training runs"
        else:
            what = "its runs " + ("without" if not any("+aug" in label for label in labels) else "with") + " augmentation"
        out.append(f"{what} also decide {', '.join(ids)}")
    return "; ".join(out)


def _notes(result, decides: bool) -> list[str]:
    s, p = result.summary, result.preset
    notes = [f"Paper: {result.spec.paper}. Its numbers are in the figure image only (not in the text), so our numbers "
             "stand beside its qualitative statement.",
             f"Ours: {s['claim']}: {'holds' if s['holds'] else 'does NOT hold'} on this run."]
    if not decides:
        caveat = p.caveat or f"preset {p.name} decides nothing"
        notes.insert(0, caveat[0].upper() + caveat[1:] + ". Its orderings are reported as context, not decisive "
                     "evidence, so the status is undecided.")
    for c in s["comparison"]:
        if s["kind"] == "robustness":
            notes.append(f"eps = {c['eps_255']:g}/255: ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}")
        else:
            notes.append(f"{'with' if c['augment'] else 'without'} augmentation: gap ERM {c['gap_erm']:.4f}, "
                         f"Mixup {c['gap_mixup']:.4f}; test accuracy ERM {c['test_acc_erm']:.3f}, "
                         f"Mixup {c['test_acc_mixup']:.3f}")
    return notes


def _fgsm_identity(result, attack) -> Evidence:
    """g^T (x_fgsm - x) = eps ||g||_1 for the first training seed's Mixup model at a few test images (no
    clipping: bounds None)."""
    _, images, runs = result.groups[0]
    model = runs["mixup"].model
    device = next(model.parameters()).device
    x = images.x_test[:32].to(device).float().div(255)
    y = images.y_test[:32].to(device)
    eps = 2 / 255

    def ce(out, yy):
        return F.cross_entropy(out.float(), yy, reduction="none")

    with torch.enable_grad():
        xa = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(ce(model(xa), y).sum(), xa)
    delta = attack(model, x, y, eps, norm="inf", loss=ce) - x
    lhs = (g * delta).flatten(1).sum(1)
    rhs = eps * g.flatten(1).abs().sum(1)
    d = x[0].numel()
    rel = float(((lhs - rhs).abs() / rhs.clamp_min(torch.finfo(torch.float32).tiny)).max())
    return at_most("fgsm-identity", "FGSM attains the linearised loss's maximum over the l-inf ball: g^T delta = eps "
                   "||g||_1", rel, 0.0,
                   Tol(64 * U32 * d, f"64 float32 ulp x d = {d} coordinates (round-off of a float32 dot product of "
                       "length d)"),
                   role="implementation", detail="largest relative difference over 32 test images, Mixup model, "
                                                 "eps = 2/255")


def _recomputed_loss(label, r, images, loss, id_: str) -> Evidence:
    from mixverify.empirical.train import EVAL_BATCH

    model = r.model
    device = next(model.parameters()).device
    total, n = 0.0, images.x_test.shape[0]
    loss = loss or (lambda out, y: F.cross_entropy(out.float(), y, reduction="sum"))
    with torch.no_grad():
        for start in range(0, n, EVAL_BATCH):
            xb = images.x_test[start:start + EVAL_BATCH].to(device).float().div(255)
            total += float(loss(model(xb), images.y_test[start:start + EVAL_BATCH].to(device)))
    recomputed, logged = total / n, r.metrics[-1]["test_loss"]
    rel = abs(recomputed - logged) / max(abs(logged), 1e-30)
    cuda = device.type == "cuda"
    tol = Tol(2.0 ** -10, "relative; CUDA: TF32 convolutions (10-bit mantissa) with possibly another algorithm") if cuda \
        else Tol(1e-5, "relative; float32 sums of the same batches, in another order (about sqrt(n) ulp)")
    return holds(id_, f"{label}: test loss recomputed from the checkpoint = the logged one",
                 rel <= tol.value and math.isfinite(recomputed), tol, value=round(recomputed, 9),
                 reference=round(logged, 9), role="implementation")


def _swapped(result):
    """The figure with ERM and Mixup exchanged (a planted error: every ordering flips)."""
    from mixverify.empirical import figures

    def swap(runs):
        return {label.replace("erm", "\0").replace("mixup", "erm").replace("\0", "mixup"): r
                for label, r in runs.items()}

    result.groups = [(t, images, swap(runs)) for t, images, runs in result.groups]
    if result.summary["kind"] == "robustness":
        summary = figures._robustness(result.groups, result.preset)
    else:
        summary = figures._generalization(result.groups)
    result.summary.update(summary)
    result.runs = swap(result.runs)
    return result


def generalization_claim(fig_id: str, paper_ref: str, title: str, data: str):
    """The Claim of one generalization figure (1b, 5-8): they differ only in data set and wording."""
    return Claim(
        id=f"figure-{fig_id}",
        paper_ref=paper_ref,
        title=title,
        statement=(r"L_{\mathrm{test}}(f_{\mathrm{Mixup}}) - L_{\mathrm{train}}(f_{\mathrm{Mixup}}) < "
                   r"L_{\mathrm{test}}(f_{\mathrm{ERM}}) - L_{\mathrm{train}}(f_{\mathrm{ERM}})"),
        hypotheses=(data,
                    "pre-activation ResNet-18 (smoke preset: base width 8), SGD, batch 64, momentum 0.9, lr 0.1",
                    "Mixup with lambda ~ Beta(1, 1), one lambda per batch, a permuted partner",
                    "losses: mean cross-entropy on clean images, in eval mode"),
        derivation=f"derivations.figure_{fig_id}",
        check=partial(check, fig_id=fig_id),
        scope=STATIC_SCOPE,
    )
