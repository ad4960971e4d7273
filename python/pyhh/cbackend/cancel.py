"""Ctrl-C during a long C call.

Python runs a signal handler only between bytecodes, so a KeyboardInterrupt
cannot reach a thread that is inside one long C call. The C runs therefore
watch a cancel flag (`cancel` in hh_output and hh_batch_output, looked at every
HH_CANCEL_EVERY steps), and a long call made from the main thread runs on a
worker thread while the main thread waits, ready for the signal. On Ctrl-C the
main thread sets the flag, waits the few milliseconds the C run needs to reach
its next check, and raises KeyboardInterrupt; no thread is left running.
A run that is not interrupted is the same call with the same results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from . import ffi

T = TypeVar("T")

#: Below this many neuron-steps a call ends within milliseconds, and Python
#: handles a pending Ctrl-C as soon as it returns: no worker thread is needed.
SHORT_CALL = 100_000


def new_flag() -> Any:
    """A cancel flag for the C runs: an int that is 0 until the run should stop."""
    return ffi.new("int *")


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
