"""R1, R2, R3 of Lemma 3.1: the vectorised torch.func code against the loops reference."""

import pytest
import torch

from mixverify import input_derivative_terms, mixup_regularizers, softplus, tilde_lambda_law
from mixverify.models import random_two_layer
from mixverify.reference import mixup_regularizers_loops


@pytest.mark.parametrize("name", ["linear", "tanh", "softplus"])
@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (5.0, 0.5)])
def test_regularizers_match_loops_with_full_hessian(models, data, name, alpha, beta):
    X, y, _ = data
    f = models[name]
    law = tilde_lambda_law(alpha, beta)
    fast = mixup_regularizers(f, X, y, alpha, beta)
    slow = mixup_regularizers_loops(f, X, y, law.moment_one_minus(1), law.moment_one_minus(2), softplus)
    for a, b in zip(fast, slow):
        assert float(a) == pytest.approx(b, rel=1e-10, abs=1e-14)  # float64 round-off of O(n d^2) sums


def test_linear_model_has_no_r3(models, data):
    X, y, _ = data
    r3 = mixup_regularizers(models["linear"], X, y, 1.0, 1.0)[2]
    assert abs(float(r3)) < 1e-14


def test_rank_deficient_data(rng):
    # X in a 2-dimensional subspace of R^4: the eigenbasis keeps rank 2 and the result still matches loops
    base = torch.as_tensor(rng.normal(size=(10, 2)))
    X = torch.cat([base, base @ torch.as_tensor(rng.normal(size=(2, 2)))], dim=1)
    y = torch.as_tensor(rng.uniform(size=10))
    f = random_two_layer(4, 6, rng)
    law = tilde_lambda_law(2.0, 3.0)
    fast = mixup_regularizers(f, X, y, 2.0, 3.0)
    slow = mixup_regularizers_loops(f, X, y, law.moment_one_minus(1), law.moment_one_minus(2), softplus)
    for a, b in zip(fast, slow):
        assert float(a) == pytest.approx(b, rel=1e-9, abs=1e-13)


def test_derivative_terms_shapes(models, data):
    X, _, _ = data
    terms = input_derivative_terms(models["tanh"], X)
    assert set(terms) == {"f", "h1", "h2", "g_dot_shift", "g_second_moment", "hess_second_moment"}
    assert all(t.shape == (X.shape[0],) for t in terms.values())


def test_works_with_nn_module(data):
    X, y, _ = data
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    r = mixup_regularizers(net, X, y, 1.0, 1.0)
    assert all(torch.isfinite(t) for t in r)
