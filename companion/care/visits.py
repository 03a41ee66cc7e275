"""Follow-up visits: recorded by the care team; each one starts the next "since the last
visit" period. An FDI total taken at the visit is also stored with the questionnaires."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
from sqlite_utils import Database

from companion import access, audit
from companion.access import Permission
from companion.auth.accounts import clean_text
from companion.care import checkins, plans, questionnaires
from companion.db import stamp, transaction
from companion.errors import InvalidInput
from companion.identity import User


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
    """Record the visit on ``day``, or update it: one visit per patient per day. Nothing is
    written when any value is refused."""
    patient = access.require(db, clinician, Permission.RECORD_VISIT, patient_id)
    if not isinstance(day, date) or day > today or day < patient.discharged_on:
        raise InvalidInput("visit_day", "The visit date must be between discharge and today.")
    check_measures(pain, fdi_total)
    text = clean_text(notes, "visit_notes", max_length=2000, required=False)
    fdi = None if fdi_total is None else int(fdi_total)
    with transaction(db):
        existing = visit_on(db, patient.id, day)
        if existing is None:
            visit_id = db.execute(
                "INSERT INTO visits (patient_id, episode_id, day, clinician_id, pain, fdi_total,"
                " notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    patient.id,
                    patient.episode_id,
                    day.isoformat(),
                    clinician.id,
                    pain,
                    fdi,
                    text,
                    stamp(),
                ],
            ).lastrowid
        else:
            visit_id = existing["id"]
            db.execute(
                "UPDATE visits SET clinician_id = ?, pain = ?, fdi_total = ?, notes = ?"
                " WHERE id = ?",
                [clinician.id, pain, fdi, text, visit_id],
            )
            if fdi is None and existing["fdi_total"] is not None:
                # the FDI this visit stored is taken back with it (a total someone entered
                # on the Patient page that day stays)
                db.execute(
                    "DELETE FROM questionnaire_responses WHERE patient_id = ? AND instrument = ?"
                    " AND day = ? AND version = 'clinician-entered' AND score = ?",
                    [
                        patient.id,
                        questionnaires.FDI_ID,
                        day.isoformat(),
                        float(existing["fdi_total"]),
                    ],
                )
        if fdi is not None:
            questionnaires.record_fdi_total(db, clinician, patient.id, fdi, day=day, today=today)
        audit.record(
            db,
            clinician,
            "record_visit" if existing is None else "update_visit",
            patient_id=patient.id,
            detail=day.isoformat(),
        )
    row = next(db.query("SELECT * FROM visits WHERE id = ?", [visit_id]))
    return {**row, "updated": existing is not None}


def visit_on(db: Database, patient_id: int, day: date) -> dict | None:
    """The visit recorded on ``day`` (one per day), if any."""
    rows = list(
        db.query(
            "SELECT * FROM visits WHERE patient_id = ? AND day = ? ORDER BY id",
            [patient_id, day.isoformat()],
        )
    )
    return rows[0] if rows else None


def list_visits(db: Database, patient_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT v.*, u.display_name AS clinician FROM visits v"
            " LEFT JOIN users u ON u.id = v.clinician_id WHERE v.patient_id = ?"
            " ORDER BY v.day, v.id",
            [patient_id],
        )
    )


def last_visit_day(db: Database, patient_id: int, *, before: date | None = None) -> date | None:
    """The day of the latest visit (only those before ``before``, when given)."""
    days = [date.fromisoformat(v["day"]) for v in list_visits(db, patient_id)]
    if before is not None:
        days = [d for d in days if d < before]
    return days[-1] if days else None


def since_last_visit(last_visit: date | None, *, discharged_on: date) -> date:
    """Where "since the last visit" starts: the day after the visit (the visit day closed
    the period it reviewed), or discharge when there was no visit."""
    return discharged_on if last_visit is None else last_visit + timedelta(days=1)


def day_label(day: date) -> str:
    """A programme-local day as a person reads it: "Tue 1 Dec"."""
    return f"{day:%a %-d %b}"


def period_text(db: Database, patient_id: int, *, start: date, end: date) -> dict[str, list]:
    """The teen's notes and questions written in a period, newest first, each as
    (day label, text): for the care team only (the page checks VIEW_NOTES)."""
    rows = checkins.checkins_text(db, patient_id, start=start, end=end)
    rows = sorted(rows, key=lambda r: r["day"], reverse=True)
    return {
        kind: [(day_label(date.fromisoformat(r["day"])), r[kind]) for r in rows if r[kind]]
        for kind in ("note", "question")
    }


def goal_lines(db: Database, patient_id: int) -> list[tuple[str, str]]:
    """Each current goal with its latest weekly rating in words."""
    progress = plans.goal_progress(db, patient_id)
    lines = []
    for goal in plans.list_goals(db, patient_id):
        latest = (progress.get(goal.id) or [None])[-1]
        if latest:
            week = date.fromisoformat(latest["week_start"])
            status = f"{plans.GOAL_RATINGS[latest['rating']]} (week of {week:%-d %b})"
        else:
            status = "not marked yet"
        lines.append((goal.text, status))
    return lines


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
            # exercises by the name the plan of that day gave them, not by internal key
            " (SELECT group_concat(COALESCE(pe.name, o.exercise_key) || ': '"
            "  || REPLACE(o.status, '_', ' '), '; ')"
            "  FROM exercise_outcomes o LEFT JOIN plan_exercises pe"
            "  ON pe.version_id = checkins.plan_version_id AND pe.key = o.exercise_key"
            "  WHERE o.checkin_id = checkins.id) AS exercises"
            " FROM checkins WHERE patient_id = ? AND day BETWEEN ? AND ? ORDER BY day",
            [patient_id, start.isoformat(), end.isoformat()],
        )
    )


def report_filename(patient_id: int, start: date, end: date) -> str:
    return f"followup-patient-{patient_id}-{start.isoformat()}-to-{end.isoformat()}.pdf"


def followup_report(
    db: Database, clinician: User, patient_id: int, progress, *, programme_name: str, today: date
) -> bytes:
    """The follow-up PDF for a period the clinician is looking at; audited."""
    from companion.insight import reports
    from companion.people import family

    patient = access.require(db, clinician, Permission.VIEW_NOTES, patient_id)
    period = progress.period
    text = period_text(db, patient.id, start=period.start, end=period.end)
    checks = family.list_parent_checks(db, patient.id)
    written = reports.Written(
        questions=text["question"],
        notes=text["note"],
        goals=goal_lines(db, patient.id),
        parent_checks=family.side_by_side(progress.weeks, checks) if checks else pd.DataFrame(),
    )
    data = reports.followup_pdf(
        progress, patient, programme_name=programme_name, written=written, today=today
    )
    audit.record(
        db,
        clinician,
        "export_pdf",
        patient_id=patient.id,
        detail=f"{period.start.isoformat()}..{period.end.isoformat()}",
    )
    return data
