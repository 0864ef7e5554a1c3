"""Worker processes that never outlive the command that started them."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor


def cores(most: int = 4) -> int:
    """The cores a job here shares its work across: past a few, more parts gain little."""
    return min(os.cpu_count() or 1, most)


def die_with_parent(parent: int) -> None:
    """Worker start: end with the command that started it, even when that is killed (-9, the
    out-of-memory killer), instead of working on alone and lingering (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def pool(workers: int, fork: bool = False) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process.

    ``fork``: workers start as copies of this process (Linux), with what it has loaded, in
    milliseconds; for short jobs whose arguments are large.
    """
    context = multiprocessing.get_context("fork") if fork else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=die_with_parent, initargs=(os.getpid(),))

