"""Every route of the app, called by every kind of user, on objects of both organisations.

The expected status of every cell is written down in EXPECTED below; any other outcome
fails, and so does a route that is missing from the table (a new route must be added here
on purpose). Another organisation's object is always a 404, never a 403.

Roles: anon (nobody), complainant (signed in on /track to complaint A, or sending A's secret
to the API), caseworker / supervisor / org_admin of organisation 1, other (a caseworker of
organisation 2). Objects: "own" = organisation 1's case A; "other" = organisation 2's case B;
for a referral (from organisation 1 to organisation 2), "own" = organisation 1's outgoing record
and "other" = organisation 2's incoming record of it. The directory's entry in the table is
organisation 2's own (local) entry: everyone sees it, only organisation 2's admin edits it.
"""

import io
import re

import pytest

from remedy.accounts.models import User
from remedy.accounts.services import create_api_token, create_user, organisation_by_slug
from remedy.cases.models import Remedy
from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.conftest import app_context
from tests.factories import complaint_payload, make_organisation, refer_to_sweden
from tests.web import csrf_token

PASSWORD = "correct horse battery staple"
ROLES = ("anon", "complainant", "caseworker", "supervisor", "org_admin", "other")
EMAILS = {"caseworker": "cw@one.example.org", "supervisor": "sup@one.example.org",
          "org_admin": "admin@one.example.org", "other": "cw@two.example.org"}

# (method, rule) -> {role: status} for routes without an object, or
# {role: (status on own object, status on other organisation's object)}.
EXPECTED = {
    ('GET', '/'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/account'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/account/tokens'): {'anon': 302, 'complainant': 302, 'caseworker': 422, 'supervisor': 422, 'org_admin': 422, 'other': 422},
    ('POST', '/account/tokens/<int:token_id>/revoke'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (404, 404), 'org_admin': (404, 404), 'other': (404, 302)},
    ('GET', '/account/two-factor'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/account/two-factor'): {'anon': 302, 'complainant': 302, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('GET', '/admin/case-settings'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 200, 'other': 403},
    ('POST', '/admin/case-settings'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 422, 'other': 403},
    ('GET', '/admin/publishing'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 200, 'other': 403},
    ('POST', '/admin/publishing'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 302, 'other': 403},
    ('GET', '/admin/users'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 200, 'other': 403},
    ('POST', '/admin/users'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 422, 'other': 403},
    ('POST', '/admin/users/<int:user_id>/deactivate'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (403, 403), 'org_admin': (302, 404), 'other': (403, 403)},
    ('POST', '/admin/users/<int:user_id>/reactivate'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (403, 403), 'org_admin': (302, 404), 'other': (403, 403)},
    ('POST', '/admin/users/<int:user_id>/role'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (403, 403), 'org_admin': (422, 404), 'other': (403, 403)},
    ('GET', '/api/v1/cases'): {'anon': 401, 'complainant': 401, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/api/v1/cases/<int:case_id>'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/api/v1/cases/<int:case_id>/transitions'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (409, 404), 'supervisor': (409, 404), 'org_admin': (409, 404), 'other': (404, 409)},
    ('POST', '/api/v1/complaints'): {'anon': 422, 'complainant': 422, 'caseworker': 422, 'supervisor': 422, 'org_admin': 422, 'other': 422},
    ('GET', '/api/v1/complaints/<reference>'): {'anon': (401, 401), 'complainant': (200, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('PATCH', '/api/v1/complaints/<reference>/consents'): {'anon': (401, 401), 'complainant': (200, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('POST', '/api/v1/complaints/<reference>/evidence'): {'anon': (401, 401), 'complainant': (422, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('POST', '/api/v1/complaints/<reference>/messages'): {'anon': (401, 401), 'complainant': (422, 401), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/api/v1/complaints/<reference>/withdraw'): {'anon': (401, 401), 'complainant': (200, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('GET', '/api/v1/observatory/narratives'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/api/v1/observatory/stats'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/api/v1/openapi.json'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    # The regional observatory is off by default: the API is a 404, the page says so.
    ('GET', '/api/v1/observatory/regional'): {'anon': 404, 'complainant': 404, 'caseworker': 404, 'supervisor': 404, 'org_admin': 404, 'other': 404},
    ('GET', '/api/v1/registry/respondents'): {'anon': 401, 'complainant': 401, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('PATCH', '/api/v1/registry/respondents/<int:respondent_id>'): {'anon': 401, 'complainant': 401, 'caseworker': 403, 'supervisor': 200, 'org_admin': 200, 'other': 403},
    ('GET', '/cases'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/cases/<int:case_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/cases/<int:case_id>/approval'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (403, 403)},
    ('POST', '/cases/<int:case_id>/contact'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('GET', '/cases/<int:case_id>/evidence/<int:evidence_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/cases/<int:case_id>/data-export'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (403, 403)},
    ('POST', '/cases/<int:case_id>/erase'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (403, 403)},
    # Published narratives: the world's complainants did not consent to publication (403); nothing to take down (404)
    ('POST', '/cases/<int:case_id>/narrative'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 404), 'supervisor': (403, 404), 'org_admin': (403, 404), 'other': (404, 403)},
    ('POST', '/cases/<int:case_id>/narrative/prepare'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 404), 'supervisor': (403, 404), 'org_admin': (403, 404), 'other': (404, 403)},
    ('POST', '/cases/<int:case_id>/narrative/take-down'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (404, 404), 'supervisor': (404, 404), 'org_admin': (404, 404), 'other': (404, 404)},
    ('POST', '/cases/<int:case_id>/messages'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/notes'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/priority'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/remedies'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/remedies/<int:remedy_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/transition'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/assign'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('GET', '/cases/export.csv'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/complaints/new'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/complaints/new'): {'anon': 422, 'complainant': 422, 'caseworker': 422, 'supervisor': 422, 'org_admin': 422, 'other': 422},
    ('GET', '/healthz'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/invite/<token>'): {'anon': 400, 'complainant': 400, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('POST', '/invite/<token>'): {'anon': 400, 'complainant': 400, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('GET', '/login'): {'anon': 200, 'complainant': 200, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/login'): {'anon': 401, 'complainant': 401, 'caseworker': 401, 'supervisor': 401, 'org_admin': 401, 'other': 401},
    ('GET', '/login/code'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/login/code'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/logout'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('GET', '/password/forgot'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/password/forgot'): {'anon': 422, 'complainant': 422, 'caseworker': 422, 'supervisor': 422, 'org_admin': 422, 'other': 422},
    ('GET', '/password/reset/<token>'): {'anon': 400, 'complainant': 400, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('POST', '/password/reset/<token>'): {'anon': 400, 'complainant': 400, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('GET', '/observatory'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/observatory/data'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/observatory/regional'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/observatory/data/<any(month, country, sector, rights_dimension, filer_type, state, outcome, remedy_type, collective_claims, ai_system, respondent):group>.<any(csv, json):fmt>'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/observatory/stories'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/privacy'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/registry'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/registry/respondents/<int:respondent_id>'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/registry/respondents/<int:respondent_id>'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 422, 'org_admin': 422, 'other': 403},
    ('GET', '/rights'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/static/<path:filename>'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/supervisor'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 200, 'org_admin': 200, 'other': 403},
    ('GET', '/track'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/track'): {'anon': 401, 'complainant': 401, 'caseworker': 401, 'supervisor': 401, 'org_admin': 401, 'other': 401},
    ('GET', '/track/complaint'): {'anon': 302, 'complainant': 200, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/track/complaint/consents'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/track/complaint/evidence'): {'anon': 302, 'complainant': 422, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/track/complaint/messages'): {'anon': 302, 'complainant': 422, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/track/complaint/withdraw'): {'anon': 302, 'complainant': 422, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/track/stop'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    # Respondent responses (respondents themselves: tests/responses/test_security.py)
    ('GET', '/api/v1/cases/<int:case_id>/respondent-requests'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/api/v1/cases/<int:case_id>/respondent-requests'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/api/v1/complaints/<reference>/feedback'): {'anon': (401, 401), 'complainant': (409, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('POST', '/api/v1/complaints/<reference>/remedies/<int:remedy_id>/check'): {'anon': (401, 401), 'complainant': (404, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('GET', '/api/v1/respondent/requests'): {'anon': 401, 'complainant': 401, 'caseworker': 401, 'supervisor': 401, 'org_admin': 401, 'other': 401},
    ('GET', '/api/v1/respondent/requests/<int:request_id>'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('POST', '/api/v1/respondent/requests/<int:request_id>/response'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (401, 401), 'supervisor': (401, 401), 'org_admin': (401, 401), 'other': (401, 401)},
    ('POST', '/cases/<int:case_id>/attention'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (302, 404), 'org_admin': (302, 404), 'other': (404, 302)},
    ('GET', '/cases/<int:case_id>/respondent-documents/<int:document_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('GET', '/cases/<int:case_id>/respondent-request'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/cases/<int:case_id>/respondent-request'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/respondent-requests/<int:request_id>/renew'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/cases/<int:case_id>/respondent-requests/<int:request_id>/revoke'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (302, 404), 'org_admin': (302, 404), 'other': (404, 302)},
    ('GET', '/registry/respondents/<int:respondent_id>/accounts'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 200, 'org_admin': 200, 'other': 403},
    ('POST', '/registry/respondents/<int:respondent_id>/accounts'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 422, 'org_admin': 422, 'other': 403},
    ('POST', '/registry/respondents/<int:respondent_id>/accounts/<int:account_id>/deactivate'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (403, 403), 'supervisor': (302, 404), 'org_admin': (302, 404), 'other': (403, 403)},
    ('GET', '/respond'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('GET', '/respond/account'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/respond/account'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/respond/account/tokens/<int:token_id>/revoke'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 302), 'supervisor': (302, 302), 'org_admin': (302, 302), 'other': (302, 302)},
    ('GET', '/respond/login'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/respond/login'): {'anon': 401, 'complainant': 401, 'caseworker': 401, 'supervisor': 401, 'org_admin': 401, 'other': 401},
    ('POST', '/respond/logout'): {'anon': 302, 'complainant': 302, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('GET', '/respond/open/<token>'): {'anon': 404, 'complainant': 404, 'caseworker': 404, 'supervisor': 404, 'org_admin': 404, 'other': 404},
    ('GET', '/respond/requests/<int:request_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 302), 'supervisor': (302, 302), 'org_admin': (302, 302), 'other': (302, 302)},
    ('POST', '/respond/requests/<int:request_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 302), 'supervisor': (302, 302), 'org_admin': (302, 302), 'other': (302, 302)},
    ('GET', '/respond/welcome/<token>'): {'anon': 400, 'complainant': 400, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('POST', '/respond/welcome/<token>'): {'anon': 400, 'complainant': 400, 'caseworker': 400, 'supervisor': 400, 'org_admin': 400, 'other': 400},
    ('POST', '/track/complaint/feedback'): {'anon': 302, 'complainant': 422, 'caseworker': 302, 'supervisor': 302, 'org_admin': 302, 'other': 302},
    ('POST', '/track/complaint/remedies/<int:remedy_id>'): {'anon': (302, 302), 'complainant': (404, 404), 'caseworker': (302, 302), 'supervisor': (302, 302), 'org_admin': (302, 302), 'other': (302, 302)},
    # Collective claims and registry curation
    ('GET', '/api/v1/cases/<int:case_id>/collective-suggestions'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('GET', '/api/v1/collective-claims'): {'anon': 401, 'complainant': 401, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/api/v1/collective-claims/<int:claim_id>'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/api/v1/collective-suggestions/<int:suggestion_id>/<any(confirm, reject):decision>'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (409, 404), 'org_admin': (409, 404), 'other': (404, 200)},
    ('POST', '/cases/<int:case_id>/collective-claim'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (302, 404), 'org_admin': (302, 404), 'other': (404, 302)},
    ('POST', '/cases/<int:case_id>/duplicate'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/cases/<int:case_id>/suggestions/<int:suggestion_id>/<any(confirm, reject):decision>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (404, 404), 'org_admin': (404, 404), 'other': (404, 302)},
    ('GET', '/collective'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/collective/aggregate'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 302, 'org_admin': 302, 'other': 403},
    ('GET', '/collective/claims/<int:claim_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/collective/claims/<int:claim_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('POST', '/collective/claims/<int:claim_id>/invite'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (302, 404), 'org_admin': (302, 404), 'other': (404, 302)},
    ('POST', '/collective/claims/<int:claim_id>/members/<int:member_id>/withdraw'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (302, 404), 'supervisor': (409, 404), 'org_admin': (409, 404), 'other': (404, 302)},
    ('POST', '/collective/claims/<int:claim_id>/transition'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('GET', '/collective/runs/<int:run_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/registry/<any(respondents, systems):kind_path>/<int:entry_id>/aliases'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 302, 'org_admin': 302, 'other': 403},
    ('POST', '/registry/<any(respondents, systems):kind_path>/<int:entry_id>/merge'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 302, 'org_admin': 302, 'other': 403},
    ('POST', '/registry/<any(respondents, systems):kind_path>/<int:entry_id>/split'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 302, 'org_admin': 302, 'other': 403},
    ('GET', '/registry/systems'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/registry/systems/<int:system_id>'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/track/complaint/claims/<int:member_id>'): {'anon': (302, 302), 'complainant': (422, 404), 'caseworker': (302, 302), 'supervisor': (302, 302), 'org_admin': (302, 302), 'other': (302, 302)},
    # Referrals, the directory of authorities, federation (signed, between installations)
    ('GET', '/api/v1/cases/<int:case_id>/routing'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('GET', '/api/v1/directory'): {'anon': 401, 'complainant': 401, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/api/v1/directory'): {'anon': 401, 'complainant': 401, 'caseworker': 403, 'supervisor': 403, 'org_admin': 422, 'other': 403},
    ('GET', '/api/v1/referrals'): {'anon': 401, 'complainant': 401, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/api/v1/referrals'): {'anon': 401, 'complainant': 401, 'caseworker': 422, 'supervisor': 422, 'org_admin': 422, 'other': 422},
    ('GET', '/api/v1/referrals/<int:referral_id>'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/api/v1/referrals/<int:referral_id>/steps'): {'anon': (401, 401), 'complainant': (401, 401), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('GET', '/cases/<int:case_id>/referral'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/cases/<int:case_id>/referral'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 422)},
    ('GET', '/directory'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/directory'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 422, 'other': 403},
    ('GET', '/directory/<int:authority_id>'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 403, 'other': 403},
    ('POST', '/directory/<int:authority_id>'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 403, 'other': 403},
    ('GET', '/directory/export.json'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/directory/import'): {'anon': 302, 'complainant': 302, 'caseworker': 403, 'supervisor': 403, 'org_admin': 422, 'other': 403},
    ('GET', '/federation/v1/keys'): {'anon': 200, 'complainant': 200, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('POST', '/federation/v1/messages'): {'anon': 401, 'complainant': 401, 'caseworker': 401, 'supervisor': 401, 'org_admin': 401, 'other': 401},
    ('GET', '/referrals'): {'anon': 302, 'complainant': 302, 'caseworker': 200, 'supervisor': 200, 'org_admin': 200, 'other': 200},
    ('GET', '/referrals/<int:referral_id>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (200, 404), 'supervisor': (200, 404), 'org_admin': (200, 404), 'other': (404, 200)},
    ('POST', '/referrals/<int:referral_id>/<any(send, acknowledge, request_info, answer, accept, decline, conclude, withdraw):action>'): {'anon': (302, 302), 'complainant': (302, 302), 'caseworker': (422, 404), 'supervisor': (422, 404), 'org_admin': (422, 404), 'other': (404, 302)},
}


def _world(app):
    """Two organisations, staff, a complaint with evidence and a remedy in each."""
    world = {}
    with app_context(app):
        make_organisation(slug="one", country="DK")
        make_organisation(slug="two", country="SE")
        users = {}
        for role, email in EMAILS.items():
            slug = "two" if role == "other" else "one"
            users[role] = create_user(email=email, role="caseworker" if role == "other" else role,
                                      organisation=organisation_by_slug(slug), password=PASSWORD)
        spare = {slug: create_user(email=f"spare@{slug}.example.org", role="caseworker",
                                   organisation=organisation_by_slug(slug), password=PASSWORD)
                 for slug in ("one", "two")}
        world["api_tokens"] = {role: create_api_token(user, "matrix") for role, user in users.items()}
        # Tokens that the revoke route may revoke: the caseworker's own, and the other's.
        from remedy.accounts.models import ApiToken

        for role in ("caseworker", "other"):
            create_api_token(users[role], "to revoke")
        world["token_ids"] = {
            target: db.session.query(ApiToken).filter_by(user_id=users[role].id, name="to revoke")
            .one().id for target, role in (("own", "caseworker"), ("other", "other"))
        }
        world["user_ids"] = {"own": spare["one"].id, "other": spare["two"].id}
    client = app.test_client()
    for key, country in (("own", "DK"), ("other", "SE")):
        body = client.post("/api/v1/complaints",
                           json=complaint_payload(complainant_country=country,
                                                  contact={"email": f"{key}@example.org"})).get_json()
        client.post(f"/api/v1/complaints/{body['reference']}/evidence",
                    data={"file": [(io.BytesIO(b"evidence text " + key.encode()), "e.txt")]},
                    headers={"X-Remedy-Secret": body["secret"]}, content_type="multipart/form-data")
        with app_context(app):
            complaint = db.session.query(Complaint).filter_by(reference=body["reference"]).one()
            case = complaint.case
            remedy = Remedy(remedy_type="explanation", status="sought")
            case.remedies.append(remedy)
            db.session.commit()
            world[key] = {"reference": body["reference"], "secret": body["secret"],
                          "case_id": case.id, "evidence_id": complaint.evidence[0].id,
                          "remedy_id": remedy.id, "respondent_id": complaint.deployer_id}
            sender = db.session.get(User, users["other" if key == "other" else "caseworker"].id)
            world[key].update(_respondent_exchange(case, sender))
            world[key].update(_collective(case, sender))
    world.update(_referral(app, client, world))
    return world


def _referral(app, client, world):
    """A third complaint, to organisation 1 about a Swedish deployer, referred to organisation
    2 (as tests/referrals/test_local_referral.py does): organisation 1's outgoing record and
    organisation 2's incoming one, both "sent"; and organisation 2's directory entry."""
    ours = {"Authorization": f"Bearer {world['api_tokens']['caseworker']}"}
    theirs = {"Authorization": f"Bearer {world['api_tokens']['other']}"}
    body = client.post("/api/v1/complaints", json=complaint_payload(
        deployer="Nordic Data AB", deployer_country="SE",
        rights_dimensions=["privacy_data_protection"],
        contact={"email": "referred@example.org"})).get_json()
    with app_context(app):
        case_id = db.session.query(Complaint).filter_by(
            reference=body["reference"]).one().case.id
    target, sent = refer_to_sweden(app, client, ours, case_id)
    incoming = client.get("/api/v1/referrals?direction=incoming", headers=theirs).get_json()
    assert incoming["total"] == 1 and incoming["items"][0]["state"] == "sent"
    world["own"]["referral_id"] = sent["id"]
    world["other"]["referral_id"] = incoming["items"][0]["id"]
    return {"authority_id": target["id"]}


def _collective(case, sender):
    """A collective claim with the case's complaint as an invited member, an open suggestion
    to join it, and a run of the aggregation."""
    from remedy.collective import services
    from remedy.collective.models import AggregationRun, Suggestion

    claim = services.create_claim(sender, [case.complaint_id], title="A claim")
    services.invite_members(sender, claim, [m.id for m in claim.members])
    suggestion = Suggestion(organisation_id=case.organisation_id, complaint_id=case.complaint_id,
                            target=f"claim:{claim.id}", kind="claim", score=0.9, reasons=[])
    run = AggregationRun(organisation_id=case.organisation_id, status="done")
    db.session.add_all([suggestion, run])
    db.session.commit()
    return {"claim_id": claim.id, "member_id": claim.members[0].id,
            "suggestion_id": suggestion.id, "run_id": run.id,
            "system_id": case.complaint.ai_system_id}


def _respondent_exchange(case, sender):
    """The case sent to its respondent, answered with a document, and a portal account of
    the sending organisation for that respondent."""
    from remedy.intake.evidence import InspectedFile
    from remedy.responses import access, services

    case.complaint.deployer.contact_email = "complaints@acme.example.com"
    db.session.commit()
    sent, _link = services.send_request(sender, case, {"questions": ["explanation"],
                                                      "summary": "A summary."})
    data = f"document of case {case.id}".encode()
    sha256 = services.document_store().put(data)
    answer = services.submit_response(
        access.link_principal(sent), sent.id, {"category": "in_progress",
                                               "final_due": sent.final_due_on.isoformat()},
        [InspectedFile(sha256=sha256, size=len(data), media_type="text/plain",
                       display_name="d.txt")])
    account = access.invite_account(sender, case.complaint.deployer_id,
                                    f"answers-{case.id}@acme.example.com", locale="en")
    return {"request_id": sent.id, "document_id": answer.documents[0].id,
            "account_id": account.id}


def _client_for(app, role, world):
    client = app.test_client()
    if role == "complainant":
        token = csrf_token(client, "/track")
        client.post("/track", data={"reference": world["own"]["reference"],
                                    "secret": world["own"]["secret"], "csrf_token": token})
    elif role != "anon":
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"email": EMAILS[role], "password": PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302
    return client


def _url(rule, world, target):
    values = {
        "case_id": world[target]["case_id"], "evidence_id": world[target]["evidence_id"],
        "remedy_id": world[target]["remedy_id"], "reference": world[target]["reference"],
        "token_id": world["token_ids"][target], "user_id": world["user_ids"][target],
        "token": "not-a-valid-token", "filename": "remedy.css",
        "respondent_id": world["own"]["respondent_id"],
        "request_id": world[target]["request_id"], "document_id": world[target]["document_id"],
        "account_id": world[target]["account_id"], "claim_id": world[target]["claim_id"],
        "member_id": world[target]["member_id"], "suggestion_id": world[target]["suggestion_id"],
        "run_id": world[target]["run_id"], "system_id": world["own"]["system_id"],
        "entry_id": world["own"]["respondent_id"], "kind_path": "respondents",
        "decision": "confirm", "referral_id": world[target]["referral_id"],
        "action": "acknowledge",  # a receiver's step: refused to the sender, taken by "other"
        "authority_id": world["authority_id"], "group": "sector", "fmt": "csv",
    }
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^<>:]+:)?{name}>", str(value), url)
    return url


def _call(app, client, method, url, role, world):
    headers = {}
    if url.startswith("/federation/"):  # another installation: signed, never a session
        if method == "GET":
            return client.get(url)
        return client.open(url, method=method, json={})
    if url.startswith("/api/"):
        if role == "complainant":
            headers["X-Remedy-Secret"] = world["own"]["secret"]
        elif role not in ("anon",):
            headers["Authorization"] = f"Bearer {world['api_tokens'][role]}"
        if method == "GET":
            return client.get(url, headers=headers)
        return client.open(url, method=method, json={}, headers=headers)
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, "/track")
    return client.open(url, method=method, data={"csrf_token": token})


def _routes(app):
    rules = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((method, rule))
    return sorted(rules, key=lambda pair: (pair[1].rule, pair[0]))


def observe_row(app, method, rule, world):
    """What every role gets from one route: {role: status or (own, other)}."""
    has_object = any(arg in rule.arguments for arg in (
        "case_id", "evidence_id", "remedy_id", "reference", "token_id", "user_id",
        "request_id", "document_id", "account_id", "claim_id", "member_id", "suggestion_id",
        "run_id", "referral_id"))
    row = {}
    for role in ROLES:
        if has_object:
            row[role] = tuple(
                _call(app, _client_for(app, role, world), method,
                      _url(rule, world, target), role, world).status_code
                for target in ("own", "other"))
        else:
            row[role] = _call(app, _client_for(app, role, world), method,
                              _url(rule, world, "own"), role, world).status_code
    return row


def test_every_route_is_in_the_table(app):
    routes = {(method, rule.rule) for method, rule in _routes(app)}
    assert routes == set(EXPECTED), (
        f"missing from EXPECTED: {sorted(routes - set(EXPECTED))}; "
        f"no longer routes: {sorted(set(EXPECTED) - routes)}")


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_each_role_as_written(app, route):
    method, path = route
    rule = next(r for m, r in _routes(app) if (m, r.rule) == route)
    world = _world(app)
    assert observe_row(app, method, rule, world) == EXPECTED[route]


@pytest.mark.parametrize("route", sorted(r for r in EXPECTED if r[0] != "GET"
                                         and not r[1].startswith(("/api/", "/federation/", "/static"))),
                         ids=lambda r: f"{r[0]} {r[1]}")
def test_every_form_post_without_a_csrf_token_is_refused(app, route):
    method, path = route
    rule = next(r for m, r in _routes(app) if (m, r.rule) == route)
    world = _world(app)
    role = "complainant" if path.startswith("/track/") else "org_admin"
    client = _client_for(app, role, world)
    response = client.open(_url(rule, world, "own"), method=method, data={"body": "x"})
    assert response.status_code == 400


def test_matrix_size():
    cells = sum(len(ROLES) * (2 if isinstance(row["anon"], tuple) else 1) for row in EXPECTED.values())
    assert cells > 400  # every route x every role x both organisations where there is an object
