"""figure-1b: Mixup has better test performance than ERM, "mainly due to its good generalization property" (Figure 1b, Section 1).

Paper: "from Fig. (1b), we observe that Mixup training results in better test performance than the standard
empirical risk minimization. That is mainly due to its good generalization property" (Section 1; the figure is
captioned "Generalization gap between test and train loss"). Both sentences are tested: "better test
performance" as a higher test accuracy (``test-acc-no-aug``) and "good generalization" as a smaller gap
(``gap-no-aug``). The paper names neither the figure's data set nor its augmentation: we read CIFAR-10 without
augmentation (the first setting of Appendix C.3; :mod:`empirical.figures`), and the reading with augmentation is
an admissible row of the sensitivity table (decided on figure-5's runs with augmentation).
Criterion (fixed in :mod:`mixverify.claims._empirical`, where the check is shared with the other empirical
figures): test accuracy and gap (test - train loss) are means of the last quarter of the epochs; each decisive row
passes unless the 99 % t-interval over the training seeds of the per-seed difference (positive: Mixup ahead)
lies below 0, each power row (``-power``) passes when it lies above 0 (with one training seed, as under ``--preset
paper``: the run's strict ordering, no power check). Sensitivity: augmentation (admissible), each training seed
alone (findings).
Under the default smoke preset it is ``undecided``: the preset runs a Fashion-MNIST subset in place of CIFAR-10,
whose numbers are reported as context (the runs without augmentation of the other generalization figures);
under ``tiny`` it is undecided."""

from ._empirical import generalization_claim

CLAIM = generalization_claim(
    "1b", "Figure 1b, Section 1",
    "Mixup's test accuracy is above ERM's and its generalization gap (test - train loss) below ERM's",
    "CIFAR-10 without augmentation (the paper does not name the data set; smoke preset: a Fashion-MNIST subset, "
    "shown as context: undecided)", "cifar10",
)
