"""Questionnaires as data (CLINICAL.md): definition files, scoring, bands, responses.

Definitions are JSON files in ``content/questionnaires/`` and in a folder the programme
names; a bad file is reported by name and skipped, never fatal. The FDI's items are not
shipped (no licence): clinicians enter FDI totals measured at visits, banded here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from sqlite_utils import Database

from . import config
from .db import stamp, transaction
from .errors import CompanionError, InvalidInput
from .patients import Patient

MAX_FILE_BYTES = 200_000
SCORINGS = ("sum", "mean", "single")
_ID = re.compile(r"^[a-z0-9-]{1,40}$")


class QuestionnaireError(CompanionError):
    """A definition file that cannot be used; str() names the file and the problem."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass(frozen=True)
class Option:
    label: str
    score: float


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Band:
    min: float
    max: float
    label: str


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    audience: str
    recall: str
    licence: str
    scoring: str
    every_days: int
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    source: str = ""

    def score_range(self) -> tuple[float, float]:
        lows = [min(o.score for o in i.options) for i in self.items]
        highs = [max(o.score for o in i.options) for i in self.items]
        if self.scoring == "sum":
            return sum(lows), sum(highs)
        if self.scoring == "mean":
            return min(lows), max(highs)
        return lows[0], highs[0]


# --- FDI totals entered by clinicians (Kashikar-Zuck et al. 2011) -------------------------

FDI_ID = "fdi-total"
FDI_BANDS = (
    Band(0, 12, "No or minimal disability"),
    Band(13, 29, "Moderate disability"),
    Band(30, 60, "Severe disability"),
)


def fdi_band(total: object) -> str:
    if isinstance(total, bool) or not isinstance(total, int | float):
        raise InvalidInput("fdi_total", "The FDI total is a whole number from 0 to 60.")
    if isinstance(total, float) and (not math.isfinite(total) or not total.is_integer()):
        raise InvalidInput("fdi_total", "The FDI total is a whole number from 0 to 60.")
    if not 0 <= total <= 60:
        raise InvalidInput("fdi_total", "The FDI total is a whole number from 0 to 60.")
    return next(b.label for b in FDI_BANDS if b.min <= total <= b.max)


# --- parsing ------------------------------------------------------------------------------


def _text(data: dict, name: str, source: str, limit: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise QuestionnaireError(source, f"'{name}' must be text of 1 to {limit} characters")
    return value.strip()


def _number(value: object, source: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise QuestionnaireError(source, f"{what} must be a number")
    return value


def _item(raw: object, source: str) -> Item:
    if not isinstance(raw, dict):
        raise QuestionnaireError(source, "each item must be an object")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not _ID.fullmatch(item_id):
        raise QuestionnaireError(source, "each item needs an id of lowercase letters and digits")
    options_raw = raw.get("options")
    if not isinstance(options_raw, list) or not options_raw:
        raise QuestionnaireError(source, f"item '{item_id}' has no options")
    options = []
    for o in options_raw:
        if not isinstance(o, dict):
            raise QuestionnaireError(source, f"item '{item_id}' has a malformed option")
        options.append(
            Option(
                _text(o, "label", source, 80),
                _number(o.get("score"), source, f"item '{item_id}' scores"),
            )
        )
    if len({o.score for o in options}) != len(options):
        raise QuestionnaireError(source, f"item '{item_id}' has two options with one score")
    return Item(item_id, _text(raw, "text", source, 300), tuple(options))


def _bands(raw: object, source: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionnaireError(source, "'bands' must list at least one band")
    bands = []
    for b in raw:
        if not isinstance(b, dict):
            raise QuestionnaireError(source, "each band must be an object")
        low = _number(b.get("min"), source, "band limits")
        high = _number(b.get("max"), source, "band limits")
        if low > high:
            raise QuestionnaireError(source, "a band's min is above its max")
        bands.append(Band(low, high, _text(b, "label", source, 80)))
    return tuple(sorted(bands, key=lambda band: band.min))


def _achievable(q: Questionnaire) -> set[Fraction]:
    """Every score the questionnaire can give (small questionnaires: exactly)."""
    scores = [[Fraction(str(o.score)) for o in i.options] for i in q.items]
    combos = math.prod(len(s) for s in scores)
    if q.scoring == "single":
        return set(scores[0])
    if combos > 200_000:  # too many to list: check the integer steps between the extremes
        low, high = q.score_range()
        return {Fraction(x) for x in range(math.ceil(low), math.floor(high) + 1)}
    sums = {Fraction(0)}
    for choices in scores:
        sums = {s + c for s in sums for c in choices}
    return sums if q.scoring == "sum" else {s / len(scores) for s in sums}


def _check_bands(q: Questionnaire) -> None:
    for a, b in zip(q.bands, q.bands[1:], strict=False):
        if b.min <= a.max:
            raise QuestionnaireError(q.source, f"bands '{a.label}' and '{b.label}' overlap")
    for score in _achievable(q):
        mean_rounded = round(float(score), 2) if q.scoring == "mean" else float(score)
        if not any(b.min <= mean_rounded <= b.max for b in q.bands):
            raise QuestionnaireError(q.source, f"no band covers the score {mean_rounded:g}")


def parse(text: str, source: str) -> Questionnaire:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise QuestionnaireError(source, f"not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise QuestionnaireError(source, "the file must hold one JSON object")
    qid = data.get("id")
    if not isinstance(qid, str) or not _ID.fullmatch(qid):
        raise QuestionnaireError(source, "'id' must be lowercase letters, digits and hyphens")
    scoring = data.get("scoring")
    if scoring not in SCORINGS:
        raise QuestionnaireError(source, f"'scoring' must be one of {', '.join(SCORINGS)}")
    every = data.get("every_days")
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 365:
        raise QuestionnaireError(source, "'every_days' must be a whole number from 1 to 365")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise QuestionnaireError(source, "'items' must list at least one question")
    items = tuple(_item(i, source) for i in raw_items)
    if len({i.id for i in items}) != len(items):
        raise QuestionnaireError(source, "two items share an id")
    if scoring == "single" and len(items) != 1:
        raise QuestionnaireError(source, "'single' scoring needs exactly one item")
    version = data.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool) or not str(version):
        raise QuestionnaireError(source, "'version' is missing")
    q = Questionnaire(
        id=qid,
        version=str(version),
        title=_text(data, "title", source, 120),
        audience=_text(data, "audience", source, 40),
        recall=_text(data, "recall", source, 80),
        licence=_text(data, "licence", source, 300),
        scoring=scoring,
        every_days=every,
        items=items,
        bands=_bands(data.get("bands"), source),
        source=source,
    )
    _check_bands(q)
    return q


def load_folder(folder: str | Path | None) -> tuple[dict[str, Questionnaire], list[str]]:
    found: dict[str, Questionnaire] = {}
    problems: list[str] = []
    path = Path(folder) if folder else None
    if path is None or not path.is_dir():
        return found, problems
    for file in sorted(path.glob("*.json")):
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise QuestionnaireError(file.name, "the file is larger than 200 kB")
            q = parse(file.read_text(encoding="utf-8"), file.name)
        except (QuestionnaireError, UnicodeDecodeError, OSError) as error:
            problems.append(str(error))
            continue
        if q.id in found:
            problems.append(f"{file.name}: the id '{q.id}' is already used by {found[q.id].source}")
            continue
        found[q.id] = q
    return found, problems


def load_all(extra_folder: str | Path | None = None) -> tuple[dict[str, Questionnaire], list[str]]:
    """Shipped questionnaires plus the programme's own folder (which may replace one)."""
    shipped, problems = load_folder(config.CONTENT_DIR / "questionnaires")
    extra, more = load_folder(extra_folder)
    return {**shipped, **extra}, problems + more


# --- scoring ------------------------------------------------------------------------------


def score(q: Questionnaire, answers: dict) -> float:
    """Score complete answers (item id → the chosen option's score); no prorating."""
    if not isinstance(answers, dict):
        raise InvalidInput("answers", "Please answer every question.")
    known = {i.id for i in q.items}
    for key in answers:
        if key not in known:
            raise InvalidInput(str(key)[:40], "That isn't one of this questionnaire's questions.")
    values = []
    for item in q.items:
        if item.id not in answers or answers[item.id] is None:
            raise InvalidInput(item.id, "Please answer every question.")
        value = answers[item.id]
        allowed = {o.score for o in item.options}
        if isinstance(value, bool) or not isinstance(value, int | float) or value not in allowed:
            raise InvalidInput(item.id, "Please choose one of the answers given.")
        values.append(value)
    if q.scoring == "sum":
        return float(sum(values))
    if q.scoring == "mean":
        return round(sum(values) / len(values), 2)
    return float(values[0])


def band(q: Questionnaire, value: float) -> str:
    return next((b.label for b in q.bands if b.min <= value <= b.max), "")


# --- responses ----------------------------------------------------------------------------


def _check_day(patient: Patient, day: object, today: date) -> date:
    if not isinstance(day, date):
        raise InvalidInput("day", "Please choose a day.")
    if day > today:
        raise InvalidInput("day", "That day hasn't happened yet.")
    if day < patient.discharged_on:
        raise InvalidInput("day", "That day is before discharge.")
    return day


def _store(db, patient, instrument, version, day, answers, value, label, entered_by) -> dict:
    with transaction(db):
        db.execute(
            "DELETE FROM questionnaire_responses WHERE patient_id = ? AND instrument = ?"
            " AND day = ?",
            [patient.id, instrument, day.isoformat()],
        )
        row_id = db.execute(
            "INSERT INTO questionnaire_responses (patient_id, instrument, version, day, answers,"
            " score, band, entered_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                patient.id,
                instrument,
                version,
                day.isoformat(),
                json.dumps(answers),
                value,
                label,
                entered_by,
                stamp(),
            ],
        ).lastrowid
    return next(db.query("SELECT * FROM questionnaire_responses WHERE id = ?", [row_id]))


def save_response(
    db: Database,
    patient: Patient,
    q: Questionnaire,
    answers: dict,
    *,
    day: date,
    today: date,
    entered_by: int | None,
) -> dict:
    """Score and store a response; one per questionnaire per day (saving again replaces it)."""
    day = _check_day(patient, day, today)
    value = score(q, answers)
    clean = {i.id: answers[i.id] for i in q.items}
    return _store(db, patient, q.id, q.version, day, clean, value, band(q, value), entered_by)


def record_fdi_total(
    db: Database,
    patient: Patient,
    total: object,
    *,
    day: date,
    today: date,
    entered_by: int | None,
) -> dict:
    label = fdi_band(total)
    day = _check_day(patient, day, today)
    return _store(
        db, patient, FDI_ID, "clinician-entered", day, {}, float(total), label, entered_by
    )


def list_responses(db: Database, patient_id: int, instrument: str | None = None) -> list[dict]:
    sql = "SELECT * FROM questionnaire_responses WHERE patient_id = ?"
    params: list = [patient_id]
    if instrument:
        sql += " AND instrument = ?"
        params.append(instrument)
    return list(db.query(sql + " ORDER BY day, id", params))


def due(db: Database, patient: Patient, q: Questionnaire, *, today: date) -> bool:
    """Due when never answered, or last answered ``every_days`` or more days ago."""
    if today < patient.discharged_on:
        return False
    rows = list(
        db.query(
            "SELECT MAX(day) AS last FROM questionnaire_responses WHERE patient_id = ?"
            " AND instrument = ?",
            [patient.id, q.id],
        )
    )
    last = rows[0]["last"] if rows else None
    return last is None or date.fromisoformat(last) + timedelta(days=q.every_days) <= today
