"""`passeur brief`: a briefing note per input, a digest for several (md, json or html)."""
from __future__ import annotations

import json
import time

import click

from passeur.api import build_brief, build_translator, choose_memory, describe_unresolved, render_brief, utc_now
from passeur.commands.options import (
    build_summary_engine, check_output_not_input, note_empty, translation_factory, translation_options,
    warn_unresolved, write_output
)
from passeur.commands.progress import segment_progress
from passeur.commands.summarize import summary_options
from passeur.errors import UnresolvedError
from passeur.textio.reader import read_input

_EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".html": "html", ".htm": "html"}


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-o", "--output", metavar="OUT", help="Write here instead of stdout (atomically).")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html"]), default=None,
              help="md: Markdown; json: every section, machine-readable; html: one self-contained page, "
                   "source and translation side by side  [default: from OUT's extension, else md]")
@summary_options
@click.option("--glossary", type=click.Path(), metavar="FILE", help="User glossary (CSV or TSV).")
@click.option("--strict", is_flag=True,
              help="Exit 3 when a name or figure could not be guaranteed (the note is still written).")
@translation_options
@click.pass_obj
def brief(env, inputs, output, fmt, **options):
    """A briefing note for a reader in a hurry: headline, paragraph, key figures, people and
    organisations, full summary, full translation and where it all came from.

    INPUT is a file, or - (or nothing) for stdin. Several INPUTs give one digest: an overall
    summary of the articles first, then one section per article. French is translated first
    (names and figures checked); English is summarized as it is.

    \b
    Examples:
      passeur brief article.fr.txt -o article.brief.md
      passeur brief samples/*.txt -o morning.html
      passeur brief article.fr.txt --engine extractive --format json
    """

    started = time.perf_counter()
    inputs = inputs or ("-",)
    check_output_not_input(output, inputs)
    fmt = fmt or choose_format(output)
    sources = []
    for name in inputs:
        source = read_input(name, env.stdin)
        if source.text.strip():
            sources.append(source)
        elif len(inputs) > 1:
            env.log(f"{source.name}: empty; left out of the brief")
    if not sources:
        note_empty(env, [name if name != "-" else "<stdin>" for name in inputs], "brief")
        return

    memory = choose_memory(options["tm"], options["no_tm"], env.environ)
    summary_engine = build_summary_engine(env, options["engine"], options["summary_model"], device=options["device"])
    built = []

    def translator():
        if not built:
            built.append(build_translator(options["translation_model"], glossary=options["glossary"],
                                          backend=options["backend"], device=options["device"],
                                          beam_size=options["beam_size"], make_engine=translation_factory(env),
                                          tm=memory))
        return built[0]

    def progress(source):

        return segment_progress(env, f"{source.name}: summaries")

    result = build_brief(sources, translator=translator, summary_engine=summary_engine,
                         prompts=options["prompts"], glossary=options["glossary"],
                         source_lang=options["source_lang"], created=utc_now(env.environ),
                         on_note=progress)
    write_output(env, output, render_brief(result, fmt))
    if options["stats"]:
        click.echo(json.dumps(collect_stats(built[0] if built else None, summary_engine, started)), file=env.stderr)
    if not options["strict"]:
        warn_unresolved(env, len(result.unresolved), fmt)
    if options["strict"] and result.unresolved:
        raise UnresolvedError(describe_unresolved(result.unresolved))


# --tier does not apply: a brief always holds every tier.
brief.params = [param for param in brief.params if param.name != "tier"]


def choose_format(output: str | None) -> str:
    """The format -o's extension names (.md, .json, .html), else Markdown."""
    if output and output != "-":
        from pathlib import Path

        return _EXTENSIONS.get(Path(output).suffix.lower(), "md")
    return "md"


def collect_stats(translator, summary_engine, started: float) -> dict:
    """The --stats line: translation counts at the top (as `translate` prints), the summaries' below."""
    totals = translator.stats.to_json() if translator is not None else \
        {"segments": 0, "source_tokens": 0, "generated_tokens": 0, "seconds": 0.0}
    totals["seconds"] = round(time.perf_counter() - started, 3)
    totals["summary"] = summary_engine.stats.to_json()
    return totals
