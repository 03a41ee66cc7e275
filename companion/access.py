"""THE authorization module: who may read or write what, for whom (docs/architecture.md,
"Access: who sees what").

Pages never decide on their own: they ask ``require`` for the patient they want to show and
get a ``Patient`` back or ``AccessDenied``. Admins run the programme; they do not read
clinical records.
"""

from __future__ import annotations

from enum import StrEnum

from sqlite_utils import Database

from companion import audit
from companion.auth import sessions
from companion.db import is_row_id, stamp, transaction
from companion.errors import AccessDenied, InvalidInput
from companion.identity import Role, User
from companion.people import patients
from companion.people.patients import Patient


class Relation(StrEnum):
    OWN = "own"  # the teen themself
    LINKED = "linked"  # a parent linked through a family code
    CARE_TEAM = "care_team"  # a clinician on the teen's care team
    NONE = "none"


class Permission(StrEnum):
    VIEW_FUNCTION = "view_function"  # check-ins: school, activity, sleep, exercise, coping, goals
    VIEW_PAIN = "view_pain"  # pain and questionnaire scores
    VIEW_MOOD = "view_mood"
    VIEW_NOTES = "view_notes"  # free-text notes and questions for the care team
    WRITE_CHECKIN = "write_checkin"
    VIEW_PLAN = "view_plan"
    EDIT_PLAN = "edit_plan"
    UPDATE_GOALS = "update_goals"
    MANAGE_FAMILY = "manage_family"  # family codes and the teen's password resets
    RECORD_VISIT = "record_visit"  # follow-up visits and the measures taken there (FDI totals)
    EDIT_POPULATION = "edit_population"  # treatment and population fields for outcomes
    WRITE_SCHOOL_NOTE = "write_school_note"  # build, keep and share the note for school
    VIEW_SCHOOL_NOTES = "view_school_notes"  # every note, and when each was shared
    VIEW_SHARED_SCHOOL_NOTE = "view_shared_school_note"  # a parent: only while it is shared


_RULES: dict[Permission, frozenset[Relation]] = {
    Permission.VIEW_FUNCTION: frozenset({Relation.OWN, Relation.LINKED, Relation.CARE_TEAM}),
    Permission.VIEW_PAIN: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.VIEW_MOOD: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.VIEW_NOTES: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.WRITE_CHECKIN: frozenset({Relation.OWN}),
    Permission.VIEW_PLAN: frozenset({Relation.OWN, Relation.LINKED, Relation.CARE_TEAM}),
    Permission.EDIT_PLAN: frozenset({Relation.CARE_TEAM}),
    Permission.UPDATE_GOALS: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.MANAGE_FAMILY: frozenset({Relation.CARE_TEAM}),
    Permission.RECORD_VISIT: frozenset({Relation.CARE_TEAM}),
    Permission.EDIT_POPULATION: frozenset({Relation.CARE_TEAM}),
    Permission.WRITE_SCHOOL_NOTE: frozenset({Relation.OWN}),
    Permission.VIEW_SCHOOL_NOTES: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.VIEW_SHARED_SCHOOL_NOTE: frozenset(
        {Relation.OWN, Relation.LINKED, Relation.CARE_TEAM}
    ),
}

DENIED = "This isn't available to you."


def relation(db: Database, user: User | None, patient: Patient) -> Relation:
    # re-read now: a page drawn before a deactivation or a sign-out still holds its User
    if user is None or not user.active or not sessions.still_valid(db, user):
        return Relation.NONE
    if user.role is Role.TEEN and patient.user_id == user.id:
        return Relation.OWN
    if user.role is Role.PARENT and patients.is_linked_parent(db, user.id, patient.id):
        return Relation.LINKED
    if user.role is Role.CLINICIAN and patients.is_on_care_team(db, user.id, patient.id):
        return Relation.CARE_TEAM
    return Relation.NONE


def sharing(db: Database, patient: Patient) -> dict[str, bool]:
    """What the teen shares with their parents: ``{"pain": bool, "mood": bool}``.

    Off unless the teen turns it on; a programme setting may change the default.
    """
    rows = list(
        db.query("SELECT pain_shared, mood_shared FROM sharing WHERE patient_id = ?", [patient.id])
    )
    if rows:
        return {"pain": bool(rows[0]["pain_shared"]), "mood": bool(rows[0]["mood_shared"])}
    defaults = {
        r["key"]: r["value"]
        for r in db.query(
            "SELECT key, value FROM programme_settings WHERE key IN"
            " ('share_pain_default', 'share_mood_default')"
        )
    }
    return {
        "pain": defaults.get("share_pain_default") == "true",
        "mood": defaults.get("share_mood_default") == "true",
    }


def set_sharing(db: Database, user: User | None, patient_id: int, *, pain: bool, mood: bool):
    """Only the teen decides what their parents see."""
    patient = require(db, user, Permission.WRITE_CHECKIN, patient_id)
    if not isinstance(pain, bool) or not isinstance(mood, bool):
        raise InvalidInput("sharing", "Please choose on or off.")
    with transaction(db):
        db.execute(
            "INSERT INTO sharing (patient_id, pain_shared, mood_shared, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(patient_id) DO UPDATE SET"
            " pain_shared = excluded.pain_shared, mood_shared = excluded.mood_shared,"
            " updated_at = excluded.updated_at",
            [patient.id, int(pain), int(mood), stamp()],
        )
        audit.record(
            db,
            user,
            "sharing",
            patient_id=patient.id,
            detail=f"pain={'on' if pain else 'off'} mood={'on' if mood else 'off'}",
        )


def can(db: Database, user: User | None, permission: Permission, patient: Patient) -> bool:
    rel = relation(db, user, patient)
    if permission in (Permission.VIEW_PAIN, Permission.VIEW_MOOD) and rel is Relation.LINKED:
        return sharing(db, patient)["pain" if permission is Permission.VIEW_PAIN else "mood"]
    if permission is Permission.VIEW_SHARED_SCHOOL_NOTE and rel is Relation.LINKED:
        return school_note_shared(db, patient)
    return rel in _RULES[permission]


def school_note_shared(db: Database, patient: Patient) -> bool:
    """Whether the teen shares a school note with their parents now."""
    return bool(
        db.execute(
            "SELECT 1 FROM school_notes WHERE patient_id = ? AND shared_at IS NOT NULL"
            " AND unshared_at IS NULL LIMIT 1",
            [patient.id],
        ).fetchone()
    )


def require(
    db: Database,
    user: User | None,
    permission: Permission,
    patient_id: int | None,
    *,
    audit_view: bool = False,
) -> Patient:
    """The patient record if ``user`` may do ``permission`` on it; AccessDenied otherwise.

    A missing patient and a forbidden one raise the same error, so ids reveal nothing.
    Clinician reads are written to the audit log when ``audit_view`` is set.
    """
    patient = patients.find_patient(db, patient_id) if is_row_id(patient_id) else None
    if patient is None or not can(db, user, permission, patient):
        raise AccessDenied(DENIED)
    if audit_view and user is not None and user.role is Role.CLINICIAN:
        audit.record(db, user, f"view:{permission.value}", patient_id=patient.id)
    return patient


def visible_patients(db: Database, user: User | None) -> list[Patient]:
    """The patients whose function data this user may see, for pickers and lists."""
    if user is None or not user.active or not sessions.still_valid(db, user):
        return []
    if user.role is Role.TEEN:
        own = patients.find_patient_for_user(db, user.id)
        return [own] if own else []
    if user.role is Role.PARENT:
        return patients.list_for_parent(db, user.id)
    if user.role is Role.CLINICIAN:
        return patients.list_for_clinician(db, user.id)
    return []


def can_manage_account(db: Database, actor: User | None, target: User) -> bool:
    """Who may issue a password-reset code, or (admins) deactivate an account.

    Admins manage every account but their own (an admin's reset of someone's password or
    two-step sign-in is shown to that person when they next sign in). A clinician manages
    the teens on their care team, and a parent only when every teen the parent is linked
    to is on that clinician's care team: a parent shared with another care team is reset by
    an admin, so a reset never opens another team's teen to this clinician.
    """
    if actor is None or not actor.active or actor.id == target.id:
        return False
    if not sessions.still_valid(db, actor):
        return False
    if actor.role is Role.ADMIN:
        return True
    if actor.role is not Role.CLINICIAN or target.role not in {Role.TEEN, Role.PARENT}:
        return False
    theirs = patients.patients_of_user(db, target.id)
    return bool(theirs) and all(patients.is_on_care_team(db, actor.id, pid) for pid in theirs)


def require_role(user: User | None, *roles: Role) -> User:
    if user is None or not user.active or user.role not in roles:
        raise AccessDenied(DENIED)
    return user


def require_live_role(db: Database, user: User | None, *roles: Role) -> User:
    """``require_role``, with the session and the account re-read from the database now."""
    require_role(user, *roles)
    if not sessions.still_valid(db, user):
        raise AccessDenied(DENIED)
    return user


def may_act_as(db: Database, user: User | None, *roles: Role) -> bool:
    """``require_live_role`` as a yes or no, for a page that only decides what to offer."""
    try:
        require_live_role(db, user, *roles)
    except AccessDenied:
        return False
    return True


def who_reads_checkins(db: Database, patient: Patient) -> str:
    """The one plain sentence shown where a teen writes (docs/architecture.md, "Access")."""
    parents = "Your parents see school, activity, exercises, coping and goals"
    shared = [what for what, on in sharing(db, patient).items() if on]
    hidden = [what for what, on in sharing(db, patient).items() if not on]
    if shared:
        parents += f", and your {' and '.join(shared)}, because you share it"
    if hidden:
        parents += f" — not your {' or '.join(hidden)}"
    return (
        f"Your care team can read everything you write here. {parents}. "
        "Notes and questions are only for you and your care team."
    )


OUTCOME_READERS = (Role.CLINICIAN, Role.ADMIN)


def require_outcomes_reader(db: Database, user: User | None) -> User:
    """De-identified programme outcomes (PRODUCT §3): clinicians and admins read them, for
    the whole programme; teens and parents never."""
    return require_live_role(db, user, *OUTCOME_READERS)
