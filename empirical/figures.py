r"""The paper's empirical figures (Figure 1 and Appendix C), as runnable specifications.

=======  ==================================================  ==============  ===============  ==============
figure   what it shows                                       paper's data    model            Mixup law
=======  ==================================================  ==============  ===============  ==============
1a       FGSM robust test accuracy against eps, ERM vs Mixup  SVHN            WideResNet-16-8  Beta(5, 0.5)
1b       generalization gap (test - train loss) per epoch     CIFAR-10 [*]    PreAct ResNet-18 Beta(1, 1)
5 - 8    the gap with and without standard augmentation     CIFAR-10, CIFAR-100, Fashion-MNIST, KMNIST (ResNet-18, Beta(1, 1))
=======  ==================================================  ==============  ===============  ==============

[*] The paper does not name Figure 1b's data set; it says only "generalization gap between test and train
loss" and refers to Appendix C.2 (which is about Figure 4). We take CIFAR-10 without augmentation, the
first setting of Appendix C.3. Nor does it give the number of epochs, a learning-rate schedule, weight
decay or the Mixup law of Figures 5-8: we use 200 epochs, the learning rate 0.1 it states divided by 10 after
half and after three quarters of the epochs, weight decay 1e-4 and Beta(1, 1), the defaults of
facebookresearch/mixup-cifar10 that "the standard experimental setups" most likely means. Appendix C.3's
stated settings are kept: SGD, batch 64, momentum 0.9, initial lr 0.1. (With the learning rate held at 0.1
the last epoch's model is a noisy snapshot: at smoke scale its test accuracy moved by up to 0.08 from one
epoch to the next and Figure 1a's ordering flipped with the training seed; see benchmarks/QUALITY.md.)

Three presets: ``paper`` (the settings above, the figure's own data set, full width), ``smoke`` (a
Fashion-MNIST subset, narrow networks, a few epochs: a few minutes on 2 CPU cores; what the default
report runs) and ``tiny`` (smoke's code paths at a cost of seconds, for the test suite; it decides
nothing). In the smoke and tiny presets Fashion-MNIST stands in for every figure's data set, so
figures 5-8 (and 1b) share their training runs; the report says so beside every smoke number.

The *generalization gap* is the test loss minus the training loss, both the mean cross-entropy of the
model in eval mode on clean images (for Mixup too: the theory bounds the standard loss's gap). A figure's
qualitative claim is decided on the mean over the last quarter of the epochs, where one epoch's noise
matters least.

The *robustness* figure (1a) compares FGSM accuracies averaged over eps > 0.

One smoke-scale pair of models (ERM, Mixup) does not decide either comparison: from one training seed to
the next the difference moves by nearly as much as Mixup's effect (benchmarks/figure_seeds.py measures the
spread: one seed in ten or so reverses an ordering). So a preset averages ``seeds`` pairs (smoke: 3), each
trained with its own seed on its own data subset (:func:`training_seeds`): the curves are means over the K
training seeds, and every difference a figure is decided on comes with its t-interval over the K seeds
(:func:`between_seeds`): the spread between training seeds is its uncertainty, not the sampling of test images
given the trained models. Each seed's own numbers are kept (``per_seed``; :func:`seed_summary`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure as MplFigure
from scipy.stats import t as student_t

from mixverify.io import default_cache_dir, save_figure, write_text
from mixverify.numerics import Z_MC
from mixverify.report import dumps

from . import data as data_mod
from .robustness import DEFAULT_EPS, attack_subset, fgsm_accuracy
from .runs import PlannedRun, train_missing
from .train import RunConfig, run


@dataclass(frozen=True)
class FigureSpec:
    id: str
    claim_id: str
    kind: str  # "robustness" | "generalization"
    dataset: str  # the paper's data set
    model: str
    alpha: float
    beta: float
    augment: tuple[bool, ...]
    title: str
    paper: str  # what the paper says the figure shows (its numbers are not in the text)


FIGURES: dict[str, FigureSpec] = {
    "1a": FigureSpec("1a", "figure-1a", "robustness", "svhn", "wrn-16-8", 5.0, 0.5, (False,),
                     "Adversarial robustness under FGSM",
                     "Appendix C.1: 'the model trained with Mixup loss has better robustness' (Fig. 1a: SVHN, "
                     "WRN-16-8, Mixup alpha = 5, beta = 0.5, FGSM on 1000 random test images)"),
    "1b": FigureSpec("1b", "figure-1b", "generalization", "cifar10", "preact-resnet18", 1.0, 1.0, (False,),
                     "Generalization gap between test and train loss",
                     "Section 1: Mixup's better test performance is 'mainly due to its good generalization "
                     "property' (Fig. 1b: a smaller gap between test and train loss)"),
    "5": FigureSpec("5", "figure-5", "generalization", "cifar10", "preact-resnet18", 1.0, 1.0, (False, True),
                    "Generalization: CIFAR-10", "Appendix C.3, Fig. 5: Mixup's gap below ERM's on CIFAR-10"),
    "6": FigureSpec("6", "figure-6", "generalization", "cifar100", "preact-resnet18", 1.0, 1.0, (False, True),
                    "Generalization: CIFAR-100", "Appendix C.3, Fig. 6: Mixup's gap below ERM's on CIFAR-100"),
    "7": FigureSpec("7", "figure-7", "generalization", "fashion-mnist", "preact-resnet18", 1.0, 1.0, (False, True),
                    "Generalization: Fashion-MNIST", "Appendix C.3, Fig. 7: Mixup's gap below ERM's on Fashion-MNIST"),
    "8": FigureSpec("8", "figure-8", "generalization", "kmnist", "preact-resnet18", 1.0, 1.0, (False, True),
                    "Generalization: Kuzushiji-MNIST", "Appendix C.3, Fig. 8: Mixup's gap below ERM's on KMNIST"),
}


@dataclass(frozen=True)
class Preset:
    name: str
    epochs: int
    width: dict = field(default_factory=dict)  # model name -> width (None: the paper's)
    train_limit: int | None = None
    test_limit: int | None = None
    eval_train_limit: int | None = 10000
    attack_images: int = 1000
    dataset: str | None = None  # the data set standing in for every figure's, or None: the figure's own
    weight_decay: float = 1e-4
    lr_schedule: str = "step"  # empirical.train.LR_SCHEDULES
    seeds: int = 1  # K: a figure averages K training seeds (see training_seeds)
    decides: bool = True  # False: too small for its status to say anything about Mixup (the tests' preset)

    @property
    def caveat(self) -> str:
        """What a reader must know beside a status under this preset ("" for one that decides)."""
        if self.decides:
            return ""
        return (f"preset {self.name} only exercises the code ({self.epochs} epochs on {self.train_limit} images) and "
                "decides nothing about Mixup: use smoke or paper")


PRESETS: dict[str, Preset] = {
    "paper": Preset("paper", epochs=200),
    # Narrow networks (ResNet-18 base width 8 instead of 64, WRN-16-1 instead of 16-8), 1000 training and
    # 1000 test images of Fashion-MNIST, 15 epochs: about a minute a figure on 2 idle CPU cores, long enough
    # that ERM overfits (its training loss falls well below its test loss) so the gaps can be compared.
    # Each figure averages 3 training seeds: one smoke-scale pair of models differs from the next by nearly
    # as much as Mixup's effect (see training_seeds).
    "smoke": Preset("smoke", epochs=15, width={"preact-resnet18": 8, "wrn-16-8": 1}, train_limit=1000,
                    test_limit=1000, eval_train_limit=None, attack_images=500, dataset="fashion-mnist",
                    seeds=3),
}
# The test suite's preset: every code path of smoke (several training seeds, both kinds of figure, both
# augmentation settings, the lr drops) in seconds. A few epochs on a few hundred images decide nothing
# about Mixup: under "tiny" a figure's status is the outcome of plumbing, not evidence. The statuses a
# reader can use are smoke's (what the report runs by default) and paper's.
PRESETS["tiny"] = replace(PRESETS["smoke"], name="tiny", epochs=5, train_limit=64, test_limit=64, attack_images=16,
                          seeds=2, decides=False)


@dataclass
class FigureResult:
    spec: FigureSpec
    preset: Preset
    dataset: str
    summary: dict  # the plotted numbers and the qualitative comparison (JSON-ready)
    figure: MplFigure
    runs: dict = field(default_factory=dict)  # run_label(...) -> RunResult
    groups: list = field(default_factory=list)  # (training seed, ImageData, {"erm": RunResult, "mixup": ...})

    @property
    def images(self):
        """The ImageData of the first training seed's runs."""
        return self.groups[0][1]

    def to_json(self) -> dict:
        return {"figure": self.spec.id, "claim_id": self.spec.claim_id, "title": self.spec.title,
                "preset": self.preset.name, "dataset": self.dataset, "paper_dataset": self.spec.dataset,
                "paper": self.spec.paper, **self.summary}


def spec(fig_id: str) -> FigureSpec:
    fig_id = str(fig_id).removeprefix("figure-")
    if fig_id not in FIGURES:
        raise ValueError(f"unknown figure {fig_id!r}; known: {', '.join(FIGURES)}")
    return FIGURES[fig_id]


def run_configs(fig: FigureSpec, preset: Preset, dataset: str, *, seed: int = 0) -> dict[str, RunConfig]:
    """The training runs a figure needs, by label ("erm", "mixup", with "+aug" for augmented runs)."""
    base = RunConfig(dataset=dataset, model=fig.model, width=preset.width.get(fig.model), epochs=preset.epochs,
                     batch_size=64, lr=0.1, lr_schedule=preset.lr_schedule, momentum=0.9,
                     weight_decay=preset.weight_decay,
                     train_limit=preset.train_limit, test_limit=preset.test_limit,
                     eval_train_limit=preset.eval_train_limit, seed=seed)
    configs = {}
    for augment in fig.augment:
        suffix = "+aug" if augment else ""
        configs["erm" + suffix] = replace(base, method="erm", augment=augment)
        configs["mixup" + suffix] = replace(base, method="mixup", alpha=fig.alpha, beta=fig.beta, augment=augment)
    return configs


def training_seeds(preset: Preset, seed: int) -> list[int]:
    """The training seeds of a figure at ``seed``: the K = ``preset.seeds`` seeds K seed, ..., K seed + K - 1
    (disjoint for different seeds, so a sweep over seeds draws independent models; K = 1: ``[seed]``). Each
    training seed t has its own data subset (``data.load(seed=t)``), its ERM and Mixup runs and, for a
    robustness figure, its attacked test images. The runs of a training seed are shared by the figures that
    train the same configurations (smoke: 1b and 5-8)."""
    return [preset.seeds * seed + i for i in range(preset.seeds)]


def run_label(label: str, seed: int, seeds: int) -> str:
    """A run's name in a figure: its label ("erm", "mixup+aug", ...), with " seed <t>" when the figure
    averages several training seeds."""
    return label if seeds == 1 else f"{label} seed {seed}"


def run_figure(fig_id: str, *, preset: str = "smoke", data_root=None, dataset: str | None = None, out=None,
               runs_dir=None, resume: bool = True, device="auto", seed: int = 0, progress: bool = True,
               log=None, workers: int = 1, executor: str = "local") -> FigureResult:
    """Train (or reuse) the runs of one figure, evaluate it, draw it; write ``figure-<id>.png`` and
    ``figure-<id>.json`` under ``out`` when given. Runs live in ``runs_dir/<config key>/`` (checkpoint,
    metrics.csv, metrics.json, config.json); a finished run is reused, an interrupted one is continued where
    it stopped (``resume=False`` refuses it instead). ``workers > 1`` first trains the missing runs with that
    many workers (:func:`empirical.runs.train_missing`, started by ``executor``); the figure is then assembled
    from the finished runs alone, identically however they were trained."""
    fig = spec(fig_id)
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    p = PRESETS[preset]
    dataset = dataset or p.dataset or fig.dataset
    if dataset not in data_mod.DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(data_mod.DATASETS)}")
    runs_dir = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    seeds = training_seeds(p, seed)
    # the data first: a missing data set is one error before any worker starts
    data = {t: data_mod.load(dataset, data_root, train_limit=p.train_limit, test_limit=p.test_limit, seed=t)
            for t in seeds}
    if workers > 1 or executor != "local":

        train_missing(plan_runs([fig.id], preset=preset, seeds=[seed], dataset=dataset, data_root=data_root), runs_dir,
                      workers=workers, executor=executor, device=device, log=log)
    groups, runs = [], {}
    for t in seeds:
        images = data[t]
        group = {}
        for label, config in run_configs(fig, p, dataset, seed=t).items():
            name = run_label(label, t, len(seeds))
            if log:
                log(f"figure {fig.id}: run {name} ({config.key()}), {config.epochs} epochs")
            group[label] = runs[name] = run(config, images, runs_dir / config.key(), resume=resume, device=device,
                                            progress=progress, log=log)
        groups.append((t, images, group))
    if fig.kind == "robustness":
        summary = _robustness(groups, p)
        figure = plot_robustness(fig, summary, dataset, p.name)
    else:
        summary = _generalization(groups)
        figure = plot_generalization(fig, summary, dataset, p.name)
    summary["runs"] = {label: {"config": asdict(r.config), "key": r.config.key(), "dir": str(r.run_dir)}
                       for label, r in runs.items()}
    result = FigureResult(fig, p, dataset, summary, figure, runs, groups)
    if out is not None:
        write(result, Path(out))
    return result


def plan_runs(fig_ids, *, preset: str = "smoke", seeds=(0,), dataset: str | None = None, data_root=None) -> list:
    """The runs that figures ``fig_ids`` (all figures when empty) need at ``preset`` for figure seeds
    ``seeds``, each once, in a fixed order (figure, seed, training seed, label)."""

    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    p = PRESETS[preset]
    specs = [spec(f) for f in (fig_ids or list(FIGURES))]
    runs: dict[str, PlannedRun] = {}
    for fig in specs:
        ds = dataset or p.dataset or fig.dataset
        if ds not in data_mod.DATASETS:
            raise ValueError(f"unknown data set {ds!r}; known: {', '.join(data_mod.DATASETS)}")
        for seed in seeds:
            for t in training_seeds(p, seed):
                for label, config in run_configs(fig, p, ds, seed=t).items():
                    old = runs.get(config.key())
                    figs = (old.figures if old else ()) + ((fig.id,) if not old or fig.id not in old.figures else ())
                    runs[config.key()] = PlannedRun(figs, label, t, config,
                                                    None if data_root is None else str(data_root))
    return list(runs.values())


def default_runs_dir() -> Path:

    return default_cache_dir() / "empirical"


def write(result: FigureResult, out: Path) -> tuple[Path, Path]:
    png, js = out / f"figure-{result.spec.id}.png", out / f"figure-{result.spec.id}.json"
    save_figure(result.figure, png)
    write_text(js, dumps(_finite(result.to_json())))
    return png, js


# --- the two kinds of figure ------------------------------------------------------------------------

#: Two-sided confidence of the t-interval over training seeds that every figure criterion is read with
#: (:func:`between_seeds`; the criterion itself: :mod:`mixverify.claims._empirical`): t = t_{K-1, 0.995}, 99 %.
T_LEVEL = 0.995


def between_seeds(diffs) -> dict:
    r"""The t-interval over the K training seeds of per-seed differences :math:`d_1 \dots d_K` (oriented so that
    positive is the paper's ordering: Mixup ahead): mean :math:`\bar d`, standard error :math:`s/\sqrt K`,
    :math:`t = t_{K-1,\,0.995}` and the interval :math:`\bar d \mp t\,s/\sqrt K`; ``not_worse`` is
    :math:`\bar d \ge -t\,s/\sqrt K` (the interval reaches 0 or above: Mixup not significantly behind) and
    ``better`` is :math:`\bar d > t\,s/\sqrt K` (the interval lies above 0: Mixup significantly ahead). With one
    training seed there is no spread: ``se``, ``t``, the interval and both verdicts are None."""
    d = np.asarray(diffs, dtype=float)
    k, mean = len(d), float(np.mean(d))
    if k < 2:
        return {"k": k, "mean": mean, "se": None, "t": None, "low": None, "high": None, "not_worse": None,
                "better": None}
    se, t = float(np.std(d, ddof=1) / math.sqrt(k)), float(student_t.ppf(T_LEVEL, k - 1))
    return {"k": k, "mean": mean, "se": se, "t": t, "low": mean - t * se, "high": mean + t * se,
            "not_worse": bool(mean >= -t * se), "better": bool(mean > t * se)}


def _robustness(groups, preset: Preset) -> dict:
    """FGSM accuracy of each training seed's ERM and Mixup models on that seed's attacked test images;
    accuracies and paired differences pooled over the (training seed, image) pairs, equal weight per seed; each
    seed's own numbers in ``per_seed`` (what :func:`seed_summary` reads) and the t-interval over seeds of each
    difference (:func:`between_seeds`)."""
    eps = list(DEFAULT_EPS)
    hits, per_seed = [], []  # per seed: {label: (len(eps), n) 0/1 floats}
    for t, images, runs in groups:
        n = min(preset.attack_images, images.x_test.shape[0])
        idx = attack_subset(images.x_test.shape[0], n, t)
        x, y = images.x_test[idx], images.y_test[idx]
        h = {label: np.stack(fgsm_accuracy(runs[label].model, x, y, eps, return_hits=True)[1]).astype(float)
             for label in ("erm", "mixup")}
        hits.append(h)
        per_seed.append({"seed": t, **_fgsm_stats(h, eps)})
    pooled = _fgsm_stats({label: np.concatenate([h[label] for h in hits], axis=1) for label in ("erm", "mixup")}, eps)
    return _robustness_summary(pooled, per_seed, n)


def _fgsm_stats(hits: dict, eps: list) -> dict:
    """Accuracies and paired Mixup - ERM differences (with their standard error over images) per eps and
    averaged over eps > 0, from 0/1 hits ``{"erm": (len(eps), n), "mixup": ...}`` on the same images."""
    attacked = [k for k, e in enumerate(eps) if e > 0]
    acc = {label: [float(v) for v in h.mean(axis=1)] for label, h in hits.items()}
    diff = hits["mixup"] - hits["erm"]
    comparison = [{"eps": e, "eps_255": round(e * 255, 6), "erm": acc["erm"][k], "mixup": acc["mixup"][k],
                   **_paired(diff[k]), "mixup_above": bool(acc["mixup"][k] > acc["erm"][k])} for k, e in enumerate(eps)]
    mean = {"erm": float(np.mean([acc["erm"][k] for k in attacked])),
            "mixup": float(np.mean([acc["mixup"][k] for k in attacked])), **_paired(diff[attacked].mean(axis=0))}
    return {**{key: mean[key] for key in ("erm", "mixup", "difference", "se")}, "accuracy": acc,
            "comparison": comparison}


def _robustness_summary(pooled: dict, per_seed: list, n: int) -> dict:
    """A robustness figure's summary from the pooled statistics and each training seed's (:func:`_fgsm_stats`)."""
    comparison = [{**c, "between_seeds": between_seeds([p["comparison"][k]["difference"] for p in per_seed])}
                  for k, c in enumerate(pooled["comparison"])]
    overall = {key: pooled[key] for key in ("erm", "mixup", "difference", "se")}
    overall["between_seeds"] = between_seeds([p["difference"] for p in per_seed])
    attacked = [c for c in comparison if c["eps"] > 0]
    if len(per_seed) > 1:
        holds = overall["between_seeds"]["better"] and all(c["between_seeds"]["not_worse"] for c in attacked)
    else:
        holds = overall["difference"] > 0 and all(c["difference"] >= -Z * c["se"] for c in attacked)
    return {"kind": "robustness", "attack_images": n, "training_seeds": [p["seed"] for p in per_seed],
            "per_seed": per_seed, "eps": [c["eps"] for c in comparison], "accuracy": pooled["accuracy"],
            "comparison": comparison, "mean_over_eps": overall, "z": Z, "t_level": T_LEVEL,
            "claim": "Mixup's FGSM robust accuracy is above ERM's (mean over eps > 0) and below it at no eps > 0: "
                     "with K >= 2 training seeds, the 99 % t-interval over seeds of the mean difference lies above 0 "
                     "and none of an eps lies below 0; with one seed, the mean strictly above and no eps below by "
                     f"more than {Z:g} paired standard errors",
            "holds": bool(holds)}


def seed_summary(result: FigureResult, index: int) -> dict:
    """The summary of training seed ``result.groups[index]`` alone, as if the preset had trained that one seed
    (no spread between seeds: each criterion is the one-run ordering)."""
    if result.summary["kind"] == "generalization":
        return _generalization([result.groups[index]])
    s = result.summary
    return _robustness_summary(s["per_seed"][index], [s["per_seed"][index]], s["attack_images"])


#: Standard errors a paired accuracy difference may fall below 0 before it counts as "Mixup below ERM" on
#: one training seed (the sampling of the attacked images): the project's z for sampled quantities.
Z = Z_MC


def _paired(d: np.ndarray) -> dict:
    """Mean of per-image differences (Mixup's hit minus ERM's) and its standard error."""
    d = np.asarray(d, dtype=float)
    se = float(np.std(d, ddof=1) / math.sqrt(len(d))) if len(d) > 1 else float("nan")
    return {"difference": float(np.mean(d)), "se": se}


def tail_length(n: int, fraction: float = 0.25) -> int:
    """How many of ``n`` epochs a figure averages: the last ``ceil(fraction * n)`` (at least one)."""
    return max(1, math.ceil(fraction * n))


def tail_mean(values, fraction: float = 0.25) -> float:
    """Mean of the last :func:`tail_length` values."""
    return float(np.mean(values[-tail_length(len(values), fraction):]))


def _generalization(groups) -> dict:
    """Per-epoch curves averaged over the training seeds (equal weight); each setting's gaps and test
    accuracies are the tail means of the averaged curves (= the mean of the seeds' tail means), with each
    seed's own in ``per_seed`` and the t-interval over seeds of ERM's gap minus Mixup's (``gap_between_seeds``)
    and of Mixup's test accuracy minus ERM's (``test_acc_between_seeds``)."""
    keys = ("epoch", "train_loss", "test_loss", "gap", "train_acc", "test_acc")
    curves, comparison = {}, []
    for label in groups[0][2]:
        per_seed = np.array([[[m[key] for m in runs[label].metrics] for key in keys] for _, _, runs in groups])
        curves[label] = {key: [float(v) for v in per_seed[:, i].mean(axis=0)] for i, key in enumerate(keys)}
        curves[label]["epoch"] = [int(e) for e in curves[label]["epoch"]]
    for suffix in ("", "+aug"):
        if "erm" + suffix not in curves:
            continue
        erm, mix = curves["erm" + suffix], curves["mixup" + suffix]
        g_erm, g_mix = tail_mean(erm["gap"]), tail_mean(mix["gap"])
        per_seed = [{"seed": t, **{f"{key}_{method}": tail_mean([m[key] for m in runs[method + suffix].metrics])
                                   for key in ("gap", "test_acc") for method in ("erm", "mixup")}}
                    for t, _, runs in groups]
        comparison.append({"augment": bool(suffix), "gap_erm": g_erm, "gap_mixup": g_mix,
                           "test_acc_erm": erm["test_acc"][-1], "test_acc_mixup": mix["test_acc"][-1],
                           "test_acc_tail_erm": tail_mean(erm["test_acc"]), "test_acc_tail_mixup": tail_mean(mix["test_acc"]),
                           "epochs_averaged": tail_length(len(erm["gap"])),
                           "mixup_below": bool(g_mix < g_erm), "per_seed": per_seed,
                           "gap_between_seeds": between_seeds([p["gap_erm"] - p["gap_mixup"] for p in per_seed]),
                           "test_acc_between_seeds": between_seeds([p["test_acc_mixup"] - p["test_acc_erm"]
                                                                    for p in per_seed])})
    if len(groups) > 1:
        holds = all(c["gap_between_seeds"]["better"] for c in comparison)
    else:
        holds = all(c["mixup_below"] for c in comparison)
    return {"kind": "generalization", "training_seeds": [g[0] for g in groups], "curves": curves,
            "comparison": comparison, "t_level": T_LEVEL,
            "claim": "Mixup's generalization gap (test loss - train loss) is below ERM's: with K >= 2 training seeds, "
                     "the 99 % t-interval over seeds of ERM's gap minus Mixup's lies above 0; with one seed, strictly",
            "holds": bool(holds)}


# --- plots ------------------------------------------------------------------------------------------

COLORS = {"erm": "tab:blue", "mixup": "tab:red"}


def plot_robustness(fig: FigureSpec, summary: dict, dataset: str, preset: str) -> MplFigure:
    f = MplFigure(figsize=(5.2, 3.8))
    ax = f.add_subplot()
    x = [e * 255 for e in summary["eps"]]
    for label, name in (("erm", "ERM"), ("mixup", f"Mixup (alpha={fig.alpha:g}, beta={fig.beta:g})")):
        ax.plot(x, [100 * a for a in summary["accuracy"][label]], "o-", color=COLORS[label], label=name)
    ax.set_xlabel("FGSM eps (x 1/255)")
    ax.set_ylabel("robust test accuracy (%)")
    seeds = len(summary["training_seeds"])
    ax.set_title(f"Fig. {fig.id}: {fig.title}\n{dataset}, {summary['attack_images']} test images"
                 + (f" x {seeds} training seeds" if seeds > 1 else "") + f", preset {preset}", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    f.tight_layout()
    return f


def plot_generalization(fig: FigureSpec, summary: dict, dataset: str, preset: str) -> MplFigure:
    settings = [s for s in ("", "+aug") if "erm" + s in summary["curves"]]
    f = MplFigure(figsize=(5.2 * len(settings), 6.4))
    for col, suffix in enumerate(settings):
        top = f.add_subplot(2, len(settings), col + 1)
        bottom = f.add_subplot(2, len(settings), len(settings) + col + 1)
        for method, name in (("erm", "ERM"), ("mixup", "Mixup")):
            c = summary["curves"][method + suffix]
            top.plot(c["epoch"], c["gap"], color=COLORS[method], label=name)
            bottom.plot(c["epoch"], c["train_loss"], "--", color=COLORS[method], label=f"{name} train")
            bottom.plot(c["epoch"], c["test_loss"], "-", color=COLORS[method], label=f"{name} test")
        aug = "with" if suffix else "without"
        seeds = len(summary["training_seeds"])
        top.set_title(f"Fig. {fig.id}: {fig.title}\n{dataset}, {aug} augmentation, preset {preset}"
                      + (f", mean of {seeds} training seeds" if seeds > 1 else ""), fontsize=9)
        top.set_ylabel("test loss - train loss")
        bottom.set_ylabel("cross-entropy")
        bottom.set_xlabel("epoch")
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)
    f.tight_layout()
    return f


def _finite(obj):
    """Non-finite floats as strings, so the JSON stays strict."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj
