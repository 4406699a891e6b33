"""FGSM, PGD, the exact adversarial loss and the Taylor surrogate: invariants and bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mixverify import adversarial_loss, attack_radius, fgsm, linear_model, pgd, taylor_adversarial_loss
from mixverify.adversarial import adversarial_losses, mixup_attack_radii
from mixverify.attacks import project
from mixverify.losses import eq2_loss
from mixverify.models import ReLUCNN, ReLUMLP, seeded


def norms(delta, norm):
    flat = delta.flatten(1)
    return flat.norm(dim=1) if norm == 2 else flat.abs().amax(dim=1)


@given(st.integers(0, 10_000), st.sampled_from([2, "inf"]), st.floats(0.01, 2.0), st.integers(1, 15))
@settings(max_examples=25, deadline=None)
def test_pgd_never_leaves_the_ball(seed, norm, eps, steps):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(rng.normal(size=(16, 5)))
    y = torch.as_tensor((rng.uniform(size=16) > 0.5).astype(float))
    net = seeded(ReLUMLP(5, (8,), bias=True), seed)
    Xa = pgd(net, X, y, eps, norm=norm, steps=steps, generator=torch.Generator().manual_seed(seed))
    assert float(norms(Xa - X, norm).max()) <= eps * (1 + 1e-12)


def test_pgd_works_on_images_and_never_decreases_the_loss():
    torch.manual_seed(0)
    net = seeded(ReLUCNN(1, 8, 4), 0)
    X = torch.randn(10, 1, 8, 8, dtype=torch.float64)
    y = (torch.rand(10) > 0.5).double()
    Xa, hist = pgd(net, X, y, 0.1, norm="inf", steps=10, trace=True, generator=torch.Generator().manual_seed(0))
    assert Xa.shape == X.shape and hist.shape == (11, 10)
    assert torch.all(hist[1:] >= hist[:-1])
    assert torch.all(eq2_loss(net(Xa), y) >= eq2_loss(net(X), y) - 1e-12)


@pytest.mark.parametrize("norm", [2, "inf"])
def test_pgd_reaches_the_closed_form_maximum_of_a_linear_model(norm):
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(30, 4)))
    y = torch.as_tensor((rng.uniform(size=30) > 0.5).astype(float))
    f = linear_model(torch.as_tensor(rng.normal(size=4)))
    exact = adversarial_losses(f, X, y, 0.3, norm=norm, method="exact")
    found = eq2_loss(f(pgd(f, X, y, 0.3, norm=norm, steps=20, random_start=False)), y)
    assert torch.allclose(found, exact, rtol=1e-12, atol=1e-14)  # constant gradient direction: exact


def test_pgd_is_seeded():
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(8, 3)))
    y = torch.ones(8, dtype=torch.float64)
    net = seeded(ReLUMLP(3, (4,), bias=True), 1)
    a = pgd(net, X, y, 0.5, norm=2, generator=torch.Generator().manual_seed(3))
    b = pgd(net, X, y, 0.5, norm=2, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_fgsm_linf_moves_every_coordinate_by_eps_and_eps_zero_is_identity():
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(8, 3)))
    y = torch.as_tensor((rng.uniform(size=8) > 0.5).astype(float))
    f = linear_model(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
    assert torch.allclose((fgsm(f, X, y, 0.1) - X).abs(), torch.full_like(X, 0.1))
    assert torch.equal(fgsm(f, X, y, 0.0), X)
    assert torch.allclose(norms(fgsm(f, X, y, 0.1, norm=2) - X, 2), torch.full((8,), 0.1, dtype=torch.float64))


def test_attack_radius_is_the_papers():
    assert attack_radius(0.1, 16, 2) == pytest.approx(0.4)
    assert attack_radius(0.1, 16, "inf") == 0.1


def test_adversarial_loss_at_zero_is_the_standard_loss():
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(8, 3)))
    y = torch.as_tensor((rng.uniform(size=8) > 0.5).astype(float))
    f = linear_model(torch.as_tensor(rng.normal(size=3)))
    assert float(adversarial_loss(f, X, y, 0.0)) == pytest.approx(float(eq2_loss(f(X), y).mean()))
    assert float(taylor_adversarial_loss(f, X, y, 0.0)) == pytest.approx(float(eq2_loss(f(X), y).mean()))


def test_stable_logistic_loss_for_confident_predictions():
    out = torch.tensor([60.0, -60.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64)
    assert torch.allclose(eq2_loss(out, y), torch.exp(torch.tensor(-60.0, dtype=torch.float64)), rtol=1e-12)


def test_radii_of_a_linear_model():
    X = torch.tensor([[3.0, 0.0], [0.0, 2.0]], dtype=torch.float64)
    f = linear_model(torch.tensor([1.0, 1.0], dtype=torch.float64))
    r = mixup_attack_radii(f, X, 1.0, 1.0)
    assert torch.allclose(r["R_i"], torch.full((2,), 1 / math.sqrt(2), dtype=torch.float64))
    assert float(r["c_x"]) == pytest.approx(2 / math.sqrt(2))
    assert float(r["eps_min"]) == pytest.approx(float(r["R"]) * float(r["c_x"]) * 1 / 3)  # E[1-lam] = 1/3 at (1, 1)


@pytest.mark.parametrize("call,pattern", [
    (lambda f, X, y: pgd(f, X, y, -0.1), "eps"),
    (lambda f, X, y: pgd(f, X, y, float("nan")), "eps"),
    (lambda f, X, y: pgd(f, X, y, 0.1, norm=3), "norm"),
    (lambda f, X, y: pgd(f, X, y, 0.1, steps=0), "steps"),
    (lambda f, X, y: pgd(f, X, y[:-1], 0.1), "one label per example"),
    (lambda f, X, y: fgsm(f, X * float("nan"), y, 0.1), "finite"),
    (lambda f, X, y: adversarial_loss(f, X, y, -1.0), "eps"),
    (lambda f, X, y: adversarial_loss(lambda Z: Z @ torch.ones(3, dtype=torch.float64), X, y, 0.1), "linear model"),
    (lambda f, X, y: taylor_adversarial_loss(f, X, y, torch.ones(3)), "eps"),
])
def test_bad_input_gives_one_line_errors(call, pattern):
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(8, 3)))
    y = torch.as_tensor((rng.uniform(size=8) > 0.5).astype(float))
    f = linear_model(torch.as_tensor(rng.normal(size=3)))
    with pytest.raises(ValueError, match=pattern) as info:
        call(f, X, y)
    assert "\n" not in str(info.value)


def test_plain_pgd_matches_keep_best_on_a_linear_model_and_refuses_restarts():
    rng = np.random.default_rng(1)
    X = torch.as_tensor(rng.normal(size=(12, 4)))
    y = torch.as_tensor((rng.uniform(size=12) > 0.5).astype(float))
    f = linear_model(torch.as_tensor(rng.normal(size=4)))
    plain = pgd(f, X, y, 0.3, norm=2, steps=20, random_start=False, keep_best=False)
    best = pgd(f, X, y, 0.3, norm=2, steps=20, random_start=False)
    assert torch.allclose(plain, best, rtol=0, atol=1e-12)  # the last iterate is the maximiser here
    with pytest.raises(ValueError, match="keep_best=False"):
        pgd(f, X, y, 0.3, restarts=2, keep_best=False)


def test_input_cosine_of_a_zero_gradient_is_zero_not_nan():
    from mixverify.adversarial import input_cosines

    X = torch.tensor([[1.0, 2.0], [-1.0, -1.0]], dtype=torch.float64)
    f = lambda Z: torch.relu(Z @ torch.tensor([1.0, 1.0], dtype=torch.float64))  # noqa: E731  (dead at row 2)
    r = input_cosines(f, X)
    assert torch.isfinite(r).all() and r[1] == 0 and r[0] == pytest.approx(3 / (math.sqrt(2) * math.sqrt(5)))


class HostReads:
    """Counts the reads of tensor values by the host (``bool``, ``float``, ``int``, ``item``, ``tolist``) and the
    indexing with a boolean mask (a hidden ``nonzero``): on a GPU each is a synchronisation. Installed on
    ``torch.Tensor`` with monkeypatch."""

    NAMES = ("__bool__", "__float__", "__int__", "item", "tolist")

    def __init__(self, monkeypatch):
        self.count = 0
        for name in self.NAMES:
            original = getattr(torch.Tensor, name)

            def counted(t, *args, _original=original, **kwargs):
                self.count += 1
                return _original(t, *args, **kwargs)

            monkeypatch.setattr(torch.Tensor, name, counted)
        for name in ("__getitem__", "__setitem__"):
            original = getattr(torch.Tensor, name)

            def indexed(t, index, *args, _original=original):
                parts = index if isinstance(index, tuple) else (index,)
                self.count += any(isinstance(i, torch.Tensor) and i.dtype == torch.bool for i in parts)
                return _original(t, index, *args)

            monkeypatch.setattr(torch.Tensor, name, indexed)


@pytest.mark.parametrize("keep_best", [True, False])
@pytest.mark.parametrize("norm", ["inf", 2])
def test_the_step_loop_reads_nothing_on_the_host(monkeypatch, keep_best, norm):
    # the inputs are checked with one copy of a small vector (and the bounds' conversion to X's dtype, a CPU
    # tensor); the steps, the random start and keep_best's bookkeeping read no value on the host
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.uniform(0.2, 0.8, size=(16, 5)))
    y = torch.as_tensor((rng.uniform(size=16) > 0.5).astype(float))
    net = seeded(ReLUMLP(5, (8,), bias=True), 0)
    reads = HostReads(monkeypatch)

    def count(steps):
        before = reads.count
        pgd(net, X, y, 0.1, norm=norm, steps=steps, bounds=(0.0, 1.0), keep_best=keep_best,
            generator=torch.Generator().manual_seed(0))
        return reads.count - before

    assert count(1) == count(9) <= 2
    before = reads.count
    fgsm(net, X, y, 0.1, norm=norm, bounds=(0.0, 1.0))
    assert reads.count - before <= 2


@pytest.mark.parametrize("bounds", [None, (0.0, 1.0)])
@pytest.mark.parametrize("keep_best", [True, False])
def test_the_fused_linf_step_is_the_projection_then_the_clip(bounds, keep_best):
    # with the library's projection, an l-inf step is one clamp of x + a sign(g) to the ball intersected with the
    # domain; through any other projection callable it projects delta, then clips (the path a custom projection
    # takes): the same attack up to a few roundings of numbers of size 1
    rng = np.random.default_rng(2)
    X = torch.as_tensor(rng.uniform(0.05, 0.95, size=(24, 5)))
    y = torch.as_tensor((rng.uniform(size=24) > 0.5).astype(float))
    net = seeded(ReLUMLP(5, (16,), bias=True), 2)

    def attack(projection):
        return pgd(net, X, y, 0.2, norm="inf", steps=7, step_size=0.07, bounds=bounds, keep_best=keep_best,
                   projection=projection, generator=torch.Generator().manual_seed(0))

    fused = attack(project)
    generic = attack(lambda delta, eps, norm: project(delta, eps, norm))
    assert torch.allclose(fused, generic, rtol=0, atol=8 * 7 * 2.0**-53)  # 7 steps, a few half-ulps of 1 each
    assert float((fused - X).abs().max()) > 0.1  # it did move


def test_the_random_start_on_the_cpu_draws_from_the_callers_generator():
    from mixverify.attacks import _device_generator, _random_start

    g = torch.Generator().manual_seed(5)
    assert _device_generator(g, torch.device("cpu")) is g and _device_generator(None, torch.device("cpu")) is None
    X = torch.zeros(3, 4, dtype=torch.float64)
    start = _random_start(X, 0.5, "inf", torch.Generator().manual_seed(5))
    u = torch.rand(X.shape, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    assert torch.equal(start, (2 * u - 1) * 0.5)  # the draws of torch.rand on the caller's generator, as before
