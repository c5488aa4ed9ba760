"""The statistics through the public API and the command: from the rollups only, kept up to
date by the job, small counts suppressed, wrong filters named."""

from remedy.extensions import db
from remedy.observatory import rollups
from remedy.observatory.models import ComplaintCount, Marginal
from tests.cases.conftest import file_complaint
from tests.conftest import app_context


def _file(app, count, **changes):
    return [file_complaint(app, **changes) for _ in range(count)]


def test_counts_come_from_the_rollups_rounded_and_suppressed(app, staff):
    _file(app, 12, sector="employment", rights_dimensions=["equality_non_discrimination"])
    _file(app, 7, sector="housing", rights_dimensions=["equality_non_discrimination"])
    _file(app, 2, sector="health", rights_dimensions=["privacy_data_protection"])
    result = app.test_cli_runner().invoke(args=["remedy", "rollups"])
    assert result.exit_code == 0 and result.output.strip().endswith("rows rebuilt")
    client = app.test_client()
    by_sector = client.get("/api/v1/observatory/stats?group_by=sector")
    assert by_sector.status_code == 200
    assert by_sector.headers["Cache-Control"] == "public, max-age=300"
    body = by_sector.get_json()
    assert body["total"] == 20 and body["threshold"] == 5  # 21, rounded
    cells = {i["key"]: i for i in body["items"]}
    assert cells["employment"]["count"] == 10  # 12, rounded
    assert cells["health"] == {"key": "health", "count": None, "suppressed": True}
    # The lone small cell took the next smallest with it: no cell is total minus the others.
    assert cells["housing"] == {"key": "housing", "count": None, "suppressed": True}
    by_rights = client.get("/api/v1/observatory/stats?group_by=rights_dimension&sector=employment")
    assert {i["key"]: i["count"] for i in by_rights.get_json()["items"]} == {
        "equality_non_discrimination": 10}
    with app_context(app):  # the page view reads the rollups, not the complaints
        db.session.query(ComplaintCount).delete()
        db.session.query(Marginal).delete()
        db.session.commit()
    assert client.get("/api/v1/observatory/stats").get_json()["total"] == 0


def test_the_job_refreshes_the_months_that_changed(app, staff):
    _file(app, 5, sector="housing")
    with app_context(app):
        assert rollups.refresh_changed() > 0  # the first run builds everything
    _file(app, 5, sector="housing")
    with app_context(app):
        rollups.refresh_changed()
    items = app.test_client().get("/api/v1/observatory/stats?group_by=sector&sector=housing"
                                  ).get_json()["items"]
    assert items == [{"key": "housing", "count": 10, "suppressed": False}]


def test_wrong_filters_are_named(app):
    response = app.test_client().get(
        "/api/v1/observatory/stats?from=2026-13&country=ZZ&group_by=colour&sector=x")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"from", "country", "group_by",
                                                            "sector"}


def test_outcomes_count_remedies_obtained(app, staff, token):
    filed = _file(app, 6, sector="employment")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token('caseworker')}"}
    with app_context(app):
        rollups.refresh_changed()
    for _, _, case_id in filed:  # a remedy carried out on each case
        from remedy.accounts.models import User
        from remedy.cases import services
        from remedy.cases.models import Case

        with app_context(app):
            user = db.session.query(User).filter_by(email="cw@nhri.example.org").one()
            case = db.session.get(Case, case_id)
            remedy = services.add_remedy(user, case, remedy_type="apology", status="agreed")
            services.update_remedy(user, db.session.get(Case, case_id), remedy.id,
                                   status="implemented")
    with app_context(app):
        rollups.refresh_changed()  # the job notices the remedies through their cases
    items = client.get("/api/v1/observatory/stats?group_by=outcome", headers=headers
                       ).get_json()["items"]
    assert items == [{"key": "remedy_obtained", "count": 5, "suppressed": False}]  # 6, rounded
    page = client.get("/observatory?lang=en").get_data(as_text=True)
    assert "A remedy was obtained" in page


def test_the_marginals_and_the_cube_give_the_same_counts(app, staff):
    """One filter reads the marginals, two read the cube: the same complaints either way."""
    _file(app, 6, sector="employment", complainant_country="DK",
          rights_dimensions=["equality_non_discrimination", "privacy_data_protection"])
    _file(app, 5, sector="employment", complainant_country="SE",
          rights_dimensions=["equality_non_discrimination"])
    _file(app, 7, sector="health", complainant_country="DK",
          rights_dimensions=["privacy_data_protection"])
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0
    client = app.test_client()

    def counts(query):
        body = client.get(f"/api/v1/observatory/stats?{query}").get_json()
        return body["total"], {item["key"]: item["count"] for item in body["items"]}

    assert counts("group_by=rights_dimension&sector=employment") == (
        10, {"equality_non_discrimination": 10, "privacy_data_protection": 5})
    assert counts("group_by=sector&rights_dimension=privacy_data_protection") == (
        15, {"employment": 5, "health": 5})
    # Two filters: the cube.
    assert counts("group_by=country&sector=employment&rights_dimension="
                  "equality_non_discrimination") == (10, {"DK": 5, "SE": 5})
    assert counts("group_by=state&country=DK&sector=health") == (5, {"received": 5})
