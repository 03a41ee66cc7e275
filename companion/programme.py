"""Programme settings (made at first run, edited by admins) and the programme's local dates."""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlite_utils import Database

from companion import audit, config
from companion.auth.accounts import clean_text
from companion.db import now, transaction
from companion.errors import InvalidInput
from companion.identity import User

DEFAULTS: dict[str, object] = {
    "name": "",
    "crisis_line": "988",
    "emergency_number": "911",
    "clinic_line": "",
    "school_contact": "",
    "help_text": "",
    "timezone": "America/New_York",
    "questionnaire_folder": "",
    "articles_folder": "",
    "share_pain_default": False,
    "share_mood_default": False,
    "flag_no_checkin_days": 5,
    "flag_adherence_below": 50,
    "flag_absences": 3,
    "flag_fdi_rise": 7,
    "idle_minutes_staff": 30,
    "idle_days_family": 30,
    "require_mfa_staff": False,
    "programme_code": "",
    "ethnicity_list": "",
}
FLAG_LIMITS = {
    "flag_no_checkin_days": (1, 60, "days without a check-in"),
    "flag_adherence_below": (1, 100, "percent exercise adherence"),
    "flag_absences": (1, 10, "absences in 10 school days"),
    "flag_fdi_rise": (1, 60, "FDI points"),
}
SESSION_LIMITS = {
    "idle_minutes_staff": (5, 720, "idle minutes before staff are signed out"),
    "idle_days_family": (1, 90, "idle days before teens and parents are signed out"),
}
# How the admin's settings page names each number (a sentence a person reads, not a key)
LABELS = {
    "flag_no_checkin_days": "Flag after this many days without a check-in",
    "flag_adherence_below": "Flag when exercise adherence is below this percent",
    "flag_absences": "Flag at this many absences in the last 10 school days",
    "flag_fdi_rise": "Flag when the FDI total rises by this many points",
    "idle_minutes_staff": "Sign staff out after this many idle minutes",
    "idle_days_family": "Sign teens and parents out after this many idle days",
}
# How the audit log names each setting
NAMES = {
    "name": "programme name",
    "crisis_line": "crisis line",
    "emergency_number": "emergency number",
    "clinic_line": "clinic line",
    "school_contact": "line for school nurses",
    "help_text": "help-now text",
    "timezone": "time zone",
    "questionnaire_folder": "questionnaire folder",
    "articles_folder": "articles folder",
    "share_pain_default": "parents see pain by default",
    "share_mood_default": "parents see mood by default",
    "flag_no_checkin_days": "flag: days without a check-in",
    "flag_adherence_below": "flag: exercise adherence below",
    "flag_absences": "flag: absences in 10 school days",
    "flag_fdi_rise": "flag: FDI rise",
    "idle_minutes_staff": "staff idle minutes",
    "idle_days_family": "teen and parent idle days",
    "require_mfa_staff": "two-step sign-in for staff",
    "programme_code": "programme code for outcome exports",
    "ethnicity_list": "race and ethnicity list",
}
EDITABLE = (
    "name",
    "crisis_line",
    "emergency_number",
    "clinic_line",
    "school_contact",
    "help_text",
    "timezone",
    "questionnaire_folder",
    "articles_folder",
    "share_pain_default",
    "share_mood_default",
    *FLAG_LIMITS,
    *SESSION_LIMITS,
    "require_mfa_staff",
    "programme_code",
    "ethnicity_list",
)
_LIMITS = {
    "name": 80,
    "crisis_line": 40,
    "emergency_number": 20,
    "clinic_line": 120,
    "school_contact": 200,
    "help_text": 400,
    "ethnicity_list": 1000,
}
# a programme's code in pooled outcomes: 2 to 16 capital letters, digits or hyphens
PROGRAMME_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,15}")


def get_settings(db: Database) -> dict:
    settings = dict(DEFAULTS)
    for row in db.query("SELECT key, value FROM programme_settings"):
        settings[row["key"]] = json.loads(row["value"])
    for key in ("questionnaire_folder", "articles_folder"):
        # a folder saved before folders had to sit under the content base is not read
        if settings[key] and _inside_base(str(settings[key])) is None:
            settings[key] = ""
    return settings


def is_set_up(db: Database) -> bool:
    row = list(db.query("SELECT value FROM programme_settings WHERE key = 'name'"))
    return bool(row and json.loads(row[0]["value"]))


def clean_settings(values: dict) -> dict:
    """Validate the editable settings; raises InvalidInput naming the field."""
    clean: dict[str, object] = {}
    for key in EDITABLE:
        if key not in values:
            continue
        if key == "timezone":
            clean[key] = clean_timezone(values[key])
        elif key in ("questionnaire_folder", "articles_folder"):
            clean[key] = clean_folder(values[key], key)
        elif key in FLAG_LIMITS or key in SESSION_LIMITS:
            low, high, what = {**FLAG_LIMITS, **SESSION_LIMITS}[key]
            value = values[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(key, f"Use a whole number of {what} from {low} to {high}.")
            clean[key] = value
        elif key == "programme_code":
            clean[key] = clean_programme_code(values[key])
        elif key == "ethnicity_list":
            clean[key] = clean_ethnicity_list(values[key])
        elif key in ("share_pain_default", "share_mood_default", "require_mfa_staff"):
            if not isinstance(values[key], bool):
                raise InvalidInput(key, "Please choose on or off.")
            clean[key] = values[key]
        else:
            required = key in {"name", "crisis_line", "emergency_number"}
            clean[key] = clean_text(values[key], key, max_length=_LIMITS[key], required=required)
    return clean


def clean_programme_code(value: object) -> str:
    """Empty, or 2–16 capital letters, digits and hyphens (lower case is raised)."""
    code = clean_text(value, "programme_code", max_length=16, required=False).upper()
    if code and not PROGRAMME_CODE.fullmatch(code):
        raise InvalidInput(
            "programme_code", "Use 2 to 16 letters, digits or hyphens, for example HILLSIDE-1."
        )
    return code


def clean_ethnicity_list(value: object) -> str:
    """Empty (the US OMB 2024 categories), or the programme's own list, one per line."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("ethnicity_list", "Please enter text here.")
    lines = [
        clean_text(line, "ethnicity_list", max_length=80)
        for line in value.splitlines()
        if line.strip()
    ]
    if len(set(lines)) != len(lines):
        raise InvalidInput("ethnicity_list", "Each category once, please.")
    if len(lines) > 20:
        raise InvalidInput("ethnicity_list", "Up to 20 categories, please.")
    return "\n".join(lines)


def clean_timezone(value: object) -> str:
    if not isinstance(value, str) or value not in timezone_choices():
        raise InvalidInput("timezone", "Please choose a time zone from the list.")
    return value


def clean_folder(value: object, key: str = "questionnaire_folder") -> str:
    """A folder of the programme's own files (questionnaires or articles): empty, or one that
    exists under the content base directory (``COMPANION_CONTENT_BASE``, else ``content/``),
    given as a path inside it or as a full path. Nothing outside the base can be listed."""
    folder = clean_text(value, key, max_length=300, required=False)
    if not folder:
        return folder
    resolved = _inside_base(folder)
    if resolved is None:
        raise InvalidInput(key, f"Please choose a folder inside {config.content_base()}.")
    if not resolved.is_dir():
        raise InvalidInput(key, "That folder doesn't exist on the server.")
    return str(resolved)


def _inside_base(folder: str) -> Path | None:
    """The folder as a full path when it is the content base or inside it (links followed),
    else None."""
    base = config.content_base()
    path = Path(folder)
    resolved = (path if path.is_absolute() else base / path).resolve()
    return resolved if resolved == base or base in resolved.parents else None


def save_settings(db: Database, values: dict, *, actor: User | None) -> dict:
    """Save the settings given; the audit row names only those that changed (every key of
    the form went into it before, so the log could not say what an admin had changed)."""
    clean = clean_settings(values)
    with transaction(db):
        before = get_settings(db)
        changed = sorted(key for key, value in clean.items() if before.get(key) != value)
        _write(db, clean)
        audit.record(db, actor, "programme_settings", detail=",".join(changed))
    return get_settings(db)


def _write(db: Database, values: dict) -> None:
    for key, value in values.items():
        db.execute(
            "INSERT INTO programme_settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value)],
        )


def secret_key(db: Database) -> str:
    """A per-installation secret for signing CSRF tokens, made on first use."""
    rows = list(db.query("SELECT value FROM programme_settings WHERE key = 'secret_key'"))
    if rows:
        return json.loads(rows[0]["value"])
    with transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO programme_settings (key, value) VALUES ('secret_key', ?)",
            [json.dumps(secrets.token_hex(32))],
        )
    return secret_key(db)


def zone(settings: dict) -> ZoneInfo:
    try:
        return ZoneInfo(str(settings.get("timezone") or DEFAULTS["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(str(DEFAULTS["timezone"]))


def local_now(settings: dict, *, at: datetime | None = None) -> datetime:
    return (at or now()).astimezone(zone(settings))


def local_time(settings: dict, stamp_text: str) -> str:
    """A stored UTC stamp as the programme's local date and time: "3 Dec 2026, 14:05"."""
    return local_now(settings, at=datetime.fromisoformat(stamp_text)).strftime("%-d %b %Y, %H:%M")


def local_today(settings: dict, *, at: datetime | None = None) -> date:
    """Today in the programme's time zone: 11 pm counts for that evening, not UTC tomorrow."""
    return local_now(settings, at=at).date()


def help_lines(settings: dict, *, clinic: bool = True) -> list[str]:
    """The help-now text shown in every sidebar, as plain lines (the Help now page shows the
    clinic line in its own section: ``clinic=False``)."""
    lines = [
        f"Thinking about hurting yourself, or feeling unsafe? Call or text "
        f"{settings['crisis_line']} any time.",
        f"In an emergency, call {settings['emergency_number']}.",
    ]
    if clinic and settings.get("clinic_line"):
        lines.append(f"Your clinic: {settings['clinic_line']}")
    if settings.get("help_text"):
        lines.append(str(settings["help_text"]))
    lines.append("This app isn't watched in real time and is not an emergency service.")
    return lines


_PHONE = re.compile(r"\+?\d[\d\s().-]*\d")


def phone_href(text: object, scheme: str = "tel") -> str | None:
    """A ``tel:`` (or ``sms:``) link for the first phone number in ``text``, digits only, or
    None when the text holds no number of at least three digits."""
    for match in _PHONE.finditer(str(text or "")):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 3:
            plus = "+" if match.group().startswith("+") else ""
            return f"{scheme}:{plus}{digits}"
    return None


def call_links(settings: dict) -> list[tuple[str, str]]:
    """(label, href) for each number a person in trouble may need, most urgent first."""
    links = []
    crisis, emergency = settings.get("crisis_line"), settings.get("emergency_number")
    if href := phone_href(emergency):
        links.append((f"Call {emergency}", href))
    if href := phone_href(crisis):
        links.append((f"Call {crisis}", href))
        links.append((f"Text {crisis}", phone_href(crisis, "sms")))
    return links


def timezone_choices() -> list[str]:
    """Region/City zones for a picker, sorted."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def flag_thresholds(settings: dict) -> dict[str, int]:
    """The programme's flag thresholds, in the names ``metrics.flags`` uses."""
    return {key.removeprefix("flag_"): int(settings[key]) for key in FLAG_LIMITS}
