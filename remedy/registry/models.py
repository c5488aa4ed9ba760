"""Respondents and AI systems, each with the aliases people have used for them."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from remedy.core.db import UTCDateTime, utcnow
from remedy.extensions import db


class Respondent(db.Model):
    """An organisation said to have caused harm, as deployer and/or provider."""

    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="deployer")
    main_establishment_country: Mapped[str | None] = mapped_column(String(2))
    is_public_authority: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    aliases: Mapped[list["RegistryAlias"]] = relationship(
        back_populates="respondent", foreign_keys="RegistryAlias.respondent_id"
    )


class AISystem(db.Model):
    __tablename__ = "ai_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    aliases: Mapped[list["RegistryAlias"]] = relationship(
        back_populates="ai_system", foreign_keys="RegistryAlias.ai_system_id"
    )


class RegistryAlias(db.Model):
    """A name as someone typed it, and the keys that find it again (`registry.names`): the
    exact `key`, and the looser `match_key` (legal forms, accents, look-alike letters).

    Exactly one of respondent_id and ai_system_id is set. `source` says where the name came
    from: typed by a filer, learned by matching, or given by staff.
    """

    __tablename__ = "registry_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"), index=True)
    ai_system_id: Mapped[int | None] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    match_key: Mapped[str] = mapped_column(String(200), default="", server_default="",
                                           index=True)
    source: Mapped[str] = mapped_column(String(16), default="typed", server_default="typed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    respondent: Mapped[Respondent | None] = relationship(
        back_populates="aliases", foreign_keys=[respondent_id]
    )
    ai_system: Mapped[AISystem | None] = relationship(
        back_populates="aliases", foreign_keys=[ai_system_id]
    )
