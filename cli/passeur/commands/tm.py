"""`passeur tm`: the translation memory — export it as TMX, show what it holds, clear it."""
from __future__ import annotations

import json

import click

from passeur.api import TranslationMemory, memory_path, render_tmx
from passeur.errors import PasseurError, UsageError
from passeur.commands.options import write_output


def memory_option(func):
    return click.option("--tm", "tm_path", metavar="PATH",
                        help="The memory file [default: $PASSEUR_TM, else memory.sqlite3 in the user cache folder].")(func)


@click.group()
def tm() -> None:
    """The translation memory: every segment translated before, reused on the next run.

    Segments are kept per model, model revision and options (backend, beam size), in an
    SQLite file that several passeur processes may share. translate, brief and batch use
    it unless --no-tm; --tm PATH or $PASSEUR_TM moves it.
    """


@tm.command("export")
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True,
              help="TMX 1.4, which CAT tools (OmegaT, Trados, memoQ) import.")
@click.option("-o", "--output", metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("--model", metavar="NAME", help="Only the segments of this model (a Hub id or a folder).")
@memory_option
@click.pass_obj
def export(env, fmt, output, model, tm_path):
    """Write the memory as a TMX file: French source, English translation, one unit per segment.

    The English side is the final translation (names and figures checked) when known,
    else the model's best hypothesis.

    \b
    Examples:
      passeur tm export --format tmx -o memory.tmx
      passeur tm export --model Helsinki-NLP/opus-mt-fr-en > opus.tmx
    """

    memory = _open(env, tm_path)
    text = render_tmx(memory.entries(model) if memory else [])
    if memory and memory.damaged:
        env.log(f"{memory.path}: {memory.damaged} damaged segment(s) could not be read and were left out")
    write_output(env, output, text)


@tm.command("stats")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
@memory_option
@click.pass_obj
def stats(env, as_json, tm_path):
    """Show the memory: entries, hits, models, size on disk."""

    memory = _open(env, tm_path)
    summary = memory.summarize() if memory else {
        "path": str(memory_path(tm_path, env.environ)), "schema_version": None, "entries": 0, "hits": 0,
        "finals": 0, "size_bytes": 0, "models": []}
    summary["exists"] = memory is not None
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2), file=env.stdout)
        return
    lines = [f"memory    {summary['path']}" + ("" if memory else " (not created yet)"),
             f"entries   {summary['entries']}",
             f"hits      {summary['hits']}",
             f"finals    {summary['finals']}",
             f"size      {format_size(summary['size_bytes'])}"]
    for item in summary["models"]:
        revision = (item["revision"] or "-")[:12]
        lines.append(f"  {item['model']}  {revision}  {item['entries']} entries, {item['hits']} hits")
    click.echo("\n".join(lines), file=env.stdout)


@tm.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (required when not on a terminal).")
@click.option("--model", metavar="NAME", help="Only the segments of this model.")
@memory_option
@click.pass_obj
def clear(env, yes, model, tm_path):
    """Delete the memory's segments (all, or one model's with --model)."""
    path = memory_path(tm_path, env.environ)
    if not path.exists():
        click.echo("the translation memory is empty: nothing to clear", file=env.stdout)
        return
    memory = TranslationMemory(path, create=False)
    try:
        memory.connect()
    except PasseurError as error:
        if model or not getattr(error, "malformed", False):
            raise  # not a damaged memory (another program's file...): never deleted
    what = f"the segments of {model}" if model else "every segment"
    if not yes:
        if not env.stderr_isatty:
            raise UsageError(f"tm clear would delete {what} in {memory.path}: pass --yes to confirm")
        try:
            confirmed = click.confirm(f"Delete {what} in {memory.path}?", default=False, err=True)
        except click.Abort:
            confirmed = False
        if not confirmed:
            raise UsageError("nothing cleared")
    removed = memory.clear(model)
    memory.close()
    if removed < 0:
        click.echo(f"{memory.path} was damaged: replaced it with a new, empty memory", file=env.stdout)
    else:
        click.echo(f"cleared {removed} segment(s) from {memory.path}", file=env.stdout)


def _open(env, tm_path):
    """The memory, or None when there is none yet (reading commands never create one)."""

    path = memory_path(tm_path, env.environ)
    if not path.exists():
        return None
    memory = TranslationMemory(path, create=False)
    memory.connect()
    return memory


def format_size(size: int) -> str:
    """Bytes for people: 12.3 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
