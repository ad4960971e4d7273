"""Spec §11.4: one run of a port on one case, so that nothing the port does stops the grader.

The port runs under a supervisor of its own (supervise.py: a short-lived process, in a session
of its own, that starts the port in a process group of its own), which kills and reaps
everything the port started when the case ends, however it ends (exit, timeout, an error,
Ctrl-C): on Linux also what called setsid() or double-forked, and no zombie is left
(supervise.py says how, and what other systems get). Its standard output and error go to
unnamed files the grader holds; `{out}` and `{spikes}` are paths in a temporary folder. Every
output is bounded, while the port runs and when it is read, and is read only if it is a
regular file, without blocking; what the port did to its files (a folder or a FIFO for `{out}`,
an unreadable file, 100 GB of holes, a deep tree of folders) is reported as a problem of the
case. The temporary folder is always removed, without recursion and without following links.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .supervise import has_exited

#: The supervisor of every run of a port (run by path, without site-packages: it needs the standard library only).
SUPERVISOR = Path(__file__).with_name("supervise.py")

#: How long the supervisor may take to clean up after the port before it is killed too (a hang guard).
CLEANUP_GUARD = 60.0

#: The most a port may write to standard output or error, or to a file, for one case (a trace is far smaller).
MAX_OUTPUT = 2**28


@dataclass(frozen=True)
class Execution:
    """What one run of the command did: its status (None if it could not run), its standard
    output and error, the files it wrote (None for no file), why it could not be run or was
    stopped (`problem`), and why a file it wrote could not be read (`out_problem`, `spikes_problem`)."""

    status: int | None
    stdout: str
    stderr: str
    out: str | None = None
    spikes: str | None = None
    problem: str = ""
    out_problem: str = ""
    spikes_problem: str = ""

    @property
    def last_error_line(self) -> str:
        return self.stderr.strip().splitlines()[-1] if self.stderr.strip() else "no message"


def size_text(size: int) -> str:
    return f"{size / 2**20:g} MiB" if size >= 2**20 else f"{size} bytes"


def file_size(path: Path) -> int:
    """The size of a regular file at `path`; 0 for anything else, or if it cannot be seen."""
    try:
        info = os.stat(path)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def read_file(path: Path, limit: int, what: str) -> tuple[str | None, str]:
    """A file the port wrote: (its text, "") if it is a regular file of at most `limit` bytes,
    (None, "") if there is none, else (None, why it cannot be read). Never blocks (a FIFO is
    refused before it is opened, and opened non-blocking in case it became one), never reads
    more than `limit` bytes."""
    not_regular = f"{what} is not a regular file (a folder, a FIFO or a device)"
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, not_regular
        if info.st_size > limit:
            return None, f"wrote more than {size_text(limit)} to {what} ({info.st_size} bytes)"
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return None, not_regular
            data = file.read(limit + 1)
    except FileNotFoundError:
        return None, ""
    except OSError as e:
        return None, f"cannot read {what}: {e.strerror or e}"
    if len(data) > limit:
        return None, f"wrote more than {size_text(limit)} to {what}"
    return data.decode("utf-8", errors="replace"), ""


def read_own(file: BinaryIO, limit: int, what: str) -> tuple[str, str]:
    """Standard output or error, from the file the grader holds: (its text, "") or ("", why not)."""
    size = os.fstat(file.fileno()).st_size
    if size > limit:
        return "", f"wrote more than {size_text(limit)} to {what} ({size} bytes)"
    file.seek(0)
    return file.read(limit).decode("utf-8", errors="replace"), ""


def remove_tree(top: str) -> None:
    """Remove `top` and all under it, whatever the port made of it: folders it made unreadable
    (made writable first), any depth (a loop, not recursion), links removed, never followed.
    What cannot be removed is left; this never raises."""
    folders, stack = [], [top]
    while stack:
        folder = stack.pop()
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                os.unlink(folder)
                continue
            os.chmod(folder, 0o700)
            folders.append(folder)
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        try:
                            os.unlink(entry.path)
                        except OSError:
                            pass
        except OSError:
            pass
    for folder in reversed(folders):  # children after their parents were listed: remove them first
        try:
            os.rmdir(folder)
        except OSError:
            pass


def end_port(supervisor: subprocess.Popen, report: int, program: str) -> tuple[int | None, str]:
    """Have the supervisor end the port and all it started (by closing the pipe it watches), wait
    for it, and read its report: (the port's status, "") or (None, why there is none). If the
    supervisor is stuck, or was killed (by the port), kill its group and the port's."""
    supervisor.stdin.close()
    try:
        supervisor.wait(timeout=CLEANUP_GUARD)
    except subprocess.TimeoutExpired:
        pass
    said = dict(line.split(" ", 1) for line in read_report(report) if " " in line)
    if "cannot" in said:
        return None, f"cannot start {program!r}: {said['cannot']}"
    if "exit" in said and supervisor.returncode is not None:
        return int(said["exit"]), ""
    groups = [int(said["started"])] if "started" in said else []
    for group in groups + ([supervisor.pid] if supervisor.returncode is None else []):
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    supervisor.wait()
    return None, f"the port's supervisor was stopped before it could end the port (status {supervisor.returncode})"


def read_report(report: int) -> list[str]:
    """The lines the supervisor wrote to its report pipe (never blocks)."""
    os.set_blocking(report, False)
    data = b""
    try:
        while chunk := os.read(report, 65536):
            data += chunk
    except BlockingIOError:
        pass
    return data.decode("utf-8", errors="replace").splitlines()


def execute(command: list[str], case_path: Path, timeout: float, limit: int | None = None) -> Execution:
    """Run the implementation on one case file, as §11.4 says. Its standard output, `{out}` and
    `{spikes}` may hold at most `limit` bytes (MAX_OUTPUT by default), standard error MAX_OUTPUT:
    a port that writes more while it runs is stopped (like `yes`), not buffered."""
    limit = MAX_OUTPUT if limit is None else min(limit, MAX_OUTPUT)
    tmp = tempfile.mkdtemp(prefix="pyhh-conform-")
    try:
        out_path, spikes_path = Path(tmp) / "trace.csv", Path(tmp) / "spikes.txt"
        args = [a.replace("{case}", str(case_path)).replace("{out}", str(out_path)).replace("{spikes}", str(spikes_path))
                for a in command]
        if not any("{case}" in a for a in command):
            args.append(str(case_path))
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            report, report_end = os.pipe()
            try:
                supervisor = subprocess.Popen([sys.executable, "-I", "-S", str(SUPERVISOR), str(report_end), *args],
                                              stdout=stdout, stderr=stderr, stdin=subprocess.PIPE,
                                              pass_fds=(report_end,), start_new_session=True)
            except OSError as e:
                os.close(report)
                return Execution(None, "", "", problem=f"cannot start the supervisor {sys.executable!r}: {e.strerror}")
            finally:
                os.close(report_end)
            try:
                try:
                    problem = watch(supervisor, timeout,
                                    [(lambda: os.fstat(stdout.fileno()).st_size, limit, "standard output"),
                                     (lambda: os.fstat(stderr.fileno()).st_size, MAX_OUTPUT, "standard error"),
                                     (lambda: file_size(out_path), limit, "{out}"),
                                     (lambda: file_size(spikes_path), limit, "{spikes}")])
                finally:
                    status, ended = end_port(supervisor, report, args[0])
            finally:
                os.close(report)
            problem = problem or ended
            if problem:
                return Execution(None, "", "", problem=problem)
            out_text, problem = read_own(stdout, limit, "standard output")
            error_text, error_problem = read_own(stderr, MAX_OUTPUT, "standard error")
            out, out_problem = read_file(out_path, limit, "{out}")
            spikes, spikes_problem = read_file(spikes_path, limit, "{spikes}")
            return Execution(status, out_text, error_text, out, spikes, problem or error_problem,
                             out_problem, spikes_problem)
    finally:
        remove_tree(tmp)


def watch(process: subprocess.Popen, timeout: float, sizes: list) -> str:
    """Wait for the port's supervisor to exit (it does once the port has exited and all it started is
    gone): "" when it has, else why the port must be killed (too long, or an output beyond its bound;
    `sizes` holds (size of, bound, name) for each output)."""
    deadline = time.monotonic() + timeout
    while not has_exited(process.pid, lambda: process.poll() is not None):
        if time.monotonic() > deadline:
            return f"timed out after {timeout:g} s (killed)"
        for size, bound, what in sizes:
            if size() > bound:
                return f"wrote more than {size_text(bound)} to {what} (killed)"
        time.sleep(0.01)
    return ""
