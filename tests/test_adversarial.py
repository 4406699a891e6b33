"""mixverify.adversarial: the adversarial loss of Section 3.2, its Taylor surrogates Eq. (5)/(6) and the attack radii.

Written to kill the mutants of mixverify/adversarial.py that other tests let survive (tests/MUTANTS.md). The exact
adversarial loss of a linear model is checked against brute force over the ball (all vertices of the l-infinity
cube; many directions on the l2 sphere), the PGD path against a direct call of :func:`mixverify.pgd`, and Eq. (5)/(6)
against the formula written out by hand.
"""

import itertools
import math

import numpy as np
import pytest
import torch

from mixverify import adversarial_loss, attack_radius, fgsm, linear_model, pgd, taylor_adversarial_loss
from mixverify.adversarial import adversarial_losses, input_cosines, mixup_attack_radii
from mixverify.models import ReLUMLP, seeded


def half_square(u):
    return u**2 / 2


def softplus_loss(out, y):
    return torch.nn.functional.softplus(out) - y * out  # Eq. (2) with h = softplus, written out


def square_loss(out, y):
    return out**2 / 2 - y * out  # Eq. (2) with h = u^2/2, written out


def problem(seed=0, n=8, d=3):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(rng.normal(size=(n, d)))
    y = torch.as_tensor((rng.uniform(size=n) > 0.5).astype(float))
    return X, y, linear_model(torch.as_tensor(rng.normal(size=d)))


def brute_force_max(X, y, theta, radius, norm, loss, directions=200_000):
    """Per-example max of loss(theta^T (x + delta), y) over the ball: every vertex (l-inf) or many directions (l2)."""
    d = X.shape[1]
    if norm == "inf":
        deltas = radius * torch.tensor(list(itertools.product([-1.0, 1.0], repeat=d)), dtype=X.dtype)
    else:
        g = torch.as_tensor(np.random.default_rng(0).normal(size=(directions, d)), dtype=X.dtype)
        deltas = radius * g / g.norm(dim=1, keepdim=True)
    out = (X @ theta)[:, None] + (deltas @ theta)[None, :]
    return loss(out, y[:, None]).amax(dim=1)


@pytest.mark.parametrize("norm,rel", [("inf", 1e-13), (2, 1e-4)])  # vertices: exact; 2e5 directions in R^3: 1e-4
@pytest.mark.parametrize("h,loss", [(torch.nn.functional.softplus, softplus_loss), (half_square, square_loss)])
def test_exact_adversarial_loss_is_the_brute_force_maximum(norm, rel, h, loss):
    from mixverify.losses import softplus
    h = softplus if h is torch.nn.functional.softplus else h
    X, y, f = problem()
    eps = 0.2
    radius = eps * math.sqrt(3) if norm == 2 else eps  # the paper's attack size, written out
    ref = brute_force_max(X, y, f.theta, radius, norm, loss)
    per_example = adversarial_losses(f, X, y, radius, norm=norm, method="exact", h=h)
    assert torch.all(per_example >= ref - 1e-13 * ref.abs())  # the closed form is the maximum ...
    assert per_example == pytest.approx(ref, rel=rel)  # ... and brute force reaches it
    assert float(adversarial_loss(f, X, y, radius, norm=norm, h=h)) == pytest.approx(float(ref.mean()), rel=rel)


def test_exact_adversarial_loss_casts_theta_to_the_data():
    X, y, f = problem()
    f32 = linear_model(f.theta.float())
    expected = adversarial_losses(linear_model(f.theta.float().double()), X, y, 0.3, norm=2, method="exact")
    assert torch.equal(adversarial_losses(f32, X, y, 0.3, norm=2, method="exact"), expected)


@pytest.mark.parametrize("norm", [2, "inf"])
@pytest.mark.parametrize("h,loss", [(None, softplus_loss), (half_square, square_loss)])
def test_pgd_method_is_pgd_at_the_same_radius(norm, h, loss):
    rng = np.random.default_rng(1)
    X = torch.as_tensor(rng.normal(size=(10, 4)))
    y = torch.as_tensor((rng.uniform(size=10) > 0.5).astype(float))
    net = seeded(ReLUMLP(4, (8,), bias=True), 1)
    kw = {} if h is None else {"h": h}
    value = adversarial_loss(net, X, y, 0.1, norm=norm, method="pgd", steps=7, restarts=2,
                             generator=torch.Generator().manual_seed(5), **kw)
    Xa = pgd(net, X, y, 0.1, norm=norm, steps=7, restarts=2,
             generator=torch.Generator().manual_seed(5), loss=loss)
    with torch.no_grad():
        assert float(value) == pytest.approx(float(loss(net(Xa).reshape(-1), y).mean()), rel=1e-14)
    # and the seed matters: another generator gives another value
    other = adversarial_loss(net, X, y, 0.1, norm=norm, method="pgd", steps=7, restarts=2,
                             generator=torch.Generator().manual_seed(6), **kw)
    assert float(other) != float(value)


def test_pgd_method_lower_bounds_the_exact_maximum_of_a_linear_model():
    X, y, f = problem()
    exact = adversarial_losses(f, X, y, 0.3, norm=2, method="exact")
    found = adversarial_losses(f, X, y, 0.3, norm=2, method="pgd", generator=torch.Generator().manual_seed(0))
    assert torch.all(found <= exact * (1 + 1e-12))
    # from a random start, the part of delta orthogonal to theta shrinks by about 1/(1 + a/eps) a step (a = eps/20):
    # after 50 steps the loss is within ~1e-3 of the maximum; 1e-2 leaves room
    assert torch.all(found >= exact * (1 - 1e-2))


def test_documented_pgd_defaults_agree_between_the_two_entry_points():
    # steps=50, restarts=1 (the signatures of adversarial_loss and adversarial_losses); the default norm l-infinity
    rng = np.random.default_rng(2)
    X = torch.as_tensor(rng.normal(size=(10, 4)))
    y = torch.as_tensor((rng.uniform(size=10) > 0.5).astype(float))
    net = seeded(ReLUMLP(4, (8,), bias=True), 2)
    g = lambda: torch.Generator().manual_seed(9)  # noqa: E731
    radius = 0.1
    explicit = float(adversarial_losses(net, X, y, radius, norm="inf", method="pgd", steps=50, restarts=1,
                                        generator=g()).mean())
    assert float(adversarial_loss(net, X, y, 0.1, method="pgd", generator=g())) == explicit
    assert float(adversarial_losses(net, X, y, radius, norm="inf", method="pgd", generator=g()).mean()) == explicit
    for other in (dict(steps=51), dict(restarts=2)):
        assert float(adversarial_losses(net, X, y, radius, norm="inf", method="pgd", generator=g(), **other).mean()) \
            != explicit


@pytest.mark.parametrize("call,pattern", [
    (lambda f, X, y: adversarial_loss(f, X, y, "abc"), r"^eps must be a number >= 0, got 'abc'$"),
    (lambda f, X, y: adversarial_loss(f, X, y, float("inf")), r"^eps must be a finite number >= 0, got inf$"),
    (lambda f, X, y: adversarial_loss(f, X, y, 0.1, method="bogus"), r"^method must be one of 'exact', 'pgd', got 'bogus'$"),
    (lambda f, X, y: adversarial_loss(lambda Z: Z.sum(1), X, y, 0.1),
     r"^method='exact' needs a linear model, mixverify.linear_model\(theta\); use method='pgd'$"),
    (lambda f, X, y: adversarial_loss(f, X, y + 1, 0.1), r"^y must lie in \[0, 1\] for the logistic loss"),
    (lambda f, X, y: taylor_adversarial_loss(f, X, y + 1, 0.1), r"^y must lie in \[0, 1\] for the logistic loss"),
    (lambda f, X, y: taylor_adversarial_loss(f, X, y, -0.1), r"^eps must be a number >= 0 or a tensor of n = 8 such"),
    (lambda f, X, y: taylor_adversarial_loss(f, X, y, float("nan")), r"^eps must be a number >= 0 or a tensor of n = 8"),
    (lambda f, X, y: taylor_adversarial_loss(f, X, y, torch.full((8, 1), 0.1)), r"^eps must be a number >= 0 or a tensor"),
    (lambda f, X, y: taylor_adversarial_loss(f, X, y, torch.full((9,), 0.1)), r"^eps must be a number >= 0 or a tensor"),
    (lambda f, X, y: input_cosines(f, "abc"), r"^X must be a torch.Tensor or numpy array, got str$"),
    (lambda f, X, y: mixup_attack_radii(f, "abc", 1.0, 1.0), r"^X must be a torch.Tensor or numpy array, got str$"),
    (lambda f, X, y: attack_radius(-0.1, 3), r"^paper_eps must be a finite number >= 0, got -0.1$"),
    (lambda f, X, y: attack_radius(0.1, 0), r"^d must be a positive integer, got 0$"),
    (lambda f, X, y: input_cosines(f, torch.cat([X, torch.zeros(1, 3, dtype=X.dtype)])),
     r"^X must have no zero rows: cos\(grad f\(x_i\), x_i\) is undefined at x_i = 0$"),
])
def test_bad_input_gives_the_documented_message(call, pattern):
    X, y, f = problem()
    with pytest.raises(ValueError, match=pattern):
        call(f, X, y)


def test_other_h_accepts_any_real_label():
    X, y, f = problem()
    y = 3 * y - 1
    assert torch.isfinite(adversarial_loss(f, X, y, 0.1, h=half_square))
    assert torch.isfinite(taylor_adversarial_loss(f, X, y, 0.1, h=half_square))


@pytest.mark.parametrize("norm", [2, "inf"])
@pytest.mark.parametrize("h", [None, half_square])
def test_taylor_adversarial_loss_is_eq5_written_out(h, norm):
    # Eq. (5) for a linear model: l + eta |h'(u) - y| ||theta||_* + eta^2/2 |h''(u)| ||theta||_*^2 on the ball of
    # radius eta (the paper's eta = eps sqrt(d)); the dual norm ||.||_*: l2 for l2, l1 for l-infinity
    X, y, f = problem()
    u, nrm = X @ f.theta, f.theta.norm(p=2 if norm == 2 else 1)
    if h is None:
        g = torch.sigmoid(u)
        loss, h1, h2, kw = softplus_loss(u, y), g, g * (1 - g), {}
    else:
        y = 3 * y - 1
        loss, h1, h2, kw = square_loss(u, y), u, torch.ones_like(u), {"h": h}
    eta = torch.linspace(0.05, 0.4, 8, dtype=torch.float64)
    expected = loss + eta * (h1 - y).abs() * nrm + eta**2 / 2 * h2.abs() * nrm**2
    per = taylor_adversarial_loss(f, X, y, eta, norm=norm, per_example=True, **kw)
    assert per.shape == (8,)
    # the same formula: float64 round-off, a few ulps of the O(1) terms summed
    assert torch.allclose(per, expected, rtol=1e-14, atol=4 * torch.finfo(torch.float64).eps)
    # a scalar eps: computed in float64 (0.1 is not a float32 number)
    expected1 = loss + 0.1 * (h1 - y).abs() * nrm + 0.1**2 / 2 * h2.abs() * nrm**2
    assert float(taylor_adversarial_loss(f, X, y, 0.1, norm=norm, **kw)) == pytest.approx(float(expected1.mean()),
                                                                                          rel=1e-14)


@pytest.mark.parametrize("norm", [2, "inf"])
def test_the_same_eps_is_the_same_radius_for_every_function(norm):
    """eps is the ball's radius in fgsm, pgd, adversarial_loss (exact and PGD) and taylor_adversarial_loss: on a
    linear model each reaches the closed form max(l(u + eps ||theta||_*), l(u - eps ||theta||_*)) at that radius (FGSM
    and PGD land on the maximising point: for a linear model one signed / normalised gradient step is the maximiser),
    and the Taylor form agrees to its third-order remainder."""
    X, y, f = problem()
    eps = 0.05
    dual = f.theta.norm(p=2 if norm == 2 else 1)
    u = X @ f.theta
    closed = torch.maximum(softplus_loss(u + eps * dual, y), softplus_loss(u - eps * dual, y)).mean()
    with torch.no_grad():
        by_fgsm = softplus_loss(f(fgsm(f, X, y, eps, norm=norm)), y).mean()
        by_pgd = softplus_loss(f(pgd(f, X, y, eps, norm=norm, steps=20)), y).mean()
    exact = adversarial_loss(f, X, y, eps, norm=norm)
    by_method_pgd = adversarial_loss(f, X, y, eps, norm=norm, method="pgd", generator=torch.Generator().manual_seed(0))
    for value in (by_fgsm, exact):
        assert float(value) == pytest.approx(float(closed), rel=1e-13)
    for value in (by_pgd, by_method_pgd):  # PGD from a random start: within its step's reach of the maximum
        assert float(closed) * (1 - 1e-3) <= float(value) <= float(closed) * (1 + 1e-13)
    # the Taylor form: the remainder is third order in the radius, O((eps ||theta||_*)^3 / 6 * max|l'''|)
    remainder = (eps * float(dual)) ** 3 / (6 * 6 * math.sqrt(3))
    assert abs(float(taylor_adversarial_loss(f, X, y, eps, norm=norm)) - float(closed)) <= remainder
    # the paper's l2 radius eps sqrt(d) is attack_radius's
    assert attack_radius(eps, 3, 2) == pytest.approx(eps * math.sqrt(3)) and attack_radius(eps, 3, "inf") == eps


def test_a_torchattacks_call_is_refused_in_one_line_naming_step_size():
    X, y, f = problem()
    with pytest.raises(TypeError, match=r"^pgd\(\) got an unexpected argument 'alpha': mixverify calls it step_size"):
        pgd(f, X, y, eps=8 / 255, alpha=2 / 255, steps=10, random_start=True)
    Xa = pgd(f, X, y, eps=8 / 255, step_size=2 / 255, steps=10, random_start=True)  # the same call, mixverify's name
    assert float((Xa - X).abs().max()) <= 8 / 255 * (1 + 1e-12)


def test_the_default_loss_is_eq2_for_the_models_outputs():
    """A K-class model with integer labels (a torchattacks user's call) attacks its softmax cross-entropy."""
    rng = np.random.default_rng(3)
    X = torch.as_tensor(rng.uniform(size=(6, 4)))
    labels = torch.as_tensor(rng.integers(0, 3, 6))
    W = torch.as_tensor(rng.normal(size=(4, 3)))
    model = lambda Z: Z @ W  # noqa: E731
    ce = lambda out, yy: torch.nn.functional.cross_entropy(out, yy, reduction="none")  # noqa: E731
    g = lambda: torch.Generator().manual_seed(1)  # noqa: E731
    assert torch.equal(pgd(model, X, labels, 0.1, steps=3, generator=g()),
                       pgd(model, X, labels, 0.1, steps=3, generator=g(), loss=ce))
    assert torch.equal(fgsm(model, X, labels, 0.1), fgsm(model, X, labels, 0.1, loss=ce))


def test_input_cosines_of_a_linear_model():
    # grad f = theta with ||theta|| = 0.5 < 1; a row of norm exactly 1
    theta = torch.tensor([0.3, 0.4], dtype=torch.float64)
    X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-3.0, 1.0]], dtype=torch.float64)
    expected = (X @ theta).abs() / (X.norm(dim=1) * 0.5)
    assert torch.allclose(input_cosines(linear_model(theta), X), expected, rtol=1e-15, atol=0)


def test_mixup_attack_radii_of_a_linear_model():
    # Theorem 3.1: eps_i = R_i c_x E[1 - lambda], with E[1 - lambda] = 2 alpha beta / ((alpha+beta)(alpha+beta+1))
    theta = torch.tensor([1.0, 2.0], dtype=torch.float64)
    X = torch.tensor([[3.0, 0.0], [0.0, 5.0], [4.0, 4.0]], dtype=torch.float64)
    alpha, beta = 2.0, 0.5
    m1 = 2 * alpha * beta / ((alpha + beta) * (alpha + beta + 1))
    R_i = (X @ theta).abs() / (X.norm(dim=1) * math.sqrt(5))
    c_x = 3 / math.sqrt(2)  # min ||x_i|| / sqrt(d)
    r = mixup_attack_radii(linear_model(theta), X, alpha, beta)
    assert torch.allclose(r["eps_i"], R_i * c_x * m1, rtol=1e-14, atol=0)
    assert float(r["eps_min"]) == pytest.approx(float(R_i.min()) * c_x * m1, rel=1e-14)
    assert float(r["c_x"]) == pytest.approx(c_x, rel=1e-15)


@pytest.mark.parametrize("call,message", [
    (lambda f, X, y: pgd(f, X, y, 0.1, alpha=0.01),
     "pgd() got an unexpected argument 'alpha': mixverify calls it step_size (the step length; in mixverify alpha is "
     "Mixup's Beta parameter)"),
    (lambda f, X, y: pgd(f, X, y, 0.1, foo=1), "pgd() got an unexpected argument 'foo'"),
    (lambda f, X, y: fgsm(f, X, y, 0.1, alpha=0.01), "fgsm() got an unexpected argument 'alpha'"),
])
def test_foreign_arguments_are_refused_in_one_documented_line(call, message):
    X, y, f = problem()
    with pytest.raises(TypeError) as info:
        call(f, X, y)
    assert str(info.value) == message


def test_attack_radius_defaults_to_l_infinity_and_the_radii_are_eps_sqrt_d():
    X, y, f = problem()
    assert attack_radius(0.1, 16) == 0.1  # the default norm, as everywhere: l-infinity
    r = mixup_attack_radii(f, X, 1.0, 1.0)
    root_d = math.sqrt(X.shape[1])
    assert torch.equal(r["radius_i"], r["eps_i"] * root_d) and float(r["radius_min"]) == float(r["eps_min"]) * root_d
    assert float(r["radius_min"]) == float(r["radius_i"].min())


def test_the_default_loss_of_one_output_is_the_logistic_loss_per_example():
    from mixverify.attacks import default_loss
    from mixverify.eq2 import logistic_loss

    out = torch.tensor([[0.3], [-1.2], [2.0]], dtype=torch.float64)  # (n, 1) outputs are one output each
    y = torch.tensor([1.0, 0.0, 0.5], dtype=torch.float64)
    assert torch.equal(default_loss(1)(out, y), logistic_loss(out.reshape(-1), y, reduction="none"))
    scores = torch.tensor([[0.3, -0.1], [1.0, 2.0]], dtype=torch.float64)
    rows = torch.tensor([[1.0, 0.0], [0.25, 0.75]], dtype=torch.float64)
    expected = torch.logsumexp(scores, 1) - (rows * scores).sum(1)
    assert torch.equal(default_loss(2)(scores, rows), expected)
