"""Follow-up visits: recorded by the care team; each one starts the next "since the last
visit" period. An FDI total taken at the visit is also stored with the questionnaires."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from sqlite_utils import Database

from . import access, audit, checkins, questionnaires
from .access import Permission
from .accounts import clean_text
from .db import stamp, transaction
from .errors import InvalidInput
from .identity import User


def check_measures(pain: object, fdi_total: object) -> None:
    """Measures taken at a visit (or at discharge): pain 0–10 and an FDI total 0–60, each
    optional."""
    if pain is not None and (isinstance(pain, bool) or pain not in range(11)):
        raise InvalidInput("visit_pain", "Pain is a whole number from 0 to 10.")
    if fdi_total is not None:
        questionnaires.fdi_band(fdi_total)  # validates 0–60


def record_visit(
    db: Database,
    clinician: User,
    patient_id: int,
    *,
    day: date,
    today: date,
    pain: int | None,
    fdi_total: int | None,
    notes: str,
) -> dict:
    patient = access.require(db, clinician, Permission.EDIT_PLAN, patient_id)
    if not isinstance(day, date) or day > today or day < patient.discharged_on:
        raise InvalidInput("visit_day", "The visit date must be between discharge and today.")
    check_measures(pain, fdi_total)
    text = clean_text(notes, "visit_notes", max_length=2000, required=False)
    with transaction(db):
        visit_id = db.execute(
            "INSERT INTO visits (patient_id, episode_id, day, clinician_id, pain, fdi_total,"
            " notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                patient.id,
                patient.episode_id,
                day.isoformat(),
                clinician.id,
                pain,
                None if fdi_total is None else int(fdi_total),
                text,
                stamp(),
            ],
        ).lastrowid
        if fdi_total is not None:
            questionnaires.record_fdi_total(
                db, patient, int(fdi_total), day=day, today=today, entered_by=clinician.id
            )
        audit.record(db, clinician, "record_visit", patient_id=patient.id, detail=day.isoformat())
    return next(db.query("SELECT * FROM visits WHERE id = ?", [visit_id]))


def list_visits(db: Database, patient_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT v.*, u.display_name AS clinician FROM visits v"
            " LEFT JOIN users u ON u.id = v.clinician_id WHERE v.patient_id = ?"
            " ORDER BY v.day, v.id",
            [patient_id],
        )
    )


def last_visit_day(db: Database, patient_id: int) -> date | None:
    visits = list_visits(db, patient_id)
    return date.fromisoformat(visits[-1]["day"]) if visits else None


def csv_filename(patient_id: int, start: date, end: date) -> str:
    """Names no one: an identifier and the period."""
    return f"patient-{patient_id}-{start.isoformat()}-to-{end.isoformat()}.csv"


def daily_csv(db: Database, clinician: User, patient_id: int, *, start: date, end: date) -> bytes:
    """The period's daily data as CSV for the chart. Every export is written to the audit
    log (when it happens, not when the button is drawn)."""
    patient = access.require(db, clinician, Permission.VIEW_NOTES, patient_id)
    columns = ["day", *checkins.FIELDS, "exercises"]
    frame = pd.DataFrame(_checkins_between(db, patient.id, start, end), columns=columns)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    audit.record(
        db,
        clinician,
        "export_csv",
        patient_id=patient.id,
        detail=f"{start.isoformat()}..{end.isoformat()}",
    )
    return buffer.getvalue().encode("utf-8")


def _checkins_between(db: Database, patient_id: int, start: date, end: date) -> list[dict]:
    return list(
        db.query(
            "SELECT day, pain, mood, sleep_hours, sleep_quality, school, nurse_visits,"
            " early_pickup, active_minutes, activities, drinks, meals, note, question,"
            " (SELECT group_concat(exercise_key || '=' || status, '; ') FROM exercise_outcomes"
            "  WHERE checkin_id = checkins.id) AS exercises"
            " FROM checkins WHERE patient_id = ? AND day BETWEEN ? AND ? ORDER BY day",
            [patient_id, start.isoformat(), end.isoformat()],
        )
    )


def report_filename(patient_id: int, start: date, end: date) -> str:
    return f"followup-patient-{patient_id}-{start.isoformat()}-to-{end.isoformat()}.pdf"


def followup_report(
    db: Database, clinician: User, patient_id: int, progress, *, programme_name: str, today: date
) -> bytes:
    """The one-page PDF for a period the clinician is looking at; audited."""
    from . import reports

    patient = access.require(db, clinician, Permission.VIEW_NOTES, patient_id)
    period = progress.period
    questions = [
        q
        for q in checkins.checkins_text(db, patient.id, start=period.start, end=period.end)
        if q["question"]
    ]
    data = reports.followup_pdf(
        progress, patient, programme_name=programme_name, questions=questions, today=today
    )
    audit.record(
        db,
        clinician,
        "export_pdf",
        patient_id=patient.id,
        detail=f"{period.start.isoformat()}..{period.end.isoformat()}",
    )
    return data
