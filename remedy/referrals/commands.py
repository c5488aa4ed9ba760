"""`remedy directory-import FILE.json` and `remedy directory-export`."""

import json

import click

from remedy.core.errors import ValidationFailed
from remedy.core.i18n import translate, translate_fields
from remedy.referrals import directory


@click.command("directory-import")
@click.argument("file", type=click.File("rb"))
def directory_import(file) -> None:
    """Add or update authorities of the installation's directory (trusted by every
    organisation) from a JSON list, all or nothing."""
    try:
        added, updated = directory.import_json(file.read(), actor="cli")
    except ValidationFailed as failure:
        problems = "; ".join(f"{k}: {', '.join(v)}"
                             for k, v in translate_fields(failure.fields).items())
        raise click.ClickException(f"{translate(failure.message)} {problems}") from None
    click.echo(f"{added} added, {updated} updated")


@click.command("directory-export")
def directory_export() -> None:
    """Print the installation's directory as JSON (the import format): its own entries and
    the organisations of this installation."""
    click.echo(json.dumps(directory.export_entries(None), ensure_ascii=False, indent=2))
