r"""lemma-a1: Lemma A.1 ("Result from Bartlett & Mendelson (2002)"), the uniform deviation bound behind Corollary 3.1 and
Theorem 3.5.

Printed: for any B-uniformly bounded, L-Lipschitz :math:`\zeta`, for all :math:`\phi\in\Phi`, with probability
:math:`\ge 1-\delta`, :math:`\mathbb E\zeta(\phi(x)) \le \frac1n\sum_i\zeta(\phi(x_i)) + 2L\,\mathrm{Rad}(\Phi, S)
+ B\sqrt{\log(1/\delta)/(2n)}`, with the *empirical* Rademacher complexity :math:`\mathrm{Rad}(\Phi, S)`.

**Reading.** Corollary 3.1 and Theorem 3.5 apply the lemma to a :math:`\theta` fitted on S, so "for all
:math:`\phi`" is read inside the probability (one event for the whole class: the supremum of the deviation);
this implies the pointwise reading. :math:`\zeta` may depend on the label (:math:`\zeta_y(t) = A(t) - yt` in the
corollary). "B-uniformly bounded" is read as :math:`\zeta\in[0, B]`, a range of length B, which is what both uses
have (non-negative losses); the usual meaning :math:`|\zeta|\le B` (range 2B) makes the lemma false (erratum).

**What decides.** On four families of instances the violation probability
:math:`P\big(\sup_\phi[\mathbb E\zeta\circ\phi - \hat{\mathbb E}_S\zeta\circ\phi] > 2L\,\mathrm{Rad}(\Phi,S) +
B\sqrt{\log(1/\delta)/(2n)}\big)` is computed *exactly* (binomial and multinomial sums over every sample
composition) and must be :math:`\le\delta`, on every instance of a grid searched for the smallest room (the families'
parameters, n from 1 to 1000 and delta from 1e-12 to 0.9):

- ``one-function``: :math:`\Phi = \{\phi_0\}`, :math:`\zeta(\phi_0(x))\in\{0, 1\}` with :math:`P(\zeta = 1) = p`: Rad = 0,
  only the confidence term acts (Hoeffding's inequality); searched over p, n, delta;
- ``rich-class``: x = 0 with probability 1 - q, otherwise continuous on a set C; :math:`\Phi` = all functions into
  [0, 1] with :math:`\phi(0) = 0`, :math:`\zeta(u) = u` (L = B = 1): :math:`\sup_\phi` deviation = q exactly,
  Rad(:math:`\Phi`, S) = k/(2n) with k the number of points in C; the factor 2 of 2L Rad is what saves it; searched over
  q, n, delta;
- ``logistic-glm``: the paper's use: :math:`x\in\{-1, 0, 1\}` with :math:`P(x\ne0) = q` (the signs equally likely),
  :math:`y\sim\mathrm{Bern}(\sigma(w_*x))`, :math:`\Phi = \{x\mapsto\theta x: |\theta|\le\Theta\}`,
  :math:`\zeta_y(t) = \log(1+e^t) - yt` with the smallest constants on :math:`|t|\le\Theta`: :math:`L = \sigma(\Theta)`,
  :math:`B = \Theta` (the loss's range), Rad = :math:`\Theta\,\mathbb E|\sum_{x_i\ne0}\xi_i|/n`; the supremum over
  :math:`\theta` in closed form (:func:`mixverify.glm_population.cell_sup_deviation`); searched over q, :math:`w_*`,
  :math:`\Theta`, n, delta;
- ``finite-class``: the empirical complexity moves most with the sample when the class is small and x is discrete; every
  class of 2 to 4 {0, 1}-valued functions on three atoms (up to relabelling the atoms, 45 classes), :math:`\zeta(u) = u`
  (L = B = 1), every law on the atoms on a grid of step 1/20, n = 2, 3, 5, 10: Rad(:math:`\Phi`, S) exact from the
  joint law of the per-atom sums of signs (products of binomials), the supremum over the class by enumeration.

A Monte Carlo over drawn samples is the second opinion for the enumeration (implementation evidence).

**What the source proves.** Bartlett & Mendelson (2002) prove (Theorem 8), for a cost :math:`\phi` with values in
[0, 1], :math:`\mathbb EL \le \hat{\mathbb E}_n\phi + R_n(\tilde\phi\circ F) + \sqrt{8\ln(2/\delta)/n}` with the
*expected* complexity of their Definition 2, :math:`R_n(F) = \mathbb E\sup_f|\frac2n\sum_i\sigma_if(X_i)|`
(:math:`\ge 2\,\mathbb E_S\mathrm{Rad}`), of the centred class :math:`\tilde\phi = \phi(y, f(x)) - \phi(y, 0)`, and
(Theorem 12, part 4) :math:`R_n(\phi\circ F)\le 2L_\phi R_n(F)`. For :math:`\zeta\in[0, B]` that is
:math:`\mathbb E\zeta\le\hat{\mathbb E}\zeta + 2L R_n(\Phi) + B\sqrt{8\ln(2/\delta)/n}`: at least twice the printed
complexity term and :math:`4\sqrt{\ln(2/\delta)/\ln(1/\delta)}` (>= 4) times its confidence term. The printed form --
the empirical :math:`\mathrm{Rad}(\Phi, S)` with one confidence term :math:`B\sqrt{\log(1/\delta)/(2n)}` -- is proved
neither there nor by Mohri et al. (2018, Theorem 3.3: the expected complexity with that term, or the empirical one with
:math:`3\sqrt{\log(2/\delta)/(2n)}`). Erratum of kind ``proof``: on the rich class's tightest instance Theorem 8's bound
exceeds the printed one on almost every sample (``cx-source-weaker``), so the citation cannot certify it; the check
decides the printed form itself, on the four families above (``finite-class`` is the search for a counterexample where
Rad(:math:`\Phi`, S) is small exactly on the samples whose deviation is large; none was found).

**Power.** The same criterion applied to two plausible wrong versions: ``L Rad`` (the factor 2 of
symmetrisation dropped) and ``B log(1/delta)/(2n)`` (the square root dropped); each is shown false (violation
probability > delta) on an instance the search found.

**Tightness.** Per instance, the smallest factor c with :math:`P(\mathrm{deviation} > c\cdot\mathrm{RHS})\le\delta`:
``bound_over_measured`` = 1/c at the instance of each family where it is smallest (named in ``instance``); the trivial
bound is B (no deviation exceeds the loss range).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from scipy import special, stats

from ..claim import Claim, Context, Erratum, Evidence, Outcome, Scope, close, holds, reported, tightness
from ..glm_population import (
    atom_cells,
    cell_sup_deviation,
    compositions,
    margin_factor,
    sample_law,
    violation_probability,
)
from ..numerics import exact, monte_carlo, ulps

DELTA = 0.1  # the fixed instances: the two-sided counterexample and the Monte Carlo second opinion
N_ONE = 50
Q_GLM, THETA_MAX, W_STAR, N_GLM = 0.5, 2.0, 1.5, 30  # the Monte Carlo instance
MC_SAMPLES = 4000
#: The search for the smallest room: every family's parameters, n, and delta.
HARD_DELTA = np.geomspace(1e-12, 0.9, 21)
HARD_N = (1, 2, 3, 10, 30, 100, 300, 1000)
HARD_P = np.linspace(0.05, 0.95, 10)  # one-function: P(zeta = 1); rich-class: q = P(x in C)
HARD_GLM_Q = (1.0, 0.75, 0.5)
HARD_GLM_W = (0.0, 1.0)
HARD_GLM_THETA = np.geomspace(0.1, 6.0, 8)
HARD_GLM_N = (1, 3, 10, 30, 100)
TIE = 64 * np.finfo(float).eps  # relative round-off of deviations and bounds: near-ties within it count as violations
FINITE_ATOMS = 3
FINITE_SIZES = (2, 3, 4)  # functions per class
FINITE_N = (2, 3, 5, 10)
FINITE_GRID = 20  # the laws on the atoms: probabilities in multiples of 1/20, each >= 1/20


def confidence_term(B, n, delta):
    r""":math:`B\sqrt{\log(1/\delta)/(2n)}`, Lemma A.1's confidence term (McDiarmid for a loss with range B); delta may
    be an array."""
    return float(B) * np.sqrt(np.log(1 / np.asarray(delta, float)) / (2 * int(n)))


def lemma_rhs(rad, L, B, n, delta):
    r"""Lemma A.1's bound on the deviation: :math:`2L\,\mathrm{Rad} + B\sqrt{\log(1/\delta)/(2n)}` (vectorised in rad)."""
    return 2 * L * np.asarray(rad, float) + confidence_term(B, n, delta)


def expected_abs_sum(k) -> np.ndarray:
    r""":math:`\mathbb E|\sum_{i\le k}\xi_i|` for Rademacher :math:`\xi` (exact binomial sum), elementwise in k."""
    k = np.atleast_1d(np.asarray(k, int))
    out = np.zeros(k.shape)
    for idx, kk in np.ndenumerate(k):
        j = np.arange(kk + 1)
        out[idx] = float(np.sum(stats.binom.pmf(j, kk, 0.5) * np.abs(2 * j - kk)))
    return out


@functools.lru_cache(maxsize=16)
def _abs_sum_table(n: int) -> np.ndarray:
    """E|sum_{i <= k} xi_i| for k = 0 .. n."""
    return expected_abs_sum(np.arange(n + 1))


# --- the instances: (probability of each sample, deviation sup, Rad, L, B, n) ---------------------------

def _one_function(n, p=0.5, *, signed=False):
    """Phi = {phi_0}, zeta in {0, 1} (signed: {-1, 1}) with P(zeta = 1) = p: Rad = 0, sup dev = (range)(p - k/n)."""
    k = np.arange(n + 1)
    dev = (2.0 if signed else 1.0) * (p - k / n)
    return stats.binom.pmf(k, n, p), dev, np.zeros(n + 1), 1.0, 1.0, n


def _rich_class(n, q):
    """x = 0 w.p. 1 - q, else continuous; Phi = [0,1]-valued functions vanishing at 0: sup dev = q, Rad = k/(2n)."""
    k = np.arange(n + 1)
    return stats.binom.pmf(k, n, q), np.full(n + 1, q), k / (2 * n), 1.0, 1.0, n


def _glm(n, q, w_star, theta_max):
    """Exact over all multinomial compositions of the cells (s = 1, -1, 0); the supremum over |theta| <= theta_max in closed
    form; L = sigma(theta_max), B = theta_max (the loss's range on |t| <= theta_max)."""
    cells, probs = atom_cells(q, w_star)
    counts, prob = sample_law(n, probs)
    dev = cell_sup_deviation(counts, probs, cells, theta_max)
    nonzero = counts[:, cells != 0].sum(1)
    rad = theta_max * _abs_sum_table(n)[nonzero] / n
    return prob, dev, rad, float(special.expit(theta_max)), float(theta_max), n


@functools.lru_cache(maxsize=1)
def _families():
    """family -> [(words, instance)]: the grid of each family (deterministic: built once)."""
    return {
        "one-function": [(f"Phi = {{phi_0}}, zeta in {{0, 1}}, P(zeta = 1) = {p:.2f}, n = {n} (Rad = 0: Hoeffding)",
                          _one_function(n, float(p))) for p in HARD_P for n in HARD_N],
        "rich-class": [(f"x = 0 w.p. {1 - q:.2f} else continuous, Phi = [0,1]-valued functions with phi(0) = 0, "
                        f"zeta(u) = u, n = {n} (sup dev = {q:.2f}, Rad = k/(2n))", _rich_class(n, float(q)))
                       for q in HARD_P for n in HARD_N],
        "logistic-glm": [(f"x in {{-1, 0, 1}}, P(x != 0) = {q:g}, y ~ Bern(sigma({w:g} x)), |theta| <= {t:.4g}, logistic "
                          f"loss (L = sigma(Theta), B = Theta), n = {n}", _glm(n, q, w, float(t)))
                         for q in HARD_GLM_Q for w in HARD_GLM_W for t in HARD_GLM_THETA for n in HARD_GLM_N],
    }


@functools.lru_cache(maxsize=16)
def _search(family: str, rhs, *, wrong: bool = False):
    """Over the family's instances and HARD_DELTA: (largest P(violation) / delta, its words, delta) and, for the statement,
    (the smallest room 1/c, its words, delta, B), c the (1 - delta)-quantile of deviation / bound (exact distribution).
    Near-ties count as violations of the statement, not of a wrong version. Deterministic (exact sums): cached."""
    worst, room = (-1.0, "", 0.0), (math.inf, "", 0.0, 1.0)
    for words, (p, d, r, L_, B_, n_) in _families()[family]:
        right = np.broadcast_to(rhs(r[:, None], L_, B_, n_, HARD_DELTA[None, :]), (len(d), len(HARD_DELTA)))
        scale = TIE * np.maximum(np.abs(right), np.abs(d)[:, None])
        v = p @ (d[:, None] > (right + scale if wrong else right - scale)) / HARD_DELTA
        k = int(np.argmax(v))
        if v[k] > worst[0]:
            worst = (float(v[k]), words, float(HARD_DELTA[k]))
        if not wrong:
            c = margin_factor(p, d, lemma_rhs(r[:, None], L_, B_, n_, HARD_DELTA[None, :]), HARD_DELTA)
            j = int(np.argmax(c))
            if c[j] > 0 and 1 / c[j] < room[0]:
                room = (float(1 / c[j]), words, float(HARD_DELTA[j]), B_)
    return worst, room


def check(ctx: Context, *, rhs=lemma_rhs) -> Outcome:
    """``rhs(rad, L, B, n, delta)`` is Lemma A.1's right-hand side minus the empirical loss, called with arrays (rad a
    column over the samples, delta a row over HARD_DELTA); plant a wrong one to see the decisive evidence reject it."""
    out = Outcome()
    families = _families()
    results = {key: _search(key, rhs) for key in families}
    out.evidence += _exact_violation_probabilities(families, results)
    out.evidence.append(_finite_class_evidence(rhs))
    out.evidence += _power_checks(families)
    # second opinion: Monte Carlo over drawn samples of one GLM instance
    out.evidence.append(_monte_carlo(ctx))
    out.evidence += _expected_complexity(families, results)
    evidence, erratum = _two_sided_range()
    out.evidence.append(evidence)
    out.errata.append(erratum)
    out.evidence.append(_source_gap(families, results))
    out.errata.append(_source_erratum(results, out.by_id("holds-finite-class").value))
    out.notes += _notes()
    return out


def _exact_violation_probabilities(families, results) -> list[Evidence]:
    """Decisive: per family, P(sup deviation > rhs) <= delta on every instance and delta of the grid (exact sums)."""
    ev = []
    for key, ((worst, words, delta), (room, r_words, r_delta, B_)) in results.items():
        count = len(families[key]) * len(HARD_DELTA)
        ev.append(holds(  # exact sums over every sample (binomial / multinomial)
            f"holds-{key}", f"{key}: P(sup_phi [E zeta(phi) - E_S zeta(phi)] > 2L Rad(Phi, S) + B sqrt(log(1/delta)/(2n))) "
            f"<= delta on each of {count} (instance, delta)", worst <= 1.0,
            ulps(1e3, of="1: value is the largest P(violation) / delta; near-ties within 64 ulp counted as violations"),
            value=worst, reference=1.0, role="decisive",
            detail=f"largest P/delta at {words}, delta = {delta:.3g}",
            tightness=tightness(room, B_, instance=f"{r_words}, delta = {r_delta:.3g}")))
    return ev


# --- finite classes on three atoms: where the empirical complexity moves most with the sample -----------------------

@functools.lru_cache(maxsize=1)
def _finite_classes():
    """(the 2^3 {0,1}-valued functions on the atoms as rows, a mask per class (classes x functions), their words): every
    class of FINITE_SIZES functions, one per orbit of the relabellings of the atoms (the grid of laws covers the rest)."""
    funcs = np.array(list(itertools.product((0.0, 1.0), repeat=FINITE_ATOMS)))
    perms = list(itertools.permutations(range(FINITE_ATOMS)))
    reps = {}
    for size in FINITE_SIZES:
        for cls in itertools.combinations(range(len(funcs)), size):
            key = min(tuple(sorted(tuple(funcs[f][list(q)]) for f in cls)) for q in perms)
            reps.setdefault(key, cls)
    mask = np.zeros((len(reps), len(funcs)), bool)
    for i, cls in enumerate(reps.values()):
        mask[i, list(cls)] = True
    words = ["{" + ", ".join("".join(str(int(v)) for v in funcs[f]) for f in cls) + "}" for cls in reps.values()]
    return funcs, mask, words


@functools.lru_cache(maxsize=8)
def _finite_rad(n: int):
    """(the samples as atom counts (compositions of n), Rad(Phi, S) per sample and class): the sums of signs on the atoms
    are independent binomials given the counts, enumerated jointly; the class's supremum by enumeration."""
    funcs, mask, _ = _finite_classes()
    counts = compositions(n, FINITE_ATOMS)
    rad = np.zeros((len(counts), len(mask)))
    for ci, c in enumerate(counts):
        sums = np.array(list(itertools.product(*[np.arange(-k, k + 1, 2) for k in c])), float)
        weight = np.prod(np.array(list(itertools.product(*[stats.binom.pmf(np.arange(k + 1), k, 0.5) for k in c]))), 1)
        best = np.where(mask[None], (sums @ funcs.T)[:, None, :], -np.inf).max(-1)
        rad[ci] = weight @ best / n
    return counts, rad


def _finite_laws() -> np.ndarray:
    grid = [t for t in itertools.product(range(1, FINITE_GRID), repeat=FINITE_ATOMS - 1) if sum(t) < FINITE_GRID]
    return np.array([[*t, FINITE_GRID - sum(t)] for t in grid], float) / FINITE_GRID


@functools.lru_cache(maxsize=8)
def _finite_search(rhs):
    """Over every class, law, n and delta: (largest P(violation) / delta, words, the instance's (prob, dev, rad, n),
    delta, count of (instance, delta)). Exact; near-ties count as violations."""
    funcs, mask, words = _finite_classes()
    worst, count = (-1.0, "", None, 0.0), 0
    for n in FINITE_N:
        counts, rad = _finite_rad(n)
        right = rhs(rad[:, :, None], 1.0, 1.0, n, HARD_DELTA[None, None, :])
        for p in _finite_laws():
            prob = sample_law(n, p)[1]
            dev = np.where(mask[None], ((p[None] - counts / n) @ funcs.T)[:, None, :], -np.inf).max(-1)
            scale = TIE * np.maximum(np.abs(right), np.abs(dev)[:, :, None])
            v = np.einsum("c,ckd->kd", prob, (dev[:, :, None] > right - scale).astype(float)) / HARD_DELTA
            count += v.size
            k, d = np.unravel_index(int(np.argmax(v)), v.shape)
            if v[k, d] > worst[0]:
                worst = (float(v[k, d]), f"Phi = {words[k]} on three atoms of probabilities "
                         + ", ".join(f"{x:.2f}" for x in p) + f", zeta(u) = u (L = B = 1), n = {n}",
                         (prob, dev[:, k], rad[:, k], n), float(HARD_DELTA[d]))
    return (*worst, count)


def _finite_class_evidence(rhs) -> Evidence:
    """Decisive: the printed bound on every finite class searched (exact), with the room at the instance of largest
    P(violation) / delta."""
    ratio, words, (prob, dev, rad, n), delta, count = _finite_search(rhs)
    c = margin_factor(prob, dev, lemma_rhs(rad[:, None], 1.0, 1.0, n, HARD_DELTA[None, :]), HARD_DELTA)
    j = int(np.argmax(c))
    return holds(
        "holds-finite-class", "finite-class: P(sup_phi [E phi - E_S phi] > 2 Rad(Phi, S) + sqrt(log(1/delta)/(2n))) <= "
        f"delta on each of {count} (class, law, n, delta)", ratio <= 1.0,
        ulps(1e3, of="1: value is the largest P(violation) / delta; near-ties within 64 ulp counted as violations"),
        value=ratio, reference=1.0, role="decisive", detail=f"largest P/delta at {words}, delta = {delta:.3g}",
        tightness=tightness(float(1 / c[j]) if c[j] > 0 else math.inf, 1.0,
                            instance=f"{words}, delta = {HARD_DELTA[j]:.3g} (the instance of largest P(violation)/delta)"))


def bm_theorem_8_rich(q: float, n: int, delta: float) -> float:
    r"""Bartlett & Mendelson's Theorem 8 bound on the deviation for the rich class (a [0, 1]-valued cost, the identity,
    phi(0) = 0): :math:`R_n(\Phi) + \sqrt{8\ln(2/\delta)/n}` with their Definition 2,
    :math:`R_n = \mathbb E\sup_\phi|\frac2n\sum_i\sigma_i\phi(x_i)| = \mathbb E_k[k + \mathbb E|\sum_{i\le k}\sigma_i|]/n`
    (the supremum puts 1 on the points of the larger sign class among the k in C), exactly."""
    k = np.arange(n + 1)
    r_n = float(stats.binom.pmf(k, n, q) @ (k + _abs_sum_table(n)) / n)
    return r_n + math.sqrt(8 * math.log(2 / delta) / n)


def _source_gap(families, results) -> Evidence:
    """Counterexample to 'Lemma A.1 is Bartlett & Mendelson's result': on the rich class's tightest instance the cited
    Theorem 8 bounds the deviation by more than the printed right-hand side on almost every sample, so it cannot certify
    the printed form (which holds there with 1 % room)."""
    words, delta = results["rich-class"][1][1], results["rich-class"][1][2]
    p, d, r, L_, B_, n_ = dict(families["rich-class"])[words]
    q = float(d[0])
    bm = bm_theorem_8_rich(q, n_, delta)
    printed = lemma_rhs(r, L_, B_, n_, delta)
    weaker = float(p[bm > printed].sum())
    k = int(round(q * n_))
    return holds(
        "cx-source-weaker", "Bartlett & Mendelson's Theorem 8 (expected R_n of their Definition 2, sqrt(8 ln(2/delta)/n)) "
        "bounds the deviation by more than the printed right-hand side on samples of probability > delta (rich class, its "
        "tightest instance): the cited result does not give the printed form", weaker > delta,
        exact("binomial sums over the number k of points in C"), value=weaker, reference=delta, kind="counterexample",
        detail=f"{words}, delta = {delta:.3g}: Theorem 8 gives {bm:.4f}, the printed form {float(printed[k]):.4f} at k = "
               f"{k} (the deviation is {q:g})")


def _source_erratum(results, finite: float) -> Erratum:
    """Erratum (proof): the cited theorem does not give the printed form; what the claim checks instead."""
    return Erratum(
        location="Appendix A.3.2, Lemma A.1 ('Result from Bartlett & Mendelson (2002)')",
        statement="E zeta(phi(x)) <= (1/n) sum_i zeta(phi(x_i)) + 2 L Rad(Phi, S) + B sqrt(log(1/delta)/(2n)) w.p. >= "
                  "1 - delta, with the empirical Rademacher complexity Rad(Phi, S) and one confidence term",
        correction="Bartlett & Mendelson's Theorem 8 (with Theorem 12.4) gives E zeta <= E_S zeta + 2 L R_n(Phi) + "
                   "B sqrt(8 ln(2/delta)/n) with the expected complexity R_n(Phi) = E sup |(2/n) sum sigma_i phi(x_i)| "
                   "(>= 2 E_S Rad(Phi, S)); Mohri et al. (2018, Thm 3.3) give 2 L E_S Rad + B sqrt(log(1/delta)/(2n)), "
                   "or 2 L Rad(Phi, S) + 3 B sqrt(log(2/delta)/(2n)) with the empirical complexity. Any of these carries "
                   "Corollary 3.1 and Theorem 3.5 with other constants; the printed form is checked here on its own",
        counterexample="to the citation, not to the printed form: on the rich class's tightest instance Theorem 8's bound "
                       "exceeds the printed one on almost every sample (cx-source-weaker); the printed form itself holds "
                       "exactly on every instance of the four families searched (largest P(violation)/delta "
                       f"{max(r[0][0] for r in results.values()):.3g} on the analytic families, {finite:.3g} on the finite "
                       "classes)",
        kind="proof", evidence="cx-source-weaker")


def _no_factor_two(r, L_, B_, n_, dl):
    return L_ * np.asarray(r, float) + confidence_term(B_, n_, dl)


def _no_sqrt(r, L_, B_, n_, dl):
    return 2 * L_ * np.asarray(r, float) + B_ * np.log(1 / np.asarray(dl, float)) / (2 * n_)


#: Plausible wrong versions (power checks), each shown false on an instance of the search.
WRONG_VERSIONS = {"power-no-factor-2": ("L Rad (symmetrisation's factor 2 dropped)", _no_factor_two),
                  "power-no-sqrt": ("B log(1/delta)/(2n) (square root dropped)", _no_sqrt)}


def _power_checks(families) -> list[Evidence]:
    """Power: the same criterion on plausible wrong versions; each must be rejected on some instance searched."""
    ev = []
    for pid, (label, fn) in WRONG_VERSIONS.items():
        found = {key: _search(key, fn, wrong=True)[0] for key in families}
        key = max(found, key=lambda k: found[k][0])
        ratio, words, delta = found[key]
        ev.append(holds(
            pid, f"wrong version {label}: violation probability > delta on some instance searched", ratio > 1,
            exact("near-ties counted as non-violations (conservative for the rejection)"), value=ratio, reference=1.0,
            role="power", detail=f"largest P/delta at {key}: {words}, delta = {delta:.3g}; per family "
                                 + ", ".join(f"{k}: {v[0]:.4g}" for k, v in found.items())))
    return ev


def _expected_complexity(families, results) -> list[Evidence]:
    """Context: at each family's tightest instance, the violation probability with the expected Rademacher complexity
    (what the cited result proves)."""
    ev = []
    for key, (_, (_, words, delta, _)) in results.items():
        p, d, r, L_, B_, n_ = dict(families[key])[words]
        er = float(np.sum(p * r))
        ev.append(reported(
            f"expected-rad-{key}", f"{key}, its tightest instance: with the expected complexity E_S Rad = {er:.4g} instead "
            "of Rad(Phi, S)", violation_probability(p, d, lemma_rhs(er, L_, B_, n_, delta)), reference=delta,
            detail=f"{words}, delta = {delta:.3g}",
            why="Bartlett & Mendelson (2002, Thm 8) and Mohri et al. (Thm 3.3) prove the bound with E_S Rad"))
    return ev


def _two_sided_range() -> tuple[Evidence, Erratum]:
    """Erratum: with |zeta| <= B (range 2B) the lemma fails on a single function (counterexample and erratum)."""
    p, d, r, L_, B_, n_ = _one_function(N_ONE, signed=True)
    v = violation_probability(p, d, lemma_rhs(r, L_, B_, n_, DELTA), -ulps(1e3).value)
    evidence = holds(
        "cx-two-sided-range", "|zeta| <= B (range 2B): Phi = {phi_0}, zeta in {-1, +1} w.p. 1/2 (B = L = 1, Rad = 0), "
        "violation probability > delta", v > DELTA,
        exact(f"binomial sum, n = {N_ONE}: P(1 - 2k/n > sqrt(log(1/delta)/(2n)))"), value=v, reference=DELTA,
        kind="counterexample")
    erratum = Erratum(
        location="Appendix A.3.2, Lemma A.1 ('B-uniformly bounded')",
        statement="for any B-uniformly bounded (|zeta| <= B) and L-Lipschitz zeta ... + B sqrt(log(1/delta)/(2n))",
        correction="zeta takes values in an interval of length B (e.g. [0, B], a non-negative loss bounded by B, as in "
                   "Corollary 3.1 and Theorem 3.5); for |zeta| <= B the confidence term is 2B sqrt(log(1/delta)/(2n))",
        counterexample=f"Phi = {{phi_0}}, zeta(phi_0(x)) = +-1 with probability 1/2, n = {N_ONE}, delta = {DELTA:g}: Rad = 0 "
                       f"and P(E zeta - E_S zeta > sqrt(log(1/delta)/(2n))) = {v:.4f} > {DELTA:g} (exact)",
        kind="hypothesis", evidence="cx-two-sided-range")
    return evidence, erratum


def _notes() -> list[str]:
    """The reading of 'for all phi', the cited result's actual form, and label-dependent zeta."""
    return [
        "'for all phi in Phi, with probability at least 1 - delta' is read uniformly (one event for the supremum over "
        "Phi), as Corollary 3.1 and Theorem 3.5 need for a data-dependent theta; this implies the pointwise reading.",
        "The cited result is not the printed one (erratum, kind proof): Bartlett & Mendelson (2002, Theorem 8) bound a "
        "[0, 1]-valued cost with the expected complexity of their Definition 2 (E sup |(2/n) sum sigma_i f(X_i)|, at "
        "least twice E_S Rad) and the confidence term sqrt(8 ln(2/delta)/n), 4 sqrt(ln(2/delta)/ln(1/delta)) >= 4 times "
        "the printed one at B = 1; Mohri et al. (2018, Theorem 3.3) give B sqrt(log(1/delta)/(2n)) with the expected "
        "complexity and 3B sqrt(log(2/delta)/(2n)) with the empirical one. The printed combination (empirical Rad, one "
        "term) holds on every instance searched, the finite classes included, where Rad(Phi, S) is smallest on the "
        "samples whose deviation is largest: no counterexample found, so it stands as checked, not as proved.",
        "zeta must be allowed to depend on the label (zeta_y(t) = A(t) - y t in Corollary 3.1, (y - t)^2 in Theorem 3.5); "
        "the instances use such a zeta; Talagrand's contraction (Ledoux & Talagrand; Meir & Zhang 2003) allows it.",
    ]


def _monte_carlo(ctx):
    """Draw samples of one GLM instance and compare the mean supremum deviation with the exact enumeration's."""
    prob, dev, rad, L, B, n = _glm(N_GLM, Q_GLM, W_STAR, THETA_MAX)
    cells, probs = atom_cells(Q_GLM, W_STAR)
    counts = ctx.rng(601).multinomial(n, probs, size=MC_SAMPLES)
    sup = cell_sup_deviation(counts, probs, cells, THETA_MAX)
    mean, se = float(sup.mean()), float(sup.std(ddof=1) / math.sqrt(MC_SAMPLES))
    return close("mc-glm", f"logistic-glm (q = {Q_GLM:g}, w* = {W_STAR:g}, |theta| <= {THETA_MAX:g}, n = {N_GLM}): mean "
                 "sup-deviation over drawn samples = exact enumeration", mean, float(np.sum(prob * dev)),
                 monte_carlo(se, MC_SAMPLES), kind="monte-carlo")


CLAIM = Claim(
    id="lemma-a1",
    paper_ref="Lemma A.1 (Appendix A.3.2; Bartlett & Mendelson 2002)",
    title="Uniform deviation bound: E zeta(phi) <= empirical + 2 L Rad(Phi, S) + B sqrt(log(1/delta)/(2n)) w.p. 1 - delta",
    statement=(r"\zeta\ B\text{-bounded},\ L\text{-Lipschitz}:\ \text{w.p.}\ge1-\delta,\ \forall\phi\in\Phi:\ "
               r"\mathbb E\zeta(\phi(x))\le\frac1n\sum_{i=1}^n\zeta(\phi(x_i)) + 2L\,\mathrm{Rad}(\Phi,S)"
               r" + B\sqrt{\frac{\log(1/\delta)}{2n}}"),
    hypotheses=("zeta L-Lipschitz, with values in an interval of length B (printed: 'B-uniformly bounded')",
                "x_1, ..., x_n i.i.d.; zeta may depend on the label",
                "'for all phi' read uniformly (inside the probability), as Corollary 3.1 and Theorem 3.5 use it"),
    derivation="derivations.lemma_a1",
    check=check,
    random=True,  # decided on seeded draws: run_claim decides it again on other seeds (sensitivity rows)
    scope=Scope("instances", "four families decided exactly (every sample composition) on a grid searched for the smallest "
                             "room: one function (P(zeta = 1), n = 1-1000), a rich class with an atom (q, n = 1-1000), the "
                             "logistic GLM on x in {-1, 0, 1} (q, signal, |theta| <= 0.1-6, n = 1-100), every class of 2-4 "
                             "{0, 1}-valued functions on three atoms (laws on a 1/20 grid, n = 2-10); delta = 1e-12 to 0.9"),
)
