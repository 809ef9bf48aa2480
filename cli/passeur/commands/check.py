"""`passeur check`: verify a translation or summary against its source's names and figures,
for one pair of files or for every unit of a bilingual file (`--bilingual`)."""
from __future__ import annotations

import json

import click

from passeur.api import check_pair, check_units, load_termbase
from passeur.errors import ExitCode, UsageError
from passeur.textio.bilingual import read_units
from passeur.textio.reader import read_input


@click.command(options_metavar="[OPTIONS]")
@click.argument("source", metavar="[SOURCE", required=False)
@click.argument("translation", metavar="TRANSLATION]", required=False)
@click.option("--bilingual", type=click.Path(), metavar="FILE",
              help="Check every unit of a bilingual file instead: .jsonl (source, translation, id), "
                   ".tmx (TMX 1.4) or .xlf/.xliff (XLIFF 1.2 or 2.0).")
@click.option("--summary", is_flag=True, help="TRANSLATION is a summary: leaving things out is not a problem.")
@click.option("--fix", "repair", is_flag=True,
              help="Repair the errors substitution can repair (wrong value, scale, misspelt name), never a "
                   "warning: the repaired text goes to stdout (or the JSON's \"fixed\"), the report to stderr; "
                   "with --bilingual, a \"#ID: fixed: ...\" line for each repaired unit (or \"fixed\" in its JSON line).")
@click.option("--glossary", type=click.Path(), metavar="FILE", help="User glossary (CSV or TSV) whose terms must appear.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: ok, issues (and fixed with --fix); with --bilingual, JSON Lines, one per unit.")
@click.pass_obj
def check(env, source, translation, bilingual, summary, repair, glossary, as_json):
    """Check that TRANSLATION (English) keeps every name and figure of SOURCE (French).

    Values are compared, not strings: "$97.4 billion", "97.4 billion dollars" and
    "US$97.4bn" are the same figure; "$97.5 billion" is not. Each problem is missing (in
    the source, not in the text), altered (there, with another value or spelling) or
    unexpected (in the text, not supported by the source), and an error (certain: a
    figure's value, unit or scale; a person's name dropped or misspelt) or a warning
    (uncertain: a place or organisation written another way, a possible variant). Works on
    any translation, human or machine. Exit 0 when there is no error, 1 when there is one.

    \b
    Examples:
      passeur check article.fr.txt article.en.txt
      passeur check article.fr.txt summary.en.txt --summary --json
      passeur check article.fr.txt article.en.txt --fix > article.fixed.en.txt
      passeur check --bilingual job.xlf --json > report.jsonl
    """
    termbase = load_termbase(glossary) if glossary else None
    if bilingual:
        if source or translation:
            raise UsageError("give either SOURCE and TRANSLATION or --bilingual FILE, not both")
        _check_bilingual(env, bilingual, summary, repair, termbase, as_json)
        return
    if not source or not translation:
        raise UsageError("check needs SOURCE and TRANSLATION (or --bilingual FILE)")
    source_text = read_input(source, env.stdin).text
    text = read_input(translation, env.stdin).text
    result, fixed = check_pair(source_text, text, summary=summary, repair=repair, termbase=termbase)
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


def _check_bilingual(env, path, summary, repair, termbase, as_json) -> None:
    """Every unit, in file order: JSON Lines, or the units with issues and a totals line."""
    units = read_units(path)  # the whole file first: a malformed one fails before any output
    errors = warnings = untranslated = 0
    for unit in check_units(units, summary=summary, repair=repair, termbase=termbase):
        result = unit.result
        untranslated += result is None
        errors += not unit.ok
        warnings += unit.ok and result is not None and bool(result.warnings)
        if as_json:
            click.echo(json.dumps(unit.to_json(), ensure_ascii=False), file=env.stdout)
        elif result is not None and result.issues:
            lines = format_issues(result, f"{path}#{unit.id}")
            if unit.fixed is not None and unit.fixed != result.text:
                lines.append(f"{path}#{unit.id}: fixed: {unit.fixed}")
            click.echo("\n".join(lines), file=env.stdout)
    if not as_json:
        click.echo(f"{len(units)} unit(s): {errors} with errors, {warnings} with warnings only"
                   + (f", {untranslated} untranslated" if untranslated else ""), file=env.stdout)
    if errors:
        raise click.exceptions.Exit(int(ExitCode.CHECK_FAILED))


def format_report(result, name: str) -> str:
    """A readable report: one line per issue and a count, or a line saying all is well."""
    lines = format_issues(result, name)
    if not result.issues:
        return f"{name}: every name and figure checked out"
    errors, warnings = len(result.errors), len(result.warnings)
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)


def format_issues(result, name: str) -> list[str]:
    """One line per issue, its severity first."""
    lines = []
    for issue in result.issues:
        if issue.status == "missing":
            what = f"missing {issue.kind} {issue.expected!r} (source: {issue.source!r})"
        elif issue.status == "altered":
            what = (f"altered {issue.kind} {issue.found!r}, expected {issue.expected!r} "
                    f"(source: {issue.source!r})")
        else:
            what = f"unexpected {issue.kind} {issue.found!r} (not supported by the source)"
        lines.append(f"{name}: {issue.severity}: {what}")
    return lines
