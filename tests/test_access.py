"""The access rules of docs/architecture.md ("Access: who sees what") as a table:
role × relation × permission."""

import pytest

from companion import access, account_care
from companion.access import Permission, Relation

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
    },
    Relation.LINKED: {Permission.VIEW_FUNCTION, Permission.VIEW_PLAN},
    Relation.CARE_TEAM: ALL - {Permission.WRITE_CHECKIN},
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
    account_care.set_active(db, world.admin, world.parent_a.id, False)
    from companion import accounts

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
