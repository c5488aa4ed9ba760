"""Forms of referrals and of the directory; the rules live in `services` and `directory`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SelectField, SelectMultipleField, StringField, TextAreaField

from remedy.core.forms import ListSelectField


class ReferralForm(FlaskForm):
    authority_id = SelectField(_l("Authority to refer the case to"), coerce=str,
                               validate_choice=False)
    message = TextAreaField(
        _l("Message to the authority"),
        description=_l("What you ask of them and why they are the right authority."),
        render_kw={"rows": 5, "maxlength": 5000})


class StepForm(FlaskForm):
    text = TextAreaField(_l("Your words"), render_kw={"rows": 4, "maxlength": 5000})


class AuthorityForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    country = ListSelectField(_l("Country"), validate_choice=False)
    type = SelectField(_l("Type of authority"), validate_choice=False)
    sectors = SelectMultipleField(_l("Areas of life it covers (none = all)"),
                                  validate_choice=False)
    rights_dimensions = SelectMultipleField(_l("Rights it covers (none = all)"),
                                            validate_choice=False)
    languages = StringField(_l("Languages it works in"),
                            description=_l("Language codes separated by commas, like fr, en."))
    base_url = StringField(_l("Address of its Remedy installation (if on another one)"),
                           description=_l("Like https://remedy.example.org"))
    slug = StringField(_l("Its short name on that installation (as in its web addresses)"))
    public_key = TextAreaField(_l("Public key of that installation"),
                               description=_l("As `remedy federation-keys` prints it there."),
                               render_kw={"rows": 2})
    contact_email = StringField(_l("Contact email"))


class ImportForm(FlaskForm):
    file = FileField(_l("Directory file (JSON)"))
