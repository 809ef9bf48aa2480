"""The `passeur` command: a thin layer that parses options, calls the API and maps errors.

Every PasseurError becomes a one-line message on stderr and its exit code; nothing here
imports torch or transformers (the commands import the API lazily).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Mapping, TextIO

import click

from . import __version__
from .errors import ExitCode, PasseurError


@dataclass
class Environment:
    """What a command may touch outside its arguments; tests pass their own."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str] = field(default_factory=dict)
    stderr_isatty: bool = False
    # How commands build a translation engine; tests hand in scripted engines here.
    make_translation_engine: Callable[..., Any] | None = None

    def translation_engine(self, model: str | None, **options):
        """Build the translation engine for `model` (loaded lazily, on first use)."""
        if self.make_translation_engine is not None:
            return self.make_translation_engine(model, **options)
        from .backends import create_translation_engine

        return create_translation_engine(model, **options)

    def summary_engine(self, kind: str, model: str | None, **options):
        """Build the summary engine of `kind` for `model` (loaded lazily)."""
        from .summary_engines import create_summary_engine

        return create_summary_engine(kind, model, **options)

    @classmethod
    def from_system(cls) -> "Environment":
        stdin = getattr(sys.stdin, "buffer", sys.stdin)
        return cls(stdin, sys.stdout, sys.stderr, os.environ, _isatty(sys.stderr))

    def log(self, message: str) -> None:
        """A notice for the person at the terminal (always on stderr, never on stdout)."""
        click.echo(f"passeur: {message}", file=self.stderr)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class PasseurGroup(click.Group):
    """Maps errors to exit codes in one place."""

    def invoke(self, ctx: click.Context):
        if ctx.obj is None:
            ctx.obj = Environment.from_system()
        try:
            return super().invoke(ctx)
        except PasseurError as error:
            click.echo(f"passeur: error: {error}", file=ctx.obj.stderr)
            raise click.exceptions.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            click.echo("passeur: interrupted; no partial output was written", file=ctx.obj.stderr)
            raise click.exceptions.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (e.g. `| head`): not an error
            raise click.exceptions.Exit(0) from None


@click.group(cls=PasseurGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="passeur")
def cli() -> None:
    """French (and English) text to faithful English: translations, summaries and briefs,
    with every name and figure kept exact.

    \b
    Examples:
      cat article.fr.txt | passeur translate
      passeur translate article.fr.txt -o article.en.txt
      passeur models pull Helsinki-NLP/opus-mt-fr-en

    \b
    Exit codes: 0 ok, 1 check found problems, 2 usage or input error,
    3 --strict and a name or figure could not be guaranteed,
    4 batch finished with failures, 5 model not available.
    """


def _register() -> None:
    from .commands import batch, brief, check, glossary, models, summarize, tm, translate

    cli.add_command(translate.translate)
    cli.add_command(summarize.summarize)
    cli.add_command(brief.brief)
    cli.add_command(batch.batch)
    cli.add_command(glossary.glossary)
    cli.add_command(check.check)
    cli.add_command(tm.tm)
    cli.add_command(models.models)


_register()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="passeur")
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else int(ExitCode.USAGE)
    return 0
