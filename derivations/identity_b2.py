r"""Appendix B.2: :math:`f(x) = \nabla f(x)^\top x` and :math:`\nabla^2 f(x) = 0` a.e. for ReLU / max-pooling nets.

Appendix B.2 of Zhang et al. (2021) writes the network on its activation pattern as
:math:`f(x) = W^{[L]}\dot\sigma^{[L-1]}W^{[L-1]}\cdots\dot\sigma^{[1]}W^{[1]}x` with 0/1 matrices
:math:`\dot\sigma^{[l]}` that do not depend on x off a null set. Checked symbolically, with input
dimension 2 and widths 2 (every identity below is linear algebra that does not depend on the sizes):

1. The two representations B.2 relies on, by cases (u > 0, u < 0, u = 0; a > b, a < b, a = b):
   :math:`\max(u, 0) = H(u)\,u` and :math:`\max(a, b) = H(a-b)\,a + H(b-a)\,b` (SymPy's H(0) = 1/2; for
   ReLU any value of H(0) works because it multiplies u = 0).
2. B.2's argument on a fixed pattern, :math:`f = w_3^\top D_2 W_2 D_1 W_1 x` with symbolic constant
   :math:`D_l` (every 0/1 pattern at once): :math:`f - \nabla f^\top x = 0` and :math:`\nabla^2 f = 0`.
   For max-pooling :math:`\dot\sigma` is a *rectangular* selection matrix P (one 1 per row, here 2 x 4),
   not the diagonal matrix B.2 describes; the argument is the same.
3. The real piecewise networks, written with ``Max`` (ReLU, and ReLU followed by 2-to-1 max-pooling) and
   differentiated by SymPy (:math:`\partial_a\max(a,b) = H(a-b)`): after item 1's substitution,
   :math:`f - \nabla f^\top x` simplifies to 0 for *every* x (not only almost every x), and the Hessian is
   a sum of DiracDelta terms supported on the kinks: it is 0 off the kinks (almost everywhere) but not 0
   as a distribution, which is why the Taylor arguments of Section 3.2 need care for ReLU nets.
4. With biases :math:`b_1, b_2` (and output bias :math:`b_3`), on a fixed pattern,
   :math:`f - \nabla f^\top x = w_3^\top D_2(W_2 D_1 b_1 + b_2) + b_3`, the intercept of the active
   affine piece, which is not 0; the Hessian is still 0. So :math:`f = \nabla f^\top x` needs bias-free
   layers, :math:`\nabla^2 f = 0` a.e. does not.

0. Every size and depth at once: on a fixed pattern everything above the first layer is a constant row M,
   max-pooling a constant selection P, the gate a constant D, so :math:`f = MPDWx` with MatrixSymbols of
   symbolic sizes; :math:`f - \nabla f^\top x` is the zero matrix and :math:`\nabla f = (MPDW)^\top` is free
   of x. With items 1 and 3 (patterns are constant off the kinks, a finite union of hyperplane pieces) this
   decides the statement for every bias-free ReLU / max-pooling net: these facts are the claim's decisive
   evidence.

``derive(bias=True)`` plants biases in the networks of items 0, 2 and 3: their Euler facts then fail with
the residual of item 4. ``derive(degree=2)`` plants a wrong statement, :math:`f = \frac12\nabla f^\top x`.
"""

from __future__ import annotations

import sympy as sp

from mixverify.claim import Derivation

X = sp.Matrix(sp.symbols("x_1 x_2", real=True))


def _matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{{{i + 1}{j + 1}}}", real=True))


def _vector(name, n):
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(n)])


W1, W2, W1P = _matrix("W1", 2, 2), _matrix("W2", 2, 2), _matrix("V", 4, 2)
w3, w2P = _vector("w3", 2), _vector("v", 2)
B1, B2, B3 = _vector("b1", 2), _vector("b2", 2), sp.Symbol("b_3", real=True)
D1 = sp.diag(*sp.symbols("d1_1:3", real=True))
D2 = sp.diag(*sp.symbols("d2_1:3", real=True))
#: 2-to-1 max-pooling of a 4-vector, pattern "first of the pair (z1, z2), second of the pair (z3, z4)".
P = sp.Matrix([[1, 0, 0, 0], [0, 0, 0, 1]])


def gradient(f):
    return sp.Matrix([sp.diff(f, xi) for xi in X])


def euler_residual(f):
    r""":math:`f - \nabla f^\top x`."""
    return f - (gradient(f).T * X)[0]


def max_to_heaviside(expr):
    r"""Replace every :math:`\max(a, b)` by :math:`H(a-b)a + H(b-a)b` (item 1)."""
    def rewrite(m):
        a, b = m.args
        return sp.Heaviside(a - b) * a + sp.Heaviside(b - a) * b
    return expr.replace(lambda e: isinstance(e, sp.Max) and len(e.args) == 2, rewrite)


def off_kinks(expr):
    """The expression with every DiracDelta set to 0: its value away from the kinks."""
    return expr.subs({d: 0 for d in expr.atoms(sp.DiracDelta)})


def _zero(expr) -> tuple[bool, str]:
    """Expand and compare with 0: every residual here is a polynomial in the weights, x and the atoms
    H(.), delta(.), so full expansion is a canonical form and no further simplification is needed."""
    r = sp.expand(expr)
    return r == 0, sp.latex(r)


def _matrix_zero(M) -> tuple[bool, str]:
    r = M.applyfunc(sp.expand)
    return r == sp.zeros(*M.shape), sp.latex(r)


def _relu(v):
    return v.applyfunc(lambda u: sp.Max(u, 0))


def _pool(v):
    """2-to-1 max-pooling; unevaluated so that SymPy keeps max(max(0, a), max(0, b)) as a two-argument max."""
    return sp.Matrix([sp.Max(v[0], v[1], evaluate=False), sp.Max(v[2], v[3], evaluate=False)])


def _case_facts():
    u, t = sp.Symbol("u", real=True), sp.Symbol("t", positive=True)
    a, b = sp.symbols("a b", real=True)
    relu_gap = sp.Max(u, 0) - sp.Heaviside(u) * u
    max_gap = sp.Max(a, b) - max_to_heaviside(sp.Max(a, b))
    relu_ok = all(sp.simplify(relu_gap.subs(u, v)) == 0 for v in (t, -t, 0))
    max_ok = all(sp.simplify(max_gap.subs(a, b + v)) == 0 for v in (t, -t, 0))
    return [("ReLU as a 0/1 gate: max(u, 0) = H(u) u (cases u > 0, u < 0, u = 0)", relu_ok, "0" if relu_ok else "\\ne 0"),
            ("max-pooling as a selection: max(a, b) = H(a-b) a + H(b-a) b (cases a > b, a < b, a = b)",
             max_ok, "0" if max_ok else "\\ne 0")]


def _general_facts(bias, degree):
    r"""Every size and depth at once (item 0): on a fixed activation pattern everything above the first layer is a
    constant row M (1 x k, k symbolic), max-pooling a constant selection P (k x m), the ReLU gate a constant D (m x m),
    so :math:`f = M P D (W x + b)` with symbolic d, m, k; the statement :math:`f = \nabla f^\top x / \text{degree}`
    (degree 1: Euler's identity for a positively homogeneous f) and :math:`\nabla f` free of x (Hessian 0)."""
    d, m, k = sp.symbols("d m k", integer=True, positive=True)
    x = sp.MatrixSymbol("x", d, 1)
    M, P, D, W = sp.MatrixSymbol("M", 1, k), sp.MatrixSymbol("P", k, m), sp.MatrixSymbol("D", m, m), sp.MatrixSymbol("W", m, d)
    pre = W * x + sp.MatrixSymbol("b", m, 1) if bias else W * x
    f = M * P * D * pre
    g = sp.diff(f, x)
    residual = sp.simplify(f - g.T * x / degree)
    ok = residual == sp.ZeroMatrix(1, 1) or residual == 0
    return [("every size and depth (fixed pattern, f = M P D W x, symbolic d, m, k): f - grad f^T x = 0",
             ok, "0" if ok else sp.latex(residual), "decisive"),
            ("every size and depth: grad f = (M P D W)^T does not depend on x, so Hess f = 0",
             x not in g.free_symbols, sp.latex(g), "decisive")]


def derive(bias: bool = False, degree=1) -> Derivation:
    """``bias=True`` plants biases in the networks whose Euler identity is derived (it must then fail);
    ``degree=2`` plants a wrong statement, f = grad f^T x / 2 (Euler's identity for degree 2)."""
    b1, b2, b3 = (B1, B2, B3) if bias else (sp.zeros(2, 1), sp.zeros(2, 1), 0)
    euler = euler_residual if degree == 1 else (lambda f: f - (gradient(f).T * X)[0] / degree)
    fixed = (w3.T * D2 * (W2 * D1 * (W1 * X + b1) + b2))[0] + b3
    fixed_pool = (w2P.T * P * sp.diag(*sp.symbols("e_1:5", real=True)) * (W1P * X + sp.Matrix([*b1, *b1])))[0] + b3
    relu_net = (w3.T * _relu(W2 * _relu(W1 * X + b1) + b2))[0] + b3
    pool_net = (w2P.T * _pool(_relu(W1P * X + sp.Matrix([*b1, *b1]))))[0] + b3

    with_bias = (w3.T * D2 * (W2 * D1 * (W1 * X + B1) + B2))[0] + B3
    intercept = (w3.T * D2 * (W2 * D1 * B1 + B2))[0] + B3
    hess_relu = sp.hessian(relu_net, X)

    facts = [
        *_case_facts(),
        *_general_facts(bias, degree),
        ("fixed pattern (B.2): f - grad f^T x = 0 for f = w3^T D2 W2 D1 W1 x", *_zero(euler(fixed)), "decisive"),
        ("fixed pattern (B.2): Hessian of w3^T D2 W2 D1 W1 x = 0", *_matrix_zero(sp.hessian(fixed, X)), "decisive"),
        ("fixed pattern, max-pooling selection P (2x4) after ReLU gates: f - grad f^T x = 0",
         *_zero(euler(fixed_pool)), "decisive"),
        ("fixed pattern, max-pooling selection P: Hessian = 0", *_matrix_zero(sp.hessian(fixed_pool, X)), "decisive"),
        ("piecewise ReLU net w3^T relu(W2 relu(W1 x)): f - grad f^T x = 0 for every x",
         *_zero(max_to_heaviside(euler(relu_net))), "decisive"),
        ("piecewise ReLU + 2-to-1 max-pool net: f - grad f^T x = 0 for every x",
         *_zero(max_to_heaviside(euler(pool_net))), "decisive"),
        ("piecewise ReLU net: Hessian = 0 off the kinks (every DiracDelta term set to 0)",
         *_matrix_zero(off_kinks(hess_relu)), "decisive"),
        ("piecewise ReLU + max-pool net: Hessian = 0 off the kinks (every DiracDelta term set to 0)",
         *_matrix_zero(off_kinks(sp.hessian(pool_net, X))), "decisive"),
        ("with biases, fixed pattern: f - grad f^T x = w3^T D2 (W2 D1 b1 + b2) + b3",
         *_zero(euler_residual(with_bias) - intercept)),
        ("with biases, fixed pattern: Hessian = 0 (biases do not break the second identity)",
         *_matrix_zero(sp.hessian(with_bias, X))),
    ]
    return Derivation(__name__, _latex(intercept, hess_relu), facts)


def _latex(intercept, hess_relu) -> str:
    n_delta = len(hess_relu[0, 0].atoms(sp.DiracDelta))
    return (
        r"\begin{aligned}"
        r"\max(u,0) &= H(u)\,u,\qquad \max(a,b) = H(a-b)\,a + H(b-a)\,b\\"
        r"f(x) &= w_3^\top D_2 W_2 D_1 W_1 x \;\Rightarrow\; \nabla f(x) = W_1^\top D_1 W_2^\top D_2 w_3,\quad"
        r"f(x) - \nabla f(x)^\top x = 0,\quad \nabla^2 f(x) = 0\\"
        r"\text{max-pooling: } \dot\sigma &= P\,\mathrm{diag}(e)\ \text{with } P \in \{0,1\}^{2\times 4}"
        r"\ \text{(one 1 per row; rectangular, not diagonal)}\\"
        r"f(x) &= w_3^\top\mathrm{relu}(W_2\,\mathrm{relu}(W_1 x)):\quad f - \nabla f^\top x \equiv 0,\quad"
        rf"[\nabla^2 f]_{{11}} = \text{{a sum of {n_delta} terms }}\delta(z)\ \text{{(zero off the kinks }}z = 0)\\"
        r"\text{with biases: } f(x) - \nabla f(x)^\top x &= "
        + sp.latex(intercept)
        + r" = w_3^\top D_2 (W_2 D_1 b_1 + b_2) + b_3 \ne 0,\quad \nabla^2 f(x) = 0"
        r"\end{aligned}"
    )
