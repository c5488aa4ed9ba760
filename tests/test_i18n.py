"""Languages: chosen, remembered, complete, and applied to every page and email."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["fr", "zh_Hans"]
PUBLIC = ["/", "/rights", "/privacy", "/complaints/new", "/track", "/no-such-page"]


def test_lang_parameter_is_remembered(client):
    assert 'lang="fr"' in client.get("/?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in client.get("/rights").get_data(as_text=True)
    assert 'lang="zh-Hans"' in client.get("/track?lang=zh-Hans").get_data(as_text=True)


@pytest.mark.parametrize("header, lang", [("zh-CN,zh;q=0.9", "zh-Hans"), ("fr-BE", "fr"),
                                          ("da, en;q=0.5", "en"), ("xx", "en")])
def test_browser_language_is_used_when_none_was_chosen(app, header, lang):
    html = app.test_client().get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in html


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "N_", "-k", "_l", "--ignore-dirs=.*", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with pot.open("rb") as handle:
        return {_key(m.id) for m in read_po(handle) if m.id}


def _key(message_id):
    """A message's id; plural messages have (singular, plural)."""
    return message_id if isinstance(message_id, str) else tuple(message_id)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(message.id) and all(strings) and not message.fuzzy


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(extracted, locale):
    with (ROOT / "remedy/translations" / locale / "LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {_key(m.id) for m in catalog if _translated(m)}
    missing = sorted(map(str, extracted - translated))
    assert not missing, f"{len(missing)} strings untranslated in {locale}, e.g. {missing[:5]}"
    for message in catalog:
        if not _translated(message):
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = sorted(set(re.findall(r"%\(\w+\)\w", " ".join(ids))))
        for string in strings:
            assert sorted(set(re.findall(r"%\(\w+\)\w", string))) == wanted, message.id


ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’][A-Za-z]{2,}){3,}\b")


@pytest.mark.usefixtures("org")
@pytest.mark.parametrize("url", PUBLIC)
def test_chinese_pages_have_no_english_sentences_left(client, url):
    """A heuristic for a string someone forgot to mark: four English words in a row."""
    html = client.get(f"{url}?lang=zh_Hans").get_data(as_text=True)
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"&[a-z#0-9]+;", " ", text)
    leftovers = [run for run in ENGLISH_RUN.findall(text)]
    assert not leftovers, leftovers


@pytest.mark.usefixtures("org")
def test_chinese_form_with_errors_has_no_english_left(client):
    from tests.web import post_form

    client.get("/?lang=zh_Hans")
    response = post_form(client, "/complaints/new", {"title": "x", "narrative": "short"},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    assert not ENGLISH_RUN.findall(re.sub(r"&[a-z#0-9]+;", " ", text))


def test_api_messages_are_translated_and_not_escaped(client):
    response = client.post("/api/v1/complaints", json={}, headers={"Accept-Language": "fr"})
    raw = response.get_data(as_text=True)
    assert "réponses" in raw and "\\u00e9" not in raw


@pytest.mark.parametrize("locale, expected", [("en", "December 28, 2026"),
                                              ("fr", "28 décembre 2026"),
                                              ("zh_Hans", "2026年12月28日")])
def test_days_in_emails_and_packets_are_written_in_the_readers_language(app, locale, expected):
    from datetime import date, datetime

    from flask_babel import force_locale

    from remedy.core.i18n import local_date

    with app.test_request_context(), force_locale(locale):
        assert local_date("2026-12-28") == expected  # as emails and packets carry it
        assert local_date(date(2026, 12, 28)) == expected
        assert local_date(datetime(2026, 12, 28, 23, 5)) == expected
        assert local_date("not a day") == "not a day" and local_date(None) == ""
