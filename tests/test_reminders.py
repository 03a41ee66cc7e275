from datetime import date, time

import pytest
from icalendar import Calendar

from companion import reminders
from companion.errors import InvalidInput


def build(**changes) -> Calendar:
    kwargs = dict(
        programme_name="Hillside Pain Rehab",
        timezone="America/Chicago",
        checkin_time=time(19, 30),
        exercise_time=time(16, 0),
        exercise_days=[0, 2, 4],
        start=date(2026, 11, 25),
    )
    return Calendar.from_ical(reminders.reminder_calendar(**{**kwargs, **changes}))


def events(calendar):
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_a_daily_check_in_and_weekly_exercise_reminders_in_local_time():
    calendar = build()
    found = events(calendar)
    checkin, exercise = found["Daily check-in"], found["Home exercises"]
    assert checkin["rrule"]["FREQ"] == ["DAILY"]
    start = checkin.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (19, 30, "America/Chicago")
    assert checkin["dtstart"].params["TZID"] == "America/Chicago"
    assert exercise["rrule"]["FREQ"] == ["WEEKLY"]
    assert exercise["rrule"]["BYDAY"] == ["MO", "WE", "FR"]
    assert exercise.decoded("dtstart").hour == 16
    assert all(len(e.walk("VALARM")) == 1 for e in found.values())
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    assert len({str(e["uid"]) for e in found.values()}) == 2


def test_no_personal_data_in_the_file():
    text = reminders.reminder_calendar(
        programme_name="Hillside Pain Rehab",
        timezone="America/Chicago",
        checkin_time=time(19, 30),
        exercise_time=None,
        exercise_days=[],
        start=date(2026, 11, 25),
    ).decode()
    assert "Hillside" not in text
    assert list(events(Calendar.from_ical(text))) == ["Daily check-in"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"exercise_days": [0, 7]}, "exercise_days"),
        ({"exercise_days": [1, 1]}, "exercise_days"),
        ({"exercise_days": [True]}, "exercise_days"),
    ],
)
def test_bad_settings_are_refused(changes, field):
    with pytest.raises(InvalidInput) as refused:
        build(**changes)
    assert refused.value.field == field
