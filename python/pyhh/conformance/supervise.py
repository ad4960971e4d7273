"""Spec §11.4: the supervisor between `pyhh conform` and one run of a port, so that nothing the
port starts outlives the case, not even as a zombie.

    python -I -S supervise.py STATUS_FD PROGRAM ARG...

The grader (execution.py) starts one supervisor per run of the port, in a session of its own,
with the grader's end of a pipe as its standard input and the port's standard output and error
as its own. The supervisor starts the port in a process group of its own (so that a port's
`kill 0` cannot reach it), waits until the port exits or the grader closes the pipe (to stop the
port: a timeout, an output beyond its bound, Ctrl-C, or the grader gone), then kills and reaps
everything the port started, and writes to STATUS_FD, one line each:

    started PID        the port is process PID (and process group PID); it runs once this is written
    cannot MESSAGE     the port could not be started (nothing else follows)
    exit STATUS        the port's status as subprocess gives it (-N: killed by signal N),
                       written once everything the port started has been killed and reaped

Why a supervisor, and why this way (issue 25, item 8). Killing the port's process group misses
whatever called setsid() (a `setsid sleep 600`, a daemon's double fork), and whatever the port's
processes leave behind is reparented to init, which in a container may never reap it: zombies.
A process that is no process's child can only be found again by its ancestry, and that is lost
when its parent dies, so a scan of /proc alone cannot find a double-forked daemon; nor can a
marker in its environment (a port may clear it) or its session (setsid changes it). Linux's
prctl(PR_SET_CHILD_SUBREAPER) keeps the ancestry: every orphan below the supervisor is
reparented to the supervisor instead of init. So the supervisor, a subreaper, kills every
descendant /proc shows (setsid'ed or not) and reaps its children until it has none left; a
descendant that forks while this goes on is found by the next scan, and a descendant whose
parent dies comes to the supervisor. When the supervisor has no children left, nothing the
port started exists any more, not even a zombie. The supervisor is a short-lived process of its
own, not the grader, because a subreaper inherits every orphan below it for as long as it
lives: the grader must not (it runs other programs, and a Python process that reaps children
it did not start breaks subprocess). It needs a few modules of the standard library only
(not subprocess, whose imports alone take longer than a run of a port), and runs without
site-packages, so that it adds about 20 ms to a run.

A process is killed by the pid /proc showed it under. The supervisor's own children cannot
change pid before it reaps them; a deeper descendant could exit, be reaped by its parent and
its pid be given to another process between the scan and the kill, but Linux gives pids out in
turn, a pid coming back only after the counter has wrapped around pid_max: a window that
narrow is not hit in practice.

Elsewhere it degrades: where PR_SET_CHILD_SUBREAPER or /proc is missing (macOS, the BSDs, a
Linux without /proc mounted), the supervisor kills the port's process group and reaps the port,
as the grader did before: what called setsid() escapes, and orphans go to init (which, there,
reaps them). What no supervisor can stop is a process the port hands to someone else to start
(systemd-run, at, a daemon of its own running before), or a port that kills its supervisor with
SIGKILL (the grader then kills the port's process group and fails the case; what left that
group survives, and orphans go to init).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time

#: linux/prctl.h: make the caller the reaper of every orphan among its descendants.
PR_SET_CHILD_SUBREAPER = 36

#: The signals that ask the supervisor to stop the port (it has a handler: not SIG_IGN, which a port inherits).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

#: The signals the port gets with their default action: those Python ignores (as subprocess's restore_signals
#: does) and the supervisor's own.
DEFAULT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(signal, name)) + STOP_SIGNALS


class Stop(Exception):
    """A signal asked the supervisor to stop the port (the grader closing the pipe is the usual way)."""


def become_subreaper() -> bool:
    """Linux: adopt every orphan below this process (prctl(2)); False where that cannot be done,
    or where /proc cannot show the orphans (they could be reaped, but not found to be killed)."""
    if not sys.platform.startswith("linux") or not os.path.exists("/proc/self/stat"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        zero = ctypes.c_ulong(0)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, ctypes.c_ulong(1), zero, zero, zero) == 0
    except (ImportError, OSError, AttributeError):
        return False


def descendants(root: int) -> list[int]:
    """Every process /proc shows below `root` (by parent pid), whatever its session or group;
    [] without /proc."""
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as file:
                parent = int(file.read().rsplit(b")", 1)[1].split()[1])  # the name, in (), may hold anything
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(name))
    found, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), ()):
            found.append(pid)
            stack.append(pid)
    return found


def has_exited(pid: int, reap) -> bool:
    """Whether the child `pid` has exited, without reaping it where the system allows (waitid's
    WNOWAIT), so that its pid, its group's id, stays its own until the group is killed; where
    it does not (macOS), the function `reap()` reaps it if it has exited and says whether it has."""
    if hasattr(os, "waitid"):
        try:
            return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return reap()
    return reap()


class Port:
    """The port, started in a process group of its own with /dev/null for standard input (the
    supervisor's is the grader's pipe) and the supervisor's standard output and error. It runs
    only once `announce(pid)` has returned: a port that kills the supervisor at once is still
    known to the grader, by its process group."""

    def __init__(self, argv: list[str], announce) -> None:
        self.status: int | None = None
        go, wait = os.pipe()[::-1]  # the child waits to read one byte before it runs the port
        failed, failure = os.pipe()  # closed by a successful exec (close-on-exec); else the errno
        self.pid = os.fork()
        if self.pid == 0:
            os.close(go)
            os.close(failed)
            self.become_port(argv, wait, failure)
        os.close(wait)
        os.close(failure)
        try:
            os.setpgid(self.pid, self.pid)  # as the child does: whichever comes first
        except OSError:
            pass
        announce(self.pid)
        os.write(go, b"x")
        os.close(go)
        errno = os.read(failed, 32)
        os.close(failed)
        if errno:
            os.waitpid(self.pid, 0)
            raise OSError(int(errno), os.strerror(int(errno)))

    @staticmethod
    def become_port(argv: list[str], wait: int, failure: int) -> None:
        """In the child: its own process group, the default signal actions, /dev/null for standard
        input, then (once the supervisor says go) the port; never returns."""
        try:
            os.setpgid(0, 0)
            for signum in DEFAULT_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            if os.read(wait, 1):  # nothing: the supervisor is gone
                os.execvp(argv[0], argv)
        except OSError as e:
            os.write(failure, str(e.errno or 0).encode())
        finally:
            os._exit(127)

    def exited(self, wait_status: int) -> None:
        self.status = os.waitstatus_to_exitcode(wait_status)

    def reap(self) -> bool:
        pid, wait_status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.exited(wait_status)
        return self.status is not None

    def wait(self, control: int) -> None:
        """Until the port exits (not reaped where the system allows) or `control` is readable (the
        grader closed its end, or wrote to it: stop)."""
        try:
            ready = os.pidfd_open(self.pid)  # Linux 5.3: readable when the port exits
        except (AttributeError, OSError):
            ready = None
        try:
            while self.status is None and not has_exited(self.pid, self.reap):
                readable, _, _ = select.select([control] + ([ready] if ready is not None else []), [], [],
                                               None if ready is not None else 0.01)
                if control in readable:
                    return
        finally:
            if ready is not None:
                os.close(ready)

    def end_everything(self, adopted: bool) -> int:
        """Kill the port's process group and, as a subreaper, every descendant /proc shows; reap every
        child until none is left. The port's status as subprocess gives it (-N: killed by signal N)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)  # not reaped yet (but on macOS): the group's id is still its own
        except OSError:
            pass
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # no child left: nothing below the supervisor exists any more
                break
            if pid == self.pid:
                self.exited(wait_status)
            if pid:
                continue  # reap all that are ready before the next scan
            for victim in descendants(os.getpid()) if adopted else []:
                try:
                    os.kill(victim, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.001)  # the killed are dying; the next round reaps them and finds their orphans
        return -signal.SIGKILL if self.status is None else self.status


def main(argv: list[str]) -> int:
    report = int(argv[1])
    os.set_inheritable(report, False)

    def write(line: str) -> None:
        try:
            os.write(report, (line + "\n").encode("utf-8", errors="replace"))
        except OSError:  # the grader is gone: the cleaning up goes on
            pass

    def stop(signum, frame):
        raise Stop

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    adopted = become_subreaper()
    try:
        port = Port(argv[2:], lambda pid: write(f"started {pid}"))
    except (OSError, ValueError) as e:
        write(f"cannot {getattr(e, 'strerror', None) or e}")
        return 0
    try:
        port.wait(sys.stdin.fileno())
    except Stop:
        pass
    finally:
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)  # nothing stops the cleaning up half-way
        write(f"exit {port.end_everything(adopted)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
