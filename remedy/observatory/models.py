"""The observatory's rollups: complaints counted by month and the public dimensions, kept
up to date by jobs, so that a page view never scans the complaints."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import UTCDateTime, utcnow
from remedy.extensions import db


class ComplaintCount(db.Model):
    """How many complaints an organisation received in a month with these characteristics
    (rights as the bits of `cases.domain.RIGHTS_BITS`)."""

    __tablename__ = "observatory_counts"
    __table_args__ = (Index("ix_observatory_counts_month", "month", "organisation_id"),
                      # Questions with two or more filters (the marginals answer the others).
                      Index("ix_observatory_counts_country", "country", "sector", "month"),
                      Index("ix_observatory_counts_sector", "sector", "month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    country: Mapped[str] = mapped_column(String(2), default="")
    sector: Mapped[str] = mapped_column(String(32), default="")
    filer_type: Mapped[str] = mapped_column(String(32), default="")
    state: Mapped[str] = mapped_column(String(32), default="")
    # `rollups.OUTCOMES`: open, remedy_obtained, closed_without_remedy, inadmissible, withdrawn
    outcome: Mapped[str] = mapped_column(String(32), default="open", server_default="open")
    rights_mask: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)


class RollupRun(db.Model):
    """When the rollups were last brought up to date (changes after it are refreshed next)."""

    __tablename__ = "observatory_rollup_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)


class Tally(db.Model):
    """Other things the observatory counts, with the same public dimensions as
    `ComplaintCount`: `measure` says what (`tallies.MEASURES`), `key` which one (a remedy
    type, a registry id), `count` how many (people can be millions)."""

    __tablename__ = "observatory_tallies"
    __table_args__ = (Index("ix_observatory_tallies_measure", "measure", "month"),
                      Index("ix_observatory_tallies_org_month", "organisation_id", "month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    country: Mapped[str] = mapped_column(String(2), default="")
    sector: Mapped[str] = mapped_column(String(32), default="")
    rights_mask: Mapped[int] = mapped_column(Integer, default=0)
    measure: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class Marginal(db.Model):
    """The complaint counts of one month by one table's key, for everything (`filter` "")
    or for one value of one filter (country, sector or rights_dimension): what almost every
    question asks, answered from a few hundred rows instead of the whole cube of
    `ComplaintCount`. Kept by `marginals.refresh_month` from that cube."""

    __tablename__ = "observatory_marginals"
    __table_args__ = (Index("ix_observatory_marginals_lookup", "filter", "value", "group_by",
                            "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    filter: Mapped[str] = mapped_column(String(24), default="")
    value: Mapped[str] = mapped_column(String(32), default="")
    group_by: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(BigInteger, default=0)
