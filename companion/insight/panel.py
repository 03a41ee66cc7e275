"""The clinician's panel: every patient on their care teams in one table, with the last 14
days' figures and flags; recent discharges with flags first (relapses cluster in the first
six months, docs/clinical-sources.md)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pandas as pd
from sqlite_utils import Database

from companion.care import plans, questionnaires
from companion.insight import metrics
from companion.people.patients import Patient


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value)


def panel_rows(
    db: Database, patients: list[Patient], *, today: date, thresholds: dict
) -> list[dict]:
    """Every row of a care team's panel from one query per table (the last 14 days, each
    teen's last check-in and last 10 logged school days, plans, FDI totals); the arithmetic
    is ``metrics``'s."""
    if not patients:
        return []
    ids = [p.id for p in patients]
    marks = ",".join("?" * len(ids))
    start = metrics.flag_window(today).start
    school_marks = ",".join("?" * len(metrics.SCHOOL_DAY_MARKS))
    window: dict[int, list] = defaultdict(list)
    for pid, day, school in db.execute(
        f"SELECT patient_id, day, school FROM checkins WHERE patient_id IN ({marks})"
        " AND day BETWEEN ? AND ? ORDER BY day",
        [*ids, start.isoformat(), today.isoformat()],
    ):
        window[pid].append((date.fromisoformat(day), school))
    last = {
        pid: date.fromisoformat(day)
        for pid, day in db.execute(
            f"SELECT patient_id, MAX(day) FROM checkins WHERE patient_id IN ({marks})"
            " AND day <= ? GROUP BY patient_id",
            [*ids, today.isoformat()],
        )
    }
    recent: dict[int, list[str]] = defaultdict(list)
    for pid, school in db.execute(
        "SELECT patient_id, school FROM (SELECT patient_id, day, school, ROW_NUMBER() OVER"
        " (PARTITION BY patient_id ORDER BY day DESC) AS n FROM checkins"
        f" WHERE patient_id IN ({marks}) AND day <= ? AND school IN ({school_marks}))"
        " WHERE n <= ? ORDER BY patient_id, day",
        [*ids, today.isoformat(), *metrics.SCHOOL_DAY_MARKS, metrics.RECENT_SCHOOL_DAYS],
    ):
        recent[pid].append(school)
    status: dict[int, dict] = defaultdict(dict)
    for pid, day, key, mark in db.execute(
        "SELECT c.patient_id, c.day, o.exercise_key, o.status FROM exercise_outcomes o"
        f" JOIN checkins c ON c.id = o.checkin_id WHERE c.patient_id IN ({marks})"
        " AND c.day BETWEEN ? AND ?",
        [*ids, start.isoformat(), today.isoformat()],
    ):
        status[pid][(date.fromisoformat(day), key)] = mark
    versions: dict[int, list] = defaultdict(list)
    for version in plans.versions_of(db, ids):
        versions[version.patient_id].append(version)
    responses: dict[int, list[dict]] = defaultdict(list)
    for row in db.query(
        "SELECT patient_id, day, score, band FROM questionnaire_responses"
        f" WHERE instrument = ? AND patient_id IN ({marks}) ORDER BY day, id",
        [questionnaires.FDI_ID, *ids],
    ):
        responses[row["patient_id"]].append(row)
    return [
        _row(
            patient,
            today=today,
            thresholds=thresholds,
            days=window[patient.id],
            last=last.get(patient.id),
            recent_school=recent[patient.id],
            status=status[patient.id],
            versions=versions[patient.id],
            responses=responses[patient.id],
        )
        for patient in patients
    ]


def _row(patient, *, today, thresholds, days, last, recent_school, status, versions, responses):
    fdi = metrics.questionnaire_series(responses, discharged_on=patient.discharged_on)
    start = metrics.flag_window(today).start
    period = metrics.clip_period(start, today, discharged_on=patient.discharged_on, today=today)
    logged = [d for d, _ in days]
    if period is None:
        adherence = metrics.Adherence(None, (), 0)
        school = metrics.School(0, 0, 0, 0, 0, 0)
    else:
        adherence = metrics.adherence_in(versions, status, logged, period)
        school = metrics.school_in(days, period)
    flags = metrics.flags_from(
        last_checkin=last,
        window=adherence,
        recent_school=recent_school,
        fdi=fdi,
        today=today,
        discharged_on=patient.discharged_on,
        thresholds=thresholds,
    )
    follow_ups = [d for v in versions[-1:] for d in v.follow_ups if d >= today]
    return {
        "patient_id": patient.id,
        "Name": patient.display_name,
        "Flags": " ".join(f.reason for f in flags),  # each reason is a sentence
        "Days since discharge": patient.days_since_discharge(today),
        "Last check-in": f"{last:%-d %b %Y}" if last else "never",
        "Check-in rate 14 d (%)": _pct(metrics.checkin_rate(logged, period).value),
        "Exercise adherence 14 d (%)": _pct(adherence.rate),
        "School attendance 14 d (%)": _pct(school.rate),
        "Latest FDI": None if fdi.latest is None else int(fdi.latest[1]),
        "FDI band": "" if fdi.latest is None else fdi.latest[2],
        "FDI change": None if fdi.change is None else int(fdi.change),
        "Next follow-up": follow_ups[0].isoformat() if follow_ups else "",
        "flagged": bool(flags),
    }


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
