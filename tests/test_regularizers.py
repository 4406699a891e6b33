"""R1, R2, R3 of Lemma 3.1: the vectorised torch.func code against the loops reference."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from mixverify import Beta, input_derivative_terms, mixup_regularizers, softplus, tilde_lambda_law
from mixverify.models import linear_model, random_two_layer
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


# --- Mutant-killing tests (the surviving mutants are explained in tests/MUTANTS.md) ---
#
# Tests that kill mutants of mixverify/regularizers.py that the unit tests let survive (tests/MUTANTS.md).


def half_square(u):
    return u**2 / 2


def small_problem(seed=0, n=7, d=3):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(rng.normal(size=(n, d)) + 0.5)
    y = torch.as_tensor(rng.uniform(size=n))
    return X, y, random_two_layer(d, 5, rng)


def assert_match_loops(fast, slow, rel=1e-10):
    for a, b in zip(fast, slow):
        assert float(a) == pytest.approx(b, rel=rel, abs=0)  # float64 round-off of O(n d^2) sums


@pytest.mark.parametrize("alpha,beta,pattern", [(-1.0, 1.0, r"^alpha must be a finite number > 0, got -1.0$"),
                                                (1.0, 0.0, r"^beta must be a finite number > 0, got 0.0$"),
                                                (1.0, "b", r"^beta must be a positive number, got 'b'$")])
def test_bad_parameters_name_the_argument_first(alpha, beta, pattern):
    X, y, f = small_problem()
    with pytest.raises(ValueError, match=pattern):
        mixup_regularizers(f, X, y, alpha, beta)


def test_a_given_law_replaces_tilde_d_lambda():
    # Lemma 3.1's formulas with the moments of another law (here D_lambda itself, Beta(alpha, beta))
    X, y, f = small_problem()
    law = Beta(2.0, 0.5)
    fast = mixup_regularizers(f, X, y, 2.0, 0.5, law=law)
    assert_match_loops(fast, mixup_regularizers_loops(f, X, y, law.moment_one_minus(1), law.moment_one_minus(2),
                                                      torch.nn.functional.softplus))
    tilde = tilde_lambda_law(2.0, 0.5)
    assert law.moment_one_minus(1) != pytest.approx(tilde.moment_one_minus(1), rel=0.1)  # the two laws differ


def test_a_custom_h_enters_h_prime_and_h_second():
    # h(u) = u^2/2: h' = u, h'' = 1 (a regression GLM); labels need not lie in [0, 1]
    X, y, f = small_problem()
    y = 3 * y - 1
    law = tilde_lambda_law(1.0, 2.0)
    fast = mixup_regularizers(f, X, y, 1.0, 2.0, h=half_square)
    assert_match_loops(fast, mixup_regularizers_loops(f, X, y, law.moment_one_minus(1), law.moment_one_minus(2),
                                                      half_square))
    terms = input_derivative_terms(f, X, h=half_square)
    assert torch.allclose(terms["h1"], f(X), rtol=1e-15, atol=0) and torch.equal(terms["h2"], torch.ones(7).double())


@pytest.mark.parametrize("scale", [1e-9, 1e6])
def test_the_rank_cutoff_is_relative_to_the_scale_of_the_data(scale):
    # All eigenvalues of Sigma_hat scale with scale^2; none may be dropped because the data are small (or large).
    X, y, _ = small_problem()
    f = linear_model(torch.tensor([0.7, -1.3, 0.4], dtype=torch.float64) / scale)  # keeps f(x) = O(1)
    Xs = X * scale
    law = tilde_lambda_law(1.0, 1.0)
    assert_match_loops(mixup_regularizers(f, Xs, y, 1.0, 1.0),
                       mixup_regularizers_loops(f, Xs, y, law.moment_one_minus(1), law.moment_one_minus(2),
                                                torch.nn.functional.softplus), rel=1e-9)


@pytest.mark.parametrize("category", [FutureWarning, DeprecationWarning])
def test_every_warning_of_the_callers_f_reaches_the_caller(category):
    # the library silences torch's own torch.jit deprecation warning only (a FutureWarning in torch 2.14, a
    # DeprecationWarning in 2.11), not the FutureWarnings or DeprecationWarnings of f
    X, _, f = small_problem()
    calls = []

    def warns(Z):
        calls.append(1)
        warnings.warn("deprecated by the caller", category, stacklevel=1)
        return f(Z)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        input_derivative_terms(warns, X)
    assert len([w for w in caught if "deprecated by the caller" in str(w.message)]) == len(calls) > 0


FRESH = """
import warnings
import numpy as np
import torch
from mixverify import input_derivative_terms
from mixverify.models import random_two_layer
warnings.simplefilter("always")
rng = np.random.default_rng(0)
input_derivative_terms(random_two_layer(3, 4, rng), torch.as_tensor(rng.normal(size=(5, 3))))
"""


def test_a_fresh_process_sees_no_torch_jit_warning():
    # torch warns about its own use of torch.jit.script the first time forward-mode AD is set up in a process;
    # input_derivative_terms silences exactly that warning. Only a fresh process shows it.
    X, _, f = small_problem()
    assert input_derivative_terms(f, X)["hess_second_moment"].shape == (7,)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}  # the same mixverify as this process
    out = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "torch.jit.script" not in out.stderr


def test_bad_data_are_named():
    _, _, f = small_problem()
    with pytest.raises(ValueError, match=r"^X must be a torch.Tensor or numpy array, got str$"):
        input_derivative_terms(f, "abc")
