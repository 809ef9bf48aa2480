"""Whole folders: plan the files, run one job per file, resume, report.

`plan_batch` finds the inputs under IN_DIR and the output each gets under OUT_DIR (the tree
mirrored, `a/b.fr.txt` -> `a/b.en.txt`). `run_batch` runs a `Job` on each (a translation now,
a briefing note later), writes every output atomically, keeps going past bad files, and
records each finished file in a manifest in OUT_DIR so that an interrupted run resumes:
a file is skipped when its output exists and the manifest holds the same input hash, the
same options fingerprint and the output's hash. Nothing is ever written inside IN_DIR.

Concurrency (`jobs` > 1): worker threads each handle one file (read, decode, glossary,
verification, write) while the one model, shared, runs one forward pass at a time (see
`SharedModel`): the model is loaded once, and its forward pass already uses every core.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator, Sequence

from passeur.batch.files import file_problem, glob_regex, read_inside, walk
from passeur.errors import InputError, OutputError, PasseurError, UnsupportedLanguageError, UsageError
from passeur.textio.display import json_text
from passeur.textio.reader import SourceText, decode_bytes
from passeur.textio.writer import write_atomic

DEFAULT_PATTERNS = ("**/*.txt", "**/*.md")
MANIFEST_NAME = ".passeur-batch.json"
MANIFEST_VERSION = 1
_LANGUAGE_TAGS = ("fr", "en")

OnProgress = Callable[[int, int], None]


@dataclass
class JobOutput:
    """What a job made of one file: the output text, and what the report says about it."""

    text: str
    stats: dict = field(default_factory=dict)  # segments, source_tokens, generated_tokens, seconds
    note: str = ""  # e.g. "already English: copied unchanged"
    problem: str = ""  # set: the output is written, but the file counts as failed (--strict)


# A job turns one decoded file into its output; it must be safe to call from several threads.
Job = Callable[[SourceText, "OnProgress | None"], "JobOutput | str"]


@dataclass
class PlannedFile:
    name: str  # path relative to IN_DIR, with forward slashes
    source: Path
    output: Path
    problem: tuple[str, str] | None = None  # (status, reason) decided while planning


@dataclass
class FileReport:
    file: str
    output: str | None
    status: str  # ok | skipped | failed
    segments: int = 0
    seconds: float = 0.0
    reason: str = ""
    stats: dict = field(default_factory=dict, repr=False)


@dataclass
class BatchReport:
    in_dir: str
    out_dir: str
    what: str
    files: list[FileReport]
    seconds: float = 0.0  # wall time of the run

    @property
    def failed(self) -> list[FileReport]:
        return [item for item in self.files if item.status == "failed"]

    def totals(self) -> dict:
        counts = {status: sum(1 for f in self.files if f.status == status) for status in ("ok", "skipped", "failed")}
        return {**counts, "files": len(self.files), "segments": sum(f.segments for f in self.files),
                "seconds": round(self.seconds, 3)}

    def to_json(self) -> dict:
        files = [{k: v for k, v in asdict(f).items() if k != "stats"} for f in self.files]
        return {"in_dir": self.in_dir, "out_dir": self.out_dir, "what": self.what, "files": files,
                "totals": self.totals()}


# -- planning ---------------------------------------------------------------------------------
def check_dirs(in_dir: str | os.PathLike, out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """The two folders, resolved; refuse a missing IN_DIR and folders that overlap."""
    source, target = Path(in_dir), Path(out_dir)
    if not source.is_dir():
        raise InputError(str(in_dir), "no such folder" if not source.exists() else "is not a folder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"OUT_DIR {out_dir} exists and is not a folder")
    real_in, real_out = source.resolve(), target.resolve()
    if real_out == real_in or real_in in real_out.parents:
        raise UsageError(f"OUT_DIR {out_dir} is IN_DIR {in_dir} or inside it: passeur never writes inside "
                         "IN_DIR; choose an output folder outside it")
    if real_out in real_in.parents:
        raise UsageError(f"IN_DIR {in_dir} is inside OUT_DIR {out_dir}: choose folders that do not overlap")
    return real_in, real_out


def output_name(name: str, what: str = "translate") -> str:
    """`a/b.fr.txt` -> `a/b.en.txt`; `x.md` -> `x.en.md`; with what="brief", `a/b.brief.md`."""
    path = PurePosixPath(name)
    stem, dot, ext = path.name.rpartition(".")
    if not dot or not stem:
        stem, ext = path.name, ""
    if ext.lower() in _LANGUAGE_TAGS:
        ext = ""
    for tag in _LANGUAGE_TAGS:
        if stem.lower().endswith("." + tag):
            stem = stem[: -len(tag) - 1]
            break
    new = f"{stem}.brief.md" if what == "brief" else f"{stem}.en.{ext}" if ext else f"{stem}.en"
    return str(path.with_name(new))


def plan_batch(in_dir: Path, out_dir: Path, patterns: Sequence[str] = DEFAULT_PATTERNS,
               what: str = "translate") -> list[PlannedFile]:
    """Every input under `in_dir` matching a pattern, sorted, with its output path.

    Hidden files and folders are not scanned; symbolic links to folders are not followed; a
    link to a file is followed only when its target is inside `in_dir`. Two inputs that
    would share an output: the first keeps it, the others fail.
    """
    matchers = [glob_regex(pattern) for pattern in patterns]
    planned: list[PlannedFile] = []
    owners: dict[str, str] = {}
    for name in walk(in_dir):
        if not any(matcher.fullmatch(name) for matcher in matchers):
            continue
        source = in_dir / name
        out = output_name(name, what)
        item = PlannedFile(name, source, out_dir / out)
        item.problem = file_problem(source, in_dir)
        if item.problem is None and out in owners:
            item.problem = ("failed", f"its output {out} is already the output of {owners[out]}: rename one of them")
        elif item.problem is None:
            owners[out] = name
        planned.append(item)
    return planned


# -- the manifest (resume) --------------------------------------------------------------------
def fingerprint(options: dict) -> str:
    """A short hash of the options that change the outputs (model, glossary, beam...)."""
    canonical = json.dumps(options, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def file_digest(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_manifest(out_dir: Path) -> dict[str, dict]:
    """The entries of finished files; an unreadable or foreign manifest counts as empty."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    entries = data.get("files")
    if not isinstance(entries, dict):
        return {}
    return {name: entry for name, entry in entries.items() if _well_formed(entry)}


def _well_formed(entry: object) -> bool:
    """A manifest entry as `_process` writes it; anything else counts as missing (redo the file)."""
    return isinstance(entry, dict) and all(isinstance(entry.get(key), str)
                                           for key in ("sha256", "fingerprint", "output", "output_sha256"))


def save_manifest(out_dir: Path, entries: dict[str, dict]) -> None:
    """Write the manifest; names that are not UTF-8 (kept as surrogate escapes) are written as
    JSON escapes, which read back to the same names."""
    data = {"version": MANIFEST_VERSION, "files": dict(sorted(entries.items()))}
    with shielded():
        write_atomic(out_dir / MANIFEST_NAME, json_text(data, indent=1) + "\n")


def _up_to_date(entry: dict | None, digest: str, options: str, output: Path) -> bool:
    if not entry or entry.get("sha256") != digest or entry.get("fingerprint") != options:
        return False
    try:
        return entry.get("output_sha256") == file_digest(output)
    except OSError:
        return False


# -- running ----------------------------------------------------------------------------------
class Stopped(Exception):
    """Raised inside a worker once the run is being interrupted (see `run_batch`'s `stop`)."""


def run_batch(plan: list[PlannedFile], in_dir: Path, out_dir: Path, job: Job, *, options: str, what: str = "translate",
              jobs: int = 1, force: bool = False, progress=None, stop: threading.Event | None = None,
              executor=None) -> BatchReport:
    """Run `job` on every planned file; return the report (failures are in it, not raised).

    `options` is the options fingerprint stored in the manifest. A PasseurError that is not
    about one file (the model cannot load, a bad glossary) stops the run and is raised; so
    is KeyboardInterrupt, after the files already finished are recorded. `stop` is set as
    soon as the run is interrupted: hand the same event to whatever the job waits on (the
    shared model) so that workers stop at their next model call, not at the end of a file.
    `executor(todo, known)` runs the files elsewhere instead (batch.ray_executor), yielding
    (file, outcome) as each ends.
    """
    started = time.perf_counter()
    entries = load_manifest(out_dir)
    known = {} if force else dict(entries)
    reports: dict[str, FileReport] = {}
    stop = stop if stop is not None else threading.Event()
    todo = []
    for item in plan:
        if item.problem:
            status, reason = item.problem
            reports[item.name] = FileReport(item.name, None, status, reason=reason)
        else:
            todo.append(item)
    if progress:
        progress.start(len(todo))

    def finish(item: PlannedFile, outcome: tuple[FileReport, dict | None]) -> None:
        report, entry = outcome
        with shielded():  # the report and the manifest are updated together, never half
            reports[item.name] = report
            if entry is not None and entries.get(item.name) != entry:
                entries[item.name] = entry
                save_manifest(out_dir, entries)
            elif entry is None and entries.pop(item.name, None) is not None:
                save_manifest(out_dir, entries)  # no longer done (edited into a bad file...)
        if progress:
            progress.file_done(report)

    def work(item: PlannedFile):
        if stop.is_set():
            raise Stopped()
        return process_file(item, in_dir, out_dir, job, options, known.get(item.name), stop, progress)

    if executor is not None or jobs <= 1:  # here one by one, or elsewhere (batch.ray_executor) as files finish
        for item, outcome in executor(todo, known) if executor else ((item, work(item)) for item in todo):
            finish(item, outcome)
    else:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="passeur-batch") as pool:
            futures = {pool.submit(work, item): item for item in todo}
            pending = set(futures)
            try:
                while pending:  # a short timeout: the main thread handles Ctrl-C/SIGTERM at once
                    done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    for future in done:
                        finish(futures[future], future.result())
            except BaseException as error:
                stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
                if isinstance(error, OutputError):
                    raise  # the manifest cannot be written: recording more would fail the same way
                for future, item in futures.items():
                    if future.done() and not future.cancelled() and future.exception() is None:
                        if item.name not in reports:
                            finish(item, future.result())
                raise
    order = {item.name: index for index, item in enumerate(plan)}
    files = sorted(reports.values(), key=lambda report: order[report.file])
    return BatchReport(str(in_dir), str(out_dir), what, files, time.perf_counter() - started)


def process_file(item: PlannedFile, in_dir: Path, out_dir: Path, job: Job, options: str, entry: dict | None,
             stop: threading.Event, progress) -> tuple[FileReport, dict | None]:
    """One file, start to end: read, skip if done, run the job, write. Per-file problems
    become a failed report; errors about the whole run propagate."""
    started = time.perf_counter()
    output = item.output
    shown = str(output.relative_to(out_dir))

    def report(status: str, reason: str = "", stats: dict | None = None, written: bool = False) -> FileReport:
        stats = stats or {}
        return FileReport(item.name, shown if written else None, status, int(stats.get("segments", 0)),
                          round(time.perf_counter() - started, 3), reason, stats)

    try:
        data = read_inside(item.source, in_dir)
    except InputError as error:
        return report("failed", error.reason), None
    digest = hashlib.sha256(data).hexdigest()
    if _up_to_date(entry, digest, options, output):
        return report("skipped", "up to date (done in an earlier run)", written=True), entry
    if in_dir == output.resolve() or in_dir in output.resolve().parents:
        return report("failed", "its output would be inside IN_DIR (through a symbolic link)"), None
    try:
        source = decode_bytes(data, item.name)
    except InputError as error:
        return report("failed", error.reason), None
    if not source.text.strip():
        return report("skipped", "empty"), None
    if progress:
        progress.file_started(item.name)

    def on_progress(done: int, total: int) -> None:
        if stop.is_set():
            raise Stopped()
        if progress:
            progress.segments(item.name, done, total)

    try:
        made = job(source, on_progress)
    except (InputError, UnsupportedLanguageError) as error:
        return report("failed", getattr(error, "reason", None) or str(error)), None
    except (PasseurError, Stopped):
        raise
    except Exception as error:  # a fault in one file must not cost the others
        return report("failed", f"internal error: {type(error).__name__}: {error}"), None
    made = made if isinstance(made, JobOutput) else JobOutput(str(made))
    if stop.is_set():
        raise Stopped()

    try:
        with shielded():
            write_atomic(output, made.text)
    except OutputError as error:
        if error.disk_wide:
            raise  # a full disk or a read-only file system: stop now rather than fail every file
        return report("failed", f"cannot write {shown}: {error.reason}", made.stats), None
    if made.problem:
        return report("failed", made.problem, made.stats, written=True), None
    entry = {"sha256": digest, "fingerprint": options, "output": shown,
             "output_sha256": hashlib.sha256(made.text.encode("utf-8")).hexdigest()}
    return report("ok", made.note, made.stats, written=True), entry


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt in the main thread (clean stop)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt()

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def shielded() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait for the block to end, then take effect: a write is never cut
    between creating its temporary file and renaming it (no stray `.part` file)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only ever handled in the main thread
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in caught[:1]:
            signal.raise_signal(signum)  # now handled as it would have been
