"""The read side of respondent responses: how timely respondents answer (for the
observatory, which passes the organisations that publish respondents' names)."""

from sqlalchemy import case, func, select

from remedy.extensions import db
from remedy.registry.models import Respondent
from remedy.responses.models import RespondentRequest


def answer_timeliness(organisation_ids: list[int] | None = None) -> list[dict]:
    """Per respondent: requests sent, and first and final answers given in time, late, or
    missed (a missed deadline counts as untimely), most requests first."""

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(Respondent.id, Respondent.name, func.count(RespondentRequest.id),
               count(RespondentRequest.initial_timely.is_(True)),
               count(RespondentRequest.initial_timely.is_(False)),
               count(RespondentRequest.final_timely.is_(True)),
               count(RespondentRequest.final_timely.is_(False)))
        .join(Respondent, Respondent.id == RespondentRequest.respondent_id)
        .where(RespondentRequest.status != "revoked")
        .group_by(Respondent.id, Respondent.name)
        .order_by(func.count(RespondentRequest.id).desc(), Respondent.name)
    )
    if organisation_ids is not None:
        query = query.where(RespondentRequest.organisation_id.in_(organisation_ids))
    return [{"respondent": {"id": rid, "name": name}, "requests": requests,
             "initial": {"timely": int(a or 0), "untimely": int(b or 0)},
             "final": {"timely": int(c or 0), "untimely": int(d or 0)}}
            for rid, name, requests, a, b, c, d in db.session.execute(query)]
