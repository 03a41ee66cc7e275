"""Back to school, as the care plan holds it: the accommodations the care team recommends
(each with a plain reason written for teachers) and the graded return (steps with the date
each starts and the week's target of full and part days). Both are saved with the rest of
the plan, in each version (``plans.save_plan``); this module cleans them and says which step
is in force. How a week is judged against its step lives in ``insight.metrics``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from companion.auth.accounts import clean_text
from companion.errors import InvalidInput

MAX_OWN = 5  # accommodations of the care team's own, beside the list below
MAX_STEPS = 8
STEP_HORIZON = timedelta(days=2 * 365)  # a step starts within two years of discharge

# docs/clinical-sources.md "Back to school": what paediatric pain programmes commonly ask
# schools for. Each reason is written for a teacher, in the teen's voice (the note is theirs).
CATALOGUE: dict[str, tuple[str, str]] = {
    "rest_breaks": (
        "Rest breaks",
        "A short break lets me reset and keep going, instead of leaving class for the day.",
    ),
    "water_snacks": (
        "A water bottle and snacks in class",
        "Drinking and eating through the day keeps my energy steady, which helps with pain.",
    ),
    "lift_pass": (
        "A lift or elevator pass",
        "On hard days stairs can set off my pain. The lift gets me to class on time.",
    ),
    "passing_time": (
        "Extra time between classes",
        "A few more minutes lets me walk at a steady pace instead of rushing.",
    ),
    "modified_pe": (
        "A modified PE plan",
        "Moving is part of my treatment. I can join PE with changes my care team suggests.",
    ),
    "nurse_plan": (
        "A nurse visit plan with a time limit",
        "If I need the nurse, a short visit of about 15 minutes and then back to class "
        "keeps me learning.",
    ),
    "quiet_place": (
        "A quiet place to use a coping skill",
        "A few quiet minutes to use a breathing or relaxing skill help me get back to work.",
    ),
    "setback_workload": (
        "Less work or later deadlines during a setback",
        "In a setback, fewer tasks or more time stop me from falling weeks behind.",
    ),
    "second_books": (
        "A second set of books",
        "A set at home means I carry less weight between home and school.",
    ),
    "stand_move": (
        "Permission to stand or move",
        "Changing position helps my body. I will do it quietly.",
    ),
}
OWN_PREFIX = "own-"
_OWN_KEY = re.compile(r"own-[1-9][0-9]?")


@dataclass(frozen=True)
class Accommodation:
    key: str  # a CATALOGUE key, or "own-N" for one the care team wrote
    label: str
    reason: str  # for teachers, in plain words

    @property
    def own(self) -> bool:
        return self.key.startswith(OWN_PREFIX)


@dataclass(frozen=True)
class SchoolStep:
    starts_on: date
    text: str  # e.g. "Half days, every school day"
    full_days: int  # the week's target of full days at school
    part_days: int  # and of part days (a full day counts for a part day too)

    def target(self) -> str:
        """'3 full days', '2 full days and 3 part days', '5 part days'."""
        parts = [
            f"{n} {what} day{'' if n == 1 else 's'}"
            for n, what in ((self.full_days, "full"), (self.part_days, "part"))
            if n
        ]
        return " and ".join(parts)


def clean_accommodations(rows: list) -> list[Accommodation]:
    """The care team's choice: ``[{"key", "label"?, "reason"?}]``. A catalogue key keeps its
    label; an empty reason takes the catalogue's. Their own need a label and a reason."""
    if not isinstance(rows, list | tuple):
        raise InvalidInput("accommodations", "Please choose accommodations from the list.")
    rows = [r for r in rows if not _empty_own(r)]  # an empty row of the form: nothing written
    if len(rows) > len(CATALOGUE) + MAX_OWN:
        raise InvalidInput("accommodations", "That is more accommodations than a plan holds.")
    cleaned: list[Accommodation] = []
    own = 0
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("key"), str):
            raise InvalidInput("accommodations", "Please choose accommodations from the list.")
        key = row["key"]
        reason = clean_text(row.get("reason"), "accommodations", max_length=300, required=False)
        if key in CATALOGUE:
            label, default = CATALOGUE[key]
            cleaned.append(Accommodation(key, label, reason or default))
            continue
        if not _OWN_KEY.fullmatch(key):
            raise InvalidInput("accommodations", "Please choose accommodations from the list.")
        own += 1
        label = clean_text(row.get("label"), "accommodations", max_length=100, required=False)
        if not label:
            raise InvalidInput("accommodations", "Please name each accommodation of your own.")
        if not reason:
            raise InvalidInput(
                "accommodations", f"“{label}”: please add a short reason for teachers."
            )
        cleaned.append(Accommodation(key, label, reason))
    if own > MAX_OWN:
        raise InvalidInput("accommodations", f"Please add at most {MAX_OWN} of your own.")
    keys = [a.key for a in cleaned]
    labels = [a.label.lower() for a in cleaned]
    if len(set(keys)) != len(keys) or len(set(labels)) != len(labels):
        raise InvalidInput("accommodations", "Each accommodation needs its own name.")
    return cleaned


def _empty_own(row: object) -> bool:
    return (
        isinstance(row, dict)
        and isinstance(row.get("key"), str)
        and row["key"].startswith(OWN_PREFIX)
        and not str(row.get("label") or "").strip()
        and not str(row.get("reason") or "").strip()
    )


def own_keys(count: int) -> list[str]:
    """Keys for the care team's own accommodations, in the order they are listed."""
    return [f"{OWN_PREFIX}{n}" for n in range(1, count + 1)]


def clean_steps(rows: list, *, discharged_on: date) -> list[SchoolStep]:
    """The graded return: ``[{"starts_on", "text", "full_days", "part_days"}]``, one step
    per start date, each with a target of at most 7 days in all."""
    if not isinstance(rows, list | tuple) or len(rows) > MAX_STEPS:
        raise InvalidInput("school_steps", f"A graded return holds at most {MAX_STEPS} steps.")
    steps: list[SchoolStep] = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise InvalidInput("school_steps", f"Step {n} is not filled in properly.")
        text = clean_text(row.get("text"), "school_steps", max_length=120, required=False)
        start = row.get("starts_on")
        if (
            not text
            and start in (None, "")
            and not row.get("full_days")
            and not row.get("part_days")
        ):
            continue  # an empty row of the table
        if not text:
            raise InvalidInput("school_steps", f"Step {n}: please say what the step is.")
        day = _day(start, n)
        if not discharged_on <= day <= discharged_on + STEP_HORIZON:
            raise InvalidInput(
                "school_steps", f"Step {n}: the date must fall within two years of discharge."
            )
        full, part = _days(row.get("full_days"), n), _days(row.get("part_days"), n)
        if full + part == 0 or full + part > 7:
            raise InvalidInput(
                "school_steps", f"Step {n}: the week's target is 1 to 7 days, full and part."
            )
        steps.append(SchoolStep(day, text, full, part))
    steps.sort(key=lambda s: s.starts_on)
    weeks = [week_of(s.starts_on) for s in steps]
    if len(set(weeks)) != len(weeks):
        raise InvalidInput("school_steps", "Give each step a week of its own.")
    return steps


def _day(value: object, n: int) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        message = f"Step {n}: please give a date like 2027-01-04."
        raise InvalidInput("school_steps", message) from None


def _days(value: object, n: int) -> int:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return 0
    if isinstance(value, bool):
        raise InvalidInput("school_steps", f"Step {n}: days are a number from 0 to 7.")
    try:
        days = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("school_steps", f"Step {n}: days are a number from 0 to 7.") from None
    if days != value and not (isinstance(value, str) and value.strip().isdigit()):
        raise InvalidInput("school_steps", f"Step {n}: days are a whole number from 0 to 7.")
    if not 0 <= days <= 7:
        raise InvalidInput("school_steps", f"Step {n}: days are a number from 0 to 7.")
    return days


def week_of(day: date) -> date:
    """The Monday of ``day``'s week (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def step_for_week(steps: tuple[SchoolStep, ...] | list[SchoolStep], day: date) -> SchoolStep | None:
    """The step in force in ``day``'s week: a step counts from the week its date falls in,
    until the week of the next one (``steps`` in date order). None before the first."""
    monday = week_of(day)
    found = None
    for step in steps:
        if week_of(step.starts_on) <= monday:
            found = step
    return found


def to_json(accommodations, steps) -> tuple[list[dict], list[dict]]:
    return (
        [{"key": a.key, "label": a.label, "reason": a.reason} for a in accommodations],
        [
            {
                "starts_on": s.starts_on.isoformat(),
                "text": s.text,
                "full_days": s.full_days,
                "part_days": s.part_days,
            }
            for s in steps
        ],
    )


def from_json(accommodations: list[dict], steps: list[dict]):
    return (
        tuple(Accommodation(a["key"], a["label"], a["reason"]) for a in accommodations),
        tuple(
            SchoolStep(
                date.fromisoformat(s["starts_on"]), s["text"], s["full_days"], s["part_days"]
            )
            for s in steps
        ),
    )
