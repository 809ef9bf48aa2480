"""The files a batch reads: the names under IN_DIR, which of them a --glob picks, which are
regular files, and reading each one safely.

Planning (`walk`, `glob_regex`, `file_problem`) happens before the run; `read_inside` checks
again, on the opened file itself, at the moment a file is read: a file swapped meanwhile for
a link to somewhere else, a FIFO or a device is refused, and nothing blocks.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import Iterator

from passeur.errors import InputError, UsageError


def walk(root: Path) -> Iterator[str]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        relative = PurePosixPath(Path(folder).relative_to(root).as_posix())
        for name in sorted(files):
            if not name.startswith("."):
                yield str(relative / name) if str(relative) != "." else name


def glob_regex(pattern: str) -> re.Pattern:
    """A --glob pattern as a regular expression over paths relative to IN_DIR.

    `*`, `?`, `[...]` (`[!...]` negates) match within a name, `**/` any number of folders. As in
    .gitignore, `fd -g` or rsync, a pattern without `/` matches file names at any depth
    (`*.fr.txt` is `**/*.fr.txt`); a leading `/` anchors it to IN_DIR. A pattern that cannot
    be read is a UsageError naming it.
    """
    original = pattern
    pattern = pattern[2:] if pattern.startswith("./") else pattern
    anywhere = "/" not in pattern
    pattern = pattern.lstrip("/")
    if not pattern:
        raise UsageError(f"--glob {original!r}: an empty pattern matches nothing")
    try:
        return re.compile(("(?:.*/)?" if anywhere else "") + _glob_body(pattern))
    except re.error as exc:
        raise UsageError(f"--glob {original!r}: not a valid pattern ({exc.msg})") from None


def _glob_body(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            negate = body.startswith("!")
            # as fnmatch does: what a regex class would read as syntax ([[, &&, ~~, ||, ^) is literal
            body = re.sub(r"([\\\[&~|^]|-(?=-))", r"\\\1", body[1:] if negate else body)
            out.append("[" + ("^" if negate else "") + body + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def file_problem(source: Path, in_dir: Path) -> tuple[str, str] | None:
    """Why a listed name is not a file to translate: a special file, a link leaving IN_DIR..."""
    try:
        info = os.lstat(source)
        if stat.S_ISLNK(info.st_mode):
            target = Path(os.path.realpath(source))
            if in_dir not in target.parents:
                return ("skipped", "symbolic link to a file outside IN_DIR")
            info = os.stat(source)
    except FileNotFoundError:
        return ("failed", "broken symbolic link")
    except OSError as exc:
        return ("failed", "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot be read: {exc.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return ("skipped", f"{_kind(info.st_mode)}, not a regular file")
    return None


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))
    return next((text for test, text in kinds if test(mode)), "a special file")


def read_inside(source: Path, in_dir: Path) -> bytes:
    """The bytes of `source`, checked on the opened file itself: a regular file inside IN_DIR.

    The planner's checks are made before the run; a file swapped meanwhile for a link to
    something outside the tree, a FIFO or a device is refused here, without blocking: the
    final name is opened without following a link (unless it was planned as one, inside
    IN_DIR), and what was opened must be the file its real path inside IN_DIR names.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if not os.path.islink(source):
            flags |= getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(source, flags)
    except OSError as exc:
        raise InputError(str(source), _open_reason(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(source), f"{_kind(info.st_mode)}, not a regular file")
        real = Path(os.path.realpath(source))
        try:
            same = in_dir in real.parents and os.path.samestat(info, os.stat(real))
        except OSError:
            same = False
        if not same:
            raise InputError(str(source), "changed during the run into a link to a file outside IN_DIR")
        try:
            return handle.read()
        except OSError as exc:
            raise InputError(str(source), f"cannot be read: {exc.strerror or exc}") from None


def _open_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "changed during the run into a symbolic link"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "removed during the run"
    return f"cannot be read: {exc.strerror or exc}"
