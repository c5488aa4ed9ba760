"""Through the pages and the API: suggestions on a case, confirming them into a collective
claim, inviting members who opt in or out, rejecting for good, duplicates, and a run of the
whole aggregation."""

import re

from remedy.cases.models import Case
from remedy.collective.jobs import rematch_system, run_aggregation
from remedy.collective.matching import aggregate, open_suggestions
from remedy.collective.models import ClaimMember, CollectiveClaim, Suggestion
from remedy.core.audit import AuditEvent
from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs
from tests.web import field_errors, post_form

DEACTIVATED = dict(ai_system="Uber driver app", deployer="Uber B.V.", sector="employment",
                   rights_dimensions=["access_to_remedy"])


def drivers(app, count=3, **changes):
    """Complaints of different drivers deactivated by the same app: [(reference, secret, case_id)]."""
    texts = ["My account was deactivated by the app overnight, no explanation, no human review.",
             "The app deactivated my driver account after a selfie check failed. Nobody answers.",
             "Deactivated without warning by the driver app; I lost my income and cannot appeal.",
             "My driver account was deactivated automatically and support only sends templates."]
    filed = [file_complaint(app, title=f"Deactivated {i}", narrative=texts[i % len(texts)],
                            contact={"email": f"driver{i}@example.org"},
                            consents={"contact": True}, **{**DEACTIVATED, **changes})
             for i in range(count)]
    run_jobs(app)  # matching right after filing is a job (an RQ worker with Redis)
    return filed


def track(app, reference, secret):
    client = app.test_client()
    assert post_form(client, "/track", {"reference": reference, "secret": secret}).status_code == 302
    return client


def test_confirm_a_suggestion_invite_and_opt_in(app, as_role, mailbox):
    (ref_a, secret_a, case_a), (ref_b, secret_b, case_b), _ = drivers(app)
    cw = as_role("caseworker")
    page = cw.get(f"/cases/{case_b}").get_data(as_text=True)
    assert "Group with a similar complaint" in page and ref_a in page
    assert "same AI system: Uber driver app" in page and "same deployer: Uber B.V." in page
    with app_context(app):
        suggestion = next(s for s in open_suggestions(db.session.get(Case, case_b).complaint_id)
                          if s.kind == "complaint")
        suggestion_id = suggestion.id
    confirmed = post_form(cw, f"/cases/{case_b}/suggestions/{suggestion_id}/confirm", {},
                          token_from=f"/cases/{case_b}")
    assert confirmed.status_code == 302 and "/collective/claims/" in confirmed.headers["Location"]
    claim_url = confirmed.headers["Location"]
    claim_page = cw.get(claim_url).get_data(as_text=True)
    assert "Collective and societal harm" in claim_page
    assert ref_a not in claim_page and ref_b not in claim_page  # nobody has joined yet
    # The claim's step reasons are the organisation's record: nobody follows it as complainant.
    assert "no complainant follows this case here" in claim_page
    assert "The complainant sees this reason" not in claim_page
    claim_id = int(claim_url.rstrip("/").split("/")[-1])
    with app_context(app):
        member_ids = [m.id for m in db.session.get(CollectiveClaim, claim_id).members]
        assert len(member_ids) == 2
        assert db.session.get(Case, case_a).member_of_claim_id == claim_id
    invited = post_form(cw, f"/collective/claims/{claim_id}/invite",
                        {"member_ids": [str(i) for i in member_ids]}, token_from=claim_url)
    assert invited.status_code == 302
    assert mailbox.to("driver0@example.org") and mailbox.to("driver1@example.org")

    person = track(app, ref_a, secret_a)
    tracking = person.get("/track/complaint").get_data(as_text=True)
    assert "Others have complained about the same thing" in tracking
    member_a = next(int(m) for m in re.findall(r"/track/complaint/claims/(\d+)", tracking))
    neither = post_form(person, f"/track/complaint/claims/{member_a}", {},
                        token_from="/track/complaint")
    assert neither.status_code == 422
    assert "Choose whether to join" in neither.get_data(as_text=True)
    joined = post_form(person, f"/track/complaint/claims/{member_a}", {"join": "yes"},
                       token_from="/track/complaint")
    assert joined.status_code == 302
    someone_else = post_form(track(app, ref_b, secret_b), f"/track/complaint/claims/{member_a}",
                             {"join": "no"}, token_from="/track/complaint")
    assert someone_else.status_code == 404  # not their invitation
    claim_page = cw.get(claim_url).get_data(as_text=True)
    assert ref_a in claim_page and ref_b not in claim_page  # only the member who joined

    api = app.test_client()
    from tests.cases.conftest import token as _  # noqa: F401

    with app_context(app):
        statuses = {m.complaint.reference: m.status
                    for m in db.session.get(CollectiveClaim, claim_id).members}
        assert statuses == {ref_a: "opted_in", ref_b: "invited"}
        assert db.session.query(AuditEvent).filter_by(action="collective.member_opted_in").count() == 1
    del api


def test_a_rejected_pair_is_never_suggested_again(app, as_role):
    (_, _, case_a), (_, _, case_b), _ = drivers(app)
    cw = as_role("caseworker")
    with app_context(app):
        complaint_a = db.session.get(Case, case_a).complaint_id
        complaint_b = db.session.get(Case, case_b).complaint_id
        suggestion = next(s for s in open_suggestions(complaint_b)
                          if s.target == f"complaint:{complaint_a}")
        suggestion_id = suggestion.id
    assert post_form(cw, f"/cases/{case_b}/suggestions/{suggestion_id}/reject", {},
                     token_from=f"/cases/{case_b}").status_code == 302
    with app_context(app):
        aggregate()  # the whole run again
        for complaint_id, other in ((complaint_b, complaint_a), (complaint_a, complaint_b)):
            targets = {s.target for s in open_suggestions(complaint_id)
                       if s.complaint_id == complaint_id}
            assert f"complaint:{other}" not in targets
        pairs = {(s.complaint_id, s.target) for s in db.session.query(Suggestion)
                 .filter_by(status="open")}
        assert (complaint_a, f"complaint:{complaint_b}") not in pairs
        assert (complaint_b, f"complaint:{complaint_a}") not in pairs


def test_a_pair_is_suggested_once_whichever_complaint_found_it(app, as_role):
    filed = drivers(app)
    with app_context(app):
        first = db.session.get(Case, filed[0][2]).complaint
        # As after a claim about the system changed: the older complaints, matched again,
        # find the newer ones that had already found them.
        assert rematch_system(first.organisation_id, first.ai_system_id) == 3
        pairs = [frozenset((s.complaint_id, int(s.target.split(":")[1])))
                 for s in db.session.query(Suggestion).filter_by(status="open")
                 if s.target.startswith("complaint:")]
        assert pairs and len(pairs) == len(set(pairs))
    page = as_role("caseworker").get(f"/cases/{filed[0][2]}").get_data(as_text=True)
    for reference, _, _ in filed[1:]:
        assert page.count(f">{reference}</a>") == 1


def test_the_same_person_twice_is_a_duplicate_not_a_member(app, as_role, token):
    first, _, first_case = file_complaint(app, contact={"email": "ana@example.org"},
                                          consents={"contact": True}, **DEACTIVATED)
    again, secret, again_case = file_complaint(app, contact={"email": "ANA@example.org"},
                                               consents={"contact": True}, **DEACTIVATED)
    run_jobs(app)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token('caseworker')}"}
    listed = api.get(f"/api/v1/cases/{again_case}/collective-suggestions", headers=headers).get_json()
    [duplicate] = [s for s in listed["items"] if s["kind"] == "duplicate"]
    assert duplicate["target"]["reference"] == first and duplicate["score"] >= 0.9
    assert any(r["code"] == "same_contact" and r["text"] for r in duplicate["reasons"])
    confirmed = api.post(f"/api/v1/collective-suggestions/{duplicate['id']}/confirm", headers=headers)
    assert confirmed.status_code == 200 and confirmed.get_json()["duplicate_case"]["state"] == "closed"
    with app_context(app):
        case = db.session.get(Case, again_case)
        assert case.duplicate_of_id == first_case and case.state == "closed"
        assert not db.session.query(ClaimMember).count()
    tracking = track(app, again, secret).get("/track/complaint").get_data(as_text=True)
    assert "you made the same complaint before" in tracking and first in tracking


def test_mark_a_duplicate_by_reference_from_the_case_page(app, as_role):
    first, _, first_case = file_complaint(app, **DEACTIVATED)
    _, _, second_case = file_complaint(app, **DEACTIVATED)
    _, _, theirs = file_complaint(app, complainant_country="SE", **DEACTIVATED)
    cw = as_role("caseworker")
    with app_context(app):
        their_reference = db.session.get(Case, theirs).complaint.reference
    refused = post_form(cw, f"/cases/{second_case}/duplicate", {"original": their_reference})
    assert refused.status_code == 422
    assert "no complaint with this reference" in field_errors(refused.get_data(as_text=True), "original")
    done = post_form(cw, f"/cases/{second_case}/duplicate", {"original": first.lower()})
    assert done.status_code == 302
    page = cw.get(f"/cases/{second_case}").get_data(as_text=True)
    assert "Closed as a duplicate of" in page and first in page
    with app_context(app):
        assert db.session.get(Case, second_case).duplicate_of_id == first_case


def test_a_supervisor_reruns_the_aggregation_and_sees_its_progress(app, as_role):
    drivers(app, count=4)
    assert as_role("caseworker").post("/collective/aggregate").status_code in (400, 403)
    supervisor = as_role("supervisor")
    started = post_form(supervisor, "/collective/aggregate", {}, token_from="/collective")
    assert started.status_code == 302
    run_url = started.headers["Location"]
    run_jobs(app)
    page = supervisor.get(run_url).get_data(as_text=True)
    assert 'value="100"' in page and "100" in page and "Done" in page
    status = supervisor.get(run_url + "?format=json").get_json()
    assert status["status"] == "done" and status["percent"] == 100 and status["suggestions"] >= 3
    assert as_role("other").get(run_url).status_code == 404


def test_the_aggregation_job_tolerates_a_missing_run(app):
    with app_context(app):
        assert run_aggregation(12345) is None


def test_collective_claims_through_the_api(app, as_role, token):
    (_, _, case_a), (_, _, case_b), _ = drivers(app)
    cw = as_role("caseworker")
    created = post_form(cw, f"/cases/{case_a}/collective-claim", {}, token_from=f"/cases/{case_a}")
    claim_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    run_jobs(app)  # the claim's AI system is matched again, now that there is a claim
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token('caseworker')}"}
    suggestions = api.get(f"/api/v1/cases/{case_b}/collective-suggestions", headers=headers).get_json()
    claim_suggestion = next(s for s in suggestions["items"] if s["kind"] == "claim")
    assert claim_suggestion["target"] == {"type": "collective_claim", "id": claim_id,
                                          "title": claim_suggestion["target"]["title"]}
    api.post(f"/api/v1/collective-suggestions/{claim_suggestion['id']}/confirm", headers=headers)
    listed = api.get("/api/v1/collective-claims", headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["indicators"]["complaints"] == 2
    detail = api.get(f"/api/v1/collective-claims/{claim_id}", headers=headers).get_json()
    assert [m["status"] for m in detail["members"]] == ["confirmed", "confirmed"]
    assert all("complaint" not in m for m in detail["members"])  # nobody joined yet
    other = {"Authorization": f"Bearer {token('other')}"}
    assert api.get(f"/api/v1/collective-claims/{claim_id}", headers=other).status_code == 404
    assert api.get(f"/api/v1/cases/{case_b}/collective-suggestions", headers=other).status_code == 404
    assert api.get("/api/v1/collective-claims", headers=other).get_json()["total"] == 0


def test_indicators_count_people_countries_and_vulnerable_groups(app, as_role):
    one, _, case_one = file_complaint(app, **DEACTIVATED)
    group, _, case_group = file_complaint(
        app, filer_type="group", group_size=40, complainant_country="DK", harm_country="SE",
        narrative="Forty drivers, many of them refugees, were deactivated by the app in one week.",
        **DEACTIVATED)
    cw = as_role("caseworker")
    with app_context(app):
        ids = [db.session.get(Case, c).complaint_id for c in (case_one, case_group)]
        from remedy.accounts.models import User
        from remedy.collective.services import create_claim, indicators

        user = db.session.query(User).filter_by(email="cw@nhri.example.org").one()
        claim = create_claim(user, ids, title="Drivers deactivated by the app")
        found = indicators(claim)
        assert found.complaints == 2 and found.affected_people == 41
        assert found.countries == ("DK", "SE") and found.vulnerable_groups
        assert db.session.query(Complaint).count() == 2
        claim_id = claim.id
    page = cw.get(f"/collective/claims/{claim_id}").get_data(as_text=True)
    assert "41" in page and "Drivers deactivated by the app" in page
    queue = cw.get("/cases?collective=1").get_data(as_text=True)
    assert one in queue and group in queue and f"Collective claim {claim_id}" in queue


def test_a_run_in_many_batches_saves_its_progress_between_them(app, staff):
    """A whole run commits batch by batch (the progress page reads it) and finds the same
    suggestions as in one batch."""
    drivers(app, count=4)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        db.session.commit()  # what the job does to save its progress

    with app_context(app):
        one = aggregate()
        many = aggregate(batch=2, progress=progress)
        assert many == one and one["suggestions"] >= 3
        assert seen == [(2, 4), (4, 4)]
        assert db.session.query(Suggestion).filter_by(status="open").count() == (
            one["suggestions"] + one["duplicates"])


def test_a_claim_keeps_its_signature_until_its_members_change(app, staff):
    """A claim is matched as one kept signature (not member by member on every match); adding
    or withdrawing a member makes it be read from the members again."""
    from remedy.accounts.models import User
    from remedy.collective import matching, services

    filed = drivers(app, count=3)
    with app_context(app):
        user = db.session.get(User, staff["caseworker"])
        first, second, third = (db.session.get(Case, case_id).complaint_id
                                for _, _, case_id in filed)
        claim = services.create_claim(user, [first, second])
        claim_id, system_id = claim.id, claim.ai_system_id
        kept = matching.claim_signatures(claim.organisation_id, {system_id})[claim_id]
        db.session.commit()
        assert kept.harm == "deactivation" and kept.ai_system_name == "Uber driver app"
        assert db.session.get(CollectiveClaim, claim_id).signature["harm"] == "deactivation"
        member = next(m for m in claim.members if m.complaint_id == second)
        member.status = "withdrawn"
        db.session.flush()  # any change of a member, by any code path
        assert db.session.get(CollectiveClaim, claim_id).signature is None
        # The third complaint is suggested the claim, from the signature computed again.
        targets = {s.target for s in matching.match_complaint(db.session.get(Complaint, third))}
        assert f"claim:{claim_id}" in targets
        assert db.session.get(CollectiveClaim, claim_id).signature["harm"] == "deactivation"


def test_erasure_deletes_the_signature_and_its_suggestions(app, as_role):
    """A signature holds the narrative's words and a hash of the contact: erased with them."""
    from remedy.collective.models import ComplaintKey, ComplaintSignature

    (_, _, case_a), (_, _, case_b), _ = drivers(app)
    with app_context(app):
        erased_id = db.session.get(Case, case_a).complaint_id
        assert db.session.get(ComplaintSignature, erased_id).tokens
        assert open_suggestions(erased_id)
    erased = post_form(as_role("supervisor"), f"/cases/{case_a}/erase",
                       {"reason": "The complainant asked.", "confirm": "y"})
    assert erased.status_code == 302
    with app_context(app):
        assert db.session.get(ComplaintSignature, erased_id) is None
        assert not db.session.query(ComplaintKey).filter_by(complaint_id=erased_id).count()
        assert not open_suggestions(erased_id)
        other = db.session.get(Case, case_b).complaint_id
        assert all(s.target != f"complaint:{erased_id}" for s in open_suggestions(other))
        aggregate()  # a whole run does not sign the erased complaint again
        assert db.session.get(ComplaintSignature, erased_id) is None
