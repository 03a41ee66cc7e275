"""An admin's rare visit on a 1280×800 desktop, typed and clicked as a person does, checked
in the database: a clinician account made, a clinician's password reset (used by the
clinician in their own browser, after which the old password no longer signs in), one
programme setting changed, and the audit log read back in the programme's local time and in
words.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from companion.auth import accounts
from companion.db import parse_stamp
from companion.errors import SignInFailed
from tests.browser import conftest as kit

NEW_PASSWORD = "lantern copper meadow thistle"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from kit.own_demo_server(
        tmp_path_factory, "admin-server", seed=29, teens=2, history=False
    )


def _db(running):
    return dbmod.connect(running.db_path)


def _type(page, role: str, name: str, value: str) -> None:
    box = page.get_by_role(role, name=name, exact=True)
    kit.typed(box, value)


def _nav(page, name: str, heading: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=kit.T)


def _settings(running) -> dict:
    """Every setting as the app reads it (the stored rows over the defaults)."""
    database = _db(running)
    try:
        return programme.get_settings(database)
    finally:
        database.close()


def _audit(running, action: str) -> list[dict]:
    return kit.saved_rows(
        running,
        "SELECT a.at, u.username AS actor, a.detail FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.actor_id WHERE a.action = ? ORDER BY a.id",
        [action],
    )


def test_an_admin_adds_a_clinician_resets_a_password_changes_a_setting_and_reads_the_log(
    server, desktop, browser
):
    running, passwords = server
    page = desktop
    kit.enter(page, running.url, "admin")
    expect(page.get_by_role("heading", name="Users")).to_be_visible(timeout=kit.T)

    # 1. a clinician account: the user is there, with no password and one unused code
    _type(page, "textbox", "Username", "dr.chen")
    _type(page, "textbox", "Name", "Dr. Chen (psychologist)")
    expect(page.get_by_role("radio", name="clinician")).to_be_checked()
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("can set a password with this activation code")).to_be_visible(
        timeout=kit.T
    )
    activation = page.get_by_test_id("stCode").inner_text().strip()
    kit.no_script_errors(page)
    database = _db(running)
    chen = accounts.find_user_by_username(database, "dr.chen")
    assert chen is not None and chen.role.value == "clinician" and chen.active
    assert chen.display_name == "Dr. Chen (psychologist)"
    row = database.execute("SELECT password_hash FROM users WHERE id = ?", [chen.id]).fetchone()
    codes = database.execute(
        "SELECT purpose, used_at FROM invite_codes WHERE user_id = ?", [chen.id]
    ).fetchall()
    assert row[0] is None
    assert codes == [("activate", None)]
    assert accounts.describe_code(database, activation) == {
        "purpose": "activate",
        "username": "dr.chen",
    }
    database.close()

    # 2. a reset code for Alex Okafor; one audit row names whose code it is
    picker = page.get_by_role("combobox", name="Account", exact=True)
    picker.click()
    picker.press_sequentially("okafor")
    picker.press("Enter")
    expect(picker).to_have_value("Alex Okafor (PT) (pt.okafor, clinician)", timeout=kit.T)
    page.get_by_role("button", name="Make a reset code").click()
    expect(page.get_by_text("Reset code:")).to_be_visible(timeout=kit.T)
    reset = page.get_by_test_id("stCode").last.inner_text().strip()
    assert reset != activation
    kit.no_script_errors(page)
    resets = _audit(running, "issue_code:reset")
    assert [(r["actor"], r["detail"]) for r in resets] == [("admin", "clinician pt.okafor")]
    kit.shot(page, "admin-users-desktop")

    # the clinician uses it in their own browser: the old password stops working
    old = passwords["pt.okafor"]
    context = browser.new_context(**kit.DESKTOP)
    other = context.new_page()
    try:
        other.goto(running.url)
        other.get_by_role("link", name="I have a code").click()
        _type(other, "textbox", "Your code", reset)
        other.get_by_role("button", name="Continue").click()
        expect(other.get_by_text("Username: pt.okafor")).to_be_visible(timeout=kit.T)
        _type(other, "textbox", "New password", NEW_PASSWORD)
        _type(other, "textbox", "New password again", NEW_PASSWORD)
        other.get_by_role("button", name="Save").click()
        expect(other.get_by_text("All set. You can sign in now")).to_be_visible(timeout=kit.T)
        kit.sign_in(other, running.url, "pt.okafor", old)
        expect(other.get_by_text("That username and password don't match")).to_be_visible(
            timeout=kit.T
        )
        kit.sign_in(other, running.url, "pt.okafor", NEW_PASSWORD)
        expect(other.get_by_role("heading", name="My patients")).to_be_visible(timeout=kit.T)
        kit.no_script_errors(other)
    finally:
        context.close()
    database = _db(running)
    assert accounts.authenticate(database, "pt.okafor", NEW_PASSWORD).username == "pt.okafor"
    with pytest.raises(SignInFailed) as refused:
        accounts.authenticate(database, "pt.okafor", old)
    assert refused.type is SignInFailed  # the password is wrong, not a wait between tries
    database.close()

    # 3. one setting: 5 days without a check-in becomes 7; nothing else changes
    before = _settings(running)
    _nav(page, "Programme settings", "Programme settings")
    box = page.get_by_role("spinbutton", name="Flag after this many days without a check-in")
    expect(box).to_have_value(str(before["flag_no_checkin_days"]))
    assert before["flag_no_checkin_days"] != 7
    # a typed 99 is refused with the range, and nothing is saved (the box had limits that
    # turned it red and quietly kept the old number)
    kit.typed(box, "99")
    page.get_by_role("button", name="Save settings").click()
    expect(
        page.get_by_text("Use a whole number of days without a check-in from 1 to 60.")
    ).to_be_visible(timeout=kit.T)
    assert _settings(running) == before
    kit.typed(box, "7")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible(timeout=kit.T)
    kit.no_script_errors(page)
    after = _settings(running)
    assert {k: v for k, v in after.items() if before.get(k) != v} == {"flag_no_checkin_days": 7}
    database = _db(running)
    stored = database.execute(
        "SELECT value FROM programme_settings WHERE key = 'flag_no_checkin_days'"
    ).fetchone()
    database.close()
    assert json.loads(stored[0]) == 7
    saved = _audit(running, "programme_settings")
    assert (saved[-1]["actor"], saved[-1]["detail"]) == ("admin", "flag_no_checkin_days")

    # 4. the audit log: those three actions, newest first, in New York time and in words
    _nav(page, "Audit log", "Audit log")
    expect(page.get_by_text("Times are the programme's (America/New_York)")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible(timeout=kit.T)
    zone = programme.zone(programme.DEFAULTS | {"timezone": "America/New_York"})
    made = _audit(running, "create_user")[-1]
    wanted = [
        (saved[-1], "changed programme settings", "flag: days without a check-in"),
        (_audit(running, "redeem_code:reset")[-1], "used a password reset code", ""),
        (resets[0], "made a password reset code", "clinician pt.okafor"),
        (made, "made an account", "clinician dr.chen"),
    ]
    for entry, what, detail in wanted:
        local = parse_stamp(entry["at"]).astimezone(zone).strftime("%a %-d %b %Y, %H:%M")
        utc = parse_stamp(entry["at"]).strftime("%a %-d %b %Y, %H:%M")
        assert local != utc  # New York is 4 or 5 hours behind UTC
        cells = grid.locator("tr").filter(has_text=what).filter(has_text=local)
        if detail:
            cells = cells.filter(has_text=detail)
        expect(cells).to_have_count(1, timeout=kit.T)
        expect(grid.locator("tr").filter(has_text=what).filter(has_text=utc)).to_have_count(0)
    for code in ("issue_code:reset", "programme_settings", "create_user", "flag_no_checkin"):
        expect(grid.get_by_text(code)).to_have_count(0)
    kit.shot(page, "admin-audit-desktop")
    kit.no_script_errors(page)
