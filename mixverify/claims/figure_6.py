"""figure-6: CIFAR-100: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 6, Appendix C.3).

The check is shared with the other empirical figures: :mod:`mixverify.claims._empirical`."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "6", "Figure 6, Appendix C.3",
    "CIFAR-100: Mixup's generalization gap is below ERM's, with and without augmentation",
    "CIFAR-100 (smoke preset: a Fashion-MNIST subset)",
)
