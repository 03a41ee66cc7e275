"""The paths a person takes, in a real browser against a real server."""

from __future__ import annotations

from playwright.sync_api import expect

from companion import db as dbmod
from companion.ops import demo
from tests.browser import conftest as kit
from tests.browser.conftest import T, no_script_errors, shot, sign_in, start_server, stop_server


def test_a_teen_on_a_phone_stays_signed_in_across_reloads_and_signs_out(demo_server, phone):
    server, passwords = demo_server
    sign_in(phone, server.url, "maya", passwords["maya"])
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    shot(phone, "teen-home-phone")
    cookie = next(c for c in phone.context.cookies() if c["name"] == "companion_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    phone.reload()
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    no_script_errors(phone)
    # sign out lives in the sidebar, collapsed on a phone
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_text("You're signed out.")).to_be_visible(timeout=T)
    phone.reload()
    expect(phone.get_by_label("Username")).to_be_visible(timeout=T)
    expect(phone.get_by_role("heading", name="Hi Maya")).to_have_count(0)
    # the old cookie value no longer works even if replayed
    phone.context.add_cookies([{**cookie}])
    phone.goto(server.url)
    expect(phone.get_by_label("Username")).to_be_visible(timeout=T)
    no_script_errors(phone)


def test_a_wrong_password_says_so_in_one_sentence(demo_server, phone):
    server, _ = demo_server
    sign_in(phone, server.url, "maya", "not-the-password")
    expect(phone.get_by_text("That username and password don't match")).to_be_visible(timeout=T)
    shot(phone, "signin-error-phone")
    no_script_errors(phone)


def test_a_tampered_cookie_lands_on_sign_in(demo_server, phone):
    server, _ = demo_server
    phone.context.add_cookies(
        [{"name": "companion_session", "value": "forged-value", "url": server.url}]
    )
    phone.goto(server.url)
    expect(phone.get_by_label("Username")).to_be_visible(timeout=T)


def test_a_link_to_a_page_opened_first_after_a_restart_runs_the_whole_app(tmp_path, desktop):
    """The first visitor after a restart opens a link to the follow-up view: app.py still runs
    around the page (its style, "Help now", the role's own navigation). Before the fix,
    Streamlit ran the page's script alone, as an old-style multipage app, and listed every
    file in pages/ in the sidebar, for that visitor and for everyone after them."""
    db_path = tmp_path / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    demo.create_demo(database, seed=3, teens=2, history=False)
    database.close()
    server = start_server(db_path, tmp_path / "server.log")
    try:
        kit.enter(desktop, server.url, "dr.rivera", path="/clinician_followup")
        expect(desktop.get_by_role("heading", name="Follow-up")).to_be_visible(timeout=T)
        sidebar = desktop.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Help now").first).to_be_visible(timeout=T)
        expect(sidebar.get_by_role("link", name="My patients")).to_be_visible()
        expect(sidebar.get_by_role("link", name="admin audit")).to_have_count(0)
        # the house style is on the page: printing leaves the sidebar out
        desktop.emulate_media(media="print")
        expect(sidebar).to_be_hidden()
        no_script_errors(desktop)
    finally:
        stop_server(server)


def test_first_run_explore_with_demo_data_then_sign_in(tmp_path, phone):
    db_path = tmp_path / "fresh.db"
    server = start_server(db_path, tmp_path / "server.log")
    try:
        phone.goto(server.url)
        expect(phone.get_by_role("heading", name="Welcome to the IIPT Companion")).to_be_visible(
            timeout=T
        )
        shot(phone, "setup-phone")
        phone.get_by_role("button", name="Explore with demo data").click()
        expect(phone.get_by_text("Demo data are ready")).to_be_visible(timeout=T)
        no_script_errors(phone)
        database = dbmod.connect(db_path)
        users = {r["username"] for r in database.query("SELECT username FROM users")}
        database.close()
        assert {"admin", "dr.rivera", "maya", "rosa.parent"} <= users
        shot(phone, "setup-demo-accounts-phone")
        # the password shown on screen is the one that works
        row = phone.get_by_role("row").filter(has_text="maya")
        password = row.get_by_role("cell").last.inner_text().strip()
        phone.get_by_role("button", name="Go to sign in").click()
        expect(phone.get_by_label("Username")).to_be_visible(timeout=T)
        sign_in(phone, server.url, "maya", password)
        expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
        no_script_errors(phone)
    finally:
        stop_server(server)
