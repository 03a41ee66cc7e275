"""Unsaved check-ins: what a teen has entered on Today but not saved yet.

A reload, or a phone that drops the tab while the teen answers a text, starts a new page
with nothing in it; the draft brings back what was entered, marked "not saved yet". A draft
is kept per sign-in session, patient and day (table ``checkin_drafts``). It is never a
check-in: no metric, chart, export or other person reads it, and nothing in it is saved
until the teen taps Save. It goes when that day's check-in is saved (from any device), when
its session ends (signing out or any revocation, by a trigger), when the account or record
is deleted, and ``KEEP_DAYS`` after it was last changed.

Answers have the form's shape: every field of ``checkins.FIELDS``, ``outcomes`` (exercise
key to outcome) and ``coping`` (a list of ``{"skill", "helpfulness"}``).
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

from sqlite_utils import Database

from companion import access
from companion.access import Permission
from companion.auth import sessions
from companion.care import checkins
from companion.db import now, stamp, transaction
from companion.identity import User

KEEP_DAYS = checkins.BACKFILL_DAYS  # gone a week after its last change (a day is open a week)
MAX_BYTES = 32_000  # a pasted essay is not kept (Save says why it is too long)

_CHOICES = {
    "pain": set(range(11)),
    "mood": set(checkins.MOODS),
    "sleep_quality": set(checkins.SLEEP_QUALITY),
    "school": set(checkins.SCHOOL),
    "early_pickup": {True, False},
}
_NUMBERS = ("sleep_hours", "nurse_visits", "active_minutes", "drinks", "meals")
_TEXTS = ("note", "question")


def blank() -> dict:
    """The answers of a day nobody has answered yet."""
    answers: dict = {name: None for name in checkins.FIELDS}
    answers.update(activities=[], note="", question="", outcomes={}, coping=[])
    return answers


def answers_of(saved: checkins.Checkin | None) -> dict:
    """A saved check-in in the form's shape (blank when there is none)."""
    answers = blank()
    if saved is not None:
        answers.update({name: getattr(saved, name) for name in checkins.FIELDS})
        answers["outcomes"] = dict(saved.outcomes)
        answers["coping"] = [
            {"skill": u["skill"], "helpfulness": u["helpfulness"]} for u in saved.coping
        ]
    return answers


def starting_answers(saved: checkins.Checkin | None, draft: dict | None) -> dict:
    """What the form starts with: the draft where there is one, else what was saved."""
    return {**answers_of(saved), **draft} if draft else answers_of(saved)


def keep(
    db: Database,
    user: User,
    patient_id: int,
    day: date,
    answers: dict,
    *,
    saved: checkins.Checkin | None,
) -> None:
    """Keep ``answers`` as this session's draft for ``day``; forget the draft when they are
    what is already saved (nothing left unsaved) or too big to keep."""
    patient = access.require(db, user, Permission.WRITE_CHECKIN, patient_id)
    session = sessions.session_id(db, user)
    if session is None:
        return
    clean = _sane(answers)
    text = json.dumps(clean, sort_keys=True)
    if _normal(clean) == _normal(answers_of(saved)) or len(text) > MAX_BYTES:
        _delete(db, session, patient.id, day)
        return
    moment = now()
    with transaction(db):
        db.execute(
            "INSERT INTO checkin_drafts (session_id, patient_id, day, answers, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(session_id, patient_id, day)"
            " DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
            [session, patient.id, day.isoformat(), text, stamp(moment)],
        )
        db.execute(
            "DELETE FROM checkin_drafts WHERE updated_at < ?",
            [stamp(moment - timedelta(days=KEEP_DAYS))],
        )


def restore(db: Database, user: User, patient_id: int, day: date) -> dict | None:
    """This session's unsaved answers for ``day``, if any (only values the form offers)."""
    patient = access.require(db, user, Permission.WRITE_CHECKIN, patient_id)
    session = sessions.session_id(db, user)
    if session is None:
        return None
    row = db.execute(
        "SELECT answers, updated_at FROM checkin_drafts"
        " WHERE session_id = ? AND patient_id = ? AND day = ?",
        [session, patient.id, day.isoformat()],
    ).fetchone()
    if row is None or row[1] < stamp(now() - timedelta(days=KEEP_DAYS)):
        return None
    try:
        return _sane(json.loads(row[0]))
    except (ValueError, TypeError):
        return None


def _delete(db: Database, session: int, patient_id: int, day: date) -> None:
    db.execute(
        "DELETE FROM checkin_drafts WHERE session_id = ? AND patient_id = ? AND day = ?",
        [session, patient_id, day.isoformat()],
    )


def _sane(answers: object) -> dict:
    """Only values the form could have held: a choice from its options, a finite number,
    text; anything else becomes not answered (a draft never breaks the page)."""
    given = answers if isinstance(answers, dict) else {}
    clean = blank()
    for name, options in _CHOICES.items():
        value = given.get(name)
        if isinstance(value, bool) != (name == "early_pickup"):
            continue
        if isinstance(value, int | str) and value in options:
            clean[name] = value
    for name in _NUMBERS:
        value = given.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            clean[name] = value
    for name in _TEXTS:
        if isinstance(given.get(name), str):
            clean[name] = given[name]
    activities = given.get("activities")
    if isinstance(activities, list):
        clean["activities"] = [a for a in activities if a in checkins.ACTIVITIES]
    outcomes = given.get("outcomes")
    if isinstance(outcomes, dict):
        clean["outcomes"] = {
            k: v for k, v in outcomes.items() if isinstance(k, str) and v in checkins.OUTCOMES
        }
    coping = given.get("coping")
    if isinstance(coping, list):
        clean["coping"] = [
            {"skill": u["skill"], "helpfulness": _score(u.get("helpfulness"))}
            for u in coping
            if isinstance(u, dict) and isinstance(u.get("skill"), str)
        ]
    return clean


def _score(value: object) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10
    return value if ok else None


def _normal(answers: dict) -> dict:
    """Answers compared as what they mean: order of choices and untouched boxes aside."""
    normal = dict(answers)
    normal["activities"] = sorted(answers["activities"])
    # not rated sorts as -1: 0 ("not at all") is an answer of its own
    normal["coping"] = sorted(
        (u["skill"], -1 if u["helpfulness"] is None else u["helpfulness"])
        for u in answers["coping"]
    )
    normal["note"] = answers["note"].strip()
    normal["question"] = answers["question"].strip()
    for name in _NUMBERS:
        if answers[name] is not None:
            normal[name] = float(answers[name])
    return normal
