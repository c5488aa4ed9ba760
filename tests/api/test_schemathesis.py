"""Schemathesis against the live app: every operation of /api/v1/openapi.json, with data
that fits the document (positive) and data that does not (negative), sent over HTTP to the
app on a loopback port, on a seeded world (tests/api/conftest.py).

Most generated requests carry valid credentials for the operation (a staff token of the
right organisation, a complaint's own secret, a respondent's token) and aim at objects that
exist; the others test the refusals. Some positive requests get a realistic body instead of
a generated one, so that the happy paths run too. Every answer must pass the checks below:
no server error, a documented status, content type, headers and body.

The run is reproducible (derandomised) and counts its cases: it fails if fewer than
MIN_CASES ran. To search harder by hand, multiply the examples with REMEDY_FUZZ_SCALE
(`REMEDY_FUZZ_SCALE=10`) and draw other cases with REMEDY_FUZZ_SEED (any integer).
"""

import os
import secrets
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

import hypothesis.strategies as st
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from remedy.api.openapi.federation import KINDS as FEDERATION_KINDS
from remedy.core.db import utcnow
from remedy.federation import crypto
from remedy.federation.transport import FORMAT as FEDERATION_FORMAT

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
SCALE = float(os.environ.get("REMEDY_FUZZ_SCALE", "1"))
SEED = os.environ.get("REMEDY_FUZZ_SEED")
EXAMPLES = {GenerationMode.POSITIVE: round(45 * SCALE), GenerationMode.NEGATIVE: round(25 * SCALE)}
MIN_CASES = 2000

STAFF_IDENTITIES = ["caseworker"] * 5 + ["supervisor", "org_admin", "read_only", "other",
                                          "nobody", "garbage"]
# For an operation that needs a higher role, mostly users who have it.
ROLE_IDENTITIES = {"supervisor": ["supervisor"] * 4 + ["org_admin"] * 2 + ["caseworker",
                                                                          "read_only", "nobody"],
                   "org_admin": ["org_admin"] * 6 + ["supervisor", "read_only", "nobody"]}
# Operations that end something for good aim at objects kept for them.
COMPLAINTS_FOR = {"withdraw_complaint": ("w",), "remedy_check": ("a",), "give_feedback": ("b",)}
CASES_FOR = {"transition_case": ("w", "other")}


def _security(document, operation) -> set[str]:
    item = document["paths"][operation.path][operation.method.lower()]
    return {name + ":" + ",".join(scopes) for requirement in item["security"]
            for name, scopes in requirement.items()}


class PeerSignature(requests.auth.AuthBase):
    """Signs the exact bytes sent, as another installation would (docs/federation.md)."""

    def __init__(self, peer):
        self.peer = peer

    def __call__(self, prepared):
        body = prepared.body or b""
        body = body.encode() if isinstance(body, str) else body
        timestamp, nonce = int(time.time()), secrets.token_hex(16)
        prepared.headers.update({
            "Remedy-Key-Id": crypto.key_id(self.peer["public_key"]),
            "Remedy-Timestamp": str(timestamp), "Remedy-Nonce": nonce,
            "Remedy-Signature": crypto.sign(self.peer["private_key"], self.peer["public_key"],
                                            timestamp, nonce, body)})
        return prepared


class Aim:
    """Credentials, path parameters and (sometimes) a realistic body for one generated
    case, drawn with Hypothesis so that the run stays reproducible."""

    def __init__(self, world, document):
        self.world, self.document = world, document

    def apply(self, case, data, mode) -> dict[str, str]:
        security = _security(self.document, case.operation)
        raw = case.operation.definition.raw
        op_id = raw.get("operationId")
        headers: dict[str, str] = {}
        complaint_key = None
        choices = []
        if any(s.startswith("bearerAuth:read") or s.startswith("bearerAuth:write")
               for s in security):
            identities = ROLE_IDENTITIES.get(raw.get("x-remedy-min-role"), STAFF_IDENTITIES)
            choices += [("staff", who) for who in identities]
        if "complainantSecret:" in security:
            choices += [("complainant", "own")] * 6 + [("complainant", "wrong")]
        if "bearerAuth:respondent" in security:
            choices += [("respondent", "account")] * 4 + [("respondent", "link"),
                                                          ("respondent", "staff"),
                                                          ("respondent", "nobody")]
        kind, who = data.draw(st.sampled_from(choices)) if choices else ("anyone", None)
        if kind == "staff":
            if who == "garbage":
                headers["Authorization"] = "Bearer not-a-token"
            elif who != "nobody":
                headers["Authorization"] = f"Bearer {self.world['tokens'][who]}"
        elif kind == "complainant":
            complaint_key = data.draw(st.sampled_from(COMPLAINTS_FOR.get(op_id, ("a", "b"))))
            complaint = self.world["complaints"][complaint_key]
            headers["X-Remedy-Secret"] = (complaint["secret"] if who == "own"
                                          else "WRONG-SECRET-0000")
        elif kind == "respondent" and who != "nobody":
            token = (self.world["tokens"]["caseworker"] if who == "staff"
                     else self.world["respondent"]["tokens"][who])
            headers["Authorization"] = f"Bearer {token}"
        # Most of the time, existing objects (Hypothesis favours small draws: 0 aims).
        if data.draw(st.integers(0, 7)) != 7:
            self._aim_path(case, data, op_id, complaint_key)
        if mode is GenerationMode.POSITIVE and data.draw(st.integers(0, 2)) == 0:
            self._realistic_body(case, data, op_id)
        return headers

    def signer(self, case, data):
        """For a federation message, most of the time: a signature by the peer's key."""
        if case.operation.path != "/federation/v1/messages" or data.draw(st.integers(0, 3)) == 3:
            return None
        return PeerSignature(self.world["peer"])

    def _aim_path(self, case, data, op_id, complaint_key) -> None:
        world = self.world
        if not case.path_parameters:
            return
        params = dict(case.path_parameters)
        if "reference" in params:
            key = complaint_key or data.draw(st.sampled_from(sorted(world["complaints"])))
            params["reference"] = world["complaints"][key]["reference"]
            if "remedy_id" in params and world["complaints"][key]["remedy_ids"]:
                params["remedy_id"] = world["complaints"][key]["remedy_ids"][0]
        known = {
            "case_id": [world["complaints"][k]["case_id"]
                        for k in CASES_FOR.get(op_id, sorted(world["complaints"]))],
            "claim_id": world["claim_ids"],
            "suggestion_id": world["suggestion_ids"],
            "referral_id": world["referral_ids"],
            "respondent_id": [world["respondent"]["id"]],
            "request_id": world["respondent"]["request_ids"],
        }
        for name, values in known.items():
            if name in params:
                params[name] = data.draw(st.sampled_from(values))
        case.path_parameters = params

    def _realistic_body(self, case, data, op_id) -> None:
        if case.media_type not in (None, "application/json"):
            return
        world = self.world
        text = "A few plain words about this, long enough for every rule."
        today = utcnow().date()
        bodies = {
            "file_complaint": lambda: {
                "filer_type": "individual", "title": "Refused by an automatic screening",
                "narrative": text, "complainant_country": "DK", "ai_system": "HireScreen",
                "deployer": "Acme Logistics A/S", "sector": "employment",
                "rights_dimensions": ["equality_non_discrimination"]},
            "post_message": lambda: {"body": text},
            "withdraw_complaint": lambda: {"reason": text},
            "change_consents": lambda: {"publish_narrative": data.draw(st.booleans())},
            "transition_case": lambda: {"to": data.draw(st.sampled_from(
                ["triage", "investigating", "needs_info", "closed"])), "reason": text},
            "create_referral": lambda: {
                "case_id": world["complaints"][data.draw(st.sampled_from(["b", "r"]))]["case_id"],
                "authority_id": world["authority_ids"][0], "message": text},
            "referral_step": lambda: {"action": data.draw(st.sampled_from(
                ["acknowledge", "request_info", "answer", "accept", "conclude"])),
                "text": text},
            "send_respondent_request": lambda: {"questions": ["explanation", "data_used"],
                                                "summary": text},
            "respond": lambda: data.draw(st.sampled_from([
                {"category": "in_progress",
                 "final_due": (today + timedelta(days=3)).isoformat()},
                {"category": "closed_with_explanation", "explanation": text,
                 "data_used": text, "human_review": text}])),
            "give_feedback": lambda: {"satisfied": False, "comment": text},
            "remedy_check": lambda: {"happened": data.draw(st.booleans()), "comment": text},
            "correct_respondent": lambda: {"aliases": ["Acme Logistics", "Acme A/S"],
                                           "main_establishment_country": "DK"},
            "import_directory": lambda: [{"name": "Datatilsynet", "country": "NO",
                                          "type": "dpa", "sectors": ["employment"]}],
            "receive_federation_message": lambda: {
                "format": FEDERATION_FORMAT, "message_id": str(uuid.UUID(int=data.draw(
                    st.integers(0, 2**128 - 1)))), "sent_at": utcnow().isoformat(),
                "kind": data.draw(st.sampled_from(FEDERATION_KINDS)),
                "from": {"base_url": world["peer"]["base_url"]},
                "payload": data.draw(st.sampled_from([{}, {"packet": {}}, {
                    "uid": str(uuid.uuid4()), "action": "acknowledge", "text": None}]))},
        }
        make = bodies.get(op_id)
        if make is not None:
            case.body = make()


def _hypothesis_test(operation, mode, examples, aim, counts, base_url, session):
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=examples, derandomize=SEED is None, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy)
        headers = aim.apply(case, data, mode)
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30,
                             auth=aim.signer(case, data))
        counts[operation.label][response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers,
                               transport_kwargs={"base_url": base_url, "session": session,
                                                 "headers": headers})

    return seed(int(SEED))(run) if SEED is not None else run


def test_every_operation_against_the_document(app, api_world, live_server):
    document = requests.get(f"{live_server}/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)  # the document the live app serves
    aim = Aim(api_world, document)
    session = requests.Session()
    counts: dict[str, Counter] = defaultdict(Counter)  # operation -> status -> cases
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    started = time.monotonic()

    for operation in operations:
        for mode, examples in EXAMPLES.items():
            run = _hypothesis_test(operation, mode, examples, aim, counts, live_server, session)
            try:
                run()
            except Unsatisfiable:
                pass  # nothing in this operation can be made invalid (no parameters)
            except (Exception, FailureGroup) as error:  # every operation's failure is reported
                failures.append(f"{operation.label} ({mode.value}):\n{error}")

    total = sum(sum(statuses.values()) for statuses in counts.values())
    print(f"\nschemathesis: {total} cases over {len(operations)} operations in "
          f"{time.monotonic() - started:.0f} s")
    for label, statuses in sorted(counts.items()):
        by_status = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        print(f"  {sum(statuses.values()):5d}  {label}  ({by_status})")
    assert not failures, "\n\n".join(failures)
    assert total >= MIN_CASES, f"only {total} cases ran"
