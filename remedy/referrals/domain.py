"""The rules of a referral, in plain Python: its states, who may take which step from
where, which steps need words, and how personal data is kept out of a packet without
consent."""

import hashlib
import re
from dataclasses import dataclass

from remedy.core.messages import N_
from remedy.core.text import checked_text

DRAFT, SENT, ACKNOWLEDGED, INFO_REQUESTED = "draft", "sent", "acknowledged", "info_requested"
ACCEPTED, DECLINED, CONCLUDED, WITHDRAWN = "accepted", "declined", "concluded", "withdrawn"
SENDER, RECEIVER = "sender", "receiver"

STATES = {
    DRAFT: N_("Draft, not sent"),
    SENT: N_("Sent, waiting for a reply"),
    ACKNOWLEDGED: N_("Received by the authority"),
    INFO_REQUESTED: N_("The authority asks for information"),
    ACCEPTED: N_("Accepted: the authority has opened a case"),
    DECLINED: N_("Declined by the authority"),
    CONCLUDED: N_("Concluded, with an outcome"),
    WITHDRAWN: N_("Withdrawn by the sender"),
}
# A step as a past event, on the referral's list of steps.
EVENTS = {
    "send": N_("Referral sent"),
    "acknowledge": N_("Receipt acknowledged"),
    "request_info": N_("Information requested"),
    "answer": N_("Question answered"),
    "accept": N_("Case accepted"),
    "decline": N_("Referral declined"),
    "conclude": N_("Referral concluded"),
    "withdraw": N_("Referral withdrawn"),
}
OPEN_STATES = frozenset({SENT, ACKNOWLEDGED, INFO_REQUESTED})
# States in which the receiver still owes its reply (accept or decline) by the due date.
AWAITING_REPLY = OPEN_STATES


@dataclass(frozen=True)
class Action:
    side: str
    sources: frozenset
    target: str
    label: str
    text_label: str | None = None  # the words it needs, if any


ACTIONS = {
    "send": Action(SENDER, frozenset({DRAFT}), SENT, N_("Send the referral")),
    "acknowledge": Action(RECEIVER, frozenset({SENT}), ACKNOWLEDGED,
                          N_("Acknowledge receipt")),
    "request_info": Action(RECEIVER, frozenset({SENT, ACKNOWLEDGED}), INFO_REQUESTED,
                           N_("Ask for information"), N_("What do you need to know?")),
    "answer": Action(SENDER, frozenset({INFO_REQUESTED}), ACKNOWLEDGED,
                     N_("Answer the question"), N_("Your answer")),
    "accept": Action(RECEIVER, frozenset({SENT, ACKNOWLEDGED}), ACCEPTED,
                     N_("Accept the case")),
    "decline": Action(RECEIVER, frozenset({SENT, ACKNOWLEDGED, INFO_REQUESTED}), DECLINED,
                      N_("Decline"), N_("Why do you decline?")),
    "conclude": Action(RECEIVER, frozenset({ACCEPTED}), CONCLUDED,
                       N_("Conclude with the outcome"), N_("The outcome")),
    "withdraw": Action(SENDER, frozenset({DRAFT, SENT, ACKNOWLEDGED, INFO_REQUESTED}),
                       WITHDRAWN, N_("Withdraw the referral"), None),
}
MAX_TEXT = 5000


def side_of(direction: str) -> str:
    return SENDER if direction == "outgoing" else RECEIVER


def allowed_actions(direction: str, state: str) -> list[str]:
    side = side_of(direction)
    return [name for name, a in ACTIONS.items() if a.side == side and state in a.sources]


def check_step(action: str, direction: str, state: str, text: str | None) -> dict:
    """Field errors ({} when the step may be taken)."""
    step = ACTIONS.get(action)
    if step is None or step.side != side_of(direction) or state not in step.sources:
        return {"action": [N_("This step is not possible now.")]}
    _cleaned, problem = checked_text(text, limit=MAX_TEXT, required=bool(step.text_label))
    return {"text": [problem]} if problem else {}


def arrives(action: str, state: str) -> bool:
    """Whether the other side's step still applies to this side's record: from the states it
    is taken in, and a withdrawal also after this side accepted (the steps crossed, or the
    complainant withdrew): both sides then end withdrawn."""
    return state in ACTIONS[action].sources or (action == "withdraw" and state == ACCEPTED)


def pseudonym(uid: str) -> str:
    """A stable name for a complainant whose identity does not cross ("Complainant 7F3K2A")."""
    return "Complainant " + hashlib.sha256(uid.encode()).hexdigest()[:6].upper()


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")


def scrub(text: str, names: list[str], replacement: str) -> str:
    """The text without email addresses, phone numbers and the given names (the
    complainant's and co-complainants'), each replaced."""
    text = _EMAIL.sub(replacement, text or "")
    text = _PHONE.sub(replacement, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        text = re.sub(re.escape(name), replacement, text, flags=re.IGNORECASE)
        for part in name.split():
            if len(part) >= 3:
                text = re.sub(rf"\b{re.escape(part)}\b", replacement, text, flags=re.IGNORECASE)
    return text
