"""Options shared by several commands, declared once."""
from __future__ import annotations

import click

from passeur.api import create_summary_engine, create_translation_engine
from passeur.errors import UsageError
from passeur.textio.reader import same_file
from passeur.textio.writer import check_writable, write_atomic


def translation_options(func):
    """Options of every command that translates (DESIGN.md, "Model options")."""
    options = [
        click.option("--translation-model", "translation_model", metavar="M",
                     help="Translation model: a Hub id or a local folder [default: Helsinki-NLP/opus-mt-fr-en]."),
        click.option("--source-lang", type=click.Choice(["auto", "fr", "en"]), default="auto", show_default=True,
                     help="Language of the input; auto detects it (English passes through unchanged)."),
        click.option("--beam-size", type=click.IntRange(1, 32), default=4, show_default=True,
                     help="Beam search width (1 is greedy: faster, a little worse)."),
        click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
                     help="Where the model runs; auto uses a CUDA GPU when there is one."),
        click.option("--backend", type=click.Choice(["auto", "transformers", "ctranslate2"]), default="auto",
                     show_default=True, help="Inference engine; auto picks the fastest one installed."),
        click.option("--tm", "tm", metavar="PATH",
                     help="Translation memory file [default: $PASSEUR_TM, else memory.sqlite3 in the user cache "
                          "folder]: segments translated before are reused."),
        click.option("--no-tm", "no_tm", is_flag=True, help="Neither read nor write the translation memory."),
        click.option("--stats", is_flag=True,
                     help="Print one JSON line to stderr: segments, source_tokens, generated_tokens, seconds."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def check_output_not_input(output: str | None, inputs: tuple[str, ...]) -> None:
    """Refuse `-o FILE` when FILE is one of the inputs (it would be destroyed), or cannot be
    written (a folder, a read-only place): before any model is loaded."""
    if not output or output == "-":
        return
    for name in inputs:
        if name != "-" and same_file(name, output):
            raise UsageError(f"-o {output} is also an input: choose another output file")
    check_writable(output)


def write_output(env, output: str | None, text: str) -> None:
    """Write to `-o OUT` atomically, or to stdout when there is none (or it is "-")."""
    if output and output != "-":
        write_atomic(output, text)
    else:
        env.stdout.write(text)
        env.stdout.flush()


def translation_factory(env):
    """How this run builds a translation engine: the environment's (tests) or passeur's own."""
    return env.make_translation_engine or create_translation_engine


def build_summary_engine(env, kind: str, model: str | None, **options):
    """The summary engine of `kind` for `model` (loaded lazily), from the environment's
    factory (tests) or passeur's own."""
    return (env.make_summary_engine or create_summary_engine)(kind, model, **options)


def warn_unresolved(env, count: int, fmt: str) -> None:
    """Without --strict, a text or Markdown output still says (one stderr line) that some names
    or figures could not be guaranteed; JSON carries them in its fidelity section."""
    if count and fmt not in ("json", "jsonl"):
        env.log(f"warning: {count} name(s) or figure(s) could not be guaranteed; --format json lists them, "
                "--strict makes this exit 3")


def note_empty(env, names, verb: str) -> None:
    """Every command treats empty input the same way: exit 0, nothing written, this notice."""
    env.log(f"{', '.join(names)}: empty input: nothing to {verb}; no output written")
