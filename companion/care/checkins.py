"""Daily check-ins, exercise outcomes, coping uses and favourite skills.

One check-in per teen per local date: saving again updates it. Exercise outcomes must belong
to that day's plan. Everything one save writes happens in one transaction.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlite_utils import Database

from companion import access
from companion.access import Permission
from companion.auth.accounts import clean_text
from companion.care import plans
from companion.db import stamp, transaction
from companion.errors import InvalidInput
from companion.identity import User
from companion.people.patients import Patient

SCHOOL = {
    "full": "Full day",
    "part": "Part day",
    "absent_pain": "Absent – pain",
    "absent_other": "Absent – other",
    "none": "No school",
}
MOODS = {1: "Very low", 2: "Low", 3: "Okay", 4: "Good", 5: "Great"}
SLEEP_QUALITY = {1: "Poor", 2: "Fair", 3: "Okay", 4: "Good", 5: "Great"}
OUTCOMES = {"done": "Done", "part": "Part", "not_done": "Not done"}
ACTIVITIES = (
    "Walking",
    "Cycling",
    "Swimming",
    "Dance",
    "Sport",
    "Gym or PT",
    "Yoga or stretching",
    "Chores",
    "Outdoor play",
    "Other",
)
# The check-in's own fields, in form order (exercise outcomes and coping uses live apart).
FIELDS = (
    "pain",
    "mood",
    "sleep_hours",
    "sleep_quality",
    "school",
    "nurse_visits",
    "early_pickup",
    "active_minutes",
    "activities",
    "drinks",
    "meals",
    "note",
    "question",
)
BACKFILL_DAYS = 7  # today and the 6 days before
NOTE_MAX = 1000
QUESTION_MAX = 500
MAX_COPING = 20

# field: (low, high) for whole-number fields
_RANGES = {
    "pain": (0, 10),
    "mood": (1, 5),
    "sleep_quality": (1, 5),
    "nurse_visits": (0, 20),
    "active_minutes": (0, 1440),
    "drinks": (0, 30),
    "meals": (0, 10),
}
_READABLE = {
    "pain": "Pain",
    "mood": "Mood",
    "sleep_quality": "Sleep quality",
    "nurse_visits": "Nurse visits",
    "active_minutes": "Active minutes",
    "drinks": "Drinks",
    "meals": "Meals",
    "sleep_hours": "Sleep hours",
}


@dataclass
class Checkin:
    patient_id: int
    day: date
    pain: int | None = None
    mood: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    school: str | None = None
    nurse_visits: int | None = None
    early_pickup: bool | None = None
    active_minutes: int | None = None
    activities: list[str] = field(default_factory=list)
    drinks: int | None = None
    meals: int | None = None
    note: str = ""
    question: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)
    coping: list[dict] = field(default_factory=list)
    id: int | None = None


def allowed_days(patient: Patient, today: date) -> list[date]:
    """The dates a teen may log: today and the 6 before, never before discharge."""
    days = [today - timedelta(days=n) for n in range(BACKFILL_DAYS)]
    return [d for d in days if d >= patient.discharged_on]


def clean_day(day: object, patient: Patient, today: date) -> date:
    if not isinstance(day, date):
        raise InvalidInput("day", "Please choose a day.")
    if day > today:
        raise InvalidInput("day", "You can't check in for a day that hasn't happened yet.")
    if day < patient.discharged_on:
        raise InvalidInput("day", "That day is before you went home from the programme.")
    if day < today - timedelta(days=BACKFILL_DAYS - 1):
        raise InvalidInput("day", "You can fill in the last 7 days only.")
    return day


def _whole(value: object, name: str) -> int | None:
    if value is None or value == "":
        return None
    low, high = _RANGES[name]
    problem = InvalidInput(name, f"{_READABLE[name]} must be a whole number from {low} to {high}.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise problem
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise problem
    if not low <= value <= high:
        raise problem
    return int(value)


def _sleep_hours(value: object) -> float | None:
    if value is None or value == "":
        return None
    problem = InvalidInput("sleep_hours", "Sleep hours must be between 0 and 24.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise problem
    if not math.isfinite(value) or not 0 <= value <= 24:
        raise problem
    return round(float(value) * 2) / 2  # half hours


def clean_checkin(values: dict, *, plan: plans.PlanVersion | None) -> dict:
    """Validate a check-in form. Raises InvalidInput naming the first bad field."""
    clean: dict = {name: _whole(values.get(name), name) for name in _RANGES}
    clean["sleep_hours"] = _sleep_hours(values.get("sleep_hours"))
    school = values.get("school")
    if school is not None and (not isinstance(school, str) or school not in SCHOOL):
        raise InvalidInput("school", "Please choose one of the school options.")
    clean["school"] = school
    pickup = values.get("early_pickup")
    if pickup is not None and not isinstance(pickup, bool):
        raise InvalidInput("early_pickup", "Please answer yes or no.")
    clean["early_pickup"] = pickup
    activities = values.get("activities") or []
    if not isinstance(activities, list | tuple) or any(
        not isinstance(a, str) or a not in ACTIVITIES for a in activities
    ):
        raise InvalidInput("activities", "Please choose activities from the list.")
    clean["activities"] = list(dict.fromkeys(activities))
    clean["note"] = clean_text(values.get("note"), "note", max_length=NOTE_MAX, required=False)
    clean["question"] = clean_text(
        values.get("question"), "question", max_length=QUESTION_MAX, required=False
    )
    clean["outcomes"] = _clean_outcomes(values.get("outcomes") or {}, plan)
    clean["coping"] = clean_coping(values.get("coping") or [])
    return clean


def _clean_outcomes(outcomes: object, plan: plans.PlanVersion | None) -> dict[str, str]:
    if not isinstance(outcomes, dict):
        raise InvalidInput("outcomes", "Please mark each exercise done, part or not done.")
    keys = {e.key for e in plan.exercises} if plan else set()
    cleaned: dict[str, str] = {}
    for key, status in outcomes.items():
        if status is None:
            continue
        if key not in keys:
            raise InvalidInput("outcomes", "That exercise isn't in your plan for that day.")
        if not isinstance(status, str) or status not in OUTCOMES:
            raise InvalidInput("outcomes", "Please mark each exercise done, part or not done.")
        cleaned[key] = status
    return cleaned


def clean_coping(uses: object) -> list[dict]:
    if not isinstance(uses, list | tuple) or len(uses) > MAX_COPING:
        raise InvalidInput("coping", f"Please choose at most {MAX_COPING} coping skills.")
    cleaned: dict[str, dict] = {}
    for use in uses:
        if not isinstance(use, dict):
            raise InvalidInput("coping", "Please choose coping skills from the list.")
        skill = clean_text(use.get("skill"), "coping", max_length=60)
        helpfulness = use.get("helpfulness")
        if helpfulness is not None and not _is_score(helpfulness):
            raise InvalidInput("helpfulness", "Helpfulness must be a whole number 0 to 10.")
        cleaned[skill.lower()] = {"skill": skill, "helpfulness": helpfulness}
    return list(cleaned.values())


_INSERT = (
    "INSERT INTO checkins (patient_id, day, pain, mood, sleep_hours, sleep_quality, school,"
    " nurse_visits, early_pickup, active_minutes, activities, drinks, meals, note, question,"
    " plan_version_id, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _params(patient_id: int, day: date, clean: dict, plan, now: str) -> list:
    pickup = clean["early_pickup"]
    return [
        patient_id,
        day.isoformat(),
        clean["pain"],
        clean["mood"],
        clean["sleep_hours"],
        clean["sleep_quality"],
        clean["school"],
        clean["nurse_visits"],
        None if pickup is None else int(pickup),
        clean["active_minutes"],
        json.dumps(clean["activities"]),
        clean["drinks"],
        clean["meals"],
        clean["note"],
        clean["question"],
        plan.id if plan else None,
        now,
        now,
    ]


def _is_score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


def save_checkin(
    db: Database, user: User, patient_id: int, *, day: date, today: date, values: dict
) -> Checkin:
    """Save (or update) the teen's check-in for ``day`` in one transaction."""
    patient = access.require(db, user, Permission.WRITE_CHECKIN, patient_id)
    day = clean_day(day, patient, today)
    plan = plans.plan_on(plans.list_versions(db, patient.id), day)
    clean = clean_checkin(values, plan=plan)
    now = stamp(precise=True)
    with transaction(db):
        checkin_id = db.execute(
            _INSERT + " ON CONFLICT(patient_id, day) DO UPDATE SET pain = excluded.pain,"
            " mood = excluded.mood, sleep_hours = excluded.sleep_hours,"
            " sleep_quality = excluded.sleep_quality, school = excluded.school,"
            " nurse_visits = excluded.nurse_visits, early_pickup = excluded.early_pickup,"
            " active_minutes = excluded.active_minutes, activities = excluded.activities,"
            " drinks = excluded.drinks, meals = excluded.meals, note = excluded.note,"
            " question = excluded.question, plan_version_id = excluded.plan_version_id,"
            " updated_at = excluded.updated_at RETURNING id",
            _params(patient.id, day, clean, plan, now),
        ).fetchone()[0]
        db.execute("DELETE FROM exercise_outcomes WHERE checkin_id = ?", [checkin_id])
        for key, status in clean["outcomes"].items():
            db.execute(
                "INSERT INTO exercise_outcomes (checkin_id, exercise_key, status) VALUES (?, ?, ?)",
                [checkin_id, key, status],
            )
        db.execute(
            "DELETE FROM coping_uses WHERE patient_id = ? AND day = ? AND source = 'checkin'",
            [patient.id, day.isoformat()],
        )
        for use in clean["coping"]:
            _insert_use(db, patient.id, day, use["skill"], use["helpfulness"], "checkin", now)
        # the day is saved: an unsaved draft of it (companion/care/drafts.py), from this
        # device or another, would only bring back older answers
        db.execute(
            "DELETE FROM checkin_drafts WHERE patient_id = ? AND day = ?",
            [patient.id, day.isoformat()],
        )
    found = find_checkin(db, patient.id, day)
    assert found is not None
    return found


def _insert_use(db, patient_id, day, skill, helpfulness, source, now) -> None:
    db.execute(
        "INSERT INTO coping_uses (patient_id, day, skill, helpfulness, source, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [patient_id, day.isoformat(), skill, helpfulness, source, now],
    )


def find_checkin(db: Database, patient_id: int, day: date) -> Checkin | None:
    rows = list(
        db.query(
            "SELECT * FROM checkins WHERE patient_id = ? AND day = ?", [patient_id, day.isoformat()]
        )
    )
    return _checkin(db, rows[0]) if rows else None


def _checkin(db: Database, row: dict) -> Checkin:
    outcomes = {
        r["exercise_key"]: r["status"]
        for r in db.query("SELECT * FROM exercise_outcomes WHERE checkin_id = ?", [row["id"]])
    }
    coping = [
        {"skill": r["skill"], "helpfulness": r["helpfulness"]}
        for r in db.query(
            "SELECT skill, helpfulness FROM coping_uses WHERE patient_id = ? AND day = ?"
            " AND source = 'checkin' ORDER BY id",
            [row["patient_id"], row["day"]],
        )
    ]
    return Checkin(
        id=row["id"],
        patient_id=row["patient_id"],
        day=date.fromisoformat(row["day"]),
        pain=row["pain"],
        mood=row["mood"],
        sleep_hours=row["sleep_hours"],
        sleep_quality=row["sleep_quality"],
        school=row["school"],
        nurse_visits=row["nurse_visits"],
        early_pickup=None if row["early_pickup"] is None else bool(row["early_pickup"]),
        active_minutes=row["active_minutes"],
        activities=json.loads(row["activities"]),
        drinks=row["drinks"],
        meals=row["meals"],
        note=row["note"],
        question=row["question"],
        outcomes=outcomes,
        coping=coping,
    )


def save_exercise_outcome(
    db: Database, user: User, patient_id: int, *, day: date, today: date, key: str, status: str
) -> Checkin:
    """Tick one exercise from the exercises page: the same record as the check-in's."""
    if not isinstance(key, str) or not isinstance(status, str):
        raise InvalidInput("outcomes", "Please choose done, part or not done for an exercise.")
    with transaction(db):  # read and write together: a tick from another device isn't lost
        existing = find_checkin(db, patient_id, day) if isinstance(day, date) else None
        if existing is None:
            values: dict = {"outcomes": {key: status}}
        else:
            values = {**existing.__dict__, "outcomes": {**existing.outcomes, key: status}}
        return save_checkin(db, user, patient_id, day=day, today=today, values=values)


# --- the toolbox --------------------------------------------------------------------------


def log_coping_use(
    db: Database,
    user: User,
    patient_id: int,
    *,
    skill: str,
    helpfulness: int | None,
    day: date,
    today: date,
) -> None:
    """ "I used this" from the toolbox."""
    patient = access.require(db, user, Permission.WRITE_CHECKIN, patient_id)
    day = clean_day(day, patient, today)
    use = clean_coping([{"skill": skill, "helpfulness": helpfulness}])[0]
    with transaction(db):
        _insert_use(db, patient.id, day, use["skill"], use["helpfulness"], "toolbox", stamp())


def uses_on(db: Database, patient_id: int, day: date) -> dict[str, int]:
    """How many times each skill was logged on ``day`` (from the toolbox and the check-in)."""
    return {
        r["skill"]: r["n"]
        for r in db.query(
            "SELECT skill, COUNT(*) AS n FROM coping_uses WHERE patient_id = ? AND day = ?"
            " GROUP BY skill",
            [patient_id, day.isoformat()],
        )
    }


def set_favourite(db: Database, user: User, patient_id: int, skill: str, on: bool) -> None:
    patient = access.require(db, user, Permission.WRITE_CHECKIN, patient_id)
    name = clean_text(skill, "skill", max_length=60)
    with transaction(db):
        if on:
            db.execute(
                "INSERT OR IGNORE INTO favourite_skills (patient_id, skill) VALUES (?, ?)",
                [patient.id, name],
            )
        else:
            db.execute(
                "DELETE FROM favourite_skills WHERE patient_id = ? AND skill = ?",
                [patient.id, name],
            )


def list_favourites(db: Database, patient_id: int) -> set[str]:
    return {
        r["skill"]
        for r in db.query("SELECT skill FROM favourite_skills WHERE patient_id = ?", [patient_id])
    }


# --- history frames for metrics (one query per table) -------------------------------------


def _frame(db: Database, sql: str, params: list, columns: list[str], types: dict) -> pd.DataFrame:
    """One query into a frame, its ``day`` column as dates (parsed directly: much cheaper than
    pandas' datetime parsing on a few hundred rows)."""
    rows = db.execute(sql, params).fetchall()
    frame = pd.DataFrame(rows, columns=columns)
    frame["day"] = [date.fromisoformat(d) for d in frame["day"]]
    return frame.astype(types) if types else frame


def school_marks(db: Database, patient_id: int, *, first: date, last: date) -> list[tuple]:
    """(day, school mark) of each check-in from ``first`` to ``last`` (the graded return's
    week on Today, a school note's attendance)."""
    rows = db.execute(
        "SELECT day, school FROM checkins WHERE patient_id = ? AND day >= ? AND day <= ?",
        [patient_id, first.isoformat(), last.isoformat()],
    ).fetchall()
    return [(date.fromisoformat(day), mark) for day, mark in rows]


def checkins_frame(db: Database, patient_id: int) -> pd.DataFrame:
    return _frame(
        db,
        "SELECT id, day, pain, mood, sleep_hours, school, active_minutes FROM checkins"
        " WHERE patient_id = ? ORDER BY day",
        [patient_id],
        ["id", "day", "pain", "mood", "sleep_hours", "school", "active_minutes"],
        {"pain": "Int64", "mood": "Int64", "sleep_hours": "Float64", "active_minutes": "Int64"},
    )


def outcomes_frame(db: Database, patient_id: int) -> pd.DataFrame:
    return _frame(
        db,
        "SELECT c.day, o.exercise_key AS key, o.status FROM exercise_outcomes o"
        " JOIN checkins c ON c.id = o.checkin_id WHERE c.patient_id = ? ORDER BY c.day",
        [patient_id],
        ["day", "key", "status"],
        {},
    )


def coping_frame(db: Database, patient_id: int) -> pd.DataFrame:
    return _frame(
        db,
        "SELECT day, skill, helpfulness, source FROM coping_uses WHERE patient_id = ?"
        " ORDER BY day, id",
        [patient_id],
        ["day", "skill", "helpfulness", "source"],
        {"helpfulness": "Int64"},
    )


def import_history(db: Database, patient: Patient, rows: list[dict]) -> int:
    """Write many past check-ins at once (demo data, benchmarks, imports).

    Each row is ``{"day": date, **values}`` and is validated like a teen's check-in against
    that day's plan, but the 7-day back-fill window does not apply. One transaction.
    """
    versions = plans.list_versions(db, patient.id)
    now = stamp(precise=True)
    with transaction(db):
        for row in rows:
            day = row["day"]
            if day < patient.discharged_on:
                raise InvalidInput("day", "That day is before discharge.")
            plan = plans.plan_on(versions, day)
            clean = clean_checkin(row, plan=plan)
            checkin_id = db.execute(
                _INSERT + " RETURNING id", _params(patient.id, day, clean, plan, now)
            ).fetchone()[0]
            db.conn.executemany(
                "INSERT INTO exercise_outcomes (checkin_id, exercise_key, status) VALUES (?, ?, ?)",
                [(checkin_id, key, status) for key, status in clean["outcomes"].items()],
            )
            for use in clean["coping"]:
                _insert_use(db, patient.id, day, use["skill"], use["helpfulness"], "checkin", now)
    return len(rows)


def checkins_text(db: Database, patient_id: int, *, start: date, end: date) -> list[dict]:
    """Notes and questions written in a period (for the care team only)."""
    return list(
        db.query(
            "SELECT day, note, question FROM checkins WHERE patient_id = ? AND day BETWEEN ? AND ?"
            " AND (note != '' OR question != '') ORDER BY day",
            [patient_id, start.isoformat(), end.isoformat()],
        )
    )
