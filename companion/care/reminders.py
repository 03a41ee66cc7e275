"""Calendar reminders (.ics): a daily check-in and the home-exercise days.

The file holds no personal data: no name, no diagnosis, not even the programme's name (a
calendar called "Pain Rehab" on a shared phone says too much); the programme's name only
seeds the event UIDs, so downloading the file again updates the reminders instead of
doubling them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from icalendar import Alarm, Calendar, Event

from companion.errors import InvalidInput

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CALENDAR_NAME = "Companion reminders"
_NAMESPACE = uuid.UUID("6f1c8a52-3a43-4f1e-9a55-1b0f3f6f2b11")
_VTIMEZONE_YEARS = 20  # the VTIMEZONE lists this many years of clock changes


@cache
def _zones() -> frozenset[str]:
    # "localtime" is the server's own clock and "Factory" a placeholder: neither is a place
    return frozenset(available_timezones() - {"localtime", "Factory"})


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or name not in _zones():
        raise InvalidInput("timezone", "The programme's time zone isn't a real time zone.")
    return ZoneInfo(name)


def _days(days: object) -> list[int]:
    if not isinstance(days, list | tuple):
        raise InvalidInput("exercise_days", "Please pick days from Monday to Sunday.")
    if any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise InvalidInput("exercise_days", "Please pick days from Monday to Sunday.")
    if len(set(days)) != len(days):
        raise InvalidInput("exercise_days", "Each day can be picked once.")
    return sorted(days)


def _time(value: object, field: str) -> time:
    if not isinstance(value, time):
        raise InvalidInput(field, "Please choose a time.")
    return value.replace(tzinfo=None)


def _event(kind: str, summary: str, text: str, start: datetime, minutes: int, rule: dict) -> Event:
    event = Event()
    event.add("uid", f"{uuid.uuid5(_NAMESPACE, kind)}@iipt-companion")
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", summary)
    event.add("description", text)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(0))  # at the start of the event
    event.add_component(alarm)
    return event


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//IIPT Companion//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    return calendar


def summary(*, checkin_time: time, exercise_time: time | None, exercise_days: list[int]) -> str:
    """What the file will remind of, in one sentence, to read before downloading it."""
    checkin = _time(checkin_time, "checkin_time")
    text = f"The file reminds you to check in every day at {checkin:%H:%M}"
    days = _days(exercise_days)
    if exercise_time is not None and days:
        every = "every day" if len(days) == 7 else "on " + ", ".join(DAY_NAMES[d] for d in days)
        text += f", and of home exercises {every} at {_time(exercise_time, 'exercise_time'):%H:%M}"
    return text + "."


def reminder_calendar(
    *,
    programme_name: str,
    timezone: str,
    checkin_time: time,
    exercise_time: time | None,
    exercise_days: list[int],
    start: date,
) -> bytes:
    """An .ics file with a daily check-in reminder and, when an exercise time and days are
    given, weekly home-exercise reminders (exercise_days: 0 = Monday … 6 = Sunday).

    Times are the programme's local times (DTSTART with TZID, and a VTIMEZONE)."""
    zone = _zone(timezone)
    days = _days(exercise_days)
    checkin = _time(checkin_time, "checkin_time")
    exercise = None if exercise_time is None else _time(exercise_time, "exercise_time")
    if isinstance(start, datetime):
        start = start.date()
    if not isinstance(start, date):
        raise InvalidInput("start", "Please choose a start day.")
    seed = f"{programme_name}/"
    calendar = _calendar()
    calendar.add_component(
        _event(
            seed + "checkin",
            "Daily check-in",
            "Time for your one-minute check-in. How did today go?",
            datetime.combine(start, checkin, tzinfo=zone),
            10,
            {"freq": "daily"},
        )
    )
    if exercise is not None and days:
        # the first reminder is on a chosen day: calendars show DTSTART itself as one, even on
        # a day the rule leaves out (RFC 5545 leaves that case undefined)
        first = next(
            start + timedelta(n) for n in range(7) if (start + timedelta(n)).weekday() in days
        )
        calendar.add_component(
            _event(
                seed + "exercise",
                "Home exercises",
                "Time for your home exercises. On a hard day, a lighter set still counts.",
                datetime.combine(first, exercise, tzinfo=zone),
                30,
                {"freq": "weekly", "byday": [DAY_CODES[d] for d in days]},
            )
        )
    last = date(min(start.year + _VTIMEZONE_YEARS, 9999), 1, 1)
    calendar.add_missing_timezones(first_date=date(start.year, 1, 1), last_date=last)
    return calendar.to_ical()
