"""Metrics on tiny histories; every expected number below was worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from companion.care.plans import Exercise, PlanVersion
from companion.insight import metrics


def D(day: int) -> date:  # noqa: N802  (2 Nov 2026 is a Monday)
    return date(2026, 11, day)


MON, SUN, LATER = D(2), D(8), D(20)
A = Exercise("a", "Squats", "3 × 10", 7)
B = Exercise("b", "Stretches", "10 min", 3)
C = Exercise("c", "Walk", "20 min", 7)


def version(vid: int, start: date, *exercises: Exercise) -> PlanVersion:
    return PlanVersion(
        id=vid, patient_id=1, starts_on=start, created_at="", author="", exercises=exercises
    )


def outcomes(*rows: tuple[date, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["day", "key", "status"]).astype(
        {"key": "object", "status": "object"}
    )


def adherence(versions, marks, *, start=MON, end=SUN, discharged=MON, today=LATER, days=None):
    logged = days if days is not None else sorted(set(marks["day"]))
    return metrics.exercise_adherence(
        versions, marks, logged, start=start, end=end, discharged_on=discharged, today=today
    )


def by_key(result):
    return {e.key: e for e in result.exercises}


def test_done_part_not_done_and_not_logged_are_counted_apart():
    marks = outcomes(
        (D(2), "a", "done"),
        (D(3), "a", "done"),
        (D(4), "a", "done"),
        (D(5), "a", "part"),
        (D(6), "a", "not_done"),
        (D(2), "b", "done"),
        (D(4), "b", "done"),
        (D(6), "b", "part"),
    )
    result = adherence([version(1, D(2), A, B)], marks)
    a, b = by_key(result)["a"], by_key(result)["b"]
    assert (a.expected, a.done, a.part, a.not_done, a.not_logged) == (7, 3, 1, 1, 2)
    assert a.completed == 3.5 and a.rate == pytest.approx(0.5)
    # B: 3 days a week over 7 days = 3 expected; 2 done + 1 part = 2.5
    assert (b.expected, b.done, b.part, b.not_done, b.not_logged) == (3, 2, 1, 0, 4)
    assert b.rate == pytest.approx(2.5 / 3)
    assert result.rate == pytest.approx(6 / 10)
    assert result.days == 7 and result.days_logged == 5  # 2, 3, 4, 5, 6
    assert "60%: 6 of 10 expected sessions" in result.describe()
    assert "5 of 7 days logged" in result.describe()


def test_a_plan_change_mid_period_judges_each_day_by_its_own_plan():
    v1 = version(1, D(2), A, B)
    v2 = version(2, D(5), A, C)  # from Thursday: B dropped, C added
    marks = outcomes(
        (D(3), "b", "done"), (D(5), "c", "done"), (D(6), "c", "done"), (D(7), "a", "done")
    )
    result = adherence([v1, v2], marks)
    a, b, c = (by_key(result)[k] for k in "abc")
    assert a.expected == 7  # in both versions
    assert b.expected == pytest.approx(3 * 3 / 7)  # Mon–Wed only
    assert c.expected == 4  # Thu–Sun
    assert (b.done, b.not_logged) == (1, 2)
    assert (c.done, c.not_logged) == (2, 2)
    expected = 7 + 9 / 7 + 4
    assert result.expected == pytest.approx(expected)
    assert result.rate == pytest.approx((1 + 1 + 2) / expected)


def test_a_version_saved_later_the_same_day_wins():
    first = version(1, D(2), A)
    again = version(2, D(2), C)
    result = adherence([first, again], outcomes())
    assert [e.key for e in result.exercises] == ["c"]


def test_a_period_that_starts_before_discharge_starts_at_discharge():
    result = adherence(
        [version(1, D(4), A)], outcomes((D(4), "a", "done")), start=D(1), end=D(8), discharged=D(4)
    )
    assert result.period == metrics.Period(D(4), D(8))
    assert by_key(result)["a"].expected == 5
    assert result.rate == pytest.approx(1 / 5)


def test_a_period_ends_today_at_the_latest():
    result = adherence([version(1, D(2), A)], outcomes(), today=D(6))
    assert result.period.days == 5 and by_key(result)["a"].not_logged == 5
    assert result.rate == 0


def test_each_exercise_is_capped_at_100_percent():
    three_a_week = Exercise("b", "Stretches", "10 min", 3)
    marks = outcomes(*[(D(d), "b", "done") for d in range(2, 9)])
    result = adherence([version(1, D(2), three_a_week, C)], marks)
    assert by_key(result)["b"].rate == 1.0
    # 3 (capped from 7) of 3 + 0 of 7 for the walk
    assert result.rate == pytest.approx(3 / 10)


def test_empty_history_and_no_plan():
    nothing = adherence([], outcomes(), days=[])
    assert nothing.rate is None and nothing.exercises == ()
    assert "No exercises were planned" in nothing.describe()
    unlogged = adherence([version(1, D(2), A)], outcomes(), days=[])
    assert unlogged.rate == 0 and unlogged.logged_share == 0
    assert by_key(unlogged)["a"].not_logged == 7


def test_a_period_entirely_before_discharge_is_empty():
    result = adherence([version(1, D(10), A)], outcomes(), start=D(2), end=D(8), discharged=D(10))
    assert result.period is None and result.rate is None


def test_streak_counts_days_in_a_row_with_an_exercise_done_or_part():
    marks = outcomes(
        (D(3), "a", "done"),
        (D(4), "a", "not_done"),
        (D(5), "a", "part"),
        (D(6), "b", "done"),
        (D(7), "a", "done"),
    )
    assert metrics.exercise_streak(marks, today=D(7)) == 3  # 5, 6, 7
    assert metrics.exercise_streak(marks, today=D(8)) == 3  # today not logged yet
    assert metrics.exercise_streak(marks, today=D(9)) == 0  # yesterday missed
    assert metrics.exercise_streak(outcomes(), today=D(9)) == 0


def test_sessions_this_week_run_from_monday():
    marks = outcomes(
        (D(1), "a", "done"),
        (D(2), "a", "done"),
        (D(3), "a", "part"),
        (D(4), "b", "not_done"),
        (D(9), "a", "done"),
    )
    assert metrics.sessions_this_week(marks, today=D(4)) == (1, 1)


def test_week_strip_marks_each_day_and_leaves_the_future_blank():
    plan = version(1, D(2), A, B)
    marks = outcomes(
        (D(2), "a", "done"), (D(3), "a", "part"), (D(3), "b", "not_done"), (D(9), "a", "done")
    )
    strip = metrics.week_strip(plan, marks, monday=D(2), today=D(4))
    assert strip == {
        "Squats": ["done", "part", "not_logged", None, None, None, None],
        "Stretches": ["not_logged", "not_done", "not_logged", None, None, None, None],
    }


def checkin_rows(*rows) -> pd.DataFrame:
    """(day, school, pain, mood, active_minutes) tuples as a check-ins frame."""
    frame = pd.DataFrame(rows, columns=["day", "school", "pain", "mood", "active_minutes"])
    return frame.astype(
        {"school": "object", "pain": "Int64", "mood": "Int64", "active_minutes": "Int64"}
    )


def coping_rows(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["day", "skill", "helpfulness", "source"])
    return frame.astype({"skill": "object", "helpfulness": "Int64", "source": "object"})


WEEK = metrics.Period(MON, SUN)


def test_check_in_rate_counts_days_in_the_period_only():
    rate = metrics.checkin_rate([D(1), D(2), D(4), D(9)], WEEK)
    assert (rate.numerator, rate.denominator) == (2, 7)
    assert metrics.checkin_rate([], None).value is None


def test_school_attendance_with_part_days_no_school_and_unknown_weekdays():
    rows = checkin_rows(
        (D(2), "full", 3, 3, 20),
        (D(3), "part", 4, 3, 10),
        (D(4), "absent_pain", 6, 2, 0),
        # Thursday 5th not logged -> unknown, not absent
        (D(6), "none", 2, 4, 30),  # a Friday with no school (holiday)
        (D(7), "none", 2, 4, 40),
    )
    school = metrics.school_attendance(rows, WEEK)
    assert (school.full, school.part, school.absent_pain, school.no_school) == (1, 1, 1, 2)
    assert school.school_days == 3 and school.unknown_weekdays == 1
    assert school.rate == pytest.approx(1.5 / 3)
    assert school.describe() == (
        "1.5 of 3 school days (part days count half); 1 weekday not logged."
    )
    empty = metrics.school_attendance(checkin_rows(), WEEK)
    assert empty.rate is None and empty.unknown_weekdays == 5


def test_weekly_rows_split_the_period_into_monday_weeks():
    rows = checkin_rows(
        (D(5), "full", 6, 2, 30), (D(9), "full", 4, 3, 20), (D(10), "part", 2, 4, 40)
    )
    marks = outcomes((D(5), "a", "done"), (D(9), "a", "done"), (D(10), "a", "part"))
    uses = coping_rows((D(9), "Mindfulness", 6, "checkin"))
    period = metrics.Period(D(5), D(11))  # Thursday 5th to Wednesday 11th
    frame = metrics.weekly(rows, marks, uses, [version(1, D(2), A)], period)
    assert list(frame["week"]) == [D(2), D(9)]
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["days"] == 4 and first["days_logged"] == 1  # Thu 5 – Sun 8
    assert first["school_days"] == 1 and first["school_rate"] == 1.0
    assert first["exercise_expected"] == 4 and first["exercise_completed"] == 1
    assert second["days"] == 3  # Mon 9 – Wed 11
    assert second["school_attended"] == 1.5 and second["school_rate"] == 0.75
    assert first["school_absent"] == 0 and second["school_absent"] == 0
    assert second["exercise_completed"] == 1.5 and second["exercise_expected"] == 3
    assert second["active_minutes"] == 60 and second["pain_mean"] == 3.0
    assert second["mood_mean"] == 3.5 and second["coping_uses"] == 1


def test_coping_by_skill_counts_uses_and_mean_helpfulness():
    uses = coping_rows(
        (D(2), "Mindfulness", 6, "checkin"),
        (D(3), "Mindfulness", 9, "toolbox"),
        (D(3), "Pacing", None, "checkin"),
        (D(20), "Pacing", 2, "checkin"),
    )
    table = metrics.coping_by_skill(uses, WEEK)
    assert list(table["skill"]) == ["Mindfulness", "Pacing"]
    assert list(table["uses"]) == [2, 1]
    assert table.iloc[0]["mean_helpfulness"] == 7.5
    assert pd.isna(table.iloc[1]["mean_helpfulness"])


def test_questionnaire_series_change_from_the_discharge_baseline():
    responses = [
        {"day": "2026-11-20", "score": 20, "band": "Moderate"},
        {"day": "2026-11-02", "score": 31, "band": "Severe"},
        {"day": "2026-10-01", "score": 45, "band": "Severe"},
    ]  # before discharge
    series = metrics.questionnaire_series(responses, discharged_on=D(1))
    assert series.baseline == (D(2), 31.0, "Severe")
    assert series.latest == (D(20), 20.0, "Moderate")
    assert series.change == -11
    assert metrics.questionnaire_series([], discharged_on=D(1)).change is None


def test_wins_and_a_flat_pain_line():
    rows = checkin_rows(*[(D(d), "full" if d < 7 else "none", 6, 3, 30) for d in range(2, 23)])
    marks = outcomes(*[(D(d), "a", "done") for d in (2, 3, 4, 10, 11)])
    uses = coping_rows((D(2), "Mindfulness", 8, "checkin"), (D(3), "Mindfulness", 6, "checkin"))
    frame = metrics.weekly(rows, marks, uses, [version(1, D(2), A)], metrics.Period(D(2), D(22)))
    found = metrics.wins(frame, marks, metrics.coping_by_skill(uses, metrics.Period(D(2), D(22))))
    assert found[0] == "Best school week: 5 of 5 days (week of 2 November)."  # the only one
    assert found[1] == "Longest exercise streak: 3 days in a row."
    assert found[2] == "Most-used helpful skill: Mindfulness (2 times, helpfulness 7.0 of 10)."
    assert metrics.pain_has_not_moved(frame)


def test_flags_with_reasons_and_thresholds():
    today = D(20)
    rows = checkin_rows(
        *[
            (D(d), "absent_pain" if d in (9, 10, 11) else "full", 5, 3, 20)
            for d in range(2, 15)
            if date(2026, 11, d).weekday() < 5
        ]
    )
    marks = outcomes((D(12), "a", "done"))
    series = metrics.questionnaire_series(
        [
            {"day": "2026-11-02", "score": 20, "band": "Moderate"},
            {"day": "2026-11-16", "score": 28, "band": "Moderate"},
        ],
        discharged_on=D(2),
    )
    found = metrics.flags(
        rows, marks, [version(1, D(2), A)], series, today=today, discharged_on=D(2)
    )
    codes = {f.code: f.reason for f in found}
    # last check-in Fri 13 Nov -> 7 quiet days
    assert codes["no_checkin"] == "No check-in for 7 days (since 13 November)."
    # 14 days 7–20 Nov: 14 expected, 1 done
    assert codes["adherence"].startswith("Exercise adherence 7% over the last 14 days")
    assert codes["absences"] == "3 absences in the last 10 school days logged."  # 2–13 Nov
    assert codes["fdi_rise"] == "FDI up 8 points since discharge."
    quiet = metrics.flags(
        rows,
        marks,
        [version(1, D(2), A)],
        series,
        today=today,
        discharged_on=D(2),
        thresholds={"no_checkin_days": 8, "absences": 4, "adherence_below": 5, "fdi_rise": 9},
    )
    assert quiet == []


def test_no_flags_for_a_teen_doing_well_and_severe_fdi_always_flags():
    today = D(6)
    rows = checkin_rows(*[(D(d), "full", 3, 4, 40) for d in range(2, 7)])
    marks = outcomes(*[(D(d), "a", "done") for d in range(2, 7)])
    fine = metrics.questionnaire_series(
        [{"day": "2026-11-02", "score": 10, "band": "x"}], discharged_on=D(2)
    )
    assert (
        metrics.flags(rows, marks, [version(1, D(2), A)], fine, today=today, discharged_on=D(2))
        == []
    )
    severe = metrics.questionnaire_series(
        [{"day": "2026-11-05", "score": 31, "band": "x"}], discharged_on=D(2)
    )
    assert [
        f.code
        for f in metrics.flags(
            rows, marks, [version(1, D(2), A)], severe, today=today, discharged_on=D(2)
        )
    ] == ["fdi_severe"]
