"""The translation memory: an embedded SQLite store of model outputs (`memory.engine` wraps
an engine around it).

A row is keyed by model name, model revision, an options fingerprint (backend, effective beam
width, int8 / compute type as requested: whatever changes the outputs and is known before the
model loads, so `--device auto` on a CPU and on a GPU share rows) and the normalised source segment
(Unicode NFC, whitespace folded). It holds the n-best hypotheses the model gave, the final
translation chosen above the model (the glossary guard tells it, nullable), timestamps and a
hit count. Several passeur processes may share one file: WAL journal, a busy timeout, short
`BEGIN IMMEDIATE` transactions, upserts, and a retry when the file stays locked.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import stat
import threading
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from passeur.errors import ExitCode, PasseurError, UsageError
from passeur.models.store import cache_dir

FILE_NAME = "memory.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 30.0
RETRIES = 5  # after the busy timeout itself: locked for minutes means something is wrong
_CHUNK = 400  # bound parameters per query (SQLite allows 999 on old builds)
# describe() fields that do not change what the model writes, or that change once it loads.
_NOT_OPTIONS = {"model", "revision", "device", "memory", "glossary_guard"}
_MIGRATIONS = {
    1: [
        """CREATE TABLE segments (
               model TEXT NOT NULL, revision TEXT NOT NULL, options TEXT NOT NULL,
               source TEXT NOT NULL, hypotheses TEXT NOT NULL, n_best INTEGER NOT NULL,
               final TEXT, created REAL NOT NULL, used REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0,
               PRIMARY KEY (model, revision, options, source)) WITHOUT ROWID""",
        "CREATE TABLE fingerprints (options TEXT PRIMARY KEY, description TEXT NOT NULL)",
    ],
}


class TranslationMemoryError(PasseurError):
    """The translation memory file cannot be opened or read (exit 2), or written (exit 6)."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.USAGE, *, malformed: bool = False) -> None:
        super().__init__(message)
        self.exit_code, self.malformed = exit_code, malformed  # malformed: SQLite's "disk image is malformed"


def memory_path(explicit: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where the memory lives: `explicit`, else $PASSEUR_TM (either may be a folder), else
    $PASSEUR_CACHE/memory.sqlite3, else the user cache folder. `environ` is looked at first,
    then the process environment."""
    def lookup(key: str) -> str:
        return ((environ or {}).get(key) or os.environ.get(key) or "").strip()

    chosen = str(explicit or "") or lookup("PASSEUR_TM")
    if chosen:  # a folder means the memory file in it
        path = Path(chosen).expanduser()
        return path / FILE_NAME if path.is_dir() else path
    return cache_dir(FILE_NAME, environ)


def choose_memory(tm: str | os.PathLike | None, no_tm: bool, environ: Mapping[str, str] | None = None) -> Path | None:
    """The memory a command uses for `--tm PATH` / `--no-tm`: None when skipped."""
    if tm and no_tm:
        raise UsageError("--tm and --no-tm do not go together: choose one")
    return None if no_tm else memory_path(tm, environ)


def normalise_segment(text: str) -> str:
    """The memory's key for a source segment: Unicode NFC, runs of whitespace folded to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def model_key(name: str) -> str:
    """A model's name as the memory keys it: local folders by absolute path, Hub ids as given."""
    path = Path(name).expanduser()
    return str(path.resolve()) if name and path.is_dir() else name


class TranslationMemory:
    """One SQLite file of segments. Opens (and creates, unless `create=False`) on first use."""

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True) -> None:
        self.path = memory_path(path)
        self.create = create
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._lock = threading.RLock()
        self.damaged = 0  # rows the last `entries()` left out because they could not be read

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- connection ---------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """The open connection (a fresh one after a fork); the schema is created or migrated."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                return self._conn
            self._conn = None
            if self.create:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise TranslationMemoryError(
                        f"{self.path}: cannot create the translation memory ({exc.strerror or exc}): "
                        "pass --tm with a writable path, or --no-tm", ExitCode.CANNOT_WRITE) from None
            elif not self.path.exists():
                raise TranslationMemoryError(f"{self.path}: no translation memory there")
            mode = "rwc" if self.create else "rw"
            try:
                conn = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode={mode}", uri=True,
                                       timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            try:
                self._retry(lambda: _prepare(conn))
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, os.getpid()
            return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _retry(self, work):
        """Run `work`; retry when another process keeps the file locked; map SQLite errors."""
        delay = 0.05
        for attempt in range(RETRIES + 1):
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == RETRIES:
                    raise self._error(exc) from None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def _write(self, work):
        def run():
            with self._lock, self._transaction() as conn:
                return work(conn)
        return self._retry(run)

    def _read(self, work):
        def run():
            with self._lock:
                return work(self.connect())
        return self._retry(run)

    def _error(self, exc: sqlite3.Error) -> TranslationMemoryError:
        message = str(exc)
        if _is_busy(exc):
            text = f"the translation memory stayed locked by another process ({message}); try again, or pass --no-tm"
        elif "full" in message:
            text = (f"no space left on the disk holding the translation memory ({message}): free some space, "
                    "or pass --no-tm")
            return TranslationMemoryError(f"{self.path}: {text}", ExitCode.CANNOT_WRITE)
        elif "readonly" in message or "unable to open" in message or "disk I/O" in message:
            text = f"cannot write the translation memory ({message}): pass --tm with a writable path, or --no-tm"
            return TranslationMemoryError(f"{self.path}: {text}", ExitCode.CANNOT_WRITE)
        elif "malformed" in message:
            text = (f"the translation memory is damaged ({message}): `passeur tm clear --yes` replaces it with an "
                    "empty one; or pass --tm ANOTHER_PATH or --no-tm")
            return TranslationMemoryError(f"{self.path}: {text}", malformed=True)
        else:
            text = f"not a usable translation memory ({message}): delete the file, or pass --tm ANOTHER_PATH"
        return TranslationMemoryError(f"{self.path}: {text}")

    # -- segments -------------------------------------------------------------------------
    def lookup(self, model: str, revision: str, options: str, sources: Sequence[str]) -> dict[str, tuple[list[str], int]]:
        """For each normalised source found: (hypotheses, n_best asked when they were stored)."""
        def work(conn):
            found = {}
            unique = list(dict.fromkeys(sources))
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                rows = conn.execute(
                    f"SELECT source, hypotheses, n_best FROM segments WHERE model = ? AND revision = ? "
                    f"AND options = ? AND source IN ({','.join('?' * len(chunk))})",
                    [model, revision, options, *chunk])
                for source, hypotheses, n_best in rows:
                    decoded = _hypotheses(hypotheses)
                    if decoded and isinstance(n_best, int):  # a damaged row is a miss: the model redoes it
                        found[source] = (decoded, n_best)
            return found
        return self._read(work)

    def record(self, model: str, revision: str, options: str, *, description: dict | None = None,
               stored: Mapping[str, tuple[list[str], int]] | None = None, hits: Sequence[str] = (),
               finals: Mapping[str, str] | None = None) -> None:
        """In one short transaction: store new hypotheses (upsert, keeping final, created and
        hits), count `hits`, and set the final translations of `finals`."""
        if not (stored or hits or finals):
            return
        now = time.time()
        stored, finals = stored or {}, finals or {}

        def work(conn):
            if description is not None:
                conn.execute("INSERT OR IGNORE INTO fingerprints VALUES (?, ?)",
                              (options, json.dumps(description, sort_keys=True)))
            conn.executemany(
                "INSERT INTO segments (model, revision, options, source, hypotheses, n_best, created, used) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model, revision, options, source) DO UPDATE SET "
                "hypotheses = excluded.hypotheses, n_best = excluded.n_best, used = excluded.used",
                [(model, revision, options, source, json.dumps(hyps, ensure_ascii=False), n_best, now, now)
                 for source, (hyps, n_best) in stored.items()])
            conn.executemany(
                "UPDATE segments SET hits = hits + 1, used = ? "
                "WHERE model = ? AND revision = ? AND options = ? AND source = ?",
                [(now, model, revision, options, source) for source in hits])
            conn.executemany(
                "UPDATE segments SET final = ? WHERE model = ? AND revision = ? AND options = ? "
                "AND source = ? AND final IS NOT ?",
                [(final, model, revision, options, source, final) for source, final in finals.items()])
        self._write(work)

    def entries(self, model: str | None = None) -> Iterator[dict]:
        """Every segment (optionally one model's), oldest first, as dicts."""
        def work(conn):
            where, args = ("WHERE s.model = ?", [model_key(model)]) if model else ("", [])
            return conn.execute(
                "SELECT s.model, s.revision, s.options, f.description, s.source, s.hypotheses, s.final, "
                "s.created, s.used, s.hits FROM segments s LEFT JOIN fingerprints f ON f.options = s.options "
                f"{where} ORDER BY s.created, s.source", args).fetchall()
        keys = ("model", "revision", "options", "description", "source", "hypotheses", "final", "created", "used", "hits")
        self.damaged = 0
        for row in self._read(work):
            item = dict(zip(keys, row))
            item["hypotheses"] = _hypotheses(item["hypotheses"])
            description = _json(item["description"] or "{}")
            item["description"] = description if isinstance(description, dict) else {}
            if not item["hypotheses"] or not isinstance(item["source"], str) or not isinstance(item["final"], (str, type(None))):
                self.damaged += 1  # written by something else, or damaged: left out
                continue
            yield item

    def summarize(self) -> dict:
        """Entries, hits and final translations, per model and in all, and the size on disk."""
        def work(conn):
            return conn.execute(
                "SELECT model, revision, COUNT(*), COALESCE(SUM(hits), 0), COUNT(final), COUNT(DISTINCT options) "
                "FROM segments GROUP BY model, revision ORDER BY model, revision").fetchall()
        models = [{"model": m, "revision": r, "entries": n, "hits": h, "finals": f, "option_sets": o}
                  for m, r, n, h, f, o in self._read(work)]
        return {"path": str(self.path), "schema_version": self._read(_schema_version),
                "entries": sum(m["entries"] for m in models), "hits": sum(m["hits"] for m in models),
                "finals": sum(m["finals"] for m in models), "size_bytes": self.size_on_disk(), "models": models}

    def clear(self, model: str | None = None) -> int:
        """Delete every segment (or one model's); return how many went."""
        def work(conn):
            if model:
                return conn.execute("DELETE FROM segments WHERE model = ?", (model_key(model),)).rowcount
            conn.execute("DELETE FROM fingerprints")
            return conn.execute("DELETE FROM segments").rowcount
        try:
            removed = self._write(work)
        except TranslationMemoryError as error:
            if model or not (error.malformed or self._damaged()):
                raise
            return self.replace_damaged()
        try:  # give the space back; another process reading may make this fail: harmless
            with self._lock:
                self.connect().execute("VACUUM")
                self.connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            if not _is_busy(exc) and not model and self._damaged():
                return max(removed, self.replace_damaged())
        return removed

    def _damaged(self) -> bool:
        """True when SQLite finds the file malformed (not merely locked)."""
        try:
            return self._read(lambda conn: conn.execute("PRAGMA quick_check").fetchone()[0]) != "ok"
        except TranslationMemoryError as error:
            return error.malformed

    def replace_damaged(self) -> int:
        """Clearing a damaged memory: the file (and its WAL) is replaced by a new, empty one.
        Returns -1: how many segments it held is not knowable."""
        self.close()
        mode = stat.S_IMODE(os.stat(self.path).st_mode) if self.path.exists() else None
        for path in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        self.create = True
        self.connect()
        if mode is not None:
            os.chmod(self.path, mode)
        return -1

    def integrity(self) -> str:
        """SQLite's integrity check: 'ok' when the file is sound."""
        return self._read(lambda conn: conn.execute("PRAGMA integrity_check").fetchone()[0])

    def size_on_disk(self) -> int:
        """Bytes used by the database file and its WAL and shared-memory files."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
                   if p.exists())


def _prepare(conn: sqlite3.Connection) -> None:
    """Set the connection up (WAL, busy timeout) and bring the schema to SCHEMA_VERSION."""
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "schema_version" not in tables:
        raise sqlite3.DatabaseError("it is an SQLite file of another program")
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    if tables and _schema_version(conn) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied REAL NOT NULL)")
        current = _schema_version(conn)  # read again under the lock: another process may have migrated
        if current > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema version {current} is newer than this passeur knows; upgrade passeur")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, time.time()))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, (str, bytes)) else None
    except ValueError:
        return None


def _hypotheses(text: object) -> list[str] | None:
    """A row's hypotheses: a non-empty list of strings, else None (a damaged row)."""
    value = _json(text)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return value
    return None


def _schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def _is_busy(exc: sqlite3.Error) -> bool:
    return bool(re.search(r"locked|busy", str(exc)))


def fingerprint_options(description: dict, n_best: int) -> tuple[str, dict]:
    """The options part of the key, from an engine's describe(), for a request of `n_best`.

    Beam search with `n_best` hypotheses runs max(beam_size, n_best) beams, and the top
    hypotheses depend only on that width, so rows are keyed by it: n_best 1 and 4 under
    beam 4 share rows (a row holding fewer hypotheses than asked counts as a miss).
    """
    options = {k: v for k, v in description.items() if k not in _NOT_OPTIONS}
    if "beam_size" in options:
        options["beams"] = max(int(options.pop("beam_size") or 1), n_best)
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return digest, options


