"""The clinician's panel: every patient on their care teams in one table, with the last 14
days' figures and flags; recent discharges with flags first (relapses cluster in the first
six months, CLINICAL.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlite_utils import Database

from . import checkins, metrics, plans, questionnaires
from .patients import Patient

WINDOW_DAYS = 14


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value)


def panel_row(db: Database, patient: Patient, *, today: date, thresholds: dict) -> dict:
    rows = checkins.checkins_frame(db, patient.id)
    outcomes = checkins.outcomes_frame(db, patient.id)
    versions = plans.list_versions(db, patient.id)
    fdi = metrics.questionnaire_series(
        questionnaires.list_responses(db, patient.id, questionnaires.FDI_ID),
        discharged_on=patient.discharged_on,
    )
    start = today - timedelta(days=WINDOW_DAYS - 1)
    period = metrics.clip_period(start, today, discharged_on=patient.discharged_on, today=today)
    logged = list(rows["day"])
    adherence = metrics.exercise_adherence(
        versions,
        outcomes,
        logged,
        start=start,
        end=today,
        discharged_on=patient.discharged_on,
        today=today,
    )
    flags = metrics.flags(
        rows,
        outcomes,
        versions,
        fdi,
        today=today,
        discharged_on=patient.discharged_on,
        thresholds=thresholds,
    )
    follow_ups = [d for v in versions[-1:] for d in v.follow_ups if d >= today]
    return {
        "patient_id": patient.id,
        "Name": patient.display_name,
        "Flags": "; ".join(f.reason for f in flags),
        "Days since discharge": patient.days_since_discharge(today),
        "Last check-in": max(logged).isoformat() if logged else "never",
        "Check-in rate 14 d (%)": _pct(metrics.checkin_rate(logged, period).value),
        "Exercise adherence 14 d (%)": _pct(adherence.rate),
        "School attendance 14 d (%)": _pct(metrics.school_attendance(rows, period).rate),
        "Latest FDI": None if fdi.latest is None else int(fdi.latest[1]),
        "FDI band": "" if fdi.latest is None else fdi.latest[2],
        "FDI change": None if fdi.change is None else int(fdi.change),
        "Next follow-up": follow_ups[0].isoformat() if follow_ups else "",
        "flagged": bool(flags),
    }


def panel(
    db: Database,
    patients: list[Patient],
    *,
    today: date,
    thresholds: dict,
    flagged_only: bool = False,
    discharged_within: int | None = None,
    follow_up_within: int | None = None,
) -> pd.DataFrame:
    rows = [panel_row(db, p, today=today, thresholds=thresholds) for p in patients]
    return table(
        rows,
        today=today,
        flagged_only=flagged_only,
        discharged_within=discharged_within,
        follow_up_within=follow_up_within,
    )


def table(
    rows: list[dict],
    *,
    today: date,
    flagged_only: bool = False,
    discharged_within: int | None = None,
    follow_up_within: int | None = None,
) -> pd.DataFrame:
    """Panel rows filtered and in the panel's order: flagged first, then recent discharges."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    if flagged_only:
        frame = frame[frame["flagged"]]
    if discharged_within is not None:
        frame = frame[frame["Days since discharge"] <= discharged_within]
    if follow_up_within is not None:
        limit = (today + timedelta(days=follow_up_within)).isoformat()
        frame = frame[(frame["Next follow-up"] != "") & (frame["Next follow-up"] <= limit)]
    return frame.sort_values(
        ["flagged", "Days since discharge", "Name"], ascending=[False, True, True]
    ).reset_index(drop=True)
