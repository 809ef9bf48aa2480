"""`passeur translate`: French text in, English text out, layout kept."""
from __future__ import annotations

import io
import json

import click

from passeur.api import build_translator, choose_memory, describe_unresolved, resolve_language, translate_document
from passeur.commands.options import (
    check_output_not_input, note_empty, translation_factory, translation_options, warn_unresolved, write_output
)
from passeur.commands.progress import segment_progress
from passeur.errors import UnresolvedError, UsageError
from passeur.textio.reader import read_input
from passeur.textio.render import render_translations
from passeur.textio.stream import read_requests, stream_translations


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-o", "--output", metavar="OUT", help="Write here instead of stdout (atomically).")
@click.option("--model", "model", metavar="M", help="Same as --translation-model.")
@click.option("--glossary", type=click.Path(), metavar="FILE",
              help="User glossary (CSV or TSV: French term, English term); it overrides the model.")
@click.option("--strict", is_flag=True,
              help="Exit 3 when a name or figure could not be guaranteed (the translation is still written).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json", "jsonl"]), default="text",
              show_default=True,
              help="text keeps the input's layout; md also heads each input with its name when there are several; json as in DESIGN.md; "
                   "jsonl streams: one request per input line (JSON {\"text\": ...} or plain text), "
                   "one result per output line.")
@translation_options
@click.pass_obj
def translate(env, inputs, output, model, glossary, strict, fmt, translation_model, source_lang, beam_size, device, backend, tm, no_tm, stats):
    """Translate French text to English, keeping paragraphs, headings, lists and Markdown.

    INPUT is a file, or - (or nothing) for stdin; several INPUTs are translated in order.
    English input passes through unchanged. Output goes to stdout unless -o.

    \b
    Examples:
      cat article.fr.txt | passeur translate
      passeur translate a.fr.txt b.fr.txt -o ab.en.txt
      passeur translate article.fr.md --format json --model ./opus-mt-fr-en
    """


    memory = choose_memory(tm, no_tm, env.environ)
    inputs = inputs or ("-",)
    check_output_not_input(output, inputs)
    options = dict(glossary=glossary, backend=backend, device=device, beam_size=beam_size, tm=memory,
                   make_engine=translation_factory(env))
    if fmt == "jsonl":
        _stream(env, inputs, output, model or translation_model, options, source_lang, strict, stats)
        return
    sources = [read_input(name, env.stdin) for name in inputs]
    if not any(source.text.strip() for source in sources):
        note_empty(env, [source.name for source in sources], "translate")
        return
    engine = None
    results = []
    for source in sources:
        if not source.text.strip():
            results.append((source, None))
            continue
        language = resolve_language(source.text, source_lang)
        if engine is None and language != "en":  # English passes through: no model to find or load
            engine = build_translator(model or translation_model, **options)
        with segment_progress(env, source.name) as on_progress:
            result = translate_document(source.text, engine, source_lang=language, on_progress=on_progress)
        if result.source_language == "en":
            env.log(f"{source.name}: the input is already English; passed through unchanged")
        results.append((source, result))
    text = render_translations(results, fmt)
    write_output(env, output, text)
    if stats:
        _print_stats(env, [result for _, result in results if result])
    unresolved = [item for _, result in results if result for item in result.fidelity.get("unresolved", [])]
    if not strict:
        warn_unresolved(env, len(unresolved), fmt)
    if strict and unresolved:
        raise UnresolvedError(describe_unresolved(unresolved))


def _print_stats(env, results) -> None:
    """--stats: one JSON line on stderr, the totals over every document translated."""
    totals = {"segments": 0, "source_tokens": 0, "generated_tokens": 0, "seconds": 0.0, "cached_segments": 0,
              "engine_seconds": 0.0, "load_seconds": 0.0}
    for result in results:
        for key in totals:
            totals[key] += result.stats.get(key, 0)
    for key in ("seconds", "engine_seconds", "load_seconds"):
        totals[key] = round(totals[key], 3)
    click.echo(json.dumps(totals), file=env.stderr)


def _stream(env, inputs, output, model, options, source_lang, strict, stats) -> None:
    """--format jsonl: translate line by line, writing each result as soon as it is ready."""

    if output and output != "-":
        raise UsageError("--format jsonl streams to stdout: redirect it instead of -o")
    engine = None
    unresolved = 0
    results = []

    def translate_line(text: str):
        nonlocal engine, unresolved
        language = resolve_language(text, source_lang) if text.strip() else "fr"
        if engine is None and language != "en":
            engine = build_translator(model, **options)
        result = translate_document(text, engine, source_lang=language)
        unresolved += bool(result.fidelity.get("unresolved"))
        results.append(result)
        return result

    failures = 0
    for name in inputs:
        if name == "-":
            failures += stream_translations(read_requests(env.stdin), translate_line, env.stdout)
        else:
            text = read_input(name).text
            failures += stream_translations(read_requests(io.BytesIO(text.encode("utf-8"))), translate_line,
                                            env.stdout)
    if stats:
        _print_stats(env, results)
    if failures:
        raise UsageError(f"{failures} input line(s) could not be translated (see their error objects)")
    if strict and unresolved:
        raise UnresolvedError(f"{unresolved} line(s) hold a name or figure that could not be guaranteed "
                              "(see their fidelity objects)")
