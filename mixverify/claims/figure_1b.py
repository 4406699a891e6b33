"""figure-1b: Mixup's generalization gap (test - train loss) is below ERM's (Figure 1b, Section 1).

The check is shared with the other empirical figures: :mod:`mixverify.claims._empirical`."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "1b", "Figure 1b, Section 1",
    "Mixup's generalization gap (test - train loss) is below ERM's",
    "CIFAR-10 without augmentation (the paper does not name the data set; smoke preset: a Fashion-MNIST subset)",
)
