"""Routing rules, without a database: the one-stop-shop, its exceptions, the kind of
authority, the fallback, and saying so when the facts do not decide."""

from remedy.referrals.routing import AuthorityFacts, CaseFacts, route

REGION = ["FR", "IE", "DE", "DK", "SE"]
DIRECTORY = [
    AuthorityFacts(1, "CNIL", "FR", "dpa", organisation_id=None),
    AuthorityFacts(2, "Défenseur des droits", "FR", "equality_body", languages=("fr",)),
    AuthorityFacts(3, "Data Protection Commission", "IE", "dpa"),
    AuthorityFacts(4, "Irish Human Rights and Equality Commission", "IE", "nhri"),
    AuthorityFacts(5, "Danish Institute for Human Rights", "DK", "nhri", organisation_id=50),
    AuthorityFacts(6, "Datatilsynet", "DK", "dpa"),
    AuthorityFacts(7, "Bundesnetzagentur", "DE", "market_surveillance"),
    AuthorityFacts(8, "Offline body", "IE", "equality_body", reachable=False),
]


def _ids(result):
    return [c.authority_id for c in result.candidates]


def test_main_establishment_leads_and_privacy_goes_to_the_data_protection_authority():
    facts = CaseFacts(complainant_country="DK", rights=("privacy_data_protection",),
                      establishment="IE", sector="employment")
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=50)
    assert result.decided and result.recommended.authority_id == 3
    codes = [r.code for r in result.candidates[0].reasons]
    assert codes[:2] == ["one_stop_shop", "fits_rights"]
    assert 5 not in _ids(result)  # never the caseworker's own organisation
    assert 6 in _ids(result)  # the complainant's own country, as a fallback, ranked lower
    assert _ids(result).index(6) > _ids(result).index(3)


def test_discrimination_goes_to_an_equality_body():
    facts = CaseFacts(complainant_country="DK", rights=("equality_non_discrimination",),
                      establishment="FR", language="fr")
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=50)
    assert result.recommended.authority_id == 2
    assert {r.code for r in result.candidates[0].reasons} >= {"fits_rights", "speaks_language"}


def test_a_public_authority_is_handled_only_by_its_own_country():
    facts = CaseFacts(complainant_country="FR", rights=("privacy_data_protection",),
                      establishment="DK", public_authority=True)
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=None)
    assert result.lead[0][0] == "DK" and result.lead[0][1].code == "public_authority"
    assert result.recommended.authority_id == 6


def test_no_establishment_in_the_region_goes_where_people_are_harmed():
    facts = CaseFacts(complainant_country="FR", harm_country="IE",
                      rights=("privacy_data_protection",), establishment="US")
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=None)
    assert result.lead[0] [0] == "IE" and result.lead[0][1].code == "outside_region"
    assert result.recommended.authority_id == 3


def test_two_countries_of_establishment_ask_the_caseworker_to_choose():
    facts = CaseFacts(complainant_country="DK", rights=("privacy_data_protection",),
                      establishment="IE", filer_establishment="FR")
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=None)
    assert not result.decided and result.recommended is None
    assert [n.code for n in result.notes] == ["several_establishments"]
    assert {1, 3} <= set(_ids(result))


def test_a_missing_establishment_says_so_and_falls_back_to_the_people():
    facts = CaseFacts(complainant_country="DK", rights=("privacy_data_protection",))
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=None)
    assert not result.decided and result.notes[0].code == "no_establishment"
    assert result.candidates[0].authority_id == 6


def test_ai_system_duties_go_to_market_surveillance_and_unreachable_ones_say_so():
    facts = CaseFacts(complainant_country="IE", rights=("other", "equality_non_discrimination"),
                      establishment="DE")
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=None)
    assert result.recommended.authority_id == 7
    offline = next(c for c in result.candidates if c.authority_id == 8)
    assert not offline.reachable and "not_reachable" in {r.code for r in offline.reasons}


def test_an_authority_outside_its_remit_ranks_below_one_within_it():
    directory = [AuthorityFacts(1, "Health only", "IE", "dpa", sectors=("health",)),
                 AuthorityFacts(2, "Any", "IE", "dpa")]
    facts = CaseFacts(complainant_country="IE", rights=("privacy_data_protection",),
                      establishment="IE", sector="employment")
    result = route(facts, directory, region=REGION, own_organisation_id=None)
    assert _ids(result) == [2, 1]
    assert "outside_remit" in {r.code for r in result.candidates[1].reasons}


def test_the_authority_that_referred_the_case_here_is_never_suggested():
    facts = CaseFacts(complainant_country="DK", rights=("privacy_data_protection",),
                      establishment="IE", sector="employment")
    everyone = route(facts, DIRECTORY, region=REGION, own_organisation_id=None)
    assert everyone.recommended.authority_id == 3
    result = route(facts, DIRECTORY, region=REGION, own_organisation_id=None, senders=[3])
    assert 3 not in _ids(result) and result.candidates
