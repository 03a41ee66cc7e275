"""THE authorization module: who may read or write what, for whom (PRODUCT.md §3).

Pages never decide on their own: they ask ``require`` for the patient they want to show and
get a ``Patient`` back or ``AccessDenied``. Admins run the programme; they do not read
clinical records.
"""

from __future__ import annotations

from enum import StrEnum

from sqlite_utils import Database

from . import audit, patients
from .errors import AccessDenied
from .identity import Role, User
from .patients import Patient


class Relation(StrEnum):
    OWN = "own"  # the teen themself
    LINKED = "linked"  # a parent linked through a family code
    CARE_TEAM = "care_team"  # a clinician on the teen's care team
    NONE = "none"


class Permission(StrEnum):
    VIEW_FUNCTION = "view_function"  # check-ins: school, activity, sleep, exercise, coping, goals
    VIEW_PAIN_MOOD = "view_pain_mood"  # pain, mood and questionnaire scores
    VIEW_NOTES = "view_notes"  # free-text notes and questions for the care team
    WRITE_CHECKIN = "write_checkin"
    VIEW_PLAN = "view_plan"
    EDIT_PLAN = "edit_plan"
    UPDATE_GOALS = "update_goals"
    MANAGE_FAMILY = "manage_family"  # family codes and the teen's password resets


_RULES: dict[Permission, frozenset[Relation]] = {
    Permission.VIEW_FUNCTION: frozenset({Relation.OWN, Relation.LINKED, Relation.CARE_TEAM}),
    Permission.VIEW_PAIN_MOOD: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.VIEW_NOTES: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.WRITE_CHECKIN: frozenset({Relation.OWN}),
    Permission.VIEW_PLAN: frozenset({Relation.OWN, Relation.LINKED, Relation.CARE_TEAM}),
    Permission.EDIT_PLAN: frozenset({Relation.CARE_TEAM}),
    Permission.UPDATE_GOALS: frozenset({Relation.OWN, Relation.CARE_TEAM}),
    Permission.MANAGE_FAMILY: frozenset({Relation.CARE_TEAM}),
}

DENIED = "This isn't available to you."


def relation(db: Database, user: User | None, patient: Patient) -> Relation:
    if user is None or not user.active:
        return Relation.NONE
    if user.role is Role.TEEN and patient.user_id == user.id:
        return Relation.OWN
    if user.role is Role.PARENT and patients.is_linked_parent(db, user.id, patient.id):
        return Relation.LINKED
    if user.role is Role.CLINICIAN and patients.is_on_care_team(db, user.id, patient.id):
        return Relation.CARE_TEAM
    return Relation.NONE


def shares_with_parents(db: Database, patient: Patient) -> bool:
    """Whether the teen shares pain and mood with their parents (off by default).

    The sharing settings arrive with the progress pages; until a teen turns sharing on,
    parents see function only.
    """
    if "sharing" not in db.table_names():
        return False
    rows = list(db.query("SELECT pain_shared FROM sharing WHERE patient_id = ?", [patient.id]))
    return bool(rows and rows[0]["pain_shared"])


def can(db: Database, user: User | None, permission: Permission, patient: Patient) -> bool:
    rel = relation(db, user, patient)
    if permission is Permission.VIEW_PAIN_MOOD and rel is Relation.LINKED:
        return shares_with_parents(db, patient)
    return rel in _RULES[permission]


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
    patient = patients.find_patient(db, patient_id) if isinstance(patient_id, int) else None
    if patient is None or not can(db, user, permission, patient):
        raise AccessDenied(DENIED)
    if audit_view and user is not None and user.role is Role.CLINICIAN:
        audit.record(db, user, f"view:{permission.value}", patient_id=patient.id)
    return patient


def visible_patients(db: Database, user: User | None) -> list[Patient]:
    """The patients whose function data this user may see, for pickers and lists."""
    if user is None or not user.active:
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

    Admins manage every account but their own; a clinician manages the teens on their care
    team and those teens' linked parents.
    """
    if actor is None or not actor.active or actor.id == target.id:
        return False
    if actor.role is Role.ADMIN:
        return True
    if actor.role is not Role.CLINICIAN or target.role not in {Role.TEEN, Role.PARENT}:
        return False
    return any(
        patients.is_on_care_team(db, actor.id, pid)
        for pid in patients.patients_of_user(db, target.id)
    )


def require_role(user: User | None, *roles: Role) -> User:
    if user is None or not user.active or user.role not in roles:
        raise AccessDenied(DENIED)
    return user


def who_reads_checkins(db: Database, patient: Patient) -> str:
    """The one plain sentence shown where a teen writes (PRODUCT.md §3)."""
    parents = "Your parents see school, activity, exercises, coping and goals"
    if shares_with_parents(db, patient):
        parents += ", and your pain and mood, because you share them"
    else:
        parents += " — not your pain or mood"
    return (
        f"Your care team can read everything you write here. {parents}. "
        "Notes and questions are only for you and your care team."
    )
