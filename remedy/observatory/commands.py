"""`flask --app wsgi remedy rollups` and `remedy observatory-fetch`."""

import click

from remedy.observatory import regional_services, rollups


@click.command("rollups")
def rollups_command() -> None:
    """Count every month of every organisation again from the cases."""
    click.echo(f"{rollups.rebuild()} rows rebuilt")


@click.command("observatory-fetch")
def fetch_command() -> None:
    """Fetch the published statistics of every installation of the regional observatory
    now, and say for each whether it worked (exit status 1 if one failed)."""
    if not regional_services.enabled():
        raise click.ClickException("The regional observatory is off (set "
                                   "REMEDY_OBSERVATORY_REGIONAL=true to turn it on).")
    fetched = regional_services.fetch_all()
    for source in fetched:
        if source.error is None:
            click.echo(f"ok {source.base_url} ({source.name}): {source.figures} figures as of "
                       f"{source.generated_at.isoformat()}")
        else:
            click.echo(f"failed {source.base_url} ({source.name}): {source.error}")
    failed = sum(1 for source in fetched if source.error is not None)
    click.echo(f"{len(fetched) - failed} installations fetched, {failed} failed")
    if failed:  # for scripts and monitoring; the figures of the last good answers are kept
        click.get_current_context().exit(1)
