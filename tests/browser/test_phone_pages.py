"""Every page of every role at 390×844 in real chromium, taken from the navigation: the
sidebar lists exactly the role's pages, and each page opens with its heading, help now in
the sidebar, one h1, no error, nothing wider than the screen (no sideways scrolling), and no serious
or critical WCAG 2.1 A/AA violation found by axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from companion.ui import navigation
from tests.browser.conftest import no_script_errors, serious_axe_violations, shot, sign_in

pytestmark = pytest.mark.browser
T = 20_000
ROLES = {"maya": "teen", "rosa.parent": "parent", "dr.rivera": "clinician", "admin": "admin"}


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_fits_a_phone(demo_server, phone, username):
    server, passwords = demo_server
    sign_in(phone, server.url, username, passwords[username])
    links = phone.get_by_test_id("stSidebarNavLink")
    expected = navigation.pages_for(ROLES[username], set_up=True)
    expect(links).to_have_count(len(expected), timeout=T)
    names = [links.nth(i).text_content().strip() for i in range(links.count())]
    titles = [p.title for p in expected]  # each link's text is its icon's name, then its title
    assert all(n.endswith(t) for n, t in zip(names, titles, strict=True)), (names, titles)
    sidebar = phone.get_by_test_id("stSidebar")
    problems: list[str] = []
    for spec in expected:
        stem = Path(spec.path).stem
        phone.goto(f"{server.url}/{stem}")
        expect(phone.get_by_role("heading").first).to_be_visible(timeout=T)
        expect(phone.get_by_test_id("stSkeleton")).to_have_count(0, timeout=T)
        no_script_errors(phone)
        for line in ("Call or text 988 any time.", "isn't watched in real time"):
            expect(sidebar.get_by_text(line, exact=False)).to_be_attached()
        wide = phone.evaluate(
            "() => Math.max(document.documentElement.scrollWidth,"
            " ...[...document.querySelectorAll('[data-testid=stMain]')].map(e => e.scrollWidth))"
        )
        assert wide <= 392, (spec.path, wide)
        h1 = phone.locator("[data-testid=stMain] h1").count()
        if h1 != 1:  # headings form an outline: one title per page
            problems.append(f"{stem}: {h1} h1 headings")
        shot(phone, f"phone-{username}-{stem}")
        problems += [f"{stem}: {v}" for v in serious_axe_violations(phone)]
    assert not problems, "\n".join(problems)


def test_signed_out_pages_pass_axe_on_a_phone(demo_server, phone):
    server, _ = demo_server
    problems: list[str] = []
    for stem, heading in (("", "Demo"), ("redeem", "I have a code"), ("help", "Help now")):
        phone.goto(f"{server.url}/{stem}")
        expect(phone.get_by_role("heading", name=heading).first).to_be_visible(timeout=T)
        expect(phone.get_by_test_id("stSkeleton")).to_have_count(0, timeout=T)
        problems += [f"{stem or 'signin'}: {v}" for v in serious_axe_violations(phone)]
    # a form with an error: the state a first load doesn't show
    phone.goto(f"{server.url}/redeem")
    box = phone.get_by_role("textbox", name="Your code")
    box.fill("WRONG-CODE")
    box.press("Tab")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("That code doesn't work")).to_be_visible(timeout=T)
    problems += [f"redeem with an error: {v}" for v in serious_axe_violations(phone)]
    assert not problems, "\n".join(problems)
