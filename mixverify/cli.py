"""Command line: ``mixverify list | verify | report | figure | runs`` (also ``python -m mixverify``).

Exit codes of ``verify`` (and of ``report --strict``): 0 every selected claim is ``verified`` or
``verified-with-erratum``; 1 some claim is ``refuted``, ``uninformative``, ``design-dependent``, ``undecided`` or
``error``.
``report`` exits 0 once the report is
written (a refuted claim is a finding, not a failure to report it). 2 on bad usage (unknown claim id, bad
option, unwritable output, a missing data set, an unreadable or interrupted checkpoint), with a one-line
message and no traceback. Results go to stdout, the progress bar to stderr.

Every command that trains (verify, report, figure, runs --train) continues an interrupted training run where
it stopped, and says so on stderr; ``--workers N`` trains the missing runs with N workers first.
``mixverify runs [FIGURE ...]`` lists the runs the figures need and where each stands (``--train`` trains the
missing ones, locally or through submitit / a Slurm job array: :mod:`empirical.runs`).

``mixverify figure ID`` reproduces one of the paper's empirical figures (see :mod:`empirical.figures`): it
exits 0 once the plot and its JSON are written, whether or not the figure's qualitative claim held on
the run (the JSON's ``holds`` says; ``--strict`` exits 1 when it did not).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from ._meta import __version__

OK_STATUSES = ("verified", "verified-with-erratum")


class UsageError(Exception):
    """Bad usage: reported as one line, exit status 2."""


def _auto_or_positive(option: str):
    """An argparse type for ``option``: 'auto' or a positive integer, else a one-line error naming the option."""
    def parse(text: str):
        if text == "auto":
            return text
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"{option} must be 'auto' or a positive integer, got {text!r}")
        return value
    return parse


_workers = _auto_or_positive("--workers")


def _seeds(text: str) -> list[int]:
    """``S`` or ``A-B`` (inclusive)."""
    lo, _, hi = text.partition("-")
    try:
        a, b = int(lo), int(hi or lo)
    except ValueError:
        a = b = -1
    if a < 0 or b < a:
        raise argparse.ArgumentTypeError(f"--seeds must be S or A-B with 0 <= A <= B, got {text!r}")
    return list(range(a, b + 1))


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (``mixverify: error: ...``) and exit status 2, with
    no usage block before it (``mixverify -h`` shows the usage)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} -h')\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="mixverify", description="Verify the claims of Zhang et al. (ICLR 2021) on Mixup.")
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
        s.add_argument("--preset", default="smoke", choices=("smoke", "paper", "tiny"),
                       help="settings of the empirical figure claims (figure-1a ... figure-8; default smoke; "
                       "tiny: seconds, for tests, decides nothing)")
        s.add_argument("--data-root", metavar="DIR", help="torchvision data root for the empirical figures' data sets")
        s.add_argument("--device", default="auto", help="where training-based claims train: auto (CUDA when present; "
                       "default), cpu or cuda; the analytic checks stay float64 on the CPU")
        s.add_argument("--workers", type=_workers, default="auto", help="workers that train the figures' missing runs "
                       "(auto: one per GPU, else one per CPU core); interrupted runs are always continued")
        s.add_argument("--jobs", type=_auto_or_positive("--jobs"), default="auto", help="processes that check the other "
                       "claims, each on one thread (auto: one per CPU core, at most one per slow claim selected); "
                       "the results do not depend on it")
        if name == "verify":
            s.add_argument("--json", type=Path, metavar="PATH", help="also write report.json to PATH")
        else:
            s.add_argument("--out", type=Path, default=Path("report"), metavar="DIR", help="output directory")
            s.add_argument("--strict", action="store_true", help="exit 1 if a claim is refuted or errors, as verify")
    f = sub.add_parser("figure", help="reproduce an empirical figure of the paper (1a, 1b, 5, 6, 7, 8)")
    f.add_argument("figure_id", metavar="ID", help="1a, 1b, 5, 6, 7 or 8 (figure-1a ... also accepted)")
    f.add_argument("--preset", default="smoke", help="smoke (minutes on a CPU, Fashion-MNIST subset; default), paper, "
                   "or tiny (seconds, for tests: decides nothing)")
    f.add_argument("--data-root", type=Path, metavar="DIR", help="torchvision data root (SVHN, CIFAR-10/100, KMNIST, "
                   "Fashion-MNIST); never downloaded. Default: Debian's Fashion-MNIST only")
    f.add_argument("--dataset", metavar="NAME", help="data set to use instead of the preset's or the figure's own")
    f.add_argument("--out", type=Path, default=Path("figures"), metavar="DIR", help="where the PNG and JSON go")
    f.add_argument("--runs", type=Path, metavar="DIR", help="where training runs (checkpoints, metrics) live "
                   "(default $MIXVERIFY_CACHE/empirical or ~/.cache/mixverify/empirical)")
    f.add_argument("--workers", type=_workers, default="auto", help="workers that train the missing runs (auto: one "
                   "per GPU, else one per CPU core)")
    f.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    f.add_argument("--seed", type=_seed, default=0, help="seed of the figure (default 0): a preset averaging K training seeds "
                   "(smoke: K = 3) trains seeds K*SEED ... K*SEED+K-1, each on its own data subset")
    f.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    f.add_argument("--strict", action="store_true", help="exit 1 if the figure's qualitative claim does not hold")
    r = sub.add_parser("runs", help="list the training runs the figures need and where each stands; --train trains "
                       "the missing ones with N workers (locally, or a Slurm job array through submitit)")
    r.add_argument("figure_ids", nargs="*", metavar="FIGURE", help="1a, 1b, 5, 6, 7, 8 (default: all)")
    r.add_argument("--preset", default="smoke", help="smoke (default), paper or tiny")
    r.add_argument("--seeds", type=_seeds, default=[0], metavar="S|A-B", help="figure seeds (default 0)")
    r.add_argument("--data-root", type=Path, metavar="DIR", help="torchvision data root (as for figure)")
    r.add_argument("--dataset", metavar="NAME", help="data set to use instead of the preset's or the figure's own")
    r.add_argument("--runs", type=Path, metavar="DIR", help="where training runs live (as for figure)")
    r.add_argument("--json", type=Path, metavar="PATH", help="also write the list and the counts as JSON")
    r.add_argument("--train", action="store_true", help="train the runs that are not finished")
    r.add_argument("--workers", type=_workers, default="auto", help="with --train: number of workers (auto: one per "
                   "GPU, else one per CPU core)")
    r.add_argument("--executor", default="local", choices=("local", "submitit", "slurm"), help="with --train: "
                   "local processes (default), submitit's local executor, or a Slurm job array (pip install "
                   "'mixverify[cluster]'; --runs must be on a file system the nodes share)")
    r.add_argument("--partition", metavar="NAME", help="with --executor slurm: the Slurm partition")
    r.add_argument("--timeout-min", type=int, default=24 * 60, metavar="M", help="with submitit: each worker's time "
                   "limit in minutes (default 1440); a worker stopped by it leaves a checkpoint the next one resumes")
    r.add_argument("--device", default="auto", help="auto (default), cpu or cuda")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C and `kill -INT` interrupt every command, even one a script started in the background (where the shell
        # hands it SIGINT ignored): its workers are stopped and its finished epochs kept (mixverify._processes)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if args.command == "list":
            return _list()
        if args.command == "figure":
            return _figure(args)
        if args.command == "runs":
            return _runs(args)
        return _verify(args)
    except UsageError as exc:
        print(f"mixverify: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mixverify: interrupted; finished epochs are checkpointed: run the same command again to continue",
              file=sys.stderr)
        return 130


def _list() -> int:
    from .claims import CLAIMS

    width = max(len(c.id) for c in CLAIMS)
    for section, heading in (("paper", "Claims of the paper"), ("beyond", "Beyond the paper (questions Mixup users ask)")):
        rows = [c for c in CLAIMS if c.section == section]
        if not rows:
            continue
        print(f"# {heading}")
        for c in rows:
            setting = c.scope.setting if c.scope else "-"
            print(f"{c.id:<{width}}  {c.paper_ref:<45}  [{setting}]  {c.title}"
                  + ("  (vacuous as printed)" if c.vacuous else ""))
    return 0


def _verify(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from tqdm import tqdm

    from . import io, report
    from .claim import Context, auto_jobs, run_claims
    from .claims import select

    try:
        claims = select(args.ids)
    except ValueError as exc:
        raise UsageError(exc) from None
    if args.command == "verify" and args.json is not None:
        _check_writable(args.json.parent, "--json")
    elif args.command == "report":
        _check_writable(args.out, "--out")
    if args.data_root is not None and not Path(args.data_root).is_dir():
        raise UsageError(f"--data-root: {args.data_root!r} is not a directory")
    device = _resolve_device(args.device)
    workers = _resolve_workers(args.workers, device)
    ctx = Context(seed=args.seed, device="cpu", train_device=device, thorough=args.thorough, preset=args.preset,
                  data_root=args.data_root,
                  workers=workers, log=lambda m: tqdm.write(m, file=sys.stderr))
    bar = tqdm(total=len(claims), desc="verifying", unit="claim", file=sys.stderr, disable=args.no_progress or None)
    width = max(len(c.id) for c in claims)

    def show(r):
        bar.update(1)
        decisive = r.outcome.decisive()
        line = (f"{r.claim.id:<{width}}  {r.status:<21}  {sum(bool(e.passed) for e in decisive):>2}/{len(decisive):<2} "
                f"decisive passed  {len(r.outcome.errata)} errata  {r.seconds:6.1f}s  "
                f"[{r.scope.short() if r.scope else '-'}]" + ("  (vacuous as printed)" if r.vacuous else ""))
        if r.error:
            line += "  " + r.error.splitlines()[0]
        elif r.status == "undecided" and r.outcome.notes:
            line += "  " + r.outcome.notes[0]
        elif r.status == "design-dependent":
            line += "  " + r.outcome.notes[-1]  # run_claim's: what flips it
        tqdm.write(line, file=sys.stdout)

    jobs = auto_jobs(claims, _cpu_count()) if args.jobs == "auto" else args.jobs
    results = run_claims(claims, ctx, jobs=jobs, on_result=show)
    bar.close()
    try:
        if args.command == "verify" and args.json is not None:
            io.write_text(args.json, report.dumps(report.to_json(results, seed=args.seed, device=ctx.device,
                                                                     train_device=ctx.train_device)))
        elif args.command == "report":
            index = report.write(results, args.out, seed=args.seed, device=ctx.device, train_device=ctx.train_device)
            print(f"report written to {index}")
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc}") from None
    finally:
        _close_figures(results)
    ok = all(r.status in OK_STATUSES for r in results)
    if args.command == "report" and not args.strict:
        return 0
    return 0 if ok else 1


def _figure(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from mixverify.empirical.data import DataRootError
    from mixverify.empirical.figures import run_figure
    from mixverify.empirical.train import CheckpointError

    from .datasets import DatasetError

    _check_writable(args.out, "--out")
    if args.runs is not None:
        _check_writable(args.runs, "--runs")
    if args.data_root is not None and not args.data_root.is_dir():
        raise UsageError(f"--data-root: {str(args.data_root)!r} is not a directory")
    try:
        result = run_figure(args.figure_id, preset=args.preset, data_root=args.data_root, dataset=args.dataset,
                            out=args.out, runs_dir=args.runs, device=args.device, seed=args.seed,
                            progress=not args.no_progress, workers=_resolve_workers(args.workers, args.device),
                            log=None if args.no_progress else (lambda m: print(m, file=sys.stderr)))
    except (DataRootError, DatasetError, CheckpointError, ValueError) as exc:
        raise UsageError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc}") from None
    s = result.summary
    for c in s["comparison"]:
        print("  ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in c.items()))
    print(f"claim: {s['claim']}: {'holds' if s['holds'] else 'does NOT hold'} on this run "
          f"({result.dataset}, preset {result.preset.name}"
          + (f"; {result.preset.caveat}" if result.preset.caveat else "") + ")")
    print(f"written: {args.out / f'figure-{result.spec.id}.png'} and {args.out / f'figure-{result.spec.id}.json'}")
    result.figure.clear()
    return 1 if args.strict and not s["holds"] else 0


def _resolve_device(device: str) -> str:
    """The device a training claim will use, named as report.json records it ("cpu", "cuda", "cuda:1")."""
    from .io import resolve_device

    try:
        return str(resolve_device(device, check=True))
    except ValueError as exc:
        raise UsageError(f"--device: {exc}") from None


def _cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _resolve_workers(workers, device) -> int:
    if workers != "auto":
        return workers
    from mixverify.empirical.runs import default_workers

    try:
        return default_workers(device)
    except ValueError as exc:
        raise UsageError(f"--device: {exc}") from None


def _runs(args) -> int:
    from mixverify.empirical import figures as figures_mod
    from mixverify.empirical import runs as runs_mod
    from mixverify.empirical.data import DataRootError
    from mixverify.empirical.figures import default_runs_dir

    from . import io, report
    from .datasets import DatasetError

    runs_dir = args.runs if args.runs is not None else default_runs_dir()
    if args.train:
        _check_writable(runs_dir, "--runs")
    if args.json is not None:
        _check_writable(args.json.parent, "--json")
    if args.data_root is not None and not args.data_root.is_dir():
        raise UsageError(f"--data-root: {str(args.data_root)!r} is not a directory")
    try:
        planned = figures_mod.plan_runs(args.figure_ids, preset=args.preset, seeds=args.seeds, dataset=args.dataset,
                                data_root=args.data_root)
        workers = _resolve_workers(args.workers, args.device)
        if args.train:
            params = {"timeout_min": args.timeout_min}
            if args.partition:
                params["slurm_partition"] = args.partition
            if args.executor == "slurm":
                params["gpus_per_node"] = 1 if args.device in ("auto", "cuda") else 0
            runs_mod.train_missing(planned, runs_dir, workers=workers, executor=args.executor, device=args.device,
                                   log=lambda m: print(m, file=sys.stderr, flush=True), slurm=params)
        rows = [(r, runs_mod.state(r, runs_dir)) for r in planned]
        summary = runs_mod.progress(planned, runs_dir, workers=workers)
    except (DataRootError, DatasetError, ValueError) as exc:
        raise UsageError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    for r, st in rows:
        where = f" ({st['owner']})" if st["owner"] else ""
        print(f"{r.key}  {st['state']:<8} {st['epochs_done']:>4}/{st['epochs']:<4} {r.name():<48} "
              f"figures {','.join(r.figures)}{where}")
    print(runs_mod.progress_line(summary) + f" with {workers} worker(s); runs in {runs_dir}")
    if args.json is not None:
        try:
            io.write_text(args.json, report.dumps({"runs_dir": str(runs_dir), "summary": summary, "runs": [
                {"key": r.key, "figures": list(r.figures), "label": r.label, "training_seed": r.training_seed,
                 "config": r.config.to_dict(), **st} for r, st in rows]}))
        except OSError as exc:
            raise UsageError(f"cannot write output: {exc}") from None
    return 0


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
