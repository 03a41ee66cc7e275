"""The school note: one page for school that the teen builds and controls.

Nothing goes in without the teen's choice: every accommodation starts unticked, the teen's
own lines are theirs, and attendance, pain, mood, the graded return's step, the programme's
line for the school nurse and the US "504 plan" line each go in only when ticked. Each note
the teen makes is kept exactly as made (``school_notes``), so what a parent downloads and
what the care team sees is what the teen chose. Parents get a note only while the teen
shares it (``access``: ``VIEW_SHARED_SCHOOL_NOTE``); the care team sees every note and when
each was shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from fpdf import FPDF
from sqlite_utils import Database

from companion import access, audit
from companion.access import Permission
from companion.auth.accounts import clean_text
from companion.care import checkins, plans
from companion.care.school import step_for_week, week_of
from companion.db import stamp, transaction
from companion.errors import InvalidInput
from companion.identity import User
from companion.insight import metrics
from companion.insight.reports import FONTS

ATTENDANCE_WEEKS = 4  # the weeks before this one, each as "3½ of 5 school days"
PAIN_DAYS = 14
MAX_WORDS = 400  # characters in each of the teen's own lines
CHOICES = ("step", "attendance", "pain", "mood", "contact", "us_504")
US_504 = (
    "In the US, these supports can be written into a 504 plan. (This is a US term: schools "
    "elsewhere have their own plans.)"
)


@dataclass(frozen=True)
class Note:
    id: int
    patient_id: int
    number: int
    made_at: str
    content: dict
    shared_at: str | None
    unshared_at: str | None

    @property
    def shared(self) -> bool:
        return self.shared_at is not None and self.unshared_at is None


def compose(
    db: Database,
    user: User | None,
    patient_id: int,
    *,
    accommodations: list,
    helps: object = "",
    teachers: object = "",
    include: dict | None = None,
    today: date,
    settings: dict,
) -> dict:
    """What the note says with these choices (the preview, and what ``make`` keeps)."""
    patient = access.require(db, user, Permission.WRITE_SCHOOL_NOTE, patient_id)
    chosen = _include(include or {})
    plan = plans.current_plan(db, patient.id, today)
    offered = {a.key: a for a in (plan.accommodations if plan else ())}
    if not isinstance(accommodations, list | tuple) or any(
        not isinstance(k, str) or k not in offered for k in accommodations
    ):
        raise InvalidInput("accommodations", "Please tick accommodations from your plan.")
    content: dict = {
        "name": patient.display_name,
        "made_on": today.isoformat(),
        "accommodations": [
            {"label": offered[k].label, "reason": offered[k].reason}
            for k in dict.fromkeys(accommodations)
        ],
        "helps": clean_text(helps, "helps", max_length=MAX_WORDS, required=False),
        "teachers": clean_text(teachers, "teachers", max_length=MAX_WORDS, required=False),
    }
    if chosen["step"] and plan and plan.school_steps:
        step = step_for_week(plan.school_steps, today)
        if step is not None:
            content["step"] = f"{step.text}: {step.target()} a week"
    if chosen["attendance"]:
        first = week_of(today) - timedelta(weeks=ATTENDANCE_WEEKS)
        days = checkins.school_marks(db, patient.id, first=first, last=today)
        content["attendance"] = _attendance(days, today, discharged_on=patient.discharged_on)
    for what in ("pain", "mood"):
        if chosen[what]:
            content[what] = _recent_mean(db, patient.id, what, today)
    if chosen["contact"] and settings.get("school_contact"):
        content["contact"] = settings["school_contact"]
    if chosen["us_504"]:
        content["us_504"] = True
    return content


def _include(include: dict) -> dict[str, bool]:
    if not isinstance(include, dict) or any(k not in CHOICES for k in include):
        raise InvalidInput("include", "Please choose from the list.")
    if any(not isinstance(v, bool) for v in include.values()):
        raise InvalidInput("include", "Please choose on or off.")
    return {k: include.get(k, False) for k in CHOICES}


def _attendance(days, today: date, *, discharged_on: date) -> list[str]:
    """The weeks before this one, oldest first: "Week of 2 Nov: 3½ of 5 school days"."""
    lines = []
    for n in range(ATTENDANCE_WEEKS, 0, -1):
        monday = week_of(today) - timedelta(weeks=n)
        if monday + timedelta(days=6) < discharged_on:
            continue
        week = metrics.school_in(days, metrics.Period(monday, monday + timedelta(days=6)))
        if week.school_days:
            text = f"{metrics.halves(week.attended)} of {week.school_days} school days"
        else:
            text = "no school days logged"
        lines.append(f"Week of {monday:%-d %b}: {text}")
    return lines


def _recent_mean(db: Database, patient_id: int, what: str, today: date) -> str:
    column = {"pain": "pain", "mood": "mood"}[what]
    values = [
        row[0]
        for row in db.execute(
            f"SELECT {column} FROM checkins WHERE patient_id = ? AND day > ? AND day <= ?"
            f" AND {column} IS NOT NULL",
            [patient_id, (today - timedelta(days=PAIN_DAYS)).isoformat(), today.isoformat()],
        )
    ]
    if not values:
        return f"not logged in the last {PAIN_DAYS} days"
    scale = "0 to 10" if what == "pain" else "1 to 5"
    mean = sum(values) / len(values)
    return f"{metrics._fmt(mean)} on a scale of {scale}, on average over the last {PAIN_DAYS} days"


def lines(content: dict) -> list[tuple[str, str]]:
    """The note as (kind, text) lines, in order: the preview and the PDF both draw these.
    Kinds: title, heading, text, item (a bold label), reason, small."""
    name = content["name"]
    made = date.fromisoformat(content["made_on"])
    out: list[tuple[str, str]] = [("title", f"A note for school from {name}")]
    out.append(("small", f"Written by {name} on {made:%-d %B %Y}. {name} chose what is in it."))
    out.append(
        (
            "text",
            f"{name} is getting back to school after treatment for long-lasting pain. Being at "
            "school, even on days with pain, is part of getting better.",
        )
    )
    if content.get("helps"):
        out += [("heading", "What helps me"), ("text", content["helps"])]
    if content.get("teachers"):
        out += [("heading", "What I'd like teachers to know"), ("text", content["teachers"])]
    if content["accommodations"]:
        out.append(("heading", "What the school can do to help"))
        for a in content["accommodations"]:
            out += [("item", a["label"]), ("reason", a["reason"])]
    if content.get("us_504"):
        out.append(("small", US_504))
    if content.get("step"):
        out += [("heading", "My return to school, step by step"), ("text", content["step"])]
    if content.get("attendance"):
        out.append(("heading", "My school attendance"))
        out += [("text", line) for line in content["attendance"]]
        out.append(("small", "Part days count half. Days I did not log are left out."))
    for what, label in (("pain", "My pain"), ("mood", "My mood")):
        if content.get(what):
            out += [("heading", label), ("text", content[what])]
    if content.get("contact"):
        out += [("heading", "For the school nurse"), ("text", content["contact"])]
    return out


def make(db: Database, user: User | None, patient_id: int, content: dict) -> Note:
    """Keep ``content`` (from ``compose``) as the teen's next note."""
    patient = access.require(db, user, Permission.WRITE_SCHOOL_NOTE, patient_id)
    with transaction(db):
        number = (
            1
            + db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM school_notes WHERE patient_id = ?",
                [patient.id],
            ).fetchone()[0]
        )
        note_id = db.execute(
            "INSERT INTO school_notes (patient_id, number, made_at, content) VALUES (?, ?, ?, ?)",
            [patient.id, number, stamp(), json.dumps(content)],
        ).lastrowid
        audit.record(db, user, "school_note", patient_id=patient.id, detail=f"note {number}")
    return _notes(db, patient.id, "id = ?", [note_id])[0]


def share(db: Database, user: User | None, patient_id: int, note_id: int, *, on: bool) -> None:
    """The teen shares one note with their parents (any other stops being shared), or stops."""
    patient = access.require(db, user, Permission.WRITE_SCHOOL_NOTE, patient_id)
    if not isinstance(on, bool):
        raise InvalidInput("share", "Please choose on or off.")
    note = next((n for n in _notes(db, patient.id) if n.id == note_id), None)
    if note is None:
        raise InvalidInput("share", "That note isn't yours.")
    now = stamp()
    with transaction(db):
        db.execute(
            "UPDATE school_notes SET unshared_at = ? WHERE patient_id = ?"
            " AND shared_at IS NOT NULL AND unshared_at IS NULL",
            [now, patient.id],
        )
        if on:
            db.execute(
                "UPDATE school_notes SET shared_at = ?, unshared_at = NULL WHERE id = ?",
                [now, note.id],
            )
        what = "shared" if on else "stopped sharing"
        audit.record(
            db,
            user,
            "school_note_share",
            patient_id=patient.id,
            detail=f"{what} note {note.number}",
        )


def _notes(db: Database, patient_id: int, where: str = "1", params=()) -> list[Note]:
    return [
        Note(
            r["id"],
            r["patient_id"],
            r["number"],
            r["made_at"],
            json.loads(r["content"]),
            r["shared_at"],
            r["unshared_at"],
        )
        for r in db.query(
            f"SELECT * FROM school_notes WHERE patient_id = ? AND {where} ORDER BY number",
            [patient_id, *params],
        )
    ]


def notes(db: Database, user: User | None, patient_id: int) -> list[Note]:
    """Every note, oldest first, with when each was shared: for the teen and the care team."""
    patient = access.require(db, user, Permission.VIEW_SCHOOL_NOTES, patient_id, audit_view=True)
    return _notes(db, patient.id)


def shared_note(db: Database, user: User | None, patient_id: int) -> Note | None:
    """The note the teen shares now (a parent sees only this one), or None."""
    patient = access.require(db, user, Permission.VIEW_SHARED_SCHOOL_NOTE, patient_id)
    found = _notes(db, patient.id, "shared_at IS NOT NULL AND unshared_at IS NULL")
    return found[-1] if found else None


def note_pdf(db: Database, user: User | None, patient_id: int, note_id: int) -> bytes:
    """One note as a one-page PDF: any of their own for the teen and the care team, only the
    shared one for a parent."""
    patient = access.require(db, user, Permission.VIEW_SHARED_SCHOOL_NOTE, patient_id)
    if access.can(db, user, Permission.VIEW_SCHOOL_NOTES, patient):
        note = next((n for n in _notes(db, patient.id) if n.id == note_id), None)
    else:
        shared = shared_note(db, user, patient.id)
        note = shared if shared is not None and shared.id == note_id else None
    if note is None:
        raise InvalidInput("note", "That note isn't available.")
    audit.record(
        db, user, "export_school_note", patient_id=patient.id, detail=f"note {note.number}"
    )
    return to_pdf(note.content)


def filename(note: Note) -> str:
    return f"school-note-{note.number}.pdf"


STYLE = {  # kind: (size, bold, line height, space before)
    "title": (16, True, 8, 0),
    "heading": (11.5, True, 6, 3),
    "text": (10.5, False, 5.2, 0),
    "item": (10.5, True, 5.2, 1),
    "reason": (10.5, False, 5.2, 0),
    "small": (8.5, False, 4.4, 1),
}


def to_pdf(content: dict) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    pdf.set_title(f"A note for school from {content['name']}")
    for kind, text in lines(content):
        size, bold, height, before = STYLE[kind]
        pdf.ln(before)
        pdf.set_font("DejaVu", "B" if bold else "", size)
        indent = 5 if kind == "reason" else 0
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, height, text, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
