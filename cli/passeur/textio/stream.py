"""JSON Lines streaming: one request per input line, one result per output line, at once.

A line is either a JSON object (`{"text": ..., "id": ...}`; other fields are echoed back)
or plain text. Each result is written and flushed as soon as it is ready, so
`tail -f feed | passeur translate --format jsonl` works. A bad line gives an error
object on its own line and the stream goes on.
"""
from __future__ import annotations

import json
from typing import BinaryIO, Callable, Iterator, TextIO

from passeur.errors import ExitCode, InputError, PasseurError
from passeur.textio.reader import check_unicode


def read_requests(stream: BinaryIO) -> Iterator[dict]:
    """Parse each line of `stream` into a request dict (or one carrying an "error")."""
    for number, raw in enumerate(iter(stream.readline, b""), start=1):
        try:
            line = raw.decode("utf-8-sig").rstrip("\r\n")
        except UnicodeDecodeError:
            yield {"line": number, "error": f"line {number} is not valid UTF-8"}
            continue
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                request = json.loads(line)
            except json.JSONDecodeError as exc:
                yield {"line": number, "error": f"line {number} is not valid JSON: {exc.msg}"}
                continue
            if not isinstance(request, dict) or not isinstance(request.get("text"), str):
                yield {"line": number, "error": f'line {number}: a JSON request needs a "text" string'}
                continue
            try:
                check_unicode(json.dumps(request, ensure_ascii=False), f"line {number}")
            except InputError as error:
                yield {"line": number, "error": str(error)}
                continue
            yield {"line": number, **request}
        else:
            yield {"line": number, "text": line}


def stream_translations(requests: Iterator[dict], translate: Callable[[str], object], out: TextIO) -> int:
    """Translate each request and write its result line; return how many lines failed."""
    failures = 0
    for request in requests:
        if "error" in request:
            failures += 1
            _emit(out, request)
            continue
        try:
            result = translate(request["text"])
        except PasseurError as exc:
            if exc.exit_code == ExitCode.MODEL_UNAVAILABLE:  # no model: no point reading on
                raise
            failures += 1
            _emit(out, {**request, "error": str(exc)})
            continue
        payload = {key: value for key, value in request.items() if key != "text"}
        payload.update(source=request["text"], source_language=result.source_language,
                       translation=result.translation, fidelity=result.fidelity)
        _emit(out, payload)
    return failures


# Characters JSON leaves raw but some line readers (Python's splitlines, JavaScript) take for
# line ends: escaped, so that one result is always exactly one line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _emit(out: TextIO, payload: dict) -> None:
    out.write(json.dumps(payload, ensure_ascii=False).translate(_LINE_BREAKS) + "\n")
    out.flush()
