"""Cross-border referrals: a directory of authorities, routing a case to the right one with
reasons, and referrals between organisations on this installation or others (over the
signed federation channel), with consent deciding what personal data crosses."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)


def init_app(app) -> None:
    from remedy.cases import views as case_views
    from remedy.core.hooks import add_once
    from remedy.core.vocabulary import ORG_TYPES, RIGHTS_DIMENSIONS, SECTORS
    from remedy.federation import inbox, rotation
    from remedy.referrals import (
        directory,
        domain,
        incoming,
        receivers,
        routing,
        services,
        views,
        wording,
    )

    receivers.connect()
    inbox.HANDLERS.update({services.OFFER: incoming.receive_offer,
                              services.STEP: incoming.receive_step,
                              services.ERASE: incoming.receive_erasure,
                              rotation.KIND: directory.learn_rotated_key})
    add_once(inbox.KEY_LOOKUPS, directory.trusted_key)
    add_once(rotation.PEER_URLS, directory.peer_urls)
    add_once(case_views.CASE_PAGE_SECTIONS, views.case_context)
    app.jinja_env.globals["referral_words"] = {
        "states": domain.STATES, "actions": domain.ACTIONS, "events": domain.EVENTS, "reasons": routing.REASONS,
        "notes": routing.NOTES, "reason": views.reason_text, "pseudonym": wording.pseudonym_text,
        "sectors": SECTORS,
        "rights": RIGHTS_DIMENSIONS, "types": ORG_TYPES,
    }
