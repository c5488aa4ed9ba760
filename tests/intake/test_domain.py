"""The rules of intake, without a request or a database."""

import re
from datetime import date

import pytest

from remedy.core.errors import ValidationFailed
from remedy.intake import domain, references
from remedy.intake.domain import parse_complaint
from remedy.intake.routing import OrganisationRemit, choose_organisation
from tests.factories import complaint_payload

TODAY = date(2026, 11, 27)


def parse(**changes):
    return parse_complaint(complaint_payload(**changes), today=TODAY, default_language="en")


def errors_of(**changes) -> dict:
    with pytest.raises(ValidationFailed) as failure:
        parse(**changes)
    return {k: [str(m) for m in v] for k, v in failure.value.fields.items()}


def test_valid_individual_complaint_is_parsed_and_cleaned():
    draft = parse(title="  Rejected\u0000 by a tool  ", deployer_country="nl")
    assert draft.title == "Rejected by a tool"
    assert draft.deployer_country == "NL"
    assert draft.consents == domain.Consents()
    assert draft.contact is None
    assert draft.affected_people == 1


@pytest.mark.parametrize("name", ["filer_type", "title", "narrative", "complainant_country",
                                  "ai_system", "sector", "rights_dimensions"])
def test_each_required_field_missing_is_named(name):
    assert name in errors_of(**{name: None})


def test_every_problem_is_reported_at_once():
    errors = errors_of(title="", narrative="short", sector="mining", complainant_country="XX")
    assert {"title", "narrative", "sector", "complainant_country"} <= set(errors)


@pytest.mark.parametrize("field, value", [
    ("title", "ab"), ("title", "x" * 201), ("narrative", "x" * 19), ("narrative", "x" * 20_001),
    ("narrative", "x" * 1_000_000), ("ai_system", "x" * 201),
])
def test_lengths_are_enforced(field, value):
    assert field in errors_of(**{field: value})


@pytest.mark.parametrize("field, value", [
    ("title", 42), ("narrative", ["a list"]), ("rights_dimensions", "privacy_data_protection"),
    ("rights_dimensions", ["privacy_data_protection", 3]), ("group_size", "many"),
    ("consents", {"contact": "yes"}), ("contact", "me@example.org"), ("date_of_harm", 20250101),
    ("filer_type", ["individual"]),
])
def test_wrong_types_are_refused(field, value):
    errors = errors_of(**{field: value})
    assert any(key == field or key.startswith(field + ".") for key in errors)


def test_unknown_fields_are_named():
    assert "rights_dimension" in errors_of(rights_dimension=["privacy_data_protection"])


@pytest.mark.parametrize("code", ["XX", "DNK", "dk1", "", "12"])
def test_invalid_country_codes(code):
    if code:
        assert "complainant_country" in errors_of(complainant_country=code)


@pytest.mark.parametrize("tag, expected", [("da", "da"), ("zh-hans", "zh-Hans"), ("pt_br", "pt-BR"),
                                           ("fil", "fil")])
def test_language_tags_are_canonicalised(tag, expected):
    assert parse(language=tag).language == expected


@pytest.mark.parametrize("tag", ["xx", "english", "zh-Hans-CN-extra", "12"])
def test_invalid_language_is_refused(tag):
    assert "language" in errors_of(language=tag)


def test_language_is_detected_from_script_or_defaulted():
    assert parse(narrative="我的求职申请被一个自动筛选系统拒绝了，没有任何人审查。").language == "zh"
    assert parse(narrative="การสมัครงานของฉันถูกระบบอัตโนมัติปฏิเสธโดยไม่มีคนตรวจสอบเลย").language == "th"
    assert parse().language == "en"


def test_date_of_harm_cannot_be_in_the_future():
    assert errors_of(date_of_harm="2027-01-01")["date_of_harm"] == ["The date cannot be in the future."]
    assert parse(date_of_harm="2026-11-28").date_of_harm == date(2026, 11, 28)  # east of UTC
    assert "date_of_harm" in errors_of(date_of_harm="31/12/2025")


@pytest.mark.parametrize("size", [0, 1, 10**9, -5, True])
def test_group_size_bounds(size):
    assert "group_size" in errors_of(filer_type="group", group_size=size)


def test_group_needs_size_or_co_complainants():
    assert "group_size" in errors_of(filer_type="group")
    draft = parse(filer_type="group", co_complainants=[{"name": "Ana Lima"}, {"name": "Bo Ek"}])
    assert draft.affected_people == 3
    assert parse(filer_type="group", group_size=10_000_000).affected_people == 10_000_000


def test_co_complainant_errors_point_at_the_person():
    errors = errors_of(filer_type="group",
                       co_complainants=[{"name": "Ana Lima"}, {"name": "", "email": "nope"}])
    assert "co_complainants.1.name" in errors and "co_complainants.1.email" in errors


def test_group_fields_are_only_for_groups():
    assert "group_size" in errors_of(group_size=5)


def test_representative_needs_a_mandate():
    errors = errors_of(filer_type="representative_org")
    assert "mandate.organisation_name" in errors and "mandate.basis" in errors
    draft = parse(filer_type="representative_org",
                  mandate={"organisation_name": "Riders' Union", "basis": "Mandates from 40 riders"})
    assert draft.mandate.organisation_name == "Riders' Union"


def test_contact_is_validated_and_optional():
    errors = errors_of(contact={"email": "not-an-email", "phone": "call me",
                                "preferred_language": "xx"})
    assert {"contact.email", "contact.phone", "contact.preferred_language"} <= set(errors)
    draft = parse(contact={"name": "Ana", "email": "Ana@Example.ORG", "phone": "+45 12 34 56 78"})
    assert draft.contact.email == "Ana@example.org"
    assert parse(contact={"name": "", "email": ""}).contact is None


def test_consent_to_contact_needs_a_way_to_contact():
    assert "consents.contact" in errors_of(consents={"contact": True})
    draft = parse(consents={"contact": True, "publish_narrative": True},
                  contact={"email": "a@example.org"})
    assert draft.consents == domain.Consents(contact=True, publish_narrative=True)


def test_other_rights_go_with_other():
    assert "other_rights" in errors_of(other_rights=["right to work"])
    draft = parse(rights_dimensions=["other"], other_rights=["right to work"])
    assert draft.other_rights == ("right to work",)


def test_invisible_and_bidi_characters_cannot_disguise_one_line_fields():
    draft = parse(title="Evil\u202e gpj.exe\u200b title", ai_system="Hire\u200bScreen")
    assert "\u202e" not in draft.title and "\u200b" not in draft.title
    assert draft.ai_system == "HireScreen"
    # a title of nothing but invisible characters is empty
    assert "title" in errors_of(title="\u200b\u200b\u200b\u200b")


def test_narratives_keep_joiners_that_scripts_need():
    persian = "می\u200cخواهم شکایت کنم زیرا سیستم خودکار درخواست من را رد کرد"
    assert "\u200c" in parse(narrative=persian).narrative


def test_html_is_kept_as_inert_text():
    draft = parse(title="<script>alert(1)</script>")
    assert draft.title == "<script>alert(1)</script>"


def test_references_and_secrets_are_random_and_readable():
    made = {references.new_reference() for _ in range(2000)}
    assert len(made) == 2000
    assert all(re.fullmatch(r"RMD-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", r) for r in made)
    secret = references.new_secret()
    assert re.fullmatch(r"([2-9A-HJKMNP-TV-Z]{4}-){4}[2-9A-HJKMNP-TV-Z]{4}", secret)


def test_typed_references_are_forgiven_spacing_and_case():
    assert references.canonical_reference(" rmd 7kq3-9xpm ") == "RMD-7KQ3-9XPM"
    assert references.canonical_reference("RMD-7KQ3-9XP") is None
    assert references.canonical_reference("../etc/passwd") is None
    assert references.canonical_secret("abcd-efgh ijkl") == "ABCDEFGHIJKL"


ORGS = [
    OrganisationRemit("dk-ihr", "DK", "nhri"),
    OrganisationRemit("dk-dpa", "DK", "dpa", rights_dimensions=("privacy_data_protection",)),
    OrganisationRemit("dk-work", "DK", "ombudsman", sectors=("employment",)),
    OrganisationRemit("fr-eq", "FR", "equality_body", rights_dimensions=("equality_non_discrimination",)),
    OrganisationRemit("closed", "SE", "nhri", accepts_complaints=False),
]


def choose(country, sector="health", rights=("access_to_remedy",), default="dk-ihr"):
    return choose_organisation(ORGS, country=country, sector=sector, rights_dimensions=rights,
                               default_slug=default)


def test_an_organisation_of_the_complainants_country_is_chosen():
    assert choose("DK") == "dk-ihr"
    assert choose("FR", rights=("equality_non_discrimination",)) == "fr-eq"


def test_the_organisation_covering_most_dimensions_wins_then_general_bodies_first():
    assert choose("DK", rights=("privacy_data_protection",)) == "dk-ihr"
    assert choose("DK", sector="employment") == "dk-ihr"


def test_remit_excludes_and_default_catches():
    assert choose("FR", rights=("privacy_data_protection",)) == "dk-ihr"
    assert choose("SE") == "dk-ihr"
    assert choose("SE", default=None) is None
    assert choose("SE", default="closed") is None
