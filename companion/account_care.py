"""Looking after accounts: first run, staff accounts, reset codes, family codes, deactivation.

Each function asks ``access`` before it acts, so a page cannot skip the check.
"""

from __future__ import annotations

from sqlite_utils import Database

from . import access, accounts, audit, patients, programme
from .access import Permission
from .db import is_row_id, transaction
from .errors import AccessDenied, InvalidInput
from .identity import Role, User


def first_run(
    db: Database,
    *,
    programme_name: str,
    crisis_line: str,
    emergency_number: str,
    help_text: str,
    timezone: str,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
    clinic_line: str = "",
) -> User:
    """Create the programme and its first admin, once, on an empty database."""
    settings = programme.clean_settings(
        {
            "name": programme_name,
            "crisis_line": crisis_line,
            "emergency_number": emergency_number,
            "help_text": help_text,
            "clinic_line": clinic_line,
            "timezone": timezone,
        }
    )
    with transaction(db):
        if programme.is_set_up(db) or accounts.list_users(db):
            raise InvalidInput("name", "This programme is already set up. Please sign in.")
        admin = accounts.create_user(
            db,
            username=admin_username,
            role=Role.ADMIN,
            display_name=admin_display_name,
            password=admin_password,
        )
        programme.save_settings(db, settings, actor=admin)
    return admin


def create_staff(
    db: Database, actor: User, *, username: str, display_name: str, role: Role = Role.CLINICIAN
) -> tuple[User, str]:
    """An admin creates a clinician (or another admin); returns the account and its code."""
    access.require_role(actor, Role.ADMIN)
    if Role(role) not in {Role.CLINICIAN, Role.ADMIN}:
        raise InvalidInput("role", "Staff accounts are clinicians or admins.")
    with transaction(db):
        user = accounts.create_user(
            db, username=username, role=role, display_name=display_name, actor=actor
        )
        code = accounts.issue_code(db, "activate", actor=actor, user_id=user.id)
    return user, code


def issue_reset_code(db: Database, actor: User, target_id: int) -> str:
    target = accounts.get_user(db, target_id)
    if not access.can_manage_account(db, actor, target):
        raise AccessDenied(access.DENIED)
    purpose = "activate" if not _has_password(db, target_id) else "reset"
    return accounts.issue_code(db, purpose, actor=actor, user_id=target_id)


def _has_password(db: Database, user_id: int) -> bool:
    return any(r["has_password"] for r in accounts.list_users(db) if r["id"] == user_id)


def issue_family_code(db: Database, actor: User, patient_id: int) -> str:
    """A care-team clinician makes a code with which a parent registers and is linked."""
    patient = access.require(db, actor, Permission.MANAGE_FAMILY, patient_id)
    return accounts.issue_code(db, "link_parent", actor=actor, patient_id=patient.id)


def set_active(db: Database, actor: User, target_id: int, active: bool) -> None:
    access.require_role(actor, Role.ADMIN)
    accounts.set_active(db, target_id, active, actor=actor)


def _may_manage_care_team(db: Database, actor: User, patient_id: int) -> None:
    if actor is not None and actor.active and actor.role is Role.ADMIN:
        return
    access.require(db, actor, Permission.EDIT_PLAN, patient_id)


def add_to_care_team(db: Database, actor: User, patient_id: int, clinician_id: int) -> None:
    """An admin, or a clinician already on the care team, adds a clinician to it."""
    _may_manage_care_team(db, actor, patient_id)
    if not is_row_id(clinician_id):
        raise InvalidInput("care_team", "Please choose a clinician.")
    clinician = accounts.get_user(db, clinician_id)
    patients.add_to_care_team(db, patient_id, clinician, actor=actor)


def remove_from_care_team(db: Database, actor: User, patient_id: int, clinician_id: int) -> None:
    """Take a clinician off a care team; a care team is never left empty."""
    _may_manage_care_team(db, actor, patient_id)
    with transaction(db):
        members = patients.care_team(db, patient_id)
        if clinician_id not in {m["id"] for m in members}:
            raise InvalidInput("care_team", "That clinician isn't on the care team.")
        if len(members) == 1:
            raise InvalidInput("care_team", "A teen always needs at least one clinician.")
        db.execute(
            "DELETE FROM care_team WHERE patient_id = ? AND clinician_id = ?",
            [patient_id, clinician_id],
        )
        audit.record(db, actor, "care_team_remove", patient_id=patient_id, detail=str(clinician_id))
