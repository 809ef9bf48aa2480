"""`passeur check`: verify a translation or summary against its source's names and figures."""
from __future__ import annotations

import json

import click

from passeur.api import check as check_text, extract_glossary, fix, load_termbase
from passeur.errors import ExitCode
from passeur.textio.reader import read_input


@click.command()
@click.argument("source", metavar="SOURCE")
@click.argument("translation", metavar="TRANSLATION")
@click.option("--summary", is_flag=True, help="TRANSLATION is a summary: leaving things out is not a problem.")
@click.option("--fix", "repair", is_flag=True,
              help="Repair what substitution can (wrong value, format, scale, misspelt name): the repaired "
                   "text goes to stdout (or the JSON's \"fixed\"), the report to stderr.")
@click.option("--glossary", type=click.Path(), metavar="FILE", help="User glossary (CSV or TSV) whose terms must appear.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: ok, issues (and fixed with --fix).")
@click.pass_obj
def check(env, source, translation, summary, repair, glossary, as_json):
    """Check that TRANSLATION (English) keeps every name and figure of SOURCE (French).

    Values are compared, not strings: "$97.4 billion", "97.4 billion dollars" and
    "US$97.4bn" are the same figure; "$97.5 billion" is not. Each problem is missing (in
    the source, not in the text), altered (there, with another value or spelling) or
    unexpected (in the text, not supported by the source). Works on any translation,
    human or machine. Exit 0 when clean, 1 when problems were found.

    \b
    Examples:
      passeur check article.fr.txt article.en.txt
      passeur check article.fr.txt summary.en.txt --summary --json
      passeur check article.fr.txt article.en.txt --fix > article.fixed.en.txt
    """

    termbase = None
    if glossary:
        termbase = load_termbase(glossary)
    source_text = read_input(source, env.stdin).text
    text = read_input(translation, env.stdin).text
    entries = extract_glossary(source_text, termbase)
    result = check_text(entries, text, summary=summary, source_text=source_text)
    fixed = fix(text, result) if repair else None
    if as_json:
        click.echo(json.dumps(result.to_json(fixed), ensure_ascii=False, indent=2), file=env.stdout)
    else:
        report = format_report(result, translation)
        if repair:
            env.stdout.write(fixed)
            click.echo(report, file=env.stderr)
        else:
            click.echo(report, file=env.stdout)
    if not result.ok:
        raise click.exceptions.Exit(int(ExitCode.CHECK_FAILED))


def format_report(result, name: str) -> str:
    """A readable report: one line per issue, or a line saying all is well."""
    if result.ok:
        return f"{name}: every name and figure checked out"
    lines = []
    for issue in result.issues:
        if issue.status == "missing":
            lines.append(f"{name}: missing {issue.kind} {issue.expected!r} (source: {issue.source!r})")
        elif issue.status == "altered":
            lines.append(f"{name}: altered {issue.kind} {issue.found!r}, expected {issue.expected!r} "
                         f"(source: {issue.source!r})")
        else:
            lines.append(f"{name}: unexpected {issue.kind} {issue.found!r} (not supported by the source)")
    lines.append(f"{len(result.issues)} problem(s)")
    return "\n".join(lines)
