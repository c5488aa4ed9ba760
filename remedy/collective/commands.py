"""`flask --app wsgi remedy aggregate`: re-run the whole aggregation."""

import click

from remedy.accounts.models import Organisation
from remedy.collective import matching
from remedy.extensions import db


@click.command("aggregate")
@click.option("--org", "slug", default=None, help="Only this organisation (its slug).")
def aggregate_command(slug: str | None) -> None:
    """Compare every complaint with the others of its block again and rewrite the open
    suggestions (decided ones stay); prints a summary of the suggestions made."""
    organisation_id = None
    if slug:
        organisation = db.session.query(Organisation).filter_by(slug=slug).one_or_none()
        if organisation is None:
            raise click.ClickException(f"no organisation with the slug {slug!r}")
        organisation_id = organisation.id
    counts = matching.aggregate(organisation_id)
    click.echo(f"{counts['complaints']} complaints compared: {counts['suggestions']} "
               f"suggestions to group, {counts['duplicates']} possible duplicates")
