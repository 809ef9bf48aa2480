"""`passeur models`: what is cached, fetch a model, where it lives."""
from __future__ import annotations

import json

import click

from passeur.api import DEFAULT_SUMMARY_MODEL, DEFAULT_TRANSLATION_MODEL, list_cached, preconvert, pull_model, resolve_model


@click.group()
def models() -> None:
    """Manage models: list the cached ones, pull one, print where one lives.

    Models come from the Hugging Face Hub and are cached in its usual cache folder
    (HF_HOME). On a machine with no network, pull them elsewhere and copy the folder,
    or pass --model /path/to/folder to any command.
    """


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
@click.pass_obj
def list_models(env, as_json: bool) -> None:
    """List the models in the local cache, with their size and revision."""

    cached = list_cached()
    defaults = {DEFAULT_TRANSLATION_MODEL: "translation (default)", DEFAULT_SUMMARY_MODEL: "summary (default)"}
    for item in cached:
        item["role"] = defaults.get(item["name"], "")
    if as_json:
        click.echo(json.dumps({"models": cached}, indent=2), file=env.stdout)
        return
    if not cached:
        click.echo("no model cached yet (passeur models pull NAME)", file=env.stdout)
    for item in cached:
        click.echo(f"{item['name']:<45} {item['size_mb']:>9.1f} MB  {item['revision'][:12]:<12}  {item['role']}",
                   file=env.stdout)
    missing = [name for name in defaults if name not in {item["name"] for item in cached}]
    for name in missing:
        click.echo(f"{name:<45} {'-':>12}  not cached    {defaults[name]}", file=env.stdout)


@models.command("pull")
@click.argument("name")
@click.pass_obj
def pull(env, name: str) -> None:
    """Download model NAME (a Hub id) into the cache, only the files passeur loads; a
    translation model is converted for CTranslate2 too, so its first use starts at once."""

    resolved = pull_model(name, progress=env.stderr_isatty)
    converted = preconvert(resolved.path)
    if converted is not None and env.stderr_isatty:
        env.log(f"converted for CTranslate2: {converted}")
    click.echo(str(resolved.path), file=env.stdout)


@models.command("path")
@click.argument("name")
@click.pass_obj
def path(env, name: str) -> None:
    """Print the folder holding model NAME (exit 5 when it is not on disk)."""

    click.echo(str(resolve_model(name, download=False).path), file=env.stdout)
