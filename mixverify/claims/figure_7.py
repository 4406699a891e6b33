"""figure-7: Fashion-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 7, Appendix C.3).

The check is shared with the other empirical figures: :mod:`mixverify.claims._empirical`."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "7", "Figure 7, Appendix C.3",
    "Fashion-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation",
    "Fashion-MNIST (smoke preset: a subset)",
)
