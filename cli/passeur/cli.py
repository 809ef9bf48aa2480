"""The `passeur` command: a thin layer that parses options, calls the API and maps errors.

Every PasseurError becomes a one-line message on stderr and its exit code; nothing here
imports torch or transformers: a subcommand's module, and the API with it, is imported only when
that subcommand runs (the lazy command table below).
"""
from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Mapping, TextIO

import click

from passeur import __version__
from passeur.errors import ExitCode, PasseurError
from passeur.textio.display import printable


@dataclass
class Environment:
    """What a command may touch outside its arguments; tests pass their own."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str] = field(default_factory=dict)
    stderr_isatty: bool = False
    # How commands build their engines (None: passeur's own); tests hand in scripted engines here.
    make_translation_engine: Callable[..., Any] | None = None
    make_summary_engine: Callable[..., Any] | None = None

    @classmethod
    def from_system(cls) -> "Environment":
        stdin = getattr(sys.stdin, "buffer", sys.stdin)
        return cls(stdin, sys.stdout, sys.stderr, os.environ, _isatty(sys.stderr))

    def log(self, message: str) -> None:
        """A notice for the person at the terminal (always on stderr, never on stdout)."""
        click.echo(f"passeur: {printable(message)}", file=self.stderr)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# Each subcommand's module is imported only when that subcommand runs, so `passeur --help`
# stays fast (click's lazy-loading pattern); the one-line summaries below are what
# `passeur --help` lists (a test keeps them equal to each command's own).
COMMANDS = {
    "batch": ("passeur.commands.batch", "batch",
              "Translate every text and Markdown file under IN_DIR into a mirrored tree in OUT_DIR."),
    "brief": ("passeur.commands.brief", "brief",
              "A briefing note for a reader in a hurry: headline, paragraph, key figures, people and "
              "organisations, full summary, full translation and where it all came from."),
    "check": ("passeur.commands.check", "check",
              "Check that TRANSLATION (English) keeps every name and figure of SOURCE (French)."),
    "glossary": ("passeur.commands.glossary", "glossary",
                 "Names, figures and terms: what passeur guarantees in a translation."),
    "models": ("passeur.commands.models", "models",
               "Manage models: list the cached ones, pull one, print where one lives."),
    "summarize": ("passeur.commands.summarize", "summarize",
                  "Summarize French or English text in English: one line, one paragraph, full."),
    "tm": ("passeur.commands.tm", "tm",
           "The translation memory: every segment translated before, reused on the next run."),
    "translate": ("passeur.commands.translate", "translate",
                  "Translate French text to English, keeping paragraphs, headings, lists and Markdown."),
}


class PasseurGroup(click.Group):
    """Loads each subcommand on first use, and maps errors to exit codes in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.Command(name, help=summary).get_short_help_str(width))
                for name, (_, _, summary) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        if ctx.obj is None:
            ctx.obj = Environment.from_system()
        try:
            return super().invoke(ctx)
        except PasseurError as error:
            click.echo(f"passeur: error: {printable(str(error))}", file=ctx.obj.stderr)
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
    4 batch finished with failures, 5 model not available,
    6 an output could not be written (a folder, no permission, a full disk).
    """


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="passeur")
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else int(ExitCode.USAGE)
    return 0
