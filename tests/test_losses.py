"""Eq. (1), Eq. (9) and Eq. (3) against independent references, and their input validation."""

import copy

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

import mixverify.losses as losses
from mixverify import (
    Beta,
    MonteCarloEstimate,
    approx_mixup_loss,
    glm_loss,
    mixup_loss,
    mixup_loss_mc,
    mixup_regularizers,
    perturbation_loss,
    softplus,
    standard_loss,
    tilde_lambda_law,
)
from mixverify.models import linear_model, random_two_layer
from mixverify.reference import mixup_loss_loops, mixup_regularizers_loops


@pytest.mark.parametrize("name", ["linear", "tanh"])
@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (0.3, 0.3), (5.0, 0.5)])
def test_exact_mixup_loss_matches_loops_reference(models, data, name, alpha, beta):
    X, y, _ = data
    X, y = X[:5], y[:5]
    f = models[name]
    # QUADPACK reference accurate to ~1e-12; 64 Gauss-Jacobi nodes converge geometrically for analytic f
    assert float(mixup_loss(f, X, y, alpha, beta, nodes=64)) == pytest.approx(
        mixup_loss_loops(f, X, y, alpha, beta, softplus), rel=1e-10)


def test_eq9_with_tilde_law_equals_eq1(models, data):
    X, y, _ = data
    for f in models.values():
        a = float(mixup_loss(f, X, y, 5.0, 0.5, nodes=64))
        b = float(perturbation_loss(f, X, y, tilde_lambda_law(5.0, 0.5), nodes=64))
        assert a == pytest.approx(b, rel=1e-12)


def test_monte_carlo_within_four_standard_errors(models, data):
    X, y, _ = data
    f = models["tanh"]
    exact = float(mixup_loss(f, X, y, 1.0, 1.0))
    est = mixup_loss_mc(f, X, y, 1.0, 1.0, samples=50_000, generator=np.random.default_rng(5))
    assert abs(est.mean - exact) <= 4 * est.stderr
    assert est.samples == 50_000


def test_mc_method_returns_mean_of_same_draws(models, data):
    X, y, _ = data
    f = models["linear"]
    a = mixup_loss(f, X, y, 1.0, 1.0, method="mc", samples=1000, generator=np.random.default_rng(2))
    b = mixup_loss_mc(f, X, y, 1.0, 1.0, samples=1000, generator=np.random.default_rng(2))
    assert float(a) == pytest.approx(b.mean, rel=1e-14)


def test_chunking_does_not_change_the_value(models, data, monkeypatch):
    X, y, _ = data
    f = models["tanh"]
    whole = float(mixup_loss(f, X, y, 0.5, 2.0))
    monkeypatch.setattr(losses, "CHUNK_ELEMENTS", 1)
    assert float(mixup_loss(f, X, y, 0.5, 2.0)) == pytest.approx(whole, rel=1e-13)


def test_exact_loss_is_differentiable_in_parameters(data):
    X, y, theta = data
    theta = theta.clone().requires_grad_(True)
    loss = mixup_loss(lambda Z: Z @ theta, X, y, 1.0, 1.0)
    (g,) = torch.autograd.grad(loss, theta)
    # central finite difference, step 1e-6: truncation O(1e-12), round-off O(1e-10)
    e = torch.zeros_like(theta)
    e[0] = 1e-6
    with torch.no_grad():
        fd = (mixup_loss(lambda Z: Z @ (theta + e), X, y, 1.0, 1.0)
              - mixup_loss(lambda Z: Z @ (theta - e), X, y, 1.0, 1.0)) / 2e-6
    assert float(g[0]) == pytest.approx(float(fd), rel=1e-6)


@given(st.permutations(list(range(8))))
@settings(max_examples=15, deadline=None)
def test_exact_loss_is_invariant_to_permuting_the_data(perm):
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(8, 3)))
    y = torch.as_tensor((rng.uniform(size=8) > 0.5).astype(float))
    theta = torch.as_tensor(rng.normal(size=3))
    f = lambda Z: Z @ theta  # noqa: E731
    p = torch.as_tensor(perm)
    assert float(mixup_loss(f, X[p], y[p], 0.7, 1.3)) == pytest.approx(float(mixup_loss(f, X, y, 0.7, 1.3)), rel=1e-13)


def test_approx_loss_is_standard_plus_regularizers(models, data):
    X, y, _ = data
    f = models["tanh"]
    total = standard_loss(f, X, y) + sum(mixup_regularizers(f, X, y, 1.0, 1.0))
    assert float(approx_mixup_loss(f, X, y, 1.0, 1.0)) == pytest.approx(float(total), rel=1e-15)


def test_numpy_inputs_are_accepted(data):
    X, y, theta = data
    f = lambda Z: Z @ theta  # noqa: E731
    assert float(mixup_loss(f, X.numpy(), y.numpy(), 1.0, 1.0)) == pytest.approx(float(mixup_loss(f, X, y, 1.0, 1.0)))


def test_soft_labels_and_custom_h(data):
    X, _, theta = data
    y = torch.linspace(-2, 3, X.shape[0], dtype=X.dtype)  # regression labels are fine with a custom h
    value = mixup_loss(lambda Z: Z @ theta, X, y, 1.0, 1.0, h=lambda u: u**2 / 2)
    assert torch.isfinite(value)


def _bad_inputs(X, y, f):
    nan_X = X.clone()
    nan_X[0, 0] = float("nan")
    return [
        (dict(alpha=0.0), "alpha"),
        (dict(alpha=-1.0), "alpha"),
        (dict(beta=float("nan")), "beta"),
        (dict(X=nan_X), "X must be finite"),
        (dict(X=X[:, 0]), "X must have 2 dimension"),
        (dict(y=y[:-1]), "one label per row"),
        (dict(y=y + 2), "y must lie in \\[0, 1\\]"),
        (dict(y=torch.full_like(y, float("inf"))), "y must be finite"),
        (dict(X=X[:0], y=y[:0]), "X must not be empty"),
        (dict(f=lambda Z: Z[:, None]), "f must map"),
        (dict(f=lambda Z: Z), "y must hold integer class labels"),  # (n, d) scores: a d-class model, float labels
        (dict(f="not callable"), "f must be a callable"),
        (dict(method="bogus"), "method must be one of"),
        (dict(X="abc"), "X must be a torch.Tensor or numpy array"),
    ]


@pytest.mark.parametrize("k", range(13))
def test_bad_input_gives_one_line_error_naming_the_argument(data, k):
    X, y, theta = data
    f = lambda Z: Z @ theta  # noqa: E731
    overrides, pattern = _bad_inputs(X, y, f)[k]
    args = dict(f=f, X=X, y=y, alpha=1.0, beta=1.0)
    method = overrides.pop("method", "exact")
    args.update(overrides)
    with pytest.raises(ValueError, match=pattern) as info:
        mixup_loss(args["f"], args["X"], args["y"], args["alpha"], args["beta"], method=method)
    assert "\n" not in str(info.value)


def test_regularizers_validate_inputs(data):
    X, y, theta = data
    with pytest.raises(ValueError, match="alpha"):
        mixup_regularizers(lambda Z: Z @ theta, X, y, -1.0, 1.0)
    with pytest.raises(ValueError, match="y must lie"):
        mixup_regularizers(lambda Z: Z @ theta, X, y - 3, 1.0, 1.0)


# --- Mutant-killing tests (the surviving mutants are explained in tests/MUTANTS.md) ---
#
# Tests that kill mutants of mixverify/losses.py that the unit tests let survive (tests/MUTANTS.md).
#
# A custom h (the squared loss h(u) = u^2/2 of a regression GLM, and h = |u|) is checked against hand
# formulas and the loops references; float32 inputs, the chunk bound, the Monte Carlo standard error and
# the documented defaults are checked as behaviour.


def half_square(u):
    return u**2 / 2


def regression_data(seed=0, n=6, d=3):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(rng.normal(size=(n, d)))
    y = torch.as_tensor(rng.normal(size=n) * 2)  # real labels, outside [0, 1]: fine for h = u^2/2
    return X, y, linear_model(torch.as_tensor(rng.normal(size=d)))


def test_glm_and_standard_loss_with_a_custom_h_are_eq2():
    X, y, f = regression_data()
    u = X @ f.theta
    expected = u**2 / 2 - y * u  # Eq. (2) with h(u) = u^2/2, by hand
    assert torch.allclose(glm_loss(f, X, y, h=half_square), expected, rtol=1e-15, atol=0)
    assert float(standard_loss(f, X, y, h=half_square)) == pytest.approx(float(expected.mean()), rel=1e-15)


def test_mixup_loss_with_a_custom_h_matches_loops():
    X, y, f = regression_data()
    # QUADPACK reference to ~1e-12; the integrand is a polynomial of degree 2 in lambda: Gauss--Jacobi is exact
    ref = mixup_loss_loops(f, X, y, 0.7, 1.9, half_square)
    assert float(mixup_loss(f, X, y, 0.7, 1.9, h=half_square)) == pytest.approx(ref, rel=1e-10)


def _eq9_loops(f, X, y, h):
    """Eq. (9) with the uniform law Beta(1, 1): a double loop over pairs and QUADPACK over lambda; labels unmixed."""
    n = X.shape[0]
    total = 0.0
    for i in range(n):
        for j in range(n):
            def loss(lam, i=i, j=j):
                out = f((lam * X[i] + (1 - lam) * X[j]).unsqueeze(0))[0]
                return float(h(out) - y[i] * out)
            total += integrate.quad(loss, 0.0, 1.0, epsabs=1e-13, epsrel=1e-12)[0]
    return total / n**2


@pytest.mark.parametrize("h", [losses.softplus, half_square])
def test_perturbation_loss_with_a_law_other_than_tilde_does_not_mix_labels(h):
    # For the tilde law, mixing the labels happens to leave Eq. (9) unchanged (swap i, j and lambda -> 1 - lambda);
    # for Beta(1, 1) it does not, so this separates Eq. (9) from a label-mixing variant.
    rng = np.random.default_rng(3)
    X = torch.as_tensor(rng.normal(size=(5, 2)))
    y = torch.as_tensor(rng.uniform(size=5))
    f = random_two_layer(2, 4, rng)
    ref = _eq9_loops(f, X, y, h)
    assert float(perturbation_loss(f, X, y, Beta(1.0, 1.0), h=h, nodes=48)) == pytest.approx(ref, rel=1e-10)


def test_approx_mixup_loss_with_a_custom_h_matches_loops():
    X, y, _ = regression_data(n=5)
    f = random_two_layer(3, 4, np.random.default_rng(1))
    law = tilde_lambda_law(1.5, 0.5)
    r = mixup_regularizers_loops(f, X, y, law.moment_one_minus(1), law.moment_one_minus(2), half_square)
    u = f(X)
    expected = float((u**2 / 2 - y * u).mean()) + sum(r)
    # float64 round-off of O(n d^2) sums (as in tests/test_regularizers.py)
    assert float(approx_mixup_loss(f, X, y, 1.5, 0.5, h=half_square)) == pytest.approx(expected, rel=1e-10)


def test_monte_carlo_with_a_custom_h_and_real_labels():
    X, y, f = regression_data()
    exact = float(mixup_loss(f, X, y, 1.0, 2.0, h=half_square))
    est = mixup_loss_mc(f, X, y, 1.0, 2.0, h=half_square, samples=20_000, generator=np.random.default_rng(4))
    assert abs(est.mean - exact) <= 4 * est.stderr  # 4 standard errors


@pytest.mark.parametrize("call", [
    lambda f, X, y, **kw: glm_loss(f, X, y, **kw),
    lambda f, X, y, **kw: mixup_loss(f, X, y, 1.0, 1.0, **kw),
    lambda f, X, y, **kw: mixup_loss_mc(f, X, y, 1.0, 1.0, samples=10, generator=np.random.default_rng(0), **kw),
    lambda f, X, y, **kw: perturbation_loss(f, X, y, tilde_lambda_law(1.0, 1.0), **kw),
])
def test_labels_outside_unit_interval_are_refused_for_softplus_only(call):
    X, y, f = regression_data()
    y = y.abs() + 1.5
    with pytest.raises(ValueError, match=r"^y must lie in \[0, 1\] for the logistic loss"):
        call(f, X, y)
    value = call(f, X, y, h=half_square)  # any real label is fine for another h
    value = value.mean if isinstance(value, MonteCarloEstimate) else value
    assert torch.isfinite(torch.as_tensor(value)).all()


@pytest.mark.parametrize("call,pattern", [
    (lambda f, X, y: mixup_loss(f, X, y, -1.0, 1.0), r"^alpha must be a finite number > 0, got -1.0$"),
    (lambda f, X, y: mixup_loss(f, X, y, 1.0, 0.0), r"^beta must be a finite number > 0, got 0.0$"),
    (lambda f, X, y: mixup_loss_mc(f, X, y, 0.0, 1.0), r"^alpha must be a finite number > 0, got 0.0$"),
    (lambda f, X, y: mixup_loss_mc(f, X, y, 1.0, -2.0), r"^beta must be a finite number > 0, got -2.0$"),
    (lambda f, X, y: mixup_loss(f, X, y, 1.0, 1.0, method="mc", samples=0), r"^samples must be a positive integer, got 0$"),
    (lambda f, X, y: mixup_loss_mc(f, X, y, 1.0, 1.0, samples=2.5), r"^samples must be a positive integer, got 2.5$"),
])
def test_bad_input_names_the_argument_first(call, pattern):
    X, y, f = regression_data()
    with pytest.raises(ValueError, match=pattern):
        call(f, X, y.clamp(0, 1))


def test_monte_carlo_without_a_generator_still_runs():
    X, y, f = regression_data()
    est = mixup_loss_mc(f, X, y.clamp(0, 1), 1.0, 1.0, samples=64)
    assert est.samples == 64 and np.isfinite(est.mean) and est.stderr > 0


def test_monte_carlo_stderr_is_the_spread_of_the_estimate_over_seeds():
    X, y, _ = regression_data()
    f = random_two_layer(3, 5, np.random.default_rng(2))
    y = y.clamp(0, 1)
    runs = [mixup_loss_mc(f, X, y, 0.5, 0.5, samples=500, generator=np.random.default_rng(100 + s)) for s in range(40)]
    spread = np.std([r.mean for r in runs], ddof=1)
    stderr = float(np.mean([r.stderr for r in runs]))
    # the sample std of 40 estimates is within 0.11 (relative, 1 sd) of the true std: [0.6, 1.6] is > 3.5 sd wide
    assert 0.6 <= spread / stderr <= 1.6


def test_float32_inputs_give_float32_losses():
    X, y, _ = regression_data()
    y = y.clamp(0, 1)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))  # float32 weights
    X32, y32 = X.float(), y.float()
    with torch.no_grad():
        exact = mixup_loss(net, X32, y32, 1.0, 1.0)
        mc = mixup_loss(net, X32, y32, 1.0, 1.0, method="mc", samples=256, generator=np.random.default_rng(0))
        ref = float(mixup_loss(copy.deepcopy(net).double(), X, y, 1.0, 1.0))
    assert exact.dtype == torch.float32 and mc.dtype == torch.float32
    # float32 round-off over 32 n^2 terms of size O(1): 1e-5 relative
    assert float(exact) == pytest.approx(ref, rel=1e-5)


def test_chunks_hold_at_most_chunk_elements_rows(monkeypatch):
    X, y, f = regression_data(n=6, d=3)
    y = y.clamp(0, 1)
    K = 4
    sizes = []

    def counting(Z):
        sizes.append(Z.shape[0])
        return f(Z)

    whole = float(mixup_loss(f, X, y, 1.0, 1.0, nodes=K))
    # one row i per chunk when CHUNK_ELEMENTS is smaller than one row's K * n * d entries
    monkeypatch.setattr(losses, "CHUNK_ELEMENTS", 1)
    assert float(mixup_loss(counting, X, y, 1.0, 1.0, nodes=K)) == pytest.approx(whole, rel=1e-13)
    assert sizes == [1] + [K * 6] * 6  # the first call asks f for one row's outputs: one score or K class scores
    # two rows per chunk when it holds exactly two rows
    sizes.clear()
    monkeypatch.setattr(losses, "CHUNK_ELEMENTS", 2 * K * 6 * 3)
    mixup_loss(counting, X, y, 1.0, 1.0, nodes=K)
    assert sizes == [1] + [2 * K * 6] * 3


def test_documented_defaults():
    # nodes=32 and samples=4096 (the signatures); h = |u| has a kink, so 32 and 33 nodes give different values
    X, y, f = regression_data()
    a = float(mixup_loss(f, X, y, 1.0, 1.0, h=torch.abs))
    assert a == float(mixup_loss(f, X, y, 1.0, 1.0, h=torch.abs, nodes=32))
    assert a != float(mixup_loss(f, X, y, 1.0, 1.0, h=torch.abs, nodes=33))
    law = tilde_lambda_law(1.0, 1.0)
    b = float(perturbation_loss(f, X, y, law, h=torch.abs))
    assert b == float(perturbation_loss(f, X, y, law, h=torch.abs, nodes=32))
    assert b != float(perturbation_loss(f, X, y, law, h=torch.abs, nodes=33))
    y01 = y.clamp(0, 1)
    est = mixup_loss_mc(f, X, y01, 1.0, 1.0, generator=np.random.default_rng(7))
    assert est.samples == 4096
    mc = mixup_loss(f, X, y01, 1.0, 1.0, method="mc", generator=np.random.default_rng(7))
    assert float(mc) == est.mean  # the same 4096 draws


# --- the loss of Eq. (2) at the outputs (mixverify.eq2, re-exported by losses and training) --------------------------

def test_eq2_names_are_one_object_wherever_imported():
    import mixverify
    from mixverify import eq2, training

    assert losses.softplus is eq2.softplus is mixverify.softplus is torch.nn.functional.softplus
    assert losses.eq2_loss is eq2.eq2_loss
    assert training.logistic_loss is eq2.logistic_loss and training.LOSSES["logistic"] is eq2.logistic_loss


def test_logistic_loss_reductions():
    from mixverify.eq2 import logistic_loss

    out = torch.tensor([-40.0, -1.0, 0.0, 2.0, 40.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0], dtype=torch.float64)
    # log(1 + e^f) - y f written out: it cancels where y f ~ log(1 + e^f), losing up to |y f| / loss ulps
    # (here 2 / 0.127 ~ 16 ulps ~ 4e-15 relative), so 1e-13 relative
    expected = torch.log1p(torch.exp(out)) - y * out
    per_example = logistic_loss(out, y, reduction="none")
    assert per_example.shape == out.shape and torch.allclose(per_example, expected, rtol=1e-13, atol=0)
    assert torch.equal(logistic_loss(out, y), per_example.mean())  # "mean" by default
    assert torch.equal(logistic_loss(out, y, reduction="mean"), per_example.mean())
    assert torch.equal(logistic_loss(out, y, reduction="sum"), per_example.sum())
    with pytest.raises(ValueError, match=r"^reduction must be one of \('mean', 'none', 'sum'\), got 'avg'$"):
        logistic_loss(out, y, reduction="avg")
