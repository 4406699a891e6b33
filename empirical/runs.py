r"""The training runs the figures need: which exist, and training the missing ones with several workers.

A figure at a preset and seed needs a fixed set of runs (:func:`empirical.figures.run_configs` for each of
its training seeds); each run is keyed by a hash of its configuration and lives in ``runs_dir/<key>/``,
checkpointed every epoch (:mod:`empirical.train`). :func:`empirical.figures.plan_runs` lists the runs of
several figures and seeds as :class:`PlannedRun` (a run several figures share is listed once), :func:`state`
says where one stands, and :func:`train_missing` trains what is not finished with N workers. This module knows
runs, not figures (it imports nothing of :mod:`empirical.figures`).

**No home-made scheduler.** A worker (:func:`work`) walks the list of runs and trains each one that is not
finished; the only coordination is the run's file lock (:func:`empirical.train.run_lock`), which
``empirical.train.run`` holds while it trains. So workers need no queue and no server: two workers that
reach the same run never train it twice (the second waits, then reuses the result), a worker killed
mid-run leaves an epoch checkpoint that the next worker to reach the run resumes exactly, and a dead
worker's lock is released by the operating system. Workers are started by an existing engine:

- ``executor="local"``: :func:`mixverify._processes.worker_pool` (the standard library's process pool of ``spawn``
  processes, torn down on Ctrl-C or SIGTERM and when the parent dies), one worker per GPU on a machine with GPUs
  (worker i on ``cuda:i``), else N CPU workers, each on :data:`empirical.train.TRAIN_THREADS` thread(s);
- ``executor="submitit"`` / ``"slurm"``: submitit's local executor or a Slurm job array of N workers
  (``pip install 'mixverify[cluster]'``); the runs directory must then be on a file system the nodes share.

A figure is assembled from the finished runs alone, and a CPU run's weights do not depend on which worker
trained it or how many there were (one thread each), so the figure's JSON is byte-identical however its runs
were trained.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

from mixverify._validate import positive_int

from .train import CheckpointError, RunConfig, _read_checkpoint, is_locked, read_owner

#: What :func:`state` can say of a run.
STATES = ("done", "running", "partial", "missing", "corrupt")
EXECUTORS = ("local", "submitit", "slurm")


@dataclass(frozen=True)
class PlannedRun:
    """One training run that some figures need: its configuration and where its data come from."""

    figures: tuple[str, ...]  # figure ids ("1b", "5", ...) that use it
    label: str  # "erm", "mixup", "erm+aug", "mixup+aug"
    training_seed: int
    config: RunConfig
    data_root: str | None = None

    @property
    def key(self) -> str:
        return self.config.key()

    def name(self) -> str:
        return f"{self.config.dataset} {self.config.model} {self.label} seed {self.training_seed}"


def state(run: PlannedRun, runs_dir) -> dict:
    """Where a run stands: ``{"state", "epochs_done", "epochs", "seconds_per_epoch", "owner"}``; ``state`` is
    one of :data:`STATES` (``running``: a live worker holds its lock; ``partial``: interrupted, resumable)."""
    import torch

    run_dir = Path(runs_dir) / run.key
    out = {"state": "missing", "epochs_done": 0, "epochs": run.config.epochs, "seconds_per_epoch": None, "owner": ""}
    metrics = _metrics(run_dir)
    if metrics:
        out["epochs_done"] = len(metrics)
        out["seconds_per_epoch"] = sum(m["seconds"] for m in metrics) / len(metrics)
    path = run_dir / "checkpoint.pt"
    if is_locked(run_dir):
        out.update(state="running", owner=read_owner(run_dir))
    elif path.exists():
        try:
            # mmap: the tensors stay on disk; progress() polls every run's state while workers train, and a
            # full-width checkpoint is ~90 MB
            done = bool(torch.load(path, map_location="cpu", weights_only=True, mmap=True)["done"])
        except Exception:
            return {**out, "state": "corrupt"}
        out["state"] = "done" if done else "partial"
    return out


def progress(runs: list[PlannedRun], runs_dir, *, workers: int = 1) -> dict:
    """Counts of runs by state, epochs left, and an estimate of the time left with ``workers`` workers: the
    epochs left times the measured seconds per epoch of runs of the same model and data set (the mean over
    all measured runs where none of that kind has been measured; None before any has), over the workers."""
    states = [(r, state(r, runs_dir)) for r in runs]
    counts = {s: sum(st["state"] == s for _, st in states) for s in STATES}
    speed: dict[tuple, list[float]] = {}
    for r, st in states:
        if st["seconds_per_epoch"]:
            speed.setdefault((r.config.model, r.config.dataset), []).append(st["seconds_per_epoch"])
    every = [v for vs in speed.values() for v in vs]
    left_s, unknown = 0.0, False
    epochs_left = 0
    for r, st in states:
        left = 0 if st["state"] == "done" else r.config.epochs - st["epochs_done"]
        epochs_left += left
        per = speed.get((r.config.model, r.config.dataset)) or every
        if left and not per:
            unknown = True
        elif left:
            left_s += left * sum(per) / len(per)
    return {"runs": len(runs), **counts, "epochs_left": epochs_left,
            "seconds_left": None if unknown else left_s / max(1, min(workers, len(runs) - counts["done"]) or 1)}


def progress_line(p: dict) -> str:
    eta = "unknown" if p["seconds_left"] is None else _duration(p["seconds_left"])
    return (f"runs: {p['done']}/{p['runs']} done, {p['running']} running, {p['partial']} interrupted, "
            f"{p['missing']} not started" + (f", {p['corrupt']} corrupt" if p["corrupt"] else "")
            + f"; {p['epochs_left']} epochs left, about {eta}")


def work(runs: list[PlannedRun], runs_dir, *, worker: int = 0, workers: int = 1, device="auto", log=None) -> list[str]:
    """One worker: train every run of ``runs`` that is not finished; return the keys it trained (or resumed).

    Worker i starts at run i and takes every ``workers``-th, then the rest, so N workers start on N
    different runs; a run another worker holds is passed over and come back to at the end, when
    ``empirical.train.run`` waits for its lock and then reuses (or, if that worker died, resumes) it. When
    this returns, every run is finished."""
    from .train import run as train_run

    mine = runs[worker::workers] + [r for k, r in enumerate(runs) if k % workers != worker]
    deferred, trained = [], []
    for r in mine:
        if is_locked(Path(runs_dir) / r.key):
            deferred.append(r)
            continue
        if _train(r, runs_dir, device, log, train_run):
            trained.append(r.key)
    for r in deferred:
        if _train(r, runs_dir, device, log, train_run):
            trained.append(r.key)
    return trained


def _train(r: PlannedRun, runs_dir, device, log, train_run) -> bool:
    """Train (or reuse) one run; True if this call trained at least one epoch of it."""
    from . import data as data_mod

    c = r.config
    images = data_mod.load(c.dataset, r.data_root, train_limit=c.train_limit, test_limit=c.test_limit,
                           seed=r.training_seed)
    result = train_run(c, images, Path(runs_dir) / r.key, device=device, progress=False, log=log)
    return result.resumed_from < c.epochs


def _worker_main(runs, runs_dir, worker, workers, device, threads):
    """A local worker process: pin its threads, then :func:`work` (logging to stderr)."""
    import sys

    import torch

    torch.set_num_threads(threads)
    return work(runs, runs_dir, worker=worker, workers=workers, device=device,
                log=lambda m: print(f"[worker {worker}] {m}", file=sys.stderr, flush=True))


def train_missing(runs: list[PlannedRun], runs_dir, *, workers: int = 1, executor: str = "local", device="auto",
                  log=None, poll: float = 10.0, slurm: dict | None = None) -> list[str]:
    """Train the runs of ``runs`` that are not finished with ``workers`` workers started by ``executor``
    (:data:`EXECUTORS`); report progress to ``log`` every ``poll`` seconds; return the keys trained.

    ``workers=1`` with the local executor trains in this process. ``slurm`` holds submitit parameters for the
    Slurm executor (e.g. ``{"slurm_partition": "gpu", "timeout_min": 600, "gpus_per_node": 1}``)."""
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    workers = positive_int("workers", workers)
    runs_dir = Path(runs_dir)
    states = {r.key: state(r, runs_dir)["state"] for r in runs}
    for r in runs:  # a corrupt checkpoint stops everything before any worker starts, with its one-line error
        if states[r.key] == "corrupt":
            _read_checkpoint(runs_dir / r.key / "checkpoint.pt", r.config)
    todo = [r for r in runs if states[r.key] != "done"]
    if not todo:
        return []
    workers = min(workers, len(todo))
    devices = _worker_devices(device, workers)
    if executor == "local" and workers == 1:
        return work(todo, runs_dir, device=devices[0], log=log)
    if executor == "local":
        from mixverify._processes import worker_pool

        from .train import TRAIN_THREADS

        with worker_pool(workers) as pool:
            futures = [pool.submit(_worker_main, todo, str(runs_dir), i, workers, devices[i], TRAIN_THREADS)
                       for i in range(workers)]
            _wait(futures, lambda f: f.done(), todo, runs_dir, workers, log, poll)
            return sorted({k for f in futures for k in f.result()})
    return _submitit(todo, runs_dir, workers, executor, devices, log, poll, slurm or {})


def _submitit(todo, runs_dir, workers, executor, devices, log, poll, params):
    try:
        import submitit
    except ImportError:
        raise ValueError(f"executor {executor!r} needs submitit: pip install 'mixverify[cluster]'") from None
    from .train import TRAIN_THREADS

    ex = submitit.AutoExecutor(folder=runs_dir / "submitit" / "%j", cluster="slurm" if executor == "slurm" else "local")
    ex.update_parameters(name="mixverify-runs", timeout_min=int(params.pop("timeout_min", 24 * 60)), **params)
    jobs = []
    for i in range(workers):
        if executor != "slurm" and devices[i].startswith("cuda:"):  # one GPU per local worker
            ex.update_parameters(gpus_per_node=1, visible_gpus=[int(devices[i].split(":")[1])])
            dev = "cuda:0"
        else:
            dev = devices[i] if executor != "slurm" else "auto"
        jobs.append(ex.submit(_worker_main, todo, str(runs_dir), i, workers, dev, TRAIN_THREADS))
    _wait(jobs, lambda j: j.done(), todo, runs_dir, workers, log, poll)
    return sorted({k for j in jobs for k in j.result()})


def _wait(handles, done, todo, runs_dir, workers, log, poll):
    while not all(done(h) for h in handles):
        if log:
            log(progress_line(progress(todo, runs_dir, workers=workers)))
        deadline = time.monotonic() + poll
        while time.monotonic() < deadline and not all(done(h) for h in handles):
            time.sleep(min(0.2, poll))


def _worker_devices(device, workers: int) -> list[str]:
    """Worker i's device: ``cuda:i`` modulo the GPUs when training on CUDA, else the device asked for."""
    import torch

    from .train import resolve_device

    dev = resolve_device(device)
    if dev.type == "cuda" and str(device) in ("auto", "cuda"):
        n = torch.cuda.device_count()
        return [f"cuda:{i % n}" for i in range(workers)]
    return [str(dev)] * workers


def default_workers(device="auto") -> int:
    """One worker per GPU when training on CUDA, else one per CPU core."""
    import torch

    from .train import resolve_device

    if resolve_device(device).type == "cuda":
        return max(1, torch.cuda.device_count())
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _metrics(run_dir: Path) -> list[dict]:
    try:
        rows = json.loads((run_dir / "metrics.json").read_text())
        return rows if isinstance(rows, list) else []
    except (OSError, ValueError):
        return []


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


__all__ = ["CheckpointError", "EXECUTORS", "PlannedRun", "STATES", "default_workers", "progress",
           "progress_line", "state", "train_missing", "work"]
