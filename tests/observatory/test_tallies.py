"""Remedies by kind, collective claims and the people they represent, and names only where
the organisation publishes them: counted by the rollups, published through suppression."""

from remedy.accounts.models import User
from remedy.cases.models import Case
from remedy.cases.services import add_remedy
from remedy.collective.services import create_claim
from remedy.extensions import db
from remedy.observatory import rollups
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs
from tests.web import post_form


def _rebuild(app):
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0


def _stats(app, group, **filters):
    query = "&".join(f"{k}={v}" for k, v in {"group_by": group, **filters}.items())
    response = app.test_client().get(f"/api/v1/observatory/stats?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_remedies_carried_out_are_counted_by_kind(app, staff):
    cases = [file_complaint(app)[2] for _ in range(8)]
    with app_context(app):
        user = db.session.get(User, staff["caseworker"])
        for case_id in cases[:6]:
            add_remedy(user, db.session.get(Case, case_id), remedy_type="explanation",
                       status="implemented")
        for case_id in cases[6:]:  # offered but not carried out: not counted
            add_remedy(user, db.session.get(Case, case_id), remedy_type="compensation",
                       status="agreed")
    _rebuild(app)
    table = _stats(app, "remedy_type")
    assert table["items"] == [{"key": "explanation", "count": 5, "suppressed": False}]  # 6
    assert table["total"] == 5


def test_claims_count_with_the_people_they_represent(app, staff):
    big = [file_complaint(app, filer_type="group", group_size=120,
                          co_complainants=[{"name": "A B"}])[2] for _ in range(2)]
    singles = [file_complaint(app)[2] for _ in range(10)]
    with app_context(app):
        user = db.session.get(User, staff["caseworker"])
        complaint = lambda case_id: db.session.get(Case, case_id).complaint_id  # noqa: E731
        create_claim(user, [complaint(c) for c in big + singles[:3]])
        for case_id in singles[3:]:
            create_claim(user, [complaint(case_id)])
    _rebuild(app)
    table = _stats(app, "collective_claims")
    assert table["total"] == 10  # 8 claims, rounded
    (month,) = table["items"]
    assert month["count"] == 10 and month["people"] == 250  # 2 groups of 120 + 10 people
    assert table["people_total"] == month["people"]


def test_names_only_where_the_organisation_publishes_them(app, staff, as_role):
    for _ in range(6):
        file_complaint(app, ai_system="FaceCheck Pro", deployer="Acme Housing Ltd")
    for _ in range(2):
        file_complaint(app, ai_system="Tiny Bot", deployer="Small Shop")
    file_complaint(app, ai_system="Mini Model", deployer="Corner Store")
    _rebuild(app)
    assert _stats(app, "ai_system")["items"] == []  # not published yet
    assert "FaceCheck" not in app.test_client().get("/observatory").get_data(as_text=True)

    caseworker = as_role("caseworker")
    assert caseworker.get("/admin/publishing").status_code == 403
    admin = as_role("org_admin")
    saved = post_form(admin, "/admin/publishing", {"publishes_names": "y"})
    assert saved.status_code == 302
    systems = _stats(app, "ai_system")  # at once, without a rebuild
    assert systems["items"] == [{"key": "FaceCheck Pro", "count": 5, "suppressed": False}]
    assert systems["hidden_names"] == 2  # 2 and 1 complaints: not named at all
    assert "Tiny Bot" not in str(systems)
    respondents = _stats(app, "respondent")
    assert [item["key"] for item in respondents["items"]] == ["Acme Housing Ltd"]
    page = app.test_client().get("/observatory?lang=en").get_data(as_text=True)
    assert "FaceCheck Pro" in page and "Tiny Bot" not in page and "Small Shop" not in page

    post_form(admin, "/admin/publishing", {})
    assert _stats(app, "ai_system")["items"] == []


def test_the_job_counts_again_when_a_claim_changes(app, staff):
    cases = [file_complaint(app)[2] for _ in range(5)]
    with app_context(app):
        assert rollups.refresh_changed() >= 0
        user = db.session.get(User, staff["caseworker"])
        create_claim(user, [db.session.get(Case, c).complaint_id for c in cases])
        for case_id in cases:  # not carried out yet: no remedies
            add_remedy(user, db.session.get(Case, case_id), remedy_type="apology",
                       status="implemented")
        rollups.refresh_changed()
    assert _stats(app, "remedy_type")["items"] == [
        {"key": "apology", "count": 5, "suppressed": False}]
    people = _stats(app, "collective_claims")
    assert people["total"] == 0 and people["items"][0]["suppressed"]  # one claim: hidden
    assert people["people_total"] is None  # and so is how many people it represents


def test_open_data_of_the_new_tables(app, staff):
    file_complaint(app)
    _rebuild(app)
    client = app.test_client()
    rows = client.get("/observatory/data/collective_claims.csv").get_data(as_text=True)
    assert rows.splitlines()[0] == "collective_claims,count,suppressed,people"
    assert client.get("/observatory/data/remedy_type.json").get_json()["group_by"] == "remedy_type"
    assert client.get("/observatory/data/ai_system.json").status_code == 200


def test_a_change_brings_the_figures_up_to_date_without_the_command(make_app, app, staff):
    quick = make_app(OBSERVATORY_REFRESH_SECONDS=0)
    for _ in range(5):
        file_complaint(quick, sector="education")
    run_jobs(quick)  # with Redis, a worker does it
    items = quick.test_client().get("/api/v1/observatory/stats?group_by=sector").get_json()
    assert items["items"] == [{"key": "education", "count": 5, "suppressed": False}]
