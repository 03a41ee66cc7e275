from datetime import timedelta

import pytest

from companion import db as dbmod
from companion.auth import accounts, sessions, throttle
from companion.errors import AccessDenied, InvalidInput, SignInFailed
from companion.identity import Role
from companion.people import account_admin

GOOD = "purple-otter-rides-bikes"
NEW = "violet-canoe-hums-softly"


def make(db, username="maya", role=Role.TEEN, password=GOOD):
    return accounts.create_user(
        db, username=username, role=role, display_name="Maya", password=password
    )


@pytest.mark.parametrize(
    "name", ["", "ab", "Has Space", "émile", "-dash", "x" * 33, "a/b", "<b>x</b>"]
)
def test_odd_usernames_are_refused_and_nothing_is_written(db, name):
    with pytest.raises(InvalidInput) as refused:
        make(db, username=name)
    assert refused.value.field == "username"
    assert accounts.list_users(db) == []


def test_usernames_are_unique_ignoring_case(db):
    make(db, username="maya")
    with pytest.raises(InvalidInput, match="taken"):
        make(db, username="MAYA")


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "a\x07b", "two\nlines"])
def test_bad_display_names_are_refused(db, name):
    with pytest.raises(InvalidInput) as refused:
        accounts.create_user(db, username="maya", role=Role.TEEN, display_name=name, password=GOOD)
    assert refused.value.field == "display_name"
    assert accounts.list_users(db) == []


def test_sign_in_with_the_right_password_opens_a_session(db):
    user = make(db)
    signed_in, token = accounts.sign_in(db, "Maya ", GOOD)
    assert signed_in == user
    assert sessions.user_for_token(db, token) == user


def test_unknown_user_and_wrong_password_fail_the_same_way(db):
    make(db)
    with pytest.raises(SignInFailed) as unknown:
        accounts.authenticate(db, "nobody", GOOD)
    with pytest.raises(SignInFailed) as wrong:
        accounts.authenticate(db, "maya", "wrong-password-here")
    assert str(unknown.value) == str(wrong.value)
    assert "username" in SignInFailed.message and "password" in SignInFailed.message


def test_five_wrong_passwords_make_the_next_try_wait_then_the_right_one_works(db):
    make(db)
    start = dbmod.now()
    for i in range(4):
        with pytest.raises(SignInFailed) as refused:
            accounts.authenticate(db, "maya", f"wrong-{i}", at=start)
        assert not isinstance(refused.value, throttle.Throttled)
    with pytest.raises(throttle.Throttled) as fifth:  # checked, wrong, and now a wait
        accounts.authenticate(db, "maya", "wrong-4", at=start)
    assert fifth.value.checked and fifth.value.seconds == 1
    with pytest.raises(throttle.Throttled) as paused:  # during the wait: even the right one
        accounts.authenticate(db, "maya", GOOD, at=start + timedelta(milliseconds=500))
    assert not paused.value.checked and paused.value.seconds == 1
    assert accounts.is_locked(db, accounts.find_user_by_username(db, "maya").id, at=start) is False
    assert accounts.authenticate(db, "maya", GOOD, at=start + timedelta(seconds=1))


def test_each_further_failure_doubles_the_wait_up_to_a_minute(db):
    make(db)
    at = dbmod.now()
    waits = []
    for i in range(12):
        try:
            accounts.authenticate(db, "maya", f"wrong-{i}", at=at)
        except throttle.Throttled as paused:
            assert paused.checked
            waits.append(paused.seconds)
            at += timedelta(seconds=paused.seconds)
        except SignInFailed:
            waits.append(0)
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_an_unknown_username_is_throttled_the_same_way(db):
    make(db)
    at = dbmod.now()
    shapes = {}
    for name in ("maya", "nobody"):
        seen = []
        for i in range(6):
            try:
                accounts.authenticate(db, name, f"wrong-{i}", at=at + timedelta(seconds=i))
            except throttle.Throttled as paused:
                seen.append(("wait", paused.seconds, paused.checked))
            except SignInFailed:
                seen.append(("failed",))
        shapes[name] = seen
    assert shapes["maya"] == shapes["nobody"]
    assert shapes["maya"][-1] == ("wait", 2, True)


def test_a_success_resets_the_failure_count(db):
    make(db)
    for i in range(4):
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, "maya", f"wrong-{i}")
    accounts.authenticate(db, "maya", GOOD)
    for i in range(4):
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, "maya", f"wrong-{i}")
    assert accounts.authenticate(db, "maya", GOOD)


def test_a_deactivated_account_cannot_sign_in_and_loses_its_sessions(db):
    admin = make(db, username="admin", role=Role.ADMIN)
    user = make(db, username="maya")
    _, token = accounts.sign_in(db, "maya", GOOD)
    account_admin.set_active(db, admin, user.id, False)
    assert sessions.user_for_token(db, token) is None
    with pytest.raises(SignInFailed):
        accounts.authenticate(db, "maya", GOOD)
    account_admin.set_active(db, admin, user.id, True)
    assert accounts.authenticate(db, "maya", GOOD)
    assert sessions.user_for_token(db, token) is None  # old sessions stay ended


def test_only_admins_deactivate_and_never_themselves(db):
    admin = make(db, username="admin", role=Role.ADMIN)
    teen = make(db, username="maya")
    with pytest.raises(AccessDenied):
        account_admin.set_active(db, teen, admin.id, False)
    with pytest.raises(InvalidInput):
        account_admin.set_active(db, admin, admin.id, False)


def test_changing_password_needs_the_current_one_and_ends_every_session(db):
    user = make(db)
    _, phone = accounts.sign_in(db, "maya", GOOD)
    _, laptop = accounts.sign_in(db, "maya", GOOD)
    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(db, user, "not-it", NEW)
    assert refused.value.field == "current_password"
    with pytest.raises(InvalidInput) as weak:
        accounts.change_password(db, user, GOOD, "password123456")
    assert weak.value.field == "password"
    assert sessions.user_for_token(db, phone) == user  # failed attempts change nothing
    accounts.change_password(db, user, GOOD, NEW)
    assert sessions.user_for_token(db, phone) is None
    assert sessions.user_for_token(db, laptop) is None
    with pytest.raises(SignInFailed):
        accounts.authenticate(db, "maya", GOOD)
    assert accounts.authenticate(db, "maya", NEW)


# --- codes --------------------------------------------------------------------------------


def test_codes_are_stored_hashed_and_work_once(db):
    teen = accounts.create_user(db, username="maya", role=Role.TEEN, display_name="Maya")
    code = accounts.issue_code(db, "activate", actor=None, user_id=teen.id)
    raw = code.replace("-", "")
    assert len(raw) == 12 and set(raw) <= set(accounts.CODE_ALPHABET)
    dump = "\n".join(db.iterdump())
    assert raw not in dump and code not in dump
    with pytest.raises(SignInFailed):  # no password yet
        accounts.authenticate(db, "maya", GOOD)
    assert accounts.describe_code(db, code.lower()) == {"purpose": "activate", "username": "maya"}
    accounts.redeem_password_code(db, code.lower().replace("-", " "), GOOD)
    assert accounts.authenticate(db, "maya", GOOD)
    with pytest.raises(InvalidInput, match="used already"):
        accounts.redeem_password_code(db, code, NEW)


def test_codes_expire_after_seven_days(db):
    teen = accounts.create_user(db, username="maya", role=Role.TEEN, display_name="Maya")
    issued = dbmod.now() - timedelta(days=7, seconds=1)
    code = accounts.issue_code(db, "activate", actor=None, user_id=teen.id, at=issued)
    with pytest.raises(InvalidInput) as refused:
        accounts.redeem_password_code(db, code, GOOD)
    assert refused.value.field == "code"
    fresh = accounts.issue_code(
        db, "activate", actor=None, user_id=teen.id, at=dbmod.now() - timedelta(days=6, hours=23)
    )
    accounts.redeem_password_code(db, fresh, GOOD)


def test_a_new_code_replaces_an_unused_one(db):
    teen = accounts.create_user(db, username="maya", role=Role.TEEN, display_name="Maya")
    first = accounts.issue_code(db, "activate", actor=None, user_id=teen.id)
    second = accounts.issue_code(db, "activate", actor=None, user_id=teen.id)
    with pytest.raises(InvalidInput):
        accounts.describe_code(db, first)
    assert accounts.describe_code(db, second)["username"] == "maya"


def test_a_weak_password_with_a_good_code_keeps_the_code_unused(db):
    teen = accounts.create_user(db, username="maya", role=Role.TEEN, display_name="Maya")
    code = accounts.issue_code(db, "activate", actor=None, user_id=teen.id)
    with pytest.raises(InvalidInput):
        accounts.redeem_password_code(db, code, "password123456")
    accounts.redeem_password_code(db, code, GOOD)


@pytest.mark.parametrize("code", ["", "   ", "ABCD-EFGH-JKMN", "x" * 500])
def test_wrong_codes_are_refused(db, code):
    with pytest.raises(InvalidInput) as refused:
        accounts.describe_code(db, code)
    assert refused.value.field == "code"


def test_a_parent_registers_with_a_family_code_and_is_linked(world, db):
    teen = world.teens[2]
    code = account_admin.issue_family_code(db, world.clinician_a, teen.id)
    parent = accounts.register_parent(
        db, code, username="grace.p", display_name="Grace", password=GOOD
    )
    assert parent.role is Role.PARENT
    from companion import access

    assert [p.id for p in access.visible_patients(db, parent)] == [teen.id]
    with pytest.raises(InvalidInput):
        accounts.register_parent(db, code, username="other.p", display_name="O", password=NEW)
    assert accounts.find_user_by_username(db, "other.p") is None


def test_a_failed_registration_leaves_the_family_code_usable(world, db):
    code = account_admin.issue_family_code(db, world.clinician_a, world.teens[2].id)
    with pytest.raises(InvalidInput):
        accounts.register_parent(
            db, code, username="rosa.parent", display_name="Dup", password=GOOD
        )
    accounts.register_parent(db, code, username="new.parent", display_name="New", password=GOOD)


def test_family_codes_come_only_from_the_care_team(world, db):
    with pytest.raises(AccessDenied):
        account_admin.issue_family_code(db, world.clinician_b, world.teens[0].id)
    with pytest.raises(AccessDenied):
        account_admin.issue_family_code(db, world.parent_a, world.teens[0].id)
    with pytest.raises(AccessDenied):
        account_admin.issue_family_code(db, world.admin, world.teens[0].id)


def test_reset_codes_from_the_care_team_or_an_admin_only(world, db):
    teen = world.teen_users[0]
    with pytest.raises(AccessDenied):
        account_admin.issue_reset_code(db, world.clinician_b, teen.id)  # not on the care team
    with pytest.raises(AccessDenied):
        account_admin.issue_reset_code(db, world.clinician_a, world.clinician_b.id)  # staff
    with pytest.raises(AccessDenied):
        account_admin.issue_reset_code(db, world.parent_a, teen.id)
    code = account_admin.issue_reset_code(db, world.clinician_a, world.parent_a.id)
    accounts.redeem_password_code(db, code, NEW)
    assert accounts.authenticate(db, "rosa.parent", NEW)
    staff_code = account_admin.issue_reset_code(db, world.admin, world.clinician_b.id)
    assert accounts.describe_code(db, staff_code) == {"purpose": "reset", "username": "pt.okafor"}
    rows = [
        (r["action"], r["detail"])
        for r in db.query(
            "SELECT action, detail FROM audit_log WHERE action IN (?, ?)",
            ["issue_code:reset", "code_for:reset"],
        )
    ]
    assert rows == [  # one row per code, naming whose code it is
        ("issue_code:reset", "parent rosa.parent"),
        ("issue_code:reset", "clinician pt.okafor"),
    ]


FIRST_RUN = dict(
    programme_name="Pain Programme",
    crisis_line="988",
    emergency_number="911",
    help_text="",
    timezone="America/Chicago",
    admin_username="admin",
    admin_display_name="Admin",
    admin_password=GOOD,
)


def test_first_run_happens_once(db):
    kwargs = FIRST_RUN
    account_admin.first_run(db, **kwargs)
    with pytest.raises(InvalidInput, match="already set up"):
        account_admin.first_run(db, **{**kwargs, "admin_username": "admin2"})
    assert [u["username"] for u in accounts.list_users(db)] == ["admin"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"programme_name": ""}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"admin_password": "password123456"}, "password"),
        ({"crisis_line": ""}, "crisis_line"),
    ],
)
def test_first_run_validates_before_writing(db, change, field):
    kwargs = FIRST_RUN
    with pytest.raises(InvalidInput) as refused:
        account_admin.first_run(db, **{**kwargs, **change})
    assert refused.value.field == field
    assert accounts.list_users(db) == []
    from companion import programme

    assert not programme.is_set_up(db)


def test_care_teams_are_changed_by_the_team_not_an_admin(world, db):
    from companion.people import patients

    teen = world.teens[0]  # clinician A only
    with pytest.raises(AccessDenied):
        account_admin.add_to_care_team(db, world.clinician_b, teen.id, world.clinician_b.id)
    with pytest.raises(AccessDenied):
        account_admin.add_to_care_team(db, world.parent_a, teen.id, world.clinician_b.id)
    account_admin.add_to_care_team(db, world.clinician_a, teen.id, world.clinician_b.id)
    assert patients.is_on_care_team(db, world.clinician_b.id, teen.id)
    with pytest.raises(AccessDenied):  # an admin adds only to a team with nobody left on it
        account_admin.add_to_care_team(db, world.admin, teen.id, world.parent_a.id)
    with pytest.raises(InvalidInput):
        account_admin.add_to_care_team(db, world.clinician_a, teen.id, world.parent_a.id)
    with pytest.raises(AccessDenied):  # nor changes a working team
        account_admin.remove_from_care_team(db, world.admin, teen.id, world.clinician_a.id)
    account_admin.remove_from_care_team(db, world.clinician_b, teen.id, world.clinician_a.id)
    assert [m["username"] for m in patients.care_team(db, teen.id)] == ["pt.okafor"]
    with pytest.raises(InvalidInput, match="at least one clinician"):
        account_admin.remove_from_care_team(db, world.clinician_b, teen.id, world.clinician_b.id)
    with pytest.raises(InvalidInput):
        account_admin.add_to_care_team(db, world.clinician_b, teen.id, None)
