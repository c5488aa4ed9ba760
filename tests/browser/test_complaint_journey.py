"""A person files a complaint in French on a phone, with a file as evidence, keeps the
reference and the secret, and follows the complaint on /track: with JavaScript on and off."""

import struct
import zlib

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from remedy.core.vocabulary import STATES

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests: the Python package playwright is missing "
    "(.venv/bin/pip install -e '.[test]')").expect


def png(width=24, height=16) -> bytes:
    """A small valid PNG: a grey rectangle."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def french(app, *messages) -> list[str]:
    """The words the page should show, from the French catalogue."""
    with app.test_request_context(), force_locale("fr"):
        return [_(message) for message in messages]


def fits_the_screen(page) -> bool:
    """Nothing wider than the phone: no sideways scrolling."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_complaint_filed_in_french_on_a_phone_can_be_followed(
        app, org, live_server, new_context, journey, js):
    send, received, follow, open_it, state = french(
        app, "Send my complaint", "Your complaint was received", "Follow my complaint",
        "Open my complaint", STATES["received"])
    assert send != "Send my complaint"  # the French catalogue is compiled
    page = new_context(js=js, phone=True, locale="fr-FR").new_page()
    steps = journey(js)
    look = steps.look

    page.goto(f"{live_server}/complaints/new?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("input[name=filer_type][value=individual]").check()
    page.locator("#title").fill("Refusée par un tri automatique des CV")
    page.locator("#narrative").fill(
        "J'ai postulé pour un emploi d'entrepôt et j'ai été refusée en une minute par un outil "
        "de tri automatique. J'ai dix ans d'expérience.")
    page.locator("#ai_system").fill("HireScreen")
    page.locator("#deployer").fill("Acme Logistique SAS")
    page.locator("#complainant_country").select_option("DK")
    page.locator("input[name=sector][value=employment]").check()
    page.locator("input[name=rights_dimensions][value=equality_non_discrimination]").check()
    page.locator("#evidence").set_input_files(
        {"name": "refus.png", "mimeType": "image/png", "buffer": png()})
    assert fits_the_screen(page)
    look(page, "form-filled", "/complaints/new (filled)")

    page.get_by_role("button", name=send).click()
    expect(page.locator("h1")).to_have_text(received)
    reference = page.locator("#reference").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    assert reference.startswith("RMD-") and len(secret) >= 16
    assert fits_the_screen(page)
    look(page, "confirmation", "the confirmation")

    page.get_by_role("main").get_by_role("link", name=follow).click()
    expect(page.locator("#reference")).to_have_value(reference)
    page.locator("#secret").fill(secret)
    look(page, "track", "/track")

    page.get_by_role("button", name=open_it).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    main = page.get_by_role("main")
    expect(main).to_contain_text(reference)
    expect(main).to_contain_text(state)
    expect(main).to_contain_text("refus.png")
    assert fits_the_screen(page)
    look(page, "complaint", "the tracked complaint")

    steps.assert_accessible()
