"""`passeur glossary extract`: the names and figures of a French text, with their English forms."""
from __future__ import annotations

import json

import click

from passeur.api import extract_glossary, load_termbase, resolve_language
from passeur.textio.reader import read_input


@click.group()
def glossary() -> None:
    """Names, figures and terms: what passeur guarantees in a translation."""


@glossary.command("extract")
@click.argument("input_", metavar="[INPUT]", default="-")
@click.option("--glossary", "glossary_file", type=click.Path(), metavar="FILE",
              help="User glossary (CSV or TSV: French term, English term); its terms override names.")
@click.option("--json", "as_json", is_flag=True, help='{"language", "entries": [{kind, source, target, count}]}')
@click.pass_obj
def extract(env, input_, glossary_file, as_json):
    """List every name and figure of a French text with its expected English form.

    Kinds: person, organization, place, product, money, percent, number, date, time,
    ordinal, quantity, term (from --glossary).

    \b
    Example:
      passeur glossary extract article.fr.txt --json
    """

    termbase = None
    if glossary_file:
        termbase = load_termbase(glossary_file)
    text = read_input(input_, env.stdin).text
    language = resolve_language(text, "auto") if text.strip() else "fr"
    entries = extract_glossary(text, termbase) if text.strip() else []
    if as_json:
        payload = {"language": language, "entries": [entry.to_json() for entry in entries]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2), file=env.stdout)
        return
    width = max([len(e.source) for e in entries] + [6])
    for entry in entries:
        click.echo(f"{entry.kind:<13} {entry.source:<{width}}  ->  {entry.target}   (x{entry.count})", file=env.stdout)
