"""The queue: only one's own organisation, filters, search, sorting, pages, export."""

import csv
import io
from datetime import timedelta

from remedy.cases.models import Case
from remedy.core.db import utcnow
from remedy.extensions import db
from tests.cases.conftest import file_complaint
from tests.conftest import app_context
from tests.web import post_form


def references(html):
    import re

    return re.findall(r">(RMD-\w{4}-\w{4})</a>", html)


def test_the_queue_shows_only_the_organisations_cases(app, staff, as_role):
    mine = file_complaint(app)[0]
    theirs = file_complaint(app, complainant_country="SE")[0]
    html = as_role("caseworker").get("/cases").get_data(as_text=True)
    assert mine in html and theirs not in html
    assert theirs in as_role("other").get("/cases").get_data(as_text=True)


def test_filters_search_and_overdue(app, staff, as_role):
    health = file_complaint(app, sector="health", title="Triage app refused care",
                            narrative="The hospital chatbot refused to book my appointment twice.")[0]
    work = file_complaint(app, sector="employment")[0]
    late = file_complaint(app, rights_dimensions=["privacy_data_protection"])
    with app_context(app):
        db.session.get(Case, late[2]).next_due_on = utcnow().date() - timedelta(days=3)
        db.session.commit()
    cw = as_role("caseworker")
    assert references(cw.get("/cases?sector=health").get_data(as_text=True)) == [health]
    assert references(cw.get("/cases?q=chatbot").get_data(as_text=True)) == [health]
    assert references(cw.get("/cases?overdue=1").get_data(as_text=True)) == [late[0]]
    assert references(cw.get("/cases?rights_dimension=privacy_data_protection")
                      .get_data(as_text=True)) == [late[0]]
    assert work in cw.get("/cases?sort=age").get_data(as_text=True)
    group = file_complaint(app, filer_type="group", group_size=40)[0]
    assert references(cw.get("/cases?collective=1").get_data(as_text=True)) == [group]
    assert group not in cw.get("/cases?collective=0").get_data(as_text=True)
    assert cw.get("/cases?sector=mining").status_code == 200  # a bad filter is explained, not a 500


def test_pages_and_bulk_assignment(app, staff, as_role):
    refs = [file_complaint(app)[2] for _ in range(3)]
    cw = as_role("caseworker")
    first = cw.get("/cases?per_page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and len(references(first)) == 2
    response = post_form(cw, "/cases/assign",
                         {"case_ids": [str(i) for i in refs], "assignee": str(staff["caseworker"])},
                         token_from="/cases")
    assert response.status_code == 302
    assert len(references(cw.get("/cases?assignee=me").get_data(as_text=True))) == 3
    other = post_form(cw, "/cases/assign", {"case_ids": [str(refs[0])], "assignee": str(staff["other"])},
                      token_from="/cases")
    assert other.status_code in (302, 422)
    with app_context(app):
        assert db.session.get(Case, refs[0]).assignee_id == staff["caseworker"]


def test_export_is_scoped_and_spreadsheet_safe(app, staff, as_role):
    from remedy.core.audit import AuditEvent

    file_complaint(app, title='=HYPERLINK("http://evil.example","click")')
    file_complaint(app, complainant_country="SE", title="Not ours")
    response = as_role("caseworker").get("/cases/export.csv")
    assert response.headers["Content-Disposition"] == "attachment; filename=cases.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["title"] for r in rows] == ["'=HYPERLINK(\"http://evil.example\",\"click\")"]
    with app_context(app):
        assert db.session.query(AuditEvent).filter_by(action="cases.exported").count() == 1


def test_supervisors_see_workload_and_caseworkers_cannot(app, staff, as_role):
    file_complaint(app)
    assert as_role("caseworker").get("/supervisor").status_code == 403
    html = as_role("supervisor").get("/supervisor").get_data(as_text=True)
    assert "Workload" in html and "Nobody" in html


def test_a_text_search_counts_up_to_a_cap(app, staff, as_role, token, monkeypatch):
    from remedy.cases import queries

    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 2)
    for _ in range(3):
        file_complaint(app, narrative="The welfare chatbot refused my application every time.")
    assert "More than 2 cases" in as_role("caseworker").get("/cases?q=chatbot").get_data(as_text=True)
    body = app.test_client().get("/api/v1/cases?q=chatbot",
                                 headers={"Authorization": f"Bearer {token('caseworker')}"}).get_json()
    assert body["total"] == 2 and body["total_capped"] is True and len(body["items"]) == 3
    exact = app.test_client().get("/api/v1/cases", headers={
        "Authorization": f"Bearer {token('caseworker')}"}).get_json()
    assert exact["total"] == 3 and "total_capped" not in exact
