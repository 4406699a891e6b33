"""Eq. (1), Eq. (9) and Eq. (3) against independent references, and their input validation."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import mixverify.losses as losses
from mixverify import (
    approx_mixup_loss,
    mixup_loss,
    mixup_loss_mc,
    mixup_regularizers,
    perturbation_loss,
    softplus,
    standard_loss,
    tilde_lambda_law,
)
from mixverify.reference import mixup_loss_loops


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
        (dict(f=lambda Z: Z), "f must map"),
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
