"""Forms of the caseworkers' pages. Choices are filled per request (labels translated)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from remedy.cases import domain
from remedy.core.i18n import translate


class TransitionForm(FlaskForm):
    to = SelectField(_l("Next step"), validate_choice=False)
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The complainant sees this reason. Needed to ask for information, "
                       "to close, to refer and to reopen."),
        render_kw={"rows": 4, "maxlength": 5000},
    )
    other_bodies = TextAreaField(
        _l("Where else the complainant can turn (if inadmissible)"),
        description=_l("For example: the data protection authority, an ombudsman, a court."),
        render_kw={"rows": 3, "maxlength": 5000},
    )

    def fill(self, case, role: str | None) -> "TransitionForm":
        """The steps this role may take from the case's state (none without a case), and, on
        a case nobody follows as its complainant here (a collective claim's, one referred
        in), a hint that says so."""
        targets = domain.allowed_targets(case.state, domain.STAFF, role) if case else []
        self.to.choices = [(t, translate(domain.ACTION_LABELS[t])) for t in targets]
        if case is not None and case.complaint is None:
            self.reason.description = _l(
                "Kept in the case's history for your organisation: no complainant follows this "
                "case here. Needed to close, to refer and to reopen.")
        return self


class ApprovalForm(FlaskForm):
    decision = HiddenField()
    reason = TextAreaField(_l("Why you turn it down (if you do)"), id="approval-reason",
                           render_kw={"rows": 2})


class NoteForm(FlaskForm):
    # Ids of their own: the case page holds several forms with a `body` or a `reason`.
    body = TextAreaField(_l("Internal note"), id="note-body",
                         description=_l("Only staff of your organisation see notes."),
                         render_kw={"rows": 4})


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message to the complainant"),
                         description=_l("The complainant reads it on their tracking page and is "
                                        "told by email if they agreed to be contacted."),
                         render_kw={"rows": 4})


class RemedyForm(FlaskForm):
    remedy_type = SelectField(_l("Remedy"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    due_on = StringField(_l("Due date (optional)"), render_kw={"type": "date"})
    follow_up = TextAreaField(_l("Follow-up"), render_kw={"rows": 2})


class AssignForm(FlaskForm):
    case_ids = SelectMultipleField(_l("Cases"), validate_choice=False, coerce=str)
    assignee = SelectField(_l("Assign to"), validate_choice=False)


class PriorityForm(FlaskForm):
    priority = SelectField(_l("Priority"), validate_choice=False)


class EraseForm(FlaskForm):
    reason = TextAreaField(_l("Why (for example: the complainant asked on 3 March)"),
                           id="erase-reason", render_kw={"rows": 2})
    confirm = BooleanField(_l("Erase the complainant's personal data and story for good. "
                              "The numbers used in statistics stay."))
