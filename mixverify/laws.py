r"""The laws of the mixing weight: :math:`\mathcal D_\lambda` and :math:`\tilde{\mathcal D}_\lambda`.

Zhang et al. (2021) draw the mixing weight from :math:`\mathcal D_\lambda = \mathrm{Beta}(\alpha, \beta)`
(Eq. 1) and show (Lemma 3.1, Eq. 9) that Mixup is input perturbation with
:math:`\lambda \sim \tilde{\mathcal D}_\lambda`, the Beta mixture

.. math::

    \tilde{\mathcal D}_\lambda = \frac{\alpha}{\alpha+\beta}\mathrm{Beta}(\alpha+1, \beta)
                               + \frac{\beta}{\alpha+\beta}\mathrm{Beta}(\beta+1, \alpha).

Both laws here have exact moments (rising factorials) and Gauss--Jacobi quadrature:
:math:`\mathrm{Beta}(a, b)` has density :math:`\propto \lambda^{a-1}(1-\lambda)^{b-1}`, which under
:math:`\lambda = (1+t)/2` is the Jacobi weight :math:`(1-t)^{b-1}(1+t)^{a-1}` on :math:`[-1, 1]`,
so an N-node rule integrates polynomials in :math:`\lambda` of degree :math:`\le 2N-1` exactly
(scipy.special.roots_jacobi).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from . import _validate


@dataclass(frozen=True)
class Beta:
    r"""The Beta(a, b) law on [0, 1], density :math:`\lambda^{a-1}(1-\lambda)^{b-1} / B(a, b)`."""

    a: float
    b: float

    def __post_init__(self):
        object.__setattr__(self, "a", _validate.positive("alpha", self.a))
        object.__setattr__(self, "b", _validate.positive("beta", self.b))

    def moment(self, k: int) -> float:
        r""":math:`\mathbb E[\lambda^k] = \prod_{r<k} (a+r)/(a+b+r)`."""
        return math.prod((self.a + r) / (self.a + self.b + r) for r in range(_validate.nonnegative_int("k", k)))

    def moment_one_minus(self, k: int) -> float:
        r""":math:`\mathbb E[(1-\lambda)^k] = \prod_{r<k} (b+r)/(a+b+r)` (as 1 - Beta(a, b) is Beta(b, a))."""
        return math.prod((self.b + r) / (self.a + self.b + r) for r in range(_validate.nonnegative_int("k", k)))

    def pdf(self, lam):
        lam = np.asarray(lam, dtype=float)
        log = (self.a - 1) * np.log(lam) + (self.b - 1) * np.log1p(-lam) - special.betaln(self.a, self.b)
        return np.exp(log)

    def quadrature(self, nodes: int) -> tuple[np.ndarray, np.ndarray]:
        """Gauss--Jacobi nodes in (0, 1) and weights summing to 1 (exact to degree 2*nodes - 1)."""
        return _gauss_jacobi(self.a, self.b, _validate.positive_int("nodes", nodes))

    def sample(self, size: int, generator: np.random.Generator) -> np.ndarray:
        return generator.beta(self.a, self.b, size=size)

    def latex(self) -> str:
        return rf"\mathrm{{Beta}}({_num(self.a)}, {_num(self.b)})"


@dataclass(frozen=True)
class BetaMixture:
    r"""A finite mixture :math:`\sum_k w_k \mathrm{Beta}(a_k, b_k)`; weights must be positive and sum to 1."""

    weights: tuple[float, ...]
    components: tuple[Beta, ...]

    def __post_init__(self):
        if len(self.weights) != len(self.components) or not self.components:
            raise ValueError("weights and components must be non-empty and of equal length")
        if not all(isinstance(c, Beta) for c in self.components):
            raise ValueError(f"components must be Beta laws, got {self.components!r}")
        if any(w <= 0 for w in self.weights) or not math.isclose(sum(self.weights), 1.0, rel_tol=1e-12):
            raise ValueError(f"weights must be positive and sum to 1, got {self.weights}")

    def moment(self, k: int) -> float:
        return sum(w * c.moment(k) for w, c in zip(self.weights, self.components))

    def moment_one_minus(self, k: int) -> float:
        return sum(w * c.moment_one_minus(k) for w, c in zip(self.weights, self.components))

    def pdf(self, lam):
        return sum(w * c.pdf(lam) for w, c in zip(self.weights, self.components))

    def quadrature(self, nodes: int) -> tuple[np.ndarray, np.ndarray]:
        """Each component's Gauss--Jacobi rule, weighted by its mixture weight (len(components) * nodes)."""
        parts = [c.quadrature(nodes) for c in self.components]
        lam = np.concatenate([p[0] for p in parts])
        w = np.concatenate([wk * p[1] for wk, p in zip(self.weights, parts)])
        return lam, w

    def sample(self, size: int, generator: np.random.Generator) -> np.ndarray:
        which = generator.choice(len(self.components), size=size, p=np.asarray(self.weights))
        out = np.empty(size)
        for k, c in enumerate(self.components):
            mask = which == k
            out[mask] = c.sample(int(mask.sum()), generator)
        return out

    def latex(self) -> str:
        return " + ".join(f"{_num(w)}\\,{c.latex()}" for w, c in zip(self.weights, self.components))


Law = Beta | BetaMixture


def mixup_lambda_law(alpha, beta) -> Beta:
    r""":math:`\mathcal D_\lambda = \mathrm{Beta}(\alpha, \beta)`, the mixing law of Eq. (1)."""
    return Beta(alpha, beta)


def tilde_lambda_law(alpha, beta) -> BetaMixture:
    r""":math:`\tilde{\mathcal D}_\lambda` of Lemma 3.1 and Eq. (9).

    .. math:: \frac{\alpha}{\alpha+\beta}\mathrm{Beta}(\alpha+1,\beta)
              + \frac{\beta}{\alpha+\beta}\mathrm{Beta}(\beta+1,\alpha)

    Its moments used by :math:`\mathcal R_1, \mathcal R_2, \mathcal R_3` are
    :math:`\mathbb E[1-\lambda] = 2\alpha\beta/((\alpha+\beta)(\alpha+\beta+1))` and
    :math:`\mathbb E[(1-\lambda)^2] = \alpha\beta/((\alpha+\beta)(\alpha+\beta+1))`
    (derived in ``derivations/lemma_3_1.py``).

    >>> law = tilde_lambda_law(1.0, 1.0)   # standard Mixup: tilde-D = Beta(2, 1)
    >>> round(law.moment_one_minus(1), 12), round(law.moment_one_minus(2), 12)
    (0.333333333333, 0.166666666667)
    """
    alpha = _validate.positive("alpha", alpha)
    beta = _validate.positive("beta", beta)
    s = alpha + beta
    return BetaMixture((alpha / s, beta / s), (Beta(alpha + 1, beta), Beta(beta + 1, alpha)))


def as_law(value) -> Law:
    """``value`` if it is a law of the mixing weight (a :class:`Beta` or a :class:`BetaMixture`), else a one-line
    ``ValueError``: the check at the public boundary of every function that takes ``law=``."""
    if not isinstance(value, (Beta, BetaMixture)):
        raise ValueError(f"law must be a Beta or a BetaMixture (e.g. tilde_lambda_law(alpha, beta)), got {type(value).__name__}")
    return value


def expect(law: Law, fn: Callable[[np.ndarray], np.ndarray], *, nodes: int = 32) -> float:
    """E_{lambda ~ law}[fn(lambda)] by Gauss--Jacobi quadrature (fn must be vectorised)."""
    lam, w = as_law(law).quadrature(nodes)
    return float(np.dot(w, _validate.vectorised("fn", fn, lam)))


@lru_cache(maxsize=256)
def _gauss_jacobi(a: float, b: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    t, w = special.roots_jacobi(nodes, b - 1.0, a - 1.0)  # weight (1-t)^(b-1) (1+t)^(a-1)
    lam = (1.0 + t) / 2.0
    w = w / w.sum()
    lam.setflags(write=False)
    w.setflags(write=False)
    return lam, w


def _num(x: float) -> str:
    return f"{x:g}"
