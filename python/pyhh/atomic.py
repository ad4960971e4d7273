"""Saving a file whole or not at all: every file pyhh writes goes through here.

A save writes a hidden temporary file in its target's folder (.NAME.XXXXXXXX.tmp,
so on the same file system), flushes it to the disk (fsync) and only then
renames it onto the target (os.replace, atomic). A save that fails for any
reason (a full disk, a file-size limit, an interrupt, an error while drawing a
figure) removes its temporary file and leaves the target as it was: no reader
ever sees half a file, and a failed save never destroys the file it would have
replaced. The temporary file is created as open(..., "w") creates a file (mode
0o666 less the umask; tempfile.mkstemp's 0o600 would not do), and takes the
permissions of the file it replaces, as writing into that file would keep them.

Files saved together (a CSV and its sidecar, pyhh.files) are all written and
flushed before the first rename, then renamed back to back in the order given,
so that nothing is left half-written and the window in which some are new and
the others old is two renames long.

A target that exists and is not a regular file (a folder, a FIFO, a device
such as /dev/full, a socket) is refused, naming it, before anything is
written: renaming onto it would replace the device or pipe itself, or fail
only after the work was done. So is a process's stream behind a link such as
/dev/stdout or /dev/fd/1 (Linux's /proc/PID/fd), even when it leads to a
regular file. Symbolic links to files are followed, as open() follows them.

Reading a file a person names goes through read_regular, which never waits: a
FIFO or a device is refused, naming what it is, before it is read (it is
checked with os.stat, then opened non-blocking and checked again, in case it
became one in between), where reading it would wait for a writer forever or
never end (/dev/zero).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from .reference.errors import InvalidInputError

#: How a text file is written: UTF-8, lines ending in LF on every platform.
TEXT = {"encoding": "utf-8", "newline": "\n"}

#: What fills a file: a function given the open temporary file.
Writer = Callable[[IO[Any]], object]


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, by its st_mode: "a folder", "a FIFO", ..."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def names_a_stream(path: Path) -> bool:
    """Whether `path` leads, through symbolic links, to a process's open file in /proc/PID/fd
    (/dev/stdout, /dev/fd/1): a save would replace whatever that stream writes to."""
    link = os.path.join(os.path.realpath(path.parent), path.name)
    for _ in range(40):  # the kernel's own limit on links followed
        if re.fullmatch(r"/proc/[^/]+/fd", os.path.dirname(link)):
            return True
        if not os.path.islink(link):
            return False
        target = os.path.join(os.path.dirname(link), os.readlink(link))
        link = os.path.join(os.path.realpath(os.path.dirname(target)), os.path.basename(target))
    return False


def check_target(path: str | Path) -> Path:
    """The file a save of `path` replaces (links followed), after refusing, with an
    InvalidInputError naming `path`, a target that exists and is not a regular file, or
    whose folder does not exist."""
    path = Path(path)
    if names_a_stream(path):
        raise InvalidInputError(f"{path}: is a process's open stream (/proc/PID/fd), not a file; "
                                "pyhh writes only regular files")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:  # a new file (or a link to one): open() would create it
        if not os.path.isdir(os.path.dirname(os.path.realpath(path))):
            raise InvalidInputError(f"{path}: the folder {path.parent} does not exist") from None
        return Path(os.path.realpath(path))
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot write: {e.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InvalidInputError(f"{path}: is a folder; give a file name")
    if not stat.S_ISREG(mode):
        raise InvalidInputError(f"{path}: is {file_kind(mode)}, not a regular file; pyhh writes only regular files")
    return Path(os.path.realpath(path))


def not_regular(mode: int) -> OSError:
    """The OSError read_regular raises for a file that is not a regular one: its strerror
    says what it is ("is a FIFO, not a regular file")."""
    what = "is a folder" if stat.S_ISDIR(mode) else f"is {file_kind(mode)}"
    return OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, f"{what}, not a regular file")


def read_regular(path: str | Path) -> bytes:
    """The bytes of the regular file at `path` (links followed). Never blocks: what is not a
    regular file (a folder, a FIFO, a device, a socket) raises an OSError whose strerror says
    what it is, before it is read; so does any failure to open or read it (strerror set)."""
    mode = os.stat(path).st_mode  # not opened at all if it is no regular file: opening a FIFO waits
    if not stat.S_ISREG(mode):
        raise not_regular(mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):  # replaced by a FIFO or a device since os.stat
            raise not_regular(mode)
        return f.read()


def create_temporary(target: Path) -> tuple[int, Path]:
    """A new hidden file beside `target`, open for writing, with the mode open(..., "w") gives."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = target.with_name(f".{target.name[:200]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary  # the umask applies, as for open()
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def fill(fd: int, temporary: Path, target: Path, write: Writer, binary: bool) -> None:
    """Write a temporary file through `write`, flush it to the disk, close it, and give it the
    permissions of the file it will replace, if there is one."""
    try:
        f = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", **TEXT)
    except BaseException:
        os.close(fd)
        raise
    with f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, os.stat(target).st_mode & 0o777)


def sync_folders(targets: Sequence[Path]) -> None:
    """Flush the folders' entries, so that the renames survive a crash (where a folder can be
    opened: not on Windows, which needs no such step)."""
    for folder in dict.fromkeys(target.parent for target in targets):
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        with contextlib.suppress(OSError):
            os.fsync(fd)
        os.close(fd)


def write_files(files: Sequence[tuple[str | Path, Writer]], binary: bool = False) -> None:
    """Save files together: each (path, write) pair's `write` fills a temporary file beside
    `path`; when every one is complete and on the disk, each is renamed onto its path, in the
    order given. A failure names its path (InvalidInputError, "PATH: cannot write: ...") and
    leaves every target as it was, with no temporary file left over."""
    paths = [Path(path) for path, _ in files]
    targets = [check_target(path) for path in paths]  # refusals come before anything is written
    temporaries: list[Path] = []
    renamed = 0
    current = paths[0] if paths else None
    try:
        for path, target, (_, write) in zip(paths, targets, files):
            current = path
            fd, temporary = create_temporary(target)
            temporaries.append(temporary)
            fill(fd, temporary, target, write, binary)
        for path, target, temporary in zip(paths, targets, temporaries):  # back to back, nothing in between
            current = path
            os.replace(temporary, target)
            renamed += 1
    except OSError as e:
        raise InvalidInputError(f"{current}: cannot write: {e.strerror or e}") from None
    finally:
        for temporary in temporaries[renamed:]:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    sync_folders(targets)


def write_file(path: str | Path, write: Writer, binary: bool = False) -> Path:
    """Save one file, filled by `write` (given the open file: text, UTF-8 with LF line endings,
    or binary); returns its path."""
    write_files([(path, write)], binary)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Save `text` as `path` (UTF-8, LF line endings); returns its path."""
    return write_file(path, lambda f: f.write(text))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Save `data` as `path`; returns its path."""
    return write_file(path, lambda f: f.write(data), binary=True)
