r"""The check shared by the empirical figure claims (figure-1a, figure-1b, figure-5 ... figure-8).

Each runs :func:`empirical.figures.run_figure` under the context's preset (``smoke`` by default: a
Fashion-MNIST subset standing in for the figure's data set, narrow networks, a few epochs; ``paper`` with
``--preset paper --data-root DIR``), reusing finished training runs from the cache
(``$MIXVERIFY_CACHE/empirical``). Evidence:

- ``exact``: an identity the experiment relies on, tested on the trained models. Robustness: the FGSM
  step attains the maximum of the linearised loss over the l-infinity ball,
  :math:`g^\top\delta = \varepsilon\|g\|_1` (derivations/figure_1a.py), relative tolerance 64 float32 ulp per
  summed coordinate's scale (``64 * 2^-24 * d``, the round-off of a float32 dot product of length d).
  Generalization: the test loss recomputed from the saved checkpoint equals the one logged during training
  (the figure is drawn from what the checkpoint computes), relative tolerance 1e-5 (float32 summation
  in another batch order).
- ``figure``: the figure's qualitative claim, on the mean over the preset's training seeds (smoke: 3 pairs
  of models, see :func:`empirical.figures.training_seeds`). Robustness: Mixup's FGSM accuracy, averaged over
  the attack sizes eps > 0, above ERM's (a strict ordering), and at no single eps below ERM's
  by more than :data:`empirical.figures.Z` = 4 paired standard errors (accuracies on the same images are
  paired; where both models are at chance the difference is noise, and a strict per-eps ordering would be
  decided by it). The standard error is over the attacked (training seed, image) pairs, so it measures the
  sampling of test images given the trained models; the variation between training seeds is what averaging
  several seeds is for (one smoke-scale pair differs from the next by nearly as much as Mixup's effect).
  Generalization: Mixup's gap (test - train loss, mean of the last quarter of the epochs and of the training
  seeds) below ERM's, for each augmentation setting, a strict ordering. The status is ``verified`` only when
  every row holds.

The paper's own numbers cannot be set beside ours: the figures are images, not in the text. Its qualitative
statement is quoted in the notes beside our numbers.
"""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from ..attacks import fgsm
from ..claim import Context, Evidence, Outcome
from ..numerics import Z_MC as Z  # = empirical.figures.Z

#: float32 unit round-off.
U32 = 2.0 ** -24


def check(ctx: Context, fig_id: str, *, attack=fgsm, loss=None, swap: bool = False) -> Outcome:
    """``attack`` (the FGSM used in the identity check) and ``loss`` (the recomputed test loss) can be
    planted wrong; ``swap=True`` exchanges the ERM and Mixup runs (a planted mislabelling of the curves)."""
    from empirical import figures

    result = figures.run_figure(fig_id, preset=ctx.preset, data_root=ctx.data_root, seed=ctx.seed, device="auto",
                                progress=False)
    if swap:
        result = _swapped(result, fig_id, ctx)
    out = Outcome(figures={f"figure-{result.spec.id}": result.figure})
    s = result.summary
    if s["kind"] == "robustness":
        out.evidence.append(_fgsm_identity(result, attack))
        for c in s["comparison"]:
            if c["eps"] == 0:
                out.notes.append(f"clean accuracy (eps = 0): ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}")
                continue
            out.evidence.append(Evidence(
                f"Mixup's FGSM robust accuracy not below ERM's at eps = {c['eps_255']:g}/255", "figure",
                round(c["difference"], 6), 0.0, round(Z * c["se"], 6), c["difference"] >= -Z * c["se"],
                f"{Z:g} paired standard errors of the difference of accuracies on the same {s['attack_images']} "
                f"images x {len(s['training_seeds'])} training seed(s) (value = Mixup's accuracy minus ERM's)",
                f"ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}; strictly above: {c['mixup_above']}"))
        m = s["mean_over_eps"]
        out.evidence.append(Evidence(
            "Mixup's FGSM robust accuracy above ERM's, mean over eps > 0", "figure", round(m["mixup"], 6),
            round(m["erm"], 6), None, m["difference"] > 0,
            "an ordering (no tolerance): value = Mixup's mean accuracy, reference = ERM's",
            f"difference {m['difference']:+.3f} +/- {m['se']:.3f} (paired standard error); per training seed: "
            + ", ".join(f"{p['seed']}: {p['difference']:+.3f}" for p in s["per_seed"])))
    else:
        for t, images, runs in result.groups:
            for label, r in runs.items():
                name = figures.run_label(label, t, len(result.groups))
                out.evidence.append(_recomputed_loss(name, r, images, loss))
        for c in s["comparison"]:
            aug = "with" if c["augment"] else "without"
            out.evidence.append(Evidence(
                f"Mixup's generalization gap below ERM's, {aug} augmentation", "figure",
                round(c["gap_mixup"], 6), round(c["gap_erm"], 6), None, c["mixup_below"],
                "an ordering (no tolerance): value = Mixup's gap, reference = ERM's; test loss - train loss, "
                f"mean of the last {c['epochs_averaged']} epochs and of {len(c['per_seed'])} training seed(s)",
                f"final test accuracy ERM {c['test_acc_erm']:.3f}, Mixup {c['test_acc_mixup']:.3f}; gap ERM - Mixup "
                "per training seed: " + ", ".join(f"{p['seed']}: {p['gap_erm'] - p['gap_mixup']:+.3f}"
                                                  for p in c["per_seed"])))
    out.notes += _notes(result)
    return out


def _notes(result) -> list[str]:
    s, p = result.summary, result.preset
    notes = [f"Preset {p.name}: {result.dataset}"
             + (f" standing in for the paper's {result.spec.dataset}" if result.dataset != result.spec.dataset else "")
             + f", {p.epochs} epochs, train/test subsets {p.train_limit or 'all'}/{p.test_limit or 'all'}, "
             f"model {result.spec.model}" + (f" at width {p.width[result.spec.model]} (ResNet-18's base width, paper 64; "
                                              "WRN's widen factor, paper 8)" if p.width.get(result.spec.model) else "")
             + ". "
             "Run `mixverify figure " + result.spec.id + " --preset paper --data-root DIR` for the paper's setting.",
             f"Paper: {result.spec.paper}. Its numbers are in the figure image only (not in the text), so our numbers "
             "stand beside its qualitative statement.",
             f"Ours: {s['claim']}: {'holds' if s['holds'] else 'does NOT hold'} on this run."]
    if p.caveat:
        notes.insert(0, p.caveat[0].upper() + p.caveat[1:] + ".")
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
    tol = 64 * U32 * d
    return Evidence("FGSM attains the linearised loss's maximum over the l-inf ball: g^T delta = eps ||g||_1", "exact",
                    rel, 0.0, tol, rel <= tol,
                    f"64 float32 ulp x d = {d} coordinates (round-off of a float32 dot product of length d)",
                    "largest relative difference over 32 test images, Mixup model, eps = 2/255")


def _recomputed_loss(label, r, images, loss) -> Evidence:
    from empirical.train import EVAL_BATCH

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
    tol = 2.0 ** -10 if cuda else 1e-5
    return Evidence(f"{label}: test loss recomputed from the checkpoint = the logged one", "exact",
                    round(recomputed, 9), round(logged, 9), tol, rel <= tol and math.isfinite(recomputed),
                    "relative; CUDA: TF32 convolutions (10-bit mantissa) with possibly another algorithm"
                    if cuda else "relative; float32 sums of the same batches, in another order (about sqrt(n) ulp)")


def _swapped(result, fig_id, ctx):
    """The figure with ERM and Mixup exchanged (a planted error: every ordering flips)."""
    from empirical import figures

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
    from functools import partial

    from ..claim import Claim

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
    )
