r"""Eq. (4): Theta contains every theta with zero training error, for the 1{f >= 0} label rule (and for 1{f > 0}).

Section 3.2 defines, for labels :math:`y_i\in\{0, 1\}`,

.. math:: \Theta = \{\theta : y_i f_\theta(x_i) + (y_i - 1) f_\theta(x_i) \ge 0 \text{ for all } i\}

and Eq. (4) says :math:`\Theta \supseteq \{\theta : \hat y_i = 1\{f_\theta(x_i)\ge0\} = y_i \text{ for all } i\}`.
Both sets are preimages under the same map :math:`F(\theta) = (f_\theta(x_1), \dots, f_\theta(x_n))` of products of
per-point sets of outputs, :math:`\Theta = F^{-1}(\prod_i T_{y_i})` and :math:`Z = F^{-1}(\prod_i Z_{y_i})` with

.. math:: T_y = \{f\in\mathbb R : y f + (y-1) f \ge 0\},\qquad Z_y = \{f\in\mathbb R : 1\{f\ge0\} = y\}.

A preimage keeps inclusions, and a product of non-empty sets is contained in another iff each factor is; so Eq. (4)
holds for every model f, every data set and every n iff :math:`Z_y\subseteq T_y` for y = 0 and y = 1. SymPy computes
the four sets as intervals: :math:`T_1 = Z_1 = [0,\infty)`, :math:`T_0 = (-\infty, 0]`, :math:`Z_0 = (-\infty, 0)`. The
inclusion is strict at one point, :math:`T_0\setminus Z_0 = \{0\}`: a parameter that puts a label-0 point exactly on
the boundary is in :math:`\Theta` with a training error (for the paper's bias-free models, :math:`\theta = 0`), so
the opposite inclusion, :math:`\Theta\subseteq Z`, is false. With the other tie rule, :math:`1\{f > 0\}`, the
label-1 set shrinks to :math:`(0, \infty)` and the label-0 set grows to :math:`(-\infty, 0]`: Eq. (4) holds there
too (then with equality), so it does not depend on how a tie f = 0 is labelled.

The identity :math:`y f + (y-1) f = (2y - 1) f` is the form the proofs use ("which implies that
:math:`\theta^\top x_i\ge0` if :math:`y_i = 1` and :math:`\le0` if :math:`y_i = 0`", Appendix A.2.1).

``derive`` takes the conditions it checks, so a test can plant a wrong statement (the opposite inclusion, a sign typo
in Theta, a swapped label rule) and see a decisive fact fail; :data:`in_theta` and :data:`predict` are the printed
ones, and the claim module checks trained iterates with the same functions.
"""

import sympy as sp

from mixverify.claim import Derivation

F = sp.Symbol("f", real=True)


def in_theta(y, f):
    r"""The per-point condition of Theta as printed, :math:`y f + (y - 1) f \ge 0` (SymPy, numpy or torch)."""
    return y * f + (y - 1) * f >= 0


def predict(f):
    r"""The printed label rule of Eq. (4): :math:`\hat y = 1\{f \ge 0\}` (as a truth value)."""
    return f >= 0


def strict_predict(f):
    r"""The other tie rule, :math:`\hat y = 1\{f > 0\}`."""
    return f > 0


def correct(predict_, y, f):
    """The point is classified correctly: the label rule says ``y`` (its negation for y = 0; SymPy or numpy)."""
    p = predict_(f)
    return p if y == 1 else ~p


def output_set(condition):
    """The outputs f in R where ``condition(f)`` holds, as a SymPy set (an interval for the conditions here)."""
    return sp.solveset(condition(F), F, sp.S.Reals)


def label_sets(in_theta_=in_theta, predict_=predict) -> dict:
    """y -> (T_y, Z_y): the outputs allowed by Theta and the outputs classified correctly, for label y."""
    return {y: (output_set(lambda f, y=y: in_theta_(y, f)), output_set(lambda f, y=y: correct(predict_, y, f)))
            for y in (1, 0)}


def derive(in_theta_=in_theta, predict_=predict, contains: bool = True) -> Derivation:
    """The facts of Eq. (4). ``contains=False`` plants the opposite inclusion (Theta within the zero-error set)."""
    sets = label_sets(in_theta_, predict_)
    strict = label_sets(in_theta_, strict_predict)

    def inclusion(T, Z):
        inner, outer = (Z, T) if contains else (T, Z)
        return inner.is_subset(outer) is True, sp.latex(sp.Complement(inner, outer))

    tie = [inclusion(*strict[k]) for k in (1, 0)]
    y = sp.Symbol("y", real=True)
    facts = [
        (f"label 1: the zero-error outputs Z_1 = {sets[1][1]} {'within' if contains else 'contain'} Theta's T_1 = "
         f"{sets[1][0]}", *inclusion(*sets[1]), "decisive"),
        (f"label 0: the zero-error outputs Z_0 = {sets[0][1]} {'within' if contains else 'contain'} Theta's T_0 = "
         f"{sets[0][0]} (so Eq. (4) holds for every model, data set and n: preimages keep inclusions)",
         *inclusion(*sets[0]), "decisive"),
        ("the other tie rule 1{f > 0}: Eq. (4) holds for both labels", all(ok for ok, _ in tie),
         r",\ ".join(residual for _, residual in tie), "decisive"),
        ("the inclusion is strict only at f = 0 for label 0 (T_0 minus Z_0 = {0}, T_1 minus Z_1 empty): theta = 0 of a "
         "bias-free model is in Theta with a training error, so Theta is not the zero-error set",
         sp.Complement(sets[0][0], sets[0][1]) == sp.FiniteSet(0) and sp.Complement(sets[1][0], sets[1][1]) == sp.S.EmptySet,
         sp.latex(sp.Complement(sets[0][0], sets[0][1])), "context"),
        ("the condition of Theta is (2y - 1) f >= 0 (the form Appendix A.2.1 uses)",
         sp.expand(y * F + (y - 1) * F - (2 * y - 1) * F) == 0, sp.latex(sp.expand(y * F + (y - 1) * F - (2 * y - 1) * F))),
    ]
    latex = (
        r"\begin{aligned}"
        r"\Theta &= \{\theta : y_i f_\theta(x_i) + (y_i - 1) f_\theta(x_i) \ge 0\ \forall i\} = F^{-1}\big(\textstyle"
        r"\prod_i T_{y_i}\big),\quad Z = F^{-1}\big(\textstyle\prod_i Z_{y_i}\big)\\"
        rf"T_1 &= {sp.latex(sets[1][0])},\quad Z_1 = \{{f: 1\{{f\ge0\}}=1\}} = {sp.latex(sets[1][1])}\\"
        rf"T_0 &= {sp.latex(sets[0][0])},\quad Z_0 = \{{f: 1\{{f\ge0\}}=0\}} = {sp.latex(sets[0][1])}\\"
        r"Z_y &\subseteq T_y\ (y = 0, 1)\ \Rightarrow\ Z \subseteq \Theta\quad\text{(Eq. 4)};\qquad "
        rf"T_0\setminus Z_0 = {sp.latex(sp.Complement(sets[0][0], sets[0][1]))}"
        r"\end{aligned}"
    )
    return Derivation(__name__, latex, facts)
