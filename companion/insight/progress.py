"""Everything a progress view needs for one teen and one period, in one pass: one query per
table, the arithmetic in ``metrics``, plain sentences for each chart.

Pain and mood are left out entirely (not just hidden) when the viewer may not see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlite_utils import Database

from companion.care import checkins, plans, questionnaires
from companion.care.school import week_of
from companion.insight import metrics
from companion.people.patients import Patient

PERIODS = {"4 weeks": 28, "3 months": 91, "Since discharge": None}


@dataclass
class Progress:
    period: metrics.Period | None
    weeks: pd.DataFrame
    adherence: metrics.Adherence
    school: metrics.School
    checkin_rate: metrics.Rate
    skills: pd.DataFrame
    fdi: metrics.Series
    wins: list[str]
    pain_flat: bool
    sentences: dict[str, str] = field(default_factory=dict)
    shows_pain: bool = False
    shows_mood: bool = False
    flags: list[metrics.Flag] = field(default_factory=list)
    school_steps: list[metrics.StepWeek] = field(default_factory=list)  # the graded return

    @property
    def empty(self) -> bool:
        return self.period is None or int(self.weeks["days_logged"].sum()) == 0


def period_start(choice: str, *, patient: Patient, today: date) -> date:
    days = PERIODS.get(choice)
    return patient.discharged_on if days is None else today - timedelta(days=days - 1)


def _steps(versions: list, today: date) -> tuple:
    """The graded return of the plan in force today (a later plan may drop or change it)."""
    plan = plans.plan_on(versions, today)
    return plan.school_steps if plan else ()


def step_this_week(
    db: Database, patient_id: int, versions: list, *, today: date
) -> metrics.StepWeek | None:
    """This week's graded-return step and the school days logged in it so far (Today)."""
    steps = _steps(versions, today)
    if not steps:
        return None
    days = checkins.school_marks(db, patient_id, first=week_of(today), last=today)
    return metrics.school_step_week(steps, days, day=today, today=today)


def latest_change(db: Database, patient_id: int) -> str:
    """A key that changes whenever anything a progress view shows changes (for caching)."""
    return latest_changes(db, [patient_id])[patient_id]


def latest_changes(db: Database, patient_ids: list[int]) -> dict[int, str]:
    """``latest_change`` for many patients in one query (the panel asks for a whole care
    team at once). Every save bumps a check-in's ``updated_at`` (to the microsecond; check-ins
    are only ever deleted with their patient), and the other tables only grow, except
    questionnaire responses, replaced on their day (one patient's few rows are summed)."""
    if not patient_ids:
        return {}
    marks = ",".join("?" * len(patient_ids))
    rows = db.execute(
        "SELECT p.id,"
        " (SELECT MAX(updated_at) FROM checkins WHERE patient_id = p.id),"
        " (SELECT MAX(id) FROM coping_uses WHERE patient_id = p.id),"
        " (SELECT MAX(id) FROM plan_versions WHERE patient_id = p.id),"
        # a response saved again on its day is deleted and inserted, and SQLite may give the
        # new row the old id: the count, the scores and the times tell it apart
        " (SELECT COUNT(*) || ':' || MAX(id) || ':' || TOTAL(score) || ':' || MAX(created_at)"
        "  FROM questionnaire_responses WHERE patient_id = p.id),"
        " (SELECT MAX(id) FROM episodes WHERE patient_id = p.id)"
        f" FROM patients p WHERE p.id IN ({marks})",
        list(patient_ids),
    ).fetchall()
    found = {row[0]: "|".join(str(v) for v in row[1:]) for row in rows}
    return {pid: found.get(pid, "") for pid in patient_ids}


def load(
    db: Database,
    patient: Patient,
    *,
    start: date,
    end: date,
    today: date,
    pain: bool,
    mood: bool,
    you: str = "You",
    thresholds: dict | None = None,
) -> Progress:
    period = metrics.clip_period(start, end, discharged_on=patient.discharged_on, today=today)
    rows = checkins.checkins_frame(db, patient.id)
    if not pain:
        rows = rows.assign(pain=pd.NA)
    if not mood:
        rows = rows.assign(mood=pd.NA)
    outcomes = checkins.outcomes_frame(db, patient.id)
    coping = checkins.coping_frame(db, patient.id)
    versions = plans.list_versions(db, patient.id)
    weeks = metrics.weekly(rows, outcomes, coping, versions, period)
    if not pain:
        weeks = weeks.drop(columns=["pain_mean"])
    if not mood:
        weeks = weeks.drop(columns=["mood_mean"])
    logged = list(rows["day"])
    adherence = metrics.exercise_adherence(
        versions,
        outcomes,
        logged,
        start=start,
        end=end,
        discharged_on=patient.discharged_on,
        today=today,
    )
    skills = metrics.coping_by_skill(coping, period)
    fdi = metrics.questionnaire_series(
        questionnaires.list_responses(db, patient.id, questionnaires.FDI_ID) if pain else [],
        discharged_on=patient.discharged_on,
    )
    in_period = outcomes
    if period is not None:
        in_period = metrics.rows_in(outcomes, period)
    result = Progress(
        period=period,
        weeks=weeks,
        adherence=adherence,
        school=metrics.school_attendance(rows, period),
        checkin_rate=metrics.checkin_rate(logged, period),
        skills=skills,
        fdi=fdi,
        wins=metrics.wins(weeks, in_period, skills),
        pain_flat=pain and "pain_mean" in weeks and metrics.pain_has_not_moved(weeks),
        shows_pain=pain,
        shows_mood=mood,
        school_steps=metrics.school_step_weeks(
            _steps(versions, today),
            zip(rows["day"], rows["school"], strict=True),
            period,
            today=today,
        ),
    )
    result.sentences = sentences(result, you=you, today=today)
    if pain and mood:  # flags are for the care team, who see everything
        result.flags = metrics.flags(
            rows,
            outcomes,
            versions,
            fdi,  # read above: the care team sees pain, so the series is the whole one
            today=today,
            discharged_on=patient.discharged_on,
            thresholds=thresholds,
        )
    return result


def _plural(n: float, word: str) -> str:
    n = int(n)
    return f"{n} {word}" + ("" if n == 1 else "s")


def _when(week: date, today: date) -> str:
    return "this week" if week == metrics.week_start(today) else f"in the week of {week:%-d %B}"


def sentences(p: Progress, *, you: str, today: date) -> dict[str, str]:
    """One plain sentence per chart ("You were at school 4 of 5 days this week, ...")."""
    out: dict[str, str] = {}
    was = "were" if you == "You" else "was"
    school = p.weeks[p.weeks["school_days"] > 0]
    if len(school):
        last, first = school.iloc[-1], school.iloc[0]
        text = (
            f"{you} {was} at school {metrics.halves(last['school_attended'])} of "
            f"{_plural(last['school_days'], 'school day')} {_when(last['week'], today)}"
            f" ({last['school_rate']:.0%}; part days count half)"
        )
        if len(school) > 1:
            move = (
                "up from"
                if last["school_rate"] > first["school_rate"]
                else "down from"
                if last["school_rate"] < first["school_rate"]
                else "the same as"
            )
            text += f", {move} {first['school_rate']:.0%} in the week of {first['week']:%-d %B}"
        out["school"] = text + "."
    exercise = p.weeks[p.weeks["exercise_expected"] > 0]
    if len(exercise):
        last = exercise.iloc[-1]
        out["exercise"] = (
            f"{you} did {metrics.halves(last['exercise_completed'])} of "
            f"{metrics.about(last['exercise_expected'])} planned exercise sessions "
            f"{_when(last['week'], today)} (part sessions count half)."
        )
    if len(p.weeks):
        last = p.weeks.iloc[-1]
        out["activity"] = (
            f"{you} {was} active for {last['active_minutes']} minutes {_when(last['week'], today)}."
        )
        out["coping"] = (
            f"{you} used coping skills {_plural(last['coping_uses'], 'time')} "
            f"{_when(last['week'], today)}."
        )
    if p.fdi.latest and you == "You":
        # for the teen: what the number means, not a disability label
        day, score, _ = p.fdi.latest
        text = (
            f"Your latest score is {score:.0f} out of 60, on {day:%-d %B}. "
            "It measures how hard everyday things are, so a lower score means they're "
            "getting easier"
        )
        if p.fdi.change:
            direction = "lower" if p.fdi.change < 0 else "higher"
            text += f". That's {abs(p.fdi.change):.0f} points {direction} than when you went home"
        out["fdi"] = text + "."
    elif p.fdi.latest:
        day, score, band = p.fdi.latest
        text = f"The latest FDI total is {score:.0f} ({band.lower()}), on {day:%-d %B}"
        if p.fdi.change is not None:
            direction = "lower" if p.fdi.change < 0 else "higher"
            text += (
                f", {abs(p.fdi.change):.0f} points {direction} than at discharge"
                if p.fdi.change
                else ", the same as at discharge"
            )
        out["fdi"] = text + ". Lower is better."
    out["pain_mood"] = "Weekly averages, not single days."
    return out
