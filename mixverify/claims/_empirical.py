r"""The check shared by the empirical figure claims (figure-1a, figure-1b, figure-5 ... figure-8) and by
mixup-generalization-gap.

Each runs :func:`empirical.figures.run_figure` under the context's preset, reusing finished training runs from
the cache (``$MIXVERIFY_CACHE/empirical``): ``smoke`` by default (a Fashion-MNIST subset standing in for the
figure's data set, narrow networks, 15 epochs, K = 3 training seeds), ``paper`` with
``--preset paper --data-root DIR`` (the figure's own data set and model at full width, one training seed),
``tiny`` for the tests (decides nothing).

What the paper says, and the criterion that reads it
----------------------------------------------------
The paper's numbers exist only in its figure images, not in its text, so its qualitative sentences are what
is tested; each is read by a criterion fixed in advance (docs/verdicts.md, section 4), and the same
criterion is applied under every preset.

*Robustness (figure-1a).* Paper: "The model trained with Mixup loss has much better robust accuracy"
(Section 1, Fig. 1a) and "It can be observed that the model trained with Mixup loss has better robustness"
(Appendix C.1: SVHN, WRN-16-8, Mixup alpha = 5, beta = 0.5, FGSM on 1000 random test images). Reading:
"better robustness" means Mixup's curve of FGSM accuracy against eps lies above ERM's: above on average over
the attack sizes eps = 1, 2, 4, 8, 16/255 (:data:`empirical.robustness.DEFAULT_EPS`, eps > 0; ``fgsm-mean``),
and below at no single eps (``fgsm-eps-E``, one per eps = E/255). Source: the figure plots whole curves, and
the paper's argument for them (Theorems 3.1 and 3.3: Mixup minimises an upper bound of the adversarial loss for
small attacks) predicts a lower adversarial loss at every small eps, not at one chosen eps. "Much" is not
tested: the paper gives no number to hold it to.

*Generalization (figure-1b, figure-5 ... figure-8).* Paper: "from Fig. (1b), we observe that Mixup training
results in better test performance than the standard empirical risk minimization. That is mainly due to its
good generalization property" (Section 1; Figure 1b is captioned "Generalization gap between test and train
loss"), and "Figures 5-8 show the results of experiments for generalization ... For each dataset, we consider
two cases: with and without standard additional data augmentation" (Appendix C.3). Readings: "good
generalization" means a smaller generalization gap (``gap-no-aug`` and, for figures 5-8, ``gap-aug``); "better
test performance" (figure-1b only: the only figure the sentence is about) means a higher test accuracy
(``test-acc-no-aug``; the paper's next clause speaks of "training error", i.e. misclassification). The gap is
the test loss minus the training loss, both the mean cross-entropy of the model in eval mode on clean images
(for Mixup too: Theorems 3.4 and 3.5 bound the standard loss's gap); gap and accuracy are averaged over the last
quarter of the epochs (:func:`empirical.figures.tail_length`), because one epoch's test loss is a noisy snapshot.

The criterion: a t-interval over training seeds
-----------------------------------------------
Each comparison is a per-training-seed difference :math:`d_t` oriented so that positive is the paper's ordering
(Mixup's accuracy minus ERM's; ERM's gap minus Mixup's), on the seed's own data subset, initialisation and
attacked images; its uncertainty is the spread between the K training seeds
(:func:`empirical.figures.between_seeds`), not the sampling of test images given the trained models. With the
mean :math:`\bar d`, the standard error :math:`s/\sqrt K` and :math:`t = t_{K-1,\,0.995}` (two-sided 99 %, the
level of mixup-vs-erm-robustness, the project's other paired comparison over training seeds):

- decisive (the paper's ordering is not contradicted): :math:`\bar d \ge -t\,s/\sqrt K`; it fails when ERM is
  significantly ahead (the interval lies below 0);
- power ``<id>-power`` for ``fgsm-mean`` and every gap and test-accuracy comparison (the same criterion applied
  to the opposite statement, "ERM at least as good", rejects it): :math:`\bar d > t\,s/\sqrt K`; it fails when the
  K seeds cannot tell Mixup from ERM (the interval contains 0), and the status is then ``uninformative``. The
  per-eps rows have no power check: the reading requires Mixup not to be behind at any eps, not to be ahead at
  every eps (at 16/255 both models may be near chance).

So a figure is ``verified`` only where Mixup is significantly ahead, ``refuted`` where ERM is, ``uninformative``
where K seeds cannot tell. Why 99 %: a figure has up to six decisive comparisons, and a refutation of a published
statement must not come from the seed noise of one of them (at 95 % and no true difference, about one chance in
seven that one of figure-1a's six rows lies below 0).

*What K = 3 seeds can decide* (smoke), predicted from the spread of one training seed that benchmarks/QUALITY.md
measured over 30-60 seeds (ERM's gap minus Mixup's: mean +0.108, sd 0.057 without augmentation, +0.043, sd 0.029
with it; Mixup's mean FGSM accuracy minus ERM's +0.060, sd 0.033) with the noncentral t distribution: a power row
passes with probability 0.11, 0.07 and 0.10 (0.28, 0.17, 0.25 at K = 4; 0.70, 0.46, 0.66 at K = 6), a decisive row
fails with probability below 1e-5. So at K = 3 a decided figure is almost always ``uninformative``: three
smoke-scale seeds cannot establish the ordering at 99 %, and the status says so instead of reporting the sign of
a mean.

*One training seed* (the paper preset, as the paper: one curve per method) has no spread between seeds: each
comparison is then decided by the run's own ordering, as plotted -- strictly (``fgsm-mean``, gaps, test
accuracy) or, per eps, Mixup not below ERM by more than Z = 4 paired standard errors over the attacked images
(:data:`mixverify.numerics.Z_MC`; the accuracies are on the same images, so they are paired) -- with no power
check. The same one-run criterion gives each training seed's row of the sensitivity table (below).

Which runs decide
-----------------
A figure is decided only on its own data set: under a preset that ran another one (smoke: Fashion-MNIST for
every figure) figures 1a (SVHN), 1b (CIFAR-10, our reading: the paper does not name Figure 1b's data set), 5
(CIFAR-10), 6 (CIFAR-100) and 8 (KMNIST) are ``undecided``, their orderings reported as ``context`` (``passed``
None, what the criterion gave in the detail), with the substitute's numbers; figure-7 (Fashion-MNIST) is
decided on a 1000/1000-image subset and a narrower model (scope ``substitute``). Under ``tiny``
(:attr:`empirical.figures.Preset.decides` False) every figure is ``undecided``: a few epochs on a few hundred
images say nothing about Mixup.

Sensitivity
-----------
- ``training seed`` (not admissible: a finding): each training seed alone, by the one-run criterion. One seed does
  not decide a criterion defined over seeds; the rows show how far the paper's one-run design would go.
- ``augmentation`` (figure-1b, admissible): the paper names neither Figure 1b's data set nor whether it used
  augmentation, so "with augmentation" is a reading of it; it is decided on the runs with augmentation that
  figure-5 trains (the same configurations), at no extra training.

Implementation evidence
-----------------------
``fgsm-identity``, the FGSM step attains the maximum of the linearised loss over the l-infinity ball,
:math:`g^\top\delta = \varepsilon\|g\|_1` (derivations/figure_1a.py), on the first training seed's Mixup model,
relative tolerance 64 float32 ulp per summed coordinate (``64 * 2^-24 * d``, the round-off of a float32 dot
product of length d); ``loss-<run>-seed-<t>``, the test loss recomputed from each saved checkpoint equals the one
logged during training (the figure is drawn from what the checkpoint computes), relative tolerance 1e-5 on a CPU
(float32 sums in another batch order), 2^-10 on CUDA (TF32).

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
from ..claim import Claim, Context, Evidence, Outcome, Scope, Sensitivity, at_most, holds, row
from ..numerics import Z_MC as Z  # = empirical.figures.Z
from ..numerics import Tol

#: float32 unit round-off (the vocabulary's ulps are float64's: the checkpoints are float32).
U32 = 2.0 ** -24

#: The data sets' names as the paper writes them.
DATA_NAMES = {"fashion-mnist": "Fashion-MNIST", "kmnist": "Kuzushiji-MNIST", "svhn": "SVHN", "cifar10": "CIFAR-10",
              "cifar100": "CIFAR-100"}


def static_scope(dataset: str) -> Scope:
    """The static scope of a figure claim about ``dataset`` (``mixverify list``); each status carries the exact
    one (:func:`scope`)."""
    if dataset == "fashion-mnist":
        smoke = ("a 1000/1000-image subset of Fashion-MNIST itself, a narrower model, fewer epochs, 3 training seeds: "
                 "not a reproduction")
    else:
        smoke = (f"Fashion-MNIST standing in for {DATA_NAMES[dataset]}: numbers shown as context, status undecided "
                 "there")
    return Scope("substitute", f"substitute under the default smoke preset ({smoke}); paper with --preset paper "
                 "--data-root DIR")


def check(ctx: Context, fig_id: str, *, attack=fgsm, loss=None, swap: bool = False, decides: bool | None = None) -> Outcome:
    """``attack`` (the FGSM used in the identity check) and ``loss`` (the recomputed test loss) can be
    planted wrong; ``swap=True`` exchanges the ERM and Mixup runs (a planted wrong statement: "ERM is more
    robust / generalizes better"). ``decides`` overrides :func:`undecided_reason` (None: decided where the preset
    decides and ran the figure's data set), so the tests can see the decisive rows a deciding preset gives on
    tiny runs."""
    result = run(ctx, fig_id, swap=swap)
    why = undecided_reason(result, decides)
    out = Outcome(figures={f"figure-{result.spec.id}": result.figure}, scope=scope(result))
    out.evidence += implementation_checks(result, attack, loss)
    out.evidence += orderings(result.summary, why, test_acc=fig_id == "1b")
    if ctx.sensitivity:
        out.sensitivity += seed_rows(result, why, test_acc=fig_id == "1b")
        if fig_id == "1b":
            out.sensitivity.append(_augmentation_row(ctx, why, swap=swap))
    out.notes += _notes(result, why)
    return out


def run(ctx: Context, fig_id: str, *, swap: bool = False):
    """The figure's :class:`~empirical.figures.FigureResult` under ``ctx`` (ERM and Mixup exchanged if ``swap``)."""
    from mixverify.empirical import figures

    result = figures.run_figure(fig_id, preset=ctx.preset, data_root=ctx.data_root, seed=ctx.seed,
                                device=ctx.train_device, progress=False, workers=ctx.workers, log=ctx.log)
    return _swapped(result) if swap else result


def undecided_reason(result, decides: bool | None = None) -> str:
    """Why the figure's orderings are context rather than decisive ("" when they decide): the preset decides
    nothing, or it ran another data set than the figure's. ``decides`` overrides it."""
    if decides is not None:
        return "" if decides else "decides=False"
    p, fig = result.preset, result.spec
    if not p.decides:
        return f"preset {p.name} decides nothing"
    if result.dataset != fig.dataset:
        reading = " (our reading: the paper does not name its data set)" if fig.id == "1b" else ""
        return (f"Figure {fig.id} is about {DATA_NAMES[fig.dataset]}{reading}; preset {p.name} ran "
                f"{DATA_NAMES[result.dataset]} in its place")
    return ""


# --- the orderings --------------------------------------------------------------------------------------

def orderings(summary: dict, why: str = "", *, test_acc: bool = False) -> list[Evidence]:
    """The decisive (and power) evidence of a figure's summary, by the criterion of the module docstring; all
    ``context`` when ``why`` says why it decides nothing. ``test_acc``: also "better test performance" (1b)."""
    if summary["kind"] == "robustness":
        return _fgsm_orderings(summary, why)
    out = []
    for c in summary["comparison"]:
        out += gap_ordering(c, why)
        if test_acc:
            out += _test_acc_ordering(c, why)
    return out


def _fgsm_orderings(s: dict, why: str) -> list[Evidence]:
    out = []
    for c in s["comparison"]:
        if c["eps"] == 0:
            continue
        eps = f"{c['eps_255']:g}"
        one_run = (c["difference"] >= -Z * c["se"], Tol(round(Z * c["se"], 6), (
            f"{Z:g} paired standard errors over the {s['attack_images']} attacked images (one training seed)")))
        out += _ordering(f"fgsm-eps-{eps}", f"Mixup's FGSM robust accuracy not below ERM's at eps = {eps}/255",
                         c["between_seeds"], one_run, power="", why=why,
                         detail=f"ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}", per_seed=_per_seed(s, c["eps_255"]))
    m = s["mean_over_eps"]
    out += _ordering("fgsm-mean", "Mixup's FGSM robust accuracy above ERM's, mean over eps > 0", m["between_seeds"],
                     (m["difference"] > 0, "the run's ordering, strict (no tolerance)"),
                     power="ERM's mean FGSM accuracy at least Mixup's", why=why,
                     detail=f"ERM {m['erm']:.3f}, Mixup {m['mixup']:.3f}",
                     per_seed=[(p["seed"], p["difference"]) for p in s["per_seed"]])
    return out


def _per_seed(s: dict, eps_255) -> list[tuple]:
    return [(p["seed"], c["difference"]) for p in s["per_seed"] for c in p["comparison"] if c["eps_255"] == eps_255]


def gap_ordering(c: dict, why: str = "") -> list[Evidence]:
    """Mixup's generalization gap below ERM's in one setting (``c``: a comparison of a generalization summary)."""
    aug = "with" if c["augment"] else "without"
    return _ordering(
        "gap-aug" if c["augment"] else "gap-no-aug", f"Mixup's generalization gap below ERM's, {aug} augmentation",
        c["gap_between_seeds"], (c["mixup_below"], "the run's ordering, strict (no tolerance)"),
        power=f"ERM's gap at most Mixup's, {aug} augmentation", why=why,
        detail=(f"gap = test - train loss, mean of the last {c['epochs_averaged']} epochs: ERM {c['gap_erm']:.4f}, "
                f"Mixup {c['gap_mixup']:.4f}; final test accuracy ERM {c['test_acc_erm']:.3f}, Mixup "
                f"{c['test_acc_mixup']:.3f}"),
        per_seed=[(p["seed"], p["gap_erm"] - p["gap_mixup"]) for p in c["per_seed"]])


def _test_acc_ordering(c: dict, why: str) -> list[Evidence]:
    aug = "with" if c["augment"] else "without"
    return _ordering(
        "test-acc-aug" if c["augment"] else "test-acc-no-aug",
        f"Mixup's test accuracy above ERM's ('better test performance'), {aug} augmentation",
        c["test_acc_between_seeds"], (c["test_acc_tail_mixup"] > c["test_acc_tail_erm"],
                                      "the run's ordering, strict (no tolerance)"),
        power=f"ERM's test accuracy at least Mixup's, {aug} augmentation", why=why,
        detail=(f"test accuracy, mean of the last {c['epochs_averaged']} epochs: ERM {c['test_acc_tail_erm']:.4f}, "
                f"Mixup {c['test_acc_tail_mixup']:.4f}"),
        per_seed=[(p["seed"], p["test_acc_mixup"] - p["test_acc_erm"]) for p in c["per_seed"]])


def _ordering(id_: str, name: str, b: dict, one_run: tuple, *, power: str, why: str, detail: str,
              per_seed: list) -> list[Evidence]:
    """A comparison's decisive row (and its power row when ``power`` names the opposite statement): the
    t-interval over K >= 2 training seeds ``b`` (:func:`empirical.figures.between_seeds`), or the one-run
    criterion ``one_run`` = (passed, criterion) with one seed. value = the mean per-seed difference (positive:
    Mixup ahead), reference 0."""
    seeds = ", ".join(f"{t}: {d:+.4f}" for t, d in per_seed)
    if b["k"] >= 2:
        band = b["t"] * b["se"]
        interval = (f"99 % t-interval over {b['k']} training seeds [{b['low']:+.4f}, {b['high']:+.4f}] (mean "
                    f"{b['mean']:+.4f}, SE {b['se']:.4f}, t {b['t']:.3g})")
        source = (f"t_(K-1, 0.995) = {b['t']:.3g} standard errors of the mean of K = {b['k']} per-seed differences "
                  "(99 % t-interval over training seeds, fixed before the numbers)")
        rows = [(id_, name, b["not_worse"], Tol(band, "passes when value >= -tolerance: " + source), "decisive")]
        if power:
            rows.append((f"{id_}-power", f"the opposite statement ({power}) rejected by the same criterion",
                         b["better"], Tol(band, "passes when value > tolerance: " + source), "power"))
    else:
        interval = "one training seed: no spread between seeds"
        rows = [(id_, name, one_run[0], one_run[1], "decisive")]
    out = []
    for rid, rname, passed, criterion, role in rows:
        text = f"{interval}; per training seed: {seeds}; {detail}"
        if why:
            text += f"; the criterion {'passes' if passed else 'fails'} on this run, not decided ({why})"
            passed, role = None, "context"
        out.append(holds(rid, rname, passed, criterion, value=round(b["mean"], 6), reference=0.0, kind="figure",
                         role=role, detail=text))
    return out


# --- the sensitivity table ------------------------------------------------------------------------------

def seed_rows(result, why: str, *, test_acc: bool = False) -> list[Sensitivity]:
    """Each training seed alone, by the one-run criterion (findings: ``admissible=False``); none with one seed."""
    from mixverify.empirical import figures

    if len(result.groups) < 2:
        return []
    out = []
    for i, (t, _, _) in enumerate(result.groups):
        o = Outcome(evidence=orderings(figures.seed_summary(result, i), why, test_acc=test_acc))
        out.append(row("training seed", str(t), o, admissible=False, value=_values(o), detail=(
            "this training seed alone, by the one-run criterion (the paper's design: one curve per method); one seed "
            "does not decide a criterion defined over seeds, so the row is a finding")))
    return out


def _values(o: Outcome) -> str:
    return ", ".join(f"{e.id} {e.value:+.4f}" for e in o.evidence if not e.id.endswith("-power"))


def _augmentation_row(ctx: Context, why: str, *, swap: bool) -> Sensitivity:
    """figure-1b read with augmentation, on figure-5's runs with augmentation (the same configurations as
    1b's without: no extra training where figure-5 is run too)."""
    other = run(ctx, "5", swap=swap)
    (c,) = [c for c in other.summary["comparison"] if c["augment"]]
    o = Outcome(evidence=gap_ordering(c, why) + _test_acc_ordering(c, why))
    other.figure.clear()
    return row("augmentation", "with (standard augmentation)", o, value=_values(o), detail=(
        "the paper names neither Figure 1b's data set nor whether it used augmentation: 'with' is a reading it allows; "
        "decided on figure-5's runs with augmentation"))


def implementation_checks(result, attack, loss) -> list[Evidence]:
    from mixverify.empirical import figures

    if result.summary["kind"] == "robustness":
        return [_fgsm_identity(result, attack)]
    out = []
    for t, images, runs in result.groups:
        for label, r in runs.items():
            name = figures.run_label(label, t, len(result.groups))
            out.append(recomputed_loss(name, r, images, loss, f"loss-{label.replace('+', '-')}-seed-{t}"))
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
             model_name(fig.model, width),
             f"{p.epochs} epochs, lr 0.1 ({p.lr_schedule} schedule), weight decay {p.weight_decay:g} (the paper states "
             "neither epochs, schedule nor weight decay)",
             (f"mean of {len(seeds)} training seeds ({', '.join(map(str, seeds))})" if len(seeds) > 1
              else f"1 training seed ({seeds[0]})") + " (the paper shows one curve per method)"]
    if robust:
        parts.append(f"FGSM on {result.summary['attack_images']} test images per training seed (paper 1000)")
    shared = _shared_runs(result)
    if shared:
        parts.append(shared)
    if p.decides and not own_data:
        parts.insert(1, "undecided: a figure is decided on its own data set only, the substitute's numbers are context")
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


def model_name(model: str, width) -> str:
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


def _notes(result, why: str) -> list[str]:
    s, p = result.summary, result.preset
    notes = [f"Paper: {result.spec.paper}. Its numbers are in the figure image only (not in the text), so our numbers "
             "stand beside its qualitative statement.",
             f"Ours: {s['claim']}: {'holds' if s['holds'] else 'does NOT hold'} on this run."]
    if why:
        if not p.decides:
            caveat = p.caveat or f"preset {p.name} decides nothing"
        else:
            fig = result.spec
            caveat = (f"{why}: a figure is decided on its own data set only "
                      f"(`mixverify verify {fig.claim_id} --preset paper --data-root DIR` decides it)")
        notes.insert(0, caveat[0].upper() + caveat[1:] + ". Its orderings are reported as context, not decisive "
                     "evidence, so the status is undecided.")
    for c in s["comparison"]:
        if s["kind"] == "robustness":
            notes.append(f"eps = {c['eps_255']:g}/255: ERM {c['erm']:.3f}, Mixup {c['mixup']:.3f}")
        else:
            notes.append(f"{'with' if c['augment'] else 'without'} augmentation: gap ERM {c['gap_erm']:.4f}, "
                         f"Mixup {c['gap_mixup']:.4f}; test accuracy (mean of the last {c['epochs_averaged']} epochs) "
                         f"ERM {c['test_acc_tail_erm']:.3f}, Mixup {c['test_acc_tail_mixup']:.3f}")
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


def recomputed_loss(label, r, images, loss, id_: str) -> Evidence:
    """The test loss of run ``r`` recomputed from its checkpoint against the one logged at its last epoch."""
    from mixverify.empirical.train import eval_batch

    model = r.model
    device = next(model.parameters()).device
    total, n, b = 0.0, images.x_test.shape[0], eval_batch(device)
    loss = loss or (lambda out, y: F.cross_entropy(out.float(), y, reduction="sum"))
    with torch.no_grad():
        for start in range(0, n, b):
            xb = images.x_test[start:start + b].to(device).float().div(255)
            total += float(loss(model(xb), images.y_test[start:start + b].to(device)))
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


def generalization_claim(fig_id: str, paper_ref: str, title: str, data: str, dataset: str):
    """The Claim of one generalization figure (1b, 5-8): they differ only in data set and wording (1b also says
    "better test performance")."""
    statement = (r"L_{\mathrm{test}}(f_{\mathrm{Mixup}}) - L_{\mathrm{train}}(f_{\mathrm{Mixup}}) < "
                 r"L_{\mathrm{test}}(f_{\mathrm{ERM}}) - L_{\mathrm{train}}(f_{\mathrm{ERM}})")
    if fig_id == "1b":
        statement = (r"\mathrm{acc}_{\mathrm{test}}(f_{\mathrm{Mixup}}) > \mathrm{acc}_{\mathrm{test}}(f_{\mathrm{ERM}})"
                     r"\ \text{and}\ " + statement)
    return Claim(
        id=f"figure-{fig_id}",
        paper_ref=paper_ref,
        title=title,
        statement=statement,
        hypotheses=(data,
                    "pre-activation ResNet-18 (smoke preset: base width 8), SGD, batch 64, momentum 0.9, lr 0.1",
                    "Mixup with lambda ~ Beta(1, 1), one lambda per batch, a permuted partner",
                    "losses: mean cross-entropy on clean images, in eval mode"),
        derivation=f"derivations.figure_{fig_id}",
        check=partial(check, fig_id=fig_id),
        trains_figures=True,
        scope=static_scope(dataset),
    )
