"""figure-1a: Mixup-trained networks resist FGSM better than ERM-trained ones (Figure 1a, Appendix C.1).

Paper: "It can be observed that the model trained with Mixup loss has better robustness" (Appendix C.1).
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): Mixup's FGSM accuracy averaged over eps = 1 ... 16/255 strictly above ERM's (``fgsm-mean``), and at
no eps below it by more than 4 paired standard errors (``fgsm-eps-E``), on the mean of the preset's training
seeds. Under the default smoke preset it is decided on a substitute (WRN-16-1 on a Fashion-MNIST subset, not
WRN-16-8 on SVHN); under ``tiny`` it is undecided."""

from __future__ import annotations

from functools import partial

from ..claim import Claim
from ._empirical import STATIC_SCOPE, check

CLAIM = Claim(
    id="figure-1a",
    paper_ref="Figure 1a, Section 1 and Appendix C.1",
    title="Mixup (alpha = 5, beta = 0.5) has higher FGSM robust accuracy than ERM",
    statement=(r"\overline{\mathrm{acc}}_{\mathrm{FGSM}}(f_{\mathrm{Mixup}}) > \overline{\mathrm{acc}}_{\mathrm{FGSM}}"
               r"(f_{\mathrm{ERM}})\ \text{(mean over } \varepsilon \in \{1, 2, 4, 8, 16\}/255\text{), and }"
               r"\mathrm{acc}_{\mathrm{FGSM}(\varepsilon)}(f_{\mathrm{Mixup}}) \ge "
               r"\mathrm{acc}_{\mathrm{FGSM}(\varepsilon)}(f_{\mathrm{ERM}}) - 4\,\mathrm{SE}\ \text{at every } \varepsilon > 0"),
    hypotheses=("WideResNet-16-8 on SVHN (smoke preset: WRN-16-1 on a Fashion-MNIST subset)",
                "Mixup with lambda ~ Beta(5, 0.5), one lambda per batch, a permuted partner",
                "FGSM (l-infinity, one step) on a fixed random subset of test images (1000 in the paper)"),
    derivation="derivations.figure_1a",
    check=partial(check, fig_id="1a"),
    scope=STATIC_SCOPE,
)
