"""figure-7: Fashion-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 7, Appendix C.3).

Paper: "Figures 5-8 show the results of experiments for generalization" (Appendix C.3: Fashion-MNIST, with and
without standard augmentation, pre-activation ResNet-18).
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): Mixup's gap (test - train loss, mean of the last quarter of the epochs) below ERM's, read per training
seed: decisive ``gap-no-aug`` and ``gap-aug`` pass unless the 99 % t-interval over the training seeds of ERM's gap
minus Mixup's lies below 0; power ``gap-no-aug-power`` and ``gap-aug-power`` pass when it lies above 0 (with one
training seed, as under ``--preset paper``: the run's strict ordering, no power check). Sensitivity: each training
seed alone (findings).
Under the default smoke preset it is decided on a substitute of its own data set (a 1000/1000-image subset of
Fashion-MNIST, ResNet-18 at base width 8, 15 epochs, 3 training seeds), on the same training runs as the other
generalization figures (which the smoke preset leaves undecided) and mixup-generalization-gap; under ``tiny`` it
is undecided."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "7", "Figure 7, Appendix C.3",
    "Fashion-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation",
    "Fashion-MNIST (smoke preset: a 1000/1000-image subset)", "fashion-mnist",
)
