"""Calendar reminders (.ics): a daily check-in and the home-exercise days.

The file holds no personal data: no name, no diagnosis, nothing about the plan but the time.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event

from .errors import InvalidInput

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NAMESPACE = uuid.UUID("6f1c8a52-3a43-4f1e-9a55-1b0f3f6f2b11")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidInput(
            "timezone", "The programme's time zone isn't a real time zone."
        ) from None


def _days(days: list[int]) -> list[int]:
    if any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise InvalidInput("exercise_days", "Please pick days from Monday to Sunday.")
    if len(set(days)) != len(days):
        raise InvalidInput("exercise_days", "Each day can be picked once.")
    return sorted(days)


def _event(
    kind: str,
    summary: str,
    text: str,
    start: datetime,
    minutes: int,
    rule: dict,
    programme_name: str,
) -> Event:
    event = Event()
    event.add("uid", f"{uuid.uuid5(_NAMESPACE, programme_name + '/' + kind)}@iipt-companion")
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("summary", summary)
    event.add("description", text)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def reminder_calendar(
    *,
    programme_name: str,
    timezone: str,
    checkin_time: time,
    exercise_time: time | None,
    exercise_days: list[int],
    start: date,
) -> bytes:
    """An .ics file with a daily check-in reminder and, optionally, weekly exercise reminders.

    Times are the programme's local times (DTSTART with TZID and a VTIMEZONE)."""
    zone = _zone(timezone)
    days = _days(list(exercise_days))
    calendar = Calendar()
    calendar.add("prodid", "-//IIPT Companion//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Companion reminders")
    calendar.add_component(
        _event(
            "checkin",
            "Daily check-in",
            "Time for your one-minute check-in. How was today?",
            datetime.combine(start, checkin_time, tzinfo=zone),
            10,
            {"freq": "daily"},
            programme_name,
        )
    )
    if exercise_time is not None and days:
        calendar.add_component(
            _event(
                "exercise",
                "Home exercises",
                "Time for your home exercises. A lighter set still counts on a hard day.",
                datetime.combine(start, exercise_time, tzinfo=zone),
                30,
                {"freq": "weekly", "byday": [DAY_CODES[d] for d in days]},
                programme_name,
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()
