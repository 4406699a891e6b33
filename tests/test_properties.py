r"""Property-based tests (hypothesis) of the identities that hold for *all* parameters.

Complements the properties already in ``test_laws.py`` (tilde-D weights sum to 1 and its first two moments,
Gauss--Jacobi exactness), ``test_losses.py`` (permutation invariance on one fixed data set),
``test_attacks.py`` (PGD stays in the ball on vectors) and ``test_identity_b2.py`` (Euler's identity for
bias-free MLPs). Every run is deterministic (``derandomize=True``, no example database).

Symmetry under (alpha, beta) <-> (beta, alpha): where it holds, and where it does not
--------------------------------------------------------------------------------------
*Holds:*

- **Eq. (1), the exact Mixup loss over all n^2 pairs with labels mixed by the same lambda.** If
  :math:`\lambda\sim\mathrm{Beta}(\beta,\alpha)` then :math:`1-\lambda\sim\mathrm{Beta}(\alpha,\beta)`, and
  :math:`\lambda z_i + (1-\lambda) z_j = (1-\lambda) z_j + \lambda z_i`: the substitution
  :math:`\lambda\to1-\lambda` followed by :math:`i\leftrightarrow j` maps one sum onto the other, for any f
  and h. Numerically it holds to the discrepancy between scipy's Gauss--Jacobi rules for Beta(alpha, beta)
  and Beta(beta, alpha), which are mirror images only up to round-off (the tiny extreme weights differ by up
  to ~3e5 ulp relative at alpha = 0.05, beta = 20); the tolerance is bounded from that measured discrepancy.
- **tilde-D_lambda itself** (Lemma 3.1): swapping gives
  :math:`\frac{\beta}{\alpha+\beta}\mathrm{Beta}(\beta+1,\alpha) + \frac{\alpha}{\alpha+\beta}\mathrm{Beta}(\alpha+1,\beta)`,
  the *same* two weighted components in the other order -- the mixture is symmetric as a law (the
  library's two BetaMixture objects hold bit-identical (weight, component) pairs). Hence Eq. (9) with
  tilde-D, R1, R2, R3, the approximation Eq. (3), the coefficient of Eq. (7) and
  :math:`\mathbb E_{\mathrm{Beta}(\alpha,\beta)}[\lambda(1-\lambda)]` are symmetric; in the implementation
  R1..R3, Eq. (3) and the Eq. (7) coefficient are even **bitwise** symmetric (a sum of the same two terms
  in the other order).

*Does not hold:*

- **D_lambda = Beta(alpha, beta) itself**, and anything that uses it without the i <-> j relabelling:
  E[lambda] = alpha/(alpha+beta); Eq. (9) with Beta(alpha, beta) in place of tilde-D (labels not mixed);
  the Eq. (7) coefficient under D_lambda (finite iff alpha > 2, whatever beta).
- **A fixed set of pairs not closed under reversal**, e.g. a training loop's partner permutation that is a
  3-cycle: :math:`L_P(\beta,\alpha) = L_{P^{rev}}(\alpha,\beta) \ne L_P(\alpha,\beta)` in general (concrete
  example below). All n^2 pairs, or a uniformly random partner permutation in expectation, are closed under
  reversal, which is why Eq. (1) and mixup-cifar10's training objective (in expectation) are symmetric.
- **The Monte Carlo estimator with a fixed seed** (:func:`mixverify.mixup_loss_mc`): the same seed draws
  the same pairs (i, j) but different lambdas (numpy's Beta(beta, alpha) draw is not 1 - its Beta(alpha, beta)
  draw), so the two estimates differ pathwise; they agree only in distribution (within their standard errors).
"""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mixverify import (
    Beta,
    approx_mixup_loss,
    expect,
    fgsm,
    linear_model,
    mixup_lambda_law,
    mixup_loss,
    mixup_loss_mc,
    mixup_regularizers,
    perturbation_loss,
    pgd,
    ratio_moment,
    tilde_lambda_law,
)
from mixverify.datasets import gaussian_data
from mixverify.homogeneity import accumulation_length, identity_residuals, input_gradients, rounding_bound
from mixverify.losses import eq2_loss
from mixverify.manifold import mixing_variance
from mixverify.models import ReLUCNN, ReLUMLP, random_two_layer, seeded
from mixverify.numerics import quadrature_error

EPS = float(np.finfo(float).eps)
U = EPS / 2  # unit round-off of float64

# Deterministic in CI: derandomize (examples from a fixed seed), no example database.
PROPS = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


def props(max_examples: int):
    return settings(PROPS, max_examples=max_examples)


params = st.floats(min_value=0.05, max_value=20.0, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**31 - 1)


def gamma(k: int, u: float = U) -> float:
    """Higham's gamma_k = k u / (1 - k u): the relative error bound of k floating-point operations."""
    return k * u / (1 - k * u)


# --- exact rational references -----------------------------------------------------------------------

def beta_mixed_moment(a: Fraction, b: Fraction, j: int, k: int) -> Fraction:
    r""":math:`\mathbb E_{\mathrm{Beta}(a,b)}[\lambda^j(1-\lambda)^k] = B(a+j, b+k)/B(a, b)
    = \prod_{r<j}(a+r)\prod_{r<k}(b+r)/\prod_{r<j+k}(a+b+r)`, in exact rational arithmetic."""
    num = math.prod((a + r for r in range(j)), start=Fraction(1)) * math.prod((b + r for r in range(k)), start=Fraction(1))
    return num / math.prod((a + b + r for r in range(j + k)), start=Fraction(1))


def tilde_mixed_moment(alpha: Fraction, beta: Fraction, j: int, k: int) -> Fraction:
    """The same moment under tilde-D_lambda (Lemma 3.1), from its definition as a two-component mixture."""
    s = alpha + beta
    return alpha / s * beta_mixed_moment(alpha + 1, beta, j, k) + beta / s * beta_mixed_moment(beta + 1, alpha, j, k)


# --- Lemma 3.1: tilde-D_lambda and Beta conjugacy ------------------------------------------------------

@props(60)
@given(params, params, st.integers(0, 5), st.integers(0, 5))
def test_tilde_law_is_the_label_split_of_beta_exactly(alpha, beta, j, k):
    r"""Lemma 3.1's mixture is what splitting the mixed label leaves:
    :math:`\mathbb E_{\tilde{\mathcal D}}[g(\lambda)] = \mathbb E_{\mathrm{Beta}(\alpha,\beta)}[\lambda g(\lambda)
    + (1-\lambda) g(1-\lambda)]` (conjugacy: :math:`\lambda\,\mathrm{Beta}(\alpha,\beta)\propto\mathrm{Beta}(\alpha+1,\beta)`).

    For :math:`g = \lambda^j(1-\lambda)^k` both sides are rationals in alpha, beta: the identity is checked
    exactly, then the library's tilde law (its weights, its Gauss--Jacobi quadrature) against it.
    """
    a, b = Fraction(alpha), Fraction(beta)  # the floats' exact values
    split = beta_mixed_moment(a, b, j + 1, k) + beta_mixed_moment(a, b, k, j + 1)  # (1-l) g(1-l) = l^k (1-l)^(j+1)
    exact = tilde_mixed_moment(a, b, j, k)
    assert split == exact  # exact rational arithmetic: the identity itself

    law = tilde_lambda_law(alpha, beta)
    # weights alpha/(alpha+beta), beta/(alpha+beta): two roundings each (the sum, the quotient)
    assert law.weights[0] == pytest.approx(float(a / (a + b)), rel=gamma(2), abs=0)
    assert law.weights[1] == pytest.approx(float(b / (a + b)), rel=gamma(2), abs=0)
    assert law.components == (Beta(alpha + 1, beta), Beta(beta + 1, alpha))
    # 8 nodes per component integrate degree <= 15 exactly. Tolerance: scipy's nodes and weights are accurate to a
    # few ulp *of 1* (not of 1 - lambda: near a singular end point, beta < 1, 1 - lambda loses relative accuracy),
    # and on [0, 1] |g| <= 1, |g'| <= j + k: an absolute error of O((j + k + 1) u); we allow 64 (j + k + 1) u.
    value = expect(law, lambda lam: lam**j * (1 - lam) ** k, nodes=8)
    assert abs(value - float(exact)) <= 64 * (j + k + 1) * U


@props(60)
@given(params, params, st.integers(0, 8))
def test_closed_form_moments_of_both_laws_are_exact(alpha, beta, k):
    r""":meth:`moment` and :meth:`moment_one_minus` of Beta(alpha, beta) and of tilde-D_lambda for every order k,
    against exact rational arithmetic. Tolerance: each of the k factors :math:`(a+r)/(a+b+r)` costs at most four
    roundings (two sums, a quotient, a product), the component parameters alpha + 1 one more each, the mixture's
    weights and sum three: :math:`\gamma_{4k+6}` relative (all terms are positive)."""
    a, b = Fraction(alpha), Fraction(beta)
    tol = gamma(4 * k + 6)
    D, T = mixup_lambda_law(alpha, beta), tilde_lambda_law(alpha, beta)
    assert D.moment(k) == pytest.approx(float(beta_mixed_moment(a, b, k, 0)), rel=tol, abs=0)
    assert D.moment_one_minus(k) == pytest.approx(float(beta_mixed_moment(a, b, 0, k)), rel=tol, abs=0)
    assert T.moment(k) == pytest.approx(float(tilde_mixed_moment(a, b, k, 0)), rel=tol, abs=0)
    assert T.moment_one_minus(k) == pytest.approx(float(tilde_mixed_moment(a, b, 0, k)), rel=tol, abs=0)


@props(40)
@given(params, params, st.floats(-4.0, 4.0))
def test_beta_conjugacy_for_an_analytic_integrand(alpha, beta, t):
    r""":math:`\mathbb E_{\mathrm{Beta}(\alpha,\beta)}[\lambda g(\lambda)] = \frac{\alpha}{\alpha+\beta}
    \mathbb E_{\mathrm{Beta}(\alpha+1,\beta)}[g(\lambda)]` for :math:`g = e^{t\lambda}` (not a polynomial, so the
    quadratures are not exact). Tolerance: each side's quadrature error estimate :math:`|Q_N - Q_{2N}|` plus its
    round-off floor (:func:`mixverify.numerics.quadrature_error`)."""
    def g(lam):
        return np.exp(t * lam)

    lhs, e1 = quadrature_error(lambda N: expect(Beta(alpha, beta), lambda lam: lam * g(lam), nodes=N), 12)
    rhs, e2 = quadrature_error(lambda N: expect(Beta(alpha + 1, beta), g, nodes=N), 12)
    assert abs(lhs - alpha / (alpha + beta) * rhs) <= e1 + e2 + 4 * EPS * abs(lhs)  # + the product's rounding


# --- Appendix B.2: bias-free ReLU / max-pooling networks -------------------------------------------------

def relu_net(kind: str, size: int, width: int, seed: int):
    """A seeded bias-free ReLU network (float64) and a batch of 4 inputs for it."""
    rng = np.random.default_rng(seed)
    if kind == "mlp":
        net = seeded(ReLUMLP(size, (width, width)), seed)
        X = torch.as_tensor(rng.standard_normal((4, size)))
    else:  # a CNN with two 2x2 max-pools: size = channels, side 8
        net = seeded(ReLUCNN(size, 8, width), seed)
        X = torch.as_tensor(rng.standard_normal((4, size, 8, 8)))
    return net, X


def magnitude(net, X) -> torch.Tensor:
    r""":math:`\bar M(x)`: the network with :math:`|W|` applied to :math:`|x|` and *no* activation mask (ReLU is the
    identity on non-negative numbers, max-pooling pools magnitudes). ReLU and max-pooling are 1-Lipschitz and
    monotone, so any error :math:`e` entering layer l reaches the output as at most
    :math:`|W^{[L]}|\cdots|W^{[l+1]}||e|`: the bound does not assume that two evaluations share a pattern."""
    absolute = _abs_copy(net)
    with torch.no_grad():
        return absolute(X.abs())


def _abs_copy(net):
    import copy

    twin = copy.deepcopy(net)
    with torch.no_grad():
        for p in twin.parameters():
            p.abs_()
    return twin


@props(20)
@given(st.sampled_from(["mlp", "cnn"]), st.integers(1, 3), st.integers(1, 6), seeds, st.integers(-30, 30))
def test_relu_nets_are_exactly_homogeneous_under_powers_of_two(kind, size, width, seed, m):
    r"""Positive homogeneity :math:`f(cx) = c f(x)` and the 0-homogeneity of the gradient,
    :math:`\nabla f(cx) = \nabla f(x)`, **bit for bit** for :math:`c = 2^m`: multiplying by a power of two is
    exact in binary floating point (no overflow or underflow at these sizes), so every intermediate is scaled
    exactly, ReLU and max-pooling commute with it, and both passes take the same pattern."""
    net, X = relu_net(kind, size, width, seed)
    c = 2.0**m
    with torch.no_grad():
        assert torch.equal(net(c * X), c * net(X))
    assert torch.equal(input_gradients(net, c * X), input_gradients(net, X))


@props(25)
@given(st.sampled_from(["mlp", "cnn"]), st.integers(1, 3), st.integers(1, 6), seeds, st.floats(1e-3, 1e3))
def test_relu_nets_are_positively_homogeneous(kind, size, width, seed, c):
    r""":math:`f(cx) = c f(x)` for every c > 0, up to round-off. Tolerance (Higham, Sec. 3.5, with the
    pattern-free magnitude :func:`magnitude`): the forward pass at cx errs by at most
    :math:`\gamma_K\bar M(cx)`, the one at x (scaled by c) by :math:`c\gamma_K\bar M(x)`, rounding the input cx
    moves the output by at most :math:`u\bar M(cx)`, and the final product by :math:`u c|f(x)|`; with
    :math:`\bar M(cx) = c\bar M(x)` (up to its own :math:`\gamma_K`), K from :func:`accumulation_length`."""
    net, X = relu_net(kind, size, width, seed)
    K = accumulation_length(net, X[0].numel())
    with torch.no_grad():
        lhs, fx = net(c * X), net(X)
    M = magnitude(net, X)
    tol = (2 * gamma(K) + U) * c * M * (1 + gamma(K)) + U * c * fx.abs()
    assert ((lhs - c * fx).abs() <= tol).all()


@props(12)
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")  # torch's forward-AD set-up
@given(st.integers(1, 2), st.integers(1, 4), seeds, st.floats(1e-2, 1e2))
def test_euler_identity_and_zero_hessian_for_bias_free_max_pooling_cnns(channels, width, seed, scale):
    r"""Appendix B.2 for convolutional nets with max-pooling (``test_identity_b2.py`` draws MLPs):
    :math:`|f(x) - \nabla f(x)^\top x| \le` :func:`rounding_bound` (the round-off bound with its written source)
    and the input Hessian is exactly 0 (autograd's second derivative of a piecewise-linear function)."""
    net = seeded(ReLUCNN(channels, 4, width), seed)
    X = scale * torch.as_tensor(np.random.default_rng(seed).standard_normal((3, channels, 4, 4)))
    r1, r2 = identity_residuals(net, X)
    assert (r1 <= rounding_bound(net, X)).all()
    assert (r2 == 0).all()


# --- FGSM and PGD: the eps-ball and the input domain ---------------------------------------------------

def ball_tolerance(X: torch.Tensor, eps: float, norm) -> torch.Tensor:
    r"""Per-example bound on :math:`\|\mathrm{fl}(x_a) - x\|` for a perturbation the attack projected onto the
    ball. l-infinity: the clamp is exact, then at most four roundings of numbers of size :math:`|x| + \varepsilon`
    (x + delta, clipping's c - x and x + that, and the test's subtraction): :math:`\varepsilon + 4u(|x|+\varepsilon)`.
    l2: the projection's factor :math:`\min(1, \varepsilon/\|\delta\|)` uses a norm accurate to :math:`\gamma_{D+2}`,
    the same four roundings per coordinate, and the test's own norm :math:`\gamma_D`."""
    u = torch.finfo(X.dtype).eps / 2
    flat = X.flatten(1)
    D = flat.shape[1]
    if norm == "inf":
        return eps + 4 * u * (flat.abs().amax(1) + eps)
    return (eps * (1 + gamma(D + 2, u)) + 4 * u * (flat.norm(dim=1) + eps)) * (1 + gamma(D, u))


def attack_setup(kind, dtype, seed, bounded):
    rng = np.random.default_rng(seed)
    if kind == "vectors":
        net = seeded(ReLUMLP(5, (6,), bias=True), seed, dtype)
        shape = (6, 5)
    else:
        net = seeded(ReLUCNN(2, 8, 2, bias=True), seed, dtype)
        shape = (6, 2, 8, 8)
    X = rng.uniform(0, 1, size=shape) if bounded else rng.standard_normal(shape)
    X = torch.as_tensor(X, dtype=dtype)
    if bounded:  # put some pixels on the bounds themselves
        X[X > 0.9] = 1.0
        X[X < 0.1] = 0.0
    y = torch.as_tensor((rng.uniform(size=shape[0]) > 0.5).astype(float), dtype=dtype)
    return net, X, y


def assert_in_ball_and_bounds(Xa, X, eps, norm, bounds):
    d = (Xa - X).flatten(1)
    size = d.abs().amax(1) if norm == "inf" else d.norm(dim=1)
    assert (size <= ball_tolerance(X, eps, norm)).all()
    if bounds is not None:
        # clamp lands in [lo, hi] exactly; x + (c - x) adds two roundings of size max(|lo|, |hi|) = 1
        u = torch.finfo(X.dtype).eps / 2
        assert float(Xa.min()) >= -2 * u and float(Xa.max()) <= 1 + 2 * u


attacks = dict(kind=st.sampled_from(["vectors", "images"]), dtype=st.sampled_from([torch.float32, torch.float64]),
               seed=seeds, norm=st.sampled_from([2, "inf"]), eps=st.floats(1e-3, 2.0), bounded=st.booleans())


@props(40)
@given(**attacks)
def test_fgsm_never_leaves_the_ball_nor_the_bounds(kind, dtype, seed, norm, eps, bounded):
    net, X, y = attack_setup(kind, dtype, seed, bounded)
    bounds = (0.0, 1.0) if bounded else None
    Xa = fgsm(net, X, y, eps, norm=norm, bounds=bounds)
    assert Xa.shape == X.shape and Xa.dtype == X.dtype
    assert_in_ball_and_bounds(Xa, X, eps, norm, bounds)


@props(40)
# found by this test: in float32 a zero input gradient (dead ReLUs) gave NaN, 1e-300 being 0 there (fixed)
@example(kind="vectors", dtype=torch.float32, seed=1, norm=2, eps=1.0, bounded=False, steps=1, restarts=1,
         random_start=False, keep_best=False)
@given(**attacks, steps=st.integers(1, 6), restarts=st.integers(1, 2), random_start=st.booleans(),
       keep_best=st.booleans())
def test_pgd_never_leaves_the_ball_nor_the_bounds(kind, dtype, seed, norm, eps, bounded, steps, restarts,
                                                   random_start, keep_best):
    net, X, y = attack_setup(kind, dtype, seed, bounded)
    bounds = (0.0, 1.0) if bounded else None
    Xa = pgd(net, X, y, eps, norm=norm, steps=steps, restarts=1 if not keep_best else restarts,
             random_start=random_start, keep_best=keep_best, bounds=bounds, generator=torch.Generator().manual_seed(seed))
    assert Xa.shape == X.shape and Xa.dtype == X.dtype
    assert_in_ball_and_bounds(Xa, X, eps, norm, bounds)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_a_zero_gradient_is_no_step_not_nan(dtype):
    """l2 FGSM / PGD normalise the gradient by its norm: a zero gradient (every ReLU dead) must give no step. The
    norm's floor was 1e-300, which is 0 in float32, so float32 attacks returned NaN images; eps = 0 likewise."""
    def dead(Z):
        return torch.relu(Z[:, 0] - 10.0)

    X, y = torch.zeros(2, 3, dtype=dtype), torch.tensor([0.0, 1.0], dtype=dtype)
    assert torch.equal(fgsm(dead, X, y, 0.5, norm=2), X)
    assert torch.equal(pgd(dead, X, y, 0.5, norm=2, steps=2, random_start=False, keep_best=False), X)
    assert torch.equal(pgd(lambda Z: Z.sum(1), X, y, 0.0, norm=2, steps=2, keep_best=False), X)


# --- Eq. (1) and Eq. (9): invariance to permuting the data set ------------------------------------------

def data_and_model(n, d, seed, model):
    rng = np.random.default_rng(seed)
    X, y, theta = gaussian_data(n, d, rng)
    f = linear_model(theta) if model == "linear" else random_two_layer(d, 4, rng)
    return X, y, f


@props(25)
@given(st.integers(2, 6), st.integers(1, 3), seeds, st.sampled_from(["linear", "tanh"]), params, params, st.data())
def test_exact_losses_are_invariant_to_permuting_the_data_set(n, d, seed, model, alpha, beta, data):
    r"""Eq. (1) and Eq. (9) (with tilde-D) average over all pairs, so permuting (X, y) together cannot change
    them. Tolerance: a permutation moves rows, so every per-pair term is computed by the same arithmetic on
    the same numbers and only the order of summation changes; two sums of the same N non-negative terms (the
    loss of Eq. (2) with h = softplus is >= 0, the weights are > 0) differ by at most :math:`2\gamma_N` times
    the sum, N = nodes x n^2 (x 2 components for Eq. (9))."""
    X, y, f = data_and_model(n, d, seed, model)
    p = torch.as_tensor(data.draw(st.permutations(list(range(n)))))
    base = float(mixup_loss(f, X, y, alpha, beta, nodes=16))
    assert float(mixup_loss(f, X[p], y[p], alpha, beta, nodes=16)) == pytest.approx(base, rel=2 * gamma(16 * n * n), abs=0)
    law = tilde_lambda_law(alpha, beta)
    base = float(perturbation_loss(f, X, y, law, nodes=16))
    assert float(perturbation_loss(f, X[p], y[p], law, nodes=16)) == pytest.approx(base, rel=2 * gamma(32 * n * n), abs=0)


# --- symmetry under (alpha, beta) <-> (beta, alpha) -------------------------------------------------------

def rule_discrepancy_bound(alpha, beta, nodes, X, theta, L) -> float:
    r"""Bound on :math:`|L(\alpha,\beta) - L(\beta,\alpha)|` for Eq. (1), a linear model and h = softplus, when
    the two Gauss--Jacobi rules are mirror images only up to round-off.

    With :math:`u = \theta^\top x` on the segment, :math:`|u| \le U_{max} = \max_i|\theta^\top x_i|`, so the
    integrand is at most :math:`U_{max} + \log 2` and its lambda-derivative
    :math:`(h'(u) - y_\lambda)(u_i - u_j) - (y_i - y_j)u` at most :math:`3U_{max}`. The rules contribute
    :math:`\sum_k|w_k - w'_k|(U_{max} + \log 2) + \max_k|\lambda_k - (1 - \lambda'_k)|\,3U_{max}`; forming the mixed
    inputs and their products with theta in two orders, at most :math:`4(d + 2)u\max_i|\theta|^\top|x_i|` per term
    (the loss is 1-Lipschitz in u for y in [0, 1]); summing N = nodes x n^2 terms, :math:`2\gamma_N L`.
    """
    lam1, w1 = Beta(alpha, beta).quadrature(nodes)
    lam2, w2 = Beta(beta, alpha).quadrature(nodes)
    umax = float((X @ theta).abs().max())
    mag = float((X.abs() @ theta.abs()).max())
    rules = np.abs(w2[::-1] - w1).sum() * (umax + math.log(2)) + np.abs(1 - lam2[::-1] - lam1).max() * 3 * umax
    n, d = X.shape
    return rules + 4 * (d + 2) * U * mag + 2 * gamma(nodes * n * n) * abs(L)


@props(30)
@given(st.integers(2, 6), st.integers(1, 3), seeds, params, params)
def test_exact_mixup_loss_is_symmetric_in_alpha_and_beta(n, d, seed, alpha, beta):
    """Eq. (1) over all n^2 pairs: lambda -> 1 - lambda and i <-> j (module docstring)."""
    rng = np.random.default_rng(seed)
    X, y, theta = gaussian_data(n, d, rng)
    f = linear_model(theta)
    L = float(mixup_loss(f, X, y, alpha, beta))
    assert abs(L - float(mixup_loss(f, X, y, beta, alpha))) <= rule_discrepancy_bound(alpha, beta, 32, X, theta, L)


@props(30)
@given(st.integers(2, 6), st.integers(1, 3), seeds, st.sampled_from(["linear", "tanh"]), params, params)
def test_tilde_law_and_what_depends_on_it_are_symmetric(n, d, seed, model, alpha, beta):
    """tilde-D(beta, alpha) is tilde-D(alpha, beta) with its components listed in the other order (bit for bit),
    so R1..R3, Eq. (3), the Eq. (7) coefficient and E_Beta[lambda(1 - lambda)] are bitwise symmetric, and Eq. (9)
    symmetric up to the order of summation (2 gamma_N, N = 2 x nodes x n^2 non-negative terms)."""
    T1, T2 = tilde_lambda_law(alpha, beta), tilde_lambda_law(beta, alpha)
    assert set(zip(T1.weights, T1.components)) == set(zip(T2.weights, T2.components))
    X, y, f = data_and_model(n, d, seed, model)
    assert [float(r) for r in mixup_regularizers(f, X, y, alpha, beta)] == \
        [float(r) for r in mixup_regularizers(f, X, y, beta, alpha)]
    assert float(approx_mixup_loss(f, X, y, alpha, beta)) == float(approx_mixup_loss(f, X, y, beta, alpha))
    assert ratio_moment(alpha, beta) == ratio_moment(beta, alpha)
    assert mixing_variance(alpha, beta) == mixing_variance(beta, alpha)
    L = float(perturbation_loss(f, X, y, T1, nodes=16))
    assert float(perturbation_loss(f, X, y, T2, nodes=16)) == pytest.approx(L, rel=2 * gamma(32 * n * n), abs=0)


def fixed_pairs_loss(f, X, y, pairs, alpha, beta, nodes=32) -> float:
    r"""Eq. (1) restricted to a fixed list of pairs (i, j), as a training loop with a fixed partner
    permutation sees it in expectation over lambda: :math:`\frac1{|P|}\sum_{(i,j)\in P}
    \mathbb E_{\mathrm{Beta}(\alpha,\beta)}\ell(\lambda x_i + (1-\lambda)x_j, \lambda y_i + (1-\lambda)y_j)`."""
    lam, w = Beta(alpha, beta).quadrature(nodes)
    lam = torch.as_tensor(np.array(lam), dtype=X.dtype)[:, None]
    i, j = (torch.as_tensor(t) for t in zip(*pairs))
    out = f((lam[..., None] * X[i] + (1 - lam[..., None]) * X[j]).reshape(-1, X.shape[1])).view(lam.shape[0], -1)
    labels = lam * y[i] + (1 - lam) * y[j]
    return float((torch.as_tensor(np.array(w), dtype=X.dtype) @ eq2_loss(out, labels)).mean())


def test_where_symmetry_fails_beta_itself_fixed_pairs_and_seeded_monte_carlo():
    """Concrete counterexamples for the asymmetric cases of the module docstring (Figure 1a's alpha = 5, beta = 0.5)."""
    alpha, beta = 5.0, 0.5
    X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
    f = linear_model(torch.tensor([1.5, -0.5], dtype=torch.float64))

    # D_lambda: E[lambda] = alpha / (alpha + beta) = 10/11 against 1/11
    assert mixup_lambda_law(alpha, beta).moment(1) == pytest.approx(10 / 11)
    assert mixup_lambda_law(beta, alpha).moment(1) == pytest.approx(1 / 11)
    # Eq. (9) with D_lambda in place of tilde-D (labels not mixed): a relative difference of ~40%
    a = float(perturbation_loss(f, X, y, mixup_lambda_law(alpha, beta)))
    b = float(perturbation_loss(f, X, y, mixup_lambda_law(beta, alpha)))
    assert abs(a - b) > 0.1 * a
    # the Eq. (7) coefficient under D_lambda is finite iff alpha > 2, whatever beta
    assert math.isfinite(ratio_moment(alpha, beta, mixup_lambda_law(alpha, beta)))
    assert math.isinf(ratio_moment(beta, alpha, mixup_lambda_law(beta, alpha)))

    # Fixed pairs: a 3-cycle partner is not closed under reversal ...
    cycle = [(0, 1), (1, 2), (2, 0)]
    reverse = [(j, i) for i, j in cycle]
    both = cycle + reverse
    tol = 1e-12  # 32-node Gauss--Jacobi on an analytic integrand over [0, 1]: far below this; round-off ~1e-16
    # 0.30672 against 0.30401: nine orders of magnitude above the quadrature's accuracy
    assert abs(fixed_pairs_loss(f, X, y, cycle, alpha, beta) - fixed_pairs_loss(f, X, y, cycle, beta, alpha)) > 1e-3
    # ... L_P(beta, alpha) = L_{P reversed}(alpha, beta), and a set closed under reversal is symmetric
    assert fixed_pairs_loss(f, X, y, cycle, beta, alpha) == pytest.approx(
        fixed_pairs_loss(f, X, y, reverse, alpha, beta), abs=tol)
    assert fixed_pairs_loss(f, X, y, both, alpha, beta) == pytest.approx(
        fixed_pairs_loss(f, X, y, both, beta, alpha), abs=tol)
    # all n^2 pairs is Eq. (1) itself
    every = [(i, j) for i in range(3) for j in range(3)]
    assert fixed_pairs_loss(f, X, y, every, alpha, beta) == pytest.approx(float(mixup_loss(f, X, y, alpha, beta)), abs=tol)


@props(15)
@given(params, params, seeds)
def test_seeded_monte_carlo_is_symmetric_only_in_distribution(alpha, beta, seed):
    """Same seed: same pairs, different lambdas, so the estimates differ pathwise unless alpha == beta; they agree
    within 4 combined standard errors (P(|Z| > 4) = 6.3e-5, mixverify.numerics.Z_MC; deterministic here)."""
    X, y, theta = gaussian_data(6, 2, np.random.default_rng(seed))
    f = linear_model(theta)
    a = mixup_loss_mc(f, X, y, alpha, beta, samples=2000, generator=np.random.default_rng(seed))
    b = mixup_loss_mc(f, X, y, beta, alpha, samples=2000, generator=np.random.default_rng(seed))
    if alpha == beta:
        assert a == b
    else:
        assert a.mean != b.mean
    assert abs(a.mean - b.mean) <= 4 * math.hypot(a.stderr, b.stderr)
