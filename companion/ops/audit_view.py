"""The audit log as an admin reads it: local times, names, and what happened in words.

``audit`` records terse action codes (``view:view_function``); this turns a row into a
sentence-sized description without changing what is stored.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from companion import audit, programme
from companion.db import parse_stamp, stamp

_VIEWS = {
    "view_function": "viewed school, activity and exercise",
    "view_pain": "viewed pain and questionnaire scores",
    "view_mood": "viewed mood",
    "view_notes": "viewed notes and questions",
    "view_plan": "viewed the care plan",
    "followup": "viewed the follow-up",
}
_ACTIONS = {
    "activate": "turned an account on",
    "deactivate": "turned an account off",
    "care_team_add": "added a clinician to a care team",
    "care_team_remove": "took a clinician off a care team",
    "create_user": "made an account",
    "delete_patient": "deleted a teen's record",
    "enrol": "enrolled a teen",
    "export_own_data": "downloaded their own data",
    "export_csv": "downloaded the follow-up (CSV)",
    "export_pdf": "downloaded the follow-up (PDF)",
    "export_measures": "downloaded the de-identified common measures",
    "export_fhir": "downloaded the follow-up (FHIR)",
    "export_yearly": "downloaded the yearly outcomes report",
    "goal": "saved a goal",
    "link_parent": "linked a parent to a teen",
    "mfa_off": "turned off two-step sign-in",
    "mfa_on": "turned on two-step sign-in",
    "plan_version": "saved a care plan",
    "programme_settings": "changed programme settings",
    "record_visit": "recorded a visit",
    "new_episode": "started a new episode after readmission",
}
_CODES = {
    "activate": "an activation code",
    "reset": "a password reset code",
    "link_parent": "a family code",
}


def describe(action: str) -> str:
    """An action code in words; an unknown code is shown as it is, never hidden."""
    kind, _, what = action.partition(":")
    if kind == "view" and what:
        return _VIEWS.get(what, f"viewed {what.replace('_', ' ')}")
    if kind == "issue_code" and what:
        return f"made {_CODES.get(what, what)}"
    if kind == "redeem_code" and what:
        return f"used {_CODES.get(what, what)}"
    return _ACTIONS.get(action, action.replace("_", " "))


def entries(
    db: Database,
    settings: dict,
    *,
    actor: str | None = None,
    patient_id: int | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    limit: int = 5000,
) -> list[dict]:
    """The log between two of the programme's local dates (inclusive), newest first."""
    zone = programme.zone(settings)

    def midnight(day: date) -> str:
        return stamp(datetime.combine(day, time(0), tzinfo=zone))

    return audit.list_entries(
        db,
        limit=limit,
        actor=actor,
        patient_id=patient_id,
        since=midnight(first_day) if first_day else None,
        before=midnight(last_day + timedelta(days=1)) if last_day else None,
    )


def readable(db: Database, entries: list[dict], settings: dict) -> list[dict]:
    """Rows for the admin's table: When (programme time), Who, What, Teen, Detail."""
    names = {
        r["id"]: f"{r['display_name']} ({r['username']})"
        for r in db.query(
            "SELECT p.id, u.display_name, u.username FROM patients p JOIN users u"
            " ON u.id = p.user_id"
        )
    }
    people = {
        r["username"]: f"{r['display_name']} ({r['username']})"
        for r in db.query("SELECT username, display_name FROM users")
    }
    rows = []
    for entry in entries:
        when = programme.local_now(settings, at=parse_stamp(entry["at"]))
        rows.append(
            {
                "When": when.strftime("%a %-d %b %Y, %H:%M"),
                "Who": people.get(entry["actor"], "the system") if entry["actor"] else "—",
                "What": describe(entry["action"]),
                "Teen": names.get(entry["patient_id"], "") if entry["patient_id"] else "",
                "Detail": _detail(entry),
            }
        )
    return rows


def _detail(entry: dict) -> str:
    """The stored detail, with setting keys named in words."""
    detail = entry["detail"] or ""
    if entry["action"] == "programme_settings" and detail:
        return ", ".join(programme.NAMES.get(key, key) for key in detail.split(","))
    return detail
