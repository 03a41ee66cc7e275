"""Phone first: every page of every role at 390×844 in real chromium — it opens with its
heading, shows no error, and nothing is wider than the screen (no sideways scrolling)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from companion import navigation
from tests.browser.conftest import no_script_errors, shot, sign_in

pytestmark = pytest.mark.browser
T = 20_000
ROLES = {"maya": "teen", "rosa.parent": "parent", "dr.rivera": "clinician", "admin": "admin"}


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_fits_a_phone(demo_server, phone, username):
    server, passwords = demo_server
    sign_in(phone, server.url, username, passwords[username])
    expect(phone.get_by_test_id("stSidebarNavLink").first).to_be_attached(timeout=T)
    for spec in navigation.pages_for(ROLES[username], set_up=True):
        stem = Path(spec.path).stem
        phone.goto(f"{server.url}/{stem}")
        expect(phone.get_by_role("heading").first).to_be_visible(timeout=T)
        expect(phone.get_by_test_id("stSkeleton")).to_have_count(0, timeout=T)
        no_script_errors(phone)
        wide = phone.evaluate(
            "() => Math.max(document.documentElement.scrollWidth,"
            " ...[...document.querySelectorAll('[data-testid=stMain]')].map(e => e.scrollWidth))"
        )
        assert wide <= 392, (spec.path, wide)
        shot(phone, f"phone-{username}-{stem}")
