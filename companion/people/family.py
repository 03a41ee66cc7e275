"""The family side: the weekly summary in words, coaching that follows the week, and the
parent's weekly check beside the teen's own logs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlite_utils import Database

from companion import access
from companion.access import Permission
from companion.auth.accounts import clean_text
from companion.db import stamp, transaction
from companion.errors import InvalidInput
from companion.identity import Role, User
from companion.insight import metrics

RATINGS = ("Not at all", "A little", "Some of the time", "Mostly", "Very well")
CHECK_AREAS = {"school": "School", "activities": "Activities", "exercise": "Home exercises"}


@dataclass(frozen=True)
class Tip:
    title: str
    text: str
    article: str = ""  # the Learn article that goes deeper (a slug)


ATTENDANCE_TIP = Tip(
    "Missed school this week — here is what helps",
    "Keep mornings the same as on a school day, even on a hard day. Plan the next step back "
    "with school: a part day still counts. Praise the effort of going, and keep pain talk "
    "short and calm. Ask the care team or school nurse for a return plan if days keep "
    "getting missed.",
    "parent-school-return",
)
EXERCISE_TIP = Tip(
    "A lighter exercise week — encourage without pushing",
    "Notice and praise what did get done. Offer to join in, or set a regular time together. "
    "On hard days, a lighter set is better than none. Try not to nag or take over: the plan "
    "belongs to your teen.",
    "parent-supporting-exercise",
)
STEADY_TIP = Tip(
    "A steady week",
    "Say what you noticed going well. Keeping routines the same as last week is a win.",
    "parent-praising-effort",
)


def week_summary(week: pd.Series | None, name: str) -> str:
    """'This week: school 4 of 5 days, home exercises 11 of 14 sessions, ...'"""
    if week is None or week["days_logged"] == 0:
        return f"{name} hasn't checked in yet this week."
    parts = []
    if week["school_days"]:
        days = int(week["school_days"])
        parts.append(
            f"school {_n(week['school_attended'])} of {days} day{'' if days == 1 else 's'}"
        )
    if week["exercise_expected"]:
        parts.append(
            f"home exercises {_n(week['exercise_completed'])} of "
            f"{metrics.about(week['exercise_expected'])} planned sessions"
        )
    parts.append(f"active {int(week['active_minutes'])} minutes")
    uses = int(week["coping_uses"])
    parts.append(f"coping skills used {uses} time{'' if uses == 1 else 's'}")
    logged = f"{int(week['days_logged'])} of {int(week['days'])} days logged"
    return f"This week ({logged}): " + ", ".join(parts) + "."


_n = metrics.halves


def coaching(week: pd.Series | None) -> Tip:
    """Coaching follows the data: missed school first, then a light exercise week."""
    if week is None:
        return STEADY_TIP
    if week["school_absent"]:
        return ATTENDANCE_TIP
    if week["exercise_expected"] and (week["exercise_rate"] or 0) < 0.5:
        return EXERCISE_TIP
    return STEADY_TIP


def this_week(weeks: pd.DataFrame, today: date) -> pd.Series | None:
    rows = weeks[weeks["week"] == metrics.week_start(today)]
    return rows.iloc[0] if len(rows) else None


def save_parent_check(
    db: Database, parent: User, patient_id: int, *, ratings: dict, note: str, today: date
) -> None:
    """The parent's weekly check: how the teen managed school, activities and exercise."""
    access.require_live_role(db, parent, Role.PARENT)
    patient = access.require(db, parent, Permission.VIEW_FUNCTION, patient_id)
    values = {}
    for area in CHECK_AREAS:
        value = ratings.get(area)
        if isinstance(value, bool) or value not in range(len(RATINGS)):
            raise InvalidInput(f"check_{area}", "Please choose one answer.")
        values[area] = value
    text = clean_text(note, "check_note", max_length=500, required=False)
    with transaction(db):
        db.execute(
            "INSERT INTO parent_checks (parent_id, patient_id, week_start, school, activities,"
            " exercise, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(parent_id, patient_id, week_start) DO UPDATE SET"
            " school = excluded.school, activities = excluded.activities,"
            " exercise = excluded.exercise, note = excluded.note, updated_at = excluded.updated_at",
            [
                parent.id,
                patient.id,
                metrics.week_start(today).isoformat(),
                values["school"],
                values["activities"],
                values["exercise"],
                text,
                stamp(),
            ],
        )


def this_weeks_check(db: Database, parent: User, patient_id: int, today: date) -> dict | None:
    """This parent's own check for this week, if saved (to show and change it)."""
    patient = access.require(db, parent, Permission.VIEW_FUNCTION, patient_id)
    rows = list(
        db.query(
            "SELECT school, activities, exercise, note FROM parent_checks"
            " WHERE parent_id = ? AND patient_id = ? AND week_start = ?",
            [parent.id, patient.id, metrics.week_start(today).isoformat()],
        )
    )
    return rows[0] if rows else None


def list_parent_checks(db: Database, patient_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT c.*, u.display_name AS parent FROM parent_checks c"
            " JOIN users u ON u.id = c.parent_id WHERE c.patient_id = ? ORDER BY c.week_start",
            [patient_id],
        )
    )


def side_by_side(weeks: pd.DataFrame, checks: list[dict]) -> pd.DataFrame:
    """Each week with a parent check: the teen's own logs beside the parent's ratings, and
    whether they differ (two or more steps apart on the 0–4 scale)."""
    rows = []
    by_week = {date.fromisoformat(c["week_start"]): c for c in checks}
    for _, week in weeks.iterrows():
        check = by_week.get(week["week"])
        if check is None:
            continue
        teen = {
            "school": week["school_rate"],
            "exercise": week["exercise_rate"],
        }
        differs = [
            CHECK_AREAS[area]
            for area, rate in teen.items()
            if rate is not None and not pd.isna(rate) and abs(round(rate * 4) - check[area]) >= 2
        ]
        rows.append(
            {
                "Week": week["week"].isoformat(),
                "Teen: school": f"{_n(week['school_attended'])} of {int(week['school_days'])}",
                "Parent: school": RATINGS[check["school"]],
                "Teen: exercise": f"{_n(week['exercise_completed'])} of "
                f"{_n(week['exercise_expected'])}",
                "Parent: exercise": RATINGS[check["exercise"]],
                "Parent: activities": RATINGS[check["activities"]],
                "Parent's note": check["note"],
                "Differ on": ", ".join(differs) or "—",
            }
        )
    return pd.DataFrame(rows)
