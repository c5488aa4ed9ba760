"""Command-line administration of organisations, staff accounts and API tokens."""

import click

from remedy.accounts.domain import ROLES, parse_organisation
from remedy.accounts.services import (
    create_api_token,
    create_organisation,
    create_user,
    organisation_by_slug,
    user_by_email,
)
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


@click.command("create-user")
@click.option("--org", "org_slug", metavar="SLUG",
              help="The organisation's slug (leave out for a sysadmin).")
@click.option("--email", required=True, help="The person's email address; they sign in with it.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 12 characters. Absent = asked for, without echo.")
def create_user_command(org_slug, email, role, password):
    """Create a staff account with a password (on the web, staff are invited by email)."""
    try:
        organisation = organisation_by_slug(org_slug) if org_slug else None
        user = create_user(email=email, role=role, organisation=organisation, password=password,
                           actor="cli")
    except DomainError as error:
        fail(error)
    where = f"in {organisation.slug}" if organisation else "for this installation"
    click.echo(f"created {role} account {where}")
    click.echo(user.email)


@click.command("create-token")
@click.option("--user", "email", required=True, metavar="EMAIL", help="Whose token it is.")
@click.option("--name", required=True, help="What it is for, e.g. 'case export script'.")
@click.option("--scopes", default="read,write", show_default=True,
              help="read (GET), write (POST, PATCH), or both, comma-separated.")
def create_token_command(email, name, scopes):
    """Create an API token for a staff account. It is printed once and stored as a hash."""
    try:
        user = user_by_email(email)
        if not user.is_active:
            raise click.ClickException(
                "This account is deactivated or has not chosen a password yet, so a token "
                "would not work.")
        token = create_api_token(user, name, scopes.split(","))
    except DomainError as error:
        fail(error)
    click.echo(f"created API token {name.strip()!r} for {user.email} ({user.role}); "
               "it is shown only once:")
    click.echo(token)
