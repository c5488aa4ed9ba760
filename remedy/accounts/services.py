"""Organisation and staff-account use-cases: create, invite, sign in (with throttling and
two-factor codes), reset a password, manage API tokens. Each public function is one unit
of work and writes its audit entry."""

from datetime import timedelta

import pyotp
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from remedy.accounts import domain
from remedy.accounts.domain import OrganisationDraft
from remedy.accounts.models import ApiToken, Organisation, User
from remedy.accounts.passwords import hash_password, new_token, token_hash, verify_password
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, DomainError, NotAuthorised, NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.extensions import db
from remedy.jobs import commit
from remedy.notifications.services import queue_email


def actor_of(user: User | None) -> str:
    return f"user:{user.id}" if user is not None else "system"


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


def organisation_by_slug(slug: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(N_("There is no organisation with this slug."))
    return organisation


def _new_user(email: str, role: str, organisation: Organisation | None, name: str = "") -> User:
    email = domain.parse_user(email=email, role=role,
                              organisation_required=organisation is not None)
    if role != domain.SYSADMIN and organisation is None:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"org": [N_("Staff belong to an organisation.")]})
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(N_("An account with this email address already exists."))
    user = User(email=email, role=role, organisation=organisation, name=name)
    db.session.add(user)
    db.session.flush()
    return user


def _set_password(user: User, password: str, field: str = "password") -> None:
    problems = domain.check_password(password, email=user.email)
    if problems:
        raise ValidationFailed(N_("Some answers need attention."), {field: problems})
    user.password_hash = hash_password(password)
    user.session_version += 1  # every other session ends
    user.failed_logins, user.locked_until = 0, None


def create_user(*, email: str, role: str, organisation: Organisation | None, password: str,
                actor: str = "cli") -> User:
    """An account with a password, for the command line (the web invites instead)."""
    user = _new_user(email, role, organisation)
    _set_password(user, password)
    audit.record("user.created", actor=actor, subject_type="user", subject_id=user.id,
                 organisation_id=user.organisation_id, new={"role": role})
    commit()
    return user


# --- invitations and password resets ----------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def _link_token(user: User, purpose: str) -> str:
    """Signed, expiring, and single-use: it names the password it replaces, so it stops
    working once a password is set."""
    return _serializer(purpose).dumps({"u": user.id, "p": (user.password_hash or "")[-12:]})


def _user_from_link(token: str, purpose: str, hours: int) -> User:
    try:
        data = _serializer(purpose).loads(token, max_age=hours * 3600)
    except SignatureExpired:
        raise DomainError(N_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise DomainError(N_("This link is not valid. Ask for a new one.")) from None
    user = db.session.get(User, data.get("u"))
    if user is None or (user.password_hash or "")[-12:] != data.get("p") or not user.active:
        raise DomainError(N_("This link was already used. Ask for a new one."))
    return user


def invite_user(*, inviter: User, email: str, role: str, name: str = "",
                locale: str | None = None) -> User:
    """An organisation admin invites staff of their own organisation by email, written in
    `locale` (the language the admin is using) until the new member chooses their own."""
    if not domain.at_least(inviter.role, domain.ORG_ADMIN):
        raise NotAuthorised(N_("Only an organisation administrator can invite staff."))
    if role not in (domain.CASEWORKER, domain.SUPERVISOR, domain.ORG_ADMIN):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"role": [N_("Choose only from the options given.")]})
    user = _new_user(email, role, inviter.organisation, name)
    user.locale = locale or inviter.locale
    audit.record("user.invited", actor=actor_of(inviter), subject_type="user", subject_id=user.id,
                 organisation_id=user.organisation_id, new={"role": role})
    url = f"{current_app.config['BASE_URL']}/invite/{_link_token(user, 'invite')}"
    queue_email("staff_invite", to=user.email, locale=user.locale, url=url,
                organisation_name=inviter.organisation.name,
                hours=current_app.config["INVITE_VALID_HOURS"])
    commit()
    return user


def _staff_member(admin: User, user_id: int, own_account_refusal: str) -> User:
    """An account of the admin's own organisation, other than the admin's own (an
    organisation must keep an administrator). NotFound for anyone outside it (as if absent)."""
    if not domain.at_least(admin.role, domain.ORG_ADMIN):
        raise NotAuthorised(N_("Only an organisation administrator can change staff accounts."))
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != admin.organisation_id:
        raise NotFound(N_("There is no such account."))
    if user.id == admin.id:
        raise Conflict(own_account_refusal)
    return user


def deactivate_user(admin: User, user_id: int) -> User:
    """An organisation admin turns off an account of their own organisation; it is signed
    out everywhere at once."""
    user = _staff_member(admin, user_id, N_("You cannot deactivate your own account."))
    if user.active:
        user.active = False
        user.session_version += 1
        audit.record("user.deactivated", actor=actor_of(admin), subject_type="user",
                     subject_id=user.id, organisation_id=user.organisation_id,
                     old={"active": True}, new={"active": False})
    commit()
    return user


def reactivate_user(admin: User, user_id: int) -> User:
    """Undo a deactivation: the account signs in again with its password (sessions from
    before the deactivation stay ended)."""
    user = _staff_member(admin, user_id, N_("You cannot reactivate your own account."))
    if not user.active:
        user.active = True
        audit.record("user.reactivated", actor=actor_of(admin), subject_type="user",
                     subject_id=user.id, organisation_id=user.organisation_id,
                     old={"active": False}, new={"active": True})
    commit()
    return user


def change_role(admin: User, user_id: int, role: str) -> User:
    """An organisation admin gives a member of staff another role; the change applies to
    the next page they open."""
    user = _staff_member(admin, user_id, N_("You cannot change your own role."))
    if role not in (domain.CASEWORKER, domain.SUPERVISOR, domain.ORG_ADMIN):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"role": [N_("Choose only from the options given.")]})
    if user.role != role:
        audit.record("user.role_changed", actor=actor_of(admin), subject_type="user",
                     subject_id=user.id, organisation_id=user.organisation_id,
                     old={"role": user.role}, new={"role": role})
        user.role = role
    commit()
    return user


def invited_user(token: str) -> User:
    return _user_from_link(token, "invite", current_app.config["INVITE_VALID_HOURS"])


def accept_invite(token: str, password: str) -> User:
    user = invited_user(token)
    _set_password(user, password)
    audit.record("user.invite_accepted", actor=actor_of(user), subject_type="user",
                 subject_id=user.id, organisation_id=user.organisation_id)
    commit()
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.is_active:
        return
    url = f"{current_app.config['BASE_URL']}/password/reset/{_link_token(user, 'reset')}"
    queue_email("password_reset", to=user.email, locale=user.locale, url=url,
                hours=current_app.config["RESET_VALID_HOURS"])
    audit.record("user.password_reset_requested", actor="system", subject_type="user",
                 subject_id=user.id, organisation_id=user.organisation_id)
    commit()


def user_for_reset_link(token: str) -> User:
    return _user_from_link(token, "reset", current_app.config["RESET_VALID_HOURS"])


def reset_password(token: str, password: str) -> User:
    user = _user_from_link(token, "reset", current_app.config["RESET_VALID_HOURS"])
    _set_password(user, password)
    audit.record("user.password_reset", actor=actor_of(user), subject_type="user",
                 subject_id=user.id, organisation_id=user.organisation_id)
    commit()
    return user


# --- signing in --------------------------------------------------------------------------------

_REFUSED = N_("The email address or password is not right, or the account is locked for a "
              "while after too many attempts.")


class SecondFactorNeeded(Exception):
    def __init__(self, user: User):
        self.user = user


def authenticate(email: str, password: str) -> User:
    """The user if the password is right. Raises NotAuthorised (one message for every
    reason) or SecondFactorNeeded. Failures count; too many lock the account for a while."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    now = utcnow()
    if user is None:
        verify_password(None, password)
        raise NotAuthorised(_REFUSED)
    if user.locked_until and user.locked_until > now:
        raise NotAuthorised(_REFUSED)
    if not user.is_active or not verify_password(user.password_hash, password):
        user.failed_logins += 1
        config = current_app.config
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
        audit.record("login.failed", actor=actor_of(user), subject_type="user",
                     subject_id=user.id, organisation_id=user.organisation_id)
        commit()
        raise NotAuthorised(_REFUSED)
    if user.totp_enabled:
        raise SecondFactorNeeded(user)
    return _signed_in(user)


def verify_second_factor(user_id: int, code: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.totp_enabled or not _totp_ok(user, code):
        if user is not None:
            audit.record("login.failed", actor=actor_of(user), subject_type="user",
                         subject_id=user.id, organisation_id=user.organisation_id,
                         new={"factor": "totp"})
            commit()
        raise NotAuthorised(N_("This code is not right. Codes change every 30 seconds."))
    return _signed_in(user)


def _signed_in(user: User) -> User:
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
    audit.record("login.succeeded", actor=actor_of(user), subject_type="user",
                 subject_id=user.id, organisation_id=user.organisation_id)
    commit()
    return user


def _totp_ok(user: User, code: str) -> bool:
    """A current code, never one already used (a code seen over a shoulder expires)."""
    totp = pyotp.TOTP(user.totp_secret)
    code = "".join(c for c in (code or "") if c.isdigit())
    now = utcnow()
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=30 * offset)
        step = int(moment.timestamp()) // 30
        if totp.at(moment) == code and step != user.totp_last_step and len(code) == 6:
            user.totp_last_step = step
            return True
    return False


def start_totp(user: User) -> str:
    """A new secret to scan; two-factor is on only once a code from it is confirmed."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    commit()
    return user.totp_secret


def confirm_totp(user: User, code: str) -> None:
    if not user.totp_secret or not _totp_ok(user, code):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"code": [N_("This code is not right. Codes change every 30 seconds.")]})
    user.totp_enabled = True
    audit.record("user.totp_enabled", actor=actor_of(user), subject_type="user",
                 subject_id=user.id, organisation_id=user.organisation_id)
    commit()


def disable_totp(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"password": [N_("This password is not right.")]})
    user.totp_enabled, user.totp_secret = False, None
    audit.record("user.totp_disabled", actor=actor_of(user), subject_type="user",
                 subject_id=user.id, organisation_id=user.organisation_id)
    commit()


def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Remedy")


# --- API tokens ---------------------------------------------------------------------------------


def create_api_token(user: User, name: str, scopes=(domain.READ, domain.WRITE)) -> str:
    """A new token for `user` with `scopes` (read, write); returned once, stored as a hash."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"name": [N_("Give the token a name of up to 100 characters.")]})
    scopes = domain.parse_scopes(scopes)
    token = new_token()
    row = ApiToken(user=user, name=name, token_hash=token_hash(token), prefix=token[:10],
                   scopes=scopes)
    db.session.add(row)
    db.session.flush()
    audit.record("token.created", actor=actor_of(user), subject_type="api_token",
                 subject_id=row.id, organisation_id=user.organisation_id,
                 new={"name": name, "scopes": scopes})
    commit()
    return token


def revoke_api_token(user: User, token_id: int) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(N_("There is no such token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("token.revoked", actor=actor_of(user), subject_type="api_token",
                     subject_id=row.id, organisation_id=user.organisation_id)
    commit()


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = live_token(token)
    return row.user if row else None


def live_token(token: str) -> ApiToken | None:
    """The token row of a bearer token that works (not revoked, its user active), or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token or "")))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or row.last_used_at < now - timedelta(minutes=5):
        row.last_used_at = now
        commit()
    return row


def user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise NotFound(N_("There is no account with this email address."))
    return user


def remember_locale(user: User, locale: str) -> None:
    """A member of staff chose a language: their emails follow it."""
    if user.locale != locale:
        user.locale = locale
        commit()


def update_publishing(admin: User, *, publishes_names: bool) -> None:
    """An organisation admin chooses whether the public observatory names the AI systems and
    organisations complained about in the organisation's cases. It takes effect at once (the
    observatory reads the setting when it publishes)."""
    if not domain.at_least(admin.role, domain.ORG_ADMIN) or admin.organisation is None:
        raise NotFound(N_("There is no such page."))
    organisation = admin.organisation
    old = organisation.publishes_names
    organisation.publishes_names = bool(publishes_names)
    audit.record("organisation.publishing", actor=actor_of(admin), subject_type="organisation",
                 subject_id=organisation.id, organisation_id=organisation.id,
                 old={"publishes_names": old}, new={"publishes_names": organisation.publishes_names})
    commit()
