"""Reading inputs: files or stdin, as text, whatever their encoding, or a clear error.

charset-normalizer does the encoding detection (restricted to encodings French and
English text really comes in, which makes it reliable on short texts); UTF-8 with or
without a BOM is tried first since it is by far the most common.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from passeur.errors import InputError

STDIN_NAME = "<stdin>"
# Encodings a French or English text plausibly comes in when it is not UTF-8.
_CANDIDATE_ENCODINGS = ["utf_16", "utf_32", "cp1252", "latin_1", "iso8859_15", "mac_roman"]
_BINARY_SIGNATURES = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"\xd0\xcf\x11\xe0")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class SourceText:
    """A decoded input: where it came from, its text (newlines normalised) and encoding."""

    name: str
    text: str
    encoding: str


def read_input(name: str, stdin: BinaryIO | None = None) -> SourceText:
    """Read a file, or stdin for "-", and decode it; raise InputError when that is impossible."""
    if name == "-":
        if stdin is None:
            raise InputError(STDIN_NAME, "no standard input to read")
        return decode_bytes(stdin.read(), STDIN_NAME)
    path = Path(name)
    if not path.exists():
        raise InputError(name, "no such file", "check the path")
    if path.is_dir():
        raise InputError(name, "is a directory, not a text file", "use `passeur batch` for folders")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputError(name, "permission denied", "check the file's permissions") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
    return decode_bytes(data, name)


def decode_bytes(data: bytes, name: str) -> SourceText:
    """Decode bytes as text: UTF-8 (BOM or not), else the likeliest Western encoding."""
    if looks_binary(data):
        raise InputError(name, "looks like a binary file, not text", "give passeur a plain-text or Markdown file")
    for encoding in ("utf-8-sig",):
        try:
            return SourceText(name, normalise_newlines(data.decode(encoding)), "utf-8")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is None:
        raise InputError(
            name, "cannot be decoded as text in any common encoding", "convert it to UTF-8, e.g. with iconv"
        )
    return SourceText(name, normalise_newlines(str(best)), best.encoding)


def looks_binary(data: bytes) -> bool:
    """True for data that is clearly not text: a known binary signature or NUL bytes."""
    head = data[:8192]
    if head.startswith(_BINARY_SIGNATURES):
        return True
    if head.startswith(_BOMS) or head.startswith(b"\x00\x00\xfe\xff"):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def normalise_newlines(text: str) -> str:
    """CRLF and CR become LF; a BOM left inside is dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def same_file(a: str, b: str) -> bool:
    """True when two paths name the same existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
