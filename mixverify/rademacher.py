r"""Empirical Rademacher complexity of linear classes with an ellipsoidal constraint (Theorem 3.4,
Remark 3.2 and Appendix A.3.2 of Zhang et al. 2021).

For a PSD matrix M the class :math:`\{x\mapsto\theta^\top x:\ \theta^\top M\theta\le\gamma\}` has

.. math::

    \mathrm{Rad}(S) = \mathbb E_\xi\,\sup_{\theta^\top M\theta\le\gamma}\frac1n\sum_i\xi_i\theta^\top x_i
    = \frac1n\,\mathbb E_\xi\, h_\gamma\Big(\sum_i\xi_i x_i\Big),\qquad
    h_\gamma(u) = \begin{cases}\sqrt{\gamma\,u^\top M^+u} & u\in\mathrm{range}(M)\\ +\infty & \text{otherwise}
    \end{cases}

(the support function of the ellipsoid, derived by Lagrange in ``derivations/theorem_3_4.py``). If M is
singular and u has a component n outside its range, :math:`\theta = t n` is feasible for every t and
:math:`\theta^\top u = t\,n^\top u\to\infty`. The class of Theorem 3.4 uses :math:`M=\Sigma_X`
(through its :math:`\rho`-relaxation), the ridge class of Remark 3.2 uses :math:`M = I`.

Everything is float64 numpy; a Rademacher estimate draws all sign vectors at once (one matrix product).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import _validate
from .numerics import EPS64

#: Safety factor on the float64 round-off bounds below (a bound of k ulp is used as 64 k ulp).
ULP_SAFETY = 64.0
#: Largest n for which :func:`rademacher_complexity_exact` enumerates the 2^(n-1) sign vectors.
EXACT_MAX_N = 20


# --- input checking -----------------------------------------------------------------------------


# --- the geometry of a PSD matrix ---------------------------------------------------------------

@dataclass(frozen=True)
class PSDGeometry:
    r"""Eigen-decomposition of a PSD matrix split into its range and null space.

    ``range_tol`` is the relative size below which a vector's component outside the range is round-off:
    eigh is backward stable (error :math:`\lesssim p\,\epsilon\|M\|`), so by Davis--Kahan the computed
    null space is off by an angle :math:`\lesssim p\,\epsilon\,\kappa_+` with
    :math:`\kappa_+ = \lambda_{max}/\lambda_{min}^+`; a vector exactly in the range therefore shows a
    null component of at most :math:`(p\kappa_+ + 1)\epsilon\|u\|` (the 1 for forming u), times
    :data:`ULP_SAFETY`.
    """

    matrix: np.ndarray
    evals: np.ndarray  # the positive eigenvalues, shape (rank,)
    basis: np.ndarray  # orthonormal basis of range(M), shape (p, rank)
    null: np.ndarray  # orthonormal basis of the null space, shape (p, p - rank)
    range_tol: float

    @property
    def rank(self) -> int:
        return int(self.evals.size)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[0])

    def pinv_sqrt(self) -> np.ndarray:
        r""":math:`M^{\dagger/2}` (the whitening map :math:`\tilde x = \Sigma_X^{\dagger/2}x` of A.3.2)."""
        return (self.basis / np.sqrt(self.evals)) @ self.basis.T

    def sqrt(self) -> np.ndarray:
        return (self.basis * np.sqrt(self.evals)) @ self.basis.T

    def outside(self, U: np.ndarray) -> np.ndarray:
        """Boolean per row of U: a component outside range(M) beyond round-off."""
        off = np.linalg.norm(U @ self.null, axis=-1) if self.null.size else np.zeros(U.shape[:-1])
        return off > self.range_tol * np.linalg.norm(U, axis=-1)


def psd_geometry(M) -> PSDGeometry:
    """Validate a symmetric PSD matrix and split it into range and null space.

    An eigenvalue counts as zero below ``p * eps * lambda_max`` (numpy's ``matrix_rank`` rule); one more
    negative than :data:`ULP_SAFETY` times that is not round-off and is refused.
    """
    if isinstance(M, PSDGeometry):
        return M
    M = _validate.array("M", M, 2)
    p = M.shape[0]
    if M.shape != (p, p):
        raise ValueError(f"M must be square, got shape {M.shape}")
    scale = float(np.abs(M).max())
    if np.abs(M - M.T).max() > ULP_SAFETY * p * EPS64 * max(scale, 1e-300):
        raise ValueError("M must be symmetric")
    w, V = np.linalg.eigh((M + M.T) / 2)
    top = max(float(w.max()), 0.0)
    cut = top * p * EPS64
    if w.min() < -ULP_SAFETY * cut:
        raise ValueError(f"M must be positive semi-definite, its smallest eigenvalue is {w.min():.3g}")
    keep = w > cut
    kappa = top / float(w[keep].min()) if keep.any() else 1.0
    return PSDGeometry(M, w[keep], V[:, keep], V[:, ~keep], ULP_SAFETY * EPS64 * (p * kappa + 1.0))


def mixup_covariance(X) -> np.ndarray:
    r""":math:`\hat\Sigma = \frac1n\sum_i(x_i-\bar x)(x_i-\bar x)^\top`: the matrix of the quadratic form that
    Mixup's regularizer penalises (Lemma 3.1's :math:`\mathcal R_2` with :math:`A''=1` equals
    :math:`\mathbb E[(1-\lambda)^2]\,\theta^\top\hat\Sigma\theta`; Lemma 3.3 states it for centred data).
    Mixing is shift invariant, so it is the *centred* covariance."""
    X = _validate.array("X", X, 2)
    C = X - X.mean(0)
    return C.T @ C / X.shape[0]


def second_moment(X) -> np.ndarray:
    r"""Uncentred :math:`\frac1n\sum_i x_ix_i^\top`; :math:`\mathbb E_\xi\|\sum_i\xi_ix_i\|^2 = n\,\mathrm{tr}` of it."""
    X = _validate.array("X", X, 2)
    return X.T @ X / X.shape[0]


def population_second_moment(points) -> np.ndarray:
    r""":math:`\Sigma_X = \mathbb E[xx^\top]` of the uniform law on a finite population (Theorem 3.4).

    Theorem 3.4's class is the one Mixup controls only for centred data (Lemma 3.3, "the centralized
    dataset"); a population whose mean exceeds the round-off of summing it is refused.
    """
    P = _validate.array("points", points, 2)
    N = P.shape[0]
    mean = P.mean(0)
    tol = 4 * N * EPS64 * float(np.linalg.norm(P, axis=1).max())  # recursive-summation bound N eps max|x|
    if np.linalg.norm(mean) > tol:
        raise ValueError(f"hypothesis not met: the population is not centred (|mean| = {np.linalg.norm(mean):.3g}); "
                         "Lemma 3.3 / Theorem 3.4 need centred x -- subtract the mean first")
    return P.T @ P / N


# --- the supremum over the ellipsoid ------------------------------------------------------------

def ellipsoid_support(U, M, gamma) -> np.ndarray | float:
    r""":math:`\sup_{\theta^\top M\theta\le\gamma}\theta^\top u = \sqrt{\gamma\,u^\top M^+u}` for u in
    range(M), :math:`+\infty` otherwise; one value per row of U (a float for a vector u).

    ``M`` may be a :class:`PSDGeometry` to reuse its eigen-decomposition.
    """
    gamma = _validate.positive("gamma", gamma)
    geo = psd_geometry(M)
    U = _validate.array("U", U, 1 if np.ndim(U) == 1 else 2)
    U2 = np.atleast_2d(U)
    if U2.shape[1] != geo.dim:
        raise ValueError(f"U must have {geo.dim} columns (the dimension of M), got shape {U.shape}")
    coef = U2 @ geo.basis
    q = (coef**2 / geo.evals).sum(1) if geo.rank else np.zeros(U2.shape[0])
    val = np.sqrt(gamma * q)
    out = geo.outside(U2)
    val[out] = np.inf
    return float(val[0]) if U.ndim == 1 else val


def support_bruteforce(u, M, gamma, *, points: int = 4096) -> tuple[float, float]:
    r"""Brute-force reference for :func:`ellipsoid_support` in the plane (p = 2), with no inverse.

    Every direction :math:`w(\phi)` with :math:`w^\top Mw > 0` reaches the boundary at
    :math:`\theta = \sqrt{\gamma/w^\top Mw}\,w`, so :math:`g(\phi) = \sqrt\gamma\,w^\top u/\sqrt{w^\top Mw}` on a
    grid of ``points`` angles are values of feasible points. Each is lowered by its float64 round-off,
    :data:`ULP_SAFETY` ulp times :math:`1 + \|M\|/w^\top Mw + \|u\|/|w^\top u|` (the relative error of the
    quotient, large near a null direction of a singular M), so their maximum L is a certified lower bound.
    Returns (L, err), err bounding the gap to the supremum: the second-order bound within a grid cell,
    :math:`\max|g''|(h/2)^2/2` with :math:`|g''|` taken as twice the second difference at the best point
    over :math:`h^2` (to cover its variation over the cell), plus twice the round-off allowance there.
    """
    gamma = _validate.positive("gamma", gamma)
    points = _validate.positive_int("points", points)
    u = _validate.array("u", u, 1)
    M = _validate.array("M", M, 2)
    if u.shape != (2,) or M.shape != (2, 2):
        raise ValueError(f"support_bruteforce works in the plane: u must have shape (2,), M (2, 2), got {u.shape}, {M.shape}")
    phi = np.arange(points) * (2 * np.pi / points)
    W = np.stack([np.cos(phi), np.sin(phi)], 1)
    q = np.einsum("ki,ij,kj->k", W, M, W)
    lin = W @ u
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = q > 0
        g = np.where(pos, np.sqrt(gamma) * lin / np.sqrt(np.where(pos, q, 1.0)), -np.inf)
        rel = ULP_SAFETY * EPS64 * (1.0 + np.abs(M).sum() / np.where(pos, q, 1.0) + np.abs(u).sum() / np.abs(lin))
    low = np.where(pos, g - np.abs(g) * rel, -np.inf)
    k = int(np.argmax(low))
    second = abs(g[k - 1] - 2 * g[k] + g[(k + 1) % points])
    return float(low[k]), float(2 * second / 8 + 2 * abs(g[k]) * rel[k])


# --- Rademacher complexities --------------------------------------------------------------------

Support = Callable[[np.ndarray, object, float], np.ndarray]


def _class_inputs(X, M, gamma):
    X = _validate.array("X", X, 2)
    gamma = _validate.positive("gamma", gamma)
    geo = psd_geometry(M)
    if X.shape[1] != geo.dim:
        raise ValueError(f"X must have {geo.dim} columns (the dimension of M), got shape {X.shape}")
    return X, gamma, geo


def _sums(xi: np.ndarray, X: np.ndarray, geo: PSDGeometry) -> np.ndarray:
    r""":math:`u = \sum_i\xi_ix_i` for rows x_i in range(M), formed in range coordinates,
    :math:`u = (\Xi XB)B^\top`: a sum that cancels (e.g. centred data and :math:`\xi = \mathbf 1`) then keeps
    its null-space component at round-off *relative to u*, instead of :math:`n\epsilon\max\|x_i\|`."""
    if not geo.null.size:
        return xi @ X
    return (xi @ (X @ geo.basis)) @ geo.basis.T


def rademacher_complexity(X, M, gamma, *, draws: int, generator: np.random.Generator,
                          support: Support = ellipsoid_support) -> tuple[float, float]:
    r"""Monte Carlo estimate and standard error of the empirical Rademacher complexity
    :math:`\mathbb E_\xi\sup_{\theta^\top M\theta\le\gamma}\frac1n\sum_i\xi_i\theta^\top x_i` (A.3.2).

    All ``draws`` sign vectors are drawn at once and mapped by one product :math:`\Xi X`; the supremum is
    the closed form ``support``. If some :math:`x_i` leaves range(M) the complexity is exactly
    :math:`+\infty`: flipping :math:`\xi_i` changes the out-of-range part of :math:`\sum\xi_jx_j` by
    :math:`2P^\perp x_i\ne0`, so a sign vector of probability :math:`\ge 2^{-n}` has an infinite
    supremum; (inf, 0.0) is returned (whatever ``support`` is: the class is M's).
    """
    X, gamma, geo = _class_inputs(X, M, gamma)
    draws = _validate.positive_int("draws", draws)
    if draws < 2:
        raise ValueError(f"draws must be at least 2 (for a standard error), got {draws}")
    generator = _validate.required_numpy_generator(generator)
    if geo.outside(X).any():
        return math.inf, 0.0
    xi = 2.0 * generator.integers(0, 2, size=(draws, X.shape[0])) - 1.0
    vals = np.asarray(support(_sums(xi, X, geo), geo, gamma), dtype=float) / X.shape[0]
    if not np.isfinite(vals).all():
        return math.inf, 0.0
    return float(vals.mean()), float(vals.std(ddof=1) / math.sqrt(draws))


def sign_vectors(n: int) -> np.ndarray:
    """All 2^(n-1) sign vectors with xi_1 = +1 (the other half are their negatives), shape (2^(n-1), n)."""
    n = _validate.positive_int("n", n)
    k = np.arange(2 ** (n - 1))[:, None]
    bits = (k >> np.arange(n - 1)) & 1
    return np.concatenate([np.ones((k.size, 1)), 1.0 - 2.0 * bits], 1)


def rademacher_complexity_exact(X, M, gamma, *, support: Support = ellipsoid_support) -> float:
    """The empirical Rademacher complexity by enumerating every sign vector (n <= 20).

    A symmetric class (theta -> -theta) has the same supremum at xi and -xi, so half of them suffice.
    """
    X, gamma, geo = _class_inputs(X, M, gamma)
    if X.shape[0] > EXACT_MAX_N:
        raise ValueError(f"X must have at most {EXACT_MAX_N} rows for exact enumeration, got {X.shape[0]}")
    if geo.outside(X).any():
        return math.inf
    U = _sums(sign_vectors(X.shape[0]), X, geo)
    return float(np.mean(np.asarray(support(U, geo, gamma), dtype=float)) / X.shape[0])


def expected_rademacher(population, M, gamma, n: int, *, samples: int, draws: int, generator: np.random.Generator,
                        support: Support = ellipsoid_support) -> tuple[float, float]:
    r""":math:`\mathbb E_S\,\mathrm{Rad}(S)` for S = n i.i.d. draws from the uniform law on ``population``:
    ``samples`` samples S with ``draws`` sign vectors each. The standard error is that of the mean of the
    per-sample estimates (their spread contains both the sample and the sign noise)."""
    P = _validate.array("population", population, 2)
    n = _validate.positive_int("n", n)
    samples = _validate.positive_int("samples", samples)
    if samples < 2:
        raise ValueError(f"samples must be at least 2 (for a standard error), got {samples}")
    generator = _validate.required_numpy_generator(generator)
    geo = psd_geometry(M)
    est = [rademacher_complexity(P[generator.integers(0, P.shape[0], size=n)], geo, gamma, draws=draws,
                                 generator=generator, support=support)[0] for _ in range(samples)]
    est = np.array(est)
    if not np.isfinite(est).all():
        return math.inf, 0.0
    return float(est.mean()), float(est.std(ddof=1) / math.sqrt(samples))


# --- Theorem 3.4 and Remark 3.2 -----------------------------------------------------------------

def _rho(rho) -> float:
    """rho of rho-retentiveness (Section 3.3), validated: a number in (0, 1/2]."""
    try:
        r = float(rho)
    except (TypeError, ValueError):
        raise ValueError(f"rho must be a number in (0, 1/2], got {rho!r}") from None
    if not (0 < r <= 0.5):
        raise ValueError(f"hypothesis not met: rho must lie in (0, 1/2] (rho-retentiveness, Section 3.3), got {rho!r}")
    return r


def relaxation_radius(gamma, rho) -> float:
    r""":math:`\max\{(\gamma/\rho)^{1/2}, \gamma/\rho\}`: A.3.2's bound on :math:`\theta^\top\Sigma_X\theta`
    over :math:`\mathcal W_\gamma` implied by :math:`\rho`-retentiveness."""
    g = _validate.positive("gamma", gamma) / _rho(rho)
    return max(g**0.5, g)


def retentive_radius(gamma, rho) -> float:
    r"""The radius of the proof of Theorem 3.4: :math:`a(\theta)\,\theta^\top\Sigma_X\theta \le \gamma` and
    rho-retentiveness give :math:`\|\Sigma_X^{1/2}\theta\| \le \max\{(\gamma/\rho)^{1/4}, (\gamma/\rho)^{1/2}\}`
    (the square root of :func:`relaxation_radius`)."""
    return math.sqrt(relaxation_radius(gamma, rho))


def sharp_relaxation_radius(gamma, rho) -> float:
    r"""The largest :math:`s=\theta^\top\Sigma_X\theta` compatible with :math:`a\,s\le\gamma` and
    :math:`a^2\ge\rho\min\{1,s\}`: :math:`(\gamma^2/\rho)^{1/3}` if that is < 1, else
    :math:`\gamma/\sqrt\rho` (never larger than :func:`relaxation_radius` for :math:`\rho\le1/2`)."""
    gamma, rho = _validate.positive("gamma", gamma), _rho(rho)
    small = (gamma**2 / rho) ** (1 / 3)
    return small if small < 1 else gamma / rho**0.5


def theorem_3_4_bound(gamma, rho, rank, n) -> float:
    r"""Theorem 3.4: :math:`\max\{(\gamma/\rho)^{1/4}, (\gamma/\rho)^{1/2}\}\sqrt{\mathrm{rank}(\Sigma_X)/n}`."""
    rank = _validate.positive_int("rank", rank)
    n = _validate.positive_int("n", n)
    return retentive_radius(gamma, rho) * math.sqrt(rank / n)


def printed_last_line(gamma, rho, rank, n) -> float:
    r"""The last display of Appendix A.3.2 as printed: :math:`\frac1{\sqrt n}\max\{(\gamma/\rho)^{1/4},
    (\gamma/\rho)^{1/2}\}\,\mathrm{rank}(\Sigma_X)`. It has rank where the line before it gives
    :math:`\frac1n R\sqrt{n\,\mathrm{rank}} = R\sqrt{\mathrm{rank}/n}` (:func:`theorem_3_4_bound`): valid, since
    rank >= sqrt(rank), but weaker than the theorem (an erratum of theorem-3.4)."""
    rank = _validate.positive_int("rank", rank)
    n = _validate.positive_int("n", n)
    return retentive_radius(gamma, rho) * rank / math.sqrt(n)


def remark_3_2_bound(gamma, rho, p, n) -> float:
    r"""Remark 3.2 as printed, for the ridge class: :math:`\max\{(\gamma/\rho)^{1/4},(\gamma/\rho)^{1/2}\}\sqrt{p/n}`."""
    return theorem_3_4_bound(gamma, rho, p, n)


def ridge_bound(X, gamma) -> float:
    r"""What A.3.2's technique gives for the ridge class :math:`\|\theta\|^2\le\gamma` (no :math:`\rho`):
    :math:`\mathrm{Rad}\le\frac{\sqrt\gamma}{n}\sqrt{\sum_i\|x_i\|^2} = \sqrt{\gamma\,\mathrm{tr}\hat\Sigma/n}`
    with the *uncentred* :math:`\hat\Sigma = \frac1n\sum_ix_ix_i^\top`."""
    X = _validate.array("X", X, 2)
    gamma = _validate.positive("gamma", gamma)
    return math.sqrt(gamma * float(np.trace(second_moment(X))) / X.shape[0])


def softplus_second(u):
    r""":math:`A''(u) = \sigma(u)(1-\sigma(u))` for the logistic log-partition :math:`A(u) = \log(1+e^u)`."""
    e = np.exp(-np.abs(np.asarray(u, dtype=float)))  # even in u; no overflow
    return e / (1.0 + e) ** 2


def logistic_retentive_rho(B, r_x) -> float:
    r""":math:`\rho = A''(BR_x)^2` for logistic regression (:math:`A = \mathrm{softplus}`) with
    :math:`\|x\|\le R_x`, on :math:`\Theta = \{\|v\|\le B\}` (Section 3.3, :math:`\rho`-retentive, "satisfied by
    general GLMs when :math:`\theta` has bounded :math:`\ell_2` norm"): :math:`A''` is even and decreasing in
    :math:`|u|` and :math:`|x^\top v|\le BR_x`, so :math:`[\mathbb E_xA''(x^\top v)]^2\ge A''(BR_x)^2\ge
    \rho\min\{1,\mathbb E(v^\top x)^2\}` for every such v."""
    B, r_x = _validate.positive("B", B), _validate.positive("r_x", r_x)
    return float(softplus_second(B * r_x)) ** 2


def mean_curvature(points, V, a2: Callable = softplus_second) -> np.ndarray:
    r""":math:`a(v) = \mathbb E_xA''(x^\top v)` for each row v of V, x uniform on ``points``: the factor of
    :math:`\theta^\top\Sigma_X\theta` in :math:`\mathcal W_\gamma = \{a(\theta)\,\theta^\top\Sigma_X\theta\le\gamma\}`
    (Section 3.3), whose square :math:`\rho`-retentiveness bounds from below."""
    P = _validate.array("points", points, 2)
    V = _validate.array("V", V, 2)
    if V.shape[1] != P.shape[1]:
        raise ValueError(f"V must have {P.shape[1]} columns (the dimension of x), got shape {V.shape}")
    return np.asarray(a2(P @ V.T)).mean(0)


def retentive_ratio(points, V, a2: Callable = softplus_second) -> np.ndarray:
    r""":math:`[\mathbb E_x A''(x^\top v)]^2/\min\{1,\mathbb E_x(v^\top x)^2\}` for each row v of V, x uniform on
    ``points``: the law is :math:`\rho`-retentive (Section 3.3) iff every ratio is :math:`\ge\rho`."""
    P = _validate.array("points", points, 2)
    V = _validate.array("V", V, 2)
    if V.shape[1] != P.shape[1]:
        raise ValueError(f"V must have {P.shape[1]} columns (the dimension of x), got shape {V.shape}")
    second = ((P @ V.T) ** 2).mean(0)  # E(v^T x)^2 per row v
    if (second == 0).any():
        raise ValueError("V must not contain directions with E(v^T x)^2 = 0 (v orthogonal to the data)")
    return mean_curvature(P, V, a2) ** 2 / np.minimum(1.0, second)


def _integer_partitions(n: int, largest: int | None = None):
    """The partitions of n into non-increasing positive parts, as tuples."""
    largest = n if largest is None else largest
    if n == 0:
        yield ()
        return
    for first in range(min(n, largest), 0, -1):
        for rest in _integer_partitions(n - first, first):
            yield (first,) + rest


def _block_square_law(size: int) -> np.ndarray:
    r"""The law of :math:`(\xi_1 + \dots + \xi_{size})^2` for Rademacher signs, as probabilities on 0 .. size^2."""
    law = np.zeros(size * size + 1)
    j = np.arange(size + 1)
    np.add.at(law, (2 * j - size) ** 2, [math.comb(size, int(i)) / 2.0**size for i in j])
    return law


@functools.lru_cache(maxsize=64)
def one_hot_mean_norm(n: int, r: int) -> float:
    r""":math:`\mathbb E_S\mathbb E_\xi\|\sum_{i\le n}\xi_i\tilde x_i\|/\sqrt{nr}` exactly, for :math:`\tilde x =
    \pm\sqrt r\,e_J` with J uniform on 1..r (the whitened one-hot law: :math:`\Sigma_X = I_r`, :math:`\|\tilde x\|^2 = r`
    for every x, so :math:`\mathbb E_S\sum_i\|\tilde x_i\|^2 = nr` with no spread).

    Given the sample, :math:`\|\sum_i\xi_i\tilde x_i\|^2 = r\sum_b S_b^2` with :math:`S_b` the sum of the signs that fall on
    the b-th distinct coordinate (the x's signs are absorbed by :math:`\xi`); the block sizes are a partition of n with
    probability :math:`\frac{n!}{\prod_b\lambda_b!\prod_k m_k!}\,\frac{r!}{(r-\#\lambda)!\,r^n}`. It is 1 exactly for
    n = 1, and for n <= r with no two points on one coordinate: the two Jensen steps of A.3.2 are then equalities."""
    n, r = _validate.positive_int("n", n), _validate.positive_int("r", r)
    if n > 64:
        raise ValueError(f"n must be at most 64 for the exact sum over partitions, got {n}")
    total = 0.0
    for blocks in _integer_partitions(n):
        k = len(blocks)
        if k > r:
            continue
        mult = math.prod(math.factorial(m) for m in np.unique(blocks, return_counts=True)[1])
        ways = math.factorial(n) / (math.prod(math.factorial(b) for b in blocks) * mult)
        prob = ways * math.perm(r, k) / float(r) ** n
        law = np.ones(1)
        for b in blocks:
            law = np.convolve(law, _block_square_law(b))
        total += prob * float(law @ np.sqrt(np.arange(law.size)))
    return total / math.sqrt(n)


# --- populations ----------------------------------------------------------------------------------

def low_rank_population(p: int, r: int, size: int, rng: np.random.Generator, *, embedding: str = "isometric",
                        offset: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    r"""A finite population of ``size`` bounded points in an r-dimensional subspace of :math:`\mathbb R^p`.

    Latent z: uniform on a cube, then exactly centred and whitened (:math:`\frac1N Z^\top Z = I_r`).
    ``embedding="isometric"``: x = Qz with orthonormal Q, so :math:`\Sigma_X = QQ^\top`, trace r.
    ``embedding="coordinates"``: the rows of Q rescaled to unit norm, so every coordinate of x has unit
    second moment and :math:`\mathrm{tr}\,\Sigma_X = p`. ``offset`` adds a mean of that norm orthogonal to
    the subspace (uncentred data). Returns (points (size, p), basis (p, r)).
    """
    p, r, size = (_validate.positive_int(k, v) for k, v in (("p", p), ("r", r), ("size", size)))
    if r > p or size <= r:
        raise ValueError(f"need r <= p and size > r, got p={p}, r={r}, size={size}")
    if embedding not in ("isometric", "coordinates"):
        raise ValueError(f"embedding must be 'isometric' or 'coordinates', got {embedding!r}")
    generator = _validate.required_numpy_generator(rng)
    Z = generator.uniform(-math.sqrt(3), math.sqrt(3), size=(size, r))
    Z -= Z.mean(0)
    L = np.linalg.cholesky(Z.T @ Z / size)
    Z = np.linalg.solve(L, Z.T).T
    Q_full, _ = np.linalg.qr(generator.normal(size=(p, p)))
    Q = Q_full[:, :r]
    if embedding == "coordinates":
        Q = Q / np.linalg.norm(Q, axis=1, keepdims=True)
    X = Z @ Q.T
    if offset:
        if r == p:
            raise ValueError("offset needs r < p (a direction outside the subspace)")
        complement = np.linalg.svd(Q, full_matrices=True)[0][:, r]  # a unit vector orthogonal to range(Q)
        X = X + offset * complement
    return X, Q


def one_hot_expected_rademacher(embedding, M, gamma, n: int) -> float:
    r""":math:`\mathbb E_S\,\mathrm{Rad}(\{x\mapsto\theta^\top x: \theta^\top M\theta\le\gamma\}, S)` exactly, for n i.i.d. draws
    :math:`x = Ez` of the one-hot law :math:`z = \pm\sqrt r\,e_J` (J uniform on 1..r, :math:`\mathbb Ezz^\top = I_r`),
    where ``embedding`` E (p x r) has its columns in range(M) and :math:`M^{+1/2}E` is a multiple :math:`\kappa` of an
    isometry (:math:`E^\top M^+E = \kappa^2I_r`): the supremum is :math:`\sqrt{\gamma}\|M^{+1/2}\sum_i\xi_ix_i\| =
    \sqrt\gamma\,\kappa\|\sum_i\xi_iz_i\|`, so the value is :math:`\kappa\sqrt{\gamma r/n}` times
    :func:`one_hot_mean_norm` (n, r). Examples: the ridge class (M = I) of a tight frame (:math:`E^\top E = (p/r)I_r`,
    e.g. coordinates copied p/r times) has :math:`\kappa = \sqrt{p/r}`; the class of Theorem 3.4 (:math:`M = \Sigma_X
    = EE^\top`) has :math:`\kappa = 1` for every E of full column rank."""
    E = _validate.array("embedding", embedding, 2)
    gamma = _validate.positive("gamma", gamma)
    geo = psd_geometry(M)
    if E.shape[0] != geo.dim:
        raise ValueError(f"embedding must have {geo.dim} rows (the dimension of M), got shape {E.shape}")
    if geo.outside(E.T).any():
        return math.inf
    K = geo.pinv_sqrt() @ E
    G = K.T @ K
    kappa2 = float(np.trace(G)) / G.shape[0]
    if np.abs(G - kappa2 * np.eye(G.shape[0])).max() > ULP_SAFETY * EPS64 * geo.dim * kappa2 * (1 + geo.rank):
        raise ValueError("M^(+1/2) embedding must be a multiple of an isometry (E^T M^+ E = kappa^2 I) for the exact "
                         "one-hot formula")
    r = E.shape[1]
    return math.sqrt(kappa2 * gamma * r / _validate.positive_int("n", n)) * one_hot_mean_norm(n, r)


def tight_frame(p: int, r: int) -> np.ndarray:
    """The p x r embedding that copies each of r coordinates p/r times (p a multiple of r): unit-norm rows, so every
    coordinate of x = Ez has unit second moment when E zz^T = I_r, and E^T E = (p/r) I_r."""
    p, r = _validate.positive_int("p", p), _validate.positive_int("r", r)
    if p % r:
        raise ValueError(f"p must be a multiple of r for a tight frame of copied coordinates, got p={p}, r={r}")
    return np.tile(np.eye(r), (p // r, 1))
