"""The caseworker's review of a story before it goes out; the rules live in `services`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class NarrativeForm(FlaskForm):
    text = TextAreaField(
        _l("The story as the public will read it"),
        description=_l("Check every line. Replace anything that could identify someone with "
                       "XXXX. Nothing is published while the automatic scrub still finds "
                       "something in it."),
        render_kw={"rows": 14, "maxlength": 20000, "dir": "auto"})
