"""The web forms of staff accounts. They render fields, check CSRF and collect what was
typed; whether a password is strong enough or a code is right is decided by
`accounts.domain` and `accounts.services`, which the command line uses too."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import Length

from remedy.accounts import domain
from remedy.accounts.domain import READ, TOKEN_SCOPES, WRITE
from remedy.core.forms import MultiCheckboxField
from remedy.core.i18n import translate

_EMAIL = {"type": "email", "autocomplete": "username", "spellcheck": "false",
          "autocapitalize": "none"}
_NEW_PASSWORD = {"autocomplete": "new-password"}
_CODE = {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*",
         "maxlength": 7}


class LoginForm(FlaskForm):
    email = StringField(_l("Email address"), render_kw=_EMAIL)
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class CodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"),
                       description=_l("Six digits, like 123456. A new code appears every 30 seconds."),
                       render_kw=_CODE)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A sentence you can remember works well."),
        render_kw=_NEW_PASSWORD,
    )
    confirm = PasswordField(_l("The same password again"), render_kw=_NEW_PASSWORD)


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email address"), render_kw=_EMAIL)


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the new token"),
                       description=_l("What it is for, like “case export script”."),
                       render_kw={"maxlength": 100, "autocomplete": "off"})
    scopes = MultiCheckboxField(_l("What the token may do"),
                                choices=[(key, _l(label)) for key, label in TOKEN_SCOPES.items()],
                                default=[READ, WRITE])


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("Your password"),
                             description=_l("To turn off two-step sign-in, confirm it is you."),
                             render_kw={"autocomplete": "current-password"})


INVITABLE_ROLES = (domain.CASEWORKER, domain.SUPERVISOR, domain.ORG_ADMIN)


class InviteForm(FlaskForm):
    email = StringField(_l("Email address"),
                        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"})
    name = StringField(_l("Name (optional)"), render_kw={"maxlength": 200, "autocomplete": "off"},
                       validators=[Length(max=200, message=_l("Use at most 200 characters."))])
    role = SelectField(_l("Role"), default=domain.CASEWORKER, validate_choice=False)

    def fill_choices(self) -> None:
        """Labels in the reader's language, so built per request."""
        self.role.choices = [(r, translate(domain.ROLE_LABELS[r])) for r in INVITABLE_ROLES]
