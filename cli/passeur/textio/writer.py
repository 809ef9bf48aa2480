"""Writing outputs: atomically for files, directly for devices and pipes, never replacing a link.

A regular file (new or existing) is written to a temporary file beside it and renamed over
it, so readers see the old file or the whole new one; an interrupted run (Ctrl-C, a crash, a
full disk) never leaves half a file or a temporary one. A symbolic link is followed: its
target is what gets replaced (as editors do), the link stays. A character device
(`/dev/stdout`, a terminal), a FIFO or a Unix socket is written to directly. An existing
file keeps its permission bits; a new one gets the usual `0666 & ~umask`.
Every failure is an OutputError naming the path and the reason (exit 6).
"""
from __future__ import annotations

import errno
import glob
import os
import secrets
import socket
import stat
from pathlib import Path

from passeur.errors import OutputError


def write_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` (see the module's docstring); OutputError when it cannot be."""
    name = os.fspath(path)
    data = text.encode(encoding)
    try:
        mode = _existing_mode(name)
        if mode is not None and (not stat.S_ISREG(mode) or _through_proc(name)):
            _write_special(name, mode, data)
            return
        target = Path(os.path.realpath(name))  # a link is followed: its target is replaced
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, data, None if mode is None else stat.S_IMODE(mode))
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(name, describe_os_error(exc), errno=exc.errno) from None


def describe_os_error(exc: OSError) -> str:
    """A short reason for an OSError, as a person reads it."""
    reasons = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EROFS: "read-only file system", errno.EISDIR: "is a directory",
               errno.ENOTDIR: "a part of the path is not a folder", errno.ELOOP: "symbolic link loop",
               errno.ENAMETOOLONG: "file name too long", errno.ENOENT: "no such folder"}
    return reasons.get(exc.errno) or (exc.strerror or str(exc)).lower()


def _existing_mode(name: str) -> int | None:
    """The mode of what `name` leads to (links followed); None when nothing is there yet."""
    try:
        return os.stat(name).st_mode
    except FileNotFoundError:
        return None


def _through_proc(name: str) -> bool:
    """True when `name` reaches its file through /dev/fd or /proc (`/dev/stdout`): a file the
    shell opened for us, written in place rather than replaced."""
    path = os.path.abspath(name)
    for _ in range(40):
        if path.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(path):
            return False
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    return False


def _write_special(name: str, mode: int, data: bytes) -> None:
    """A device, a pipe, a socket or a file reached through /dev/fd: written in place."""
    if stat.S_ISDIR(mode):
        raise OutputError(name, "is a directory", "give a file name")
    if stat.S_ISSOCK(mode):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(name)
            sock.sendall(data)
        return
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISREG(mode)):
        raise OutputError(name, "is a block device or another special file; passeur does not write to it")
    with open(name, "wb") as handle:
        handle.write(data)


def _replace(target: Path, data: bytes, keep_mode: int | None) -> None:
    tmp, fd = _temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            if keep_mode is not None:
                os.fchmod(handle.fileno(), keep_mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def remove_temporaries(target: Path) -> None:
    """Delete the temporary files that interrupted atomic writes of `target` left behind
    (a process killed between creating and renaming one)."""
    for stray in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        stray.unlink(missing_ok=True)


def _temporary(target: Path) -> tuple[Path, int]:
    """A new hidden file beside `target` (`remove_temporaries` knows its name), created with
    0666 so that the umask applies."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "cannot create a temporary file beside it")


def check_writable(path: str | os.PathLike, *, folder: bool = False) -> None:
    """Fail early (OutputError) when `path` surely cannot be written: before any model loads.

    `path` is an output file (`folder=False`: it must not be a folder) or an output folder
    (`folder=True`). The folder it goes in, or the nearest one that exists (the rest is
    created when writing), must take a new file: that is tried, nothing is left behind.
    """
    name = os.fspath(path)
    try:
        mode = _existing_mode(name)
        if folder and mode is not None and not stat.S_ISDIR(mode):
            raise OutputError(name, "exists and is not a folder")
        if not folder and mode is not None:
            if stat.S_ISDIR(mode):
                raise OutputError(name, "is a directory", "give a file name")
            if not stat.S_ISREG(mode) or _through_proc(name):
                return  # a device or a pipe: written in place
        real = Path(os.path.realpath(name))
        place = real if folder else real.parent
        existing = next(p for p in (place, *place.parents) if os.path.lexists(p))
        if not existing.is_dir():
            raise OutputError(name, f"{existing} is not a folder")
        _probe(existing)
    except OSError as exc:
        raise OutputError(name, describe_os_error(exc), errno=exc.errno) from None


def _probe(folder: Path) -> None:
    """Create and remove a temporary file in `folder` (root ignores permission bits, not a
    read-only file system: only trying tells)."""
    tmp, fd = _temporary(folder / "passeur-probe")
    os.close(fd)
    os.unlink(tmp)
