"""The command line, as scripts call it."""

from remedy.accounts.models import Organisation
from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.conftest import app_context


def run(app, *args):
    return app.test_cli_runner().invoke(args=["remedy", *args])


def test_create_org_prints_the_slug_last(app):
    result = run(app, "create-org", "--name", "Danish Institute for Human Rights", "--slug",
                 "dk-ihr", "--country", "dk", "--type", "nhri", "--rights",
                 "privacy_data_protection,equality_non_discrimination")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "dk-ihr"
    with app_context(app):
        organisation = db.session.query(Organisation).filter_by(slug="dk-ihr").one()
        assert organisation.country == "DK" and organisation.sectors == []


def test_create_org_refuses_bad_input_clearly(app):
    result = run(app, "create-org", "--name", "X Y", "--slug", "Bad Slug", "--country", "ZZ",
                 "--type", "nhri", "--sectors", "mining")
    assert result.exit_code != 0
    for hint in ("--slug", "--country", "--sectors"):
        assert hint in result.output
    duplicate = [run(app, "create-org", "--name", "Same", "--slug", "same", "--country", "DK",
                     "--type", "nhri") for _ in range(2)]
    assert duplicate[0].exit_code == 0 and duplicate[1].exit_code != 0
    assert "already exists" in duplicate[1].output


def test_seed_demo_creates_once(app):
    from tests.conftest import run_jobs

    first = run(app, "seed-demo")
    run_jobs(app)
    assert first.exit_code == 0 and "created 4 organisations, 3 staff and 7 complaints" in first.output
    assert "try tracking a demo complaint" in first.output
    assert "the directory of authorities lists 2 authorities" in first.output
    assert "arrive at /referrals for caseworker@demo-dpa.example.org" in first.output
    stats = app.test_client().get("/api/v1/observatory/stats").get_json()
    assert stats["total"] == 245  # the 7 demo complaints and 240 past ones, rounded, at once
    assert "240 past complaints" in first.output
    link = first.output.split("who can answer at ")[1].split()[0]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert app.test_client().get(path).status_code == 302  # the respondent's portal opens
    second = run(app, "seed-demo")
    assert second.exit_code == 0 and "nothing to do" in second.output
    with app_context(app):
        assert db.session.query(Complaint).count() == 247
        from remedy.collective.models import Suggestion

        kinds = {s.kind for s in db.session.query(Suggestion)}
        assert {"complaint", "duplicate"} <= kinds  # the demo shows grouping and a duplicate


def test_worker_without_redis_says_why(make_app, app):
    if app.config.get("REDIS_URL"):
        return
    result = run(app, "worker", "--burst")
    assert result.exit_code != 0 and "REMEDY_REDIS_URL" in result.output


def test_scheduler_once_runs_the_periodic_jobs(app):
    result = run(app, "scheduler", "--once")
    assert result.exit_code == 0 and "ran 11 periodic jobs" in result.output


def test_aggregate_prints_what_it_suggested(app):
    run(app, "seed-demo")
    result = run(app, "aggregate")
    assert result.exit_code == 0
    assert "247 complaints compared" in result.output and "possible duplicates" in result.output
    unknown = run(app, "aggregate", "--org", "nobody")
    assert unknown.exit_code != 0 and "no organisation" in unknown.output
