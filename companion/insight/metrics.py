"""The measures of docs/measures.md, as pure functions: pandas frames in, numbers out.

Every period is clipped to start no earlier than discharge and end no later than today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from companion.care.plans import PlanVersion, plans_by_day, week_start
from companion.care.questionnaires import FDI_SEVERE_FROM
from companion.care.school import SchoolStep, step_for_week, week_of
from companion.programme import DEFAULTS, flag_thresholds

PART_CREDIT = 0.5


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def rows_in(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The rows of a frame with a ``day`` column whose day falls in the period (both ends
    included): the one date filter every measure uses."""
    return frame[(frame["day"] >= period.start) & (frame["day"] <= period.end)]


def clip_period(start: date, end: date, *, discharged_on: date, today: date) -> Period | None:
    """The part of [start, end] between discharge and today; None when nothing is left."""
    first, last = max(start, discharged_on), min(end, today)
    return Period(first, last) if first <= last else None


@dataclass(frozen=True)
class ExerciseAdherence:
    key: str
    name: str
    expected: float  # sessions: days_per_week × days/7 over the days it was in the plan
    done: int
    part: int
    not_done: int
    not_logged: int  # days in the plan with no outcome for it

    @property
    def completed(self) -> float:
        return self.done + PART_CREDIT * self.part

    @property
    def rate(self) -> float | None:
        """Completed ÷ expected, capped at 100%; None when nothing was expected."""
        if self.expected <= 0:
            return None
        return min(self.completed, self.expected) / self.expected


@dataclass(frozen=True)
class Adherence:
    period: Period | None
    exercises: tuple[ExerciseAdherence, ...]
    days_logged: int  # days in the period with a check-in

    @property
    def expected(self) -> float:
        return sum(e.expected for e in self.exercises)

    @property
    def completed(self) -> float:
        """Completed sessions counted toward the rate (each exercise capped at its expected)."""
        return sum(min(e.completed, e.expected) for e in self.exercises)

    @property
    def rate(self) -> float | None:
        return self.completed / self.expected if self.expected > 0 else None

    @property
    def days(self) -> int:
        return self.period.days if self.period else 0

    @property
    def logged_share(self) -> float | None:
        return self.days_logged / self.days if self.days else None

    def describe(self) -> str:
        """The rate with its denominator, in words."""
        if self.rate is None:
            return "No exercises were planned in this period."
        return (
            f"{self.rate:.0%}: {_fmt(self.completed)} of {_fmt(self.expected)} expected sessions"
            f" (part sessions count half); {self.days_logged} of {self.days} days logged."
        )


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def halves(x: float) -> str:
    """A count that moves in halves (part days and part sessions count half), as a person
    writes it: 2.5 → "2½", 3.0 → "3", 0.5 → "½"."""
    doubled = round(float(x) * 2)
    whole, half = divmod(doubled, 2)
    if not half:
        return str(whole)
    return f"{whole}½" if whole else "½"


def about(x: float) -> str:
    """An expected count, which can be fractional (a plan changed mid-week): "10", or
    "about 10" when it is not a whole number."""
    rounded = round(float(x))
    return str(rounded) if abs(float(x) - rounded) < 1e-9 else f"about {rounded}"


def exercise_adherence(
    versions: list[PlanVersion],
    outcomes: pd.DataFrame,
    checkin_days: pd.Series | list[date],
    *,
    start: date,
    end: date,
    discharged_on: date,
    today: date,
) -> Adherence:
    """Adherence per exercise and overall against the plan in force each day (docs/measures.md).

    ``outcomes`` has columns day, key, status (done / part / not_done); a day in the plan
    without an outcome for an exercise is "not logged", never "not done". ``versions`` are
    oldest first (two on one start date: the later save is in force). One pass over the
    period's days: at most a few thousand day × exercise cells, cheaper as plain loops than
    as frame joins.
    """
    period = clip_period(start, end, discharged_on=discharged_on, today=today)
    if period is None:
        return Adherence(None, (), 0)
    status: dict[tuple[date, str], str] = {}
    if len(outcomes):
        inside = rows_in(outcomes, period)
        cells = zip(inside["day"], inside["key"], strict=True)
        status = dict(zip(cells, inside["status"], strict=True))
    return adherence_in(versions, status, checkin_days, period)


def adherence_in(
    versions: list[PlanVersion],
    status: dict[tuple[date, str], str],
    checkin_days,
    period: Period,
) -> Adherence:
    """``exercise_adherence`` for a period already clipped, from ``{(day, key): status}``
    (the panel reads a whole care team's outcomes at once and hands each teen's here)."""
    logged = {d for d in checkin_days if period.start <= d <= period.end}
    slot = {"done": 2, "part": 3, "not_done": 4, "not_logged": 5}
    tally: dict[str, list] = {}  # key -> [latest name, days_per_week summed, done, part, ...]
    for day, plan in plans_by_day(versions, period.start, period.days):
        for exercise in plan.exercises:
            counts = tally.setdefault(exercise.key, [exercise.name, 0, 0, 0, 0, 0])
            counts[0] = exercise.name
            counts[1] += exercise.days_per_week
            where = slot.get(status.get((day, exercise.key), "not_logged"))
            if where:
                counts[where] += 1
    result = tuple(
        ExerciseAdherence(
            key=str(key),
            name=str(c[0]),
            expected=c[1] / 7,
            done=c[2],
            part=c[3],
            not_done=c[4],
            not_logged=c[5],
        )
        for key, c in tally.items()
    )
    return Adherence(period, result, len(logged))


def exercise_streak(outcomes: pd.DataFrame, *, today: date) -> int:
    """Days in a row with at least one exercise done or part, ending today — or yesterday,
    while today is not logged yet."""
    active = set(outcomes.loc[outcomes["status"].isin(["done", "part"]), "day"])
    day = today if today in active else today - timedelta(days=1)
    streak = 0
    while day in active:
        streak += 1
        day -= timedelta(days=1)
    return streak


def sessions_this_week(outcomes: pd.DataFrame, *, today: date) -> tuple[int, int]:
    """(done, part) exercise sessions from Monday to today."""
    monday = week_start(today)
    week = rows_in(outcomes, Period(monday, today))
    counts = week["status"].value_counts()
    return int(counts.get("done", 0)), int(counts.get("part", 0))


def week_strip(
    plan: PlanVersion, outcomes: pd.DataFrame, *, monday: date, today: date
) -> dict[str, list[str | None]]:
    """For each exercise of ``plan``: Monday..Sunday as done / part / not_done / not_logged,
    and None for days still to come."""
    week = rows_in(outcomes, Period(monday, monday + timedelta(days=6)))
    status = {(row.day, row.key): row.status for row in week.itertuples()}
    days = [monday + timedelta(days=n) for n in range(7)]
    return {
        e.name: [status.get((d, e.key), "not_logged") if d <= today else None for d in days]
        for e in plan.exercises
    }


# --- check-in rate and school ---------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def checkin_rate(checkin_days, period: Period | None) -> Rate:
    """Days with a check-in ÷ days in the period."""
    if period is None:
        return Rate(0, 0)
    logged = {d for d in checkin_days if period.start <= d <= period.end}
    return Rate(len(logged), period.days)


@dataclass(frozen=True)
class School:
    full: int
    part: int
    absent_pain: int
    absent_other: int
    no_school: int
    unknown_weekdays: int  # weekdays with no check-in: reported as unknown, never as absent

    @property
    def school_days(self) -> int:
        return self.full + self.part + self.absent_pain + self.absent_other

    @property
    def attended(self) -> float:
        return self.full + PART_CREDIT * self.part

    @property
    def rate(self) -> float | None:
        return self.attended / self.school_days if self.school_days else None

    def describe(self) -> str:
        if not self.school_days:
            return "No school days logged in this period."
        n = self.unknown_weekdays
        unknown = f"; {n} weekday{'' if n == 1 else 's'} not logged" if n else ""
        return (
            f"{_fmt(self.attended)} of {self.school_days} school days (part days count half)"
            f"{unknown}."
        )


def school_attendance(checkins: pd.DataFrame, period: Period | None) -> School:
    """(Full + ½ part) ÷ school days, where a school day is a logged day not marked "no
    school"; unlogged weekdays are unknown."""
    if period is None:
        return School(0, 0, 0, 0, 0, 0)
    return school_in(zip(checkins["day"], checkins["school"], strict=True), period)


def school_in(days: Iterable[tuple[date, str | None]], period: Period) -> School:
    """``school_attendance`` from (day, school) pairs (the panel's batched reads)."""
    rows = [(d, school) for d, school in days if period.start <= d <= period.end]
    counts = Counter(school for _, school in rows)
    logged = {d for d, _ in rows}
    weekdays = [
        period.start + timedelta(days=n)
        for n in range(period.days)
        if (period.start + timedelta(days=n)).weekday() < 5
    ]
    return School(
        full=int(counts.get("full", 0)),
        part=int(counts.get("part", 0)),
        absent_pain=int(counts.get("absent_pain", 0)),
        absent_other=int(counts.get("absent_other", 0)),
        no_school=int(counts.get("none", 0)),
        unknown_weekdays=sum(1 for d in weekdays if d not in logged),
    )


# --- weekly series ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepWeek:
    """One week of the graded return: its step, and the full and part days logged in it
    (up to today). A full day counts towards the part-day target too; a day not logged is
    unknown, never an absence."""

    week: date
    step: SchoolStep
    full: int
    part: int
    unlogged_weekdays: int

    @property
    def met(self) -> bool:
        target = self.step.full_days + self.step.part_days
        return self.full >= self.step.full_days and self.full + self.part >= target

    def week_so_far(self) -> str:
        done = [
            f"{n} {what} day{'' if n == 1 else 's'}"
            for n, what in ((self.full, "full"), (self.part, "part"))
            if n
        ]
        text = " and ".join(done) or "no school days logged"
        if self.met:
            return f"{text}: step reached"
        return f"{text} so far"


def school_step_week(
    steps, days: Iterable[tuple[date, str | None]], *, day: date, today: date
) -> StepWeek | None:
    """The graded-return step of ``day``'s week (Monday to Sunday) and what was logged in it
    up to ``today``; None before the first step."""
    step = step_for_week(steps, day)
    if step is None:
        return None
    monday = week_of(day)
    last = min(monday + timedelta(days=6), today)
    marks = {d: school for d, school in days if monday <= d <= last}
    counts = Counter(marks.values())
    weekdays = [monday + timedelta(days=n) for n in range(5) if monday + timedelta(days=n) <= last]
    return StepWeek(
        week=monday,
        step=step,
        full=int(counts.get("full", 0)),
        part=int(counts.get("part", 0)),
        unlogged_weekdays=sum(1 for d in weekdays if d not in marks),
    )


def school_step_weeks(
    steps, days: Iterable[tuple[date, str | None]], period: Period | None, *, today: date
) -> list[StepWeek]:
    """``school_step_week`` for each week of ``period`` that has a step, oldest first."""
    if period is None or not steps:
        return []
    pairs = list(days)
    found = []
    monday = week_of(period.start)
    while monday <= period.end:
        week = school_step_week(steps, pairs, day=monday, today=min(today, period.end))
        if week is not None:
            found.append(week)
        monday += timedelta(days=7)
    return found


def weekly(
    checkins: pd.DataFrame,
    outcomes: pd.DataFrame,
    coping: pd.DataFrame,
    versions: list[PlanVersion],
    period: Period | None,
) -> pd.DataFrame:
    """One row per week (Monday) of the period: school, exercise adherence, active minutes,
    mean pain and mood, coping uses. Weeks at the edges count only their days in the period."""
    columns = [
        "week",
        "days",
        "days_logged",
        "school_days",
        "school_attended",
        "school_absent",
        "school_rate",
        "exercise_expected",
        "exercise_completed",
        "exercise_rate",
        "active_minutes",
        "pain_mean",
        "mood_mean",
        "coping_uses",
    ]
    if period is None:
        return pd.DataFrame(columns=columns)
    weeks: dict[date, dict] = {}
    week = week_start(period.start)
    while week <= period.end:
        part = Period(max(week, period.start), min(week + timedelta(days=6), period.end))
        weeks[week] = {"days": part.days, "logged": 0, "minutes": 0, "pain": [], "mood": []}
        weeks[week].update(full=0, part=0, absent=0, coping=0, exercises={})
        week += timedelta(days=7)

    # one pass over each table, each row added to its week
    logged = rows_in(checkins, period)
    for day, pain, mood, minutes, school in zip(
        logged["day"],
        logged["pain"],
        logged["mood"],
        logged["active_minutes"],
        logged["school"],
        strict=True,
    ):
        w = weeks[week_start(day)]
        w["logged"] += 1
        w["minutes"] += 0 if pd.isna(minutes) else int(minutes)
        if not pd.isna(pain):
            w["pain"].append(float(pain))
        if not pd.isna(mood):
            w["mood"].append(float(mood))
        if school == "full":
            w["full"] += 1
        elif school == "part":
            w["part"] += 1
        elif school in ABSENT_MARKS:
            w["absent"] += 1
    for day in rows_in(coping, period)["day"]:
        weeks[week_start(day)]["coping"] += 1
    # exercises: each exercise in the plan of each day, against its outcome that day
    marks = rows_in(outcomes, period) if len(outcomes) else outcomes
    status = dict(zip(zip(marks["day"], marks["key"], strict=True), marks["status"], strict=True))
    for day, plan in plans_by_day(versions, period.start, period.days):
        tally = weeks[week_start(day)]["exercises"]
        for exercise in plan.exercises:
            cell = tally.setdefault(exercise.key, [0, 0.0])  # days_per_week summed, completed
            cell[0] += exercise.days_per_week
            done = status.get((day, exercise.key))
            cell[1] += 1 if done == "done" else PART_CREDIT if done == "part" else 0
    rows = []
    for week, w in weeks.items():
        school_days = w["full"] + w["part"] + w["absent"]
        attended = w["full"] + PART_CREDIT * w["part"]
        expected = sum(c[0] for c in w["exercises"].values()) / 7
        completed = sum(min(c[1], c[0] / 7) for c in w["exercises"].values())
        rows.append(
            {
                "week": week,
                "days": w["days"],
                "days_logged": w["logged"],
                "school_days": school_days,
                "school_attended": attended,
                "school_absent": w["absent"],
                "school_rate": attended / school_days if school_days else None,
                "exercise_expected": expected,
                "exercise_completed": completed,
                "exercise_rate": completed / expected if expected > 0 else None,
                "active_minutes": w["minutes"],
                "pain_mean": round(sum(w["pain"]) / len(w["pain"]), 1) if w["pain"] else None,
                "mood_mean": round(sum(w["mood"]) / len(w["mood"]), 1) if w["mood"] else None,
                "coping_uses": w["coping"],
            }
        )
    return pd.DataFrame(rows, columns=columns)


def coping_by_skill(coping: pd.DataFrame, period: Period | None) -> pd.DataFrame:
    """Uses and mean helpfulness per skill in the period, most used first."""
    columns = ["skill", "uses", "mean_helpfulness"]
    if period is None or coping.empty:
        return pd.DataFrame(columns=columns)
    rows = rows_in(coping, period)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby("skill").agg(
        uses=("skill", "size"), mean_helpfulness=("helpfulness", "mean")
    )
    grouped["mean_helpfulness"] = grouped["mean_helpfulness"].astype("Float64").round(1)
    return grouped.reset_index().sort_values(["uses", "skill"], ascending=[False, True])[columns]


# --- questionnaire series -----------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    points: tuple[tuple[date, float, str], ...]  # day, score, band

    @property
    def baseline(self) -> tuple[date, float, str] | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> tuple[date, float, str] | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> float | None:
        """Latest minus baseline (the first score since discharge), in points."""
        if len(self.points) < 2:
            return None
        return self.points[-1][1] - self.points[0][1]


def questionnaire_series(responses: list[dict], *, discharged_on: date) -> Series:
    points = sorted(
        (date.fromisoformat(r["day"]), float(r["score"]), r["band"])
        for r in responses
        if date.fromisoformat(r["day"]) >= discharged_on
    )
    return Series(tuple(points))


# --- wins -----------------------------------------------------------------------------------


def longest_streak(outcomes: pd.DataFrame) -> int:
    days = sorted(set(outcomes.loc[outcomes["status"].isin(["done", "part"]), "day"]))
    best = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous and (day - previous).days == 1 else 1
        best = max(best, run)
        previous = day
    return best


def wins(week_rows: pd.DataFrame, outcomes: pd.DataFrame, skills: pd.DataFrame) -> list[str]:
    """A short list of things that went well, in plain words."""
    found = []
    school = week_rows.dropna(subset=["school_rate"])
    school = school[school["school_days"] > 0]
    if len(school):
        best = school.sort_values(["school_rate", "week"], ascending=[False, False]).iloc[0]
        found.append(
            f"Best school week: {_fmt(best['school_attended'])} of {best['school_days']} days "
            f"(week of {best['week']:%-d %B})."
        )
    streak = longest_streak(outcomes)
    if streak >= 2:
        found.append(f"Longest exercise streak: {streak} days in a row.")
    helpful = skills.dropna(subset=["mean_helpfulness"]) if len(skills) else skills
    helpful = helpful[helpful["mean_helpfulness"] >= 5] if len(helpful) else helpful
    if len(helpful):
        top = helpful.iloc[0]
        found.append(
            f"Most-used helpful skill: {top['skill']} ({top['uses']} times, "
            f"helpfulness {top['mean_helpfulness']:.1f} of 10)."
        )
    return found


def pain_has_not_moved(week_rows: pd.DataFrame) -> bool:
    """True when weekly mean pain has changed by less than 1 point (the smallest change that
    matters for teens after IIPT, docs/clinical-sources.md) between the first and last logged
    weeks."""
    pain = week_rows["pain_mean"].dropna()
    return len(pain) >= 3 and abs(float(pain.iloc[-1]) - float(pain.iloc[0])) < 1


# --- flags ----------------------------------------------------------------------------------

# The programme's defaults (programme.DEFAULTS) are the one home of the thresholds: days
# without a check-in, percent adherence over the flag window, absences in the last school
# days logged, FDI points above the discharge baseline.
DEFAULT_THRESHOLDS = flag_thresholds(DEFAULTS)
FLAG_WINDOW_DAYS = 14  # adherence flags and the panel look at the last 14 days, today included
RECENT_SCHOOL_DAYS = 10  # the absences flag counts over the last 10 school days logged
SCHOOL_DAY_MARKS = ("full", "part", "absent_pain", "absent_other")  # a school day was logged
ABSENT_MARKS = ("absent_pain", "absent_other")


def flag_window(today: date) -> Period:
    """The last ``FLAG_WINDOW_DAYS`` days, today included."""
    return Period(today - timedelta(days=FLAG_WINDOW_DAYS - 1), today)


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str


def flags(
    checkins: pd.DataFrame,
    outcomes: pd.DataFrame,
    versions: list[PlanVersion],
    fdi: Series,
    *,
    today: date,
    discharged_on: date,
    thresholds: dict | None = None,
) -> list[Flag]:
    """The flags of docs/measures.md, each with its reason in words."""
    logged = sorted(d for d in checkins["day"] if d <= today)
    window = exercise_adherence(
        versions,
        outcomes,
        logged,
        start=flag_window(today).start,
        end=today,
        discharged_on=discharged_on,
        today=today,
    )
    school_days = sorted(
        (d, school)
        for d, school in zip(checkins["day"], checkins["school"], strict=True)
        if school in SCHOOL_DAY_MARKS and d <= today
    )
    return flags_from(
        last_checkin=logged[-1] if logged else None,
        window=window,
        recent_school=[school for _, school in school_days[-RECENT_SCHOOL_DAYS:]],
        fdi=fdi,
        today=today,
        discharged_on=discharged_on,
        thresholds=thresholds,
    )


def flags_from(
    *,
    last_checkin: date | None,
    window: Adherence,
    recent_school: list[str],
    fdi: Series,
    today: date,
    discharged_on: date,
    thresholds: dict | None = None,
) -> list[Flag]:
    """The flag rules, from what they look at: the last check-in, the last 14 days'
    exercise adherence, the last 10 logged school days (oldest first) and the FDI series."""
    t = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    found: list[Flag] = []
    quiet = (today - (last_checkin or discharged_on)).days
    if quiet >= t["no_checkin_days"]:
        since = f"since {last_checkin:%-d %B}" if last_checkin else "since discharge"
        found.append(Flag("no_checkin", f"No check-in for {quiet} days ({since})."))
    if window.rate is not None and window.rate * 100 < t["adherence_below"]:
        found.append(
            Flag(
                "adherence",
                f"Exercise adherence {window.rate:.0%} over the last {FLAG_WINDOW_DAYS} "
                f"days (below {t['adherence_below']}%).",
            )
        )
    absences = sum(1 for school in recent_school if school in ABSENT_MARKS)
    if absences >= t["absences"]:
        found.append(
            Flag(
                "absences",
                f"{absences} absences in the last {len(recent_school)} school days logged.",
            )
        )
    if fdi.latest is not None:
        day, score, band = fdi.latest
        if score >= FDI_SEVERE_FROM:
            found.append(Flag("fdi_severe", f"FDI {score:.0f} on {day:%-d %B}: severe band."))
        elif fdi.change is not None and fdi.change >= t["fdi_rise"]:
            found.append(Flag("fdi_rise", f"FDI up {fdi.change:.0f} points since discharge."))
    return found
