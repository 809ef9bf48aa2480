"""`passeur batch`: translate (or brief) a whole folder tree into a mirrored one."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from pathlib import Path

import click
from click.core import ParameterSource

from passeur import __version__
from passeur.api import choose_memory, load_termbase, utc_now
from passeur.batch import runner
from passeur.batch.jobs import COUNTS
from passeur.batch.ray_executor import RayExecutor, RaySettings, require_ray
from passeur.commands.batch_recipe import JobRecipe
from passeur.commands.options import build_summary_engine, translation_factory, translation_options
from passeur.commands.summarize import summary_options
from passeur.errors import BatchPartialError, UsageError
from passeur.textio.display import json_text, printable
from passeur.textio.writer import check_writable


@click.command()
@click.argument("in_dir", metavar="IN_DIR", type=click.Path(file_okay=False))
@click.argument("out_dir", metavar="OUT_DIR", type=click.Path(file_okay=False))
@click.option("--glob", "patterns", multiple=True, metavar="PATTERN",
              help="Which files, relative to IN_DIR (repeatable): *, ? and [...] match within a name, ** spans "
                   "folders; a pattern without / matches file names at any depth (*.fr.txt is **/*.fr.txt), "
                   "a leading / anchors it to IN_DIR [default: **/*.txt and **/*.md].")
@click.option("--what", type=click.Choice(["translate", "brief"]), default="translate", show_default=True,
              help="translate: a/b.fr.txt -> a/b.en.txt; brief: a/b.fr.txt -> a/b.brief.md.")
@click.option("--jobs", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Files translated at once. The model is loaded once and runs one batch at a time "
                   "(it already uses every core); more jobs overlap reading, glossary work and writing. "
                   "Briefs are made one at a time.")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this process. ray: Ray workers, each loading the model once (pip install "
                   "'passeur[ray]'); without --ray-address, a local Ray instance is started for the run.")
@click.option("--ray-address", metavar="ADDR",
              help="--executor ray: join this running cluster (auto, ray://host:10001). IN_DIR and OUT_DIR "
                   "must then be on storage every node mounts at the same path.")
@click.option("--workers", type=click.IntRange(1, 4096), default=2, show_default=True,
              help="--executor ray: Ray workers (actors), each with its own model.")
@click.option("--cpus-per-worker", type=click.IntRange(1, 512), default=1, show_default=True,
              help="--executor ray: CPU cores Ray reserves for each worker (its threads).")
@click.option("--gpus-per-worker", type=click.FloatRange(0, 64), default=0, show_default=True,
              help="--executor ray: GPUs for each worker (0.5: two workers share one GPU).")
@click.option("--force", is_flag=True, help="Redo every file, even those finished by an earlier run.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object instead of a table.")
@click.option("--model", "model", metavar="M", help="Same as --translation-model.")
@click.option("--glossary", type=click.Path(), metavar="FILE",
              help="User glossary (CSV or TSV: French term, English term); it overrides the model.")
@click.option("--strict", is_flag=True,
              help="A file where a name or figure could not be guaranteed counts as failed (its output is written).")
@summary_options
@translation_options
@click.pass_obj
def batch(env, in_dir, out_dir, patterns, what, jobs, executor, ray_address, workers, cpus_per_worker, gpus_per_worker,
          force, as_json, model, glossary, strict, **shared):
    """Translate every text and Markdown file under IN_DIR into a mirrored tree in OUT_DIR.

    a/b.fr.txt becomes OUT_DIR/a/b.en.txt (x.md becomes x.en.md); the model loads once.
    Bad files (binary, undecodable, unreadable) are listed and the rest goes on; empty
    files are skipped. Each output is written atomically; IN_DIR is never written to, and
    OUT_DIR may not be inside it. An interrupted run (Ctrl-C, SIGTERM) resumes where it
    stopped: files finished with the same input and options are skipped (see
    OUT_DIR/.passeur-batch.json); --force redoes them.

    --executor ray runs the files on Ray workers, a local instance or a cluster
    (--ray-address), each loading the model once: the same outputs and manifest
    (docs/scaling.md).

    Prints a table (file, status, segments, seconds, reason), or one JSON object with
    --json. Exit 4 when some files failed (each is listed on stderr), 2 for usage errors,
    5 when the model is not available (the run stops at once), 6 when OUT_DIR cannot be
    written (checked before the model loads; a full disk stops the run), 130 when interrupted.
    FIFOs, sockets and devices in IN_DIR are skipped; each file is opened without following
    a link swapped in during the run.

    \b
    Examples:
      passeur batch articles/ english/
      passeur batch articles/ english/ --glob '**/*.fr.txt' --model ./opus-mt-fr-en
      passeur batch /mnt/news/in /mnt/news/out --executor ray --ray-address auto --workers 32
    """

    source_dir, target_dir = runner.check_dirs(in_dir, out_dir)
    check_writable(target_dir, folder=True)  # a read-only OUT_DIR stops here, before any model loads
    model = model or shared["translation_model"]
    if glossary:
        load_termbase(glossary)  # a bad glossary stops here, before any file (exit 2)
    options = _fingerprint(what, model, glossary, shared)
    recipe = _recipe(env, what, model, glossary, strict, shared)
    stop = threading.Event()  # set on Ctrl-C/SIGTERM: workers waiting for the model stop at once
    job, close = recipe.build(translation_factory(env), lambda *args, **kw: build_summary_engine(env, *args, **kw),
                              stop=stop)
    if what == "brief":
        jobs = 1  # the summary engine is not shared between threads
    ray = _ray_settings(executor, ray_address, workers, cpus_per_worker, gpus_per_worker)
    plan = runner.plan_batch(source_dir, target_dir, patterns or runner.DEFAULT_PATTERNS, what)
    progress = _Progress(env.stderr) if env.stderr_isatty else None
    try:
        with runner.sigterm_as_interrupt(), _executor(ray, recipe, source_dir, target_dir, options, progress) as remote:
            report = runner.run_batch(plan, source_dir, target_dir, job, options=options, what=what, jobs=jobs,
                                      force=force, progress=progress, stop=stop, executor=remote)
    except KeyboardInterrupt:
        env.log(f"batch stopped; finished files are recorded in {out_dir}: run the same command to resume")
        raise
    finally:
        if progress:
            progress.close()
        close()
    env.stdout.write(json_text(report.to_json()) + "\n" if as_json else render_table(report))
    env.stdout.flush()
    if shared["stats"]:
        click.echo(json.dumps(_stats(report)), file=env.stderr)
    if report.failed:
        lines = [f"  {printable(item.file)}: {printable(item.reason)}" for item in report.failed]
        raise BatchPartialError("\n".join([f"{len(report.failed)} of {len(report.files)} file(s) failed:", *lines]))


def _fingerprint(what: str, model: str | None, glossary: str | None, shared: dict) -> str:
    """What a finished output depends on; the manifest redoes a file when it changes."""

    summary = {key: shared[key] for key in ("engine", "summary_model", "prompts")} if what == "brief" else None
    return runner.fingerprint({
        "what": what, "passeur": __version__, "summary": summary,
        "model": str(Path(model).resolve()) if model and Path(model).exists() else model or "default",
        "glossary": runner.file_digest(glossary) if glossary else None,
        "source_lang": shared["source_lang"], "beam_size": shared["beam_size"], "backend": shared["backend"],
    })


def _recipe(env, what: str, model: str | None, glossary: str | None, strict: bool, shared: dict) -> JobRecipe:
    """The job of every file as plain values (a Ray worker builds its own from it). Each
    worker thread, or Ray worker, opens its own connection to the one memory file."""
    memory = choose_memory(shared.get("tm"), shared.get("no_tm", False), env.environ)
    summary, created = None, None
    if what == "brief":
        summary = {key: shared[key] for key in ("engine", "summary_model", "device", "prompts")}
        created = utc_now(env.environ)
    return JobRecipe(what, model, {key: shared[key] for key in ("backend", "device", "beam_size")}, glossary,
                     str(memory) if memory else None, shared["source_lang"], strict, summary, created)


def _ray_settings(executor: str, address, workers, cpus_per_worker, gpus_per_worker) -> RaySettings | None:
    """--executor ray's settings (None for local); the Ray options are refused without it."""
    context = click.get_current_context()
    given = [f"--{name.replace('_', '-')}" for name in ("ray_address", "workers", "cpus_per_worker", "gpus_per_worker")
             if context.get_parameter_source(name) is not ParameterSource.DEFAULT]
    if executor == "local":
        if given:
            raise UsageError(f"{', '.join(given)}: only with --executor ray")
        return None
    if context.get_parameter_source("jobs") is not ParameterSource.DEFAULT:
        raise UsageError("--jobs is for --executor local; with --executor ray, use --workers")
    require_ray()
    return RaySettings(address, workers, cpus_per_worker, gpus_per_worker)


@contextmanager
def _executor(settings: RaySettings | None, recipe: JobRecipe, source_dir: Path, target_dir: Path, options: str,
              progress):
    """None for a local run; for --executor ray, the Ray executor, closed with the block."""
    if settings is None:
        yield None
        return
    with RayExecutor(recipe.build, settings, source_dir, target_dir, options) as remote:
        remote.progress = progress
        yield remote


def render_table(report) -> str:
    """The summary table: one row per file, then the totals."""
    rows = [("file", "status", "segments", "seconds", "reason")]
    rows += [(printable(f.file), f.status, str(f.segments), f"{f.seconds:.2f}", printable(f.reason))
             for f in report.files]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join([*(cell.ljust(widths[i]) if i != 2 else cell.rjust(widths[i]) for i, cell in enumerate(row[:4])),
                        row[4]]).rstrip() for row in rows]
    totals = report.totals()
    lines.append(f"{totals['files']} file(s): {totals['ok']} ok, {totals['skipped']} skipped, "
                 f"{totals['failed']} failed; {totals['segments']} segment(s) in {totals['seconds']:.2f} s")
    return "\n".join(lines) + "\n"


def _stats(report) -> dict:
    totals = {**dict.fromkeys(COUNTS, 0), "seconds": 0.0}
    for item in report.files:
        for key in totals:
            totals[key] += item.stats.get(key, 0)
    totals["seconds"] = round(totals["seconds"], 3)
    return totals


class _Progress:
    """Two bars on a terminal: files (with ETA) and segments translated."""

    def __init__(self, stream) -> None:
        self.stream, self.files, self.segs, self._seen = stream, None, None, {}

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.files = tqdm(total=total, desc="files", unit="file", file=self.stream, dynamic_ncols=True, position=0)
        self.segs = tqdm(total=0, desc="segments", unit="seg", file=self.stream, dynamic_ncols=True, position=1,
                         leave=False)

    def file_started(self, name: str) -> None:
        self.files.set_postfix_str(printable(name)[-40:], refresh=True)

    def segments(self, name: str, done: int, total: int) -> None:
        last_done, last_total = self._seen.get(name, (0, 0))
        self._seen[name] = (done, total)
        self.segs.total += total - last_total
        self.segs.update(done - last_done)

    def file_done(self, report) -> None:
        self.files.update(1)

    def close(self) -> None:
        for bar in (self.segs, self.files):
            if bar is not None:
                bar.close()
        self.files = self.segs = None


# --tier does not apply: a brief always holds every tier.
batch.params = [param for param in batch.params if param.name != "tier"]
