"""FGSM, PGD, the exact adversarial loss and the Taylor surrogate: invariants, bad input, and the tests that kill
mutants of mixverify/attacks.py (tests/MUTANTS.md)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mixverify import adversarial_loss, attack_radius, fgsm, linear_model, pgd, taylor_adversarial_loss
from mixverify.adversarial import adversarial_losses, mixup_attack_radii
from mixverify.attacks import norm_name, project
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


# --- mutant-killing tests (tests/MUTANTS.md) --------------------------------------------------
# Tests that kill mutants of mixverify/attacks.py that the unit tests let survive (tests/MUTANTS.md).
#
# The random start is checked against its law (uniform in the ball) by Kolmogorov--Smirnov tests on a seeded
# draw, seen through the ``projection`` hook (its first call receives the start) or through a loss with zero
# gradient (PGD then returns x + start). Single steps are checked against FGSM and the closed form on linear
# models, a non-monotone 1-d loss checks that PGD keeps its best point, and bad input checks the messages.

N, D = 4000, 2  # draws for the distribution tests; D = 2 (a Gaussian direction then has norm < 1 with prob. 0.39)
P_MIN = 1e-6  # a seeded draw from the right law passes at this level; the mutants give p < 1e-30


def flat(Z):
    """A model whose loss has zero gradient everywhere: PGD's steps then never move delta."""
    return Z.flatten(1).sum(1) * 0.0


class Recorder:
    """A projection hook that records each call and then projects as the library does."""

    def __init__(self):
        self.calls = []

    def __call__(self, delta, eps, norm):
        self.calls.append((delta.clone(), eps, norm))
        return project(delta, eps, norm)


def problem(seed=0, n=8, d=3):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(rng.normal(size=(n, d)))
    y = torch.as_tensor((rng.uniform(size=n) > 0.5).astype(float))
    return X, y, linear_model(torch.as_tensor(rng.normal(size=d)))


def assert_uniform_in_ball(delta, eps, norm):
    flat_delta = delta.flatten(1).double()
    dim = flat_delta.shape[1]
    if norm == "inf":
        coords = (flat_delta / eps).flatten().numpy()
        assert stats.kstest(coords, stats.uniform(-1, 2).cdf).pvalue > P_MIN  # each coordinate U(-eps, eps)
        return
    r = flat_delta.norm(dim=1) / eps
    assert stats.kstest(r.numpy(), lambda t: np.clip(t, 0, 1) ** dim).pvalue > P_MIN  # P(||delta|| <= t eps) = t^D
    u = flat_delta / r[:, None]
    # a uniform direction: each coordinate has mean 0 and variance eps^2/D; 5 standard errors
    assert u.mean(0).abs().max() <= 5 * eps / math.sqrt(dim * N)


@pytest.mark.parametrize("norm", ["inf", 2])
@pytest.mark.parametrize("keep_best", [True, False])
def test_random_start_is_uniform_in_the_ball(norm, keep_best):
    X = torch.zeros(N, D, dtype=torch.float64)
    y = torch.zeros(N, dtype=torch.float64)
    rec = Recorder()
    eps = 0.3
    pgd(flat, X, y, eps, norm=norm, steps=1, generator=torch.Generator().manual_seed(0), projection=rec,
        keep_best=keep_best)
    start, e, n = rec.calls[0]
    assert e == eps and all(c[2] == norm for c in rec.calls)  # every projection is onto the attack's ball
    assert_uniform_in_ball(start, eps, norm)


@pytest.mark.parametrize("norm", ["inf", 2])
def test_plain_pgd_on_a_flat_loss_returns_x_plus_the_random_start(norm):
    X = torch.zeros(N, 1, 1, D, dtype=torch.float64)  # image-shaped batches too
    y = torch.zeros(N, dtype=torch.float64)
    Xa = pgd(flat, X, y, 0.3, norm=norm, steps=2, keep_best=False, generator=torch.Generator().manual_seed(1))
    assert_uniform_in_ball(Xa - X, 0.3, norm)


def test_pgd_on_a_flat_loss_keeps_the_clean_input():
    # no point beats x itself, so the best point found is x (not a random point of equal loss)
    X, y, _ = problem()
    assert torch.equal(pgd(flat, X, y, 0.3, norm="inf", steps=3, generator=torch.Generator().manual_seed(0)), X)
    assert torch.equal(pgd(flat, X, y, 0.3, norm=2, steps=3, restarts=2, generator=torch.Generator().manual_seed(0)), X)


@pytest.mark.parametrize("norm", ["inf", 2])
@pytest.mark.parametrize("keep_best", [True, False])
def test_the_random_start_is_seeded(norm, keep_best):
    X, y, _ = problem()
    net = seeded(ReLUMLP(3, (6,), bias=True), 0)

    def run(seed):
        return pgd(net, X, y, 0.5, norm=norm, steps=2, keep_best=keep_best, generator=torch.Generator().manual_seed(seed))

    assert torch.equal(run(3), run(3))
    assert not torch.equal(run(3), run(4))


def test_random_start_of_a_single_example():
    X, y, f = problem(n=1)
    Xa = pgd(f, X, y, 0.3, norm=2, steps=3, generator=torch.Generator().manual_seed(0))
    assert float((Xa - X).norm()) <= 0.3 * (1 + 1e-12)


def test_random_start_is_the_default():
    X, y, _ = problem()
    Xa = pgd(flat, X, y, 0.3, norm="inf", steps=1, keep_best=False, generator=torch.Generator().manual_seed(0))
    assert (Xa - X).abs().min() > 0


def test_projection_is_the_identity_inside_the_ball_and_radial_outside():
    delta = torch.tensor([[0.1, 0.2], [3.0, 4.0]], dtype=torch.float64)
    out = project(delta, 1.0, 2)
    assert torch.equal(out[0], delta[0])
    assert torch.allclose(out[1], torch.tensor([0.6, 0.8], dtype=torch.float64), rtol=1e-15, atol=0)


@pytest.mark.parametrize("norm", ["inf", 2])
def test_fgsm_reaches_the_closed_form_maximum_of_a_linear_model(norm):
    # one steepest-ascent step of length eps is the maximiser for a linear model: theta^T delta = +-eps ||theta||_*
    X, y, f = problem()
    for eps in (0.25, 1.0):
        exact = adversarial_losses(f, X, y, eps, norm=norm, method="exact")
        Xa = fgsm(f, X, y, eps, norm=norm)
        loss = torch.nn.functional.softplus(f(Xa)) - y * f(Xa)
        assert torch.allclose(loss, exact, rtol=1e-13, atol=0)
        moved = (Xa - X).flatten(1).norm(p=float("inf") if norm == "inf" else 2, dim=1)
        assert torch.allclose(moved, torch.full((8,), eps, dtype=torch.float64), rtol=1e-14)


@pytest.mark.parametrize("norm", ["inf", 2])
@pytest.mark.parametrize("keep_best", [True, False])
def test_one_pgd_step_of_size_eps_from_zero_is_fgsm(norm, keep_best):
    X, y, f = problem()
    Xa = pgd(f, X, y, 0.3, norm=norm, steps=1, step_size=0.3, random_start=False, keep_best=keep_best)
    assert torch.allclose(Xa, fgsm(f, X, y, 0.3, norm=norm), rtol=0, atol=1e-15)


@pytest.mark.parametrize("keep_best", [True, False])
def test_plain_and_best_pgd_reach_the_linf_closed_form(keep_best):
    X, y, f = problem()
    exact = adversarial_losses(f, X, y, 0.3, norm="inf", method="exact")
    Xa = pgd(f, X, y, 0.3, norm="inf", steps=10, keep_best=keep_best, generator=torch.Generator().manual_seed(0))
    assert float((Xa - X).abs().max()) <= 0.3 * (1 + 1e-15)
    loss = torch.nn.functional.softplus(f(Xa)) - y * f(Xa)
    assert torch.allclose(loss, exact, rtol=1e-13, atol=0)  # sign steps of 0.075 reach the vertex in 8 steps


def test_step_size_default_and_explicit():
    # each step adds a * u with ||u||_2 = 1: the second projection call sees ||delta|| = a (from delta = 0)
    X, y, f = problem()
    for kwargs, a in ((dict(steps=10), 2.5 * 0.4 / 10), (dict(steps=10, step_size=0.01), 0.01)):
        rec = Recorder()
        pgd(f, X, y, 0.4, norm=2, random_start=False, projection=rec, **kwargs)
        assert len(rec.calls) == 11  # the start and one per step
        assert torch.allclose(rec.calls[1][0].norm(dim=1), torch.full((8,), a, dtype=torch.float64), rtol=1e-14)


def test_default_is_20_steps():
    X, y, f = problem()
    rec = Recorder()
    pgd(f, X, y, 0.4, norm=2, projection=rec, generator=torch.Generator().manual_seed(0))
    assert len(rec.calls) == 21


def test_pgd_keeps_the_best_point_of_a_non_monotone_loss():
    # maximise f(x) = -(x - 0.3)^2 on [-1, 1] by sign steps of 0.25 from 0: iterates 0, 0.25, 0.5 (values -0.09,
    # -0.0025, -0.04). The best is 0.25, found at the last loop step; the last iterate 0.5 is worse.
    X = torch.zeros(1, 1, dtype=torch.float64)
    y = torch.zeros(1, dtype=torch.float64)

    def f(Z):
        return -((Z[:, 0] - 0.3) ** 2)

    kw = dict(norm="inf", steps=2, step_size=0.25, random_start=False, loss=lambda out, yy: out)
    best, trace = pgd(f, X, y, 1.0, trace=True, **kw)
    assert float(best) == 0.25
    # row k: the best over the start (z = 0: -0.09) and the first k steps (z = 0.25: -0.0025, z = 0.5: -0.04)
    assert trace[:, 0].tolist() == pytest.approx([-0.09, -0.0025, -0.0025], rel=1e-14)
    assert float(pgd(f, X, y, 1.0, keep_best=False, **kw)) == 0.5  # plain PGD: the last iterate


def test_pgd_returns_the_last_step_when_it_is_best():
    # a linear model and 3 l2 steps of 0.3 eps that stay inside the ball: the loss grows at every step
    X, y, f = problem()
    eps, a = 1.0, 0.3
    Xa, trace = pgd(f, X, y, eps, norm=2, steps=3, step_size=a, random_start=False, trace=True)
    u, nrm = X @ f.theta, f.theta.norm()
    s = torch.sign(torch.sigmoid(u) - y)  # the direction in which the logistic loss grows
    expected = torch.nn.functional.softplus(u + 3 * a * s * nrm) - y * (u + 3 * a * s * nrm)
    got = torch.nn.functional.softplus(f(Xa)) - y * f(Xa)
    assert torch.allclose(got, expected, rtol=1e-13, atol=0)
    assert torch.allclose(trace[-1], expected, rtol=1e-13, atol=0)


@pytest.mark.parametrize("bounds", [(0.0, 1.0), (0.2, 0.7)])
def test_bounds_keep_the_attack_in_the_input_domain(bounds):
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.uniform(0.25, 0.65, size=(16, 4)))
    y = torch.as_tensor((rng.uniform(size=16) > 0.5).astype(float))
    f = linear_model(torch.as_tensor(rng.normal(size=4)))
    lo, hi = bounds
    # FGSM (l-inf) moves every coordinate by eps towards the sign of the gradient, then clips: written out
    direction = torch.sign(torch.sigmoid(f(X)) - y)[:, None] * torch.sign(f.theta)[None, :]
    assert torch.allclose(fgsm(f, X, y, 0.2, bounds=bounds), (X + 0.2 * direction).clamp(lo, hi), rtol=0, atol=1e-15)
    for keep_best in (True, False):
        for norm in ("inf", 2):
            Xa = pgd(f, X, y, 0.2, norm=norm, steps=5, bounds=bounds, keep_best=keep_best,
                     generator=torch.Generator().manual_seed(0))
            assert float(Xa.min()) >= lo and float(Xa.max()) <= hi
            assert float((Xa - X).flatten(1).norm(p=float("inf") if norm == "inf" else 2, dim=1).max()) <= 0.2 + 1e-15
            assert float((Xa - X).abs().max()) > 0.1  # it did move


def _textbook_pgd(f, X, y, eps, steps, a, start=None, bounds=(-math.inf, math.inf)):
    """l-inf PGD written out: delta <- clip(clamp(delta + a sign(grad), -eps, eps)), clip keeping x + delta in bounds."""
    def clip(delta):
        return (X + delta.clamp(-eps, eps)).clamp(*bounds) - X

    delta = clip(torch.zeros_like(X) if start is None else start)
    for _ in range(steps):
        x = (X + delta).requires_grad_(True)
        out = f(x).reshape(-1)
        (g,) = torch.autograd.grad((torch.nn.functional.softplus(out) - y * out).sum(), x)
        delta = clip(delta + a * g.sign()).detach()
    return X + delta


def test_plain_pgd_clips_its_random_start_to_the_bounds():
    rng = np.random.default_rng(5)
    X = torch.as_tensor(rng.uniform(0.4, 0.6, size=(200, 2)))
    y = torch.as_tensor((rng.uniform(size=200) > 0.5).astype(float))
    f = linear_model(torch.tensor([1.0, -1.0], dtype=torch.float64))
    rec = Recorder()
    Xa = pgd(f, X, y, 0.2, norm="inf", steps=1, step_size=0.05, bounds=(0.35, 0.65), keep_best=False,
             projection=rec, generator=torch.Generator().manual_seed(0))
    ref = _textbook_pgd(f, X, y, 0.2, 1, 0.05, start=rec.calls[0][0], bounds=(0.35, 0.65))
    assert torch.allclose(Xa, ref, rtol=0, atol=1e-15)


@pytest.mark.parametrize("attack", [lambda f, X, y, **kw: fgsm(f, X, y, 0.1, **kw),
                                    lambda f, X, y, **kw: pgd(f, X, y, 0.1, steps=2, **kw)])
def test_the_default_loss_needs_labels_in_the_unit_interval_and_another_loss_does_not(attack):
    X, y, f = problem()
    with pytest.raises(ValueError, match=r"^y must lie in \[0, 1\] for the default logistic loss"):
        attack(f, X, y + 1)
    assert attack(f, X, y + 1, loss=lambda out, yy: (out - yy) ** 2).shape == X.shape


def test_plain_pgd_is_textbook_pgd_on_a_network():
    rng = np.random.default_rng(3)
    X = torch.as_tensor(rng.normal(size=(12, 4)))
    y = torch.as_tensor((rng.uniform(size=12) > 0.5).astype(float))
    net = seeded(ReLUMLP(4, (16,), bias=True), 3)
    Xa = pgd(net, X, y, 0.5, norm="inf", steps=6, step_size=0.15, random_start=False, keep_best=False)
    assert torch.allclose(Xa, _textbook_pgd(net, X, y, 0.5, 6, 0.15), rtol=0, atol=1e-15)


@pytest.mark.parametrize("alias,name", [(2, 2), ("2", 2), ("l2", 2), ("L2", 2),
                                        ("inf", "inf"), ("linf", "inf"), ("Linf", "inf"), (float("inf"), "inf")])
def test_norm_aliases(alias, name):
    assert norm_name(alias) == name


def test_numpy_list_and_image_inputs_are_accepted():
    X, y, f = problem()
    ref = fgsm(f, X, y, 0.1)
    assert torch.equal(fgsm(f, X.numpy(), y, 0.1), ref)
    from_list = fgsm(f, X.tolist(), y, 0.1)  # a list becomes a tensor of the default dtype (float32)
    assert from_list.dtype == torch.get_default_dtype()
    assert torch.allclose(from_list.double(), ref, rtol=0, atol=1e-6)  # float32 rounding of O(1) entries
    images = np.random.default_rng(0).normal(size=(4, 1, 3, 3))

    def net(Z):
        return Z.flatten(1).sum(1)

    out = fgsm(net, images, torch.ones(4, dtype=torch.float64), 0.1)
    assert out.shape == (4, 1, 3, 3)


def test_labels_may_have_trailing_dimensions():
    # soft labels of a 3-class model, one row per example, with a matching loss
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.normal(size=(5, 4)))
    W = torch.as_tensor(rng.normal(size=(4, 3)))
    y = torch.softmax(torch.as_tensor(rng.normal(size=(5, 3))), dim=1)

    def loss(out, yy):
        return torch.nn.functional.cross_entropy(out, yy, reduction="none")

    Xa = pgd(lambda Z: Z @ W, X, y, 0.1, steps=2, loss=loss, generator=torch.Generator().manual_seed(0))
    assert Xa.shape == X.shape


@pytest.mark.parametrize("call,pattern", [
    (lambda f, X, y: pgd(f, "abc", y, 0.1), r"^X must be a torch.Tensor or numpy array, got str$"),
    (lambda f, X, y: pgd(f, X[:, 0], y, 0.1), r"^X must be a non-empty batch of shape \(n, \.\.\.\), got shape \(8,\)$"),
    (lambda f, X, y: pgd(f, X[:0], y[:0], 0.1), r"^X must be a non-empty batch of shape \(n, \.\.\.\), got shape \(0, 3\)$"),
    (lambda f, X, y: fgsm(f, X * float("nan"), y, 0.1), r"^X must be finite \(no NaN or inf\)$"),
    (lambda f, X, y: pgd(f, X, y[:-1], 0.1), r"^y must have one label per example: X has 8, y has \(7,\)$"),
    (lambda f, X, y: pgd("f", X, y, 0.1), r"^f must be callable, got str$"),
    (lambda f, X, y: pgd(f, X, y, "abc"), r"^eps must be a number >= 0, got 'abc'$"),
    (lambda f, X, y: pgd(f, X, y, float("inf")), r"^eps must be a finite number >= 0, got inf$"),
    (lambda f, X, y: pgd(f, X, y, 0.1, loss=lambda out, yy: out[:, None]),
     r"^loss\(outputs, y\) must return one value per example, got shape \(8, 1\)$"),
    (lambda f, X, y: pgd(f, X, y, 0.1, generator=0), r"^generator must be a torch.Generator"),
    (lambda f, X, y: pgd(f, X, y, 0.1, steps=0), r"^steps must be a positive integer, got 0$"),
    (lambda f, X, y: pgd(f, X, y, 0.1, restarts=0), r"^restarts must be a positive integer, got 0$"),
    (lambda f, X, y: pgd(f, X, y, 0.1, step_size=0.0), r"^step_size must be a finite number > 0, got 0.0$"),
    (lambda f, X, y: pgd(f, X, y, 0.1, trace=True, keep_best=False),
     r"^keep_best=False returns the last iterate: it needs restarts=1 and trace=False$"),
])
def test_bad_input_gives_the_documented_message(call, pattern):
    X, y, f = problem()
    with pytest.raises(ValueError, match=pattern):
        call(f, X, y)


@pytest.mark.parametrize("norm", ["inf", 2])
def test_the_random_start_is_drawn_from_the_callers_generator_in_xs_dtype(norm):
    """The documented draw ("Randomness"): on the CPU, from the caller's generator, in X's dtype (float64 inputs
    get a float64 start, not a float32 one promoted)."""
    X = torch.zeros(5, 1, 2, 2, dtype=torch.float64)
    rec = Recorder()
    pgd(flat, X, torch.zeros(5, dtype=torch.float64), 0.3, norm=norm, steps=1, projection=rec,
        generator=torch.Generator().manual_seed(4))
    g = torch.Generator().manual_seed(4)
    if norm == "inf":
        expected = (2 * torch.rand(X.shape, generator=g, dtype=X.dtype) - 1) * 0.3
    else:
        z = torch.randn(X.shape, generator=g, dtype=X.dtype)
        z = z / z.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
        expected = z * (0.3 * torch.rand(5, generator=g, dtype=X.dtype) ** (1 / 4)).view(-1, 1, 1, 1)
    assert torch.allclose(rec.calls[0][0], expected, rtol=4 * torch.finfo(X.dtype).eps, atol=0)


@pytest.mark.parametrize("keep_best", [True, False])
def test_no_random_draw_at_eps_zero(keep_best):
    """eps = 0 has nothing to draw: the caller's generator is left where it was."""
    X, y, f = problem()
    g = torch.Generator().manual_seed(9)
    state = g.get_state()
    assert torch.equal(pgd(f, X, y, 0.0, generator=g, keep_best=keep_best), X)
    assert torch.equal(g.get_state(), state)


def test_a_custom_loss_with_class_labels_and_bounds_is_accepted():
    """With loss= the labels are the caller's business (class indices here), and bounds still apply."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3)).double()
    X = torch.rand(6, 1, 2, 2, dtype=torch.float64)
    labels = torch.tensor([0, 2, 1, 2, 0, 1])

    def ce(out, t):
        return torch.nn.functional.cross_entropy(out, t, reduction="none")

    for attack in (lambda: fgsm(net, X, labels, 0.1, loss=ce, bounds=(0.0, 1.0)),
                   lambda: pgd(net, X, labels, 0.1, loss=ce, bounds=(0.0, 1.0), steps=2,
                               generator=torch.Generator().manual_seed(0))):
        Xa = attack()
        assert Xa.min() >= 0 and Xa.max() <= 1 and (Xa - X).abs().max() <= 0.1 + 1e-15


def test_inputs_on_the_bounds_are_inside_them():
    """Bounds are closed, compared in X's dtype: float64 pixels equal to lo = 0.1 or hi = 0.9 (not float32
    numbers) are inside."""
    X, y, f = problem(n=4, d=2)
    Xb = torch.tensor([[0.1, 0.5], [0.9, 0.3], [0.1, 0.9], [0.4, 0.6]], dtype=torch.float64)
    for attack in (lambda: fgsm(f, Xb, y, 0.05, bounds=(0.1, 0.9)),
                   lambda: pgd(f, Xb, y, 0.05, bounds=(0.1, 0.9), steps=2, generator=torch.Generator().manual_seed(0))):
        Xa = attack()
        assert Xa.min() >= 0.1 and Xa.max() <= 0.9


def test_a_custom_linf_projection_is_used():
    """The fused l-inf step is the library's projection; any other projection is called as given."""
    X, y, f = problem()
    calls = []

    def halfway(delta, eps, norm):
        calls.append(norm)
        return project(delta, eps / 2, norm)

    Xa = pgd(f, X, y, 0.2, norm="inf", steps=4, projection=halfway, generator=torch.Generator().manual_seed(0))
    assert len(calls) == 5 and (Xa - X).abs().max() <= 0.1 + 1e-15  # the start and every step
