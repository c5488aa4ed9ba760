"""Matching through the service: complaints filed through the API get suggestions right
after filing, with reasons; the same deployer's other system is not suggested."""

from remedy.collective.matching import open_suggestions
from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs

DRIVER = dict(sector="employment", rights_dimensions=["access_to_remedy"])


def complaint_id(app, reference):
    with app_context(app):
        return db.session.query(Complaint).filter_by(reference=reference).one().id


def test_deactivated_drivers_in_three_languages_are_suggested_together(app, staff):
    first, _, _ = file_complaint(app, title="Deactivated by the app", ai_system="Uber driver app",
                                 deployer="Uber B.V.", narrative="My account was deactivated by "
                                 "the app overnight without any explanation or human review.", **DRIVER)
    second, _, _ = file_complaint(app, title="Compte désactivé", ai_system="uber driver app",
                                  deployer="UBER BV", language="fr", narrative="Mon compte a été "
                                  "désactivé par l'application sans explication, du jour au lendemain.",
                                  **DRIVER)
    third, _, _ = file_complaint(app, title="账号被停用", ai_system="Uber Driver App",
                                 deployer="Uber", language="zh", narrative="我的司机账号被应用程序"
                                 "自动停用了，没有任何解释，也没有人工审核。", **DRIVER)
    pricing, _, _ = file_complaint(app, title="Charged more", ai_system="Uber rider app",
                                   deployer="Uber B.V.", narrative="The app charged me a higher "
                                   "price than my friend for the same ride every single time.",
                                   sector="consumer_services",
                                   rights_dimensions=["equality_non_discrimination"])
    run_jobs(app)  # matching right after filing is a job (an RQ worker with Redis)
    with app_context(app):
        third_suggestions = open_suggestions(complaint_id(app, third))
        targets = {s.target for s in third_suggestions}
        assert f"complaint:{complaint_id(app, first)}" in targets
        assert f"complaint:{complaint_id(app, second)}" in targets
        assert f"complaint:{complaint_id(app, pricing)}" not in targets
        codes = {r["code"] for r in third_suggestions[0].reasons}
        assert {"same_deployer", "same_harm"} <= codes
        assert codes & {"same_ai_system", "same_ai_system_alias"}
        assert not open_suggestions(complaint_id(app, pricing))
