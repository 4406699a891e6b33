"""Command line: ``mixverify list | verify | report`` (also ``python -m mixverify``).

Exit codes of ``verify`` (and of ``report --strict``): 0 every selected claim is ``verified`` or
``verified-with-erratum``; 1 some claim is ``refuted`` or ``error``. ``report`` exits 0 once the report is
written (a refuted claim is a finding, not a failure to report it). 2 on bad usage (unknown claim id, bad
option, unwritable output), with a one-line message and no traceback. Results go to stdout, the progress
bar to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

OK_STATUSES = ("verified", "verified-with-erratum")


class UsageError(Exception):
    """Bad usage: reported as one line, exit status 2."""


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mixverify", description="Verify the claims of Zhang et al. (ICLR 2021) on Mixup.")
    p.add_argument("--version", action="version", version=f"mixverify {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every claim id, paper reference and title")
    for name, help_ in (("verify", "run derivations and numeric checks"),
                        ("report", "verify and write the derivation report")):
        s = sub.add_parser(name, help=help_)
        s.add_argument("ids", nargs="*", metavar="ID", help="claim ids (default: all)")
        s.add_argument("--seed", type=_seed, default=0, help="seed of every random draw (default 0)")
        s.add_argument("--thorough", action="store_true", help="larger settings where a claim has them")
        s.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        if name == "verify":
            s.add_argument("--json", type=Path, metavar="PATH", help="also write report.json to PATH")
        else:
            s.add_argument("--out", type=Path, default=Path("report"), metavar="DIR", help="output directory")
            s.add_argument("--strict", action="store_true", help="exit 1 if a claim is refuted or errors, as verify")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        return _verify(args)
    except UsageError as exc:
        print(f"mixverify: error: {exc}", file=sys.stderr)
        return 2


def _list() -> int:
    from .claims import CLAIMS

    width = max(len(c.id) for c in CLAIMS)
    for c in CLAIMS:
        print(f"{c.id:<{width}}  {c.paper_ref:<45}  {c.title}")
    return 0


def _verify(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from tqdm import tqdm

    from . import report
    from .claim import Context, run_claim
    from .claims import select

    try:
        claims = select(args.ids)
    except ValueError as exc:
        raise UsageError(exc) from None
    if args.command == "verify" and args.json is not None:
        _check_writable(args.json.parent, "--json")
    elif args.command == "report":
        _check_writable(args.out, "--out")
    ctx = Context(seed=args.seed, device="cpu", thorough=args.thorough)
    results = []
    bar = tqdm(claims, desc="verifying", unit="claim", file=sys.stderr, disable=args.no_progress or None)
    width = max(len(c.id) for c in claims)
    for claim in bar:
        bar.set_postfix_str(claim.id)
        r = run_claim(claim, ctx)
        results.append(r)
        tested = [e for e in r.outcome.evidence if e.passed is not None]
        line = (f"{claim.id:<{width}}  {r.status:<21}  {sum(bool(e.passed) for e in tested):>3}/{len(tested):<3} "
                f"evidence passed  {len(r.outcome.errata)} errata  {r.seconds:6.1f}s")
        if r.error:
            line += "  " + r.error.splitlines()[0]
        tqdm.write(line, file=sys.stdout)
    try:
        if args.command == "verify" and args.json is not None:
            report.write_text(args.json, report.dumps(report.to_json(results, seed=args.seed, device=ctx.device)))
        elif args.command == "report":
            index = report.write(results, args.out, seed=args.seed, device=ctx.device)
            print(f"report written to {index}")
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc}") from None
    finally:
        _close_figures(results)
    ok = all(r.status in OK_STATUSES for r in results)
    if args.command == "report" and not args.strict:
        return 0
    return 0 if ok else 1


def _check_writable(directory: Path, option: str) -> None:
    d = Path(directory) if str(directory) else Path(".")
    existing = d
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UsageError(f"{option}: cannot write under {str(d)!r} ({str(existing)!r} is not a writable directory)")


def _close_figures(results) -> None:
    for r in results:
        r.outcome.figures.clear()
