"""Command-line administration of organisations."""

import click

from remedy.accounts.domain import parse_organisation
from remedy.accounts.services import create_organisation
from remedy.core.errors import DomainError
from remedy.core.vocabulary import ORG_TYPES


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def fail(error: DomainError) -> None:
    """A domain refusal as a clear message and a non-zero exit."""
    details = "; ".join(f"--{k}: {', '.join(map(str, v))}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@click.command("create-org")
@click.option("--name", required=True, help="Full name, e.g. 'Danish Institute for Human Rights'.")
@click.option("--slug", required=True, help="Short identifier, e.g. dk-ihr.")
@click.option("--country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 code.")
@click.option("--type", "org_type", required=True, type=click.Choice(sorted(ORG_TYPES)))
@click.option("--sectors", help="Comma-separated sector codes (absent = all).")
@click.option("--rights", help="Comma-separated rights dimensions (absent = all).")
def create_org(name, slug, country, org_type, sectors, rights):
    """Create an organisation that handles complaints."""
    try:
        draft = parse_organisation(name=name, slug=slug, country=country, org_type=org_type,
                                   sectors=_split(sectors), rights=_split(rights))
        organisation = create_organisation(draft, actor="cli")
    except DomainError as error:
        fail(error)
    click.echo(f"created organisation {organisation.name} ({organisation.country})")
    click.echo(organisation.slug)
