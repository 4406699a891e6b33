"""figure-3: R grows after 100% training accuracy, decided over K draws; the check rejects a wrong R_i and loss."""

import numpy as np
import pytest
import sympy as sp
import torch
from conftest import failed, run_claim_cached
from matplotlib.figure import Figure
from mixverify.derivations import figure_3 as derivation
from scipy.stats import binom

from mixverify.claim import SEED_ROWS, Context, decide, run_claim
from mixverify.claims import figure_3
from mixverify.models import ReLUMLP, seeded
from mixverify.training import logistic_loss, train

CTX = Context(seed=0)
SHORT = 300  # steps for the planted-error runs
TENDENCIES = {f"{k}-{m}" for k in ("fit", "trend", "initial") for m in ("linear", "ANN")} | {"ri-much-larger", "ri-grow"}


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """The claim run twice, the first time training (the session's training cache starts empty; test_claims.py shares
    this first result), the second from the cache, and the opposite statement judged on the cached runs."""
    first = run_claim_cached(figure_3.CLAIM, CTX)
    second = run_claim(figure_3.CLAIM, CTX)
    opposite = figure_3.check(CTX, sign=-1)
    return first, second, opposite


def test_figure_3_is_decided_by_majorities_over_k_draws(cached):
    r = cached[0]
    assert r.claim.id == "figure-3" and r.claim.derivation == "derivations.figure_3"
    assert {"symbolic", "exact", "figure"} <= {e.kind for e in r.outcome.evidence}
    assert not failed(r.outcome) & {e.id for e in r.outcome.evidence if e.role == "implementation"}, failed(r.outcome)
    assert {e.id for e in r.outcome.decisive()} == TENDENCIES
    K = figure_3.DRAWS
    for e in r.outcome.decisive():
        assert e.reference == f"> {K // 2} of {K} draws"
        assert 0 <= e.value <= K and e.passed == (e.value > K // 2)
    # the plotted draw is context: one draw does not decide a tendency
    plotted = [e for e in r.outcome.evidence if e.id and e.id.endswith("-plotted")]
    assert {e.id for e in plotted} == {t + "-plotted" for t in TENDENCIES} and all(e.role == "context" for e in plotted)
    expected = "verified" if all(e.passed for e in r.outcome.decisive()) else "refuted"
    assert r.outcome.headline_status() == expected, (r.error, failed(r.outcome))
    assert r.status == decide(r.outcome.evidence, r.outcome.errata, r.outcome.sensitivity)
    assert r.claim.scope.setting == "paper" and f"K = {K} draws" in r.claim.scope.detail


def test_training_length_rows_are_decided_by_the_same_majorities(cached):
    r = cached[0]
    rows = {x.setting: x for x in r.outcome.sensitivity if x.choice == "training length"}
    assert set(rows) == {f"{figure_3.STEPS // 2} steps"}  # and 2 STEPS under --thorough (the next test)
    K = figure_3.DRAWS
    for x in rows.values():
        assert x.admissible and x.status in ("verified", "refuted")
        counts = [int(part.split()[-1].split("/")[0]) for part in x.detail.split(": ", 1)[1].split(", ")]
        assert len(counts) == len(TENDENCIES)
        assert x.status == ("verified" if all(c > K // 2 for c in counts) else "refuted")
        assert x.value == f"{sum(c > K // 2 for c in counts)}/{len(TENDENCIES)} tendencies hold"
    assert [x.setting for x in r.outcome.sensitivity if x.choice == "seed"] == [str(s) for s in range(1, SEED_ROWS + 1)]
    opposite = {x.setting: x.status for x in cached[2].sensitivity}
    assert set(opposite) == set(rows)


def test_the_headline_of_the_recorded_grid_is_a_run_of_its_length():
    """With the sensitivity table, one run is recorded at steps // 2 and steps (and 2 steps under --thorough): its
    headline evidence equals that of a run of ``steps`` alone (what the seed rows re-run)."""
    from dataclasses import asdict, replace

    for ctx, lengths in ((CTX, ["30 steps"]), (replace(CTX, thorough=True), ["30 steps", "120 steps"])):
        full = figure_3.check(ctx, steps=60, cache=False)
        alone = figure_3.check(replace(ctx, sensitivity=False), steps=60, cache=False)
        assert [asdict(e) for e in full.evidence] == [asdict(e) for e in alone.evidence]
        assert [x.setting for x in full.sensitivity] == lengths and alone.sensitivity == []


def test_k_is_the_smallest_odd_number_of_draws_with_at_most_2_percent_false_refutation():
    def fails(K, p=0.8):  # P(the tendency holds in at most half of K draws | it holds in one draw with probability p)
        return binom.cdf((K - 1) // 2, K, p)
    assert figure_3.DRAWS % 2 == 1 and fails(figure_3.DRAWS) <= 0.02 < fails(figure_3.DRAWS - 2)
    assert fails(figure_3.DRAWS) == pytest.approx(0.0196, abs=1e-4)
    assert figure_3.THOROUGH_DRAWS % 2 == 1 and fails(figure_3.THOROUGH_DRAWS) < fails(figure_3.DRAWS)


def test_the_opposite_statement_is_rejected_by_the_decisive_evidence(cached):
    right, out = cached[0].outcome, cached[2]
    for name in ("linear", "ANN"):
        for k in ("trend", "initial"):
            # every draw fits, so each draw accepts exactly one of "increases" and "decreases" and K is odd
            assert out.by_id(f"{k}-{name}").value == figure_3.DRAWS - right.by_id(f"{k}-{name}").value
            assert out.by_id(f"{k}-{name}").passed != right.by_id(f"{k}-{name}").passed
    assert not out.by_id("trend-ANN").passed and not out.by_id("trend-linear").passed
    assert decide(out.evidence, out.errata) == "refuted"


def test_a_tendency_holds_in_a_majority_of_draws_only():
    def draw(rho):
        return {"first": 30, "rho": rho, "R0": 0.01, "R_end": 0.05, "R_fit": 0.001, "med0": 0.2, "med_end": 0.3,
                "stays": True}
    K = figure_3.DRAWS
    for positive, holds in ((K // 2 + 1, True), (K // 2, False)):
        draws = [draw(0.5)] * positive + [draw(-0.5)] * (K - positive)
        trend = next(e for e in figure_3._decisive("ANN", draws, 5000) if e.id == "trend-ANN")
        assert trend.value == positive and trend.passed is holds
    unfitted = [draw(None) | {"first": None}] * K
    ev = {e.id: e for e in figure_3._decisive("linear", unfitted, 5000)}
    assert not ev["fit-linear"].passed and not ev["trend-linear"].passed


def test_trend_is_spearman_over_the_steps_after_100_percent():
    R = np.array([0.5, 0.0, 0.1, 0.2, 0.3])
    assert figure_3.trend(R, 1) == pytest.approx(1.0)
    assert figure_3.trend(R[1:][::-1], 0) == pytest.approx(-1.0)
    assert figure_3.trend(R, None) is None


def test_paper_numbers_are_reported_not_tested(cached):
    paper = [cached[0].outcome.by_id(i) for i in ("paper-r-initial", "paper-r-final", "paper-ri-high")]
    assert all(e.passed is None and e.role == "context" for e in paper)
    assert {e.reference for e in paper} == {2.27e-5, 6.11e-2, "several"}
    assert any("0.0611" in n for n in cached[0].outcome.notes)


def test_figures_are_the_four_panels(cached):
    figures = cached[0].outcome.figures
    assert sorted(figures) == ["a-linear-R-during-training", "b-ANN-R-during-training", "c-ANN-R_i-before-training",
                               "d-ANN-R_i-after-training"]
    assert all(isinstance(f, Figure) for f in figures.values())


def test_second_run_comes_from_the_cache_with_identical_evidence(cached):
    first, second, _ = cached
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


@pytest.mark.parametrize("widths", [(), (50, 50), (7,)])
def test_batched_draws_match_their_members(widths):
    torch.manual_seed(1)
    K, n = 3, 6
    X = torch.randn(K * n, 10, dtype=torch.float64)
    members = [seeded(ReLUMLP(10, widths), s) for s in range(K)]
    draws = figure_3.Draws(members).double()
    f, g = draws.outputs_and_gradients(X)
    for k, m in enumerate(members):
        Xk = X[k * n:(k + 1) * n]
        assert torch.allclose(f[k], m(Xk), rtol=1e-13, atol=1e-15)
        assert torch.allclose(figure_3.batched_cosines(Xk, g[k]), figure_3.input_cosines(m, Xk), rtol=0, atol=1e-13)
        assert torch.equal(draws.member(k)(Xk), m(Xk).detach())
    assert torch.equal(draws(X), f.reshape(-1))


def per_step_reference(widths, X, y, seed, steps):
    """train() of one ReLUMLP, recording the accuracy and R = min_i input_cosines after every step."""
    def record(step, model):
        with torch.no_grad():
            acc = float(((model(X) > 0).to(y.dtype) == y).double().mean())
        return acc, float(figure_3.input_cosines(model, X).detach().min())
    history = train(lambda: seeded(ReLUMLP(10, widths, bias=False), seed), X, y, lr=figure_3.LR,
                    momentum=figure_3.MOMENTUM, epochs=steps, seed=seed, callback=record).history
    return np.array(history).T


def test_recorded_accuracy_and_R_match_a_per_step_reference():
    """Every step's accuracy and R of two draws against train() of one ReLUMLP with input_cosines after each step."""
    steps = 40
    data = [figure_3._draw(CTX, s) for s in (figure_3.PLOTTED_STREAM, figure_3.FIRST_DRAW, figure_3.FIRST_DRAW + 1)]
    for j, name in enumerate(figure_3.WIDTHS):
        run = figure_3._at(figure_3._train_draws(CTX, j, name, data, "logistic", (steps,), False, steps), steps)
        assert run["R"].shape == run["acc"].shape == (3, steps + 1)
        for k in (0, 2):
            X, y, seeds = data[k]
            acc, R = per_step_reference(figure_3.WIDTHS[name], X, y, seeds[j], steps)
            assert np.array_equal(run["acc"][k], acc)
            assert np.allclose(run["R"][k], R, rtol=0, atol=1e-12)  # float64 round-off of two summation orders


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
    """Failed checks of |f(x_i)| = ||grad f(x_i)|| ||x_i|| R_i (one per model)."""
    return {i for i in failed(outcome) if i.startswith("identity-")}


def cosine_failures(outcome):
    """Failed checks of the recorded R_i against r_fn's (one per model)."""
    return {i for i in failed(outcome) if i.startswith("cosines-")}


def test_short_run_with_the_right_formulas_passes_the_implementation_checks():
    out = figure_3.check(CTX, steps=SHORT, cache=False)
    assert not identity_failures(out)
    assert not failed(out) & {e.id for e in out.evidence if e.kind == "exact"}


def test_rejects_cosine_with_first_layer_weights():
    out = figure_3.check(CTX, r_fn=first_layer_cosines, steps=SHORT)
    # For the linear model the first layer *is* theta = grad f, so only the network is caught.
    assert identity_failures(out) == {"identity-ANN"}
    assert cosine_failures(out) == {"cosines-ANN"}
    assert decide(out.evidence, out.errata) == "error"  # an implementation check failed: the numbers are not trusted


def test_rejects_cosine_without_absolute_value():
    out = figure_3.check(CTX, r_fn=signed_cosines, steps=SHORT)
    assert identity_failures(out) == {"identity-linear", "identity-ANN"}
    assert cosine_failures(out) == {"cosines-linear", "cosines-ANN"}
    assert decide(out.evidence, out.errata) == "error"


def test_rejects_training_by_gradient_ascent():
    out = figure_3.check(CTX, loss=lambda outputs, y: -logistic_loss(outputs, y), steps=SHORT)
    for name in ("linear", "ANN"):
        assert not out.by_id(f"fit-{name}").passed and not out.by_id(f"trend-{name}").passed
    # the ANN's weights diverge to NaN under gradient ascent, so its identity check cannot hold: error, not refuted
    assert decide(out.evidence, out.errata) == "error"


def test_planted_runs_do_not_touch_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path))
    figure_3.check(CTX, r_fn=signed_cosines, steps=20)
    figure_3.check(CTX, loss=lambda outputs, y: -logistic_loss(outputs, y), steps=20)
    assert list(tmp_path.iterdir()) == []
    figure_3.check(CTX, steps=20)
    assert len(list(tmp_path.iterdir())) == 2  # one file per model: all draws are trained as one module


def test_thorough_mode_decides_on_more_draws(monkeypatch, tmp_path):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path))
    monkeypatch.setattr(figure_3, "THOROUGH_DRAWS", 3)
    out = figure_3.check(Context(seed=0, thorough=True), steps=60)
    assert {e.id for e in out.decisive()} == TENDENCIES
    assert {e.reference for e in out.decisive()} == {"> 1 of 3 draws"}


# --- derivation ----------------------------------------------------------------------------------

def test_derivation_holds_and_rejects_a_signed_cosine():
    d = derivation.derive()
    assert len(d.facts) == 1 and d.facts[0][1] and d.latex.strip()
    assert not derivation.derive(cosine=lambda g, x, angle: sp.cos(angle)).facts[0][1]
    assert not derivation.derive(cosine=lambda g, x, angle: sp.Abs(sp.sin(angle))).facts[0][1]
