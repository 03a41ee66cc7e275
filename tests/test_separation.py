"""Separation of duties (issue 13, findings 5, 6 and 9): admins run the programme and never
read records; a parent shared with another care team is not a bridge into it; user text on
a page is text, never Markdown."""

from __future__ import annotations

import pyotp
import pytest

from companion import access, audit, programme, ui
from companion import db as dbmod
from companion.access import Permission
from companion.auth import accounts, mfa, sessions
from companion.errors import AccessDenied
from companion.people import account_admin, patients
from tests.apptest import app, texts

PASSWORD = "velvet-harbour-quietly-planted"


def _puppet(world, db):
    """What the review did: an admin makes a clinician and redeems its code themself."""
    staff, code = account_admin.create_staff(
        db, world.admin, username="dr.puppet", display_name="Dr Puppet"
    )
    accounts.redeem_password_code(db, code, PASSWORD)
    return accounts.get_user(db, staff.id)


# --- finding 5: an admin cannot put a clinician onto a working care team --------------------


def test_an_admin_cannot_add_their_clinician_to_a_working_care_team(world, db):
    puppet = _puppet(world, db)
    teen = world.teens[0]
    with pytest.raises(AccessDenied):
        account_admin.add_to_care_team(db, world.admin, teen.id, puppet.id)
    assert not patients.is_on_care_team(db, puppet.id, teen.id)
    with pytest.raises(AccessDenied):
        access.require(db, puppet, Permission.VIEW_NOTES, teen.id)
    # nor take the team's clinicians off it to make room
    account_admin.add_to_care_team(db, world.clinician_a, teen.id, world.clinician_b.id)
    with pytest.raises(AccessDenied):
        account_admin.remove_from_care_team(db, world.admin, teen.id, world.clinician_b.id)
    assert patients.is_on_care_team(db, world.clinician_b.id, teen.id)
    # a clinician already on the team adds whom they choose
    account_admin.add_to_care_team(db, world.clinician_a, teen.id, puppet.id)
    assert patients.is_on_care_team(db, puppet.id, teen.id)


def test_the_users_page_offers_an_admin_no_way_onto_a_working_team(world, db):
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="team_teen").set_value(world.teen_users[0].id)
    at.run()
    assert not at.exception
    assert at.get("button") and not [b for b in at.button if b.key in ("add_team", "remove_team")]
    assert "Clinicians on this care team add and remove its members" in texts(at)


def test_an_admin_adds_only_to_a_team_with_nobody_active_left_and_it_shows(world, db):
    teen = world.teens[2]  # clinician A alone
    newcomer = _puppet(world, db)
    account_admin.set_active(db, world.admin, world.clinician_a.id, False)
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="team_teen").set_value(world.teen_users[2].id)
    at.run()
    at.selectbox(key="add_clinician").set_value(newcomer.id)
    at.button(key="add_team").click().run()
    assert not at.exception
    assert patients.is_on_care_team(db, newcomer.id, teen.id)
    row = audit.list_entries(db, patient_id=teen.id, limit=5)
    assert "care_team_add_by_admin" in [r["action"] for r in row]
    # the patient page says so, to everyone on the care team from now on
    page = texts(app(newcomer, db, page="pages/clinician_patient.py", patient=teen.id))
    assert "An admin, " in page and "when nobody active was left on it" in page
    # once someone active is on it, the admin is out again
    other = accounts.create_user(
        db, username="dr.other", role="clinician", display_name="Dr Other", password=PASSWORD
    )
    with pytest.raises(AccessDenied):
        account_admin.add_to_care_team(db, world.admin, teen.id, other.id)


def _signed_in(db, user):
    return sessions.user_for_token(db, sessions.create(db, user))


def test_an_admin_reset_of_a_clinicians_password_is_shown_until_dismissed(world, db):
    code = account_admin.issue_reset_code(db, world.admin, world.clinician_a.id)
    assert code
    rows = audit.list_entries(db, actor="admin", limit=3)
    assert any(r["detail"] == "clinician dr.rivera" for r in rows)  # names its target
    at = app(world.clinician_a, db, page="pages/clinician_patients.py")
    page = texts(at)
    assert "made a code to set a new password for your account" in page
    assert ui.esc(world.admin.display_name) in page
    at = app(world.clinician_a, db, page="pages/account.py")  # every page, until dismissed
    assert "made a code to set a new password" in texts(at)
    at.button(key="dismiss_notices").click().run()
    assert not at.exception
    assert "made a code to set a new password" not in texts(at)
    assert "made a code" not in texts(app(world.clinician_a, db, page="pages/account.py"))


def test_an_admin_turning_off_two_step_sign_in_is_recorded_and_shown(world, db):
    user = world.clinician_a
    secret = mfa.start(db, user)
    mfa.confirm(db, user, pyotp.TOTP(secret).at(dbmod.now()))
    mfa.turn_off(db, world.admin, user.id)
    assert audit.list_entries(db, limit=1)[0]["detail"] == "dr.rivera"
    assert ui.esc("turned off two-step sign-in for your account") in texts(
        app(user, db, page="pages/clinician_patients.py")
    )
    # turning it off oneself is no notice
    secret = mfa.start(db, world.clinician_b)
    mfa.confirm(db, world.clinician_b, pyotp.TOTP(secret).at(dbmod.now()))
    mfa.turn_off(db, world.clinician_b, world.clinician_b.id)
    assert account_admin.notices(db, world.clinician_b) == []


# --- finding 6: a parent shared with another care team --------------------------------------


def test_a_parent_shared_with_another_team_is_reset_by_an_admin_only(world, db):
    parent = world.parent_a  # teen 0: clinician A
    assert access.can_manage_account(db, world.clinician_a, parent)
    code = account_admin.issue_family_code(db, world.clinician_b, world.teens[3].id)
    accounts.link_existing_parent(db, parent, code)  # teen 3: clinician B only
    with pytest.raises(AccessDenied):
        account_admin.issue_reset_code(db, world.clinician_a, parent.id)
    with pytest.raises(AccessDenied):
        account_admin.issue_reset_code(db, world.clinician_b, parent.id)
    # on both teams' care team, the clinician may
    account_admin.add_to_care_team(db, world.clinician_b, world.teens[3].id, world.clinician_a.id)
    assert account_admin.issue_reset_code(db, world.clinician_a, parent.id)
    assert audit.list_entries(db, limit=1)[0]["detail"] == "parent rosa.parent"
    assert account_admin.issue_reset_code(db, world.admin, parent.id)


def test_the_patient_page_says_who_resets_a_shared_parent(world, db):
    code = account_admin.issue_family_code(db, world.clinician_b, world.teens[3].id)
    accounts.link_existing_parent(db, world.parent_a, code)
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=world.teens[0].id)
    assert not at.exception
    labels = at.selectbox(key="reset_target").options
    assert not any("(parent)" in label for label in labels)
    assert "an admin makes their reset code" in texts(at)


# --- finding 9: user text is text -----------------------------------------------------------

IMAGE = "![b](http://127.0.0.1:9/x.png)"


def test_a_display_name_is_not_markdown_on_the_enrol_page(world, db):
    at = app(world.clinician_b, db, page="pages/clinician_enrol.py")
    at.text_input(key="display_name").input(IMAGE)
    at.text_input(key="username").input("imagey")
    at.number_input(key="birth_year").set_value(
        programme.local_today(programme.get_settings(db)).year - 13
    )
    at.selectbox(key="diagnosis_group").set_value("Chronic headache")
    at.button(key="enrol").click().run()
    assert not at.exception
    shown = [e.value for e in at.success]
    assert shown and all(IMAGE not in value for value in shown)  # never the raw Markdown
    assert any(ui.esc(IMAGE) in value for value in shown)  # escaped: shown as typed


def test_a_staff_name_is_not_markdown_on_the_users_page(world, db):
    at = app(world.admin, db, page="pages/admin_users.py")
    at.text_input(key="username").input("dr.image")
    at.text_input(key="display_name").input(IMAGE)
    at.button(key="add").click().run()
    assert not at.exception
    shown = [e.value for e in at.success]
    assert shown and all(IMAGE not in value for value in shown)
