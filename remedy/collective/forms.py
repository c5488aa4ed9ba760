"""Forms of collective claims; the rules live in `collective.services` and `domain`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class ClaimForm(FlaskForm):
    title = StringField(_l("Title of the claim"), render_kw={"maxlength": 200})
    representative_name = StringField(
        _l("Representative organisation (optional)"),
        description=_l("An organisation that pursues the claim for its members."),
        render_kw={"maxlength": 200})


class DuplicateForm(FlaskForm):
    original = StringField(_l("Reference of the original complaint"),
                           description=_l("The same person's earlier complaint, like RMD-7KQ3-9XPM."),
                           render_kw={"autocomplete": "off"})
    reason = TextAreaField(_l("Note for the complainant (optional)"), id="duplicate-reason",
                           render_kw={"rows": 2})
