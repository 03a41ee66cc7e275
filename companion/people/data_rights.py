"""Data rights: a teen or parent downloads everything the app holds about them, and an admin
deletes a teen's record entirely.

The download is a ZIP: ``data.json`` (every table below), one CSV per table, and a README
that says what each table and field is. Secrets never leave: password hashes, session and
code hashes and two-step secrets are not in it.

Each person's download holds what is theirs to see, as in the app: a teen gets their own
writing and their record, not their parent's weekly checks and notes (written for the care
team) nor the care team's own notes (visit notes, the note on a plan change); a parent gets
their own weekly checks and notes, not the teen's logs.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from companion import access, audit
from companion.db import transaction
from companion.errors import InvalidInput
from companion.identity import Role, User


@dataclass(frozen=True)
class Table:
    name: str
    about: str
    sql: str


ACCOUNT = Table(
    "account",
    "Your account: username, display name, role, when it was made and when the password "
    "last changed.",
    "SELECT id, username, display_name, role, active, created_at, password_changed_at"
    " FROM users WHERE id = :user",
)
SESSIONS = Table(
    "sessions",
    "Each time you signed in: when, when last used, when it ends or ended.",
    "SELECT created_at, last_seen_at, expires_at, revoked_at FROM sessions"
    " WHERE user_id = :user ORDER BY created_at",
)
READS = Table(
    "article_reads",
    "Learn articles you marked as read (slug) and when.",
    "SELECT slug, read_at FROM article_reads WHERE user_id = :user ORDER BY read_at",
)
AUDIT_BY_ME = Table(
    "audit_by_you",
    "What the app logged about actions you took (at is UTC).",
    "SELECT at, action, patient_id, detail FROM audit_log WHERE actor_id = :user ORDER BY id",
)

TEEN_TABLES = (
    ACCOUNT,
    Table(
        "patient",
        "Your record in the programme: birth year and diagnosis group.",
        "SELECT id AS patient_id, birth_year, diagnosis_group FROM patients WHERE id = :patient",
    ),
    Table(
        "episodes",
        "Each stay in the programme: referral, admission (if known) and discharge dates, the "
        "setting (inpatient or day programme) and the FDI total and pain at admission.",
        "SELECT id, referred_on, admitted_on, discharged_on, ended_on, setting, admission_fdi,"
        " admission_pain FROM episodes WHERE patient_id = :patient",
    ),
    Table(
        "population",
        "What your care team recorded about you for the programme's outcomes (to check that it "
        "helps every group equally well): sex assigned at birth, gender identity, race and "
        "ethnicity, language for care, insurance, travel time. Your parents never see these.",
        "SELECT sex_at_birth, gender_identity, race_ethnicity, language, insurance, travel_time,"
        " updated_at FROM population WHERE patient_id = :patient",
    ),
    Table(
        "care_team",
        "The clinicians on your care team.",
        "SELECT u.username, u.display_name FROM care_team c JOIN users u ON u.id = c.clinician_id"
        " WHERE c.patient_id = :patient",
    ),
    Table(
        "family",
        "Parents linked to your record.",
        "SELECT u.username, u.display_name FROM family_links f JOIN users u ON u.id = f.parent_id"
        " WHERE f.patient_id = :patient",
    ),
    Table(
        "sharing",
        "What you share with your parents (1 = shared).",
        "SELECT pain_shared, mood_shared, updated_at FROM sharing WHERE patient_id = :patient",
    ),
    Table(
        "checkins",
        "Your daily check-ins: pain 0–10, mood 1–5, sleep hours and quality 1–5, school, "
        "nurse visits, early pick-up, active minutes, activities, drinks, meals, note, question.",
        "SELECT id, day, pain, mood, sleep_hours, sleep_quality, school, nurse_visits,"
        " early_pickup, active_minutes, activities, drinks, meals, note, question,"
        " plan_version_id, created_at, updated_at FROM checkins WHERE patient_id = :patient"
        " ORDER BY day",
    ),
    Table(
        "exercise_outcomes",
        "For each check-in (checkin_id), each home exercise: done, part or not_done.",
        "SELECT o.checkin_id, c.day, o.exercise_key, o.status FROM exercise_outcomes o"
        " JOIN checkins c ON c.id = o.checkin_id WHERE c.patient_id = :patient ORDER BY c.day",
    ),
    Table(
        "coping_uses",
        "Coping skills you used, how helpful they were (0–10) and where you logged them.",
        "SELECT day, skill, helpfulness, source, created_at FROM coping_uses"
        " WHERE patient_id = :patient ORDER BY day, id",
    ),
    Table(
        "favourite_skills",
        "Coping skills you marked as favourites.",
        "SELECT skill FROM favourite_skills WHERE patient_id = :patient",
    ),
    Table(
        "plan_versions",
        "Every version of your care plan: start date, setback plan, modules, questionnaires, "
        "follow-up dates, school accommodations and the steps of your return to school.",
        "SELECT id, episode_id, starts_on, warning_signs, what_helps, contacts, modules,"
        " questionnaires, follow_ups, accommodations, school_steps, created_at FROM plan_versions"
        " WHERE patient_id = :patient ORDER BY starts_on, id",
    ),
    Table(
        "plan_exercises",
        "The home exercises in each plan version.",
        "SELECT e.version_id, e.key, e.name, e.dose, e.days_per_week, e.instructions,"
        " e.video_url FROM plan_exercises e JOIN plan_versions v ON v.id = e.version_id"
        " WHERE v.patient_id = :patient ORDER BY e.version_id, e.position",
    ),
    Table(
        "plan_coping_skills",
        "The coping skills in each plan version.",
        "SELECT s.version_id, s.skill FROM plan_coping_skills s"
        " JOIN plan_versions v ON v.id = s.version_id WHERE v.patient_id = :patient"
        " ORDER BY s.version_id, s.position",
    ),
    Table(
        "school_notes",
        "Each note for school you made, exactly as made (content), and when you shared it with "
        "your parents or stopped (UTC).",
        "SELECT number, made_at, content, shared_at, unshared_at FROM school_notes"
        " WHERE patient_id = :patient ORDER BY number",
    ),
    Table(
        "goals",
        "Your goals and their small steps.",
        "SELECT * FROM goals WHERE patient_id = :patient ORDER BY id",
    ),
    Table(
        "goal_progress",
        "How each goal went, week by week.",
        "SELECT p.* FROM goal_progress p JOIN goals g ON g.id = p.goal_id"
        " WHERE g.patient_id = :patient",
    ),
    Table(
        "questionnaires",
        "Questionnaire answers and scores (including FDI totals entered at visits).",
        "SELECT instrument, version, day, answers, score, band, created_at"
        " FROM questionnaire_responses WHERE patient_id = :patient ORDER BY day, id",
    ),
    Table(
        "visits",
        "Follow-up visits the care team recorded: date, pain and FDI total.",
        "SELECT day, pain, fdi_total, created_at FROM visits"
        " WHERE patient_id = :patient ORDER BY day",
    ),
    READS,
    SESSIONS,
    Table(
        "audit_about_you",
        "Who opened or changed your record, when (UTC) and what: the programme's access log.",
        "SELECT a.at, u.username AS who, a.action, a.detail FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.actor_id WHERE a.patient_id = :patient ORDER BY a.id",
    ),
)

PARENT_TABLES = (
    ACCOUNT,
    Table(
        "linked_teens",
        "The teens you are linked to (what you see of them is on the Overview page).",
        "SELECT u.display_name, u.username FROM family_links f JOIN patients p"
        " ON p.id = f.patient_id JOIN users u ON u.id = p.user_id WHERE f.parent_id = :user",
    ),
    Table(
        "parent_checks",
        "Your weekly checks (0–4 for school, activities and exercise) and notes.",
        "SELECT c.week_start, u.display_name AS teen, c.school, c.activities, c.exercise,"
        " c.note, c.updated_at FROM parent_checks c JOIN patients p ON p.id = c.patient_id"
        " JOIN users u ON u.id = p.user_id WHERE c.parent_id = :user ORDER BY c.week_start",
    ),
    READS,
    SESSIONS,
    AUDIT_BY_ME,
)


NOT_HERE = {
    Role.TEEN: "Not in here, because they are not yours: your parents' weekly checks and "
    "notes (written for your care team) and your care team's own notes.",
    Role.PARENT: "Not in here, because they are not yours: your teen's own logs, notes and "
    "questions, and the care team's notes.",
}


def _rows(db: Database, table: Table, params: dict) -> tuple[list[str], list[dict]]:
    cursor = db.execute(table.sql, params)
    columns = [c[0] for c in cursor.description]
    return columns, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def export_zip(db: Database, user: User | None, *, today: date) -> bytes:
    """Everything the app holds about ``user`` (a teen or a parent, active)."""
    access.require_live_role(db, user, Role.TEEN, Role.PARENT)  # re-read now, not the page's
    params = {"user": user.id, "patient": None}
    tables = PARENT_TABLES
    if user.role is Role.TEEN:
        row = db.execute("SELECT id FROM patients WHERE user_id = ?", [user.id]).fetchone()
        params["patient"] = row[0] if row else None
        tables = TEEN_TABLES if row else (ACCOUNT, READS, SESSIONS)
    everything: dict[str, list[dict]] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = [
            "Your data from the IIPT Companion",
            f"Downloaded on {today.isoformat()} for {user.username}.",
            "",
            "data.json holds every table below; each table is also a CSV file.",
            "Dates are the programme's local dates; times ending in +00:00 are UTC.",
            NOT_HERE[user.role],
            "",
        ]
        for table in tables:
            columns, rows = _rows(db, table, params)
            everything[table.name] = rows
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{table.name}.csv", text.getvalue())
            readme += [f"{table.name}.csv ({len(rows)} rows)", f"  {table.about}"]
            readme += [f"  Fields: {', '.join(columns)}", ""]
        archive.writestr("data.json", json.dumps(everything, indent=1, ensure_ascii=False))
        archive.writestr("README.txt", "\n".join(readme))
    audit.record(db, user, "export_own_data", patient_id=params["patient"])
    return buffer.getvalue()


def export_filename(user: User, today: date) -> str:
    return f"my-companion-data-{today.isoformat()}.zip"


def delete_patient(db: Database, admin: User | None, patient_id: int, typed: str) -> str:
    """Delete a teen's record and account entirely, after the admin types the username.

    Everything about the teen goes (check-ins, plans, goals, questionnaires, visits, links,
    sessions); the audit log keeps one row saying that it happened, with no clinical content.
    Returns the username deleted.
    """
    access.require_live_role(db, admin, Role.ADMIN)
    row = db.execute(
        "SELECT p.id, u.id AS user_id, u.username FROM patients p JOIN users u"
        " ON u.id = p.user_id WHERE p.id = ?",
        [patient_id],
    ).fetchone()
    if row is None:
        raise InvalidInput("patient", "No such record.")
    _, user_id, username = row
    if not isinstance(typed, str) or typed.strip().lower() != username.lower():
        raise InvalidInput("confirm_username", "Type the teen's username exactly to confirm.")
    with transaction(db):
        db.execute(
            "DELETE FROM invite_codes WHERE user_id = ? OR patient_id = ?", [user_id, patient_id]
        )
        db.execute("DELETE FROM patients WHERE id = ?", [patient_id])  # cascades to the record
        db.execute("DELETE FROM users WHERE id = ?", [user_id])  # sessions, reads, codes
        audit.record(db, admin, "delete_patient", patient_id=patient_id, detail="record deleted")
    return username
