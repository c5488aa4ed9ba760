"""The complainant's JSON API: file, read, message, change consents, add evidence, withdraw.

A complainant authenticates to their own complaint with the reference in the path and the
secret in `X-Remedy-Secret`. A wrong secret and an unknown reference get the same 401.
"""

from flask import jsonify, request

from remedy.accounts.auth import bearer_user
from remedy.api import bp, idempotency_key, json_body
from remedy.core import idempotency
from remedy.core.db import utcnow
from remedy.core.errors import ValidationFailed
from remedy.core.i18n import current_locale
from remedy.core.messages import N_
from remedy.intake import domain, limits, services
from remedy.intake.serializers import complaint_json, event_json
from remedy.intake.uploads import inspect_and_store


def _complainant(reference: str):
    return services.authenticate_complainant(reference, request.headers.get("X-Remedy-Secret"))


@bp.post("/complaints")
@limits.filing
def file_complaint():
    data = json_body()
    key = idempotency_key()
    draft = domain.parse_complaint(data, today=utcnow().date(),
                                   default_language=current_locale().replace("_", "-"))
    submission = services.submit_complaint(
        draft, interface_locale=current_locale(), channel="api", idempotency_key=key,
        request_fingerprint=idempotency.fingerprint(data),
    )
    response = jsonify({
        "reference": submission.reference,
        "secret": submission.secret,
        "state": submission.state,
        "received_at": submission.received_at,
        "organisation": submission.organisation,
    })
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    if submission.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.get("/complaints/<reference>")
@limits.tracking
def read_complaint(reference):
    staff = bearer_user()
    if staff is not None:
        complaint = services.complaint_for_staff(staff, reference)
        services.record_staff_read(complaint, staff)
    else:
        complaint = _complainant(reference)
    response = jsonify(complaint_json(complaint))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/complaints/<reference>/messages")
@limits.tracking
@limits.complainant_writes
def post_message(reference):
    staff = bearer_user()
    if staff is not None:
        complaint = services.complaint_for_staff(staff, reference)
        event = services.add_staff_message(complaint, staff, json_body().get("body"))
        return jsonify(event_json(event)), 201
    complaint = _complainant(reference)
    data = json_body()
    kind = data.get("kind", "message")
    if kind not in ("message", "amendment"):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"kind": [N_("Choose only from the options given.")]})
    event = services.add_complainant_message(complaint, data.get("body"),
                                             amendment=kind == "amendment")
    return jsonify(event_json(event)), 201


@bp.post("/complaints/<reference>/withdraw")
@limits.tracking
def withdraw(reference):
    complaint = _complainant(reference)
    data = json_body() if request.content_length else {}
    services.withdraw_complaint(complaint, data.get("reason"))
    return jsonify(complaint_json(complaint))


@bp.patch("/complaints/<reference>/consents")
@limits.tracking
def change_consents(reference):
    complaint = _complainant(reference)
    consents = services.update_consents(complaint, json_body())
    return jsonify({"consents": consents})


@bp.post("/complaints/<reference>/evidence")
@limits.tracking
@limits.complainant_writes
def post_evidence(reference):
    complaint = _complainant(reference)
    uploads = request.files.getlist("file")
    if not uploads:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"file": [N_("Attach at least one file.")]})
    stored, problems = inspect_and_store(uploads)
    if problems:
        raise ValidationFailed(N_("Some answers need attention."), {"file": problems})
    added = services.add_evidence(complaint, stored)
    return jsonify({"added": added, "evidence": complaint_json(complaint)["evidence"]}), 201
