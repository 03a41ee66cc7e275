"""Looking after accounts: first run, staff accounts, reset codes, family codes, deactivation.

Each function asks ``access`` before it acts, so a page cannot skip the check.
"""

from __future__ import annotations

from sqlite_utils import Database

from companion import access, audit, programme
from companion.access import Permission
from companion.auth import accounts
from companion.db import is_row_id, stamp, transaction
from companion.errors import AccessDenied, InvalidInput
from companion.identity import Role, User
from companion.people import patients


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
    """An admin creates a clinician (or another admin); returns the account and its code.

    A new clinician sees no record until a clinician already on a care team adds them
    (``add_to_care_team``)."""
    access.require_live_role(db, actor, Role.ADMIN)
    if Role(role) not in {Role.CLINICIAN, Role.ADMIN}:
        raise InvalidInput("role", "Staff accounts are clinicians or admins.")
    with transaction(db):
        user = accounts.create_user(
            db, username=username, role=role, display_name=display_name, actor=actor
        )
        code = accounts.issue_code(db, "activate", actor=actor, user_id=user.id)
    return user, code


def issue_reset_code(db: Database, actor: User, target_id: int) -> str:
    """A code with which ``target_id`` sets a new password (``access.can_manage_account``).
    The audit row names whose code it is; an admin's reset is also shown to that person at
    their next sign-in."""
    if not is_row_id(target_id):
        raise InvalidInput("target", "Please choose an account.")
    target = accounts.get_user(db, target_id)
    if not access.can_manage_account(db, actor, target):
        raise AccessDenied(access.DENIED)
    purpose = "activate" if not _has_password(db, target_id) else "reset"
    with transaction(db):
        detail = f"{target.role.value} {target.username}"
        code = accounts.issue_code(db, purpose, actor=actor, user_id=target_id, detail=detail)
        if actor.role is Role.ADMIN and purpose == "reset":
            add_notice(db, target_id, "password_reset", actor)
    return code


def resettable_parents(db: Database, actor: User, parents: list[dict]) -> set[int]:
    """Which of these parents ``actor`` may make a reset code for (all their teens on the
    actor's care team; ``access.can_manage_account``)."""
    found = set()
    for row in parents:
        parent = accounts.find_user(db, row["id"])
        if parent is not None and access.can_manage_account(db, actor, parent):
            found.add(parent.id)
    return found


def _has_password(db: Database, user_id: int) -> bool:
    return any(r["has_password"] for r in accounts.list_users(db) if r["id"] == user_id)


def issue_family_code(db: Database, actor: User, patient_id: int) -> str:
    """A care-team clinician makes a code with which a parent registers and is linked."""
    patient = access.require(db, actor, Permission.MANAGE_FAMILY, patient_id)
    return accounts.issue_code(db, "link_parent", actor=actor, patient_id=patient.id)


def set_active(db: Database, actor: User, target_id: int, active: bool) -> None:
    access.require_live_role(db, actor, Role.ADMIN)
    accounts._set_active(db, target_id, active, actor=actor)


def active_members(db: Database, patient_id: int) -> int:
    """How many clinicians on the care team can still sign in."""
    return db.execute(
        "SELECT COUNT(*) FROM care_team c JOIN users u ON u.id = c.clinician_id"
        " WHERE c.patient_id = ? AND u.active = 1",
        [patient_id],
    ).fetchone()[0]


def admin_may_add(db: Database, actor: User | None, patient_id: int) -> bool:
    """An admin adds to a care team only when nobody active is left on it (the teen would
    otherwise have no one); the patient page then says so."""
    if not is_row_id(patient_id) or not access.may_act_as(db, actor, Role.ADMIN):
        return False
    return patients.find_patient(db, patient_id) is not None and not active_members(db, patient_id)


def add_to_care_team(db: Database, actor: User, patient_id: int, clinician_id: int) -> None:
    """A clinician already on the care team adds a clinician to it; an admin only to a care
    team with nobody active left on it (PRODUCT: admins run the programme, never read
    records, so an admin cannot put a clinician of their choosing onto a working team)."""
    with transaction(db):
        by_admin = admin_may_add(db, actor, patient_id)
        if not by_admin:
            access.require(db, actor, Permission.EDIT_PLAN, patient_id)
        if not is_row_id(clinician_id):
            raise InvalidInput("care_team", "Please choose a clinician.")
        clinician = accounts.find_user(db, clinician_id)
        if clinician is None or clinician.role is not Role.CLINICIAN or not clinician.active:
            raise InvalidInput("care_team", "Please choose an active clinician.")
        patients._add_to_care_team(db, patient_id, clinician, actor=actor)
        if by_admin:
            audit.record(
                db,
                actor,
                "care_team_add_by_admin",
                patient_id=patient_id,
                detail=f"{clinician.username}: nobody active was left on the care team",
            )


def added_by_admin(db: Database, patient_id: int) -> list[dict]:
    """Who an admin put on this care team, when and by whom (for the patient page)."""
    return list(
        db.query(
            "SELECT a.at, u.username AS admin, u.display_name AS admin_name, a.detail"
            " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
            " WHERE a.patient_id = ? AND a.action = 'care_team_add_by_admin' ORDER BY a.id",
            [patient_id],
        )
    )


def remove_from_care_team(db: Database, actor: User, patient_id: int, clinician_id: int) -> None:
    """A clinician on the care team takes a clinician off it; a care team is never left
    empty."""
    access.require(db, actor, Permission.EDIT_PLAN, patient_id)
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


# --- notices: what an admin did to someone's account, shown at their next sign-in ---------

NOTICES = {
    "password_reset": "made a code to set a new password for your account",
    "two_step_off": "turned off two-step sign-in for your account",
}


def add_notice(db: Database, user_id: int, kind: str, actor: User) -> None:
    if kind not in NOTICES:
        raise ValueError(kind)
    db.execute(
        "INSERT INTO account_notices (user_id, kind, actor_id, at) VALUES (?, ?, ?, ?)",
        [user_id, kind, actor.id, stamp()],
    )


def notices(db: Database, user: User) -> list[str]:
    """Sentences for the notices ``user`` hasn't dismissed yet, oldest first."""
    rows = db.query(
        "SELECT n.kind, n.at, u.display_name, u.username FROM account_notices n"
        " LEFT JOIN users u ON u.id = n.actor_id"
        " WHERE n.user_id = ? AND n.dismissed_at IS NULL ORDER BY n.id",
        [user.id],
    )
    return [
        f"On {r['at'][:10]} (UTC) an admin, {r['display_name'] or 'since removed'}"
        f" ({r['username'] or '?'}), {NOTICES[r['kind']]}. If you didn't ask for this, "
        "tell your programme lead."
        for r in rows
    ]


def dismiss_notices(db: Database, user: User) -> bool:
    with transaction(db):
        db.execute(
            "UPDATE account_notices SET dismissed_at = ? WHERE user_id = ?"
            " AND dismissed_at IS NULL",
            [stamp(), user.id],
        )
        audit.record(db, user, "notices_dismissed")
    return True
