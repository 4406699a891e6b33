"""What a claim is, what a check returns, and how a status is decided.

A claim is data (id, paper reference, statement, hypotheses, derivation module, scope) plus one plain
``check(ctx) -> Outcome`` function. The verdict rule is written out in docs/verdicts.md; :func:`decide` is
that rule. Every piece of evidence has a role (:data:`ROLES`):

- ``decisive``: it tests the statement (the printed one, or the minimally corrected one of an erratum);
- ``power``: the decisive criterion applied to a plausible *wrong* version of the statement (the proof's
  wrong last line, a missing square root, a wrong constant); it passes when the wrong version is rejected;
- ``implementation``: it checks that the code computes what it claims to (fast code against a reference);
- ``context``: a number reported beside the verdict, with no pass/fail criterion.

Statuses (a public contract, see README), in the order :func:`decide` tries them:

- ``error``: the check raised, or an implementation check failed (the numbers cannot be trusted);
- ``undecided``: no decisive evidence (the statement was not tested, e.g. a preset too small to decide);
- ``design-dependent``: the decisive evidence gives one status on the design the check reports first and another on
  a row of its sensitivity table (another reading the paper's text allows, another training length, seed, n, ...):
  the status is a function of a choice the paper does not make, so neither ``verified`` nor ``refuted`` stands;
- ``refuted``: some decisive evidence failed, or an erratum had to change the conclusion itself;
- ``uninformative``: the decisive evidence passed, but so would a plausible wrong statement (a power check
  failed): the test has no power at the size computed;
- ``verified-with-erratum``: the decisive evidence passed and each erratum is a minimal correction
  (:data:`MINIMAL_CORRECTIONS`); its counterexample to the printed form is part of the evidence;
- ``verified``: the decisive evidence passed and no erratum was needed.
"""

from __future__ import annotations

import re
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from .numerics import OrderFit, Tol, exact

EVIDENCE_KINDS = ("symbolic", "exact", "monte-carlo", "order", "counterexample", "figure")
STATUSES = ("verified", "verified-with-erratum", "refuted", "error", "undecided", "uninformative", "design-dependent")
ROLES = ("decisive", "power", "implementation", "context")
#: Kinds of correction an erratum makes. The first four are minimal: the statement, so corrected, says what
#: the paper meant and the paper's own text supplies the fix (docs/verdicts.md). ``conclusion``: no minimal
#: correction saves the statement; what is verified instead is a different conclusion, so the claim is refuted.
CORRECTIONS = ("typo", "hypothesis", "proof", "weakening", "conclusion")
MINIMAL_CORRECTIONS = CORRECTIONS[:4]
#: What a verdict was decided on: for all admissible parameters (symbolic), the paper's own setting, chosen
#: instances of a general statement, or a stand-in for the paper's experiment (other data, a smaller model).
SETTINGS = ("general", "paper", "instances", "substitute")


@dataclass
class Evidence:
    """One numeric or symbolic fact.

    ``passed`` is True/False for a test and None for a number reported without a pass/fail criterion.
    For ``kind="counterexample"``, ``passed`` means the counterexample behaves as recorded: the original
    statement (or the claim without one of its hypotheses) fails on it.

    ``role`` (:data:`ROLES`) says what the evidence is for; by default ``context`` when ``passed`` is None and
    ``implementation`` otherwise, so a claim is decided only by evidence it marks ``decisive`` on purpose.
    ``id`` is a short stable name (tests and errata refer to evidence by it, never by the prose ``name``).
    ``tightness`` (for inequalities) is ``{"bound_over_measured": ..., "trivial_bound": ...}``: how much room
    the bound leaves, and what a bound that says nothing would be.
    """

    name: str
    kind: str
    value: Any
    reference: Any
    tolerance: Any
    passed: bool | None
    tolerance_source: str = ""
    detail: str = ""
    role: str | None = None
    id: str = ""
    tightness: dict | None = None

    def __post_init__(self):
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"kind must be one of {EVIDENCE_KINDS}, got {self.kind!r}")
        scalar = isinstance(self.tolerance, (int, float)) or (hasattr(self.tolerance, "item")
                                                               and getattr(self.tolerance, "ndim", 1) == 0)
        if self.tolerance is not None and (isinstance(self.tolerance, bool) or not scalar):
            raise ValueError(f"tolerance must be a number or None (its source goes in tolerance_source), got "
                             f"{self.tolerance!r}: {self.name!r}")
        self.value, self.reference, self.tolerance = (_plain(v) for v in (self.value, self.reference,
                                                                            self.tolerance))
        if self.passed is not None:
            self.passed = bool(self.passed)
        if self.role is None:
            self.role = "context" if self.passed is None else "implementation"
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")
        if self.role in ("decisive", "power", "implementation") and self.passed is None:
            raise ValueError(f"{self.role} evidence needs a pass/fail criterion (passed=None is context): {self.name!r}")
        if self.tightness is not None:
            self.tightness = {k: _plain(v) for k, v in self.tightness.items()}


@dataclass
class Erratum:
    """A place where the paper is wrong. ``kind`` (:data:`CORRECTIONS`) classifies the correction;
    ``evidence`` is the id of the evidence holding its counterexample (empty where the erratum is a proof step
    with no counterexample of its own)."""

    location: str
    statement: str
    correction: str
    counterexample: str
    kind: str = ""  # "" until classified: a claim with an unclassified erratum is undecided
    evidence: str = ""

    def __post_init__(self):
        if self.kind and self.kind not in CORRECTIONS:
            raise ValueError(f"erratum kind must be one of {CORRECTIONS}, got {self.kind!r}")


@dataclass(frozen=True)
class Scope:
    """What a verdict was decided on: ``setting`` (:data:`SETTINGS`) and a line saying exactly what (data,
    models, sizes, seeds), and for a substitute, how to decide it on the paper's own setting."""

    setting: str
    detail: str

    def __post_init__(self):
        if self.setting not in SETTINGS:
            raise ValueError(f"scope setting must be one of {SETTINGS}, got {self.setting!r}")

    def line(self) -> str:
        return f"{self.setting}: {self.detail}" if self.detail else self.setting

    def short(self) -> str:
        """The setting and the first clause of the detail (up to its first ';'), for one-line listings."""
        first = self.detail.split(";")[0].strip()
        return f"{self.setting}: {first}" if first else self.setting


@dataclass
class Sensitivity:
    """One row of a claim's sensitivity table: a choice the paper leaves free (or a reading its text allows), the
    setting tried, the status the claim would have on that setting alone, and the decisive number there.

    ``admissible`` is False for a setting outside the paper's statement (a weaker reading, a model the paper's set-up
    does not train): it is shown as a finding and does not take part in the verdict (docs/verdicts.md section 2)."""

    choice: str
    setting: str
    status: str
    value: Any = None
    admissible: bool = True
    detail: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"sensitivity status must be one of {STATUSES}, got {self.status!r}")
        self.value = _plain(self.value)


@dataclass
class Outcome:
    """What a check returns: evidence, errata and matplotlib figures (name -> Figure); its sensitivity table (the
    status on each other design tried); ``vacuous``, the reason the printed statement holds only because its
    hypotheses can never be met ("" when it is not vacuous, None: the claim's own static reason)."""

    evidence: list[Evidence] = field(default_factory=list)
    errata: list[Erratum] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scope: Scope | None = None  # None: the claim's own (static) scope
    sensitivity: list[Sensitivity] = field(default_factory=list)
    vacuous: str | None = None

    def merge(self, *pieces: Outcome) -> Outcome:
        """Add the evidence, errata, figures, notes and sensitivity rows of ``pieces`` (the outcomes of a check's
        steps: each step returns the piece it found, with an erratum beside the evidence holding its
        counterexample); returns self."""
        for piece in pieces:
            self.evidence += piece.evidence
            self.errata += piece.errata
            self.figures.update(piece.figures)
            self.notes += piece.notes
            self.sensitivity += piece.sensitivity
        return self

    def failed(self) -> list[str]:
        """Ids of the evidence that failed, in order (the prose name where evidence has no id)."""
        return [e.id or e.name for e in self.evidence if e.passed is False]

    def by_id(self, id_: str) -> Evidence:
        """The evidence with this id (KeyError naming the ids there are, if none)."""
        for e in self.evidence:
            if e.id == id_:
                return e
        raise KeyError(f"no evidence with id {id_!r}; ids: {[e.id for e in self.evidence if e.id]}")

    def decisive(self) -> list[Evidence]:
        return [e for e in self.evidence if e.role == "decisive"]

    def status(self) -> str:
        """The status the verdict rule gives this outcome (:func:`decide`), its sensitivity table included."""
        return decide(self.evidence, self.errata, self.sensitivity)

    def headline_status(self) -> str:
        """The status of the design the check reports first, without its sensitivity table: what one row of a
        sensitivity table records for that setting (:func:`row`)."""
        return decide(self.evidence, self.errata)


@dataclass
class Derivation:
    """A SymPy derivation: LaTeX to show, and symbolic facts (name, passed, LaTeX of the residual)."""

    module: str
    latex: str
    facts: list[tuple]  # (name, passed, LaTeX of the residual[, role]); role "implementation" by default

    def evidence(self) -> list[Evidence]:
        """One piece of evidence per fact, with a semantic id: ``sympy-`` and the fact's name in lower-case words
        (at most :data:`FACT_ID_WORDS` of them; ``-2``, ``-3`` ... where two names begin alike)."""
        out, seen = [], set()
        for name, ok, residual, *role in self.facts:
            out.append(holds(fact_id(name, seen), name, ok, exact("SymPy simplifies the difference to 0 for all admissible "
                                                             "symbols"), value=residual, reference="0", kind="symbolic",
                             role=role[0] if role else "implementation"))
        return out


#: The words of a fact's name kept in its id.
FACT_ID_WORDS = 5


def fact_id(name: str, seen: set) -> str:
    """``sympy-`` and the first :data:`FACT_ID_WORDS` alphanumeric words of ``name``, lower-case, made unique
    against ``seen`` (which it extends): a SymPy fact's id says what the fact is, and stays when facts are added."""
    words = re.findall(r"[a-z0-9]+", name.lower())[:FACT_ID_WORDS]
    base = "sympy-" + "-".join(words or ["fact"])
    candidate, k = base, 1
    while candidate in seen:
        k += 1
        candidate = f"{base}-{k}"
    seen.add(candidate)
    return candidate


@dataclass(frozen=True)
class Context:
    """Settings a check runs under. ``rng(k)`` gives the k-th independent numpy Generator of the seed.

    ``preset``, ``data_root``, ``workers`` and ``train_device`` (where they train: "cpu", "cuda", ...) are
    read by the empirical figure claims only (:mod:`empirical.figures`); the analytic checks run in float64
    on ``device``, the CPU unless a caller asks otherwise. ``sensitivity=False`` skips the sensitivity table (the
    other designs and seeds): a check then decides on its headline design only, as each row of that table does."""

    seed: int = 0
    device: str = "cpu"
    train_device: str = "cpu"
    thorough: bool = False
    preset: str = "smoke"
    data_root: str | None = None
    workers: int = 1
    sensitivity: bool = True
    log: Callable[[str], None] | None = field(default=None, compare=False)

    def rng(self, stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, stream])


@dataclass(frozen=True)
class Claim:
    id: str
    paper_ref: str
    title: str
    statement: str
    hypotheses: tuple[str, ...]
    derivation: str  # "derivations.<id>": the module in derivations/ (mixverify.derivations), with derive() -> Derivation
    check: Callable[[Context], Outcome]
    scope: Scope | None = None  # what the verdict is decided on; a check may return its own (Outcome.scope)
    section: str = "paper"  # "paper": a statement of Zhang et al.; "beyond": a question users ask (beyond the paper)
    #: The decisive evidence depends on random draws (data, networks, training): :func:`run_claim` decides it again
    #: on :func:`seed_rows` other seeds and records each status in the sensitivity table.
    random: bool = False
    #: Why the printed statement is vacuous (true only because its hypotheses can never be met), "" if it is not.
    vacuous: str = ""
    #: The check trains the image figures' runs (mixverify.empirical): it runs in the calling process, after the other
    #: claims, with its own ``Context.workers`` training pool (:func:`run_claims`).
    trains_figures: bool = False


@dataclass
class ClaimResult:
    claim: Claim
    status: str
    derivation: Derivation | None
    outcome: Outcome
    seconds: float
    error: str = ""

    @property
    def scope(self) -> Scope | None:
        return self.outcome.scope or self.claim.scope

    @property
    def vacuous(self) -> str:
        """Why the printed statement is vacuous ("" if it is not): the check's finding, else the claim's own."""
        return self.claim.vacuous if self.outcome.vacuous is None else self.outcome.vacuous

    def to_json(self) -> dict:
        c = self.claim
        scope = self.scope
        return {
            "id": c.id,
            "paper_ref": c.paper_ref,
            "title": c.title,
            "status": self.status,
            "statement": c.statement,
            "hypotheses": list(c.hypotheses),
            "derivation": {"module": c.derivation, "latex": self.derivation.latex if self.derivation else ""},
            "evidence": [asdict(e) for e in self.outcome.evidence],
            "errata": [asdict(e) for e in self.outcome.errata],
            "notes": list(self.outcome.notes),
            "error": self.error,
            "scope": asdict(scope) if scope else None,
            "section": c.section,
            "sensitivity": [asdict(row) for row in self.outcome.sensitivity],
            "vacuous": bool(self.vacuous),
            "vacuous_reason": self.vacuous,
        }


# --- evidence constructors: each writes its pass test once ----------------------------------------------------
# Every check builds its evidence with these: ``id`` first (short, stable: tests, errata and docs refer to it), then the
# prose ``name``, the numbers, and a tolerance from the vocabulary of :mod:`mixverify.numerics` (``Tol``).

def close(id: str, name: str, value, reference, tol: Tol, *, kind: str = "exact", role: str | None = None,
          detail: str = "", tightness: dict | None = None) -> Evidence:
    """``value`` equals ``reference`` within ``tol``: |value - reference| <= tol."""
    return Evidence(name, kind, value, reference, tol.value, abs(value - reference) <= tol.value, tol.source,
                    detail, role, id, tightness)


def at_most(id: str, name: str, value, bound, tol: Tol, *, kind: str = "exact", role: str | None = None,
            detail: str = "", tightness: dict | None = None) -> Evidence:
    """``value`` <= ``bound`` up to ``tol``: value <= bound + tol."""
    return Evidence(name, kind, value, bound, tol.value, value <= bound + tol.value, tol.source, detail, role, id,
                    tightness)


def at_least(id: str, name: str, value, bound, tol: Tol, *, kind: str = "exact", role: str | None = None,
             detail: str = "", tightness: dict | None = None) -> Evidence:
    """``value`` >= ``bound`` up to ``tol``: value >= bound - tol."""
    return Evidence(name, kind, value, bound, tol.value, value >= bound - tol.value, tol.source, detail, role, id,
                    tightness)


def differs(id: str, name: str, value, reference, tol: Tol, *, kind: str = "counterexample",
            role: str | None = None, detail: str = "") -> Evidence:
    """``value`` and ``reference`` differ beyond ``tol`` (a counterexample: |value - reference| > tol)."""
    return Evidence(name, kind, value, reference, tol.value, abs(value - reference) > tol.value, tol.source, detail,
                    role, id)


def holds(id: str, name: str, passed: bool, criterion: Tol | str, *, value=None, reference=None, kind: str = "exact",
          role: str | None = None, detail: str = "", tightness: dict | None = None) -> Evidence:
    """A test whose pass criterion is not one of the above (a count, a sign pattern, an exception raised);
    ``criterion`` is its tolerance (a :class:`Tol`) or, when no number is compared, the sentence stating it."""
    tol, source = (criterion.value, criterion.source) if isinstance(criterion, Tol) else (None, criterion)
    return Evidence(name, kind, value, reference, tol, passed, source, detail, role, id, tightness)


def reported(id: str, name: str, value, *, kind: str = "exact", reference=None, detail: str = "",
             why: str = "") -> Evidence:
    """A number reported beside the verdict, with no pass/fail criterion (role ``context``); ``why`` says what it
    shows and why it decides nothing (report.json's ``tolerance_source``: "reported: <why>")."""
    return Evidence(name, kind, value, reference, None, None,
                    f"reported: {why}" if why else "reported, not a pass/fail criterion", detail, None, id)


def order(id: str, name: str, fit: OrderFit | None, claimed: int = 3, *, role: str | None = None,
          detail: str = "", rejects: bool = False) -> Evidence:
    """A remainder is of order >= ``claimed``, from an :class:`~mixverify.numerics.OrderFit` (None: the remainder
    was not resolved above its error floor at enough scales, which fails).

    ``rejects=True`` is the power check of that criterion: ``fit`` is the remainder of a plausible *wrong* version
    of the statement, and the evidence passes when the criterion rejects it (the wrong version is not of order
    ``claimed``)."""
    if fit is None:
        ok, value, source = False, None, "remainder not resolved above its error floor at enough scales"
        detail_ = detail
    else:
        ok, value = fit.at_least(claimed), round(fit.slope, 4)
        source = (f"99% t-interval of the fitted slope ({fit.slope:.3f} +/- {fit.half_width:.3f}) must lie above "
                  f"{claimed - 0.5}, midway between the claimed order {claimed} and the order {claimed - 1} a wrong "
                  f"term of order {claimed - 1} leaves")
        slopes = "local slopes " + ", ".join(f"{v:.2f}" for v in fit.local_slopes)
        detail_ = f"{detail}; {slopes}" if detail else slopes
    if rejects:
        ok, source = not ok, "passes when the wrong version fails the decisive order criterion: " + source
    return Evidence(name, "order", value, f">= {claimed}", claimed - 0.5, ok, source, detail_, role, id)


def tightness(bound_over_measured, trivial_bound, instance: str = "") -> dict:
    """An inequality's ``tightness`` field: bound / measured, what a bound that says nothing would be, and, for a bound
    tested on the hardest instances a search found, that instance in words (where the ratio was measured)."""
    out = {"bound_over_measured": bound_over_measured, "trivial_bound": trivial_bound}
    if instance:
        out["instance"] = instance
    return out


def row(choice: str, setting: str, outcome: Outcome | None = None, *, status: str | None = None, value=None,
        admissible: bool = True, detail: str = "") -> Sensitivity:
    """A sensitivity row for the setting ``setting`` of ``choice``: its status is what the verdict rule gives the
    ``outcome`` computed on that setting alone (its headline design, no table of its own), or ``status`` directly."""
    if status is None:
        status = outcome.headline_status() if outcome is not None else "undecided"
    return Sensitivity(choice, setting, status, value, admissible, detail)


def decide(evidence: list[Evidence], errata: list[Erratum], sensitivity=()) -> str:
    """The verdict rule (docs/verdicts.md), from the roles of the evidence, the kinds of the errata and the statuses
    of the sensitivity table's admissible rows."""
    return _decide(evidence, errata, sensitivity)[0]


def _decide(evidence, errata, sensitivity=()) -> tuple[str, str]:
    """(status, reason): the reason names what decided it, for an ``error``, ``undecided`` or ``design-dependent``
    status."""
    broken = [e.id or e.name for e in evidence if e.role == "implementation" and e.passed is False]
    if broken:
        return "error", "implementation check failed (the numbers cannot be trusted): " + "; ".join(broken)
    rows = [r for r in sensitivity if r.admissible]
    failed_rows = [f"{r.choice} = {r.setting}" for r in rows if r.status == "error"]
    if failed_rows:
        return "error", "the check failed on a setting of its sensitivity table: " + "; ".join(failed_rows)
    decisive = [e for e in evidence if e.role == "decisive"]
    if not decisive:
        return "undecided", "no decisive evidence: nothing here tests the statement"
    unclassified = [x.location for x in errata if not x.kind]
    if unclassified and not any(e.passed is False for e in decisive):
        return "undecided", "erratum not classified (docs/verdicts.md): " + "; ".join(unclassified)
    status = _headline(decisive, evidence, errata)
    other = [f"{r.choice} = {r.setting}: {r.status}" for r in rows if r.status != status]
    if other:
        return "design-dependent", f"{status} on the headline design, but " + "; ".join(other)
    return status, ""


def _headline(decisive, evidence, errata) -> str:
    if any(e.passed is False for e in decisive):
        return "refuted"
    if any(x.kind == "conclusion" for x in errata):
        return "refuted"
    if any(e.role == "power" and e.passed is False for e in evidence):
        return "uninformative"
    return "verified-with-erratum" if errata else "verified"


#: Other seeds on which :func:`run_claim` decides a claim whose evidence depends on random draws (``Claim.random``):
#: seeds ``seed + 1 ... seed + SEED_ROWS`` (``--thorough``: ``THOROUGH_SEED_ROWS``), each recorded as a sensitivity
#: row. One row by default: a status that depends on the seed's luck is what the 20-seed false-alarm sweep
#: (benchmarks/false_alarms.py, tox -e false-alarms) looks for, over far more seeds than a report can rerun; the
#: report's row shows each verdict decided again on another seed (a second row cost 57 s of CPU time on 2 cores, a
#: sixth of the default tox, and decided no status differently: tests/test_claims.py).
SEED_ROWS, THOROUGH_SEED_ROWS = 1, 3


def seed_rows(ctx: Context) -> int:
    """How many seed rows :func:`run_claim` adds under ``ctx`` (:data:`SEED_ROWS`)."""
    return THOROUGH_SEED_ROWS if ctx.thorough else SEED_ROWS


def run_claim(claim: Claim, ctx: Context) -> ClaimResult:
    """Derive, check and decide one claim; any exception becomes status ``error``, never a crash.

    For a claim decided on random draws (``claim.random``) and ``ctx.sensitivity``, the check runs again on
    :func:`seed_rows` other seeds, each on its headline design only, and each status becomes a ``seed`` row of the
    sensitivity table (the status stands only where every row agrees)."""
    import importlib

    start = time.perf_counter()
    derivation = None
    try:
        # claim.derivation names the module as the repository lays it out ("derivations.eq_1", a report.json value);
        # it installs as mixverify.derivations
        derivation = importlib.import_module(f"mixverify.{claim.derivation}").derive()
        outcome = claim.check(ctx)
        outcome.evidence[:0] = derivation.evidence()
        if claim.random and ctx.sensitivity:
            outcome.sensitivity += _seed_rows(claim, ctx, derivation)
        status, error = _decide(outcome.evidence, outcome.errata, outcome.sensitivity)
        if status in ("undecided", "design-dependent") and error:
            outcome.notes.append(f"{status[0].upper()}{status[1:]}: {error}.")
        if status != "error":
            error = ""
    except Exception as exc:  # a check that raises is reported, not propagated
        outcome, status = Outcome(), "error"
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
    return ClaimResult(claim, status, derivation, outcome, time.perf_counter() - start, error)


def _run_single_threaded(claim: Claim, ctx: Context) -> ClaimResult:
    """run_claim on one torch thread and one BLAS thread: the numbers do not depend on how many processes or cores
    checked the claims (float round-off changes with the thread count of a reduction)."""
    import torch
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            return run_claim(claim, ctx)
    finally:
        torch.set_num_threads(threads)


def run_claims(claims, ctx: Context, *, jobs: int = 1, on_result: Callable[[ClaimResult], None] | None = None):
    """Check ``claims`` (in order) and return their results in that order; ``on_result`` sees each result as soon as it
    and every claim before it are done.

    The claims that do not train the image figures are checked single-threaded, in ``jobs`` worker processes
    (:func:`mixverify._processes.worker_pool`) when ``jobs`` > 1, longest-running first; then the figure claims run here,
    their training in its own ``ctx.workers`` pool (running both at once oversubscribes the cores: measured 11 min 3 s
    against 10 min 21 s for the report on 2 cores). Ctrl-C or SIGTERM cancels the pending checks and stops the workers
    before it propagates."""
    claims = list(claims)
    quick = [c for c in claims if not c.trains_figures]
    done: dict[str, ClaimResult] = {}
    shown = 0
    lock = threading.Lock()

    def finish(claim, result):
        nonlocal shown
        with lock:  # results arrive from the pool's thread and from this one
            done[claim.id] = result
            while shown < len(claims) and claims[shown].id in done:
                if on_result is not None:
                    on_result(done[claims[shown].id])
                shown += 1

    if jobs > 1 and len(quick) > 1:
        from concurrent.futures import as_completed

        from ._processes import worker_pool

        plain = replace(ctx, log=None)  # a logger does not cross processes
        with worker_pool(min(jobs, len(quick))) as pool:
            futures = {pool.submit(_run_single_threaded, c, plain): c for c in sorted(quick, key=_expected_seconds)}
            for future in as_completed(futures):
                finish(futures[future], future.result())
    for claim in claims:
        if claim.id not in done:
            finish(claim, run_claim(claim, ctx) if claim.trains_figures else _run_single_threaded(claim, ctx))
    return [done[c.id] for c in claims]


#: The claims that take seconds to a minute with their seed rows (measured on 2 cores), longest first; the others take
#: well under the ~2.5 s a worker process spends importing torch. A scheduling hint only: a stale list costs wall time,
#: never changes a result.
SLOW = ("figure-3", "mixup-vs-erm-robustness", "figure-3-values", "eq-4", "figure-2", "figure-4", "theorem-3.2",
        "section-3.3", "theorem-3.3", "assumption-3.1", "theorem-3.1", "lemma-3.1", "theorem-3.5", "eq-2",
        "corollary-3.1", "theorem-a1")


def _expected_seconds(claim: Claim) -> float:
    """Sort key, longest first (:data:`SLOW`, then the quick ones)."""
    return SLOW.index(claim.id) if claim.id in SLOW else len(SLOW)


def auto_jobs(claims, cpus: int) -> int:
    """``--jobs auto``: one worker process per core, but no more than the selection has slow claims (:data:`SLOW`):
    a worker costs a process start and an import of torch (measured: `verify eq-1 lemma-3.2` 6.1 s with one process,
    8.6 s with two; with theorems 3.1 and 3.3 added, 18.4 s against 15.0 s)."""
    slow = sum(c.id in SLOW and not c.trains_figures for c in claims)
    return max(1, min(cpus, slow))


def _seed_rows(claim: Claim, ctx: Context, derivation: Derivation) -> list[Sensitivity]:
    """The claim decided again on seeds ``ctx.seed + 1 ... ctx.seed + seed_rows(ctx)`` (headline design only)."""
    rows = []
    for seed in range(ctx.seed + 1, ctx.seed + 1 + seed_rows(ctx)):
        try:
            other = claim.check(replace(ctx, seed=seed, sensitivity=False, log=None))
        except Exception as exc:  # a row that raises is an error row: the claim is then an error, not a crash
            rows.append(Sensitivity("seed", str(seed), "error", None, True, f"{type(exc).__name__}: {exc}"))
            continue
        other.figures.clear()
        other.evidence[:0] = derivation.evidence()
        status = other.headline_status()
        decisive = other.decisive()
        failed = [e.id for e in decisive if e.passed is False]
        weak = [e.id for e in other.evidence if e.role == "power" and e.passed is False]
        detail = "; ".join(part for part in (f"decisive failed: {', '.join(failed)}" if failed else "",
                                              f"power failed: {', '.join(weak)}" if weak else "") if part)
        rows.append(Sensitivity("seed", str(seed), status,
                                f"{sum(bool(e.passed) for e in decisive)}/{len(decisive)} decisive passed", True,
                                detail))
    return rows


def _plain(v):
    """Make a value JSON-friendly and stable: numpy/torch scalars to float, floats rounded to 12 digits,
    non-finite floats to the strings "inf", "-inf", "nan"."""
    if hasattr(v, "item") and getattr(v, "ndim", 0) == 0:
        v = v.item()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)  # "inf", "-inf", "nan": report.json stays strict JSON
        return float(f"{v:.12g}")
    if isinstance(v, (np.integer,)):
        return int(v)
    return v
