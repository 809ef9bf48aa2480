"""Reading inputs: files or stdin, as text, whatever their encoding, or a clear error.

charset-normalizer does the encoding detection (restricted to encodings French and
English text really comes in, which makes it reliable on short texts); UTF-8 with or
without a BOM is tried first since it is by far the most common.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from passeur.errors import InputError

STDIN_NAME = "<stdin>"
# Encodings a French or English text plausibly comes in when it is not UTF-8.
_CANDIDATE_ENCODINGS = ["utf_16", "utf_32", "cp1252", "latin_1", "iso8859_15", "mac_roman"]
_BINARY_SIGNATURES = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"\xd0\xcf\x11\xe0")
_WIDE_BOMS = {b"\xff\xfe\x00\x00": "utf-32", b"\x00\x00\xfe\xff": "utf-32", b"\xff\xfe": "utf-16",
              b"\xfe\xff": "utf-16"}
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
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            raise InputError(name, "is a directory, not a text file", "use `passeur batch` for folders")
        data = path.read_bytes()  # a FIFO (`<(...)`, a named pipe) is read as a stream
    except OSError as exc:
        raise InputError(name, *_unreadable(exc)) from None
    return decode_bytes(data, name)


def _unreadable(exc: OSError) -> tuple[str, str]:
    """(reason, fix) for an input that cannot be opened or read."""
    if exc.errno == errno.ENOENT:
        return "no such file", "check the path"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself)", "point the link at a file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied", "check the file's permissions"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder", "check the path"
    if exc.errno == errno.EISDIR:
        return "is a directory, not a text file", "use `passeur batch` for folders"
    return f"cannot be read: {exc.strerror or exc}", ""


def decode_bytes(data: bytes, name: str) -> SourceText:
    """Decode bytes as text: UTF-16/32 (told by a BOM or by where zero bytes fall), UTF-8
    (BOM or not), else the likeliest Western encoding."""
    wide = _WIDE_BOMS.get(data[:4]) or _WIDE_BOMS.get(data[:2]) or _wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            pass
        else:
            if not looks_binary(text.encode("utf-8")):
                return SourceText(name, normalise_newlines(text), wide)
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


def check_unicode(text: str, name: str = "<text>") -> str:
    """`text` itself, or InputError when it holds a lone surrogate (JSON's `\\ud800`, text
    built from bad bytes): no model, tokenizer or output can carry it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(name, f"holds a lone surrogate (U+{ord(text[error.start]):04X}) at character "
                               f"{error.start}: not valid Unicode text") from None
    return text


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte order mark, told by where its zero bytes fall (French and
    English text is mostly Latin letters: one byte of each 2- or 4-byte unit is zero); None
    for anything else."""
    head = data[:8192]
    if len(head) < 4 or b"\x00" not in head or head.startswith(_BOMS):
        return None
    for width in (4, 2):
        count = len(head) // width
        if len(data) % width or count < 2:
            continue
        units = [head[i:i + width] for i in range(0, count * width, width)]
        for order in ("le", "be"):
            low = [unit[0] if order == "le" else unit[-1] for unit in units]
            high = [unit[1:] if order == "le" else unit[:-1] for unit in units]
            if sum(not any(h) for h in high) >= 0.7 * count and sum(b == 0 for b in low) <= 0.05 * count:
                return f"utf-{width * 8}-{order}"
    return None


def normalise_newlines(text: str) -> str:
    """CRLF and CR become LF; a BOM left inside is dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def same_file(a: str, b: str) -> bool:
    """True when two paths name the same existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
