"""figure-5: CIFAR-10: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 5, Appendix C.3).

Paper: "Figures 5-8 show the results of experiments for generalization" (Appendix C.3: CIFAR-10, with and
without standard augmentation, pre-activation ResNet-18).
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): Mixup's gap (test - train loss, mean of the last quarter of the epochs) below ERM's, read per training
seed: decisive ``gap-no-aug`` and ``gap-aug`` pass unless the 99 % t-interval over the training seeds of ERM's gap
minus Mixup's lies below 0; power ``gap-no-aug-power`` and ``gap-aug-power`` pass when it lies above 0 (with one
training seed, as under ``--preset paper``: the run's strict ordering, no power check). Sensitivity: each training
seed alone (findings).
Under the default smoke preset it is ``undecided``: the preset runs a Fashion-MNIST subset in place of CIFAR-10,
whose orderings are reported as context (the same training runs as the other generalization figures and
mixup-generalization-gap); ``--preset paper --data-root DIR`` decides it on CIFAR-10 itself. Under ``tiny`` it is
undecided."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "5", "Figure 5, Appendix C.3",
    "CIFAR-10: Mixup's generalization gap is below ERM's, with and without augmentation",
    "CIFAR-10 (smoke preset: a Fashion-MNIST subset, shown as context: undecided)", "cifar10",
)
