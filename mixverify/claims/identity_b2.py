r"""identity-b2: bias-free ReLU / max-pooling nets satisfy f(x) = grad f(x)^T x and Hess f(x) = 0 a.e.

Appendix B.2 of Zhang et al. (2021) (stated in Section 3.2 after the ReLU network definition and assumed
by Theorem 3.3). Checked on float64 networks of :mod:`mixverify.models` at 64 points x ~ N(0, I):

- **Euler identity.** :math:`|f(x) - \nabla f(x)^\top x|` (``torch.func``) against the rigorous
  round-off bound :math:`2\gamma_K M(x)` of :func:`mixverify.homogeneity.rounding_bound`, for a ReLU MLP
  (d = 10, widths 50, 50) and a ReLU CNN with two 2x2 max-pooling layers (1 x 8 x 8 inputs);
  independently of autograd, positive homogeneity :math:`f(2^k x) = 2^k f(x)`, which is bit-exact in
  binary floating point (scaling by a power of two commutes with rounding).
- **Hessian.** The autograd input Hessian is exactly 0 at every sampled point. "Almost everywhere" is
  measured too: the fraction of points x whose gradient changes between x and x + h v (v a random unit
  vector) is the probability that a segment of length h meets the kinks, and it shrinks like
  :math:`h^1`: the kinks form a set of codimension 1 (a null set), off which the gradient is locally
  constant. A Hessian non-zero on a set of positive measure would leave a fraction that does not go to 0.
- **Decided in general** by derivations/identity_b2.py (its facts are the decisive evidence: on a fixed
  activation pattern :math:`f = MPDWx` with matrices of symbolic sizes, so f equals its gradient times x and
  the gradient is free of x; the piecewise nets are exactly these off the kinks); the numeric checks above
  are instances (decisive too: a float64 network that broke the identity beyond round-off would refute it).
- **Hypotheses.** With biases :math:`f - \nabla f^\top x` equals the intercept of the active affine piece
  (the :math:`w^\top D b` terms of ``derivations/identity_b2.py``), far above round-off, while the
  Hessian stays 0; with a smooth activation (tanh, softplus, bias-free) both identities fail.

``check(ctx, residuals=..., bias=...)`` can be planted: a wrong ``residuals(f, X) -> (r1, r2)`` or
biases in the networks the identity is claimed for (``bias=True``) must produce failed evidence.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from ..claim import Claim, Context, Evidence, Outcome, Scope, at_most, holds
from ..homogeneity import affine_pieces, identity_residuals, input_gradients, rounding_bound
from ..models import ReLUCNN, ReLUMLP, seeded
from ..numerics import Tol, exact, fit_order

N_POINTS = 64
D, WIDTHS, SIDE = 10, (50, 50), 8
#: Gradient-change fractions are measured on this many points, for steps h = 10^-2 ... 10^-3: at least
#: about 150 changes at the smallest h (relative sampling error <= 1/sqrt(150) ~ 8% per point).
AE_POINTS = 8192
AE_STEPS = tuple(10.0 ** -np.arange(2.0, 3.01, 0.25))
#: Scalings that are exact in binary floating point (no overflow or underflow at these sizes).
POWERS_OF_TWO = (2.0, 0.125)
FLOOR = 1e-20  # plotting floor for residuals that are exactly 0


def check(ctx: Context, *, residuals=identity_residuals, bias: bool = False) -> Outcome:
    """``residuals(f, X) -> (r1, r2)`` per example can be planted wrong; ``bias=True`` plants biases in the
    networks that Appendix B.2 of Zhang et al. (2021) claims the identities for."""
    out = Outcome()
    nets = _networks(ctx, bias)
    measured = {}
    for name, (net, X) in nets.items():
        r1, r2 = (torch.as_tensor(r).detach() for r in residuals(net, X))
        measured[name] = (r1, r2, rounding_bound(net, X))
    for name in ("ReLU MLP", "ReLU CNN, max-pooling"):
        out.evidence += _claimed(name, nets[name], measured[name])
    for name in ("ReLU MLP with biases", "ReLU CNN with biases"):
        out.evidence += _with_biases(name, nets[name], measured[name])
    for name in ("tanh MLP", "softplus MLP"):
        out.evidence += _smooth(name, nets[name], measured[name])
    fractions = {name: _gradient_change(ctx, nets[name][0]) for name in ("ReLU MLP", "tanh MLP")}
    out.evidence += _almost_everywhere(fractions)
    out.figures["residuals"] = _plot(measured, fractions)
    out.notes += _notes(measured)
    return out


def _networks(ctx: Context, bias: bool) -> dict:
    """name -> (float64 network, 64 points x ~ N(0, I)); seeds from ``ctx.rng``."""
    rng = ctx.rng(71)
    seeds = [int(s) for s in rng.integers(2**31, size=6)]
    vectors = torch.as_tensor(rng.standard_normal((N_POINTS, D)), device=ctx.device)
    images = torch.as_tensor(rng.standard_normal((N_POINTS, 1, SIDE, SIDE)), device=ctx.device)
    specs = {
        "ReLU MLP": (ReLUMLP(D, WIDTHS, bias=bias), vectors),
        "ReLU CNN, max-pooling": (ReLUCNN(1, SIDE, bias=bias), images),
        "ReLU MLP with biases": (ReLUMLP(D, WIDTHS, bias=True), vectors),
        "ReLU CNN with biases": (ReLUCNN(1, SIDE, bias=True), images),
        "tanh MLP": (ReLUMLP(D, WIDTHS, activation=nn.Tanh), vectors),
        "softplus MLP": (ReLUMLP(D, WIDTHS, activation=nn.Softplus), vectors),
    }
    return {name: (seeded(net, seed).to(ctx.device), X) for (name, (net, X)), seed in zip(specs.items(), seeds)}


def _label(name: str) -> str:
    return {"ReLU MLP": f"bias-free ReLU MLP (d={D}, widths {WIDTHS[0]}, {WIDTHS[1]})",
            "ReLU CNN, max-pooling": f"bias-free ReLU CNN with 2x2 max-pooling (1x{SIDE}x{SIDE})"}.get(name, name)


_BOUND_SOURCE = ("per point: 2 gamma_K M(x), M(x) = |W_L| D_{L-1} ... D_1 |W_1| |x| on the active pattern, "
                 "gamma_K = K u/(1 - K u) (Higham, Sec. 3.5: forward and backward pass evaluate the same product "
                 "of matrices; mixverify.homogeneity.rounding_bound); passes when every ratio residual/bound <= 1")
#: The tolerance of a residual measured in units of its round-off bound (value: the largest ratio residual/bound).
_ROUNDING = Tol(1.0, _BOUND_SOURCE)
#: Autograd differentiates the 0/1 masks of ReLU and max-pooling to exact zeros.
_MASKS = exact("off the kinks the Hessian of each ReLU/max-pool layer is the derivative of a 0/1 mask, which autograd "
               "evaluates as an exact 0; no rounding can produce a non-zero entry")


def _ratio(r, bound) -> float:
    return float((r / bound).max())


def _short(name: str) -> str:
    return {"ReLU MLP": "mlp", "ReLU CNN, max-pooling": "cnn"}.get(name, name.split()[0].lower())


def _claimed(name, net_X, measured) -> list[Evidence]:
    net, X = net_X
    r1, r2, bound = measured
    i = int(torch.argmax(r1))
    ev = [
        at_most(f"euler-{_short(name)}", f"f(x) = grad f(x)^T x, {_label(name)}: max |f - grad f^T x| / round-off bound",
                _ratio(r1, bound), 0.0, _ROUNDING, role="decisive",
                detail=f"max |f - grad f^T x| = {float(r1.max()):.3e} at point {i} (bound there {float(bound[i]):.3e}; "
                       f"bounds range {float(bound.min()):.2e} .. {float(bound.max()):.2e})"),
        holds(f"hess-{_short(name)}", f"Hess f(x) = 0, {_label(name)}: max |Hessian entry| over {len(X)} points "
              "(autograd)", bool((r2 == 0).all()), _MASKS, value=float(r2.max()), reference=0.0, role="decisive"),
    ]
    for t in POWERS_OF_TWO:
        with torch.no_grad():
            gap = float((net(t * X) - t * net(X)).abs().max())
        ev.append(holds(
            f"homogeneity-{_short(name)}-{t:g}", f"positive homogeneity f(t x) = t f(x), t = {t:g}, {_label(name)} (no "
            "autograd)", gap == 0.0, exact("scaling by a power of two is exact in binary floating point and commutes "
                                           "with every rounding, so every intermediate value scales exactly (Euler: "
                                           "homogeneity <=> f = grad f^T x a.e.)"),
            value=gap, reference=0.0, role="decisive"))
    return ev


def _with_biases(name, net_X, measured) -> list[Evidence]:
    net, X = net_X
    r1, r2, bound = measured
    _, intercept = affine_pieces(net, X)
    i = int(torch.argmax(r1))
    fx, g = net(X[i:i + 1]).detach(), input_gradients(net, X[i:i + 1])
    gx = float((g * X[i:i + 1].flatten(1)).sum())
    point = ", ".join(f"{v:.4f}" for v in X[i].flatten()[:4].tolist())
    gap = (r1 - intercept.abs()).abs()
    short = name.split()[1].lower()
    return [
        holds(f"cx-bias-{short}", f"without 'bias-free': {name}, f(x) != grad f(x)^T x", bool((r1 > bound).any()),
              Tol(float(bound[i]), "the residual must exceed the round-off bound 2 gamma_K M(x) at some point "
                                   "(tolerance: the bound there)"),
              value=float(r1.max()), reference="0 claimed", kind="counterexample",
              detail=f"point {i}: x = ({point}, ...), |x| = {float(X[i].norm()):.4f}, f(x) = {float(fx):.6f}, "
                     f"grad f(x)^T x = {gx:.6f}; {int((r1 > bound).sum())} of {len(X)} points exceed the bound"),
        at_most(f"intercept-{short}", f"{name}: |f - grad f^T x| = |intercept of the active affine piece| (w^T D b "
                "terms)", _ratio(gap, bound), 0.0, _ROUNDING,
                detail=f"largest intercept |c(x)| = {float(intercept.abs().max()):.4f} "
                       "(mixverify.homogeneity.affine_pieces; derivations/identity_b2.py, item 4)"),
        holds(f"hess-bias-{short}", f"{name}: Hess f(x) = 0 still holds (biases break only the first identity)",
              bool((r2 == 0).all()), exact("autograd differentiates the 0/1 masks to exact zeros"),
              value=float(r2.max()), reference=0.0),
    ]


def _smooth(name, net_X, measured) -> list[Evidence]:
    _, X = net_X
    r1, r2, bound = measured
    scale = X.flatten(1).norm(dim=1) ** 2
    largest = float(bound.max())
    return [
        holds(f"cx-euler-{name.split()[0]}", f"without piecewise-linear activations: bias-free {name}, f(x) != grad "
              "f(x)^T x", bool((r1 > bound).any()),
              Tol(largest, "the residual must exceed the round-off bound 2 gamma_K M(x) (no masks, 1-Lipschitz "
                           "activations) at some point; tolerance: the largest bound"),
              value=float(r1.max()), reference="0 claimed", kind="counterexample",
              detail=f"median |f - grad f^T x| = {float(r1.median()):.3e}"),
        holds(f"cx-hess-{name.split()[0]}", f"without piecewise-linear activations: bias-free {name}, Hess f(x) != 0",
              bool((r2 * scale > bound).any()),
              Tol(largest, "some Hessian entry H_jk must change f across the scale of x by more than round-off: "
                           "max|H_jk| |x|^2 > 2 gamma_K M(x) at some point"),
              value=float(r2.max()), reference="0 claimed", kind="counterexample",
              detail=f"median max|H_jk| = {float(r2.median()):.3e}"),
    ]


def _gradient_change(ctx: Context, net) -> np.ndarray:
    """Fraction of points x ~ N(0, I) whose input gradient changes between x and x + h v, for each step h."""
    rng = ctx.rng(72)
    X = torch.as_tensor(rng.standard_normal((AE_POINTS, D)), device=ctx.device)
    V = torch.as_tensor(rng.standard_normal((AE_POINTS, D)), device=ctx.device)
    V = V / V.norm(dim=1, keepdim=True)
    g0 = input_gradients(net, X)
    return np.array([float((input_gradients(net, X + h * V) != g0).any(dim=1).double().mean()) for h in AE_STEPS])


def _almost_everywhere(fractions) -> list[Evidence]:
    relu, smooth = fractions["ReLU MLP"], fractions["tanh MLP"]
    steps = np.array(AE_STEPS)
    ok = relu > 0
    fit = fit_order(steps[ok], relu[ok]) if ok.sum() >= 3 else None
    counts = ", ".join(f"h={h:.1e}: {f:.4f}" for h, f in zip(steps, relu))
    return [
        holds("ae-order", f"Hess f = 0 almost everywhere, {_label('ReLU MLP')}: P(grad f changes on [x, x + h v]) ~ h^p",
              fit is not None and fit.lower > 0.5 and fit.slope + fit.half_width < 1.5,
              Tol(0.5, "99% t-interval of the fitted log-log slope must lie in (0.5, 1.5): the kinks are hypersurfaces, "
                       "met by a segment of length h with probability ~ h (slope 0 would mean a non-zero Hessian on a "
                       f"set of positive measure); {AE_POINTS} points per step"),
              value=None if fit is None else round(fit.slope, 4), reference=1, kind="order", role="decisive",
              detail="fractions " + counts),
        holds("cx-ae-tanh", "without piecewise-linear activations: tanh MLP, grad f changes at every point, however "
              "small h", bool(smooth[-1] > relu[-1]),
              Tol(float(relu[-1]), f"at the smallest step h = {steps[-1]:.0e} the fraction must exceed the ReLU net's"),
              value=float(smooth[-1]), reference="-> 0 claimed", kind="counterexample",
              detail="fractions " + ", ".join(f"{f:.4f}" for f in smooth)),
    ]


def _notes(measured) -> list[str]:
    def largest(name, k=0):
        return float(measured[name][k].max())
    return [
        f"Max |f - grad f^T x| over {N_POINTS} points: bias-free ReLU MLP {largest('ReLU MLP'):.2e}, bias-free CNN with "
        f"max-pooling {largest('ReLU CNN, max-pooling'):.2e} (float64 round-off); with biases "
        f"{largest('ReLU MLP with biases'):.3g} (MLP) and {largest('ReLU CNN with biases'):.3g} (CNN); tanh "
        f"{largest('tanh MLP'):.3g}, softplus {largest('softplus MLP'):.3g}. Max |Hessian entry|: 0 for every ReLU "
        f"net (with or without biases), tanh {largest('tanh MLP', 1):.3g}, softplus {largest('softplus MLP', 1):.3g}.",
        "Appendix B.2 describes the max-pooling 'sigma-dot' as a diagonal 0/1 matrix with sigma(z) = sigma-dot z; "
        "max-pooling reduces the dimension, so it is a rectangular selection matrix (one 1 per row). The argument "
        "is unchanged (derivations/identity_b2.py).",
        "f = grad f^T x needs bias-free layers (Section 3.2's formula has none, but Theorem 3.3 attributes both "
        "identities to 'the ReLU and max-pooling activation functions'); Hess f = 0 a.e. holds with biases too.",
        "Notation in Appendix B.2: the recursion writes sigma^{(l-1)} but the rest of B.2 writes sigma^{[l]}; B.2's "
        "W^{[1]}, ..., W^{[L]} (W^{[L]} a row vector) are Section 3.2's W_1, ..., W_{N-1} and beta^T.",
        "With autograd's (or any convex-combination) choice of derivative at a kink, f = grad f^T x holds at every "
        "x, not only almost everywhere; only Hess f = 0 is an almost-everywhere statement: as a distribution the "
        "Hessian is a sum of Dirac terms on the kinks (derivations/identity_b2.py).",
    ]


def _plot(measured, fractions) -> Figure:
    fig = Figure(figsize=(10.0, 4.2))
    ax, bx = fig.subplots(1, 2)
    for k, (r1, _, bound) in enumerate(measured.values()):
        y = np.log10(np.maximum(r1.cpu().numpy(), FLOOR))
        ax.plot(k + np.linspace(-0.15, 0.15, len(y)), y, ".", alpha=0.6, label=None)  # spread the points horizontally
        ax.plot([k - 0.3, k + 0.3], [np.log10(float(bound.max()))] * 2, "k-", lw=1)
    ax.set_xticks(range(len(measured)), [n.replace(", ", "\n").replace(" with ", "\nwith ") for n in measured],
                  fontsize=7)
    ax.set_ylabel("log10 |f(x) - grad f(x)^T x|  (exact 0 drawn at -20)")
    ax.set_title("Euler residual per point (bar: largest round-off bound)", fontsize=9)
    for name, frac in fractions.items():
        bx.loglog(AE_STEPS, np.maximum(frac, 1e-5), "o-", label=name)
    h = np.array(AE_STEPS)
    bx.loglog(h, fractions["ReLU MLP"][0] * h / h[0], "k--", lw=0.8, label="slope 1 (reference)")
    bx.set_xlabel("step h")
    bx.set_ylabel("fraction of x with grad f(x + h v) != grad f(x)")
    bx.set_title("Hessian = 0 almost everywhere: gradient changes only across kinks", fontsize=9)
    bx.legend(fontsize=7)
    fig.tight_layout()
    return fig


CLAIM = Claim(
    id="identity-b2",
    paper_ref="Appendix B.2 (and Sec. 3.2 after the ReLU network definition)",
    title="Bias-free ReLU / max-pooling nets: f(x) = grad f(x)^T x and Hess f(x) = 0 almost everywhere",
    statement=(r"f_\theta(x) = \beta^\top\sigma(W_{N-1}\cdots(W_2\sigma(W_1x)))\ \text{(ReLU and/or max-pooling, no biases)}"
               r"\ \Rightarrow\ f_\theta(x) = \nabla f_\theta(x)^\top x\ \text{and}\ \nabla^2 f_\theta(x) = 0"
               r"\ \text{for almost every } x\ (\nabla \text{ with respect to the input } x)"),
    hypotheses=("every layer is linear without bias (W_i, beta; Sec. 3.2's formula has no biases)",
                "the nonlinearities are ReLU and/or max-pooling (piecewise linear, positively homogeneous)",
                "the network is evaluated off its kinks (almost every x) for the Hessian statement"),
    derivation="derivations.identity_b2",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("general", "SymPy on a fixed activation pattern with matrices of symbolic sizes (every width and depth: "
                "all layers above the first are a constant row), with ReLU/max-pooling written as 0/1 gates and "
                "selections; checked numerically on a 10-50-50 MLP and a CNN with two 2x2 max-poolings (64 points each)"),
)
