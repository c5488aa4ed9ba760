"""The registry pages: everyone on staff finds; supervisors correct."""

import re

from tests.cases.conftest import file_complaint
from tests.web import post_form


def test_staff_find_a_respondent_and_supervisors_correct_it(app, staff, as_role):
    file_complaint(app, deployer="Uber B.V.", deployer_country="NL")
    cw = as_role("caseworker")
    listing = cw.get("/registry?q=uber").get_data(as_text=True)
    url = re.search(r'href="(/registry/respondents/\d+)"', listing).group(1)
    page = cw.get(url).get_data(as_text=True)
    assert "Uber B.V." in page and "Correct this entry" not in page
    assert post_form(cw, url, {"kind": "provider"}, token_from="/cases").status_code == 403

    sup = as_role("supervisor")
    bad = post_form(sup, url, {"main_establishment_country": "ZZ", "kind": "deployer",
                               "aliases": "Uber B.V.\nUber"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="main_establishment_country-error"' in html and "Uber B.V.\nUber</textarea>" in html
    good = post_form(sup, url, {"main_establishment_country": "NL", "kind": "deployer",
                                "contact_email": "complaints@uber.example",
                                "aliases": "Uber B.V.\nUber"})
    assert good.status_code == 302
    page = sup.get(good.location).get_data(as_text=True)
    assert "complaints@uber.example" in page and ">Uber<" in page
