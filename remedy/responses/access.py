"""Who may answer for a respondent: the holder of a request's access link (that request
only), or a respondent account (every request sent to its respondent), in the portal or
with an account's API token. Nothing here ever opens a case of staff.

A link is `<request id>.<HMAC(secret key, id and nonce)>`: it can be sent again in a
reminder without storing it, and a new nonce (renewal, revocation) kills every old link.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from remedy.accounts.domain import check_password
from remedy.accounts.models import User
from remedy.accounts.passwords import hash_password, new_token, token_hash, verify_password
from remedy.accounts.services import actor_of
from remedy.core import audit
from remedy.core.db import as_id, utcnow
from remedy.core.errors import DomainError, NotAuthorised, NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.extensions import db
from remedy.jobs import commit
from remedy.notifications.services import queue_email
from remedy.registry.models import Respondent
from remedy.responses.models import RespondentAccount, RespondentRequest, RespondentToken

BAD_LINK = N_("This link does not work: it is wrong, has expired, or was withdrawn. "
              "Ask the caseworker who wrote to you for a new one.")


@dataclass(frozen=True)
class RespondentPrincipal:
    """Someone answering for a respondent. A link opens one request; an account, all of
    its respondent's."""

    respondent_id: int
    organisation_id: int
    actor: str
    request_id: int | None = None
    account_id: int | None = None

    def may_open(self, request: RespondentRequest) -> bool:
        if request.respondent_id != self.respondent_id or request.organisation_id != self.organisation_id:
            return False
        return self.request_id is None or request.id == self.request_id


# --- access links -------------------------------------------------------------------------


def _signature(request_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"respondent-link:{request_id}:{nonce}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def link_token(request: RespondentRequest) -> str:
    return f"{request.id}.{_signature(request.id, request.link_nonce)}"


def access_link(request: RespondentRequest) -> str:
    return f"{current_app.config['BASE_URL']}/respond/open/{link_token(request)}"


def link_expiry(final_due_on):
    """The end of the day, some days after the final answer was due."""
    last_day = final_due_on + timedelta(days=current_app.config["RESPONDENT_LINK_DAYS_AFTER_DEADLINE"])
    return datetime.combine(last_day, time(23, 59), tzinfo=UTC)


def request_for_link(token: str | None) -> RespondentRequest:
    """The request a link opens, or NotAuthorised (wrong, expired or withdrawn)."""
    request_id, _, signature = (token or "").partition(".")
    request = db.session.get(RespondentRequest, as_id(request_id)) if as_id(request_id) else None
    expected = _signature(request.id, request.link_nonce) if request is not None else "x" * 40
    if (request is None or not hmac.compare_digest(expected, signature)
            or request.revoked_at is not None or request.link_expires_at < utcnow()):
        raise NotAuthorised(BAD_LINK)
    return request


def link_principal(request: RespondentRequest) -> RespondentPrincipal:
    return RespondentPrincipal(request.respondent_id, request.organisation_id,
                               f"respondent-link:{request.id}", request_id=request.id)


# --- accounts -----------------------------------------------------------------------------


def account_principal(account: RespondentAccount) -> RespondentPrincipal:
    return RespondentPrincipal(account.respondent_id, account.organisation_id,
                               f"respondent-account:{account.id}", account_id=account.id)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respondent-account")


def invite_account(user: User, respondent_id: int, email: str, *, locale: str) -> RespondentAccount:
    """A supervisor gives someone at a respondent an account for the portal; they get a
    link to choose a password. The account sees only that respondent's requests."""
    respondent = db.session.get(Respondent, respondent_id)
    if respondent is None:
        raise NotFound(N_("There is no such respondent."))
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or " " in email:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"email": [N_("Write an email address like name@example.org.")]})
    if db.session.scalar(select(RespondentAccount.id).where(RespondentAccount.email == email)) \
            or db.session.scalar(select(User.id).where(User.email == email)):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"email": [N_("This email address already has an account.")]})
    account = RespondentAccount(respondent=respondent, organisation_id=user.organisation_id,
                                email=email, invited_by_id=user.id)
    db.session.add(account)
    db.session.flush()
    audit.record("respondent_account.invited", actor=actor_of(user),
                 subject_type="respondent", subject_id=respondent.id,
                 organisation_id=user.organisation_id, new={"account": account.id})
    token = _serializer().dumps({"a": account.id, "p": ""})
    queue_email("respondent_invite", to=email, locale=locale, respondent_name=respondent.name,
                organisation_name=user.organisation.name,
                url=f"{current_app.config['BASE_URL']}/respond/welcome/{token}",
                hours=current_app.config["INVITE_VALID_HOURS"])
    commit()
    return account


def account_for_invite(token: str) -> RespondentAccount:
    try:
        data = _serializer().loads(token, max_age=current_app.config["INVITE_VALID_HOURS"] * 3600)
    except SignatureExpired:
        raise DomainError(N_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise DomainError(N_("This link is not valid. Ask for a new one.")) from None
    account = db.session.get(RespondentAccount, data.get("a"))
    if account is None or account.password_hash is not None or not account.active:
        raise DomainError(N_("This link was already used. Ask for a new one."))
    return account


def accept_invite(token: str, password: str) -> RespondentAccount:
    account = account_for_invite(token)
    problems = check_password(password, email=account.email)
    if problems:
        raise ValidationFailed(N_("Some answers need attention."), {"password": problems})
    account.password_hash = hash_password(password)
    audit.record("respondent_account.activated", actor=f"respondent-account:{account.id}",
                 subject_type="respondent", subject_id=account.respondent_id)
    commit()
    return account


def authenticate_account(email: str, password: str) -> RespondentAccount:
    account = db.session.scalar(select(RespondentAccount).where(
        RespondentAccount.email == (email or "").strip().lower()))
    ok = verify_password(account.password_hash if account else None, password)
    if not ok or account is None or not account.active:
        raise NotAuthorised(N_("The email address or the password is wrong."))
    account.last_login_at = utcnow()
    audit.record("respondent_account.signed_in", actor=f"respondent-account:{account.id}",
                 subject_type="respondent", subject_id=account.respondent_id)
    commit()
    return account


def active_account(account_id, version) -> RespondentAccount | None:
    account = db.session.get(RespondentAccount, account_id) if isinstance(account_id, int) else None
    if account is None or not account.active or account.session_version != version \
            or account.password_hash is None:
        return None
    return account


def accounts_of(user: User, respondent_id: int) -> list[RespondentAccount]:
    """The portal accounts the user's organisation gave this respondent."""
    return db.session.scalars(select(RespondentAccount).where(
        RespondentAccount.respondent_id == respondent_id,
        RespondentAccount.organisation_id == user.organisation_id,
    ).order_by(RespondentAccount.email)).all()


def deactivate_account(user: User, respondent_id: int, account_id: int) -> None:
    account = db.session.get(RespondentAccount, account_id)
    if account is None or account.respondent_id != respondent_id \
            or account.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such account."))
    if account.active:
        account.active = False
        account.session_version += 1
        for token in db.session.scalars(select(RespondentToken).where(
                RespondentToken.account_id == account.id, RespondentToken.revoked_at.is_(None))):
            token.revoked_at = utcnow()
        audit.record("respondent_account.deactivated", actor=actor_of(user),
                     subject_type="respondent", subject_id=respondent_id,
                     organisation_id=user.organisation_id, new={"account": account.id})
    commit()


# --- API tokens of accounts ---------------------------------------------------------------


def create_token(account: RespondentAccount, name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"name": [N_("Give the token a name of up to 100 characters.")]})
    token = new_token("rsp")
    row = RespondentToken(account=account, name=name, token_hash=token_hash(token),
                          prefix=token[:10])
    db.session.add(row)
    db.session.flush()
    audit.record("respondent_token.created", actor=f"respondent-account:{account.id}",
                 subject_type="respondent", subject_id=account.respondent_id,
                 new={"token": row.id, "name": name})
    commit()
    return token


def tokens_of(account: RespondentAccount) -> list[RespondentToken]:
    return db.session.scalars(select(RespondentToken).where(
        RespondentToken.account_id == account.id).order_by(RespondentToken.id)).all()


def revoke_token(account: RespondentAccount, token_id: int) -> None:
    row = db.session.get(RespondentToken, token_id)
    if row is None or row.account_id != account.id:
        raise NotFound(N_("There is no such token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("respondent_token.revoked", actor=f"respondent-account:{account.id}",
                     subject_type="respondent", subject_id=account.respondent_id,
                     new={"token": row.id})
    commit()


def principal_for_bearer(token: str) -> RespondentPrincipal:
    """A respondent's API caller: an account's token, or the token of an access link."""
    token = (token or "").strip()
    if token.startswith("rsp"):
        row = db.session.scalar(select(RespondentToken).where(
            RespondentToken.token_hash == token_hash(token)))
        if row is None or row.revoked_at is not None or not row.account.active:
            raise NotAuthorised(N_("Send a valid respondent token: Authorization: Bearer <token>."))
        now = utcnow()
        if row.last_used_at is None or row.last_used_at < now - timedelta(minutes=5):
            row.last_used_at = now
            commit()
        return account_principal(row.account)
    try:
        return link_principal(request_for_link(token))
    except NotAuthorised:
        raise NotAuthorised(
            N_("Send a valid respondent token: Authorization: Bearer <token>.")) from None
