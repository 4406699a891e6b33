"""figure-1a: Mixup-trained networks resist FGSM better than ERM-trained ones (Figure 1a, Appendix C.1).

Paper: "The model trained with Mixup loss has much better robust accuracy" (Section 1) and "It can be observed
that the model trained with Mixup loss has better robustness" (Appendix C.1: SVHN, WRN-16-8).
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): per training seed, Mixup's FGSM accuracy minus ERM's, averaged over eps = 1 ... 16/255 (``fgsm-mean``)
and at each eps (``fgsm-eps-E``); each decisive row passes unless the 99 % t-interval over the training seeds lies
below 0, and the power row ``fgsm-mean-power`` passes when the mean's interval lies above 0 (with one training
seed, as under ``--preset paper``: the mean strictly above and no eps below by more than 4 paired standard errors
over the attacked images, no power check). Sensitivity: each training seed alone (findings).
Under the default smoke preset it is ``undecided``: the preset trains WRN-16-1 on a Fashion-MNIST subset in place
of WRN-16-8 on SVHN, whose numbers are reported as context; ``--preset paper --data-root DIR`` decides it on SVHN.
Under ``tiny`` it is undecided."""

from __future__ import annotations

from functools import partial

from ..claim import Claim
from ._empirical import check, static_scope

CLAIM = Claim(
    id="figure-1a",
    paper_ref="Figure 1a, Section 1 and Appendix C.1",
    title="Mixup (alpha = 5, beta = 0.5) has higher FGSM robust accuracy than ERM",
    statement=(r"\overline{\mathrm{acc}}_{\mathrm{FGSM}}(f_{\mathrm{Mixup}}) > \overline{\mathrm{acc}}_{\mathrm{FGSM}}"
               r"(f_{\mathrm{ERM}})\ \text{(mean over } \varepsilon \in \{1, 2, 4, 8, 16\}/255\text{), and }"
               r"\mathrm{acc}_{\mathrm{FGSM}(\varepsilon)}(f_{\mathrm{Mixup}}) \ge "
               r"\mathrm{acc}_{\mathrm{FGSM}(\varepsilon)}(f_{\mathrm{ERM}})\ \text{at every } \varepsilon > 0"),
    hypotheses=("WideResNet-16-8 on SVHN (smoke preset: WRN-16-1 on a Fashion-MNIST subset, shown as context: "
                "undecided)",
                "Mixup with lambda ~ Beta(5, 0.5), one lambda per batch, a permuted partner",
                "FGSM (l-infinity, one step) on a fixed random subset of test images (1000 in the paper)"),
    derivation="derivations.figure_1a",
    check=partial(check, fig_id="1a"),
    trains_figures=True,
    scope=static_scope("svhn"),
)
