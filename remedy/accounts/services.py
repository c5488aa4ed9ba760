"""Organisation use-cases."""

from sqlalchemy import select

from remedy.accounts.domain import OrganisationDraft
from remedy.accounts.models import Organisation
from remedy.core import audit
from remedy.core.errors import Conflict
from remedy.core.messages import N_
from remedy.extensions import db
from remedy.jobs import commit


def create_organisation(draft: OrganisationDraft, *, actor: str = "system") -> Organisation:
    if db.session.scalar(select(Organisation.id).where(Organisation.slug == draft.slug)):
        raise Conflict(N_("An organisation with this slug already exists."))
    organisation = Organisation(
        name=draft.name, slug=draft.slug, country=draft.country, org_type=draft.org_type,
        sectors=list(draft.sectors), rights_dimensions=list(draft.rights_dimensions),
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.created", actor=actor, subject_type="organisation",
                 subject_id=organisation.id, organisation_id=organisation.id,
                 new={"slug": draft.slug, "country": draft.country, "type": draft.org_type})
    commit()
    return organisation
