"""Text shown to a person on a terminal: control characters made visible.

A file name may hold escape sequences (`\\x1b[2J` clears the screen), other control
characters, bidirectional overrides that reorder what follows, or bytes that are not
UTF-8 (kept by Python as lone surrogates, which cannot be printed at all). `printable`
shows each of them as an escape, so that messages and tables say what is really there.
"""
from __future__ import annotations

import json
import re

# C0 controls but tab and newline, DEL, C1 controls, bidi marks, overrides and isolates, surrogates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every control character as an escape (`\\x1b`, `\\u202e`); a byte that was
    not UTF-8 (a surrogate escape) shows as `\\xNN`. Tabs and newlines stay."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of a byte that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data: object, **options) -> str:
    """`json.dumps(data, ensure_ascii=False)` that can always be written as UTF-8: a lone
    surrogate (a file name's byte that is not UTF-8) is written as its JSON escape."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
