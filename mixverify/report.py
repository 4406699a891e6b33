"""The derivation report: report.json (a public contract) and one Markdown page per claim.

Layout of ``--out DIR``::

    DIR/index.md              summary table, links to each claim
    DIR/claims/<id>.md        statement, hypotheses, SymPy derivation, evidence, plots, errata, notes
    DIR/figures/<id>/<name>.png
    DIR/report.json           {"paper", "version", "seed", "device", "claims": [...]} (deterministic)
    DIR/timings.json          seconds per claim (kept apart so report.json is byte-reproducible)

Every file is written atomically (:mod:`mixverify.io`: temporary file, then ``os.replace``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ._meta import PAPER, __version__
from .claim import ClaimResult
from .io import save_figure, write_text

STATUS_MARK = {"verified": "✅", "verified-with-erratum": "✅ (erratum)", "refuted": "❌", "error": "💥",
               "undecided": "❔", "uninformative": "〰️", "design-dependent": "🔀"}
SECTIONS = {"paper": "Claims of the paper", "beyond": "Beyond the paper: questions Mixup users ask"}


def to_json(results: list[ClaimResult], *, seed: int, device: str, train_device: str = "cpu") -> dict:
    """``device``: where the analytic checks ran (float64); ``train_device``: where training-based claims trained."""
    return {"paper": PAPER, "version": __version__, "seed": seed, "device": device, "train_device": train_device,
            "claims": [r.to_json() for r in results]}


def dumps(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write(results: list[ClaimResult], out: Path, *, seed: int, device: str, train_device: str = "cpu") -> Path:
    """Write the whole report under ``out``; return the path of index.md."""
    out = Path(out)
    for r in results:
        figures = {}
        for name, fig in r.outcome.figures.items():
            rel = Path("figures") / r.claim.id / f"{name}.png"
            save_figure(fig, out / rel)
            figures[name] = rel
        write_text(out / "claims" / f"{r.claim.id}.md", claim_page(r, figures))
    write_text(out / "report.json", dumps(to_json(results, seed=seed, device=device, train_device=train_device)))
    write_text(out / "timings.json", dumps({r.claim.id: round(r.seconds, 3) for r in results}))
    write_text(out / "index.md", index_page(results, seed=seed, device=device, train_device=train_device))
    return out / "index.md"


def index_page(results: list[ClaimResult], *, seed: int, device: str, train_device: str = "cpu") -> str:
    counts = {s: sum(r.status == s for r in results) for s in STATUS_MARK}
    lines = [
        "# mixverify derivation report",
        "",
        f"Paper: {PAPER}.  ",
        f"mixverify {__version__}, seed {seed}, analytic checks on {device} (float64), training on {train_device}.",
        "",
        "Statuses: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + ".",
    ]
    for section, heading in SECTIONS.items():
        rows = [r for r in results if r.claim.section == section]
        if not rows:
            continue
        lines += ["", f"## {heading}", "",
                  "| claim | paper | title | status | decided on | decisive evidence | errata | sensitivity |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            lines.append(f"| [{r.claim.id}](claims/{r.claim.id}.md) | {r.claim.paper_ref} | {_cell(r.claim.title)} | "
                         f"{STATUS_MARK[r.status]} {r.status}{' (vacuous as printed)' if r.vacuous else ''} | "
                         f"{_cell(scope_line(r))} | {decisive_count(r)} | {_errata_cell(r)} | {sensitivity_cell(r)} |")
    lines += ["", "Statuses (the rule: docs/verdicts.md): `verified` (the decisive evidence tests the statement as "
              "printed and passes), `verified-with-erratum` (it holds once a minimal correction is made; the "
              "counterexample to the printed form is in the evidence), `refuted` (decisive evidence fails, or no "
              "minimal correction saves it), `uninformative` (it passes, but so would a statement shown false), "
              "`design-dependent` (the status changes with a choice the paper does not make: a row of the claim's "
              "sensitivity table), `undecided` (nothing computed here tests it), `error`. *Vacuous as printed*: true only "
              "because its hypotheses can never be met; then checked in the reading its use needs. *Sensitivity*: how "
              "many settings of the free choices (seeds, training length, readings) were decided, and how many gave the "
              "claim's status. *Decided on*: `general` (symbolically, for all "
              "admissible parameters), `paper` (the paper's own setting), `instances` (chosen instances of a general "
              "statement), `substitute` (a stand-in for the paper's experiment: not a reproduction).", ""]
    return "\n".join(lines)


def scope_line(r: ClaimResult) -> str:
    return r.scope.line() if r.scope else "–"


def decisive_count(r: ClaimResult) -> str:
    d = r.outcome.decisive()
    return f"{sum(bool(e.passed) for e in d)}/{len(d)} passed"


def sensitivity_cell(r: ClaimResult) -> str:
    """How many admissible rows of the sensitivity table agree with the status, and what was varied."""
    rows = [x for x in r.outcome.sensitivity if x.admissible]
    if not rows:
        return "–"
    head = r.outcome.headline_status()
    agree = sum(x.status == head for x in rows)
    return f"{agree}/{len(rows)} agree ({', '.join(dict.fromkeys(x.choice for x in rows))})"


def _errata_cell(r: ClaimResult) -> str:
    if not r.outcome.errata:
        return "0"
    kinds = sorted({e.kind or "unclassified" for e in r.outcome.errata})
    return f"{len(r.outcome.errata)} ({', '.join(kinds)})"


def claim_page(r: ClaimResult, figures: dict) -> str:
    c = r.claim
    lines = [f"# {c.id}: {c.title}", "", f"**Paper:** {c.paper_ref}  ",
             f"**Status:** {STATUS_MARK[r.status]} `{r.status}`  ", f"**Decided on:** {scope_line(r)}"
             + ("  " if r.vacuous else ""), *([f"**Vacuous as printed:** {r.vacuous}"] if r.vacuous else []), "",
             "## Statement", "", "$$", c.statement, "$$", "",
             "## Hypotheses", ""]
    lines += [f"- {h}" for h in c.hypotheses]
    lines += ["", f"## Derivation (`{c.derivation.replace('.', '/')}.py`)", ""]
    if r.derivation is not None:
        lines += ["$$", r.derivation.latex, "$$", ""]
    if r.error:
        lines += ["## Error", "", "```", r.error.rstrip(), "```", ""]
    lines += ["## Evidence", "", "Role: `decisive` tests the statement, `power` applies the same test to a wrong "
              "statement (passes when it is rejected), `implementation` checks the code, `context` is reported.", "",
              "| # | id | role | evidence | kind | value | reference | tolerance | tolerance from | tightness | passed |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    order = {"decisive": 0, "power": 1, "implementation": 2, "context": 3}
    for k, e in enumerate(sorted(r.outcome.evidence, key=lambda e: order[e.role]), 1):
        passed = {True: "✅", False: "❌", None: "reported"}[e.passed]
        name = _cell(e.name) + (f"<br><sub>{_cell(e.detail)}</sub>" if e.detail else "")
        tight = ", ".join(f"{key.replace('_', ' ')} {_fmt(v)}" for key, v in (e.tightness or {}).items()) or "–"
        lines.append(f"| {k} | {e.id or '–'} | {e.role} | {name} | {e.kind} | {_fmt(e.value)} | {_fmt(e.reference)} | "
                     f"{_fmt(e.tolerance)} | {_cell(e.tolerance_source)} | {_cell(tight)} | {passed} |")
    if r.outcome.sensitivity:
        lines += ["", "## Sensitivity", "", "Each row decides the claim again on one other setting of a choice the paper "
                  "leaves free (or another reading of its text), that setting alone; the status stands only where every "
                  "admissible row agrees with the headline design's "
                  f"(`{r.outcome.headline_status()}`), else it is `design-dependent`. Rows marked *finding* are outside "
                  "the paper's statement: shown, not counted.", "",
                  "| choice | setting | status | decisive number | counts | detail |", "|---|---|---|---|---|---|"]
        for x in r.outcome.sensitivity:
            lines.append(f"| {_cell(x.choice)} | {_cell(x.setting)} | {STATUS_MARK[x.status]} {x.status} | "
                         f"{_fmt(x.value)} | {'yes' if x.admissible else 'finding'} | {_cell(x.detail) or '–'} |")
    if figures:
        lines += ["", "## Plots", ""]
        lines += [f"![{name}](../{rel.as_posix()})" for name, rel in figures.items()]
    if r.outcome.errata:
        lines += ["", "## Errata", ""]
        for e in r.outcome.errata:
            lines += [f"### {e.location}", "", f"- **Kind of correction:** {e.kind or 'unclassified'}"
                      + (f" (counterexample: evidence `{e.evidence}`)" if e.evidence else ""),
                      f"- **Printed:** {e.statement}", f"- **Correction:** {e.correction}",
                      f"- **Counterexample:** {e.counterexample}", ""]
    if r.outcome.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in r.outcome.notes]
    return "\n".join(lines) + "\n"


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.10g}"
    return _cell(str(v))


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")
