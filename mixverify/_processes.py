"""Worker processes that never outlive the command that started them.

:func:`worker_pool` is a ``concurrent.futures.ProcessPoolExecutor`` of spawned processes (torch is not fork-safe) for
the claim checks (:func:`mixverify.claim.run_claims`) and the figures' training workers
(:func:`empirical.runs.train_missing`), with three guarantees the plain executor does not give:

- Ctrl-C (SIGINT) or SIGTERM to the command stops its workers at once, instead of waiting for the work in progress (a
  training run can take minutes): pending work is cancelled and the workers are terminated before the interrupt
  propagates; a training worker loses at most the epoch in progress (checkpoints are written atomically every epoch,
  and the next command resumes from the last one);
- a worker whose parent dies without cleaning up (SIGKILL) gets SIGTERM from the kernel (Linux ``PR_SET_PDEATHSIG``),
  so no orphan keeps training;
- SIGTERM is turned into ``KeyboardInterrupt`` in the main thread while the pool runs, so the command's own interrupt
  handling (one line on stderr, exit status 130) applies to both signals.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Worker initializer: ask the kernel for SIGTERM when the parent dies (Linux; a no-op elsewhere)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
    except (OSError, AttributeError):
        pass


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def worker_pool(workers: int):
    """A spawned process pool of ``workers`` processes that is torn down (pending work cancelled, workers terminated)
    when the body raises or the command gets SIGINT/SIGTERM; see the module docstring."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        yield pool
    except BaseException:
        stop(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def stop(pool: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """Cancel what has not started, terminate the workers (SIGTERM, then SIGKILL after ``timeout`` s) and reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout)
        if p.is_alive():
            p.kill()
            p.join()
