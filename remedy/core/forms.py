"""What every HTML form does with a domain refusal: put each message beside its field."""

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from remedy.core.errors import DomainError
from remedy.core.i18n import translate, translate_fields


def attach_failure(form, failure: DomainError, default_field: str) -> None:
    """Errors keyed by field name go to that field (`consents.contact` -> `consent_contact`
    is the caller's business); anything else, and a refusal without fields, to
    `default_field`."""
    fallback = getattr(form, default_field)
    fields = translate_fields(failure.fields)
    if not fields:
        fallback.errors = list(fallback.errors or []) + [translate(failure.message)]
    for name, messages in fields.items():
        field = getattr(form, name, None) or fallback
        field.errors = list(field.errors or []) + messages


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (a fieldset in templates/_macros)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def failed_forms(forms) -> list:
    """The forms of a page's answer that carry errors, for the summary at its top: the
    person sees why even when the page no longer shows that form (the case moved on, the
    complaint was withdrawn in another tab)."""
    return [form for form in forms if getattr(form, "errors", None)]
