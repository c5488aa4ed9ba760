"""The daily job of referrals: the receiving organisation is reminded before the reply is
due; a sender whose referral got no reply in time sees it on the attention list."""

from datetime import timedelta

from sqlalchemy import select

from remedy.accounts.domain import SUPERVISOR, at_least
from remedy.accounts.models import User
from remedy.cases.services import flag_attention
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.jobs import commit
from remedy.notifications.services import queue_email
from remedy.referrals import domain
from remedy.referrals.models import Referral

REMIND_DAYS_BEFORE = 3


def check_referral_deadlines(today=None) -> dict[str, int]:
    """Returns {"reminded", "late"}."""
    today = today or utcnow().date()
    counts = {"reminded": 0, "late": 0}
    waiting = db.session.scalars(select(Referral).where(
        Referral.state.in_(domain.AWAITING_REPLY), Referral.reply_due.is_not(None))
        .order_by(Referral.id)).all()
    for referral in waiting:
        if referral.direction == "incoming" and referral.reminded_on is None \
                and today >= referral.reply_due - timedelta(days=REMIND_DAYS_BEFORE):
            counts["reminded"] += _remind(referral)
        elif referral.direction == "outgoing" and today > referral.reply_due \
                and referral.reminded_on is None and referral.case is not None:
            flag_attention(referral.case, "referral_late")
            referral.reminded_on = today
            counts["late"] += 1
    commit()
    return counts


def _remind(referral: Referral) -> int:
    """An email to each supervisor and admin of the receiving organisation, once."""
    staff = db.session.scalars(select(User).where(
        User.organisation_id == referral.organisation_id, User.active.is_(True))).all()
    for user in staff:
        if at_least(user.role, SUPERVISOR):
            queue_email("referral_reminder", to=user.email, locale=user.locale or "en",
                        dedupe_key=f"referral-reminder:{referral.id}:{user.id}",
                        sender=referral.counterpart.get("name") or "",
                        organisation_name=referral.organisation.name,
                        due=referral.reply_due.isoformat(), referral_id=referral.id)
    referral.reminded_on = utcnow().date()
    return 1
