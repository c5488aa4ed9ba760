"""What was sent to a respondent, how it answered, and who may answer for it."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from remedy.accounts.models import Organisation, TokenColumns, User
from remedy.cases.models import Case
from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db
from remedy.intake.models import StoredFileColumns
from remedy.registry.models import Respondent


class RespondentRequest(db.Model):
    """A case sent to its respondent with questions, on two clocks (first and final answer).

    `packet` is exactly what the respondent was shown when it was sent; its `identity` part
    (the complainant's name and words) is hidden again if the complainant withdraws consent.
    The access link is `<id>.<HMAC of id and link_nonce>`: nothing in the database opens it
    alone, a new nonce revokes every earlier link.
    """

    __tablename__ = "respondent_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), index=True)
    sent_to: Mapped[str] = mapped_column(String(254))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    questions: Mapped[list] = mapped_column(JSONType, default=list)
    extra_question: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    packet: Mapped[dict] = mapped_column(JSONType, default=dict)
    # awaiting | in_progress | answered | revoked
    status: Mapped[str] = mapped_column(String(16), default="awaiting", index=True)
    link_nonce: Mapped[str] = mapped_column(String(32))
    link_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    initial_due_on: Mapped[date] = mapped_column(Date, index=True)
    final_due_on: Mapped[date] = mapped_column(Date, index=True)
    # None until known: answered in time, answered late or not answered when due.
    initial_timely: Mapped[bool | None] = mapped_column(Boolean)
    final_timely: Mapped[bool | None] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(16), default="en")

    case: Mapped[Case] = relationship(backref=backref(
        "respondent_requests", order_by="RespondentRequest.id", cascade="all, delete-orphan"))
    organisation: Mapped[Organisation] = relationship()
    respondent: Mapped[Respondent] = relationship()
    sent_by: Mapped[User | None] = relationship()
    responses: Mapped[list["RespondentResponse"]] = relationship(
        back_populates="request", order_by="RespondentResponse.id", cascade="all, delete-orphan")

    @property
    def final_response(self) -> "RespondentResponse | None":
        return next((r for r in reversed(self.responses) if r.category != "in_progress"), None)

    @property
    def latest_response(self) -> "RespondentResponse | None":
        return self.responses[-1] if self.responses else None


class RespondentResponse(db.Model):
    """One answer of the respondent (an "in progress" answer, then a final one), and the
    complainant's feedback on it."""

    __tablename__ = "respondent_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("respondent_requests.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    explanation: Mapped[str | None] = mapped_column(Text)
    human_review: Mapped[str | None] = mapped_column(Text)
    data_used: Mapped[str | None] = mapped_column(Text)
    remedy_offered: Mapped[str | None] = mapped_column(Text)
    remedy_types: Mapped[list] = mapped_column(JSONType, default=list)
    remedy_due_on: Mapped[date | None] = mapped_column(Date)
    extra_answer: Mapped[str | None] = mapped_column(Text)
    public_response: Mapped[str | None] = mapped_column(Text)
    final_due_on: Mapped[date | None] = mapped_column(Date)
    suggested_respondent: Mapped[str | None] = mapped_column(String(300))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    timely: Mapped[bool] = mapped_column(Boolean)
    feedback_due_on: Mapped[date | None] = mapped_column(Date)
    feedback_satisfied: Mapped[bool | None] = mapped_column(Boolean)
    feedback_comment: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[RespondentRequest] = relationship(back_populates="responses")
    documents: Mapped[list["ResponseDocument"]] = relationship(
        back_populates="response", order_by="ResponseDocument.id", cascade="all, delete-orphan")


class ResponseDocument(StoredFileColumns, db.Model):
    """A file the respondent attached, stored like evidence (by SHA-256); staff only."""

    __tablename__ = "response_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("respondent_responses.id"), index=True)

    response: Mapped[RespondentResponse] = relationship(back_populates="documents")


class RespondentAccount(db.Model):
    """A person who answers for a respondent often: signs in to the portal, sees every
    request that one organisation sent to that respondent, and makes API tokens. Never a
    member of staff. (Scoped to the inviting organisation: the registry is shared, and one
    organisation must not be able to open another's requests by inviting someone.)"""

    __tablename__ = "respondent_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    respondent: Mapped[Respondent] = relationship()
    organisation: Mapped[Organisation] = relationship()


class RespondentToken(TokenColumns, db.Model):
    """An API token of a respondent account."""

    __tablename__ = "respondent_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("respondent_accounts.id"), index=True)

    account: Mapped[RespondentAccount] = relationship()
