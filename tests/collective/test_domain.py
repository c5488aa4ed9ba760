"""The engine's rules without a database: concepts across languages, the AI-system gate,
hard negatives, duplicates, claim signatures, indicators and member steps."""

from datetime import date

import pytest

from remedy.collective import domain


def sig(complaint_id, text, *, system=1, system_name="Uber driver app", typed=None,
        deployer=10, language="en", sector="employment", rights=("access_to_remedy",),
        contact=None, country="DK"):
    return domain.build_signature(
        complaint_id=complaint_id, text=text, language=language, ai_system_id=system,
        ai_system_name=system_name, ai_system_as_named=typed or system_name,
        deployer_id=deployer, deployer_name="Uber B.V." if deployer == 10 else "Other",
        sector=sector, rights=rights, contact=contact, complainant_country=country)


@pytest.mark.parametrize("text, language", [
    ("My account was deactivated by the app without explanation.", "en"),
    ("Mon compte a été désactivé par l'application sans explication.", "fr"),
    ("我的账号被应用程序停用了，没有任何解释。", "zh"),
    ("Mi cuenta fue desactivada por la aplicación.", "es"),
    ("Mein Konto wurde von der App gesperrt.", "de"),
])
def test_the_same_harm_is_recognised_in_every_language(text, language):
    assert "deactivation" in domain.harm_concepts(text)
    # Named once, it is a harm mentioned; named again, the harm the complaint is about.
    assert domain.primary_harm(domain.harm_concepts(text)) == ""
    assert domain.primary_harm(domain.harm_concepts(text + " " + text)) == "deactivation"


def test_cross_language_narratives_are_similar_through_concepts():
    english = sig(1, "The app deactivated my account overnight. Deactivated, with no reason.")
    chinese = sig(2, "应用程序把我的账号停用了。停用以后没有人回答。", language="zh")
    assert domain.narrative_similarity(english, chinese) == 1.0
    match = domain.score_pair(chinese, english)
    assert match.score >= domain.SUGGEST_AT
    assert {"same_ai_system", "same_deployer", "same_harm"} <= {r.code for r in match.reasons}


def test_the_same_deployers_other_system_is_never_suggested():
    driver = sig(1, "The app deactivated my account.")
    pricing = sig(2, "The app deactivated my account.", system=2, system_name="Surge pricing engine")
    assert domain.score_pair(driver, pricing) is None


def test_the_same_system_with_a_different_harm_falls_below_the_threshold():
    deactivated = sig(1, "The driver app deactivated my account without a reason. Deactivated!")
    overcharged = sig(2, "The app charged me a higher price than my friend for the same trip; "
                         "the price was higher every time.",
                      sector="consumer_services", rights=("equality_non_discrimination",))
    match = domain.score_pair(deactivated, overcharged)
    assert match.score < domain.SUGGEST_AT
    assert "different_harm" in {r.code for r in match.reasons}


def test_an_alias_is_named_in_the_reason():
    match = domain.score_pair(sig(1, "Deactivated by the app."),
                              sig(2, "Deactivated by the app.", typed="uber app driver"))
    [reason] = [r for r in match.reasons if r.code == "same_ai_system_alias"]
    assert reason.values == {"name": "Uber driver app", "alias": "uber app driver"}


def test_similar_system_names_of_different_entries_still_count_a_little():
    match = domain.score_pair(sig(1, "My account was deactivated.", system=1, typed="Amazon Flex"),
                              sig(2, "My account was deactivated.", system=2, typed="Amazn Flex"))
    assert match is not None and "similar_ai_system" in {r.code for r in match.reasons}


def test_the_same_person_is_a_duplicate_whatever_the_score():
    contact = domain.contact_hash("Ana@Example.org", None, None)
    assert contact == domain.contact_hash(" ana@example.org ", None, "Someone else")
    match = domain.score_pair(sig(1, "Deactivated.", contact=contact),
                              sig(2, "Different words entirely here.", contact=contact))
    assert match.duplicate and match.score >= domain.DUPLICATE_SCORE
    assert match.reasons[0].code == "same_contact"
    assert not domain.score_pair(sig(3, "Deactivated."), sig(4, "Deactivated.", contact=contact,
                                                                 country="SE")).duplicate


def test_a_claim_is_one_signature_of_its_members():
    members = [sig(i, "Deactivated by the app. Deactivated again.", deployer=10 if i < 3 else 11)
               for i in range(4)]
    claim = domain.claim_signature(7, members)
    assert claim.complaint_id == -7 and claim.ai_system_id == 1 and claim.deployer_id == 10
    assert claim.harm == "deactivation"
    assert domain.score_claim(sig(9, "My account was deactivated; deactivated for good."),
                              claim).score >= domain.SUGGEST_AT
    assert domain.claim_signature(7, []) is None


def test_indicators_of_collective_harm():
    def facts(**changes):
        base = dict(filer_type="individual", group_size=None, complainant_country="DK",
                    harm_country=None, date_of_harm=None, received_on=date(2026, 3, 1),
                    sector="employment", grounds=(), narrative="My account was deactivated.")
        return domain.MemberFacts(**{**base, **changes})

    found = domain.indicators([
        facts(), facts(filer_type="group", group_size=120, complainant_country="FR",
                       date_of_harm=date(2026, 1, 5)),
        facts(filer_type="representative_org", harm_country="SE", grounds=("disability",),
              received_on=date(2026, 6, 1)),
    ])
    assert found.complaints == 3 and found.affected_people == 122
    assert found.countries == ("DK", "FR", "SE") and found.span_days == (date(2026, 6, 1) - date(2026, 1, 5)).days
    assert found.vulnerable_groups
    assert not domain.indicators([facts()]).vulnerable_groups
    assert domain.indicators([facts(narrative="Many single parents were flagged.")]).vulnerable_groups


@pytest.mark.parametrize("current, target, actor, allowed", [
    ("suggested", "confirmed", "staff", True), ("confirmed", "invited", "staff", True),
    ("invited", "opted_in", "complainant", True), ("invited", "opted_in", "staff", False),
    ("confirmed", "opted_in", "complainant", False), ("opted_in", "opted_out", "complainant", True),
    ("withdrawn", "confirmed", "staff", False),
])
def test_member_steps(current, target, actor, allowed):
    assert domain.member_step_allowed(current, target, actor) is allowed


def test_bad_text_never_crashes():
    for text in ("", "x", "!!!", "\u200b" * 50, "a" * 100_000, "🙂" * 1000):
        signature = sig(1, text)
        assert signature.harm == "" and len(signature.tokens) <= domain.MAX_TOKENS
