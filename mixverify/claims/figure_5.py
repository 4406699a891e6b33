"""figure-5: CIFAR-10: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 5, Appendix C.3).

The check is shared with the other empirical figures: :mod:`mixverify.claims._empirical`."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "5", "Figure 5, Appendix C.3",
    "CIFAR-10: Mixup's generalization gap is below ERM's, with and without augmentation",
    "CIFAR-10 (smoke preset: a Fashion-MNIST subset)",
)
