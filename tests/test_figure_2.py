"""figure-2: "quite close" by a criterion fixed before the numbers, for both models; what it can and cannot reject."""

import pytest
from conftest import failed, run_claim_cached
from mixverify.derivations import figure_2 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import figure_2
from mixverify.losses import standard_loss

CTX = Context(seed=0)
DECISIVE = ("close-logistic-train", "close-logistic-test", "close-relu-train", "close-relu-test")


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(figure_2.CLAIM, CTX)


def test_decided_for_both_models_and_uninformative(result):
    out = result.outcome
    assert all(out.by_id(i).role == "decisive" for i in DECISIVE)
    assert all(out.by_id(i).passed for i in DECISIVE), [(i, out.by_id(i).value, out.by_id(i).reference) for i in DECISIVE]
    # the planted wrong statement 'Eq. (3) without R2', trained and judged by the same criterion on logistic
    # regression, is accepted too (power-drop-r2 fails): the check has no power there, hence uninformative
    assert out.by_id("power-drop-r2").passed is False
    assert result.status == "uninformative", (result.error, failed(result.outcome))
    assert not failed(out) & {e.id for e in out.evidence if e.role == "implementation"}
    assert "mixup-vs-approximate" in out.figures


def test_the_trivial_approximation_is_refuted():
    # a wrong statement the criterion must reject: "Mixup's loss is approximated by L_std" (no regularizer)
    def no_regularizer(f, X, y, alpha, beta):
        return standard_loss(f, X, y)

    out = figure_2.check(CTX, approx_loss=no_regularizer, models=("logistic regression",))
    assert out.by_id("close-logistic-train").passed is False and out.by_id("close-logistic-test").passed is False
    assert all(e.passed for e in out.evidence if e.role == "implementation")
    assert decide(out.evidence, out.errata) == "refuted"


def test_derivation():
    d = derivation.derive()
    assert d.facts and all(ok for _, ok, *_ in d.facts)
    assert [n for n, ok, *_ in derivation.derive(second_moment=1 / 3).facts if not ok]
