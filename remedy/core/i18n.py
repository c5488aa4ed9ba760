"""The reader's language: chosen with ?lang=, remembered in the session, else taken from the
browser; and the helpers that put domain messages and code lists into that language."""

from datetime import date, datetime
from functools import cache

from babel import Locale
from flask import current_app, request, session
from flask_babel import format_date, get_locale, gettext

from remedy.core.codes import country_codes
from remedy.core.messages import Message


def match_locale(tag: str | None, available: list[str]) -> str | None:
    """`zh-CN`, `zh_hans` or `zh` -> `zh_Hans`; `fr-BE` -> `fr`; None if unavailable."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_")
    lowered = {a.lower(): a for a in available}
    if tag.lower() in lowered:
        return lowered[tag.lower()]
    primary = tag.split("_")[0].lower()
    if primary in lowered:
        return lowered[primary]
    return next((a for a in available if a.split("_")[0].lower() == primary), None)


def select_locale() -> str:
    available = current_app.config["LANGUAGES"]
    if request:
        chosen = match_locale(request.args.get("lang"), available)
        if chosen:
            session["lang"] = chosen
            session.permanent = True  # remembered on the next visit too
            return chosen
        remembered = match_locale(session.get("lang"), available)
        if remembered:
            return remembered
        for tag, _quality in request.accept_languages:
            matched = match_locale(tag, available)
            if matched:
                return matched
    return available[0]


def current_locale() -> str:
    return str(get_locale() or "en")


def html_lang() -> str:
    """`zh_Hans` -> `zh-Hans` for the lang attribute."""
    return current_locale().replace("_", "-")


def translate(message) -> str:
    """A domain Message (or a plain msgid) in the reader's language."""
    if isinstance(message, Message):
        text = gettext(message.msgid)
        return text % message.params if message.params else text
    return gettext(str(message))


def translate_fields(fields: dict) -> dict[str, list[str]]:
    return {name: [translate(m) for m in messages] for name, messages in fields.items()}


@cache
def _country_names(locale: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(locale).territories
    codes = country_codes()
    return tuple(
        sorted(((c, territories.get(c, c)) for c in codes), key=lambda pair: pair[1].casefold())
    )


def country_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) for every country, named and sorted in the reader's language."""
    return _country_names(current_locale())


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return Locale.parse(current_locale()).territories.get(code, code)


@cache
def language_name(locale: str) -> str:
    """A language named in itself (`français`, `中文 (简体)`), as people look for their own."""
    name = Locale.parse(locale).get_display_name(locale)
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


def local_date(value) -> str:
    """A day in the reader's language ("28 novembre 2026"), from a date, a datetime or the
    ISO text that emails and referral packets carry; anything else is shown as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value, "long")
    return "" if value is None else str(value)
