r"""Figure 3 / Appendix B.1: why R_i grows once the training data are fitted.

For a bias-free ReLU network (and a linear model) :math:`f(x) = \nabla f(x)^\top x`, so with
:math:`R_i = |\cos(\nabla f(x_i), x_i)|`

.. math:: |f(x_i)| = |\nabla f(x_i)^\top x_i| = \|\nabla f(x_i)\|_2\,\|x_i\|_2\,R_i .

Once every point is classified correctly the logistic loss keeps decreasing by making |f(x_i)| larger,
which it can do by growing the norm of the gradient or R_i; this identity is the paper's whole
argument. Checked symbolically in the plane (d = 2 suffices: both vectors span a plane and the identity
is rotation invariant) with :math:`g = \nabla f(x_i) = a(\cos\alpha, \sin\alpha)`,
:math:`x_i = b(\cos\beta, \sin\beta)`, a, b > 0: the *geometric* cosine of the angle between them is
:math:`\cos(\alpha - \beta)`, and :math:`|g^\top x_i| = \|g\|\,\|x_i\|\,|\cos(\alpha-\beta)|`.

``derive(cosine=...)`` plants a wrong R_i (a function of g, x and the angle difference; e.g. without
the absolute value) and the fact then fails.
"""

import sympy as sp

from mixverify.claim import Derivation

from ._beta import is_zero


def derive(cosine=None) -> Derivation:
    a, b = sp.symbols("a b", positive=True)
    al, be = sp.symbols("alpha beta", real=True)
    g = sp.Matrix([a * sp.cos(al), a * sp.sin(al)])
    x = sp.Matrix([b * sp.cos(be), b * sp.sin(be)])
    norm_g, norm_x = sp.sqrt(sp.trigsimp((g.T * g)[0])), sp.sqrt(sp.trigsimp((x.T * x)[0]))
    f = (g.T * x)[0]  # f(x_i) = grad f(x_i)^T x_i for a positively homogeneous f
    R_i = (cosine or (lambda g, x, angle: sp.Abs(sp.cos(angle))))(g, x, al - be)
    residual = sp.Abs(sp.trigsimp(f)) - norm_g * norm_x * R_i
    facts = [("|f(x_i)| = ||grad f(x_i)|| ||x_i|| R_i with R_i = |cos(grad f(x_i), x_i)|, for f(x) = grad f(x)^T x",
              *is_zero(residual))]
    latex = (
        r"\begin{aligned}"
        r"\nabla f(x_i) &= a(\cos\alpha, \sin\alpha)^\top,\quad x_i = b(\cos\beta, \sin\beta)^\top,\quad a, b > 0\\"
        rf"f(x_i) &= \nabla f(x_i)^\top x_i = {sp.latex(sp.trigsimp(f))}\\"
        rf"\|\nabla f(x_i)\|_2 &= {sp.latex(norm_g)},\quad \|x_i\|_2 = {sp.latex(norm_x)}\\"
        r"|f(x_i)| &= \|\nabla f(x_i)\|_2\,\|x_i\|_2\,R_i,\quad R_i = |\cos(\nabla f(x_i), x_i)| = |\cos(\alpha-\beta)|"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
