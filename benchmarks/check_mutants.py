"""Check a mutmut run against tests/MUTANTS.md: every mutant that no test kills must be listed there as equivalent.

Reads mutmut's results (``mutants/mixverify/*.py.meta``) and the mutated sources (``mutants/mixverify/*.py``,
where mutmut 3 keeps each function's original as ``<name>__mutmut_orig`` and mutant k as ``<name>__mutmut_k``).
A mutant is identified by its module, its function and its **mutated code** (the changed lines of the function,
comments dropped, whitespace collapsed), not by mutmut's number, so the table survives edits elsewhere in a
module. Rows of the table (in tests/MUTANTS.md) look like::

    | losses | pairwise_expectation | `lam_t = torch.tensor(np.asarray(lam), dtype=X.dtype, device=None)` | why |

with several functions separated by commas and several mutations by ``<br>`` (code that holds a backtick goes
in a double-backtick span, a ``|`` is written ``\\|``); a row explains every surviving
mutant of one of its functions whose mutated code is one of its mutations.

Exit status 1 when a mutant that survived (or has no tests, or is suspicious, segfaulted, was skipped or not
checked) is not explained by the table, when a row explains no surviving mutant (stale, or killed: then the
claim of equivalence was wrong), or when there are no results. Timeouts count as killed and are listed.

Usage: python benchmarks/check_mutants.py [--mutants mutants] [--table tests/MUTANTS.md] [--summary PATH] [--update]

``--summary PATH`` writes the counts as JSON; ``--update`` rewrites the score block of the table file (between
``<!-- mutation-score:start -->`` and ``<!-- mutation-score:end -->``). Both writes are atomic.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from mixverify.io import write_text

try:
    from mutmut.stats import status_by_exit_code
except ImportError:  # the statuses of mutmut 3.8 (mutmut/stats.py), if the checker runs without mutmut
    status_by_exit_code = defaultdict(lambda: "suspicious", {
        1: "killed", 3: "killed", 0: "survived", 5: "no tests", 2: "check was interrupted by user", None: "not checked",
        33: "no tests", 34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check", -24: "timeout",
        24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault"})

DETECTED = {"killed", "timeout", "caught by type check"}
START, END = "<!-- mutation-score:start -->", "<!-- mutation-score:end -->"
NAME = re.compile(r"^(?P<package>\w+)\.(?P<module>\w+)\.x(?:ǁ(?P<cls>\w+)ǁ|_)(?P<func>\w+?)__mutmut_(?P<k>\d+)$")


def parse_name(key: str) -> tuple[str, str, str, str]:
    """mutmut's key -> (module, function as Class.method or name, the mangled prefix, k)."""
    m = NAME.match(key)
    if not m:
        raise ValueError(f"unexpected mutant name {key!r}")
    cls, func = m["cls"], m["func"]
    mangled = f"xǁ{cls}ǁ{func}" if cls else f"x_{func}"
    return m["module"], f"{cls}.{func}" if cls else func, mangled, m["k"]


def normalise(line: str) -> str:
    line = re.sub(r"\s+#[^'\"]*$", "", line)  # a trailing comment (no quotes in it)
    return " ".join(line.split())


def mutated_code(functions: dict[str, str], mangled: str, k: str, name: str) -> str:
    """The lines of mutant k that differ from the original, as one normalised string (lines joined by ' ⏎ ')."""
    orig = functions[f"{mangled}__mutmut_orig"].replace(f"{mangled}__mutmut_orig", name).splitlines()
    mut = functions[f"{mangled}__mutmut_{k}"].replace(f"{mangled}__mutmut_{k}", name).splitlines()
    added = [line[1:] for line in difflib.unified_diff(orig, mut, lineterm="", n=0)
             if line.startswith("+") and not line.startswith("+++")]
    return " ⏎ ".join(normalise(line) for line in added)


def load_results(root: Path) -> list[dict]:
    """Every mutant of every mutated module: module, function, key, status, mutated code."""
    metas = sorted(root.glob("**/*.py.meta"))
    out = []
    for meta in metas:
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        source = meta.with_suffix("")  # mutants/mixverify/laws.py
        text = source.read_text("utf-8")
        lines = text.splitlines()  # (ast.get_source_segment re-splits the text for every node: quadratic)
        functions = {node.name: "\n".join(lines[node.lineno - 1:node.end_lineno]) for node in ast.walk(ast.parse(text))
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for key, code in sorted(codes.items()):
            module, func, mangled, k = parse_name(key)
            status = status_by_exit_code[code]
            change = "" if status in DETECTED else mutated_code(functions, mangled, k, func.rsplit(".", 1)[-1])
            out.append(dict(module=module, function=func, key=key, status=status, code=change))
    return out


def load_table(path: Path) -> list[dict]:
    """Rows of the markdown table whose third cell holds backticked mutations."""
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) < 4 or not cells[2].startswith("`"):
            continue
        spans = re.findall(r"``\s?(.+?)\s?``|`([^`]+)`", cells[2])  # ``...`` holds code with backticks in it
        snippets = [normalise((a or b).replace("\\|", "|")) for a, b in spans]
        rows.append(dict(line=number, module=cells[0], functions={f.strip() for f in cells[1].split(",")},
                         snippets=set(snippets), reason=cells[3]))
    return rows


def check(results: list[dict], rows: list[dict], table: str = "tests/MUTANTS.md") -> tuple[list[dict], list[str]]:
    """(unexplained mutants, errors about the table)."""
    used = Counter()
    unexplained = []
    for r in results:
        if r["status"] in DETECTED:
            continue
        hit = [i for i, row in enumerate(rows)
               if row["module"] == r["module"] and r["function"] in row["functions"] and r["code"] in row["snippets"]]
        if hit and r["status"] == "survived":
            used[hit[0]] += 1
        else:
            unexplained.append(r)
    errors = []
    alive = {(r["module"], r["code"]) for r in results if r["status"] == "survived"}
    for i, row in enumerate(rows):
        if not used[i]:
            errors.append(f"{table} line {row['line']}: explains no surviving mutant (stale, or now killed)")
            continue
        for s in row["snippets"]:
            if (row["module"], s) not in alive:
                errors.append(f"{table} line {row['line']}: no surviving mutant of {row['module']} is `{s}`")
    return unexplained, errors


def summarise(results: list[dict]) -> dict:
    per = defaultdict(Counter)
    for r in results:
        per[r["module"]][r["status"]] += 1
        per[r["module"]]["total"] += 1
    total = sum(per.values(), Counter())
    return {"tool": "mutmut", "modules": {m: dict(c) for m, c in sorted(per.items())}, "all": dict(total)}


def score_block(summary: dict, tool_version: str) -> str:
    a = summary["all"]
    detected = a.get("killed", 0) + a.get("timeout", 0)
    explained = a["total"] - detected - summary["unexplained"]
    lines = [START, "", f"Last full run: {date.today().isoformat()}, mutmut {tool_version}. Score over the mutants that are not "
             f"equivalent: {detected}/{a['total'] - explained} = {100 * detected / max(1, a['total'] - explained):.1f}% "
             f"({summary['unexplained']} unexplained).", "",
             "| module | mutants | killed | timeout | survived (all equivalent, below) | other | score (killed / all) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, c in [*summary["modules"].items(), ("**all**", summary["all"])]:
        killed, timeout, survived, total = c.get("killed", 0), c.get("timeout", 0), c.get("survived", 0), c["total"]
        other = total - killed - timeout - survived
        lines.append(f"| {name} | {total} | {killed} | {timeout} | {survived} | {other} | "
                     f"{100 * (killed + timeout) / total:.1f}% |")
    lines += ["", END]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's working tree (default: mutants)")
    parser.add_argument("--table", type=Path, default=Path("tests/MUTANTS.md"), help="the explained survivors")
    parser.add_argument("--summary", type=Path, help="write the counts as JSON to this file")
    parser.add_argument("--update", action="store_true", help="rewrite the score block of the table file")
    args = parser.parse_args(argv)

    results = load_results(args.mutants)
    if not results:
        print(f"check_mutants: no mutmut results under {args.mutants}/ (run `mutmut run` first)", file=sys.stderr)
        return 1
    rows = load_table(args.table)
    unexplained, errors = check(results, rows, str(args.table))
    summary = summarise(results)
    try:
        from importlib.metadata import version
        tool_version = version("mutmut")
    except Exception:  # noqa: BLE001  (metadata missing: report it as unknown)
        tool_version = "unknown"
    summary["tool_version"] = tool_version
    summary["unexplained"] = len(unexplained)

    for name, c in [*summary["modules"].items(), ("all", summary["all"])]:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k != "total")
        print(f"{name:14s} {c['total']:5d} mutants: {detail}")
    timeouts = [r["key"] for r in results if r["status"] == "timeout"]
    if timeouts:
        print(f"timeouts (counted as killed): {', '.join(timeouts)}")
    a = summary["all"]
    detected = a.get("killed", 0) + a.get("timeout", 0)
    print(f"mutation score (mutmut {tool_version}): {detected}/{a['total']} killed ({100 * detected / a['total']:.1f}%), "
          f"{a['total'] - detected - len(unexplained)} survivors explained as equivalent in {args.table}, "
          f"{len(unexplained)} unexplained")

    if args.summary:
        write_text(args.summary, json.dumps(summary, indent=2) + "\n")
    if args.update:
        text = args.table.read_text("utf-8")
        if START not in text or END not in text:
            print(f"check_mutants: {args.table} has no {START} ... {END} block to update", file=sys.stderr)
            return 1
        head, rest = text.split(START, 1)
        write_text(args.table, head + score_block(summary, tool_version) + rest.split(END, 1)[1])

    for r in unexplained:
        print(f"UNEXPLAINED {r['status']}: {r['key']} ({r['module']}, {r['function']}): `{r['code']}`")
    for e in errors:
        print(f"TABLE: {e}")
    return 1 if unexplained or errors else 0


if __name__ == "__main__":
    sys.exit(main())
