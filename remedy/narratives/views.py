"""Pages of published stories: the caseworker's part of a case page (prepare, review,
publish, take down) and the public list at /observatory/stories. Thin."""

from datetime import date

from babel.dates import format_skeleton
from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.cases import services as case_services
from remedy.core.db import as_id
from remedy.core.errors import Conflict, ValidationFailed
from remedy.core.forms import attach_failure
from remedy.core.i18n import current_locale
from remedy.narratives import bp, domain, queries, services
from remedy.narratives.forms import NarrativeForm

PER_PAGE = 20
# Shorter than the statistics' five minutes: a story taken down leaves shared caches soon.
CACHE = "public, max-age=60"


def month_name(value: str) -> str:
    """`2026-11` as the reader says it: "November 2026", "novembre 2026", "2026年11月"."""
    year, month = (int(part) for part in value.split("-"))
    return format_skeleton("yMMMM", date(year, month, 1), locale=current_locale())


def case_context(case, user, forms) -> dict:
    """The story's part of a case page: whether the complainant consented, the draft to
    review with what the scrub replaced and a preview, or the published story."""
    complaint = case.complaint
    if complaint is None:
        return {}
    narrative = services.narrative_of(case)
    form = forms.get("narrative_form")
    if form is None:
        draft = narrative.text if narrative is not None and narrative.state == domain.DRAFT else ""
        form = NarrativeForm(formdata=None, prefix="narrative", data={"text": draft})
    preview = {**domain.public_facets(sector=complaint.sector,
                                      rights_dimensions=complaint.rights_dimensions,
                                      filer_type=complaint.filer_type),
               "text": form.text.data or "", "language": complaint.language}
    public = queries.story_json(narrative) if narrative and narrative.state == domain.PUBLISHED \
        else None
    return {"narrative_section": True, "narrative": narrative, "narrative_form": form,
            "narrative_public": public,
            "narrative_consent": complaint.consent_publish_narrative,
            "narrative_closed": complaint.withdrawn_at is not None or case.anonymised_at is not None,
            "narrative_preview": preview}


def _back_to_case(case_id: int):
    return redirect(url_for("cases.case", case_id=case_id) + "#narrative")


@bp.post("/cases/<int:case_id>/narrative/prepare")
@staff_required()
def prepare_narrative(case_id):
    case = case_services.case_for(current_user, case_id)
    services.prepare_narrative(case, current_user)
    return _back_to_case(case_id)


@bp.post("/cases/<int:case_id>/narrative")
@staff_required()
def publish_narrative(case_id):
    """Publish the reviewed text, or apply the automatic scrub to it again; on a refusal,
    the page again with the caseworker's words and what is wrong beside them."""
    from remedy.cases.views import _case_page

    case = case_services.case_for(current_user, case_id)
    form = NarrativeForm(prefix="narrative")
    if form.validate():
        try:
            if request.form.get("action") == "rescrub":
                services.revise_narrative(case, current_user, form.text.data)
            else:
                services.publish_narrative(case, current_user, form.text.data)
            return _back_to_case(case_id)
        except (ValidationFailed, Conflict) as failure:
            attach_failure(form, failure, "text")
    return _case_page(case, 422, narrative_form=form)


@bp.post("/cases/<int:case_id>/narrative/take-down")
@staff_required()
def take_down_narrative(case_id):
    case = case_services.case_for(current_user, case_id)
    if case.complaint is None:
        abort(404)
    services.take_down_narrative(case.complaint, domain.CASEWORKER, current_user)
    return _back_to_case(case_id)


@bp.get("/observatory/stories")
def stories():
    """Published stories, newest first, for anyone."""
    page = as_id(request.args.get("page", "1"))
    if page is None:
        abort(404)
    items, total = queries.published_stories(page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        abort(404)
    response = Response(render_template(
        "narratives/stories.html", stories=[queries.story_json(n) for n in items], total=total,
        page=page, pages=pages))
    response.headers["Cache-Control"] = CACHE
    return response
