"""`passeur summarize`: English summaries in three tiers, every name and figure checked."""
from __future__ import annotations

import json

import click

from passeur.api import build_translator, choose_memory, summarize_text
from passeur.commands.options import (
    build_summary_engine, check_output_not_input, note_empty, translation_factory, translation_options,
    warn_unresolved, write_output
)
from passeur.errors import UnresolvedError
from passeur.textio.reader import read_input

TIER_CHOICES = ["one-line", "paragraph", "full", "all"]
LABELS = {"one_line": "One line", "paragraph": "Paragraph", "full": "Full summary"}


def summary_options(func):
    """Options of every command that summarizes."""
    options = [
        click.option("--tier", type=click.Choice(TIER_CHOICES), default="all", show_default=True,
                     help="one-line: one sentence of at most 30 words; paragraph: 60-150 words; "
                          "full: every section, at most 35% of the source's words."),
        click.option("--engine", type=click.Choice(["instruct", "seq2seq", "extractive"]), default="instruct",
                     show_default=True,
                     help="instruct: a chat model driven by prompts/; seq2seq: BART/T5/Pegasus summarizers; "
                          "extractive: picks source sentences, needs no model."),
        click.option("--summary-model", metavar="M",
                     help="Summary model: a Hub id or a local folder [default: Qwen/Qwen2.5-1.5B-Instruct "
                          "for instruct, sshleifer/distilbart-cnn-12-6 for seq2seq]."),
        click.option("--prompts", type=click.Path(), metavar="DIR",
                     help="A folder of your own prompt templates (overrides tier by tier; env PASSEUR_PROMPTS)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-o", "--output", metavar="OUT", help="Write here instead of stdout (atomically).")
@click.option("--model", "model", metavar="M", help="Same as --summary-model.")
@summary_options
@click.option("--glossary", type=click.Path(), metavar="FILE", help="User glossary (CSV or TSV).")
@click.option("--strict", is_flag=True, help="Exit 3 when a name or figure could not be guaranteed.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@translation_options
@click.pass_obj
def summarize(env, inputs, output, model, tier, engine, summary_model, prompts, glossary, strict, fmt,
              translation_model, source_lang, beam_size, device, backend, tm, no_tm, stats):
    """Summarize French or English text in English: one line, one paragraph, full.

    French input is translated first (names and figures checked); the summaries are then
    checked against the source: a figure or name it does not support is asked away, else its
    sentence is dropped, and the fidelity section (--format json) says so.

    \b
    Examples:
      passeur summarize article.fr.txt
      passeur summarize report.en.txt --engine extractive --tier all
      passeur summarize article.fr.txt --tier one-line --format json
    """

    inputs = inputs or ("-",)
    check_output_not_input(output, inputs)
    texts = [read_input(name, env.stdin) for name in inputs]
    text = "\n\n".join(source.text.rstrip("\n") for source in texts if source.text.strip())
    if not text.strip():
        note_empty(env, [source.name for source in texts], "summarize")
        return

    memory = choose_memory(tm, no_tm, env.environ)

    def translator():
        return build_translator(translation_model, glossary=glossary, backend=backend, device=device,
                                beam_size=beam_size, make_engine=translation_factory(env), tm=memory)

    summary_engine = build_summary_engine(env, engine, model or summary_model, device=device)
    try:
        result, translation = summarize_text(text, tiers=tier.replace("-", "_"), summary_engine=summary_engine,
                                             translator=translator, glossary=glossary, prompts=prompts,
                                             source_lang=source_lang, strict=strict)
        error = None
    except UnresolvedError as exc:
        (result, translation), error = exc.result, exc
    write_output(env, output, render_summary(result, translation, fmt))
    if stats:
        click.echo(json.dumps(summary_engine.stats.to_json()), file=env.stderr)
    if error is not None:
        raise error
    unresolved = list(result.unresolved) + (translation.fidelity.get("unresolved", []) if translation else [])
    warn_unresolved(env, len(unresolved), fmt)


def render_summary(result, translation, fmt: str) -> str:
    """The summaries as text (blank-line separated), Markdown (a heading each) or JSON."""
    if fmt == "json":
        data = result.to_json()
        data["source_language"] = translation.source_language if translation else "en"
        if translation is not None:
            data["translation_fidelity"] = translation.fidelity
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    tiers = result.tiers()
    if fmt == "md":
        return "".join(f"## {LABELS[name]}\n\n{text.strip()}\n\n" for name, text in tiers.items()).rstrip() + "\n"
    if len(tiers) == 1:
        return next(iter(tiers.values())).strip() + "\n"
    return "\n\n".join(f"{LABELS[name]}:\n{text.strip()}" for name, text in tiers.items()) + "\n"
