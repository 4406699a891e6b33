"""eq-4: Eq. (4) holds in general and on every trained iterate; the remark, read for Mixup-trained theta, is decided by
the binomial criterion on the headline and on every row; wrong statements (the opposite inclusion, a sign typo in Theta,
a swapped label rule) are rejected by the decisive evidence."""

import numpy as np
import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import eq_4 as derivation

from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import eq_4
from mixverify.claims.figure_3 import Draws
from mixverify.losses import approx_mixup_loss
from mixverify.models import ReLUMLP

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)  # shares the training cache of CTX's run: only the judging is redone

SIGN_TYPO = eq_4.Statement(in_theta=lambda y, f: y * f + (1 - y) * f >= 0)  # 1 - y_i for y_i - 1: Theta = {f >= 0}
OPPOSITE = eq_4.Statement(contains=False)  # Theta within the zero-error set
SWAPPED = eq_4.Statement(predict=lambda f: f <= 0)  # the label rule 1{f <= 0}


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(eq_4.CLAIM, CTX)


def test_refuted_by_logistic_regression_with_eq4_verified(result):
    # the headline reading (Mixup-trained theta) is refuted; the remark read alone (Eq. (4) restated) is true
    assert result.status == "design-dependent", (result.error, failed(result.outcome))
    out = result.outcome
    assert out.headline_status() == "refuted"
    reading = out.sensitivity[0]
    assert (reading.choice, reading.status, reading.admissible) == ("reading", "verified", True)
    assert result.scope.setting == "instances"
    assert [out.by_id(i).role for i in (
        "sympy-label-1-the-zero-error",
        "sympy-label-0-the-zero-error",
        "sympy-the-other-tie-rule-1",
    )] == ["decisive"] * 3
    assert all(out.by_id(i).passed for i in (
        "sympy-label-1-the-zero-error",
        "sympy-label-0-the-zero-error",
        "sympy-the-other-tie-rule-1",
        "sympy-the-inclusion-is-strict-only",
        "sympy-the-condition-of-theta-is",
    ))
    assert out.by_id("eq4-instances").passed and out.by_id("eq4-instances").role == "decisive"
    assert out.by_id("remark-linear").passed is False and out.by_id("remark-ANN").passed
    assert [(x.kind, x.evidence) for x in out.errata] == [("conclusion", "remark-linear")]
    assert result.status == decide(out.evidence, out.errata, out.sensitivity)


def test_implementation_checks_pass(result):
    for id_ in ("impl-fit", "impl-membership", "impl-converged", "impl-eq3"):
        assert result.outcome.by_id(id_).passed, result.outcome.by_id(id_)


def test_sensitivity_rows_cover_length_objective_alpha_and_erm(result):
    rows = result.outcome.sensitivity
    assert [r.choice for r in rows] == ["reading", "training length", "training length", "objective", "alpha, beta",
                                        "training objective"] + ["seed"] * SEED_ROWS
    assert [r.admissible for r in rows] == [True] * 5 + [False] + [True] * SEED_ROWS
    assert "minimiser of Eq. (1)" in rows[2].setting and "ERM" in rows[5].setting
    assert all(r.status in ("refuted", "verified", "uninformative") for r in rows)


@pytest.mark.parametrize("model", tuple(eq_4.WIDTHS))
def test_decisive_and_power_follow_the_binomial_criterion(result, model):
    dec, pw = result.outcome.by_id(f"remark-{model}"), result.outcome.by_id(f"remark-{model}-power")
    K = eq_4.DRAWS[model]
    b = eq_4.binomial(dec.value, K)
    assert dec.passed == (b["low"] > eq_4.LEVEL) and pw.passed == (b["high"] <= eq_4.LEVEL)
    assert not (pw.passed and not dec.passed)
    assert eq_4.binomial(5, 24)["contradicted"] and not eq_4.binomial(6, 24)["contradicted"]  # the docstring's k <= 5
    assert eq_4.binomial(11, 12)["opposite_rejected"] and not eq_4.binomial(10, 12)["opposite_rejected"]


def test_the_printed_derivation_holds_and_is_strict_at_zero():
    d = derivation.derive()
    assert failed(d) == []
    sets = derivation.label_sets()
    assert sets[0][0].contains(0) and not sets[0][1].contains(0)  # f = 0 on a label-0 point: in Theta, an error


@pytest.mark.parametrize("statement,kwargs,fact", [
    (OPPOSITE, {"contains": False}, 1),  # label 0: (-oo, 0] is not within (-oo, 0)
    (SIGN_TYPO, {"in_theta_": SIGN_TYPO.in_theta}, 1),  # label 0: (-oo, 0) is not within [0, oo)
    (SWAPPED, {"predict_": SWAPPED.predict}, 0),  # label 1: (-oo, 0] is not within [0, oo)
])
def test_a_wrong_statement_is_refuted_by_the_decisive_evidence(statement, kwargs, fact):
    d = derivation.derive(**kwargs)
    assert d.facts[fact][1] is False and d.facts[fact][3] == "decisive"
    out = eq_4.check(HEADLINE, statement)
    assert all(e.passed for e in out.evidence if e.role == "implementation")  # the code is not what is wrong
    assert decide(d.evidence() + out.evidence, out.errata) == "refuted"
    if statement is not SWAPPED:  # no iterate is perfectly anti-classified, so the swapped rule has no zero-error iterate
        assert out.by_id("eq4-instances").passed is False
    if statement is SIGN_TYPO:  # Theta = {f >= 0 everywhere}: no trained net is in it
        assert out.by_id("remark-ANN").passed is False


def test_membership_from_extremes_equals_the_points():
    rng = np.random.default_rng(3)
    y = (rng.random((50, 7)) < 0.5).astype(float)
    y[:, :2] = [1.0, 0.0]  # both labels in every row
    f = rng.normal(size=(50, 7)) + 2.0 * (2 * y - 1) * (rng.random((50, 1)) < 0.5)
    f[:5, 2] = 0.0  # ties on the boundary
    ones = y == 1
    ext = np.stack([np.where(ones, f, np.inf).min(1), np.where(ones, f, -np.inf).max(1),
                    np.where(~ones, f, np.inf).min(1), np.where(~ones, f, -np.inf).max(1)], 1)[..., None]
    for statement in (eq_4.PRINTED, SIGN_TYPO, SWAPPED):
        points = statement.in_theta(y, f).all(1)
        assert (eq_4.membership(statement, ext)[:, 0] == points).all()
        correct = derivation.correct(statement.predict, 1, f) & ones | derivation.correct(statement.predict, 0, f) & ~ones
        assert (eq_4.zero_error(statement, ext)[:, 0] == correct.all(1)).all()


def test_batched_eq3_equals_the_library_at_random_weights():
    rng = np.random.default_rng(5)
    X = torch.as_tensor(rng.normal(size=(3 * 20, 10)))
    y = torch.as_tensor((rng.random(3 * 20) < 0.5).astype(float))
    for widths in ((), (7, 5)):
        nets = [ReLUMLP(10, widths).double() for _ in range(3)]
        draws = Draws(nets)
        ours = eq_4.approx_mixup_draws(draws, X, y, 2.0, 0.5).detach()
        for k in range(3):
            rows = slice(20 * k, 20 * (k + 1))
            lib = float(approx_mixup_loss(draws.member(k).requires_grad_(False), X[rows], y[rows], 2.0, 0.5))
            assert float(ours[k]) == pytest.approx(lib, rel=1e-12)  # |f| < 20 here: torch's softplus is exact
