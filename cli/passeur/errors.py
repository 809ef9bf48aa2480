"""One exception family; each error carries the exit code the CLI returns for it."""
from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of the `passeur` command (DESIGN.md, CLI contract)."""

    OK = 0
    CHECK_FAILED = 1  # `check` found problems
    USAGE = 2  # usage or input error
    UNRESOLVED = 3  # --strict and a name or figure could not be guaranteed
    BATCH_PARTIAL = 4  # batch finished but some files failed
    MODEL_UNAVAILABLE = 5  # the model is not on disk and cannot be fetched
    CANNOT_WRITE = 6  # an output, the batch manifest or the translation memory cannot be written


class PasseurError(Exception):
    """Base of every error passeur raises on purpose; `str()` is the one-line message."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(PasseurError):
    """Options that do not fit together, or a value out of range."""


class InputError(PasseurError):
    """An input that cannot be read as text: missing, a directory, binary, undecodable."""

    def __init__(self, path: str, reason: str, fix: str = "") -> None:
        self.path, self.reason, self.fix = path, reason, fix
        message = f"{path}: {reason}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class OutputError(PasseurError):
    """A file passeur must write cannot be written: a folder, no permission, a full disk."""

    exit_code = ExitCode.CANNOT_WRITE

    def __init__(self, path: str, reason: str, fix: str = "", errno: int | None = None) -> None:
        self.path, self.reason, self.fix, self.errno = path, reason, fix, errno
        super().__init__(f"{path}: cannot write: {reason}" + (f" ({fix})" if fix else ""))

    @property
    def disk_wide(self) -> bool:
        """A full disk, a quota or a read-only file system: every other write will fail too."""
        import errno

        return self.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


class DataFileError(PasseurError):
    """A user data file (glossary, prompt template) that is malformed; names file and line."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class UnsupportedLanguageError(PasseurError):
    """The input is in a language the chosen model does not translate."""


class ModelUnavailableError(PasseurError):
    """The model is neither on disk nor reachable."""

    exit_code = ExitCode.MODEL_UNAVAILABLE


class UnresolvedError(PasseurError):
    """--strict: some names or figures could not be guaranteed (the output was still written)."""

    exit_code = ExitCode.UNRESOLVED


class BatchPartialError(PasseurError):
    """A batch finished but some files failed."""

    exit_code = ExitCode.BATCH_PARTIAL
