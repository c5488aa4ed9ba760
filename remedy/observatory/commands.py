"""`flask --app wsgi remedy rollups`."""

import click

from remedy.observatory import rollups


@click.command("rollups")
def rollups_command() -> None:
    """Count every month of every organisation again from the cases."""
    click.echo(f"{rollups.rebuild()} rows rebuilt")
