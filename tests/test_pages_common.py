"""AppTest through the real app.py: first run, sign-in per role, role navigation, help now."""

from __future__ import annotations

import pytest

from companion import programme
from companion.auth import accounts
from companion.identity import Role
from companion.ui import navigation
from tests.apptest import app, texts

HOME_TITLE = {
    Role.TEEN: "Hi Maya",
    Role.PARENT: "Overview",
    Role.CLINICIAN: "My patients",
    Role.ADMIN: "Users",
}


def fill(at, values: dict) -> None:
    for key, value in values.items():
        at.text_input(key=key).input(value)


def test_first_run_shows_setup_and_creates_programme_and_admin(db):
    at = app()
    assert at.title[0].value == "Welcome to the IIPT Companion"
    assert not at.exception
    fill(
        at,
        {
            "name": "Hillside Pain Rehab",
            "username": "boss",
            "display_name": "Pat",
            "password": "violet-canoe-hums-softly",
            "password_again": "violet-canoe-hums-softly",
        },
    )
    at.selectbox(key="timezone").set_value("America/Chicago")
    at.button(key="setup_create").click().run()
    assert not at.exception
    assert "Your programme is ready" in texts(at)
    settings = programme.get_settings(db)
    assert settings["name"] == "Hillside Pain Rehab"
    assert settings["crisis_line"] == "988" and settings["emergency_number"] == "911"
    assert settings["timezone"] == "America/Chicago"
    assert accounts.authenticate(db, "boss", "violet-canoe-hums-softly").role is Role.ADMIN
    assert app().header[0].value.startswith("Hillside")  # now the sign-in page


def test_setup_errors_stand_by_their_field_and_write_nothing(db):
    at = app()
    fill(
        at,
        {
            "name": "Hillside",
            "username": "boss",
            "display_name": "Pat",
            "password": "password123456",
            "password_again": "password123456",
        },
    )
    at.button(key="setup_create").click().run()
    assert "commonly used password" in " ".join(e.value for e in at.error)
    assert accounts.list_users(db) == []
    fill(at, {"password": "violet-canoe-hums-softly", "password_again": "violet-canoe-hums-soft"})
    at.button(key="setup_create").click().run()
    assert [e.value for e in at.error] == ["The two passwords are different. Please type it again."]
    assert not programme.is_set_up(db)


def test_use_this_fills_the_suggested_passphrase(db):
    at = app()
    at.button(key="use_passphrase").click().run()
    phrase = at.session_state["suggested_passphrase"]
    assert at.text_input(key="password").value == phrase
    assert at.text_input(key="password_again").value == phrase


def test_explore_with_demo_data_shows_the_accounts(db):
    at = app()
    at.button(key="setup_demo").click().run()
    assert not at.exception
    shown = at.table[0].value
    assert set(shown["role"]) == {"admin", "clinician", "teen", "parent"}
    assert len(shown) == 9
    row = shown[shown["username"] == "maya"].iloc[0]
    assert accounts.authenticate(db, "maya", row["password"]).role is Role.TEEN


def test_no_demo_data_unless_asked(db):
    app()
    assert accounts.list_users(db) == []


@pytest.mark.parametrize("role", list(Role))
def test_sign_in_lands_each_role_on_its_home(world, db, role):
    user = {
        Role.TEEN: world.teen_users[0],
        Role.PARENT: world.parent_a,
        Role.CLINICIAN: world.clinician_a,
        Role.ADMIN: world.admin,
    }[role]
    at = app(user, db)
    assert not at.exception
    assert at.title[0].value == HOME_TITLE[role]


def test_a_wrong_password_shows_one_plain_sentence(world, db):
    at = app(signin="failed")
    assert [e.value for e in at.error] == [accounts.SignInFailed.message]


def test_signed_out_visitors_reach_only_sign_in_code_help_and_the_public_library(world, db):
    allowed = {"pages/signin.py", "pages/redeem.py", "pages/help.py", "pages/learn.py"}
    assert {p.path for p in navigation.pages_for(navigation.SIGNED_OUT, set_up=True)} == allowed
    for spec in navigation.PAGES:
        at = app()
        if spec.path in allowed:
            at.switch_page(spec.path)
            at.run()
            assert not at.exception
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(spec.path)


def test_before_first_run_only_setup_and_help_exist(db):
    assert {p.path for p in navigation.pages_for(navigation.SIGNED_OUT, set_up=False)} == {
        "pages/setup.py",
        "pages/help.py",
    }


def visitor(world, who: str):
    """One user per role (None: signed out)."""
    return {
        "signed_out": None,
        "teen": world.teen_users[0],
        "parent": world.parent_a,
        "clinician": world.clinician_a,
        "admin": world.admin,
    }[who]


@pytest.mark.parametrize("who", ["signed_out", "teen", "parent", "clinician", "admin"])
def test_help_now_is_in_the_sidebar_for_every_role(world, db, who):
    # AppTest drops sidebar elements on a second run, so this checks each role's first page;
    # the browser tests walk every page of every role in a real sidebar.
    user = visitor(world, who)
    at = app(user, db)
    sidebar = " ".join(e.value for e in [*at.sidebar.text, *at.sidebar.markdown])
    assert "Call or text 988 any time." in sidebar
    assert "In an emergency, call 911." in sidebar
    assert "isn't watched in real time" in sidebar
    assert not at.exception


def test_a_deactivated_user_is_signed_out_on_the_next_run(world, db):
    at = app(world.parent_a, db)
    assert at.title[0].value == "Overview"
    from companion.people import account_admin

    assert "Maya" in texts(at)
    account_admin.set_active(db, world.admin, world.parent_a.id, False)
    at.run()  # (AppTest reruns only the page; a browser would land on sign-in)
    assert [i.value for i in at.info] == ["This isn't available to you."]
    assert "Maya" not in texts(at)
    assert app(world.parent_a, db).header[0].value.startswith("Demo")  # a new visit: sign-in


def test_admin_edits_programme_settings_including_flag_thresholds(world, db):
    at = app(world.admin, db, page="pages/admin_settings.py")
    at.text_input(key="name").input("Hillside Pain Rehab")
    at.number_input(key="flag_no_checkin_days").set_value(7)
    at.button(key="save").click().run()
    assert not at.exception
    settings = programme.get_settings(db)
    assert settings["name"] == "Hillside Pain Rehab" and settings["flag_no_checkin_days"] == 7
    assert programme.flag_thresholds(settings)["no_checkin_days"] == 7
    labels = [n.label for n in at.number_input]
    assert "Flag when the FDI total rises by this many points" in labels
    page = texts(at)
    assert "Fdi" not in page and ".md" not in page, "labels in words, no doc references"
    at.text_input(key="name").input("")
    at.button(key="save").click().run()
    assert [e.value for e in at.error] == ["This can't be empty."]
    assert programme.get_settings(db)["name"] == "Hillside Pain Rehab"


def test_an_admin_changes_a_care_team_only_when_nobody_active_is_left_on_it(world, db):
    """Issue 13, finding 5: clinicians on a care team change it; an admin only adds someone
    to a care team whose clinicians are all deactivated (and never removes)."""
    from companion.people import account_admin, patients

    teen = world.teens[0]  # clinician A alone
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="team_teen").set_value(world.teen_users[0].id).run()
    assert not [b for b in at.button if b.key in ("add_team", "remove_team")]
    account_admin.set_active(db, world.admin, world.clinician_a.id, False)
    at = app(world.admin, db, page="pages/admin_users.py")
    at.selectbox(key="team_teen").set_value(world.teen_users[0].id).run()
    at.selectbox(key="add_clinician").set_value(world.clinician_b.id)
    at.button(key="add_team").click().run()
    assert not at.exception
    assert patients.is_on_care_team(db, world.clinician_b.id, teen.id)
    assert not [b for b in at.button if b.key == "remove_team"]


def test_the_help_page_says_when_to_call_whom_with_the_programmes_numbers(world, db):
    programme.save_settings(
        db,
        {"crisis_line": "0800 111", "emergency_number": "112", "clinic_line": "Pain clinic 555"},
        actor=world.admin,
    )
    at = app(None, db, page="pages/help.py")
    page = texts(at)
    for words in (
        "Call 112 now if",
        "Call or text 0800 111 if",
        "Call your clinic if",
        "Your clinic: Pain clinic 555",
        "This app is not watched in real time",
    ):
        assert words in page.replace("\\", ""), words
    assert "988" not in page and "911" not in page
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert links == {
        "Call 112": "tel:112",
        "Call 0800 111": "tel:0800111",
        "Text 0800 111": "sms:0800111",
        "Call the clinic": "tel:555",
    }
    assert page.count("Your clinic:") == 1, "the clinic line once, in its own section"
