"""figure-1a: Mixup-trained networks resist FGSM better than ERM-trained ones (Figure 1a, Appendix C.1).

The check is shared with the other empirical figures: :mod:`mixverify.claims._empirical`."""

from __future__ import annotations

from functools import partial

from ..claim import Claim
from ._empirical import check

CLAIM = Claim(
    id="figure-1a",
    paper_ref="Figure 1a, Section 1 and Appendix C.1",
    title="Mixup (alpha = 5, beta = 0.5) has higher FGSM robust accuracy than ERM",
    statement=(r"\mathrm{acc}_{\mathrm{FGSM}(\varepsilon)}(f_{\mathrm{Mixup}}) > "
               r"\mathrm{acc}_{\mathrm{FGSM}(\varepsilon)}(f_{\mathrm{ERM}})\ \text{for every attack size } \varepsilon > 0"),
    hypotheses=("WideResNet-16-8 on SVHN (smoke preset: WRN-16-1 on a Fashion-MNIST subset)",
                "Mixup with lambda ~ Beta(5, 0.5), one lambda per batch, a permuted partner",
                "FGSM (l-infinity, one step) on a fixed random subset of test images (1000 in the paper)"),
    derivation="derivations.figure_1a",
    check=partial(check, fig_id="1a"),
)
