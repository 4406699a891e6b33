"""figure-1b: Mixup's generalization gap (test - train loss) is below ERM's (Figure 1b, Section 1).

Paper: "from Fig. (1b), we observe that Mixup training results in better test performance than the standard
empirical risk minimization. That is mainly due to its good generalization property" (Section 1; the figure is
captioned "Generalization gap between test and train loss").
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): Mixup's gap (test - train loss, mean of the last quarter of the epochs and of the preset's training
seeds) strictly below ERM's (``gap-no-aug``). Under the default smoke preset it is decided on a substitute (a
Fashion-MNIST subset standing in for CIFAR-10 (the data set the paper does not name; our reading), ResNet-18 at
base width 8, 15 epochs), on the same training runs as the other generalization figures; under ``tiny`` it is
undecided."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "1b", "Figure 1b, Section 1",
    "Mixup's generalization gap (test - train loss) is below ERM's",
    "CIFAR-10 without augmentation (the paper does not name the data set; smoke preset: a Fashion-MNIST subset)",
)
