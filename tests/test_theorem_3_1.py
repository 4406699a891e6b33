"""theorem-3.1 on random data sets; its missing hypothesis; planted wrong radii are rejected."""

import pytest
import torch

from derivations import theorem_3_1 as derivation
from mixverify.adversarial import mixup_attack_radii
from mixverify.claim import Context
from mixverify.claims import theorem_3_1

CTX = Context(seed=0)


def planted(kind):
    def radii(f, X, alpha, beta):
        r = mixup_attack_radii(f, X, alpha, beta)
        if kind == "c_x = max":
            scale = X.norm(dim=1).max() / X.norm(dim=1).min()
            r = {**r, "c_x": r["c_x"] * scale, "eps_i": r["eps_i"] * scale, "eps_min": r["eps_min"] * scale}
        elif kind == "R = max R_i":
            r = {**r, "eps_min": r["eps_i"].max()}
        elif kind == "moments of D_lambda":  # E[1 - lam] under Beta(alpha, beta) is beta / (alpha + beta)
            ratio = (beta / (alpha + beta)) / (2 * alpha * beta / ((alpha + beta) * (alpha + beta + 1)))
            r = {**r, "eps_i": r["eps_i"] * ratio, "eps_min": r["eps_min"] * ratio}
        return r
    return radii


@pytest.mark.parametrize("kind,which", [
    ("c_x = max", "L~_mix >= mean"),
    ("R = max R_i", "mean l~_adv(eps_i sqrt d) >= mean"),
    ("moments of D_lambda", "L~_mix >= mean"),
])
def test_planted_radii_are_rejected(kind, which):
    bad = theorem_3_1.check(CTX, radii=planted(kind), datasets=30, search=30).failed()
    assert any(n.startswith(which) for n in bad), kind


def test_counterexamples_and_errata():
    out = theorem_3_1.check(CTX)
    assert not out.failed()
    counter = [e for e in out.evidence if e.kind == "counterexample"]
    assert len(counter) == 3 and all(e.passed for e in counter)
    assert any("centred" in e.correction for e in out.errata)


def test_non_binary_labels_are_refused():
    X = torch.randn(5, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="y must be 0 or 1"):
        theorem_3_1.sides(torch.ones(2, dtype=torch.float64), X, torch.full((5,), 0.5, dtype=torch.float64), 1.0, 1.0)


def test_derivation():
    assert not [n for n, ok, _ in derivation.derive().facts if not ok]
