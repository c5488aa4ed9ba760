"""What every HTML form does with a domain refusal: put each message beside its field; and
the fields several features share."""

from functools import lru_cache

from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget, Select

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


class ListSelect(Select):
    """WTForms' `<select>`, with each list of options rendered once (per language, since the
    labels are part of the key) instead of on every page: a list of countries is 250 options,
    and putting each through `html_params` cost the complaint form 50 ms of its 60."""

    def __call__(self, field, **kwargs):
        choices = list(field._iter_choices_normalized())
        if self.multiple or field.has_groups() or any(c.render_kw for c in choices):
            return super().__call__(field, **kwargs)
        options = _rendered_options(tuple((str(c.value), str(c.label)) for c in choices))
        shell = str(super().__call__(_NoChoices(field), **kwargs))  # <select ...></select>
        inner = "".join(options[i][c.selected] for i, c in enumerate(choices))
        return Markup(shell[: -len("</select>")] + inner + "</select>")


class _NoChoices:
    """A field seen through by `Select.__call__` to render only the `<select>` element."""

    def __init__(self, field):
        self._field = field

    def __getattr__(self, name):
        return getattr(self._field, name)

    def has_groups(self):
        return False

    def _iter_choices_normalized(self):
        return iter(())


@lru_cache(maxsize=256)
def _rendered_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Each option as (not selected, selected) HTML."""
    from wtforms.fields.choices import Choice

    return tuple(
        tuple(str(Select.render_option(Choice(value, label, selected, {})))
              for selected in (False, True))
        for value, label in choices
    )


class ListSelectField(SelectField):
    """A `SelectField` for long lists (countries, languages): see `ListSelect`."""

    widget = ListSelect()
