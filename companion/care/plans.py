"""The care plan: versioned home plan (exercises, coping skills taught, setback plan, modules,
questionnaire schedule, follow-up dates) and the teen's goals with weekly progress.

Every save makes a new version that starts on a date; a day is judged against the version in
force that day (the latest ``starts_on`` on or before it). A new version never starts before
today, so days already lived keep the plan they had. The first plan may start at discharge.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlite_utils import Database

from companion import access, audit
from companion.access import Permission
from companion.auth.accounts import clean_text
from companion.care import school
from companion.care.school import Accommodation, SchoolStep
from companion.db import is_row_id, stamp, transaction
from companion.errors import InvalidInput
from companion.identity import User
from companion.people.patients import Patient

# docs/clinical-sources.md "What teens practise at home": the built-in coping skills.
BUILT_IN_SKILLS = (
    "Diaphragmatic breathing",
    "Progressive muscle relaxation",
    "Guided imagery",
    "Distraction through valued activities",
    "Activity pacing",
    "Noticing unhelpful thoughts",
    "Thought challenging",
    "Mindfulness",
    "Positive self-talk",
    "Problem solving",
    "Sleep routine",
    "Regular meals and drinks",
)
GOAL_CATEGORIES = ("school", "sport", "friends", "self-care", "eating and drinking", "other")
MODULES = {
    "hydration": "Drinks",
    "meals": "Meals",
    "school_extras": "Nurse visits and early pick-up",
}
GOAL_RATINGS = ("Not started", "A little", "Halfway", "Mostly", "Done")
MAX_EXERCISES = 15
MAX_SKILLS = 20
MAX_FUTURE_START = timedelta(days=90)
_URL_RE = re.compile(r"^https?://[^\s<>\"']{3,300}$")
_QUESTIONNAIRE_RE = re.compile(r"^[a-z0-9-]{1,40}$")


@dataclass(frozen=True)
class Exercise:
    key: str
    name: str
    dose: str
    days_per_week: int
    instructions: str = ""
    video_url: str = ""


@dataclass(frozen=True)
class PlanVersion:
    id: int
    patient_id: int
    starts_on: date
    created_at: str
    author: str
    episode_id: int = 0
    exercises: tuple[Exercise, ...] = ()
    coping_skills: tuple[str, ...] = ()
    warning_signs: str = ""
    what_helps: str = ""
    contacts: str = ""
    modules: tuple[str, ...] = ()
    questionnaires: tuple[str, ...] = ()
    follow_ups: tuple[date, ...] = ()
    change_note: str = ""
    accommodations: tuple[Accommodation, ...] = ()
    school_steps: tuple[SchoolStep, ...] = ()

    @property
    def has_setback_plan(self) -> bool:
        return bool(self.warning_signs or self.what_helps or self.contacts)

    def exercise(self, key: str) -> Exercise | None:
        return next((e for e in self.exercises if e.key == key), None)


@dataclass(frozen=True)
class Goal:
    id: int
    patient_id: int
    text: str
    category: str
    steps: tuple[str, ...] = field(default_factory=tuple)


# --- validation ---------------------------------------------------------------------------


def _slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "exercise"
    return f"{base}-{secrets.token_hex(2)}"


def clean_exercises(rows: list[dict], *, known_keys: set[str]) -> list[Exercise]:
    """Validate the exercise table; keep stable keys, give new rows a new key."""
    if not isinstance(rows, list) or len(rows) > MAX_EXERCISES:
        raise InvalidInput("exercises", f"A plan holds at most {MAX_EXERCISES} exercises.")
    cleaned: list[Exercise] = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise InvalidInput("exercises", f"Exercise {n} is not filled in properly.")
        name = clean_text(row.get("name"), "exercises", max_length=80)
        if not any(ch.isalpha() for ch in name):
            raise InvalidInput(
                "exercises", f"Exercise {n}: please give it a name in words, not only a number."
            )
        where = f"Exercise {n} ({name})"
        dose = _clean(row.get("dose"), f"{where}: dose", 40)

        instructions = _clean(row.get("instructions"), f"{where}: instructions", 1000)
        video = _clean(row.get("video_url"), f"{where}: video link", 300)
        if video and not _URL_RE.fullmatch(video):
            raise InvalidInput("exercises", f"{where}: the video link must start with https://")
        days = _days_per_week(row.get("days_per_week"), where)
        key = row.get("key") or None
        if key is not None and (not isinstance(key, str) or key not in known_keys):
            raise InvalidInput("exercises", f"{where}: unknown exercise key.")
        cleaned.append(Exercise(key or _slug(name), name, dose, days, instructions, video))
    names = [e.name.lower() for e in cleaned]
    keys = [e.key for e in cleaned]
    if len(set(names)) != len(names) or len(set(keys)) != len(keys):
        raise InvalidInput("exercises", "Each exercise needs its own name.")
    return cleaned


def _clean(value: object, label: str, max_length: int) -> str:
    try:
        return clean_text(value, "exercises", max_length=max_length, required=False)
    except InvalidInput as problem:
        raise InvalidInput("exercises", f"{label}: {problem.message}") from None


def _days_per_week(value: object, where: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        days = int(value)  # type: ignore[arg-type]
        if days != value and not (isinstance(value, str) and value.strip().isdigit()):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("exercises", f"{where}: days per week must be 1 to 7.") from None
    if not 1 <= days <= 7:
        raise InvalidInput("exercises", f"{where}: days per week must be 1 to 7.")
    return days


def clean_skills(skills: list[str]) -> list[str]:
    if not isinstance(skills, list) or len(skills) > MAX_SKILLS:
        raise InvalidInput("coping_skills", f"Choose at most {MAX_SKILLS} coping skills.")
    cleaned: list[str] = []
    for skill in skills:
        text = clean_text(skill, "coping_skills", max_length=60)
        if "\n" in text:
            raise InvalidInput("coping_skills", "Keep each coping skill on one line.")
        if text.lower() not in {s.lower() for s in cleaned}:
            cleaned.append(text)
    return cleaned


def _clean_dates(values: list, field_name: str, *, earliest: date, latest: date) -> list[date]:
    if not isinstance(values, list) or len(values) > 24:
        raise InvalidInput(field_name, "Please list at most 24 dates.")
    days: set[date] = set()
    for value in values:
        day = _as_date(value, field_name)
        if not earliest <= day <= latest:
            raise InvalidInput(
                field_name, f"Dates must fall between {earliest:%d %b %Y} and {latest:%d %b %Y}."
            )
        days.add(day)
    return sorted(days)


def _as_date(value: object, field_name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(field_name, "Please enter dates like 2026-12-01.") from None


def apply_table_edits(rows: list[dict], edits: dict) -> list[dict]:
    """Apply a table editor's changes (edited, deleted and added rows) to ``rows``.

    ``edits`` is the editor's state: ``{"edited_rows": {index: {column: value}},
    "deleted_rows": [index], "added_rows": [{column: value}]}``. Empty cells become None.
    """
    result = [dict(r) for r in rows]
    for index, changes in (edits.get("edited_rows") or {}).items():
        i = int(index)
        if 0 <= i < len(result):
            result[i].update(changes)
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    result = [r for i, r in enumerate(result) if i not in deleted]
    result += [dict(r) for r in edits.get("added_rows") or [] if isinstance(r, dict)]
    return [{k: (None if _blank(v) else v) for k, v in r.items()} for r in result]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


# --- plan versions ------------------------------------------------------------------------


def save_plan(
    db: Database,
    actor: User,
    patient_id: int,
    *,
    today: date,
    starts_on: date | None = None,
    exercises: list[dict] = (),  # type: ignore[assignment]
    coping_skills: list[str] = (),  # type: ignore[assignment]
    warning_signs: str = "",
    what_helps: str = "",
    contacts: str = "",
    modules: list[str] = (),  # type: ignore[assignment]
    questionnaires: list[str] = (),  # type: ignore[assignment]
    follow_ups: list = (),  # type: ignore[assignment]
    change_note: str = "",
    accommodations: list[dict] = (),  # type: ignore[assignment]
    school_steps: list[dict] = (),  # type: ignore[assignment]
) -> PlanVersion:
    """Save the whole home plan as a new version. Only the care team may."""
    patient = access.require(db, actor, Permission.EDIT_PLAN, patient_id)
    versions = list_versions(db, patient.id)
    start = _start_date(starts_on, patient, versions, today)
    known = {e.key for v in versions for e in v.exercises}
    rows = clean_exercises(list(exercises), known_keys=known)
    skills = clean_skills(list(coping_skills))
    texts = {
        name: clean_text(value, name, max_length=1000, required=False)
        for name, value in (
            ("warning_signs", warning_signs),
            ("what_helps", what_helps),
            ("contacts", contacts),
            ("change_note", change_note),
        )
    }
    if not all(isinstance(m, str) for m in modules):
        raise InvalidInput("modules", "Unknown check-in module.")
    if not all(isinstance(q, str) for q in questionnaires):
        raise InvalidInput("questionnaires", "Unknown questionnaire.")
    chosen_modules = list(dict.fromkeys(modules))
    if any(m not in MODULES for m in chosen_modules):
        raise InvalidInput("modules", "Unknown check-in module.")
    chosen_q = list(dict.fromkeys(questionnaires))
    if any(not isinstance(q, str) or not _QUESTIONNAIRE_RE.fullmatch(q) for q in chosen_q):
        raise InvalidInput("questionnaires", "Unknown questionnaire.")
    visits = _clean_dates(
        list(follow_ups),
        "follow_ups",
        earliest=patient.discharged_on,
        latest=patient.discharged_on + timedelta(days=3 * 365),
    )
    supports, steps = school.to_json(
        school.clean_accommodations(list(accommodations)),
        school.clean_steps(list(school_steps), discharged_on=patient.discharged_on),
    )
    with transaction(db):
        version_id = db.execute(
            "INSERT INTO plan_versions (patient_id, episode_id, starts_on, author_id, created_at,"
            " warning_signs, what_helps, contacts, modules, questionnaires, follow_ups,"
            " change_note, accommodations, school_steps)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                patient.id,
                patient.episode_id,
                start.isoformat(),
                actor.id,
                stamp(),
                texts["warning_signs"],
                texts["what_helps"],
                texts["contacts"],
                json.dumps(chosen_modules),
                json.dumps(chosen_q),
                json.dumps([d.isoformat() for d in visits]),
                texts["change_note"],
                json.dumps(supports),
                json.dumps(steps),
            ],
        ).lastrowid
        for position, e in enumerate(rows):
            db.execute(
                "INSERT INTO plan_exercises (version_id, key, position, name, dose, days_per_week,"
                " instructions, video_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    version_id,
                    e.key,
                    position,
                    e.name,
                    e.dose,
                    e.days_per_week,
                    e.instructions,
                    e.video_url,
                ],
            )
        for position, skill in enumerate(skills):
            db.execute(
                "INSERT INTO plan_coping_skills (version_id, skill, position) VALUES (?, ?, ?)",
                [version_id, skill, position],
            )
        audit.record(db, actor, "plan_version", patient_id=patient.id, detail=start.isoformat())
    return get_version(db, version_id)


def _start_date(
    starts_on: date | None, patient: Patient, versions: list[PlanVersion], today: date
) -> date:
    if not versions:
        earliest = patient.discharged_on
    elif versions[-1].episode_id != patient.episode_id:  # the first plan after a readmission
        earliest = max(patient.discharged_on, versions[-1].starts_on)
    else:
        earliest = max(today, versions[-1].starts_on)
    start = starts_on or max(today, earliest)
    if not isinstance(start, date):
        start = _as_date(start, "starts_on")
    if start < earliest:
        why = (
            "The first plan can't start before discharge."
            if earliest == patient.discharged_on
            else "A change can't start before today: days already lived keep their plan."
        )
        raise InvalidInput("starts_on", why)
    if start > today + MAX_FUTURE_START:
        raise InvalidInput("starts_on", "Please start the plan within the next 90 days.")
    return start


def _versions(db: Database, where: str, params: list) -> list[PlanVersion]:
    rows = list(
        db.query(
            "SELECT v.*, u.display_name AS author FROM plan_versions v"
            " LEFT JOIN users u ON u.id = v.author_id WHERE "
            + where
            + " ORDER BY v.starts_on, v.id",
            params,
        )
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    exercises: dict[int, list[Exercise]] = {i: [] for i in ids}
    for e in db.query(
        f"SELECT * FROM plan_exercises WHERE version_id IN ({marks}) ORDER BY position", ids
    ):
        exercises[e["version_id"]].append(
            Exercise(
                e["key"],
                e["name"],
                e["dose"],
                e["days_per_week"],
                e["instructions"],
                e["video_url"],
            )
        )
    skills: dict[int, list[str]] = {i: [] for i in ids}
    for s in db.query(
        f"SELECT * FROM plan_coping_skills WHERE version_id IN ({marks}) ORDER BY position", ids
    ):
        skills[s["version_id"]].append(s["skill"])
    return [_version(r, exercises[r["id"]], skills[r["id"]]) for r in rows]


def _version(row: dict, exercises: list[Exercise], skills: list[str]) -> PlanVersion:
    supports, steps = school.from_json(
        json.loads(row["accommodations"]), json.loads(row["school_steps"])
    )
    return PlanVersion(
        id=row["id"],
        patient_id=row["patient_id"],
        starts_on=date.fromisoformat(row["starts_on"]),
        created_at=row["created_at"],
        author=row["author"] or "",
        episode_id=row["episode_id"],
        exercises=tuple(exercises),
        coping_skills=tuple(skills),
        warning_signs=row["warning_signs"],
        what_helps=row["what_helps"],
        contacts=row["contacts"],
        modules=tuple(json.loads(row["modules"])),
        questionnaires=tuple(json.loads(row["questionnaires"])),
        follow_ups=tuple(date.fromisoformat(d) for d in json.loads(row["follow_ups"])),
        change_note=row["change_note"],
        accommodations=supports,
        school_steps=steps,
    )


def list_versions(db: Database, patient_id: int) -> list[PlanVersion]:
    """Every version, oldest first (two on one start date: the later save wins)."""
    return _versions(db, "v.patient_id = ?", [patient_id])


def versions_of(db: Database, patient_ids: list[int]) -> list[PlanVersion]:
    """Every version of several patients, oldest first (the panel reads a care team)."""
    if not patient_ids:
        return []
    marks = ",".join("?" * len(patient_ids))
    return _versions(db, f"v.patient_id IN ({marks})", list(patient_ids))


def get_version(db: Database, version_id: int) -> PlanVersion:
    found = _versions(db, "v.id = ?", [version_id])
    if not found:
        raise InvalidInput("plan", "No such plan version.")
    return found[0]


def plan_on(versions: list[PlanVersion], day: date) -> PlanVersion | None:
    """The version in force on ``day``: the latest start on or before it (``versions`` oldest
    first; of two with one start date the later save). The one home of this rule."""
    index = bisect_right([v.starts_on for v in versions], day) - 1
    return versions[index] if index >= 0 else None


def plans_by_day(
    versions: list[PlanVersion], first: date, days: int
) -> Iterator[tuple[date, PlanVersion]]:
    """(day, the version in force) for each of ``days`` days from ``first``, skipping days
    before the first version: ``plan_on``'s rule for a run of days."""
    starts = [v.starts_on for v in versions]
    for n in range(days):
        day = first + timedelta(days=n)
        index = bisect_right(starts, day) - 1
        if index >= 0:
            yield day, versions[index]


def changes(before: PlanVersion | None, after: PlanVersion) -> list[str]:
    """What ``after`` changed from ``before``, one plain line per change (the plan editor's
    version history); the first version is "First plan"."""
    if before is None:
        return ["First plan"]
    found = [
        *_keyed("Exercise", before.exercises, after.exercises, "name"),
        *_keyed("Coping skill", _skills(before), _skills(after), "name"),
        *_keyed("School accommodation", before.accommodations, after.accommodations, "label"),
    ]
    if before.school_steps != after.school_steps:
        found.append(f"Graded return: {len(after.school_steps)} steps")
    for name, label in (
        ("warning_signs", "Warning signs"),
        ("what_helps", "What helps"),
        ("contacts", "Who to contact"),
        ("follow_ups", "Follow-up dates"),
    ):
        if getattr(before, name) != getattr(after, name):
            found.append(f"{label} changed")
    for name, label in (
        ("modules", "Extra check-in questions"),
        ("questionnaires", "Questionnaires"),
    ):
        if set(getattr(before, name)) != set(getattr(after, name)):
            found.append(f"{label} changed")
    return found or ["No change"]


@dataclass(frozen=True)
class _Skill:
    key: str
    name: str


def _skills(version: PlanVersion) -> list[_Skill]:
    return [_Skill(s.lower(), s) for s in version.coping_skills]


def _keyed(what: str, old_items, new_items, name: str) -> list[str]:
    """Added, removed and changed items of one kind, matched by their ``key``."""
    old = {i.key: i for i in old_items}
    new = {i.key: i for i in new_items}
    return [
        *(f"{what} added: {getattr(new[k], name)}" for k in new if k not in old),
        *(f"{what} removed: {getattr(old[k], name)}" for k in old if k not in new),
        *(f"{what} changed: {getattr(new[k], name)}" for k in new if k in old and old[k] != new[k]),
    ]


def current_plan(db: Database, patient_id: int, today: date) -> PlanVersion | None:
    return plan_on(list_versions(db, patient_id), today)


# --- goals --------------------------------------------------------------------------------


def _goal(row: dict) -> Goal:
    return Goal(
        row["id"], row["patient_id"], row["text"], row["category"], tuple(json.loads(row["steps"]))
    )


def list_goals(db: Database, patient_id: int) -> list[Goal]:
    return [
        _goal(r)
        for r in db.query(
            "SELECT * FROM goals WHERE patient_id = ? AND archived_at IS NULL ORDER BY id",
            [patient_id],
        )
    ]


def save_goal(
    db: Database,
    actor: User,
    patient_id: int,
    *,
    text: str,
    category: str,
    steps: list[str] = (),  # type: ignore[assignment]
    goal_id: int | None = None,
) -> Goal:
    """The care team adds or edits a discharge goal with its small steps."""
    patient = access.require(db, actor, Permission.EDIT_PLAN, patient_id)
    goal_text = clean_text(text, "goal", max_length=200)
    if category not in GOAL_CATEGORIES:
        raise InvalidInput("goal_category", "Please choose a category from the list.")
    step_list = [clean_text(s, "goal_steps", max_length=120) for s in steps if str(s).strip()]
    if len(step_list) > 10:
        raise InvalidInput("goal_steps", "Please keep to 10 small steps or fewer.")
    with transaction(db):
        if goal_id is None:
            goal_id = db.execute(
                "INSERT INTO goals (patient_id, text, category, steps, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [patient.id, goal_text, category, json.dumps(step_list), stamp(), actor.id],
            ).lastrowid
        else:
            changed = db.execute(
                "UPDATE goals SET text = ?, category = ?, steps = ?"
                " WHERE id = ? AND patient_id = ?",
                [goal_text, category, json.dumps(step_list), goal_id, patient.id],
            ).rowcount
            if changed != 1:
                raise InvalidInput("goal", "That goal isn't part of this plan.")
        audit.record(db, actor, "goal", patient_id=patient.id)
    return next(g for g in list_goals(db, patient.id) if g.id == goal_id)


def archive_goal(db: Database, actor: User, patient_id: int, goal_id: int) -> None:
    patient = access.require(db, actor, Permission.EDIT_PLAN, patient_id)
    if not is_row_id(goal_id):
        raise InvalidInput("goal", "No such goal.")
    with transaction(db):
        db.execute(
            "UPDATE goals SET archived_at = ? WHERE id = ? AND patient_id = ?",
            [stamp(), goal_id, patient.id],
        )


week_start = school.week_of  # weeks run Monday to Sunday: one home for the rule


def record_goal_progress(
    db: Database,
    actor: User,
    patient_id: int,
    goal_id: int,
    *,
    rating: int,
    steps_done: list[int],
    today: date,
) -> None:
    """The teen marks this week's progress on a goal (saving again updates the week)."""
    patient = access.require(db, actor, Permission.UPDATE_GOALS, patient_id)
    goal = next((g for g in list_goals(db, patient.id) if g.id == goal_id), None)
    if goal is None:
        raise InvalidInput("goal", "That goal isn't part of your plan.")
    if isinstance(rating, bool) or rating not in range(len(GOAL_RATINGS)):
        raise InvalidInput("rating", "Please choose how far you got.")
    # check the types before sorting: sorting None, 5 and [[1]] together raises TypeError
    if not isinstance(steps_done, list | tuple) or any(
        isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(goal.steps)
        for i in steps_done
    ):
        raise InvalidInput("steps_done", "Please tick steps from the list.")
    done = sorted(set(steps_done))
    with transaction(db):
        db.execute(
            "INSERT INTO goal_progress (goal_id, week_start, rating, steps_done, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(goal_id, week_start) DO UPDATE SET"
            " rating = excluded.rating, steps_done = excluded.steps_done,"
            " updated_at = excluded.updated_at",
            [goal_id, week_start(today).isoformat(), rating, json.dumps(done), stamp()],
        )


def goal_progress(db: Database, patient_id: int) -> dict[int, list[dict]]:
    """Each goal's weekly progress, oldest week first."""
    progress: dict[int, list[dict]] = {}
    for row in db.query(
        "SELECT p.goal_id, p.week_start, p.rating, p.steps_done FROM goal_progress p"
        " JOIN goals g ON g.id = p.goal_id WHERE g.patient_id = ? ORDER BY p.week_start",
        [patient_id],
    ):
        row["steps_done"] = json.loads(row["steps_done"])
        progress.setdefault(row["goal_id"], []).append(row)
    return progress
