"""mixup-generalization-gap: the same derivation as Figure 1b (derivations/figure_1b.py): Mixup's training loss is the
cross-entropy with the mixed label, and the gap compared is the clean test loss minus the clean train loss."""

from .figure_1b import derive

__all__ = ["derive"]
