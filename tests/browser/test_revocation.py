"""Issue 13, finding 2, in a real browser against a real server: a clinician has a patient
page open; the account is deactivated, or the session is signed out from another tab; the
next click on the open page is refused and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from companion import config
from companion import db as dbmod
from companion.auth import accounts, sessions
from companion.people import account_admin, patients
from tests.browser import conftest as kit
from tests.browser.conftest import (
    Server,
    T,
    no_script_errors,
    own_demo_server,
    shot,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server of its own: these tests deactivate accounts."""
    yield from own_demo_server(
        tmp_path_factory, "revocation-server", seed=13, teens=4, history=False
    )


def _fdi_rows(db_path, patient_id: int) -> int:
    database = dbmod.connect(db_path)
    try:
        return database.execute(
            "SELECT COUNT(*) FROM questionnaire_responses WHERE patient_id = ?", [patient_id]
        ).fetchone()[0]
    finally:
        database.close()


def _open_patient(page, server: Server, username: str, password: str) -> int:
    """Sign in, open the first patient on this clinician's care team, type an FDI total."""
    database = dbmod.connect(server.db_path)
    user = accounts.find_user_by_username(database, username)
    patient = patients.list_for_clinician(database, user.id)[0]
    database.close()
    kit.enter(page, server.url, username)
    expect(page.get_by_role("heading", name="My patients")).to_be_visible(timeout=T)
    page.goto(f"{server.url}/clinician_patient?patient={patient.id}")
    expect(page.get_by_role("button", name="Record FDI total")).to_be_visible(timeout=T)
    # typed, not yet left: the click that follows commits it (no rerun before the click,
    # so the revocation below happens while the page is open and idle)
    page.get_by_role("spinbutton", name="FDI total (0–60)").fill("22")
    return patient.id


def _refused(page, server: Server, patient_id: int, before: int) -> None:
    page.get_by_role("button", name="Record FDI total").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=T)
    assert _fdi_rows(server.db_path, patient_id) == before  # nothing written
    expect(page.get_by_text("You're no longer signed in")).to_be_visible(timeout=T)
    expect(page.get_by_role("button", name="Record FDI total")).to_have_count(0)
    no_script_errors(page)


def test_a_deactivated_clinicians_open_page_can_no_longer_record(server, desktop):
    running, passwords = server
    patient_id = _open_patient(desktop, running, "dr.rivera", passwords["dr.rivera"])
    before = _fdi_rows(running.db_path, patient_id)
    database = dbmod.connect(running.db_path)
    admin = accounts.find_user_by_username(database, "admin")
    clinician = accounts.find_user_by_username(database, "dr.rivera")
    account_admin.set_active(database, admin, clinician.id, False)  # the admin, elsewhere
    database.close()
    _refused(desktop, running, patient_id, before)
    shot(desktop, "revocation-deactivated")


def test_signing_out_in_another_tab_stops_the_open_page(server, browser):
    running, passwords = server
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        patient_id = _open_patient(page, running, "pt.okafor", passwords["pt.okafor"])
        before = _fdi_rows(running.db_path, patient_id)
        # the other tab shares the cookie; its Sign out revokes that session
        token = next(c["value"] for c in context.cookies() if c["name"] == config.SESSION_COOKIE)
        database = dbmod.connect(running.db_path)
        sessions.revoke(database, token)
        database.close()
        _refused(page, running, patient_id, before)
        # and a fresh sign-in works again, with the same click now saved
        _open_patient(page, running, "pt.okafor", passwords["pt.okafor"])
        page.get_by_role("button", name="Record FDI total").click()
        expect(page.get_by_text("Recorded: 22")).to_be_visible(timeout=T)
        assert _fdi_rows(running.db_path, patient_id) == before + 1
    finally:
        context.close()
