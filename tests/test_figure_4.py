"""figure-4 (Appendix C.2): Eq. (5)/(6) against the adversarial loss, both models trained as in Figure 2, by the
criterion and the majority rule over training seeds of the claim's docstring; the sensitivity rows (training length,
objective, ERM as a finding); planted wrong statements are rejected by the decisive evidence."""

import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import figure_4 as derivation

from mixverify.adversarial import taylor_adversarial_loss, taylor_adversarial_parts
from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import figure_2, figure_4
from mixverify.losses import eq2_loss, standard_loss
from mixverify.models import linear_model, seeded

HEADLINE = Context(seed=0, sensitivity=False)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(figure_4.CLAIM, Context(seed=0))


def test_both_models_are_decided_on_mixup_trained_models(result):
    out = result.outcome
    assert {e.id for e in out.decisive()} == {"close-logistic", "close-relu"}
    assert all(e.tightness and "trivial_bound" in e.tightness and "instance" in e.tightness for e in out.decisive())
    assert not failed(out) & {e.id for e in out.evidence if e.role == "implementation"}
    assert {e.id for e in out.evidence if e.role == "power"} == {"power-missing-half-logistic", "power-missing-half-relu"}
    pgd_only, best, finer = out.by_id("attack-relu").value  # the grid search has converged where PGD alone had not
    assert pgd_only <= best <= finer and finer - best < 0.1 * (best - pgd_only)
    assert out.scope.setting == "paper" and "Mixup-trained (Eq. 1)" in out.scope.short()
    assert "taylor-vs-true" in out.figures


def test_verdict_follows_the_majority_rule(result):
    # K = 5 seeds (odd): the criterion holds in a majority of them iff the median per-seed error is below 1/2
    for e in result.outcome.decisive():
        assert e.passed == (e.value < figure_4.CLOSER), (e.id, e.value)
    for e in result.outcome.evidence:
        if e.role == "power":
            assert e.passed == (e.value >= figure_4.CLOSER), (e.id, e.value)


def test_the_sensitivity_rows(result):
    rows = {(r.choice, r.setting): r for r in result.outcome.sensitivity}
    assert ("training length", "1000 steps, the Mixup loss (Eq. 1)") in rows
    assert ("training objective", "200 steps, the approximate Mixup loss (Eq. 3)") in rows
    assert not rows[("training objective", "200 steps, ERM (the standard loss)")].admissible  # a finding: the
    # paper's set-up does not train ERM
    assert {r.setting for r in result.outcome.sensitivity if r.choice == "seed"} == {str(s) for s in range(1, SEED_ROWS + 1)}
    assert all(r.admissible for r in rows.values() if "ERM" not in r.setting)
    # the status is the verdict rule over the headline design and the admissible rows; ERM rows do not take part
    out = result.outcome
    assert result.status == decide(out.evidence, out.errata, out.sensitivity)
    admissible = [r for r in out.sensitivity if r.admissible]
    assert decide(out.evidence, out.errata, admissible) == result.status


def test_a_design_dependent_status_names_the_row_that_flips_it(result):
    out = result.outcome
    headline = decide(out.evidence, out.errata)
    flips = [r for r in out.sensitivity if r.admissible and r.status != headline]
    assert (result.status == "design-dependent") == bool(flips)
    if flips:
        assert any(r.setting in note for r in flips for note in out.notes)


def test_the_headline_design_alone_is_what_the_seed_rows_rerun():
    out = figure_4.check(HEADLINE)
    assert out.sensitivity == []
    assert {e.id for e in out.decisive()} == {"close-logistic", "close-relu"}


def test_increment_error():
    assert figure_4.increment_error(2.0, 2.0, 1.0) == 0.0
    assert figure_4.increment_error(2.0, 1.0, 1.0) == 1.0  # the clean loss itself: the trivial approximation
    assert figure_4.increment_error(2.0, 1.5, 1.0) == 0.5


def per_seed(errors):
    """Synthetic measurements: one seed per relative error (L_adv = 2, L_std = 1), both models alike."""
    runs = []
    for k, e in enumerate(errors):
        m = {"adv": 2.0, "apx": 2.0 - e, "clean": 1.0, "nohalf": 2.0 - e, "what": "synthetic"}
        runs.append({"seed": k, "logistic regression": m, "two-layer ReLU net": m})
    return runs


@pytest.mark.parametrize(("errors", "passes"), [
    ((0.1, 0.2, 0.3, 0.6, 0.7), True),  # 3 of 5 seeds below 1/2
    ((0.1, 0.2, 0.6, 0.7, 0.8), False),  # 2 of 5
    ((0.1, 0.1, 0.1, 0.1, 0.9), True),  # one failed training run does not decide
])
def test_majority_rule(errors, passes):
    evidence = {e.id: e for e in figure_4.judged(per_seed(errors))}
    assert evidence["close-relu"].passed is passes and evidence["close-logistic"].passed is passes
    assert evidence["power-missing-half-relu"].passed is not passes  # the same rule, rejection wanted


def flipped_first_order(f, X, y, eta):
    """Planted wrong statement: Eq. (5)/(6) with the sign of the first-order term flipped."""
    p = taylor_adversarial_parts(f, X, y, norm=2)
    return (p["loss"] - eta * p["first"] + eta**2 * p["second"]).mean()


def clean_loss(f, X, y, eta):
    """Planted wrong statement: the adversarial loss is approximated by the clean loss (no attack term)."""
    return standard_loss(f, X, y)


@pytest.mark.parametrize("statement", [flipped_first_order, clean_loss])
def test_a_wrong_statement_is_rejected_by_the_decisive_evidence(statement):
    out = figure_4.check(HEADLINE, statement=statement)
    assert out.by_id("close-logistic").passed is False and out.by_id("close-relu").passed is False
    assert not failed(out) & {e.id for e in out.evidence if e.role == "implementation"}
    assert decide(out.evidence, out.errata) == "refuted"


def test_missing_half_breaks_the_remainder_bound():
    out = figure_4.check(HEADLINE, taylor=figure_4.without_half)
    assert out.by_id("lagrange-logistic").passed is False


def test_without_half_doubles_the_second_order_term():
    X = torch.tensor([[0.3, -0.2], [1.0, 0.5]], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64)
    f = linear_model(torch.tensor([1.0, -2.0], dtype=torch.float64))
    t1, t0 = taylor_adversarial_loss(f, X, y, 0.3, norm=2), taylor_adversarial_loss(f, X, y, 0.0, norm=2)
    half = taylor_adversarial_loss(f, X, y, 0.15, norm=2)
    second = 2 * (t1 - 2 * half + t0)  # eta^2 * second-order coefficient, recovered from three values
    assert float(figure_4.without_half(f, X, y, 0.3)) == pytest.approx(float(t1 + second), rel=1e-12)


def test_the_disk_search_is_a_lower_bound_within_its_covering_radius():
    # an affine model has the closed-form maximum; the loss is |w|-Lipschitz in x and every point of the disk is within
    # spacing / sqrt(2) of a grid point
    (X, y), _ = figure_2.data(0)
    model = seeded(figure_2.MODELS["logistic regression"](), 0)
    with torch.no_grad():
        model[0].weight.mul_(8)  # steep, so that the grid's error is visible
    w = model[0].weight.detach()[0]
    with torch.no_grad():
        u, t = model(X).reshape(-1), figure_4.RADIUS * w.norm()
    exact = torch.maximum(eq2_loss(u + t, y), eq2_loss(u - t, y))
    for spacing in (0.1, 0.02):
        found = figure_4.disk_search(model, X, y, spacing)
        assert (found <= exact + 1e-12).all()
        assert (exact - found <= w.norm() * spacing / 2**0.5).all()


def test_models_are_figure_2s():
    # the set-up of Figure 2, by its own code: same data, models, training function and lengths
    assert figure_4.train_copy is figure_2.train_copy and figure_4.data is figure_2.data
    assert figure_4.MODELS is figure_2.MODELS and (figure_4.LENGTH, figure_4.LONGER) == figure_2.LENGTHS


def test_derivation():
    assert not failed(derivation.derive())
