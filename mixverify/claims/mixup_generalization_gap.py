r"""mixup-generalization-gap: training with Mixup leaves a smaller generalization gap (test - train loss) than
standard training (ERM) -- the general statement that the paper's figures illustrate and its theory explains.

Paper: "For generalization, we prove that Mixup augmentation corresponds to a specific type of data-adaptive
regularization which reduces overfitting" (Abstract); "we show how the regularization terms can reduce
over-fitting and lead to better generalization behaviors than those of standard training" (Section 1, Our
contributions); Mixup's better test performance "is mainly due to its good generalization property" (Section 1,
Fig. 1b); "The Mixup training method has been empirically shown to have better generalization ... than the
traditional training method" (Section 4). Figures 5-8 are this statement on four named data sets; this claim is
the statement itself, decided on the instances the figures' runs provide -- so, unlike figures 1b, 5, 6 and 8, it
is decided under the default smoke preset, on what that preset really ran.

Reading (Figure 1b's caption: "Generalization gap between test and train loss", and Theorems 3.4/3.5, which
bound the standard loss's gap): "reduces overfitting" / "better generalization" means

.. math:: \Delta_t = \mathrm{gap}(f_{\mathrm{ERM}, t}) - \mathrm{gap}(f_{\mathrm{Mixup}, t}) > 0,
          \qquad \mathrm{gap} = L_{\mathrm{test}} - L_{\mathrm{train}},

both the mean cross-entropy of the model in eval mode on clean images, averaged over the last quarter of the
epochs (one epoch's test loss is a noisy snapshot), for an ERM and a Mixup run of training seed t that share the
seed's data subset, architecture, optimiser and initialisation seed.

**Design.** Fixed by the paper: Appendix C.3's set-up (pre-activation ResNet-18, SGD, batch 64, momentum 0.9,
lr 0.1, Mixup's loss, "with and without standard additional data augmentation"). Free: the data set (the
statement is general), augmentation (the paper shows both: each is an admissible setting), the training length,
width and the training seeds. The instances are the runs of figure-7 under the context's preset (smoke: a
1000/1000-image Fashion-MNIST subset, ResNet-18 at base width 8, 15 epochs, K = 3 training seeds; the same runs
decide figures 1b and 5-8 under smoke): no training of its own. Headline design: without augmentation (the Mixup
loss alone, as Section 3.3's theory and Figure 1b as we read it); with augmentation is a sensitivity row.

**Criterion (adopted unchanged from mixup-vs-erm-robustness, the project's paired comparison over training seeds,
and shared with the figure claims, :mod:`mixverify.claims._empirical`).** With the mean
:math:`\bar\Delta` over the K training seeds, its standard error :math:`s/\sqrt K` and
:math:`t = t_{K-1,\,0.995}` (two-sided 99 %):

- decisive ``gap-no-aug`` ("Mixup's gap below ERM's" is not contradicted): :math:`\bar\Delta \ge -t\,s/\sqrt K`; it
  fails when ERM's gap is significantly smaller;
- power ``gap-no-aug-power`` (the same criterion applied to the opposite statement, "ERM's gap at most Mixup's",
  rejects it): :math:`\bar\Delta > t\,s/\sqrt K`; it fails when the K seeds cannot tell Mixup from ERM, and the
  status is then ``uninformative``.

So it is ``verified`` only where Mixup's gap is significantly smaller, ``refuted`` where ERM's is, ``uninformative``
where K seeds cannot tell. Why the spread between seeds and not a per-image standard error: each seed's pair
shares its data subset, so the difference's between-seed spread is what a new training would move. Why 99 %: the
level of the project's other paired comparison over training seeds; a refutation of a published statement must not
come from one seed's noise. With one training seed (``--preset paper``) there is no spread: the run's strict
ordering decides, with no power check.

**What K = 3 can decide** (smoke; from the spread of one seed measured in benchmarks/QUALITY.md, see
:mod:`mixverify.claims._empirical`): each power row passes with probability about 0.11 (without augmentation) and
0.07 (with it), so the status is ``uninformative`` on most seeds, ``design-dependent`` where one setting alone
reaches significance (about one seed in six) and ``verified`` where both do (about one in 120). More
training seeds, not another criterion, would make it decide.

**Sensitivity.** ``augmentation = with`` (admissible: the statement covers it): the same criterion on the runs
with augmentation. ``training seed`` (not admissible, findings): each seed and setting alone, by its strict
ordering; one seed does not decide a criterion defined over seeds. Test accuracy (Mixup minus ERM, with its
interval) is reported as context: it is not what "reduces overfitting" says.

**Planted error** (``check(ctx, swap=True)``): the ERM and Mixup runs are exchanged, so every per-seed difference
changes sign exactly, the decisive and power rows trade places, and a significant result flips.

Under ``tiny`` (:attr:`empirical.figures.Preset.decides` False) the orderings are context and the status is
``undecided``. Scope: ``instances`` -- the runs named in the scope line; a counterexample would refute the
general statement, agreement does not prove it.
"""

from __future__ import annotations

from ..claim import Claim, Context, Evidence, Outcome, Scope, Sensitivity, reported, row
from . import _empirical
from ._empirical import gap_ordering

#: The figure whose training runs are the instances (Fashion-MNIST, with and without augmentation).
RUNS_OF = "7"


def check(ctx: Context, *, swap: bool = False, decides: bool | None = None) -> Outcome:
    """``swap=True`` exchanges the ERM and Mixup runs (the planted wrong statement "ERM's gap is smaller");
    ``decides`` overrides the preset's :attr:`~empirical.figures.Preset.decides` (the tests' tiny runs)."""
    result = _empirical.run(ctx, RUNS_OF, swap=swap)
    why = _why(result, decides)
    setting = {c["augment"]: c for c in result.summary["comparison"]}
    out = Outcome(figures={"mixup-generalization-gap": result.figure}, scope=_scope(result))
    out.evidence += _empirical.implementation_checks(result, None, None)
    out.evidence += gap_ordering(setting[False], why)
    out.evidence += [_test_accuracy(c) for c in setting.values()]
    if ctx.sensitivity:
        out.sensitivity.append(_augmentation_row(setting[True], why))
        out.sensitivity += _seed_rows(result, why)
    if why:
        out.notes.append(f"{why[0].upper()}{why[1:]}. The orderings are reported as context, not decisive evidence, so "
                         "the status is undecided.")
    out.notes += [f"{'With' if c['augment'] else 'Without'} augmentation: gap (test - train loss, mean of the last "
                  f"{c['epochs_averaged']} epochs) ERM {c['gap_erm']:.4f}, Mixup {c['gap_mixup']:.4f}"
                  for c in setting.values()]
    return out


def _why(result, decides: bool | None) -> str:
    if decides is not None:
        return "" if decides else "decides=False"
    p = result.preset
    return "" if p.decides else (p.caveat or f"preset {p.name} decides nothing")


def _augmentation_row(c: dict, why: str) -> Sensitivity:
    o = Outcome(evidence=gap_ordering(c, why))
    e = o.by_id("gap-aug")
    return row("augmentation", "with (standard augmentation)", o, value=e.value,
               detail=f"ERM's gap minus Mixup's, mean over seeds; {e.detail}")


def _seed_rows(result, why: str) -> list[Sensitivity]:
    from mixverify.empirical import figures

    out = []
    for i, (t, _, _) in enumerate(result.groups):
        if len(result.groups) < 2:
            break
        for c in figures.seed_summary(result, i)["comparison"]:
            o = Outcome(evidence=gap_ordering(c, why))
            aug = "with" if c["augment"] else "without"
            out.append(row("training seed", f"{t} ({aug} augmentation)", o, admissible=False,
                           value=round(c["gap_erm"] - c["gap_mixup"], 6),
                           detail=f"this seed alone, strict ordering: ERM {c['gap_erm']:.4f}, Mixup {c['gap_mixup']:.4f}; "
                                  "one seed does not decide a criterion defined over seeds (a finding)"))
    return out


def _test_accuracy(c: dict) -> Evidence:
    b = c["test_acc_between_seeds"]
    aug = "with" if c["augment"] else "without"
    interval = (f"99 % t-interval over {b['k']} training seeds [{b['low']:+.4f}, {b['high']:+.4f}]" if b["k"] > 1
                else "one training seed")
    return reported(f"test-acc-{'aug' if c['augment'] else 'no-aug'}",
                    f"Mixup's test accuracy minus ERM's, {aug} augmentation (mean of the last {c['epochs_averaged']} "
                    "epochs)", round(b["mean"], 6), kind="figure",
                    detail=f"{interval}; ERM {c['test_acc_tail_erm']:.4f}, Mixup {c['test_acc_tail_mixup']:.4f}",
                    why="test performance, not the gap the statement is about")


def _scope(result) -> Scope:
    p = result.preset
    images = result.groups[0][1]
    seeds = result.summary["training_seeds"]
    width = p.width.get(result.spec.model)
    return Scope("instances", "; ".join([
        f"preset {p.name}" + ("" if p.decides else " (decides nothing: status undecided)")
        + f": {_empirical.DATA_NAMES[result.dataset]}, {int(images.x_train.shape[0])} training / "
        f"{int(images.x_test.shape[0])} test images",
        _empirical.model_name(result.spec.model, width),
        f"{p.epochs} epochs, SGD lr 0.1 ({p.lr_schedule} schedule), batch 64, momentum 0.9, weight decay "
        f"{p.weight_decay:g}; Mixup lambda ~ Beta(1, 1)",
        f"{len(seeds)} training seed(s) ({', '.join(map(str, seeds))}), an ERM and a Mixup run each, without (headline) "
        "and with standard augmentation",
        f"the training runs of figure-{RUNS_OF} (no training of its own)"]))


CLAIM = Claim(
    id="mixup-generalization-gap",
    paper_ref="Abstract, Section 1 (Our contributions; Fig. 1b) and Section 4",
    title="Mixup's generalization gap (test - train loss) is below ERM's: Mixup 'reduces overfitting'",
    statement=(r"\mathbb{E}_t\big[(L_{\mathrm{test}} - L_{\mathrm{train}})(f_{\mathrm{ERM},t}) - "
               r"(L_{\mathrm{test}} - L_{\mathrm{train}})(f_{\mathrm{Mixup},t})\big] > 0"),
    hypotheses=("the same data, architecture, optimiser and seed for the ERM and the Mixup run of a pair",
                "pre-activation ResNet-18, SGD, batch 64, momentum 0.9, lr 0.1 (Appendix C.3)",
                "Mixup with lambda ~ Beta(1, 1), one lambda per batch, a permuted partner",
                "losses: mean cross-entropy on clean images, in eval mode, mean of the last quarter of the epochs"),
    derivation="derivations.mixup_generalization_gap",
    check=check,
    trains_figures=True,  # the smoke runs of figure-7: checked after the other claims, with their training pool
    scope=Scope("instances", "the training runs of figure-7 (default smoke preset: a 1000/1000-image Fashion-MNIST "
                "subset, ResNet-18 at base width 8, 15 epochs, 3 training seeds, with and without augmentation)"),
)
