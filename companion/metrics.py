"""Metrics of PRODUCT.md §5, as pure functions: pandas frames in, numbers out.

Every period is clipped to start no earlier than discharge and end no later than today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from .plans import PlanVersion, week_start

PART_CREDIT = 0.5


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


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


def plan_days(versions: list[PlanVersion], period: Period) -> pd.DataFrame:
    """One row per day × exercise in force that day: day, key, name, days_per_week."""
    columns = ["day", "key", "name", "days_per_week"]
    if not versions:
        return pd.DataFrame(columns=columns)
    days = pd.DataFrame({"day": pd.date_range(period.start, period.end, freq="D")})
    starts = pd.DataFrame(
        {"start": pd.to_datetime([v.starts_on for v in versions]), "v": range(len(versions))}
    ).sort_values(["start", "v"])
    in_force = pd.merge_asof(days, starts, left_on="day", right_on="start").dropna(subset=["v"])
    rows = [
        {"v": i, "key": e.key, "name": e.name, "days_per_week": e.days_per_week}
        for i, v in enumerate(versions)
        for e in v.exercises
    ]
    exercises = pd.DataFrame(rows, columns=["v", "key", "name", "days_per_week"])
    merged = in_force.astype({"v": "int64"}).merge(exercises, on="v")
    merged["day"] = merged["day"].dt.date
    return merged[columns]


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
    """Adherence per exercise and overall against the plan in force each day (PRODUCT.md §5).

    ``outcomes`` has columns day, key, status (done / part / not_done); a day in the plan
    without an outcome for an exercise is "not logged", never "not done".
    """
    period = clip_period(start, end, discharged_on=discharged_on, today=today)
    if period is None:
        return Adherence(None, (), 0)
    logged = {d for d in checkin_days if period.start <= d <= period.end}
    planned = plan_days(versions, period)
    if planned.empty:
        return Adherence(period, (), len(logged))
    marks = outcomes[["day", "key", "status"]] if len(outcomes) else None
    if marks is not None:
        planned = planned.merge(marks, on=["day", "key"], how="left")
    else:
        planned = planned.assign(status=pd.NA)
    planned["status"] = planned["status"].fillna("not_logged")
    latest_names = planned.groupby("key", sort=False)["name"].last()
    result = []
    for key, rows in planned.groupby("key", sort=False):
        counts = rows["status"].value_counts()
        result.append(
            ExerciseAdherence(
                key=str(key),
                name=str(latest_names[key]),
                expected=float(rows["days_per_week"].sum()) / 7,
                done=int(counts.get("done", 0)),
                part=int(counts.get("part", 0)),
                not_done=int(counts.get("not_done", 0)),
                not_logged=int(counts.get("not_logged", 0)),
            )
        )
    return Adherence(period, tuple(result), len(logged))


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
    week = outcomes[(outcomes["day"] >= monday) & (outcomes["day"] <= today)]
    counts = week["status"].value_counts()
    return int(counts.get("done", 0)), int(counts.get("part", 0))


def week_strip(
    plan: PlanVersion, outcomes: pd.DataFrame, *, monday: date, today: date
) -> dict[str, list[str | None]]:
    """For each exercise of ``plan``: Monday..Sunday as done / part / not_done / not_logged,
    and None for days still to come."""
    week = outcomes[(outcomes["day"] >= monday) & (outcomes["day"] <= monday + timedelta(days=6))]
    status = {(row.day, row.key): row.status for row in week.itertuples()}
    days = [monday + timedelta(days=n) for n in range(7)]
    return {
        e.name: [status.get((d, e.key), "not_logged") if d <= today else None for d in days]
        for e in plan.exercises
    }
