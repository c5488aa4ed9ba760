"""`ListSelect` renders exactly what WTForms' `Select` renders, from its cache."""

import pytest
from wtforms import Form, SelectField

from remedy.core.forms import ListSelectField, _rendered_options

CHOICES = [("", "—"), ("FR", "France"), ("CI", "Côte d’Ivoire"), ("X&Y", "<b>Tom & Jerry</b>")]


class _Plain(Form):
    country = SelectField("Country", choices=CHOICES, validate_choice=False)


class _Listed(Form):
    country = ListSelectField("Country", choices=CHOICES, validate_choice=False)


@pytest.mark.parametrize("value", [None, "", "FR", "X&Y", "not a choice"])
def test_the_same_html_as_wtforms_whatever_is_selected(value):
    data = {} if value is None else {"country": value}
    plain, listed = _Plain(data=data), _Listed(data=data)
    assert str(listed.country(class_="wide")) == str(plain.country(class_="wide"))


def test_the_selected_option_is_marked_once_and_escaped():
    html = str(_Listed(data={"country": "X&Y"}).country())
    assert html.count(" selected") == 1
    assert '<option selected value="X&amp;Y">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</option>' in html


def test_each_list_is_rendered_once_and_other_labels_are_another_list():
    _rendered_options.cache_clear()
    for value in ("FR", "CI", ""):
        _Listed(data={"country": value}).country()
    assert _rendered_options.cache_info().misses == 1
    french = _Listed(data={"country": "FR"})
    french.country.choices = [("", "—"), ("FR", "La France")]
    assert ">La France</option>" in str(french.country())
    assert _rendered_options.cache_info().misses == 2


def test_options_with_attributes_are_rendered_by_wtforms():
    form = _Listed(data={"country": "FR"})
    form.country.choices = [("FR", "France", {"lang": "fr"})]
    assert str(form.country()) == (
        '<select id="country" name="country"><option lang="fr" selected value="FR">France'
        "</option></select>")
