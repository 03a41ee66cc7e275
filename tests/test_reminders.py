"""The reminders .ics file, read back with icalendar as a calendar app would read it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from companion.care import reminders
from companion.errors import InvalidInput

START = date(2026, 11, 25)
SETTINGS = dict(
    programme_name="Hillside Pain Rehab",
    timezone="America/Chicago",
    checkin_time=time(19, 30),
    exercise_time=time(16, 0),
    exercise_days=[0, 2, 4],
    start=START,
)


def ics(**changes) -> bytes:
    return reminders.reminder_calendar(**{**SETTINGS, **changes})


def build(**changes) -> Calendar:
    return Calendar.from_ical(ics(**changes))


def events(calendar: Calendar) -> dict:
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_the_calendar_is_named_and_versioned():
    calendar = build()
    assert str(calendar["prodid"]) == "-//IIPT Companion//Reminders//EN"
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Companion reminders"


def test_a_daily_check_in_at_local_time():
    checkin = events(build())["Daily check-in"]
    assert checkin["rrule"]["FREQ"] == ["DAILY"] and "BYDAY" not in checkin["rrule"]
    start = checkin.decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (START, 19, 30)
    assert str(start.tzinfo) == "America/Chicago"
    assert checkin["dtstart"].params["TZID"] == "America/Chicago"
    assert checkin.decoded("dtend") - start == timedelta(minutes=10)
    assert "check-in" in str(checkin["description"])


def test_weekly_home_exercises_on_the_chosen_days():
    exercise = events(build())["Home exercises"]
    assert exercise["rrule"]["FREQ"] == ["WEEKLY"]
    assert exercise["rrule"]["BYDAY"] == ["MO", "WE", "FR"]
    start = exercise.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (16, 0, "America/Chicago")
    assert exercise["dtstart"].params["TZID"] == "America/Chicago"
    assert exercise.decoded("dtend") - start == timedelta(minutes=30)
    assert "home exercises" in str(exercise["description"])


@pytest.mark.parametrize(
    ("days", "codes"),
    [
        ([6, 0, 3], ["MO", "TH", "SU"]),
        ([5], ["SA"]),
        (list(range(7)), ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
    ],
)
def test_byday_lists_the_days_in_week_order(days, codes):
    exercise = events(build(exercise_days=days))["Home exercises"]
    assert exercise["rrule"]["BYDAY"] == codes


def test_every_event_has_an_alarm_at_its_start():
    for event in events(build()).values():
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["action"]) == "DISPLAY"
        assert alarms[0].decoded("trigger") == timedelta(0)
        assert str(alarms[0]["description"]) == str(event["summary"])


def test_the_time_zone_is_described_with_its_clock_changes():
    calendar = build(timezone="Europe/London", start=date(2026, 7, 1))
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["tzid"]) for z in zones] == ["Europe/London"]
    assert {c.name for c in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    checkin = events(calendar)["Daily check-in"]
    assert checkin["dtstart"].params["TZID"] == "Europe/London"
    assert checkin.decoded("dtstart").utcoffset() == timedelta(hours=1)  # summer time


def test_uids_are_unique_stable_and_stamped():
    first, again = events(build()), events(build())
    uids = {name: str(e["uid"]) for name, e in first.items()}
    assert len(set(uids.values())) == 2
    assert uids == {name: str(e["uid"]) for name, e in again.items()}
    other = events(build(programme_name="Another Programme"))
    assert not set(uids.values()) & {str(e["uid"]) for e in other.values()}
    assert all("dtstamp" in e for e in first.values())


def test_no_personal_data_in_the_file():
    text = ics().decode().lower()
    for word in ("hillside", "rehab", "pain", "diagnos", "crps"):
        assert word not in text


@pytest.mark.parametrize(
    "changes", [{"exercise_time": None}, {"exercise_days": []}, {"exercise_days": ()}]
)
def test_only_the_check_in_without_an_exercise_time_or_days(changes):
    assert list(events(build(**changes))) == ["Daily check-in"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "America"}, "timezone"),  # a folder of zones, not a zone
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": "localtime"}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"exercise_days": [0, 7]}, "exercise_days"),
        ({"exercise_days": [-1]}, "exercise_days"),
        ({"exercise_days": [1, 1]}, "exercise_days"),
        ({"exercise_days": [True]}, "exercise_days"),
        ({"exercise_days": [1.0]}, "exercise_days"),
        ({"exercise_days": ["MO"]}, "exercise_days"),
        ({"exercise_days": None}, "exercise_days"),
        ({"exercise_days": "0,1"}, "exercise_days"),
        ({"checkin_time": None}, "checkin_time"),
        ({"checkin_time": "19:30"}, "checkin_time"),
        ({"exercise_time": "16:00"}, "exercise_time"),
        ({"start": "2026-11-25"}, "start"),
    ],
)
def test_bad_settings_are_refused(changes, field):
    with pytest.raises(InvalidInput) as refused:
        ics(**changes)
    assert refused.value.field == field


@settings(max_examples=50, deadline=None)
@given(
    st.sets(st.integers(0, 6), min_size=1),
    st.times(),
    st.sampled_from(["America/Chicago", "Asia/Kolkata", "Australia/Sydney", "UTC"]),
)
def test_any_days_and_time_read_back_as_given(days, at, zone):
    found = events(build(exercise_days=sorted(days, reverse=True), exercise_time=at, timezone=zone))
    exercise = found["Home exercises"]
    assert exercise["rrule"]["BYDAY"] == [reminders.DAY_CODES[d] for d in sorted(days)]
    start = exercise.decoded("dtstart")
    assert (start.hour, start.minute, start.second) == (at.hour, at.minute, at.second)
    assert str(start.tzinfo) == zone


@pytest.mark.parametrize(
    ("days", "first"),
    [
        ([0, 2, 4], date(2026, 11, 25)),  # START is a Wednesday, a chosen day
        ([0, 4], date(2026, 11, 27)),  # not chosen: the Friday after it
        ([1], date(2026, 12, 1)),  # only Tuesdays: the next Tuesday
    ],
)
def test_the_first_exercise_reminder_is_on_a_chosen_day(days, first):
    """Calendars show DTSTART itself as an occurrence even when the rule leaves its weekday
    out: started on a Wednesday with Mondays and Fridays chosen, the file reminded of
    exercises on that Wednesday too (the teen-tools browser journey found it)."""
    exercise = events(build(exercise_days=days))["Home exercises"]
    start = exercise.decoded("dtstart")
    assert start.date() == first
    assert (start.hour, start.minute) == (16, 0)
    assert events(build(exercise_days=days))["Daily check-in"].decoded("dtstart").date() == START


def test_the_summary_says_what_the_file_will_remind_of():
    def say(**changes):
        keys = ("checkin_time", "exercise_time", "exercise_days")
        return reminders.summary(**{k: {**SETTINGS, **changes}[k] for k in keys})

    assert say() == (
        "The file reminds you to check in every day at 19:30, and of home exercises "
        "on Mon, Wed, Fri at 16:00."
    )
    assert say(exercise_days=list(range(7))).endswith("home exercises every day at 16:00.")
    assert say(exercise_time=None) == "The file reminds you to check in every day at 19:30."
    assert say(exercise_days=[]) == "The file reminds you to check in every day at 19:30."
