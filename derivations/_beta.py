"""Symbols and the Beta density shared by the derivations."""

import sympy as sp

alpha, beta = sp.symbols("alpha beta", positive=True)
lam = sp.Symbol("lambda", positive=True)


def beta_pdf(p, q, x=lam):
    r"""Density of Beta(p, q): x^{p-1} (1-x)^{q-1} Gamma(p+q) / (Gamma(p) Gamma(q))."""
    return x ** (p - 1) * (1 - x) ** (q - 1) * sp.gamma(p + q) / (sp.gamma(p) * sp.gamma(q))


def beta_moment_one_minus(p, q, k):
    r"""E[(1-lambda)^k] under Beta(p, q) = B(p, q+k)/B(p, q), from the Euler integral."""
    return sp.gammasimp(sp.gamma(q + k) * sp.gamma(p + q) / (sp.gamma(q) * sp.gamma(p + q + k)))


def is_zero(expr) -> tuple[bool, str]:
    """Simplify a residual; return (it is 0, its LaTeX)."""
    r = sp.simplify(sp.gammasimp(sp.powsimp(sp.expand_power_base(expr, force=True), force=True)))
    return r == 0, sp.latex(r)


def ratio_is_one(num, den) -> tuple[bool, str]:
    """Residual num/den - 1 for two positive densities, after gamma and power simplification."""
    return is_zero(sp.powsimp(num / den, force=True) - 1)
