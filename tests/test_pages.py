"""The public pages that explain things: what the privacy page promises must be true."""


def test_the_privacy_page_says_how_long_data_is_kept_and_how_to_have_it_erased(app, client):
    html = client.get("/privacy").get_data(as_text=True)
    assert f"kept for {app.config['RETENTION_DAYS']} more days, then erased" in html
    assert "organisation you complain about sees it only if you agreed" in html
    assert "for it to be erased: send a message" in html


def test_without_a_retention_period_the_privacy_page_promises_none(make_app):
    page = make_app(RETENTION_DAYS=None).test_client().get("/privacy").get_data(as_text=True)
    assert "then erased" not in page and "for it to be erased" in page
