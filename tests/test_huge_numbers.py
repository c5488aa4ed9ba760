"""Numbers larger than the databases' integer, in URLs, query strings and forms, are "no such
thing" or a field error: never a database error (PostgreSQL refuses them outright)."""

from tests.cases.conftest import as_role, staff, token  # noqa: F401  (fixtures)
from tests.web import post_form

HUGE = "99999999999999999999"


def test_huge_ids_and_pages_are_not_server_errors(app, as_role, token):  # noqa: F811
    cw = as_role("caseworker")
    for url in (f"/cases/{HUGE}", "/cases/2147483648", f"/cases?page={HUGE}",
                f"/cases?assignee={HUGE}", f"/registry?page={HUGE}",
                f"/respond/open/{HUGE}.abc", f"/respond/requests/{HUGE}"):
        response = cw.get(url)
        assert response.status_code in (200, 302, 404, 422), (url, response.status_code)
    assign = post_form(cw, "/cases/assign", {"case_ids": [HUGE], "assignee": HUGE},
                       token_from="/cases")
    assert assign.status_code == 302
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token('caseworker')}"}
    for url in (f"/api/v1/cases/{HUGE}", f"/api/v1/cases?page={HUGE}",
                f"/api/v1/registry/respondents?page={HUGE}",
                f"/api/v1/respondent/requests/{HUGE}"):
        response = api.get(url, headers=headers)
        assert response.status_code in (400, 401, 404, 422), (url, response.status_code)
        assert response.is_json
    link = api.get("/api/v1/respondent/requests", headers={"Authorization": f"Bearer {HUGE}.x"})
    assert link.status_code == 401
