"""Mixup for K-class classifiers: Eq. (1), Eq. (9), Eq. (3) and the regularizers of Lemma 3.1 with (n, K) class scores
and label rows (Eq. (2) with h = log-sum-exp: softmax cross-entropy), against independent references."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mixverify import (
    approx_mixup_loss,
    glm_loss,
    log_sum_exp,
    mixup_loss,
    mixup_loss_mc,
    mixup_regularizers,
    perturbation_loss,
    standard_loss,
    tilde_lambda_law,
)
from mixverify.reference import class_mixup_loss_loops, class_mixup_regularizers_loops


def classifier(d=3, k=4, width=5, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d, width), torch.nn.Tanh(), torch.nn.Linear(width, k)).double()


def class_data(n=6, d=3, k=4, seed=0):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(rng.normal(size=(n, d)))
    y = torch.as_tensor(rng.integers(0, k, size=n))
    return X, y


@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (0.3, 0.3), (5.0, 0.5)])
@pytest.mark.parametrize("k", [3, 5])
def test_class_mixup_loss_matches_a_loop_over_pairs_and_quadrature(alpha, beta, k):
    X, y = class_data(n=5, k=k)
    f = classifier(k=k)
    # QUADPACK per pair (about 1e-12) against 64 Gauss-Jacobi nodes (geometric convergence for an analytic integrand)
    reference = class_mixup_loss_loops(f, X, F.one_hot(y, k).double(), alpha, beta)
    assert float(mixup_loss(f, X, y, alpha, beta, nodes=64)) == pytest.approx(reference, rel=1e-10)


def test_integer_labels_one_hot_rows_and_soft_rows_agree():
    X, y = class_data()
    f = classifier()
    rows = F.one_hot(y, 4).double()
    assert float(mixup_loss(f, X, y, 1.0, 2.0)) == float(mixup_loss(f, X, rows, 1.0, 2.0))
    soft = 0.9 * rows + 0.1 / 4  # label smoothing: soft rows are allowed
    ref = class_mixup_loss_loops(f, X, soft, 1.0, 2.0)
    assert float(mixup_loss(f, X, soft, 1.0, 2.0, nodes=64)) == pytest.approx(ref, rel=1e-10)


def test_class_loss_is_the_softmax_cross_entropy():
    X, y = class_data()
    f = classifier()
    with torch.no_grad():
        ce = F.cross_entropy(f(X), y, reduction="none")
        assert torch.allclose(glm_loss(f, X, y), ce, rtol=0, atol=64 * torch.finfo(X.dtype).eps)
        assert float(standard_loss(f, X, y)) == pytest.approx(float(ce.mean()), rel=1e-14)
    assert float(log_sum_exp(torch.tensor([0.0, 2.0], dtype=torch.float64))) == pytest.approx(
        float(F.softplus(torch.tensor(2.0, dtype=torch.float64))), rel=1e-15)


def test_two_class_softmax_is_the_binary_logistic_case():
    """Class scores (0, u) with class labels y give the logistic loss of u with labels y: the binary path is the K = 2
    case of the K-class one."""
    X, y = class_data(k=2)
    theta = torch.as_tensor(np.random.default_rng(3).normal(size=3))

    def scores(Z):
        u = Z @ theta
        return torch.stack([torch.zeros_like(u), u], 1)

    binary = float(mixup_loss(lambda Z: Z @ theta, X, y.double(), 0.5, 2.0))
    assert float(mixup_loss(scores, X, y, 0.5, 2.0)) == pytest.approx(binary, rel=1e-13)
    rb = mixup_regularizers(lambda Z: Z @ theta, X, y.double(), 0.5, 2.0)
    rk = mixup_regularizers(scores, X, y, 0.5, 2.0)
    for a, b in zip(rb, rk):
        assert float(b) == pytest.approx(float(a), rel=1e-12, abs=1e-15)


def test_monte_carlo_within_four_standard_errors():
    X, y = class_data()
    f = classifier()
    exact = float(mixup_loss(f, X, y, 1.0, 1.0))
    est = mixup_loss_mc(f, X, y, 1.0, 1.0, samples=40_000, generator=np.random.default_rng(7))
    assert abs(est.mean - exact) <= 4 * est.stderr


@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (5.0, 0.5)])
def test_eq9_equals_eq1_for_class_labels(alpha, beta):
    X, y = class_data()
    f = classifier()
    a = float(mixup_loss(f, X, y, alpha, beta, nodes=64))
    b = float(perturbation_loss(f, X, y, tilde_lambda_law(alpha, beta), nodes=64))
    assert a == pytest.approx(b, rel=1e-12)


def test_class_regularizers_match_the_loops_with_per_class_hessians():
    X, y = class_data(n=5, k=3)
    f = classifier(k=3)
    law = tilde_lambda_law(2.0, 0.5)
    fast = mixup_regularizers(f, X, y, 2.0, 0.5)
    slow = class_mixup_regularizers_loops(f, X, F.one_hot(y, 3).double(), law.moment_one_minus(1),
                                          law.moment_one_minus(2))
    for a, b in zip(fast, slow):
        assert float(a) == pytest.approx(b, rel=1e-10, abs=1e-14)
    total = standard_loss(f, X, y) + sum(fast)
    assert float(approx_mixup_loss(f, X, y, 2.0, 0.5)) == pytest.approx(float(total), rel=1e-14)


def test_class_losses_are_differentiable_in_the_parameters():
    X, y = class_data()
    f = classifier()
    w = f[2].weight
    for value in (lambda: mixup_loss(f, X, y, 1.0, 1.0), lambda: sum(mixup_regularizers(f, X, y, 1.0, 1.0))):
        (g,) = torch.autograd.grad(value(), w)
        # central finite difference, step 1e-6: truncation O(1e-12), round-off O(1e-10)
        with torch.no_grad():
            w[0, 0] += 1e-6
            up = float(value())
            w[0, 0] -= 2e-6
            down = float(value())
            w[0, 0] += 1e-6
        assert float(g[0, 0]) == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9)


def test_two_class_scores_match_the_binary_path_everywhere():
    """K = 2 scores (0, u) and integer labels against the one-output path with the same labels: the standard loss,
    the Monte Carlo Mixup loss (the same draws) and the attacks' default loss (the softmax cross-entropy of two classes
    is the logistic loss of u), so that a K = 2 model is never treated as one output."""
    from mixverify import fgsm, pgd

    X, y = class_data(k=2)
    theta = torch.as_tensor(np.random.default_rng(3).normal(size=3))

    def binary(Z):
        return Z @ theta

    def scores(Z):
        u = Z @ theta
        return torch.stack([torch.zeros_like(u), u], 1)

    assert float(standard_loss(scores, X, y)) == pytest.approx(float(standard_loss(binary, X, y.double())), rel=1e-14)
    mc = [mixup_loss_mc(g, X, labels, 0.5, 2.0, samples=500, generator=np.random.default_rng(11)).mean
          for g, labels in ((binary, y.double()), (scores, y))]
    assert mc[1] == pytest.approx(mc[0], rel=1e-13)
    torch.testing.assert_close(fgsm(scores, X, y, 0.1), fgsm(binary, X, y.double(), 0.1), rtol=0, atol=1e-15)
    g = lambda: torch.Generator().manual_seed(2)  # noqa: E731
    torch.testing.assert_close(pgd(scores, X, y, 0.1, steps=3, generator=g()),
                               pgd(binary, X, y.double(), 0.1, steps=3, generator=g()), rtol=0, atol=1e-12)


def test_mixup_loss_by_monte_carlo_keeps_the_classes():
    """mixup_loss(method="mc") is mixup_loss_mc's mean for K outputs (the same draws)."""
    X, y = class_data()
    f = classifier()
    a = float(mixup_loss(f, X, y, 1.0, 1.0, method="mc", samples=300, generator=np.random.default_rng(5)))
    b = mixup_loss_mc(f, X, y, 1.0, 1.0, samples=300, generator=np.random.default_rng(5)).mean
    assert a == pytest.approx(b, rel=1e-13)


def test_a_quadratic_h_for_k_classes_is_used_and_expands_exactly():
    """h(u) = |u|^2 / 2 for K outputs (least squares on label rows): for a linear model the loss along each mixing
    path is quadratic in 1 - lambda, so Lemma 3.1 is exact, R1 + R2 + R3 = L_mix - L_std, and the library must use
    this h, not log-sum-exp (Eq. (2)'s loss for it is checked against |u|^2/2 - y.u directly)."""
    from mixverify.eq2 import eq2_loss

    def h(u):
        return (u**2).sum(-1) / 2

    rng = np.random.default_rng(9)
    X = torch.as_tensor(rng.normal(size=(6, 3)))
    Y = torch.as_tensor(rng.dirichlet(np.ones(4), size=6))  # soft label rows
    W = torch.as_tensor(rng.normal(size=(3, 4)))

    def f(Z):
        return Z @ W

    out = f(X)
    torch.testing.assert_close(eq2_loss(out, Y, h, classes=True), (out**2).sum(-1) / 2 - (Y * out).sum(-1))
    gap = float(mixup_loss(f, X, Y, 2.0, 3.0, h=h) - standard_loss(f, X, Y, h=h))
    regs = mixup_regularizers(f, X, Y, 2.0, 3.0, h=h)
    assert float(sum(regs)) == pytest.approx(gap, rel=1e-12)
    assert abs(float(regs[2])) <= 1e-14  # R3 = 0: the model is linear
