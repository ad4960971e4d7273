"""Ctrl-C during a long C call.

Python runs a signal handler only between bytecodes, so a KeyboardInterrupt
cannot reach a thread that is inside one long C call. The C runs therefore
watch a cancel flag (`cancel` in hh_output and hh_batch_output, looked at every
HH_CANCEL_EVERY steps), and a long call made from the main thread runs on a
worker thread while the main thread waits, ready for the signal. On Ctrl-C the
main thread sets the flag, waits the few milliseconds the C run needs to reach
its next check, and raises KeyboardInterrupt; no thread is left running.
A run that is not interrupted is the same call with the same results.

Parts of a batch on a process pool watch a flag in a 4-byte file that every
process maps (`shared_flag`, `mapped_flag`): setting it in the caller stops
the parts running in the workers, and a part that starts once the file is gone
(the batch is over) stops before its first step.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from . import ffi

T = TypeVar("T")

#: Below this many neuron-steps a call ends within milliseconds, and Python
#: handles a pending Ctrl-C as soon as it returns: no worker thread is needed.
SHORT_CALL = 100_000


def new_flag() -> Any:
    """A cancel flag for the C runs: an int that is 0 until the run should stop."""
    return ffi.new("int *")


@contextlib.contextmanager
def shared_flag() -> Iterator[tuple[str, Any]]:
    """A cancel flag that processes on this machine can watch: (path, flag), path naming the
    4-byte file that holds it (mapped_flag(path) maps it elsewhere). The file is removed on exit."""
    fd, path = tempfile.mkstemp(prefix="pyhh-cancel-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(bytes(4))
        with mapped_flag(path) as flag:
            yield path, flag
    finally:
        os.unlink(path)


@contextlib.contextmanager
def mapped_flag(path: str) -> Iterator[Any]:
    """The cancel flag of shared_flag's `path`, mapped into this process. A missing file means
    the batch it belonged to is over (interrupted or failed): KeyboardInterrupt, as for a set flag."""
    try:
        file = open(path, "r+b")
    except FileNotFoundError:
        raise KeyboardInterrupt(f"cancelled before the first step: {path} is gone, the batch is over") from None
    with file, mmap.mmap(file.fileno(), 4) as mapping:
        flag = ffi.from_buffer("int[]", mapping, require_writable=True)
        try:
            yield flag
        finally:
            ffi.release(flag)  # the mapping closes only once nothing points into it


def interruptible(call: Callable[[], T], flag: Any, work: int) -> T:
    """call(), a C call that watches `flag`, made so that Ctrl-C stops it.

    `work` is the call's size in neuron-steps. From another thread than the
    main one (no signal reaches those) or for a short call this is just call().
    """
    if work < SHORT_CALL or threading.current_thread() is not threading.main_thread():
        return call()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as e:  # handed to the main thread below
            outcome["error"] = e
        finally:
            done.set()

    worker = threading.Thread(target=target, name="pyhh-c-call", daemon=True)
    worker.start()
    try:
        done.wait()  # a signal interrupts this wait (Thread.join is not safe to interrupt)
    except KeyboardInterrupt:
        flag[0] = 1
        done.wait()
        raise
    finally:
        worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
