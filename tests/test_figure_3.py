"""figure-3: R grows after 100% training accuracy; the check rejects a wrong R_i and a wrong training loss."""

import pytest
import sympy as sp
import torch
from matplotlib.figure import Figure

from derivations import figure_3 as derivation
from mixverify.claim import Context, decide, run_claim
from mixverify.claims import figure_3
from mixverify.networks import ReLUMLP, seeded
from mixverify.training import logistic_loss

CTX = Context(seed=0)
SHORT = 300  # steps for the planted-error runs: both models fit the seed-0 data within 40 steps


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """The claim run twice with a fresh training cache: (first result, None, second result, None)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MIXVERIFY_CACHE", str(tmp_path_factory.mktemp("cache")))
        first = run_claim(figure_3.CLAIM, CTX)
        second = run_claim(figure_3.CLAIM, CTX)
    return first, None, second, None


def evidence(outcome, start):
    return [e for e in outcome.evidence if e.name.startswith(start)]


def test_figure_3_is_decided_by_its_criteria_for_both_models(cached):
    r = cached[0]
    assert r.claim.id == "figure-3" and r.claim.derivation == "derivations.figure_3"
    kinds = {e.kind for e in r.outcome.evidence}
    assert {"symbolic", "exact", "figure"} <= kinds
    assert all(e.passed for e in r.outcome.evidence if e.role == "implementation")
    ids = {e.id for e in r.outcome.decisive()}
    assert {f"{k}-{m}" for k in ("fit", "trend", "initial") for m in ("linear", "ANN")} | {"ri-much-larger"} == ids
    for name in ("linear", "ANN"):
        rho = r.outcome.by_id(f"trend-{name}")
        assert rho.passed == (rho.value > 0)
        init = r.outcome.by_id(f"initial-{name}")
        assert init.passed == (init.value < init.reference)
    # the status follows from the decisive evidence alone (seed 0: the ANN's R peaks soon after 100% and drifts down)
    expected = "verified" if all(e.passed for e in r.outcome.decisive()) else "refuted"
    assert r.status == expected, (r.error, r.outcome.failed())


def test_the_opposite_statement_is_rejected_by_the_decisive_evidence(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path))
    out = figure_3.check(CTX, sign=-1, steps=SHORT)
    right = figure_3.check(CTX, steps=SHORT)
    for name in ("linear", "ANN"):
        for k in ("trend", "initial"):
            # each criterion accepts exactly one of "increases" and "decreases" (no ties on these runs)
            assert out.by_id(f"{k}-{name}").passed != right.by_id(f"{k}-{name}").passed
    assert not out.by_id("initial-linear").passed and not out.by_id("trend-linear").passed
    assert decide(out.evidence, out.errata) == "refuted"


def test_trend_is_spearman_over_the_steps_after_100_percent():
    import numpy as np

    R = np.array([0.5, 0.0, 0.1, 0.2, 0.3])
    assert figure_3.trend(R, 1) == pytest.approx(1.0)
    assert figure_3.trend(R[1:][::-1], 0) == pytest.approx(-1.0)
    assert figure_3.trend(R, None) is None


def test_paper_numbers_are_reported_not_tested(cached):
    paper = [e for e in cached[0].outcome.evidence if "(paper:" in e.name]
    assert len(paper) == 3 and all(e.passed is None for e in paper)
    assert {e.reference for e in paper} == {2.27e-5, 6.11e-2, "several"}
    assert any("6.11e-2" in e.name or "0.0611" in n for e in paper for n in cached[0].outcome.notes)


def test_figures_are_the_four_panels(cached):
    figures = cached[0].outcome.figures
    assert sorted(figures) == ["a-linear-R-during-training", "b-ANN-R-during-training", "c-ANN-R_i-before-training",
                               "d-ANN-R_i-after-training"]
    assert all(isinstance(f, Figure) for f in figures.values())


def test_second_run_comes_from_the_cache_with_identical_evidence(cached):
    first, _, second, _ = cached
    assert second.status == first.status
    assert second.to_json() == first.to_json()


def test_input_cosines_match_per_point_autograd():
    torch.manual_seed(0)
    X = torch.randn(7, 10, dtype=torch.float64)
    model = seeded(ReLUMLP(10, (50, 50)), 3)
    got = figure_3.input_cosines(model, X).detach()
    for i in range(len(X)):
        x = X[i].clone().requires_grad_(True)
        g, = torch.autograd.grad(model(x.unsqueeze(0)).sum(), x)
        expected = abs(float(g @ X[i]) / float(g.norm() * X[i].norm()))
        assert float(got[i]) == pytest.approx(expected, rel=1e-12)
    linear = seeded(ReLUMLP(10, ()), 3)
    theta = linear[0].weight.detach()[0]
    assert torch.allclose(figure_3.input_cosines(linear, X),
                          (X @ theta).abs() / (X.norm(dim=1) * theta.norm()), rtol=1e-12, atol=0)


# --- planted errors ------------------------------------------------------------------------------

def first_layer_cosines(model, X):
    """Wrong: the cosine with the first row of the first layer's weights instead of the input gradient."""
    w = model[0].weight.detach()[0]
    return torch.nn.functional.cosine_similarity(X, w.expand_as(X), dim=1).abs()


def signed_cosines(model, X):
    """Wrong: cos(grad f(x_i), x_i) without the absolute value."""
    g = torch.func.grad(lambda Z: model(Z).sum())(X)
    return torch.nn.functional.cosine_similarity(g, X, dim=1)


def identity_failures(outcome):
    return [n for n in outcome.failed() if "|f(x_i)| = ||grad f(x_i)|| ||x_i|| R_i" in n]


def test_short_run_with_the_right_formulas_passes_the_implementation_checks():
    out = figure_3.check(CTX, steps=SHORT, cache=False)
    assert not identity_failures(out)
    assert all(e.passed for e in out.evidence if e.kind == "exact")


def test_rejects_cosine_with_first_layer_weights():
    out = figure_3.check(CTX, r_fn=first_layer_cosines, steps=SHORT)
    # For the linear model the first layer *is* theta = grad f, so only the network is caught.
    assert identity_failures(out) == [
        "ANN: |f(x_i)| = ||grad f(x_i)|| ||x_i|| R_i at the trained weights (max relative residual)"]
    assert decide(out.evidence, out.errata) == "error"  # an implementation check failed: the numbers are not trusted


def test_rejects_cosine_without_absolute_value():
    out = figure_3.check(CTX, r_fn=signed_cosines, steps=SHORT)
    assert len(identity_failures(out)) == 2
    assert decide(out.evidence, out.errata) == "error"


def test_rejects_training_by_gradient_ascent():
    out = figure_3.check(CTX, loss=lambda outputs, y: -logistic_loss(outputs, y), steps=SHORT)
    bad = out.failed()
    for name in ("linear", "ANN"):
        assert f"{name}: training accuracy reaches 100%" in bad
        assert not out.by_id(f"fit-{name}").passed and not out.by_id(f"trend-{name}").passed
    # the ANN's weights diverge to NaN under gradient ascent, so its identity check cannot hold: error, not refuted
    assert decide(out.evidence, out.errata) == "error"


def test_planted_runs_do_not_touch_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path))
    figure_3.check(CTX, r_fn=signed_cosines, steps=20)
    figure_3.check(CTX, loss=lambda outputs, y: -logistic_loss(outputs, y), steps=20)
    assert list(tmp_path.iterdir()) == []
    figure_3.check(CTX, steps=20)
    assert len(list(tmp_path.iterdir())) == 2


def test_thorough_mode_tests_the_tendencies_over_draws(monkeypatch, tmp_path):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path))
    monkeypatch.setattr(figure_3, "DRAWS", 2)
    out = figure_3.check(Context(seed=0, thorough=True), steps=60)
    ids = {e.id for e in out.decisive() if "draws" in e.id}
    assert ids == {"trend-draws-linear", "trend-draws-ANN", "initial-draws-linear", "initial-draws-ANN", "ri-grow-draws"}


# --- derivation ----------------------------------------------------------------------------------

def test_derivation_holds_and_rejects_a_signed_cosine():
    d = derivation.derive()
    assert len(d.facts) == 1 and d.facts[0][1] and d.latex.strip()
    assert not derivation.derive(cosine=lambda g, x, angle: sp.cos(angle)).facts[0][1]
    assert not derivation.derive(cosine=lambda g, x, angle: sp.Abs(sp.sin(angle))).facts[0][1]
