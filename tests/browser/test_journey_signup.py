"""Journeys under "I have a code", typed as a person types them, checked in the database.

A parent registers with a family code; a teen activates with "Use this"; a staff member
activates with a typed password after first trying another code. Each journey ends with a
sign-in in the same browser, and the database shows what was saved.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from companion.auth import accounts
from companion.identity import Role
from companion.people import account_admin, enrolment
from tests.browser import conftest as kit

TYPED = "kettle orbit maple sundown"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    for running, _ in kit.own_demo_server(tmp_path_factory, "signup-server", seed=5, teens=2):
        yield running


def _db(server):
    return dbmod.connect(server.db_path)


def _user(database, username):
    return accounts.find_user_by_username(database, username)


def _open_redeem(page, url):
    page.goto(url)
    page.get_by_role("link", name="I have a code").click()
    expect(page.get_by_role("heading", name="I have a code")).to_be_visible(timeout=kit.T)


def _type_code(page, code):
    box = page.get_by_role("textbox", name="Your code")
    kit.typed(box, code)
    page.get_by_role("button", name="Continue").click()


def _type_passwords(page, password):
    first = page.get_by_role("textbox", name="New password", exact=True)
    kit.typed(first, password)
    again = page.get_by_role("textbox", name="New password again")
    kit.typed(again, password)


def test_a_parent_registers_with_a_family_code_on_a_phone(server, phone):
    database = _db(server)
    clinician = _user(database, "dr.rivera")
    maya = next(p for p in demo_patients(database) if p["display_name"].startswith("Maya"))
    code = account_admin.issue_family_code(database, clinician, maya["id"])

    _open_redeem(phone, server.url)
    _type_code(phone, code)
    expect(phone.get_by_text("This is a family code.")).to_be_visible(timeout=kit.T)
    expect(phone.get_by_text(f"Your code: {code}")).to_be_visible()
    name_box = phone.get_by_role("textbox", name="Choose a username")
    kit.typed(name_box, "sam.parent")
    display = phone.get_by_role("textbox", name="Your name (as your teen's care team will see it)")
    kit.typed(display, "Sam Ortiz")
    _type_passwords(phone, TYPED)
    kit.shot(phone, "redeem-family-phone")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("All set. You can sign in now")).to_be_visible(timeout=kit.T)
    kit.no_script_errors(phone)

    parent = _user(database, "sam.parent")
    assert parent is not None and parent.role is Role.PARENT
    assert parent.display_name == "Sam Ortiz"
    links = database.execute(
        "SELECT patient_id FROM family_links WHERE parent_id = ?", [parent.id]
    ).fetchall()
    assert links == [(maya["id"],)]
    assert accounts.authenticate(database, "sam.parent", TYPED).id == parent.id
    with pytest.raises(Exception, match="doesn't work"):
        accounts.describe_code(database, code)

    phone.get_by_role("link", name="Go to sign in").click()
    kit.sign_in(phone, server.url, "sam.parent", TYPED)
    expect(phone.get_by_text("Maya").first).to_be_visible(timeout=kit.T)
    kit.no_script_errors(phone)
    database.close()


def test_a_teen_activates_with_the_suggested_passphrase(server, phone):
    database = _db(server)
    clinician = _user(database, "dr.rivera")
    today = programme.local_today(programme.get_settings(database))
    _, code, _ = enrolment.enrol_at_discharge(
        database,
        clinician,
        display_name="Lee",
        username="lee.k",
        birth_year=today.year - 14,
        discharged_on=today,
        diagnosis_group="Other",
        today=today,
    )
    _open_redeem(phone, server.url)
    _type_code(phone, code.lower().replace("-", " "))
    expect(phone.get_by_text("Username: lee.k")).to_be_visible(timeout=kit.T)
    phrase = phone.get_by_test_id("stCode").inner_text().strip()
    phone.get_by_role("button", name="Use this").click()
    # both boxes filled and the run ended, as a person sees it before tapping Save: a Save
    # sent while the run was still redrawing read the second box's old value (under -n 3)
    for box in ("New password", "New password again"):
        expect(phone.get_by_role("textbox", name=box, exact=True)).to_have_value(
            phrase, timeout=kit.T
        )
    kit.settled(phone)
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("All set. You can sign in now")).to_be_visible(timeout=kit.T)
    kit.no_script_errors(phone)

    assert accounts.authenticate(database, "lee.k", phrase).username == "lee.k"
    kit.sign_in(phone, server.url, "lee.k", phrase)
    expect(phone.get_by_role("heading", name="Hi Lee")).to_be_visible(timeout=kit.T)
    database.close()


def test_a_staff_member_changes_code_then_activates_with_a_typed_password(server, desktop):
    database = _db(server)
    admin = _user(database, "admin")
    staff, code = account_admin.create_staff(
        database, admin, username="dr.okafor", display_name="Dr Okafor"
    )
    family_code = account_admin.issue_family_code(
        database, _user(database, "dr.rivera"), demo_patients(database)[0]["id"]
    )

    _open_redeem(desktop, server.url)
    _type_code(desktop, family_code)
    expect(desktop.get_by_text("This is a family code.")).to_be_visible(timeout=kit.T)
    desktop.get_by_role("button", name="Use a different code").click()
    box = desktop.get_by_role("textbox", name="Your code")
    expect(box).to_be_editable(timeout=kit.T)
    expect(box).to_have_value("")

    # a mismatch keeps the code and says what is wrong
    _type_code(desktop, code)
    expect(desktop.get_by_text("Username: dr.okafor")).to_be_visible(timeout=kit.T)
    first = desktop.get_by_role("textbox", name="New password", exact=True)
    kit.typed(first, TYPED)
    desktop.get_by_role("textbox", name="New password again").fill(TYPED + " x")
    desktop.get_by_role("button", name="Save").click()
    expect(desktop.get_by_text("The two passwords are different.")).to_be_visible(timeout=kit.T)
    expect(desktop.get_by_text(f"Your code: {code}")).to_be_visible()

    _type_passwords(desktop, TYPED)
    desktop.get_by_role("button", name="Save").click()
    expect(desktop.get_by_text("All set. You can sign in now")).to_be_visible(timeout=kit.T)
    kit.no_script_errors(desktop)
    assert accounts.authenticate(database, "dr.okafor", TYPED).id == staff.id
    # the family code opened and put back is still unused: nothing was saved with it
    assert accounts.describe_code(database, family_code)["purpose"] == "link_parent"
    database.close()


def demo_patients(database):
    return list(
        database.query(
            "SELECT p.id, u.display_name FROM patients p"
            " JOIN users u ON u.id = p.user_id ORDER BY p.id"
        )
    )
