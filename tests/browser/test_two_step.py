"""Two-step sign-in in a real browser: the password step, then the authenticator code step,
through the real /api/auth routes and cookies."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion.auth import accounts, mfa
from tests.browser.conftest import no_script_errors, shot, sign_in

pytestmark = pytest.mark.browser
T = 20_000
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
