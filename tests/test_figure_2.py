"""figure-2: the curves are computed right, the gap is reported, a wrong approximate loss is rejected."""

import pytest

from derivations import figure_2 as derivation
from mixverify.claim import Context, run_claim
from mixverify.claims import figure_2
from mixverify.losses import standard_loss
from mixverify.regularizers import mixup_regularizers

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def result():
    return run_claim(figure_2.CLAIM, CTX)


def test_holds(result):
    assert result.status == "verified", (result.error, result.outcome.failed())
    assert "mixup-vs-approximate" in result.outcome.figures
    gaps = [e for e in result.outcome.evidence if "gap between the curves" in e.name]
    assert len(gaps) == 4 and all(e.passed is None for e in gaps)


def test_derivation():
    d = derivation.derive()
    assert d.facts and all(ok for _, ok, _ in d.facts)
    assert [n for n, ok, _ in derivation.derive(second_moment=1 / 3).facts if not ok]


def test_rejects_r2_without_its_half():
    def doubled_r2(f, X, y, alpha, beta):
        r1, r2, r3 = mixup_regularizers(f, X, y, alpha, beta)
        return standard_loss(f, X, y) + r1 + 2 * r2 + r3

    bad = figure_2.check(CTX, approx_loss=doubled_r2).failed()
    assert bad and all("approximate loss = L_std + R1 + R2 + R3" in n for n in bad)
