"""The access rules of docs/architecture.md ("Access: who sees what") as a table:
role × relation × permission."""

import pytest

from companion import access
from companion.access import Permission, Relation
from companion.people import account_admin

ALL = set(Permission)
# what each relation may do (pain/mood for a linked parent only when the teen shares)
EXPECTED = {
    Relation.OWN: {
        Permission.VIEW_FUNCTION,
        Permission.VIEW_PAIN,
        Permission.VIEW_MOOD,
        Permission.VIEW_NOTES,
        Permission.WRITE_CHECKIN,
        Permission.VIEW_PLAN,
        Permission.UPDATE_GOALS,
        Permission.WRITE_SCHOOL_NOTE,
        Permission.VIEW_SCHOOL_NOTES,
        Permission.VIEW_SHARED_SCHOOL_NOTE,
    },
    # a linked parent reads the school note only while the teen shares one (none here)
    Relation.LINKED: {Permission.VIEW_FUNCTION, Permission.VIEW_PLAN},
    Relation.CARE_TEAM: ALL - {Permission.WRITE_CHECKIN, Permission.WRITE_SCHOOL_NOTE},
    Relation.NONE: set(),
}


def cases(world):
    t0, t1 = world.teens[0], world.teens[1]
    return [
        (world.teen_users[0], t0, Relation.OWN),
        (world.teen_users[1], t0, Relation.NONE),  # another teen
        (world.parent_a, t0, Relation.LINKED),
        (world.parent_b, t0, Relation.NONE),  # another family's parent
        (world.clinician_a, t0, Relation.CARE_TEAM),
        (world.clinician_b, t0, Relation.NONE),  # another care team
        (world.clinician_b, t1, Relation.CARE_TEAM),
        (world.admin, t0, Relation.NONE),  # admins run the programme, not the records
        (None, t0, Relation.NONE),  # signed out
    ]


def test_every_role_and_relation_gets_exactly_its_permissions(world, db):
    checked = 0
    for user, patient, relation in cases(world):
        assert access.relation(db, user, patient) is relation
        for permission in Permission:
            allowed = permission in EXPECTED[relation]
            assert access.can(db, user, permission, patient) is allowed, (user, permission)
            if allowed:
                assert access.require(db, user, permission, patient.id) == patient
            else:
                with pytest.raises(access.AccessDenied):
                    access.require(db, user, permission, patient.id)
            checked += 1
    assert checked == len(cases(world)) * len(Permission)


def test_a_deactivated_account_loses_every_permission(world, db):
    account_admin.set_active(db, world.admin, world.parent_a.id, False)
    from companion.auth import accounts

    parent = accounts.get_user(db, world.parent_a.id)
    assert not any(access.can(db, parent, p, world.teens[0]) for p in Permission)
    assert access.visible_patients(db, parent) == []


def test_missing_and_forbidden_patients_look_the_same(world, db):
    with pytest.raises(access.AccessDenied) as missing:
        access.require(db, world.clinician_a, Permission.VIEW_FUNCTION, 99999)
    with pytest.raises(access.AccessDenied) as forbidden:
        access.require(db, world.clinician_b, Permission.VIEW_FUNCTION, world.teens[0].id)
    assert str(missing.value) == str(forbidden.value)
    with pytest.raises(access.AccessDenied):
        access.require(db, world.clinician_a, Permission.VIEW_FUNCTION, "1")  # type: ignore


def test_visible_patients_per_role(world, db):
    ids = lambda users: sorted(p.id for p in users)  # noqa: E731
    t = [p.id for p in world.teens]
    assert ids(access.visible_patients(db, world.teen_users[0])) == [t[0]]
    assert ids(access.visible_patients(db, world.parent_a)) == [t[0]]
    assert ids(access.visible_patients(db, world.clinician_a)) == sorted([t[0], t[1], t[2]])
    assert ids(access.visible_patients(db, world.clinician_b)) == sorted([t[1], t[3]])
    assert access.visible_patients(db, world.admin) == []
    assert access.visible_patients(db, None) == []


def test_clinician_reads_are_audited(world, db):
    from companion import audit

    access.require(db, world.clinician_a, Permission.VIEW_NOTES, world.teens[0].id, audit_view=True)
    entry = audit.list_entries(db, limit=1)[0]
    assert entry["actor"] == "dr.rivera"
    assert entry["action"] == "view:view_notes"
    assert entry["patient_id"] == world.teens[0].id


def test_who_manages_whose_account(world, db):
    m = lambda actor, target: access.can_manage_account(db, actor, target)  # noqa: E731
    assert m(world.admin, world.clinician_a)
    assert m(world.admin, world.teen_users[3])
    assert not m(world.admin, world.admin)
    assert m(world.clinician_a, world.teen_users[0])
    assert m(world.clinician_a, world.parent_a)
    assert not m(world.clinician_a, world.teen_users[3])
    assert not m(world.clinician_b, world.parent_a)
    assert not m(world.clinician_a, world.clinician_b)
    assert not m(world.teen_users[0], world.parent_a)
    assert not m(world.parent_a, world.teen_users[0])


def test_parents_see_pain_or_mood_only_when_the_teen_shares_it(world, db):
    teen, parent = world.teens[0], world.parent_a
    assert access.sharing(db, teen) == {"pain": False, "mood": False}
    assert not access.can(db, parent, Permission.VIEW_PAIN, teen)
    access.set_sharing(db, world.teen_users[0], teen.id, pain=False, mood=True)
    assert access.can(db, parent, Permission.VIEW_MOOD, teen)
    assert not access.can(db, parent, Permission.VIEW_PAIN, teen)
    assert not access.can(db, world.parent_b, Permission.VIEW_MOOD, teen)
    assert not access.can(db, parent, Permission.VIEW_NOTES, teen)  # notes: never
    assert "not your pain" in access.who_reads_checkins(db, teen)
    assert "your mood, because you share it" in access.who_reads_checkins(db, teen)


def test_only_the_teen_changes_sharing(world, db):
    for other in (world.parent_a, world.clinician_a, world.admin, world.teen_users[1]):
        with pytest.raises(access.AccessDenied):
            access.set_sharing(db, other, world.teens[0].id, pain=True, mood=True)


def test_a_programme_may_change_the_sharing_default(world, db):
    from companion import programme

    programme.save_settings(db, {"share_pain_default": True}, actor=world.admin)
    assert access.sharing(db, world.teens[0]) == {"pain": True, "mood": False}
    access.set_sharing(db, world.teen_users[0], world.teens[0].id, pain=False, mood=False)
    assert access.sharing(db, world.teens[0]) == {"pain": False, "mood": False}


def test_the_audit_log_filters_by_user_patient_and_date(world, db):
    from companion import audit

    access.require(db, world.clinician_a, Permission.VIEW_NOTES, world.teens[0].id, audit_view=True)
    access.require(db, world.clinician_b, Permission.VIEW_NOTES, world.teens[1].id, audit_view=True)
    mine = audit.list_entries(db, actor="dr.rivera", patient_id=world.teens[0].id)
    actions = [e["action"] for e in mine]
    assert actions[0] == "view:view_notes" and "enrol" in actions  # newest first
    assert audit.list_entries(db, actor="pt.okafor", patient_id=world.teens[0].id) == []
    assert audit.list_entries(db, since="2999-01-01") == []
    assert len(audit.list_entries(db, until="2999-01-01")) == len(
        audit.list_entries(db, limit=10**6)
    )


# --- issue 13, finding 2: a page drawn before a revocation holds a stale User -----------------


def test_a_user_object_from_before_a_deactivation_is_refused_now(world, db):
    """Callbacks keep the User from when the page was drawn (active=True); the access module
    re-reads the account at the moment it is asked."""
    from companion.errors import AccessDenied

    stale = world.clinician_a  # read while active
    teen = world.teens[0]
    assert access.require(db, stale, Permission.EDIT_PLAN, teen.id)
    account_admin.set_active(db, world.admin, stale.id, False)
    assert stale.active  # the page's copy still says active
    assert access.relation(db, stale, teen) is Relation.NONE
    with pytest.raises(AccessDenied):
        access.require(db, stale, Permission.VIEW_NOTES, teen.id)
    assert access.visible_patients(db, stale) == []
    assert not access.can_manage_account(db, stale, world.teen_users[0])


def test_a_user_from_a_signed_out_session_is_refused_now(world, db):
    """Sign-out in another tab revokes the session; a User looked up through that session
    is refused by the very next check, the deferred downloads' included."""
    from datetime import timedelta

    from companion.auth import sessions
    from companion.care import visits
    from companion.errors import AccessDenied
    from companion.insight import progress

    teen = world.teens[0]
    token = sessions.create(db, world.clinician_a)
    user = sessions.user_for_token(db, token)
    today = teen.discharged_on + timedelta(days=20)
    assert visits.daily_csv(db, user, teen.id, start=teen.discharged_on, end=today)
    sessions.revoke(db, token)
    with pytest.raises(AccessDenied):
        visits.daily_csv(db, user, teen.id, start=teen.discharged_on, end=today)
    p = progress.load(
        db, teen, start=teen.discharged_on, end=today, today=today, pain=True, mood=True
    )
    with pytest.raises(AccessDenied):
        visits.followup_report(db, user, teen.id, p, programme_name="P", today=today)
    # the same person's other session is unaffected
    other = sessions.user_for_token(db, sessions.create(db, world.clinician_a))
    assert visits.daily_csv(db, other, teen.id, start=teen.discharged_on, end=today)


def test_the_own_data_download_rechecks_when_clicked(world, db, db_path):
    """The deferred download on My account (``ui.deferred_download``): generated only while
    the session that drew the button is live."""
    from companion import ui
    from companion.auth import sessions
    from companion.errors import AccessDenied
    from companion.people import data_rights

    token = sessions.create(db, world.parent_a)
    user = sessions.user_for_token(db, token)
    download = ui.deferred_download(
        user, lambda d, me: data_rights.export_zip(d, me, today=world.teens[0].discharged_on)
    )
    assert download()[:2] == b"PK"
    sessions.revoke(db, token)
    with pytest.raises(AccessDenied):
        download()
    # a deactivation is noticed too, for a user not looked up through a session
    account_admin.set_active(db, world.admin, world.parent_a.id, False)
    with pytest.raises(AccessDenied):
        data_rights.export_zip(db, world.parent_a, today=world.teens[0].discharged_on)


def _fdi_rows(db, teen):
    return db.execute(
        "SELECT COUNT(*) FROM questionnaire_responses WHERE patient_id = ?", [teen.id]
    ).fetchone()[0]


@pytest.mark.parametrize("how", ["deactivated", "signed out elsewhere"])
def test_a_button_on_an_open_page_is_refused_after_revocation(world, db, how):
    """The page is open; then the account is deactivated or the session revoked; the click
    that follows writes nothing and says why."""
    from companion import ui
    from companion.auth import sessions
    from tests.apptest import app, texts

    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    at.number_input(key="fdi_total").set_value(22)
    before = _fdi_rows(db, teen)
    if how == "deactivated":
        account_admin.set_active(db, world.admin, world.clinician_a.id, False)
    else:
        sessions.revoke(db, at.session_state[ui.TOKEN_KEY])
    at.button(key="record_fdi").click().run()
    assert not at.exception
    assert _fdi_rows(db, teen) == before  # nothing written
    page = texts(at)
    assert ui.SIGNED_OUT in page
    assert teen.display_name not in page
