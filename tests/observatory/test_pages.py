"""The observatory's pages for anyone: charts with their words and tables, filters that say
what is wrong, open data with stable addresses and cache headers."""

import csv
import io

from tests.cases.conftest import file_complaint


def _seed(app):
    for _ in range(11):
        file_complaint(app, sector="employment", rights_dimensions=["equality_non_discrimination"])
    for _ in range(2):
        file_complaint(app, sector="health", rights_dimensions=["privacy_data_protection"])
    for _ in range(6):
        file_complaint(app, sector="housing", rights_dimensions=["privacy_data_protection"])
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0


def test_the_page_shows_charts_with_their_data_and_hides_small_counts(app, staff):
    _seed(app)
    page = app.test_client().get("/observatory?lang=en")
    assert page.status_code == 200 and page.headers["Cache-Control"].startswith("public")
    html = page.get_data(as_text=True)
    assert '<svg role="img"' in html and "<desc" in html  # a chart a screen reader can read
    assert "Work and employment" in html and "Complaints: 20" in html  # 19, rounded
    # health (2) and, with it, housing (6): hidden, and not said to be "fewer than 5"
    assert html.count(">hidden (small numbers)<") >= 2 and ">fewer than 5<" not in html
    assert ">2<" not in html and ">6<" not in html


def test_wrong_filters_are_shown_beside_their_fields(app):
    page = app.test_client().get("/observatory?from=2026-15&country=XX")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="from-error"' in html and 'id="country-error"' in html


def test_open_data_in_csv_and_json(app, staff):
    _seed(app)
    client = app.test_client()
    response = client.get("/observatory/data/sector.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["sector", "count", "suppressed"]
    assert ["employment", "10", "false"] in rows and ["health", "", "true"] in rows
    assert rows[-1] == ["total", "20", "false"]
    as_json = client.get("/observatory/data/sector.json?sector=employment").get_json()
    assert as_json["items"] == [{"key": "employment", "count": 10, "suppressed": False}]
    assert client.get("/observatory/data").status_code == 200
    assert client.get("/observatory/data/colour.csv").status_code == 404
