"""figure-8: Kuzushiji-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation (Figure 8, Appendix C.3).

The check is shared with the other empirical figures: :mod:`mixverify.claims._empirical`."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "8", "Figure 8, Appendix C.3",
    "Kuzushiji-MNIST: Mixup's generalization gap is below ERM's, with and without augmentation",
    "Kuzushiji-MNIST (smoke preset: a Fashion-MNIST subset)",
)
