"""Registry resolution at filing (learned aliases, no false merges), and staff merging,
splitting and naming entries; complaints follow, and keep what their filer typed."""

from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.registry.models import AISystem, RegistryAlias, Respondent
from tests.cases.conftest import file_complaint
from tests.conftest import app_context
from tests.web import post_form


def resolved(app, reference):
    with app_context(app):
        c = db.session.query(Complaint).filter_by(reference=reference).one()
        return c.ai_system_id, c.deployer_id, c.ai_system_as_named, c.deployer_as_named


def test_filing_resolves_spellings_and_learns_them(app, staff):
    first = file_complaint(app, ai_system="Uber driver app", deployer="Uber B.V.")[0]
    second = file_complaint(app, ai_system="UBER DRIVER APP", deployer="Ubеr BV")[0]  # Cyrillic е
    typo = file_complaint(app, ai_system="Uber driver aap", deployer="Uber")[0]
    other = file_complaint(app, ai_system="Uber Eats app", deployer="Uber Eats Netherlands B.V.")[0]
    a, b, t, o = (resolved(app, r) for r in (first, second, typo, other))
    assert a[:2] == b[:2] == t[:2]  # one AI system, one deployer
    assert o[0] != a[0] and o[1] != a[1]
    assert b[3] == "Ubеr BV"  # the complaint keeps what was typed
    with app_context(app):
        sources = {x.alias: x.source for x in db.session.query(RegistryAlias).filter(
            RegistryAlias.respondent_id == a[1])}
        assert sources["Uber B.V."] == "typed" and sources["Ubеr BV"] == "learned"


def test_short_or_empty_names_are_never_merged_with_others(app, staff):
    one = file_complaint(app, ai_system="AB", deployer="A/S")[0]
    two = file_complaint(app, ai_system="Ab!", deployer="AS")[0]
    three = file_complaint(app, ai_system="x" * 200, deployer="!!!")[0]
    ids = [resolved(app, r)[0] for r in (one, two, three)]
    assert ids[0] == ids[1]  # the same name with other punctuation
    assert ids[2] != ids[0]
    assert resolved(app, one)[1] != resolved(app, three)[1]


def test_supervisors_merge_split_and_name_entries(app, staff, as_role):
    uber = file_complaint(app, ai_system="Driver app", deployer="Uber B.V.")[0]
    portier = file_complaint(app, ai_system="Driver app", deployer="Uber Portier B.V.")[0]
    with app_context(app):
        uber_id, portier_id = resolved(app, uber)[1], resolved(app, portier)[1]
    sup = as_role("supervisor")
    page = sup.get(f"/registry/respondents/{portier_id}").get_data(as_text=True)
    assert "Entries with similar names" in page and f'value="{uber_id}"' in page
    assert as_role("caseworker").post(f"/registry/respondents/{portier_id}/merge").status_code in (400, 403)
    merged = post_form(sup, f"/registry/respondents/{portier_id}/merge", {"target": str(uber_id)},
                       token_from=f"/registry/respondents/{portier_id}")
    assert merged.status_code == 302 and f"/registry/respondents/{uber_id}" in merged.headers["Location"]
    assert resolved(app, portier)[1] == uber_id and resolved(app, portier)[3] == "Uber Portier B.V."
    with app_context(app):
        assert db.session.get(Respondent, portier_id) is None
        moved = db.session.query(RegistryAlias).filter_by(alias="Uber Portier B.V.").one()
        alias_id = moved.id
    # The merge was wrong for one name: split it off again; its complaint follows.
    split = post_form(sup, f"/registry/respondents/{uber_id}/split",
                      {"alias_ids": [str(alias_id)], "name": "Uber Portier B.V."},
                      token_from=f"/registry/respondents/{uber_id}")
    assert split.status_code == 302
    new_id = resolved(app, portier)[1]
    assert new_id != uber_id and resolved(app, uber)[1] == uber_id  # (SQLite may reuse an id)
    everything = post_form(sup, f"/registry/respondents/{new_id}/split",
                           {"alias_ids": [str(alias_id)]}, token_from=f"/registry/respondents/{new_id}")
    assert "not+none+or+all" in everything.headers["Location"] or "none" in everything.headers["Location"]
    # A new name for the AI system, and a name that is another entry's is refused.
    with app_context(app):
        system_id = db.session.query(AISystem).filter_by(name="Driver app").one().id
    named = post_form(sup, f"/registry/systems/{system_id}/aliases", {"alias": "Uber driver application"},
                      token_from=f"/registry/systems/{system_id}")
    assert named.status_code == 302
    assert resolved(app, file_complaint(app, ai_system="uber driver application")[0])[0] == system_id
    taken = post_form(sup, f"/registry/respondents/{uber_id}/aliases", {"alias": "Uber Portier B.V."},
                      token_from=f"/registry/respondents/{uber_id}")
    assert "error=" in taken.headers["Location"]
    assert "merge the two instead" in sup.get(taken.headers["Location"]).get_data(as_text=True)
