"""`passeur batch --executor ray`: the same files, jobs and manifest, run by Ray actors.

This process (the driver) plans the files and keeps the manifest, as a local run does; it
hands the files to `workers` Ray actors, a few at a time each, and records every result as
it comes back. Each actor builds the job once (one model load) and runs the runner's own
per-file step on the files it gets: read, skip when the manifest says done, translate,
write the output atomically. Outputs are therefore byte for byte those of a local run, and
a run started with one executor resumes with the other.

A worker that dies (killed, out of memory, its node lost) is restarted by Ray and its
files are retried (`RETRIES` times); a file whose worker keeps dying fails with that
reason and the run goes on. Ray is imported only here, only for `--executor ray`.
Plain actors rather than Ray Data's `map_batches`: see docs/scaling.md for the measured
start-up cost of each on this project's 2-core machine.
"""
from __future__ import annotations

import importlib.util
import io
import logging
import os
import secrets
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from passeur.batch.runner import FileReport, Job, PlannedFile, process_file
from passeur.errors import ExitCode, PasseurError, UsageError
from passeur.textio.writer import remove_temporaries

IN_FLIGHT = 2  # files queued per actor: one running, one waiting, so an actor never idles between files
RETRIES = 2  # times Ray reruns a file whose worker died (each time on the restarted worker)
OBJECT_STORE_BYTES = 80 * 1024 * 1024  # results are small reports: the local instance needs little
STOP_WAIT_S = 10.0  # after an interrupt, how long to wait for the killed workers to be gone

MakeJob = Callable[[], "tuple[Job, Callable[[], None]]"]  # picklable: it travels to every worker


@dataclass(frozen=True)
class RaySettings:
    """Where and how wide: `address` None starts a local Ray instance for the run."""

    address: str | None = None
    workers: int = 2
    cpus_per_worker: int = 1
    gpus_per_worker: float = 0.0


class WorkerError(PasseurError):
    """An error about the whole run (the model cannot load...) raised inside a worker."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = ExitCode(exit_code)


class RayExecutor:
    """Runs planned files on Ray actors; `run_batch(..., executor=this)` drives it.

    Use it as a context manager around the run: Ray starts on the first file handed to it (a
    run whose files are all skipped at planning never starts it; an unchanged file is only
    found so by the worker, so a rerun still does); the actors, and a local instance, end with
    the block.
    """

    def __init__(self, make_job: MakeJob, settings: RaySettings, in_dir: Path, out_dir: Path, options: str) -> None:
        self.make_job, self.settings = make_job, settings
        self.in_dir, self.out_dir, self.options = in_dir, out_dir, options
        self.progress = None  # the run's progress display, told when a file is handed out
        self._ray = None
        self._actors: list = []
        self._pending: dict = {}  # task -> (actor, file) while in flight
        self._stdout = None

    def __enter__(self) -> "RayExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __call__(self, todo: list[PlannedFile], known: dict) -> Iterator[tuple[PlannedFile, tuple]]:
        """Each planned file with its outcome (report, manifest entry), in the order they finish."""
        if not todo:
            return
        ray = self._start()
        queue, pending = list(reversed(todo)), self._pending

        def hand_out(actor) -> None:
            if queue:
                item = queue.pop()
                pending[actor.process.remote(item, known.get(item.name))] = (actor, item)
                if self.progress:
                    self.progress.file_started(item.name)

        for actor in self._actors:
            for _ in range(IN_FLIGHT):
                hand_out(actor)
        try:
            while pending:
                [ready], _ = ray.wait(list(pending), num_returns=1)
                actor, item = pending.pop(ready)
                outcome = self._outcome(ray, ready, item)
                hand_out(actor)
                if self.progress and outcome[0].segments:  # workers do not stream segments: count them per file
                    self.progress.segments(item.name, outcome[0].segments, outcome[0].segments)
                yield item, outcome
        finally:
            self._abandon()  # interrupted, or a whole-run error: stop the work in flight, leave no partial file

    def close(self) -> None:
        self._abandon()
        ray, self._ray = self._ray, None
        if ray is not None:
            for actor in self._actors:
                ray.kill(actor, no_restart=True)
            self._actors = []
            ray.shutdown()  # stops the local instance; a cluster keeps running, only this run's actors went
        if self._stdout is not None:
            sys.stdout, self._stdout = self._stdout, None

    # -- internals -----------------------------------------------------------------------------
    def _start(self):
        import ray  # noqa: PLC0415 - the optional extra, imported only for --executor ray

        settings, self._ray = self.settings, ray
        sigterm = signal.getsignal(signal.SIGTERM)
        # Ray prints its notices (a worker died, a task is retried) on sys.stdout; stdout is the report's.
        self._stdout, sys.stdout = sys.stdout, sys.stderr
        try:
            if settings.address is None:
                os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
                ray.init(address="local", num_cpus=settings.workers * settings.cpus_per_worker,
                         include_dashboard=False, object_store_memory=OBJECT_STORE_BYTES, log_to_driver=False,
                         logging_level=logging.ERROR)
            else:
                ray.init(address=settings.address, log_to_driver=False, logging_level=logging.ERROR)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {settings.address}" if settings.address else "a local Ray instance"
            raise UsageError(f"--executor ray: could not start or join {where}: {error}") from None
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, sigterm)  # ray.init replaces it; SIGTERM stays a clean stop
        worker = ray.remote(FileWorker).options(
            num_cpus=settings.cpus_per_worker, num_gpus=settings.gpus_per_worker or None,
            max_restarts=-1, max_task_retries=RETRIES)
        args = (self.make_job, str(self.in_dir), str(self.out_dir), self.options, settings.cpus_per_worker)
        self._actors = [worker.remote(*args) for _ in range(settings.workers)]
        if settings.address is not None:
            self._check_shared_storage(ray)
        return ray

    def _check_shared_storage(self, ray) -> None:
        """Refuse folders the workers do not see as this machine does (not on shared storage)."""
        token = secrets.token_hex(8)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        marker = self.out_dir / f".passeur-ray-check-{token}"
        marker.write_text(token, encoding="utf-8")
        try:
            problems = ray.get([actor.check.remote(str(marker), token) for actor in self._actors])
        finally:
            marker.unlink(missing_ok=True)
        problem = next((p for p in problems if p), "")
        if problem:
            raise UsageError(f"--ray-address: {problem}. IN_DIR and OUT_DIR must be on storage every node mounts "
                             f"at the same path (NFS, a shared volume); relative paths are taken from "
                             f"{socket.gethostname()}, where passeur runs")

    def _outcome(self, ray, ref, item: PlannedFile) -> tuple:
        try:
            result = ray.get(ref)
        except ray.exceptions.RayActorError as error:
            remove_temporaries(item.output)
            cause = " ".join(str(error).split())[:160]
            reason = f"its Ray worker died while on it, {RETRIES} retries included ({type(error).__name__}: {cause})"
            return FileReport(item.name, None, "failed", reason=reason), None
        if isinstance(result, WorkerFailure):
            raise WorkerError(result.message, result.exit_code)
        return result

    def _abandon(self) -> None:
        """Kill the workers with files in flight, wait until they are gone, remove what their
        writes left half done (a finished output stays: it is redone, unrecorded, next run)."""
        pending = dict(self._pending)
        self._pending.clear()
        if not pending:
            return
        ray = self._ray
        if ray is not None:
            sys.stdout = io.StringIO()  # Ray's notices about the tasks killed here are not news (close restores)
            for actor in self._actors:
                ray.kill(actor, no_restart=True)
            ray.wait(list(pending), num_returns=len(pending), timeout=STOP_WAIT_S)  # until the kills are done
            self._actors = []
        for _, item in pending.values():
            remove_temporaries(item.output)


def require_ray() -> None:
    """Exit 2 with the fix when the optional extra is not installed."""
    if importlib.util.find_spec("ray") is None:
        raise UsageError("--executor ray needs Ray, an optional extra: pip install 'passeur[ray]'")


@dataclass
class WorkerFailure:
    """What a worker sends back instead of a result when the whole run must stop."""

    message: str
    exit_code: int


class FileWorker:
    """One Ray actor: builds the job on its first file, then does file after file."""

    def __init__(self, make_job: MakeJob, in_dir: str, out_dir: str, options: str, threads: int) -> None:
        os.environ.setdefault("PASSEUR_THREADS", str(threads))  # its share of the node, not every core
        self.make_job, self.options = make_job, options
        self.in_dir, self.out_dir = Path(in_dir), Path(out_dir)
        self.job = None
        self.restarted: bool | None = None  # known on the first file (see `_was_restarted`)

    def check(self, marker: str, token: str) -> str:
        """'' when this node sees IN_DIR and the driver's OUT_DIR; else what is wrong."""
        node = socket.gethostname()
        if not self.in_dir.is_dir():
            return f"IN_DIR {self.in_dir} is not a folder on worker node {node}"
        try:
            seen = Path(marker).read_text(encoding="utf-8")
        except OSError:
            seen = None
        return "" if seen == token else f"OUT_DIR {self.out_dir} on worker node {node} is not the driver's"

    def process(self, item: PlannedFile, entry: dict | None):
        try:
            if self.job is None:
                self.job, _ = self.make_job()
            if self.restarted is None:
                self.restarted = _was_restarted()
            if self.restarted:
                remove_temporaries(item.output)  # left by an earlier try of this file on a worker that died
            return process_file(item, self.in_dir, self.out_dir, self.job, self.options, entry, threading.Event(), None)
        except PasseurError as error:
            return WorkerFailure(str(error), int(error.exit_code))


def _was_restarted() -> bool:
    """Whether this Ray actor replaces one that died: only then can an earlier try's temporary
    file be lying beside an output (looking before every file would list the output folder
    each time). Outside an actor, or if Ray cannot say: assume it may be."""
    try:
        import ray

        if not ray.is_initialized():  # not in a Ray worker (asking would start a Ray instance)
            return True
        return bool(ray.get_runtime_context().was_current_actor_reconstructed)
    except Exception:  # no Ray, no actor context
        return True
