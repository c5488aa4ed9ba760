"""Prepare, revise, publish and take down a story: the rules, whoever calls them."""

import threading

import pytest

from remedy.core import audit
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.extensions import db
from remedy.intake import services as intake_services
from remedy.intake.models import Complaint
from remedy.narratives import domain, services
from remedy.narratives.models import PublishedNarrative
from tests.conftest import ON_POSTGRES, app_context
from tests.narratives.conftest import SECRETS, case, narrative_row, published, story_case, user


def test_prepare_keeps_the_scrubbed_story_as_a_draft(app, staff, consented):
    _, _, case_id = consented
    with app_context(app):
        draft = services.prepare_narrative(case(case_id), user(staff, "caseworker"))
        assert draft.state == domain.DRAFT and draft.published_at is None
        for secret in SECRETS:
            assert secret not in draft.text
        assert "warehouse job" in draft.text and "XXXX" in draft.text
        assert draft.scrub_report == {"name": 3, "phone": 1, "date": 1}
        assert draft.language == "en" and draft.prepared_by_id == staff["caseworker"]
        actions = [e.action for e in db.session.query(audit.AuditEvent)]
        assert "narrative.prepared" in actions
        entry = db.session.query(audit.AuditEvent).filter_by(action="narrative.prepared").one()
        assert "Ana" not in str(entry.new) and entry.new["replaced"]["name"] == 3


def test_the_known_names_come_from_the_complaint(app, staff, consented):
    _, _, case_id = consented
    with app_context(app):
        known = services.known_names(case(case_id).complaint)
        assert known["known_names"] == ["Ana Jensen", "Omar Haddad"]
        assert "HireScreen" in known["known_phrases"]
        assert "Acme Logistics A/S" in known["known_phrases"]
        assert case(case_id).complaint.reference in known["known_phrases"]
        assert known["keep"] == []


def test_respondents_stay_named_where_the_organisation_publishes_names(app, staff):
    text = "Acme Logistics A/S used HireScreen on me; Ana Jensen."
    _, _, case_id = story_case(app, narrative=text + " " * 20 + "The end of my story.")
    with app_context(app):
        complaint = case(case_id).complaint
        assert services.scrub_for(complaint, text).text == "XXXX used XXXX on me; XXXX."
        complaint.organisation.publishes_names = True
        db.session.commit()
        assert services.scrub_for(complaint, text).text == \
            "Acme Logistics A/S used HireScreen on me; XXXX."
        assert services.known_names(complaint)["keep"]


def test_nothing_is_prepared_without_consent(app, staff, unconsented):
    with app_context(app):
        with pytest.raises(domain.NoConsent) as refused:
            services.prepare_narrative(case(unconsented[2]), user(staff, "caseworker"))
        assert refused.value.status == 403
        assert db.session.query(PublishedNarrative).count() == 0


def test_another_organisation_cannot_prepare_or_publish(app, staff, consented):
    _, _, case_id = consented
    with app_context(app):
        with pytest.raises(NotFound):
            services.prepare_narrative(case(case_id), user(staff, "other"))
        services.prepare_narrative(case(case_id), user(staff, "caseworker"))
        with pytest.raises(NotFound):
            services.publish_narrative(case(case_id), user(staff, "other"), "Some text.")
        with pytest.raises(NotFound):
            services.take_down_narrative(case(case_id).complaint, domain.CASEWORKER,
                                         user(staff, "other"))


def test_a_withdrawn_complaint_is_never_prepared(app, staff, consented):
    reference, secret, case_id = consented
    app.test_client().post(f"/api/v1/complaints/{reference}/withdraw", json={},
                           headers={"X-Remedy-Secret": secret})
    with app_context(app):
        with pytest.raises(Conflict):
            services.prepare_narrative(case(case_id), user(staff, "caseworker"))


def test_the_unchanged_suggestion_publishes_with_its_facets(app, staff, consented):
    row = published(app, staff, consented[2])
    assert row.state == domain.PUBLISHED and row.published_by_id == staff["caseworker"]
    assert row.sector == "employment" and row.filer_type == "group"
    assert row.rights_dimensions == ["access_to_remedy", "equality_non_discrimination"]
    assert domain.month_of(row.published_at) == row.published_at.strftime("%Y-%m")


def test_the_caseworkers_corrections_are_published_as_written(app, staff, consented):
    text = "A person was rejected by an automatic screening tool within a minute of applying."
    row = published(app, staff, consented[2], text=text)
    assert row.text == text


def test_leftovers_refuse_publication_and_say_what_kind(app, staff, consented):
    _, _, case_id = consented
    with app_context(app):
        cw = user(staff, "caseworker")
        services.prepare_narrative(case(case_id), cw)
        with pytest.raises(ValidationFailed) as refused:
            services.publish_narrative(case(case_id), cw,
                                       "Ana called +45 12 34 56 78 on 4 March 2026.")
        messages = refused.value.fields["text"]
        assert domain.LEFTOVERS["name"] in messages and domain.LEFTOVERS["phone"] in messages
        assert domain.LEFTOVERS["date"] in messages and domain.FIX_LEFTOVERS in messages
        assert domain.LEFTOVERS["email"] not in messages
    assert narrative_row(app, case_id).state == domain.DRAFT


@pytest.mark.parametrize("text", ["", "   ", "x" * (domain.MAX_LENGTH + 1)])
def test_an_empty_or_too_long_text_is_refused(app, staff, consented, text):
    _, _, case_id = consented
    with app_context(app):
        cw = user(staff, "caseworker")
        services.prepare_narrative(case(case_id), cw)
        with pytest.raises(ValidationFailed) as refused:
            services.publish_narrative(case(case_id), cw, text)
        assert list(refused.value.fields) == ["text"]


def test_publishing_needs_a_draft(app, staff, consented):
    with app_context(app):
        with pytest.raises(Conflict):
            services.publish_narrative(case(consented[2]), user(staff, "caseworker"), "Text.")


def test_a_published_story_is_taken_down_before_it_is_prepared_again(app, staff, consented):
    published(app, staff, consented[2])
    with app_context(app):
        with pytest.raises(Conflict):
            services.prepare_narrative(case(consented[2]), user(staff, "caseworker"))


def test_applying_the_scrub_again_keeps_the_caseworkers_words(app, staff, consented):
    _, _, case_id = consented
    with app_context(app):
        cw = user(staff, "caseworker")
        services.prepare_narrative(case(case_id), cw)
        row, result = services.revise_narrative(
            case(case_id), cw, "In my own words: Omar was refused, call 06 12 34 56 78.")
        assert row.text == "In my own words: XXXX was refused, call XXXX."
        assert result.counts == {"name": 1, "phone": 1}
        assert row.scrub_report == {"name": 4, "phone": 2, "date": 1}
        services.publish_narrative(case(case_id), cw, row.text)


def test_a_caseworker_takes_a_story_down_and_its_text_goes(app, staff, consented):
    _, _, case_id = consented
    published(app, staff, case_id)
    with app_context(app):
        services.take_down_narrative(case(case_id).complaint, domain.CASEWORKER,
                                     user(staff, "caseworker"))
    row = narrative_row(app, case_id)
    assert row.state == domain.TAKEN_DOWN and row.text is None
    assert row.take_down_reason == "caseworker" and row.taken_down_at is not None
    with app_context(app):
        entry = db.session.query(audit.AuditEvent).filter_by(action="narrative.taken_down").one()
        assert entry.actor == f"user:{staff['caseworker']}"
        assert entry.new == {"narrative": "taken_down", "reason": "caseworker"}
        with pytest.raises(Conflict):  # nothing left to take down
            services.take_down_narrative(case(case_id).complaint, domain.CASEWORKER,
                                         user(staff, "caseworker"))
        assert audit.verify_chain()[1] is None


def test_withdrawn_consent_on_the_api_takes_it_down(app, staff, consented):
    reference, secret, case_id = consented
    published(app, staff, case_id)
    response = app.test_client().patch(f"/api/v1/complaints/{reference}/consents",
                                       json={"publish_narrative": False},
                                       headers={"X-Remedy-Secret": secret})
    assert response.status_code == 200
    row = narrative_row(app, case_id)
    assert row.state == domain.TAKEN_DOWN and row.text is None
    assert row.take_down_reason == domain.CONSENT_WITHDRAWN
    with app_context(app):
        entry = db.session.query(audit.AuditEvent).filter_by(action="narrative.taken_down").one()
        assert entry.actor == "complainant"


def test_another_consent_changing_leaves_the_story(app, staff, consented):
    reference, secret, case_id = consented
    published(app, staff, case_id)
    app.test_client().patch(f"/api/v1/complaints/{reference}/consents",
                            json={"share_across_borders": True, "contact": False},
                            headers={"X-Remedy-Secret": secret})
    assert narrative_row(app, case_id).state == domain.PUBLISHED


def test_withdrawn_consent_deletes_a_draft_too(app, staff, consented):
    reference, secret, case_id = consented
    with app_context(app):
        services.prepare_narrative(case(case_id), user(staff, "caseworker"))
    app.test_client().patch(f"/api/v1/complaints/{reference}/consents",
                            json={"publish_narrative": False}, headers={"X-Remedy-Secret": secret})
    row = narrative_row(app, case_id)
    assert row.state == domain.TAKEN_DOWN and row.text is None


def test_a_withdrawn_complaint_takes_it_down(app, staff, consented):
    reference, secret, case_id = consented
    published(app, staff, case_id)
    response = app.test_client().post(f"/api/v1/complaints/{reference}/withdraw", json={},
                                      headers={"X-Remedy-Secret": secret})
    assert response.status_code == 200
    row = narrative_row(app, case_id)
    assert row.state == domain.TAKEN_DOWN and row.text is None
    assert row.take_down_reason == domain.COMPLAINT_WITHDRAWN


def test_an_erasure_takes_it_down(app, staff, consented):
    from remedy.cases.services import erase_complainant_data

    _, _, case_id = consented
    published(app, staff, case_id)
    with app_context(app):
        assert erase_complainant_data(case(case_id), user=user(staff, "supervisor"),
                                      reason="Asked by letter.")
    row = narrative_row(app, case_id)
    assert row.state == domain.TAKEN_DOWN and row.text is None
    assert row.take_down_reason == domain.ERASED
    with app_context(app):
        entry = db.session.query(audit.AuditEvent).filter_by(action="narrative.taken_down").one()
        assert entry.actor == "system"


def test_the_take_down_is_part_of_the_consent_change(app, staff, consented, monkeypatch):
    """The story goes in the transaction that records the withdrawn consent: if that
    transaction fails, the story is still there, and nothing was committed half-way."""
    _, _, case_id = consented
    published(app, staff, case_id)

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(intake_services, "commit", failing_commit)
    with app_context(app):
        complaint = db.session.get(Complaint, case(case_id).complaint_id)
        with pytest.raises(RuntimeError):
            intake_services.update_consents(complaint, {"publish_narrative": False})
        assert db.session.query(PublishedNarrative).one().state == domain.TAKEN_DOWN  # pending
        db.session.rollback()
    assert narrative_row(app, case_id).state == domain.PUBLISHED


def test_consent_given_again_does_not_republish_by_itself(app, staff, consented):
    reference, secret, case_id = consented
    published(app, staff, case_id)
    client = app.test_client()
    for value in (False, True):
        client.patch(f"/api/v1/complaints/{reference}/consents",
                     json={"publish_narrative": value}, headers={"X-Remedy-Secret": secret})
    assert narrative_row(app, case_id).state == domain.TAKEN_DOWN
    with app_context(app):
        draft = services.prepare_narrative(case(case_id), user(staff, "caseworker"))
        assert draft.state == domain.DRAFT and draft.take_down_reason is None
        assert draft.text and "Ana" not in draft.text


def test_a_case_without_a_complaint_has_no_story(app, staff):
    from remedy.cases.models import Case
    from remedy.narratives import views

    with app_context(app):
        org_id = user(staff, "caseworker").organisation_id
        shell = Case(organisation_id=org_id, summary_title="Referred")
        db.session.add(shell)
        db.session.commit()
        with pytest.raises(NotFound):
            services.prepare_narrative(shell, user(staff, "caseworker"))
        assert views.case_context(shell, user(staff, "caseworker"), {}) == {}


def test_story_case_helper_makes_a_group_complaint(app, staff):
    reference, _, _ = story_case(app)
    with app_context(app):
        complaint = db.session.query(Complaint).filter_by(reference=reference).one()
        assert complaint.consent_publish_narrative and complaint.co_complainants[0].name == "Omar Haddad"


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are PostgreSQL's (SQLite writes one at a time)")
def test_a_consent_withdrawn_while_publishing_still_takes_it_down(app, staff, consented,
                                                                  monkeypatch):
    """The publisher holds the complaint's row; the withdrawal waits for it, then finds the
    story published and takes it down: never a story out with the consent gone."""
    reference, secret, case_id = consented
    with app_context(app):
        text = services.prepare_narrative(case(case_id), user(staff, "caseworker")).text
    holding, release = threading.Event(), threading.Event()
    real_commit = services.commit

    def slow_commit():
        if threading.current_thread().name == "publisher":
            holding.set()
            release.wait(10)
        real_commit()

    monkeypatch.setattr(services, "commit", slow_commit)

    def publish():
        with app_context(app):
            services.publish_narrative(case(case_id), user(staff, "caseworker"), text)

    def withdraw():
        answers.append(app.test_client().patch(
            f"/api/v1/complaints/{reference}/consents", json={"publish_narrative": False},
            headers={"X-Remedy-Secret": secret}).status_code)

    answers = []
    publisher = threading.Thread(target=publish, name="publisher")
    publisher.start()
    assert holding.wait(10)
    withdrawal = threading.Thread(target=withdraw)
    withdrawal.start()
    withdrawal.join(0.5)
    assert withdrawal.is_alive()  # waiting for the publisher's lock
    release.set()
    publisher.join(10)
    withdrawal.join(10)
    assert answers == [200]
    row = narrative_row(app, case_id)
    assert row.state == domain.TAKEN_DOWN and row.text is None
