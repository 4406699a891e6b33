"""figure-4 (Appendix C.2): Eq. (5)/(6) against the adversarial loss, both models, by the criterion of the
claim's docstring; planted wrong statements are rejected by the decisive evidence."""

import pytest
from conftest import failed
from mixverify.derivations import figure_4 as derivation

from mixverify.adversarial import taylor_adversarial_loss, taylor_adversarial_parts
from mixverify.claim import Context, decide
from mixverify.claims import figure_4


@pytest.fixture(scope="module")
def outcome():
    return figure_4.check(Context(seed=0))  # trained weights go to the session's private cache (conftest)


def test_both_models_are_decided(outcome):
    assert {e.id for e in outcome.decisive()} == {"close-logistic", "close-relu"}
    assert all(e.tightness and "trivial_bound" in e.tightness for e in outcome.decisive())
    assert not failed(outcome) & {e.id for e in outcome.evidence if e.role == "implementation"}
    assert outcome.scope.setting == "paper"


def test_verdict_follows_the_criterion(outcome):
    # the criterion: relative error on the increment L_adv - L_std below 1/2, for every model the paper names
    for id_ in ("close-logistic", "close-relu"):
        e = outcome.by_id(id_)
        assert e.passed == (e.value < figure_4.CLOSER)
    expected = "refuted" if not all(e.passed for e in outcome.decisive()) else None
    if expected:
        assert decide(outcome.evidence, outcome.errata) == expected


def test_increment_error():
    assert figure_4.increment_error(2.0, 2.0, 1.0) == 0.0
    assert figure_4.increment_error(2.0, 1.0, 1.0) == 1.0  # the clean loss itself: the trivial approximation
    assert figure_4.increment_error(2.0, 1.5, 1.0) == 0.5


def flipped_first_order(f, X, y, eps):
    """Planted wrong statement: Eq. (5)/(6) with the sign of the first-order term flipped."""
    p = taylor_adversarial_parts(f, X, y)
    eta = eps * X.shape[1] ** 0.5
    return (p["loss"] - eta * p["first"] + eta**2 * p["second"]).mean()


def test_a_flipped_first_order_term_is_rejected_by_the_decisive_evidence():
    out = figure_4.check(Context(seed=0), statement=flipped_first_order)
    assert out.by_id("close-logistic").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_missing_half_breaks_the_remainder_bound():
    out = figure_4.check(Context(seed=0), taylor=figure_4.without_half)
    assert out.by_id("lagrange-logistic").passed is False


def test_without_half_doubles_the_second_order_term():
    import torch

    X = torch.tensor([[0.3, -0.2], [1.0, 0.5]], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64)
    from mixverify.models import linear_model

    f = linear_model(torch.tensor([1.0, -2.0], dtype=torch.float64))
    t1, t0 = taylor_adversarial_loss(f, X, y, 0.3), taylor_adversarial_loss(f, X, y, 0.0)
    half = taylor_adversarial_loss(f, X, y, 0.15)
    second = 2 * (t1 - 2 * half + t0)  # eta^2 * second-order coefficient, recovered from three values
    assert float(figure_4.without_half(f, X, y, 0.3)) == pytest.approx(float(t1 + second), rel=1e-12)


def test_derivation():
    assert not [n for n, ok, _ in derivation.derive().facts if not ok]
