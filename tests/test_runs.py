"""empirical.runs and the resume-by-default of every command that trains.

Workers are real processes (spawned), signals are real signals. The runs are a "micro" preset (tiny with one
training seed of 64 images) registered in this process only: the workers receive the planned runs
themselves, not a preset name.
"""

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from mixverify.empirical import figures
from mixverify.empirical import runs as runs_mod
from mixverify.empirical.train import is_locked, lock_path

from mixverify.datasets import DatasetMissing

try:
    from mixverify.empirical import data as data_mod

    data_mod.load("fashion-mnist", None, train_limit=64, test_limit=64, seed=0)
    HAVE_FMNIST = True
except DatasetMissing:
    HAVE_FMNIST = False
needs_fmnist = pytest.mark.skipif(not HAVE_FMNIST, reason="Debian's dataset-fashion-mnist is not installed")
pytestmark = needs_fmnist

MICRO = replace(figures.PRESETS["tiny"], name="micro", train_limit=64, test_limit=64, attack_images=16, seeds=1)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def micro_preset(monkeypatch):
    monkeypatch.setitem(figures.PRESETS, "micro", MICRO)


def planned(fig="1b"):
    return figures.plan_runs([fig], preset="micro", seeds=[0])


def weights(run_dir):
    return torch.load(Path(run_dir) / "checkpoint.pt", map_location="cpu", weights_only=True)["model"]


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_plan_lists_each_shared_run_once_with_its_figures():
    smoke = figures.plan_runs([], preset="smoke", seeds=[0])
    assert len({r.key for r in smoke}) == len(smoke) == 18  # 6 WRN runs (1a) + 12 ResNet runs shared by 1b, 5-8
    shared = [r for r in smoke if r.label == "erm"]
    assert all(set(r.figures) == {"1b", "5", "6", "7", "8"} for r in shared if r.config.model == "preact-resnet18")
    assert [r.training_seed for r in figures.plan_runs(["1a"], preset="smoke", seeds=[1])] == [3, 3, 4, 4, 5, 5]


def test_two_local_workers_give_the_serial_figure_byte_for_byte(tmp_path):
    runs_dir, out = tmp_path / "runs", tmp_path / "out"
    figures.run_figure("1b", preset="micro", runs_dir=runs_dir, out=out / "serial", progress=False)
    serial = (out / "serial" / "figure-1b.json").read_bytes()
    runs_dir.rename(tmp_path / "serial-runs")
    trained = runs_mod.train_missing(planned(), runs_dir, workers=2, poll=0.5)
    assert sorted(trained) == sorted(r.key for r in planned())
    assert all(runs_mod.state(r, runs_dir)["state"] == "done" for r in planned())
    figures.run_figure("1b", preset="micro", runs_dir=runs_dir, out=out / "workers", progress=False)
    assert (out / "workers" / "figure-1b.json").read_bytes() == serial
    for r in planned():
        assert same_weights(weights(runs_dir / r.key), weights(tmp_path / "serial-runs" / r.key))


def test_two_workers_on_the_same_run_never_train_it_twice(tmp_path):
    one = planned()[:1]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        futures = [pool.submit(runs_mod.work, one, str(tmp_path), worker=i, workers=2, device="cpu") for i in range(2)]
        trained = [f.result() for f in futures]
    assert sorted(map(len, trained)) == [0, 1]  # one worker trained it; the other waited and reused it
    rows = json.loads((tmp_path / one[0].key / "metrics.json").read_text())
    assert [m["epoch"] for m in rows] == list(range(1, one[0].config.epochs + 1))


WORKER = """
import pickle, sys, time
from pathlib import Path
from mixverify.empirical import data, runs, train
run = runs.PlannedRun(**pickle.loads(bytes.fromhex(sys.argv[1])))
c = run.config
images = data.load(c.dataset, run.data_root, train_limit=c.train_limit, test_limit=c.test_limit, seed=run.training_seed)
run_dir = Path(sys.argv[2]) / run.key
train.run(c, images, run_dir, device="cpu", progress=False, stop_after=1)  # one epoch, checkpointed
with train.run_lock(run_dir):  # then mid-run, holding the lock, until it is killed
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_killed_worker_leaves_a_stale_claim_that_the_next_one_recovers_and_resumes_exactly(tmp_path):
    import pickle

    r = planned()[0]
    fields = {"figures": r.figures, "label": r.label, "training_seed": r.training_seed, "config": r.config,
              "data_root": r.data_root}
    proc = subprocess.Popen([sys.executable, "-c", WORKER, pickle.dumps(fields).hex(), str(tmp_path / "killed")],
                            cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, stdout=subprocess.PIPE, text=True)
    # no race: the worker says when it holds the lock after its first epoch, and waits there to be killed
    assert proc.stdout.readline().strip() == "holding", "the worker ended before holding the run"
    metrics = tmp_path / "killed" / r.key / "metrics.json"
    proc.send_signal(signal.SIGKILL)  # mid-run, holding the lock
    proc.wait()
    st = runs_mod.state(r, tmp_path / "killed")
    assert st["state"] == "partial" and st["epochs_done"] == 1 < r.config.epochs
    assert lock_path(tmp_path / "killed" / r.key).exists() and not is_locked(tmp_path / "killed" / r.key)
    assert runs_mod.work([r], tmp_path / "killed", device="cpu") == [r.key]  # not blocked by the dead claim
    runs_mod.work([r], tmp_path / "straight", device="cpu")
    assert same_weights(weights(tmp_path / "killed" / r.key), weights(tmp_path / "straight" / r.key))
    strip = [{k: v for k, v in m.items() if k != "seconds"} for m in json.loads(metrics.read_text())]
    assert strip == [{k: v for k, v in m.items() if k != "seconds"}
                     for m in json.loads((tmp_path / "straight" / r.key / "metrics.json").read_text())]


def test_progress_counts_and_estimates_time_left(tmp_path):
    rs = planned()
    assert runs_mod.progress(rs, tmp_path)["seconds_left"] is None  # nothing measured yet
    runs_mod.work(rs[:1], tmp_path, device="cpu")
    p = runs_mod.progress(rs, tmp_path, workers=1)
    assert (p["done"], p["missing"], p["epochs_left"]) == (1, len(rs) - 1, (len(rs) - 1) * rs[0].config.epochs)
    assert p["seconds_left"] > 0 and f"1/{len(rs)} done" in runs_mod.progress_line(p)


def test_bad_arguments_are_one_line_errors(tmp_path):
    with pytest.raises(ValueError, match="executor must be one of"):
        runs_mod.train_missing(planned(), tmp_path, executor="cron")
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        runs_mod.train_missing(planned(), tmp_path, workers=0)
    with pytest.raises(ValueError, match="unknown preset"):
        figures.plan_runs(["1b"], preset="huge")


def test_submitit_local_executor_trains_the_missing_runs(tmp_path):
    pytest.importorskip("submitit")
    rs = planned()[:2]
    trained = runs_mod.train_missing(rs, tmp_path, workers=2, executor="submitit", poll=0.5)
    assert sorted(trained) == sorted(r.key for r in rs)


def _group(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (from /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def _stop_mid_training(proc, runs_dir: Path) -> list[int]:
    """Wait until a run of ``proc`` has checkpointed an epoch, then freeze its whole process group (SIGSTOP) so that a
    signal sent now lands mid-training, whatever the machine's speed; return the frozen pids."""
    deadline = time.monotonic() + 180
    while not any(json.loads(m.read_text() or "[]") for m in runs_dir.rglob("metrics.json")):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "no epoch finished in 180 s"
        time.sleep(0.05)
    frozen = _group(proc.pid)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    return frozen


def _thaw(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def test_interrupted_verify_resumes_by_itself_and_reaches_the_uninterrupted_report(tmp_path):
    """A real SIGINT to a real `mixverify verify` mid-training; the same command again continues the run
    (no --resume, no cache to delete) and writes the report.json of an uninterrupted verify."""
    cmd = [sys.executable, "-m", "mixverify", "verify", "figure-1b", "--preset", "tiny", "--workers", "1", "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MIXVERIFY_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd + ["--json", str(tmp_path / "a.json")], cwd=ROOT, env=env, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    _interrupt_mid_training(proc, tmp_path / "cache", signal.SIGINT, processes=1)
    again = subprocess.run(cmd + ["--json", str(tmp_path / "a.json")], cwd=ROOT, env={**env}, capture_output=True,
                           text=True, timeout=300)
    assert "resuming" in again.stderr or "resuming" in again.stdout, again.stderr
    # the uninterrupted reference trains in the test session's cache (conftest), where the tiny figure claims of
    # test_figure_claims.py and test_claims.py find its runs (or it finds theirs): the same runs, trained once
    ref_env = {**env, "MIXVERIFY_CACHE": os.environ["MIXVERIFY_CACHE"]}
    subprocess.run(cmd + ["--json", str(tmp_path / "b.json")], cwd=ROOT, env=ref_env, capture_output=True, timeout=300)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_signal_to_a_command_with_workers_leaves_no_process_and_resumable_runs(tmp_path):
    """`kill -TERM` of `mixverify figure 1b --workers 2` mid-training (to the main process only, as a script or a
    scheduler sends it): the command and its spawned workers are gone within 10 s, and what they trained is kept as
    finished or resumable runs, none locked or corrupt. (That the next command resumes such runs to the uninterrupted
    result, byte for byte, is the test above and the killed-worker test.) SIGTERM, not SIGINT: the pool's own handler
    turns SIGTERM into the KeyboardInterrupt that SIGINT raises (mixverify._processes), so from there on both signals take
    one path, which this test runs; SIGINT's own handling (exit 130, resumable runs) is the interrupted verify above.
    (Running it for SIGINT too cost 13 s of the default tox's 2 cores: three more processes importing torch.)"""
    cmd = [sys.executable, "-m", "mixverify", "figure", "1b", "--preset", "tiny", "--workers", "2", "--no-progress",
           "--out", str(tmp_path / "out"), "--runs", str(tmp_path / "runs")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    _interrupt_mid_training(proc, tmp_path / "runs", signal.SIGTERM, processes=3)
    states = [runs_mod.state(r, tmp_path / "runs") for r in figures.plan_runs(["1b"], preset="tiny", seeds=[0])]
    assert {s["state"] for s in states} <= {"done", "partial", "missing"}, states
    assert any(s["state"] == "partial" and 0 < s["epochs_done"] < s["epochs"] for s in states), states


def _interrupt_mid_training(proc, runs_dir: Path, sig, *, processes: int) -> None:
    """Send ``sig`` to the command ``proc`` (its main process only) once a run has checkpointed an epoch; check that it
    exits with status 130 and one line saying how to continue, and that no process of its group is alive 10 s later.
    ``processes``: how many processes of the group at least were frozen mid-training (3: the command and two workers)."""
    frozen = _stop_mid_training(proc, runs_dir)
    assert len(frozen) >= processes, f"{processes} processes (the command and its workers) were expected, got {frozen}"
    proc.send_signal(sig)
    _thaw(frozen)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "run the same command again to continue" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group(proc.pid), f"processes of the command's group still alive: {_group(proc.pid)}"
