"""The story's part of the case page, and the public stories page and API: who may do what,
what the public sees, and that it is gone the moment the consent goes."""

import re

import pytest

from remedy.extensions import db
from remedy.narratives import domain, views
from remedy.narratives.models import PublishedNarrative
from tests.conftest import app_context
from tests.narratives.conftest import SECRETS, published, story_case
from tests.web import csrf_token, field_errors, post_form


def case_page(client, case_id) -> str:
    response = client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str) -> str:
    return html[html.index('<section id="narrative"'):].split("</section>", 1)[0]


def post(client, case_id, path="", **data):
    return post_form(client, f"/cases/{case_id}/narrative{path}", data,
                     token_from=f"/cases/{case_id}")


def public_texts(client) -> str:
    """Everything the public can read of stories and statistics."""
    pages = [client.get("/observatory/stories"), client.get("/api/v1/observatory/narratives"),
             client.get("/observatory"), client.get("/api/v1/observatory/stats"),
             client.get("/observatory/data/sector.json")]
    return "\n".join(p.get_data(as_text=True) for p in pages)


# --- the case page -----------------------------------------------------------------------------


def test_without_consent_the_case_page_says_so_and_nothing_can_be_prepared(
        app, as_role, unconsented):
    client = as_role("caseworker")
    html = section(case_page(client, unconsented[2]))
    assert "has not agreed to their story being published" in html
    assert "Prepare for publication" not in html
    assert post(client, unconsented[2], "/prepare").status_code == 403
    with app_context(app):
        assert db.session.query(PublishedNarrative).count() == 0


def test_prepare_shows_the_scrubbed_text_what_went_and_a_preview(app, as_role, consented):
    client = as_role("caseworker")
    case_id = consented[2]
    assert "Prepare for publication" in section(case_page(client, case_id))
    response = post(client, case_id, "/prepare")
    assert response.status_code == 302 and response.location.endswith(f"/cases/{case_id}#narrative")
    html = section(case_page(client, case_id))
    textarea = re.search(r'<textarea[^>]*id="narrative-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea and "warehouse job" in textarea.group(1)
    for secret in SECRETS:
        assert secret not in html
    assert '<label for="narrative-text">' in html
    assert "Names: 3" in html and "Phone numbers: 1" in html and "Exact dates: 1" in html
    assert "How the public will see it" in html and "<article" in html
    assert "Work and employment" in html and "A group of people" in html
    assert "Apply the automatic scrub again" in html and 'value="publish"' in html


def test_another_organisations_caseworker_gets_404(app, as_role, consented):
    other = as_role("other")
    case_id = consented[2]
    assert other.get(f"/cases/{case_id}").status_code == 404
    token = csrf_token(other, "/cases")
    for path in ("/prepare", "", "/take-down"):
        response = other.post(f"/cases/{case_id}/narrative{path}",
                              data={"csrf_token": token, "narrative-text": "x"})
        assert response.status_code == 404, path
    with app_context(app):
        assert db.session.query(PublishedNarrative).count() == 0


def test_leftovers_keep_the_caseworkers_words_beside_the_error(app, as_role, consented):
    client = as_role("caseworker")
    case_id = consented[2]
    post(client, case_id, "/prepare")
    words = "In my words: Ana was refused on 4 March 2026, and so on & so forth."
    response = post(client, case_id, **{"narrative-text": words, "action": "publish"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = field_errors(html, "narrative-text")
    assert "It still contains a name." in errors and "It still contains an exact date." in errors
    assert "phone" not in errors
    assert "In my words: Ana was refused on 4 March 2026, and so on &amp; so forth." in html
    assert re.search(r'<textarea[^>]*aria-describedby="narrative-text-hint narrative-text-error"'
                     r'[^>]*aria-invalid="true"|<textarea[^>]*aria-invalid="true"[^>]*'
                     r'aria-describedby="narrative-text-hint narrative-text-error"', html)
    with app_context(app):
        assert db.session.query(PublishedNarrative).one().state == domain.DRAFT


def test_applying_the_scrub_again_cleans_the_caseworkers_version(app, as_role, consented):
    client = as_role("caseworker")
    case_id = consented[2]
    post(client, case_id, "/prepare")
    response = post(client, case_id, **{"narrative-text": "Mine: Omar called 06 12 34 56 78.",
                                        "action": "rescrub"})
    assert response.status_code == 302
    html = section(case_page(client, case_id))
    assert "Mine: XXXX called XXXX." in html


def test_publish_then_take_down_from_the_case_page(app, as_role, consented):
    client = as_role("caseworker")
    case_id = consented[2]
    post(client, case_id, "/prepare")
    text = "A person was rejected within a minute by a screening tool; nobody explained why."
    assert post(client, case_id, **{"narrative-text": text, "action": "publish"}).status_code == 302
    html = section(case_page(client, case_id))
    assert "Published." in html and text in html and "Take it down" in html
    public = app.test_client()
    assert text in public.get("/observatory/stories").get_data(as_text=True)
    assert post(client, case_id, "/take-down").status_code == 302
    assert text not in public_texts(public)
    html = section(case_page(client, case_id))
    assert "Taken down on" in html and "A caseworker took it down" in html
    assert "Prepare for publication" in html
    # The complainant reads both on their timeline.
    reference, secret, _ = consented
    timeline = public.get(f"/api/v1/complaints/{reference}",
                          headers={"X-Remedy-Secret": secret}).get_json()["timeline"]
    kinds = [event["kind"] for event in timeline]
    assert kinds[-2:] == ["story_published", "story_taken_down"]


def test_a_draft_can_be_discarded(app, as_role, consented):
    client = as_role("caseworker")
    post(client, consented[2], "/prepare")
    assert post(client, consented[2], "/take-down").status_code == 302
    with app_context(app):
        row = db.session.query(PublishedNarrative).one()
        assert row.state == domain.TAKEN_DOWN and row.text is None


def test_take_down_with_nothing_to_take_down_is_404(app, as_role, consented):
    assert post(as_role("caseworker"), consented[2], "/take-down").status_code == 404


# --- what the public sees ------------------------------------------------------------------------


def test_a_draft_is_never_public(app, staff, as_role, consented):
    client = as_role("caseworker")
    post(client, consented[2], "/prepare")
    public = app.test_client()
    assert "warehouse job" not in public_texts(public)
    assert public.get("/api/v1/observatory/narratives").get_json()["total"] == 0
    assert "No story has been published yet." in public.get("/observatory/stories").get_data(
        as_text=True)


def test_the_public_page_shows_a_published_story_with_its_facets(app, staff, consented):
    row = published(app, staff, consented[2])
    response = app.test_client().get("/observatory/stories")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    html = response.get_data(as_text=True)
    assert row.text in html.replace("&#43;", "+") or "warehouse job" in html
    assert '<ol class="stories">' in html and '<article class="story"' in html
    assert "Work and employment" in html and "A group of people" in html
    assert "Equality and non-discrimination" in html
    assert f'<time datetime="{row.published_at:%Y-%m}">' in html
    assert f"{row.published_at:%B %Y}" in html
    assert 'lang="en"' in html
    for secret in SECRETS + (consented[0], "ana@example.org", "Acme"):
        assert secret not in html


def test_the_public_page_in_french_and_chinese(app, staff, consented):
    row = published(app, staff, consented[2])
    client = app.test_client()
    assert f"{row.published_at.year}年{row.published_at.month}月" in client.get(
        "/observatory/stories?lang=zh-Hans").get_data(as_text=True)
    assert 'lang="fr"' in client.get("/observatory/stories?lang=fr").get_data(as_text=True)


def test_withdrawn_consent_on_the_tracking_page_takes_it_down_at_once(app, staff, consented):
    reference, secret, case_id = consented
    row = published(app, staff, case_id)
    public = app.test_client()
    assert "warehouse job" in public.get("/observatory/stories").get_data(as_text=True)
    complainant = app.test_client()
    post_form(complainant, "/track", {"reference": reference, "secret": secret})
    response = post_form(complainant, "/track/complaint/consents", {"consent_contact": "y"},
                         token_from="/track/complaint")
    assert response.status_code == 302
    texts = public_texts(public)
    assert "warehouse job" not in texts and row.text not in texts
    assert public.get("/api/v1/observatory/narratives").get_json()["total"] == 0


def test_withdrawing_the_complaint_on_the_tracking_page_takes_it_down(app, staff, consented):
    reference, secret, case_id = consented
    published(app, staff, case_id)
    complainant = app.test_client()
    post_form(complainant, "/track", {"reference": reference, "secret": secret})
    response = post_form(complainant, "/track/complaint/withdraw", {"confirm": "y"},
                         token_from="/track/complaint")
    assert response.status_code == 302
    assert "warehouse job" not in public_texts(app.test_client())


def test_an_erasure_from_the_case_page_takes_it_down(app, staff, as_role, consented):
    published(app, staff, consented[2])
    response = post_form(as_role("supervisor"), f"/cases/{consented[2]}/erase",
                         {"reason": "Asked by letter.", "confirm": "y"}, token_from="/cases")
    assert response.status_code == 302
    assert "warehouse job" not in public_texts(app.test_client())


def test_no_words_of_an_unconsented_complaint_are_public_anywhere(app, staff, as_role,
                                                                  consented, unconsented):
    published(app, staff, consented[2])
    client = as_role("caseworker")
    assert post(client, unconsented[2], "/prepare").status_code == 403
    texts = public_texts(app.test_client())
    assert "warehouse job" in texts
    assert "zebra-marker-7731" not in texts and "Odense" not in texts


def test_pages_of_stories(app, staff, monkeypatch):
    ids = [story_case(app, narrative=f"Story number {n}: the screening tool rejected me "
                                     f"without any explanation at all.")[2] for n in (1, 2, 3)]
    for case_id in ids:
        published(app, staff, case_id)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    client = app.test_client()
    first = client.get("/observatory/stories").get_data(as_text=True)
    assert "Story number 3" in first and "Story number 2" in first  # newest first
    assert "Story number 1" not in first and 'rel="next"' in first and "Page 1 of 2" in first
    second = client.get("/observatory/stories?page=2").get_data(as_text=True)
    assert "Story number 1" in second and 'rel="prev"' in second
    assert client.get("/observatory/stories?page=3").status_code == 404
    assert client.get("/observatory/stories?page=zero").status_code == 404


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_lists_published_stories_newest_first(app, staff, consented):
    older = published(app, staff, consented[2])
    _, _, newer_id = story_case(app, narrative="Another story: the benefits algorithm stopped "
                                               "my payments and nobody would say why.")
    newer = published(app, staff, newer_id)
    response = app.test_client().get("/api/v1/observatory/narratives?per_page=1")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    body = response.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 1
    assert body["items"] == [{
        "text": newer.text, "language": "en", "sector": "employment",
        "rights_dimensions": ["access_to_remedy", "equality_non_discrimination"],
        "filer_type": "group", "published": f"{newer.published_at:%Y-%m}"}]
    second = app.test_client().get("/api/v1/observatory/narratives?per_page=1&page=2").get_json()
    assert second["items"][0]["text"] == older.text


@pytest.mark.parametrize("query", ["per_page=0", "per_page=101", "page=0", "page=x"])
def test_the_api_refuses_wrong_pages(app, query):
    response = app.test_client().get(f"/api/v1/observatory/narratives?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"


def test_the_api_never_shows_a_story_taken_down(app, staff, consented):
    reference, secret, case_id = consented
    published(app, staff, case_id)
    app.test_client().patch(f"/api/v1/complaints/{reference}/consents",
                            json={"publish_narrative": False}, headers={"X-Remedy-Secret": secret})
    body = app.test_client().get("/api/v1/observatory/narratives").get_json()
    assert body == {"items": [], "page": 1, "per_page": 20, "total": 0}
