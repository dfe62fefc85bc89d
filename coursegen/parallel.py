"""Spread independent work over forked processes; results come back in input order."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# Below this many items, starting processes costs more than it saves.
MIN_ITEMS_FOR_PROCESSES = 64
# A chunk's results cross back as one message, unpickled whole: with descriptions, 3.5 KB an
# item. Chunks of at most this many items keep each message near a megabyte at any catalog size.
MAX_CHUNK = 256

# What forked workers inherit from the parent. It is set just before the pool starts and cleared
# after, so that large shared data (the catalog, the page plan) is never pickled to workers.
_inherited: object = None


MAX_JOBS_PER_CORE = 4  # more processes than this only compete: --jobs 10000 forked thousands of them


def default_jobs() -> int:
    """Return the number of processes to use by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_chunks(work: Callable[[object, Sequence], list], shared: object, items: Sequence, jobs: int, *,
               meanwhile: Callable[[], None] | None = None) -> list:
    """Return work(shared, chunk) over contiguous chunks of items, concatenated in item order.

    `work` must be a module-level function; `shared` reaches workers by fork, not by pickling.
    `meanwhile`, if given, runs in this process while the workers work (or first, without them).
    """
    return list(iter_chunks(work, shared, items, jobs, meanwhile=meanwhile))


def iter_chunks(work: Callable[[object, Sequence], list], shared: object, items: Sequence, jobs: int, *,
                meanwhile: Callable[[], None] | None = None) -> Iterator:
    """Yield what map_chunks returns, result by result, as each chunk comes back from its worker."""
    if jobs <= 1 or len(items) < MIN_ITEMS_FOR_PROCESSES or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        yield from work(shared, items)
        return
    global _inherited
    jobs = min(jobs, MAX_JOBS_PER_CORE * default_jobs())
    size = min(-(-len(items) // (jobs * 8)), MAX_CHUNK)  # several chunks per process balance uneven work
    chunks = [(work, items[start:start + size]) for start in range(0, len(items), size)]
    _inherited = shared
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            try:
                with _interrupts_held():
                    parts = pool.map(_run_chunk, chunks)  # starts the workers and submits every chunk
                if meanwhile is not None:
                    meanwhile()
                for part in parts:
                    yield from part
            except BaseException:
                _kill_workers(pool)  # a failed or interrupted build waits for no other chunk, however slow
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _inherited = None


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now: they ignore Ctrl-C, and one may be in a page that takes seconds.

    ProcessPoolExecutor has no public way to do this before Python 3.14 (terminate_workers);
    its `_processes` map has been there since 3.2.
    """
    for process in list(getattr(pool, "_processes", {}).values()):
        try:
            process.kill()
        except (OSError, ValueError):  # already gone
            pass


@contextmanager
def _interrupts_held():
    """Hold Ctrl-C (SIGINT) back until the block ends; it is raised then.

    Raised while ProcessPoolExecutor starts its workers, before its manager thread exists, it
    leaves workers that no one tells to stop, and the build hangs at exit waiting for them
    (a test sends SIGINT just there).
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _die_with_parent(parent: int) -> None:
    """Make this worker exit when the build that started it dies, even by SIGKILL, and leave Ctrl-C to it.

    A worker blocks waiting for work; without this, killing a build would leave its workers
    waiting forever.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own checks are all there is
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it


def _run_chunk(task: tuple) -> list:
    work, chunk = task
    return work(_inherited, chunk)
