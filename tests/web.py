"""Helpers for driving the HTML pages like a browser does: read the CSRF token, post forms."""

import re

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                    r'type="hidden" name="csrf_token" value="([^"]+)"|'
                    r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {url}"
    return next(g for g in match.groups() if g)


def post_form(client, url: str, data: dict, *, token_from: str | None = None, **kwargs):
    data = {**data, "csrf_token": csrf_token(client, token_from or url)}
    return client.post(url, data=data, **kwargs)


def field_errors(html: str, field_id: str) -> str:
    """The text of the error block tied to a field, or ''."""
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""
