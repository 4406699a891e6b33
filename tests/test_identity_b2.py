"""identity-b2 (Appendix B.2 of Zhang et al. (2021)): f = grad f^T x and Hess f = 0 a.e. for bias-free ReLU /
max-pooling nets; the check passes, and rejects planted errors."""

import numpy as np
import pytest
import torch
from conftest import failed, run_claim_cached
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from mixverify.derivations import identity_b2 as derivation
from torch.func import grad, hessian, vmap

from mixverify.claim import Context, decide
from mixverify.claims.identity_b2 import CLAIM, check
from mixverify.homogeneity import affine_pieces, identity_residuals, rounding_bound
from mixverify.models import ReLUCNN, ReLUMLP, require_bias_free, seeded

CTX = Context(seed=0)


@pytest.fixture(scope="module")
def outcome():
    return check(CTX)


# --- the claim holds --------------------------------------------------------------------------

def test_claim_is_verified_in_general():
    r = run_claim_cached(CLAIM, CTX)
    assert r.status == "verified", (r.error, failed(r.outcome))
    kinds = {e.kind for e in r.outcome.evidence}
    assert {"symbolic", "exact", "counterexample", "order"} <= kinds
    assert CLAIM.scope.setting == "general"
    decisive = {e.id for e in r.outcome.decisive()}
    assert {"euler-mlp", "euler-cnn", "hess-mlp", "hess-cnn", "ae-order"} <= decisive
    # the general (symbolic-size) facts of the derivation, its third and fourth, are decisive
    general = [r.outcome.by_id(i) for i in (
        "sympy-every-size-and-depth-fixed",
        "sympy-every-size-and-depth-grad",
    )]
    assert all(e.kind == "symbolic" and e.role == "decisive" and e.passed for e in general)


def test_evidence_and_figure(outcome):
    assert not failed(outcome)
    assert isinstance(outcome.figures["residuals"], Figure)
    counter = [e for e in outcome.evidence if e.kind == "counterexample"]
    assert len(counter) >= 5 and all(e.passed for e in counter)
    assert all(e.tolerance_source for e in outcome.evidence)


def test_derivation_holds():
    d = derivation.derive()
    assert d.facts and not failed(d)
    assert "w_3^\\top D_2 (W_2 D_1 b_1 + b_2) + b_3" in d.latex


# --- planted errors ---------------------------------------------------------------------------

def test_derivation_rejects_biases():
    bad = failed(derivation.derive(bias=True))
    assert "fixed pattern (B.2): f - grad f^T x = 0 for f = w3^T D2 W2 D1 W1 x" in bad
    assert any("max-pool" in n for n in bad) and any(n.startswith("piecewise ReLU net w3") for n in bad)
    assert not any("Hessian" in n for n in bad)  # biases break only the first identity


def twice_the_gradient(f, X):
    """Planted: |f - 2 grad f^T x| instead of |f - grad f^T x|."""
    X = torch.as_tensor(X)
    flat = X.reshape(len(X), -1)
    f1 = _per_example(f, X.shape[1:])
    g = vmap(grad(f1))(flat)
    r1 = (f(X).detach() - 2 * (g * flat).sum(1)).abs()
    return r1, identity_residuals(f, X)[1]


def hessian_of_the_loss(f, X):
    """Planted: the Hessian of softplus(f) (a loss), not of f."""
    X = torch.as_tensor(X)
    f1 = _per_example(f, X.shape[1:])
    H = vmap(hessian(lambda x: torch.nn.functional.softplus(f1(x))))(X.reshape(len(X), -1))
    return identity_residuals(f, X)[0], H.abs().flatten(1).amax(1)


def all_zero(f, X):
    """Planted: residuals that are always 0 (would 'verify' anything)."""
    n = len(X)
    return torch.zeros(n, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)


def _per_example(f, shape):
    return lambda x: f(x.reshape(1, *shape)).reshape(())


@pytest.mark.parametrize("residuals,expected,status", [
    # a wrong residual function is an implementation error: the side checks on biased and smooth nets catch it
    # (status error), and the decisive evidence on the bias-free nets fails too
    (twice_the_gradient, "euler-mlp", "error"),
    (hessian_of_the_loss, "hess-mlp", "error"),
    (all_zero, None, "error"),
])
def test_check_rejects_wrong_residuals(residuals, expected, status):
    out = check(CTX, residuals=residuals)
    assert decide(out.evidence, out.errata) == status
    if expected:
        assert out.by_id(expected).passed is False
    else:  # residuals that are always 0 deny the counterexamples with biases
        assert {"cx-bias-mlp", "cx-bias-cnn"} <= failed(out)


def test_derivation_rejects_a_wrong_statement():
    # f = grad f^T x / 2 (Euler's identity for degree 2): every decisive Euler fact fails, the Hessian facts do not
    facts = derivation.derive(degree=2).facts
    bad = [f[0] for f in facts if not f[1]]
    assert "every size and depth (fixed pattern, f = M P D W x, symbolic d, m, k): f - grad f^T x = 0" in bad
    assert all(f[3] == "decisive" for f in facts if not f[1])
    assert not any("Hess" in n for n in bad)


def test_a_wrong_statement_is_refuted(outcome):
    # the derivation of f = grad f^T x / 2 with the (passing) numeric evidence: the decisive facts fail
    evidence = derivation.derive(degree=2).evidence() + outcome.evidence
    assert decide(evidence, outcome.errata) == "refuted"
    assert decide(derivation.derive().evidence() + outcome.evidence, outcome.errata) == "verified"


def test_check_flags_a_network_with_biases():
    bad = failed(check(CTX, bias=True))
    assert {"euler-mlp", "euler-cnn"} <= bad
    assert {"homogeneity-mlp-2", "homogeneity-cnn-2"} <= bad
    assert not {"hess-mlp", "hess-cnn"} & bad


def test_require_bias_free():
    with pytest.raises(ValueError, match="needs a bias-free") as info:
        require_bias_free(ReLUMLP(3, (4,), bias=True), "identity-b2")
    assert "\n" not in str(info.value)
    require_bias_free(ReLUMLP(3, (4,)))
    require_bias_free(ReLUCNN())


# --- the library functions --------------------------------------------------------------------

def test_residuals_of_a_bias_free_cnn_are_round_off():
    net = seeded(ReLUCNN(1, 8), 3)
    X = torch.as_tensor(np.random.default_rng(3).standard_normal((8, 1, 8, 8)))
    r1, r2 = identity_residuals(net, X)
    assert r1.shape == r2.shape == (8,)
    assert (r1 <= rounding_bound(net, X)).all() and (r2 == 0).all()
    assert (affine_pieces(net, X)[1] == 0).all()


def test_intercept_is_the_euler_residual_with_biases():
    net = seeded(ReLUMLP(4, (6, 5), bias=True), 1)
    X = torch.as_tensor(np.random.default_rng(1).standard_normal((16, 4)))
    r1, _ = identity_residuals(net, X)
    _, c = affine_pieces(net, X)
    assert ((r1 - c.abs()).abs() <= rounding_bound(net, X)).all()
    assert (r1 > rounding_bound(net, X)).any()


@pytest.mark.parametrize("X,match", [
    (torch.tensor([1.0, 2.0]), "X must be a batch"),
    (torch.tensor([[1.0, float("nan")]]), "finite"),
    ([[1.0, 2.0]], "X must be a batch"),
    (torch.zeros(0, 2), "must not be empty"),
])
def test_identity_residuals_rejects_bad_input(X, match):
    with pytest.raises(ValueError, match=match) as info:
        identity_residuals(seeded(ReLUMLP(2, (3,)), 0), X)
    assert "\n" not in str(info.value)


def test_identity_residuals_rejects_a_bad_model():
    with pytest.raises(ValueError, match="outputs"):
        identity_residuals(lambda X: X, torch.ones(3, 2, dtype=torch.float64))


def test_rounding_bound_rejects_unknown_layers():
    with pytest.raises(ValueError, match="net must be built of"):
        rounding_bound(torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid()), torch.ones(1, 2))


# --- property: random bias-free MLPs ----------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 8), widths=st.lists(st.integers(1, 24), min_size=1, max_size=3),
       seed=st.integers(0, 2**31 - 1), scale=st.floats(1e-3, 1e3))
def test_identity_holds_for_random_bias_free_mlps(d, widths, seed, scale):
    net = seeded(ReLUMLP(d, tuple(widths)), seed)
    X = scale * torch.as_tensor(np.random.default_rng(seed).standard_normal((5, d)))
    r1, r2 = identity_residuals(net, X)
    assert (r1 <= rounding_bound(net, X)).all()
    assert (r2 == 0).all()


def test_identity_holds_at_kinks_with_autograds_conventions():
    # relu'(0) = 0 and max-pool routing the gradient to one of tied entries: f = grad f^T x at the kink itself
    net = ReLUMLP(2, (2,))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, -1.0], [1.0, 1.0]]))
        net[2].weight.copy_(torch.tensor([[1.0, 2.0]]))
    net = net.double()
    X = torch.tensor([[1.0, 1.0], [0.0, 0.0]], dtype=torch.float64)  # pre-activation x1 - x2 = 0
    r1, r2 = identity_residuals(net, X)
    assert (r1 == 0).all() and (r2 == 0).all()

    w = torch.tensor([1.0, -3.0], dtype=torch.float64)

    def pooled(Z):
        return torch.nn.functional.max_pool1d(torch.relu(Z).unsqueeze(1), 2).squeeze(1) @ w

    ties = torch.tensor([[2.0, 2.0, -1.0, 5.0], [1.0, 1.0, 3.0, 3.0]], dtype=torch.float64)
    r1, r2 = identity_residuals(pooled, ties)
    assert (r1 == 0).all() and (r2 == 0).all()
