"""The JSON API of respondent responses: staff send a case to its respondent; a respondent
(an account's token, or the token of an access link) lists and answers its requests; a
complainant says whether the answer resolves the matter and whether a remedy happened."""

from flask import g, jsonify, request

from remedy.accounts.auth import api_staff
from remedy.api import bp, idempotent, json_body, page_args
from remedy.cases import services as case_services
from remedy.core.errors import NotAuthorised
from remedy.core.messages import N_
from remedy.intake import limits
from remedy.intake import services as intake_services
from remedy.intake.serializers import iso
from remedy.responses import access, complainant, services
from remedy.responses.models import RespondentRequest, RespondentResponse


def response_json(response: RespondentResponse, *, for_staff: bool = False) -> dict:
    body = {
        "id": response.id,
        "category": response.category,
        "explanation": response.explanation,
        "human_review": response.human_review,
        "data_used": response.data_used,
        "remedy_offered": response.remedy_offered,
        "remedy_types": response.remedy_types,
        "remedy_due_on": iso(response.remedy_due_on),
        "extra_answer": response.extra_answer,
        "public_response": response.public_response,
        "final_due": iso(response.final_due_on),
        "suggested_respondent": response.suggested_respondent,
        "submitted_at": iso(response.submitted_at),
        "timely": response.timely,
        "feedback": ({"satisfied": response.feedback_satisfied,
                      "comment": response.feedback_comment, "at": iso(response.feedback_at)}
                     if response.feedback_at else None),
        "feedback_due_on": iso(response.feedback_due_on),
    }
    if for_staff:
        body["documents"] = [{"id": d.id, "name": d.display_name, "media_type": d.media_type,
                              "size": d.size} for d in response.documents]
    return body


def request_json(sent: RespondentRequest, *, packet: dict | None = None,
                 for_staff: bool = False) -> dict:
    body = {
        "id": sent.id,
        "status": sent.status,
        "organisation": {"slug": sent.organisation.slug, "name": sent.organisation.name},
        "respondent": {"id": sent.respondent_id, "name": sent.respondent.name},
        "sent_at": iso(sent.sent_at),
        "questions": sent.questions,
        "extra_question": sent.extra_question,
        "clocks": {
            "initial_due_on": iso(sent.initial_due_on),
            "final_due_on": iso(sent.final_due_on),
            "initial_timely": sent.initial_timely,
            "final_timely": sent.final_timely,
        },
        "link_expires_at": iso(sent.link_expires_at),
        "complaint": packet if packet is not None else services.packet_for_respondent(sent),
        "responses": [response_json(r, for_staff=for_staff) for r in sent.responses],
    }
    if for_staff:
        body.update({"case_id": sent.case_id, "sent_to": sent.sent_to,
                     "revoked_at": iso(sent.revoked_at)})
    return body


# --- staff --------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/respondent-requests")
@api_staff()
def send_respondent_request(case_id):
    """Send the case to its respondent. `?preview=1` shows what would be sent, sending nothing."""
    case = case_services.case_for(g.api_user, case_id)
    data = json_body()
    if request.args.get("preview") in ("1", "true"):
        _draft, respondent, packet = services.prepare_request(g.api_user, case, data)
        return jsonify({"respondent": {"id": respondent.id, "name": respondent.name,
                                       "contact_email": respondent.contact_email},
                        "complaint": packet})

    def send():
        sent, link = services.send_request(g.api_user, case, data)
        body = request_json(sent, packet=sent.packet, for_staff=True)
        body["access_link"] = link
        return body, 201

    response = idempotent(f"respondent-request:{g.api_user.id}", send)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cases/<int:case_id>/respondent-requests")
@api_staff()
def list_case_respondent_requests(case_id):
    case = case_services.case_for(g.api_user, case_id)
    items = [request_json(r, packet=r.packet, for_staff=True) for r in case.respondent_requests]
    return jsonify({"items": items, "page": 1, "per_page": max(len(items), 1),
                    "total": len(items)})


# --- respondents --------------------------------------------------------------------------


def _respondent():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorised(N_("Send a valid respondent token: Authorization: Bearer <token>."))
    return access.principal_for_bearer(token)


@bp.get("/respondent/requests")
@limits.tracking
def respondent_requests():
    principal = _respondent()
    page, per_page = page_args()
    chosen = services.requests_for(principal, page=page, per_page=per_page)
    return jsonify({"items": [request_json(r) for r in chosen], "page": page,
                    "per_page": per_page, "total": services.count_requests_for(principal)})


@bp.get("/respondent/requests/<int:request_id>")
@limits.tracking
def respondent_request(request_id):
    return jsonify(request_json(services.request_for(_respondent(), request_id)))


def _answer_body() -> tuple[dict, list]:
    """A JSON answer, or the same fields as multipart/form-data with files in `documents`."""
    if request.mimetype == "multipart/form-data":
        data = {key: request.form.get(key) for key in request.form if key != "remedy_types"}
        data["remedy_types"] = request.form.getlist("remedy_types")
        return data, [f for f in request.files.getlist("documents") if f and f.filename]
    return json_body(), []


@bp.post("/respondent/requests/<int:request_id>/response")
@limits.tracking
def respond(request_id):
    """Answer a request (JSON, or multipart with documents): checked whole before any file
    is stored."""
    principal = _respondent()
    sent = services.request_for(principal, request_id)
    data, uploads = _answer_body()

    def answer():
        services.check_response(sent, data)
        documents = services.store_documents(uploads)
        return response_json(services.submit_response(principal, request_id, data, documents)), 201

    return idempotent(f"respondent-response:{principal.actor}", answer)


# --- complainants -------------------------------------------------------------------------


@bp.post("/complaints/<reference>/feedback")
@limits.tracking
@limits.complainant_writes
def feedback(reference):
    complaint = intake_services.authenticate_complainant(
        reference, request.headers.get("X-Remedy-Secret"))
    data = json_body()
    response_id = data.get("response_id")
    response = complainant.give_feedback(
        complaint, data, response_id=response_id if isinstance(response_id, int) else None)
    return jsonify(response_json(response)), 201


@bp.post("/complaints/<reference>/remedies/<int:remedy_id>/check")
@limits.tracking
@limits.complainant_writes
def remedy_check(reference, remedy_id):
    complaint = intake_services.authenticate_complainant(
        reference, request.headers.get("X-Remedy-Secret"))
    remedy = complainant.confirm_remedy(complaint, remedy_id, json_body())
    return jsonify({"id": remedy.id, "type": remedy.remedy_type, "status": remedy.status,
                    "happened": remedy.complainant_says_done,
                    "comment": remedy.complainant_comment}), 201


def answers_in_complaint_json(complaint) -> dict:
    """The respondent's answers and the remedy questions, in the complainant's JSON."""
    return {
        "respondent_answers": [response_json(r) for r in complainant.answers_for_complainant(complaint)],
        "remedy_checks": [{"id": r.id, "type": r.remedy_type, "due_on": iso(r.due_on)}
                          for r in complainant.remedies_to_confirm(complaint)],
    }
