"""figure-7: Fashion-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 7, Appendix C.3).

Paper: "Figures 5-8 show the results of experiments for generalization" (Appendix C.3: Fashion-MNIST, with and
without standard augmentation, pre-activation ResNet-18).
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): Mixup's gap (test - train loss, mean of the last quarter of the epochs and of the preset's training
seeds) strictly below ERM's (``gap-no-aug`` and ``gap-aug``). Under the default smoke preset it is decided on a
substitute (a 1000-image subset of Fashion-MNIST itself, ResNet-18 at base width 8, 15 epochs), on the same
training runs as the other generalization figures; under ``tiny`` it is undecided."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "7", "Figure 7, Appendix C.3",
    "Fashion-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation",
    "Fashion-MNIST (smoke preset: a subset)",
)
