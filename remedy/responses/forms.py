"""Forms of respondent responses. They check CSRF and collect what was typed; the rules
live in `responses.domain`, which the API uses too. Choices are filled per request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    MultipleFileField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)

from remedy.core.forms import MultiCheckboxField
from remedy.core.i18n import translate
from remedy.core.vocabulary import REMEDIES
from remedy.responses import domain


class RequestForm(FlaskForm):
    """A caseworker's request to the respondent."""

    target = RadioField(_l("Send to"), default="deployer", validate_choice=False)
    questions = MultiCheckboxField(_l("Questions to answer"), validate_choice=False,
                                   default=list(domain.QUESTIONS))
    extra_question = TextAreaField(_l("Another question (optional)"), render_kw={"rows": 3})
    summary = TextAreaField(
        _l("Summary of the complaint for the respondent"),
        description=_l("Required when the complainant has not agreed to be named to the "
                       "respondent: write what happened without anything that identifies them."),
        render_kw={"rows": 5})

    def fill_choices(self, targets):
        self.target.choices = targets
        self.questions.choices = [(k, translate(v)) for k, v in domain.QUESTIONS.items()]

    def values(self) -> dict:
        return {"target": self.target.data, "questions": self.questions.data or [],
                "extra_question": self.extra_question.data, "summary": self.summary.data}


class ResponseForm(FlaskForm):
    """The respondent's answer."""

    category = RadioField(_l("Your answer"), validate_choice=False)
    explanation = TextAreaField(_l("Explain the decision and the role the AI system played in it"),
                                render_kw={"rows": 6})
    human_review = TextAreaField(_l("Did a person review the decision? How?"), render_kw={"rows": 3})
    data_used = TextAreaField(_l("What data about the person was used?"), render_kw={"rows": 3})
    remedy_offered = TextAreaField(_l("What do you offer to put things right?"),
                                   render_kw={"rows": 3})
    remedy_types = MultiCheckboxField(_l("Remedies you offer"), validate_choice=False)
    remedy_due_on = StringField(_l("By when will the remedy be carried out?"),
                                render_kw={"type": "date"})
    extra_answer = TextAreaField(_l("Your answer to the caseworker's other question"),
                                 render_kw={"rows": 3})
    final_due = StringField(_l("If in progress: when will you give your final answer?"),
                               render_kw={"type": "date"})
    suggested_respondent = StringField(
        _l("If you are the wrong organisation: who should answer instead?"),
        render_kw={"maxlength": 300})
    public_response = TextAreaField(
        _l("A public response (optional)"),
        description=_l("May be shown beside the case in the public observatory. Do not write "
                       "anything about the person here."),
        render_kw={"rows": 3})
    documents = MultipleFileField(
        _l("Documents (optional)"),
        description=_l("Only the caseworker sees documents; the complainant reads your written "
                       "answers."))

    def fill_choices(self):
        self.category.choices = [(k, translate(v)) for k, v in domain.CATEGORIES.items()]
        self.remedy_types.choices = [(k, translate(v)) for k, v in REMEDIES.items()]

    def values(self) -> dict:
        names = ("category", "explanation", "human_review", "data_used", "remedy_offered",
                 "remedy_due_on", "extra_answer", "final_due", "suggested_respondent",
                 "public_response")
        values = {name: getattr(self, name).data for name in names}
        values["remedy_types"] = self.remedy_types.data or []
        return values


class FeedbackForm(FlaskForm):
    """The complainant's say on the respondent's answer."""

    satisfied = RadioField(_l("Does this answer resolve the matter for you?"),
                           validate_choice=False)
    comment = TextAreaField(_l("Why? (needed if it does not)"), render_kw={"rows": 4})

    def fill_choices(self):
        self.satisfied.choices = [("yes", translate(_l("Yes, it resolves the matter"))),
                                  ("no", translate(_l("No, it does not")))]


class RemedyCheckForm(FlaskForm):
    """Several of these can be on one page, each with its own prefix; the CSRF token is the
    page's own (checked for every form post by core.security.require_csrf)."""

    class Meta:
        csrf = False

    happened = RadioField(_l("Did it happen?"), validate_choice=False)
    comment = TextAreaField(_l("Anything to add? (optional)"), render_kw={"rows": 3})

    def fill_choices(self):
        self.happened.choices = [("yes", translate(_l("Yes"))), ("no", translate(_l("No")))]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"})


class WelcomeForm(FlaskForm):
    password = PasswordField(_l("Choose a password"),
                             description=_l("At least 12 characters; a sentence works well."),
                             render_kw={"autocomplete": "new-password"})


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address of the person who will answer"))


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), render_kw={"maxlength": 100})
