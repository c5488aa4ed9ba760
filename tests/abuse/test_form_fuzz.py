"""Every HTML form of the app, posted with values Hypothesis makes up: text in any script,
NUL and control characters, very long strings, numbers out of range, choices that are not
offered, fields left out or sent twice, odd files. Always with a valid CSRF token and as a
person who may use the form (the access matrix's world, tests/test_access_matrix.py).

Every answer must be below 500. A refused submission (any 4xx) must say what is wrong (the
form again with its errors, or an error page) and must not have saved anything: no table
gains or loses a row.

FORMS lists every form route with who posts it and its fields (the page that shows the form,
where there is one, adds the fields and choices it really offers); a route of the app that
takes a form and is not in FORMS fails test_every_form_route_is_fuzzed. The routes run in
groups, each on a fresh world; in a group, the routes that end something (sign out, withdraw,
erase) come last.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import hypothesis.strategies as st
import pyotp
import pytest
from hypothesis import given
from werkzeug.datastructures import MultiDict

from remedy.core.web_errors import TITLES
from remedy.extensions import db
from tests import test_access_matrix as matrix
from tests.abuse.fuzzing import (
    CASES,
    NASTY,
    PLANNED,
    RAN,
    REALISTIC,
    changed_tables,
    examples,
    fuzz,
    row_counts,
    run_collecting,
    text_value,
    upload,
)
from tests.conftest import app_context
from tests.factories import CANARY_CONTACT, form_data
from tests.web import csrf_token

N = 24  # cases per form, unless the form says otherwise
# Refusals (422) of a form that the page they answer with no longer shows, so that the
# person sees no reason: by route, reported at the end of the run (tests/abuse/conftest.py).
SILENT: Counter = Counter()


@dataclass(frozen=True)
class Form:
    """Who posts the form, its fields (name -> kind, see REALISTIC; `{remedy_id}` and
    `{action}` in a name come from the URL), the page that shows it, a valid submission to
    change a few fields of, and how many cases to send."""

    role: str
    fields: dict = field(default_factory=dict)
    page: str | None = None
    valid: dict | None = None
    examples: int = N
    last: bool = False  # ends something for good: after the others of its group


TEXT, LONG, EMAIL, PHONE, PASSWORD_, DATE, NUMBER, BOOL, ID, CHOICE, FILE = (
    "text", "long", "email", "phone", "password", "date", "number", "bool", "id", "choice",
    "file")
STAFF = "caseworker"
COMPLAINT_FIELDS = {
    "filer_type": CHOICE, "title": TEXT, "narrative": LONG, "date_of_harm": DATE,
    "language": CHOICE, "ai_system": TEXT, "deployer": TEXT, "provider": TEXT,
    "deployer_country": CHOICE, "complainant_country": CHOICE, "harm_country": CHOICE,
    "sector": CHOICE, "rights_dimensions": CHOICE, "other_rights": TEXT, "grounds": CHOICE,
    "remedies_sought": CHOICE, "group_size": NUMBER, "co_complainants": LONG,
    "mandate_organisation_name": TEXT, "mandate_basis": LONG, "contact_name": TEXT,
    "contact_email": EMAIL, "contact_phone": PHONE, "contact_preferred_language": CHOICE,
    "consent_contact": BOOL, "consent_share_across_borders": BOOL,
    "consent_publish_narrative": BOOL, "consent_share_with_respondent": BOOL,
    "evidence": FILE, "evidence_receipts": TEXT, "remove_evidence": CHOICE,
    "submission_token": TEXT,
}
CONSENTS = {f"consent_{k}": BOOL for k in ("contact", "share_across_borders",
                                          "publish_narrative", "share_with_respondent")}
AUTHORITY = {"name": TEXT, "country": CHOICE, "type": CHOICE, "sectors": CHOICE,
             "rights_dimensions": CHOICE, "languages": TEXT, "base_url": TEXT, "slug": TEXT,
             "public_key": LONG, "contact_email": EMAIL}
RESPONSE = {"category": CHOICE, "explanation": LONG, "human_review": LONG, "data_used": LONG,
            "remedy_offered": LONG, "remedy_types": CHOICE, "remedy_due_on": DATE,
            "extra_answer": LONG, "final_due": DATE, "suggested_respondent": TEXT,
            "public_response": LONG, "documents": FILE, "action": CHOICE}
NEW_PASSWORD = {"password": PASSWORD_, "confirm": PASSWORD_}

FORMS = {
    # Anyone
    "/complaints/new": Form("anon", COMPLAINT_FIELDS, "/complaints/new", examples=120,
                            valid={**form_data(), **{f"contact_{k}": v for k, v in
                                                     CANARY_CONTACT.items()}}),
    "/track": Form("anon", {"reference": TEXT, "secret": TEXT}, "/track", examples=40),
    "/login": Form("anon", {"email": EMAIL, "password": PASSWORD_, "next": TEXT}, "/login",
                   examples=40),
    "/login/code": Form("pending", {"code": NUMBER}, "/login/code"),
    "/password/forgot": Form("anon", {"email": EMAIL}, "/password/forgot"),
    "/password/reset/<token>": Form("anon", NEW_PASSWORD, "/password/reset/<token>"),
    "/invite/<token>": Form("anon", NEW_PASSWORD, "/invite/<token>"),
    "/logout": Form(STAFF, {}, examples=4, last=True),
    # The complainant, signed in on /track
    "/track/complaint/messages": Form("complainant", {"kind": CHOICE, "body": LONG},
                                      "/track/complaint", examples=40),
    "/track/complaint/evidence": Form("complainant", {"evidence": FILE}, "/track/complaint",
                                      examples=40),
    "/track/complaint/consents": Form("complainant", CONSENTS, "/track/complaint"),
    "/track/complaint/feedback": Form("complainant", {"satisfied": CHOICE, "comment": LONG},
                                      "/track/complaint"),
    "/track/complaint/remedies/<int:remedy_id>": Form(
        "complainant", {"r{remedy_id}-happened": CHOICE, "r{remedy_id}-comment": LONG},
        "/track/complaint"),
    "/track/complaint/claims/<int:member_id>": Form("complainant", {"join": CHOICE},
                                                    "/track/complaint"),
    "/track/complaint/withdraw": Form("complainant", {"reason": LONG, "confirm": BOOL},
                                      "/track/complaint", last=True),
    "/track/stop": Form("complainant", {}, examples=4, last=True),
    # Casework
    "/cases/assign": Form(STAFF, {"case_ids": ID, "assignee": CHOICE, "back": TEXT}, "/cases"),
    "/cases/<int:case_id>/transition": Form(
        STAFF, {"to": CHOICE, "reason": LONG, "other_bodies": LONG}, "/cases/<int:case_id>"),
    "/cases/<int:case_id>/approval": Form("supervisor", {"decision": CHOICE, "reason": LONG},
                                          "/cases/<int:case_id>"),
    "/cases/<int:case_id>/notes": Form(STAFF, {"body": LONG}, "/cases/<int:case_id>",
                                       examples=40),
    "/cases/<int:case_id>/messages": Form(STAFF, {"body": LONG}, "/cases/<int:case_id>"),
    "/cases/<int:case_id>/priority": Form(STAFF, {"priority": CHOICE}, "/cases/<int:case_id>"),
    "/cases/<int:case_id>/remedies": Form(
        STAFF, {"remedy_type": CHOICE, "status": CHOICE, "due_on": DATE, "follow_up": LONG},
        "/cases/<int:case_id>"),
    "/cases/<int:case_id>/remedies/<int:remedy_id>": Form(
        STAFF, {"remedy_type": CHOICE, "status": CHOICE, "due_on": DATE, "follow_up": LONG},
        "/cases/<int:case_id>"),
    "/cases/<int:case_id>/contact": Form(STAFF, {}, examples=4),
    "/cases/<int:case_id>/attention": Form(STAFF, {}, examples=4),
    "/cases/<int:case_id>/data-export": Form("supervisor", {}, examples=4),
    "/cases/<int:case_id>/narrative/prepare": Form(STAFF, {}, examples=4),
    "/cases/<int:case_id>/narrative": Form(
        STAFF, {"narrative-text": LONG, "action": CHOICE}, "/cases/<int:case_id>"),
    "/cases/<int:case_id>/narrative/take-down": Form(STAFF, {}, examples=4),
    "/cases/<int:case_id>/respondent-request": Form(
        STAFF, {"target": CHOICE, "questions": CHOICE, "extra_question": LONG, "summary": LONG,
                "action": CHOICE}, "/cases/<int:case_id>/respondent-request"),
    "/cases/<int:case_id>/respondent-requests/<int:request_id>/renew": Form(STAFF, {},
                                                                            examples=4),
    "/cases/<int:case_id>/respondent-requests/<int:request_id>/revoke": Form(
        STAFF, {}, examples=4, last=True),
    "/cases/<int:case_id>/referral": Form(
        STAFF, {"authority_id": CHOICE, "message": LONG, "action": CHOICE},
        "/cases/<int:case_id>/referral"),
    "/cases/<int:case_id>/duplicate": Form(STAFF, {"original": TEXT, "reason": LONG},
                                           "/cases/<int:case_id>"),
    "/cases/<int:case_id>/collective-claim": Form(STAFF, {"title": TEXT}, examples=8),
    "/cases/<int:case_id>/suggestions/<int:suggestion_id>/<any(confirm, reject):decision>":
        Form(STAFF, {}, examples=4),
    "/cases/<int:case_id>/erase": Form("supervisor", {"reason": LONG, "confirm": BOOL},
                                       "/cases/<int:case_id>", last=True),
    # Collective claims and the registry
    "/collective/aggregate": Form("supervisor", {}, examples=4),
    "/collective/claims/<int:claim_id>": Form(
        STAFF, {"title": TEXT, "representative_name": TEXT}, "/collective/claims/<int:claim_id>"),
    "/collective/claims/<int:claim_id>/transition": Form(
        STAFF, {"to": CHOICE, "reason": LONG}, "/collective/claims/<int:claim_id>"),
    "/collective/claims/<int:claim_id>/invite": Form(STAFF, {"member_ids": ID}),
    "/collective/claims/<int:claim_id>/members/<int:member_id>/withdraw": Form(
        "supervisor", {}, examples=4, last=True),
    "/registry/respondents/<int:respondent_id>": Form(
        "supervisor", {"aliases": LONG, "contact_email": EMAIL, "is_public_authority": BOOL,
                       "kind": CHOICE, "main_establishment_country": CHOICE},
        "/registry/respondents/<int:respondent_id>"),
    "/registry/respondents/<int:respondent_id>/accounts": Form(
        "supervisor", {"email": EMAIL}, "/registry/respondents/<int:respondent_id>/accounts"),
    "/registry/respondents/<int:respondent_id>/accounts/<int:account_id>/deactivate": Form(
        "supervisor", {}, examples=4, last=True),
    "/registry/<any(respondents, systems):kind_path>/<int:entry_id>/aliases": Form(
        "supervisor", {"alias": TEXT}, "/registry/respondents/<int:respondent_id>"),
    "/registry/<any(respondents, systems):kind_path>/<int:entry_id>/merge": Form(
        "supervisor", {"target": ID}, examples=12, last=True),
    "/registry/<any(respondents, systems):kind_path>/<int:entry_id>/split": Form(
        "supervisor", {"alias_ids": ID, "name": TEXT}, examples=12, last=True),
    # Referrals and the directory
    "/referrals/<int:referral_id>/<any(send, acknowledge, request_info, answer, accept, "
    "decline, conclude, withdraw):action>": Form(
        "other", {"{action}-text": LONG, "{action}-csrf_token": TEXT}),
    "/directory": Form("org_admin", AUTHORITY, "/directory"),
    "/directory/<int:authority_id>": Form("org_admin", AUTHORITY),
    "/directory/import": Form("org_admin", {"file": FILE}, "/directory", examples=30),
    # Accounts and administration
    "/account/tokens": Form(STAFF, {"name": TEXT, "scopes": CHOICE}, "/account"),
    "/account/tokens/<int:token_id>/revoke": Form(STAFF, {}, examples=4, last=True),
    "/account/two-factor": Form(STAFF, {"action": CHOICE, "code": NUMBER, "password": PASSWORD_},
                                "/account/two-factor"),
    "/admin/users": Form("org_admin", {"email": EMAIL, "name": TEXT, "role": CHOICE},
                         "/admin/users"),
    "/admin/users/<int:user_id>/deactivate": Form("org_admin", {}, examples=4, last=True),
    "/admin/users/<int:user_id>/reactivate": Form("org_admin", {}, examples=4, last=True),
    "/admin/users/<int:user_id>/role": Form("org_admin", {"role": CHOICE}, "/admin/users"),
    "/admin/case-settings": Form("org_admin", {
        f"{clock}_{part}": NUMBER if part == "length" else CHOICE
        for clock in ("acknowledge", "triage_decision", "investigation", "respondent_answer",
                      "respondent_final", "complainant_feedback")
        for part in ("length", "unit")} | {"closure_needs_approval": BOOL},
        "/admin/case-settings"),
    "/admin/publishing": Form("org_admin", {"publishes_names": BOOL}, "/admin/publishing"),
    # Respondents, on their portal
    "/respond/login": Form("anon", {"email": EMAIL, "password": PASSWORD_}, "/respond/login"),
    "/respond/welcome/<token>": Form("anon", {"password": PASSWORD_},
                                     "/respond/welcome/<token>"),
    "/respond/requests/<int:request_id>": Form("respondent", RESPONSE,
                                               "/respond/requests/<int:request_id>"),
    "/respond/account": Form("respondent", {"name": TEXT}, "/respond/account"),
    "/respond/account/tokens/<int:token_id>/revoke": Form("respondent", {}, examples=4,
                                                          last=True),
    "/respond/logout": Form("respondent", {}, examples=4, last=True),
}

GROUPS = {  # one world each
    "public": ("/complaints/", "/track", "/login", "/logout", "/password/", "/invite/"),
    "complainant": ("/track/",),
    "cases": ("/cases/",),
    "collective_registry": ("/collective/", "/registry/"),
    "referrals_directory": ("/referrals/", "/directory"),
    "accounts": ("/account", "/admin/"),
    "respondents": ("/respond/",),
}


def group_of(rule: str) -> str:
    """The group of a route: the one whose prefix fits it best."""
    best = max(((len(p), name) for name, prefixes in GROUPS.items() for p in prefixes
                if rule.startswith(p)), default=(0, None))
    return best[1]


def form_routes(app) -> set[str]:
    """Every route that takes a form: unsafe methods outside the API and federation."""
    return {rule.rule for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
            and not rule.rule.startswith(("/api/", "/federation/"))}


def test_every_form_route_is_fuzzed(app):
    routes = form_routes(app)
    assert routes == set(FORMS), (
        f"form routes without a fuzz entry: {sorted(routes - set(FORMS))}; "
        f"entries that are no longer routes: {sorted(set(FORMS) - routes)}")
    assert all(group_of(rule) for rule in FORMS)
    planned = sum(examples(form.examples) for form in FORMS.values())
    assert planned >= 1300  # with tests/abuse/test_api_fuzz.py, over MIN_CASES


# --- reading a form off its page ---------------------------------------------------------------


class _FormParser(HTMLParser):
    """The forms of a page: action -> {field name: [values offered]}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.current = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(attrs.get("action") or "", {})
        elif self.current is None:
            return
        elif tag in ("input", "textarea", "select", "button") and attrs.get("name"):
            values = self.current.setdefault(attrs["name"], [])
            if tag in ("input", "button") and attrs.get("value") is not None:
                values.append(attrs["value"])
            self.select = values if tag == "select" else None
        elif tag == "option" and self.select is not None and attrs.get("value") is not None:
            self.select.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def offered_fields(html: str, url: str) -> dict[str, list[str]]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms.get(url, {})


# --- the world ----------------------------------------------------------------------------------


def _extend_world(app, world) -> None:
    """What the access matrix's world lacks for the forms: a remedy the complainant is asked
    about, a staff account with two-step sign-in, links to accept an invitation and to reset
    a password, and a respondent's portal account with a password."""
    from remedy.accounts import services as accounts
    from remedy.accounts.models import User
    from remedy.cases.models import Remedy
    from remedy.core.db import utcnow
    from remedy.responses import access
    from remedy.responses.models import RespondentAccount

    with app_context(app):
        remedy = db.session.get(Remedy, world["own"]["remedy_id"])
        remedy.status, remedy.due_on, remedy.complainant_asked_at = (
            "proposed", utcnow().date(), utcnow())
        admin = db.session.scalar(db.select(User).filter_by(email=matrix.EMAILS["org_admin"]))
        totp = accounts.create_user(email="totp@one.example.org", role="caseworker",
                                    organisation=admin.organisation, password=matrix.PASSWORD)
        accounts.confirm_totp(totp, pyotp.TOTP(accounts.start_totp(totp)).now())
        invited = accounts.invite_user(inviter=admin, email="invited@one.example.org",
                                       role="caseworker")
        spare = db.session.get(User, world["user_ids"]["own"])
        world["tokens"] = {"invite": accounts._link_token(invited, "invite"),
                           "reset": accounts._link_token(spare, "reset")}
        account = db.session.get(RespondentAccount, world["own"]["account_id"])
        welcome = access._serializer().dumps({"a": account.id, "p": ""})
        access.accept_invite(welcome, matrix.PASSWORD)
        world["respondent_email"] = account.email
        other = db.session.get(RespondentAccount, world["other"]["account_id"])
        world["tokens"]["welcome"] = access._serializer().dumps({"a": other.id, "p": ""})
        access.create_token(account, "to revoke")
        world["respondent_token_id"] = access.tokens_of(account)[0].id
        db.session.commit()


def _client(app, role: str, world):
    if role == "pending":  # half-way through signing in: the password was right
        client = app.test_client()
        response = client.post("/login", data={
            "email": "totp@one.example.org", "password": matrix.PASSWORD,
            "csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 302 and "/login/code" in response.location
        return client
    if role == "respondent":
        client = app.test_client()
        response = client.post("/respond/login", data={
            "email": world["respondent_email"], "password": matrix.PASSWORD,
            "csrf_token": csrf_token(client, "/respond/login")})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client
    return matrix._client_for(app, role, world)


def _url(app, rule_text: str, world, role: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    target = "other" if role == "other" else "own"
    url = matrix._url(rule, world, target)
    special = {"/invite/": world["tokens"]["invite"],
               "/password/reset/": world["tokens"]["reset"],
               "/respond/welcome/": world["tokens"]["welcome"]}
    for prefix, token in special.items():
        if url.startswith(prefix):
            url = prefix + token
    if rule_text.startswith("/respond/account/tokens/"):
        url = f"/respond/account/tokens/{world['respondent_token_id']}/revoke"
    return url


# --- one form ----------------------------------------------------------------------------------


def _values_for(kind: str, offered: list[str]):
    realistic = [v for v in offered if v] + REALISTIC.get(kind, [])
    hostile = upload() if kind == FILE else text_value()
    if not realistic:
        return hostile
    return st.one_of(st.sampled_from(realistic), st.sampled_from(realistic), hostile,
                     st.sampled_from(NASTY))


@st.composite
def submission(draw, fields: dict, offered: dict, valid: dict | None):
    """Form data: each field left out, sent once or sent twice, from a valid submission
    with a few fields changed or from nothing."""
    pairs = []
    names = sorted(set(fields) | set(offered))
    base = MultiDict(valid) if valid and draw(st.booleans()) else None
    changed = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))) if base else None
    for name in names:
        if name.endswith("csrf_token"):
            continue
        if base is not None and name not in changed:
            pairs += [(name, v) for v in base.getlist(name)]
            continue
        how = draw(st.sampled_from(["once", "once", "once", "missing", "twice"]))
        if how == "missing":
            continue
        strategy = _values_for(fields.get(name, TEXT), offered.get(name, []))
        pairs += [(name, draw(strategy)) for _ in range(2 if how == "twice" else 1)]
    multipart = draw(st.booleans()) or any(isinstance(v, tuple) for _, v in pairs)
    return pairs, multipart


def _shows_a_problem(html: str) -> bool:
    return ("error-summary" in html or "field-error" in html or 'role="alert"' in html
            or any(f"<h1>{title}</h1>" in html for title in map(str, TITLES.values())))


def _describe(pairs) -> str:
    shown = [(name, (f"<file {value[1]!r}>" if isinstance(value, tuple) else
                     (value if len(value) < 80 else value[:60] + f"... ({len(value)} chars)")))
             for name, value in pairs]
    return repr(shown)


def _fuzz_form(app, rule: str, form: Form, world, clients: dict) -> None:
    role = form.role
    if role not in clients:
        clients[role] = _client(app, role, world)
    client = clients[role]
    url = _url(app, rule, world, role)
    match = re.search(r"/referrals/\d+/(\w+)$", url)
    context = {"remedy_id": world["own"]["remedy_id"], "action": match and match.group(1)}
    fields = {name.format(**context): kind for name, kind in form.fields.items()}
    offered = {}
    if form.page:
        page_url = _url(app, form.page, world, role)
        page = client.get(page_url)
        offered = offered_fields(page.get_data(as_text=True), url) if page.status_code == 200 \
            else {}
    token = csrf_token(client, "/track")

    @fuzz(form.examples)
    @given(data=st.data())
    def run(data):
        pairs, multipart = data.draw(submission(fields, offered, form.valid))
        pairs += [(name, token) for name in (set(fields) | set(offered) | {"csrf_token"})
                  if name.endswith("csrf_token")]
        sender = client
        if form.last and not form.fields:  # sign out, stop: each case from a fresh session
            sender = _client(app, role, world)
            pairs = [(n, csrf_token(sender, "/track") if n.endswith("csrf_token") else v)
                     for n, v in pairs]
        before = row_counts(app)
        response = sender.post(url, data=MultiDict(pairs), headers={"X-CSRFToken": token},
                               content_type="multipart/form-data" if multipart else None)
        CASES["forms"] += 1
        sent = _describe(pairs)
        assert response.status_code < 500, f"{response.status_code} for POST {url} {sent}"
        if 400 <= response.status_code < 500:
            changed = changed_tables(before, row_counts(app))
            if response.status_code == 401:  # a refused sign-in is audited, by design
                changed.pop("audit_events", None)
            assert not changed, (
                f"{response.status_code} for POST {url}, yet rows changed {changed}: {sent}")
            assert response.content_type.startswith("text/html"), response.content_type
        if response.status_code == 422:
            html = response.get_data(as_text=True)
            if not _shows_a_problem(html):
                # The form again without its errors would be a bug; a page that no longer
                # offers the form (the action is done, or not open) is reported.
                assert f'action="{url}"' not in html, f"422 for POST {url} says nothing: {sent}"
                SILENT[rule] += 1

    if fields or offered:  # a form without fields has two cases at most (Hypothesis stops)
        PLANNED["forms"] += examples(form.examples)
    run()


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_forms_survive_hostile_input(app, group):
    world = matrix._world(app)
    _extend_world(app, world)
    clients: dict = {}
    failures: list[str] = []
    routes = sorted((rule for rule in FORMS if group_of(rule) == group),
                    key=lambda rule: (FORMS[rule].last, rule))
    for rule in routes:
        run_collecting(rule, lambda rule=rule: _fuzz_form(app, rule, FORMS[rule], world,
                                                          clients), failures)
    RAN.add(f"forms:{group}")
    assert not failures, "\n\n".join(failures)
