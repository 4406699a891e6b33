"""What a claim is, what a check returns, and how a status is decided.

A claim is data (id, paper reference, statement, hypotheses, derivation module) plus one plain
``check(ctx) -> Outcome`` function. Statuses (a public contract, see README):

- ``verified``: every piece of evidence passed and no erratum was needed;
- ``verified-with-erratum``: every piece of evidence passed, and at least one erratum was recorded
  (its counterexample to the original statement is part of the evidence);
- ``refuted``: some evidence failed;
- ``error``: the check raised.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

EVIDENCE_KINDS = ("symbolic", "exact", "monte-carlo", "order", "counterexample", "figure")
STATUSES = ("verified", "verified-with-erratum", "refuted", "error")


@dataclass
class Evidence:
    """One numeric or symbolic fact.

    ``passed`` is True/False for a test and None for a number reported without a pass/fail criterion.
    For ``kind="counterexample"``, ``passed`` means the counterexample behaves as recorded: the original
    statement (or the claim without one of its hypotheses) fails on it.
    """

    name: str
    kind: str
    value: Any
    reference: Any
    tolerance: Any
    passed: bool | None
    tolerance_source: str = ""
    detail: str = ""

    def __post_init__(self):
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"kind must be one of {EVIDENCE_KINDS}, got {self.kind!r}")
        self.value, self.reference, self.tolerance = (_plain(v) for v in (self.value, self.reference,
                                                                            self.tolerance))
        if self.passed is not None:
            self.passed = bool(self.passed)


@dataclass
class Erratum:
    location: str
    statement: str
    correction: str
    counterexample: str


@dataclass
class Outcome:
    """What a check returns: evidence, errata and matplotlib figures (name -> Figure)."""

    evidence: list[Evidence] = field(default_factory=list)
    errata: list[Erratum] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def failed(self) -> list[str]:
        """Names of the evidence that failed."""
        return [e.name for e in self.evidence if e.passed is False]


@dataclass
class Derivation:
    """A SymPy derivation: LaTeX to show, and symbolic facts (name, passed, LaTeX of the residual)."""

    module: str
    latex: str
    facts: list[tuple[str, bool, str]]

    def evidence(self) -> list[Evidence]:
        return [Evidence(name, "symbolic", residual, "0", "exact (symbolic simplification)", ok,
                         "SymPy: the difference simplifies to 0 for all admissible symbols")
                for name, ok, residual in self.facts]


@dataclass(frozen=True)
class Context:
    """Settings a check runs under. ``rng(k)`` gives the k-th independent numpy Generator of the seed.

    ``preset`` and ``data_root`` are read by the empirical figure claims only (:mod:`empirical.figures`)."""

    seed: int = 0
    device: str = "cpu"
    thorough: bool = False
    preset: str = "smoke"
    data_root: str | None = None

    def rng(self, stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, stream])


@dataclass(frozen=True)
class Claim:
    id: str
    paper_ref: str
    title: str
    statement: str
    hypotheses: tuple[str, ...]
    derivation: str  # module name in derivations/, with a derive() -> Derivation
    check: Callable[[Context], Outcome]


@dataclass
class ClaimResult:
    claim: Claim
    status: str
    derivation: Derivation | None
    outcome: Outcome
    seconds: float
    error: str = ""

    def to_json(self) -> dict:
        c = self.claim
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
        }


def order_evidence(name: str, fit, claimed: int = 3) -> Evidence:
    """Evidence that a remainder is of order >= ``claimed``, from a :class:`mixverify.numerics.OrderFit`."""
    if fit is None:
        return Evidence(name, "order", None, f">= {claimed}", claimed - 0.5, False,
                        "remainder not resolved above its error floor at enough scales")
    return Evidence(
        name, "order", round(fit.slope, 4), f">= {claimed}", claimed - 0.5, fit.at_least(claimed),
        f"99% t-interval of the fitted slope ({fit.slope:.3f} +/- {fit.half_width:.3f}) must lie above "
        f"{claimed - 0.5}, midway between the claimed order {claimed} and the order {claimed - 1} a wrong "
        f"term of order {claimed - 1} leaves",
        detail="local slopes " + ", ".join(f"{v:.2f}" for v in fit.local_slopes))


def decide(evidence: list[Evidence], errata: list[Erratum]) -> str:
    if any(e.passed is False for e in evidence):
        return "refuted"
    return "verified-with-erratum" if errata else "verified"


def run_claim(claim: Claim, ctx: Context) -> ClaimResult:
    """Derive, check and decide one claim; any exception becomes status ``error``, never a crash."""
    import importlib

    start = time.perf_counter()
    derivation = None
    try:
        derivation = importlib.import_module(claim.derivation).derive()
        outcome = claim.check(ctx)
        outcome.evidence[:0] = derivation.evidence()
        status = decide(outcome.evidence, outcome.errata)
        error = ""
    except Exception as exc:  # a check that raises is reported, not propagated
        outcome, status = Outcome(), "error"
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
    return ClaimResult(claim, status, derivation, outcome, time.perf_counter() - start, error)


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
