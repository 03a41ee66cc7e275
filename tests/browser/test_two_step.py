"""Two-step sign-in in a real browser: the password step, then the authenticator code step,
through the real /api/auth routes and cookies."""

from __future__ import annotations

import pyotp
from playwright.sync_api import expect

from companion import db as dbmod
from companion.auth import accounts, mfa, sessions
from tests.browser.conftest import T, no_script_errors, shot, sign_in

PASSWORD = "velvet-harbour-quietly-planted"


def test_a_clinician_with_two_step_sign_in_needs_the_code(demo_server, phone):
    server, _ = demo_server
    database = dbmod.connect(server.db_path)
    user = accounts.create_user(
        database, username="dr.two", role="clinician", display_name="Dr Two", password=PASSWORD
    )
    secret = mfa.start(database, user)
    mfa.confirm(database, user, pyotp.TOTP(secret).at(dbmod.now().timestamp() - 30))
    database.close()

    sign_in(phone, server.url, "dr.two", PASSWORD)
    expect(phone.get_by_text("One more step")).to_be_visible(timeout=T)
    assert not any(c["name"] == "companion_session" for c in phone.context.cookies())
    code_box = phone.get_by_label("Code from your authenticator app, or a recovery code")
    code_box.fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("That code didn't work")).to_be_visible(timeout=T)
    shot(phone, "two-step-phone")
    code_box.fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="My patients")).to_be_visible(timeout=T)
    cookie = next(c for c in phone.context.cookies() if c["name"] == "companion_session")
    assert cookie["expires"] == -1  # a browser-session cookie for staff
    no_script_errors(phone)


def test_the_set_up_qr_code_shows_to_its_own_session_only(demo_server, desktop):
    """The QR code holds the two-step secret. Streamlit serves it from /media: it must load
    on the page that drew it and be refused to any other sign-in, even with the link."""
    import urllib.error
    import urllib.request

    server, _ = demo_server
    database = dbmod.connect(server.db_path)
    accounts.create_user(
        database, username="dr.qr", role="clinician", display_name="Dr Qr", password=PASSWORD
    )
    other = accounts.create_user(
        database, username="dr.other", role="clinician", display_name="Dr O", password=PASSWORD
    )
    other_token = sessions.create(database, other)
    database.close()
    sign_in(desktop, server.url, "dr.qr", PASSWORD)
    expect(desktop.get_by_role("heading", name="My patients")).to_be_visible(timeout=T)
    desktop.goto(server.url + "/account")
    desktop.get_by_role("button", name="Set up two-step sign-in").click()
    expect(desktop.get_by_text("QR code for your authenticator app")).to_be_visible(timeout=T)
    image = desktop.get_by_test_id("stImage").locator("img")
    expect(image).to_be_visible(timeout=T)
    desktop.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=image.element_handle(), timeout=T
    )
    source = image.get_attribute("src")
    assert "/media/" in source
    url = source if source.startswith("http") else server.url + source
    request = urllib.request.Request(url, headers={"Cookie": f"companion_session={other_token}"})
    try:
        urllib.request.urlopen(request, timeout=10)
        status = 200
    except urllib.error.HTTPError as refused:
        status = refused.code
    assert status == 403
    no_script_errors(desktop)
