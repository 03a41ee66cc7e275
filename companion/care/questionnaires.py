"""Questionnaires as data (docs/clinical-sources.md): definition files, scoring, bands, responses.

Definitions are JSON files in ``content/questionnaires/`` and in a folder the programme
names; a bad file is reported by name and skipped, never fatal. The FDI's items are not
shipped (no licence): clinicians enter FDI totals measured at visits, banded here.

Bands are checked when a file is read: every score the questionnaire can give must fall in
exactly one band. The achievable scores are listed exactly (in whole numbers, after scaling
the option scores to a common denominator) unless there are too many; then every step of a
grid that holds them all must be covered instead (for ``sum`` the lattice the option scores
make, for ``mean`` every 0.01), which is stricter but never lets a score fall between bands.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import cache
from pathlib import Path

from sqlite_utils import Database

from companion import access, config
from companion.access import Permission
from companion.db import stamp, transaction
from companion.errors import CompanionError, InvalidInput
from companion.identity import User
from companion.people.patients import Patient

MAX_FILE_BYTES = 200_000
MAX_SCORE = 1_000_000  # an option score or band edge beyond this is a typo, not a scale
SCORINGS = ("sum", "mean", "single")
_ID = re.compile(r"[a-z0-9-]{1,40}")
_EXACT_WORK = 500_000  # additions spent listing achievable totals before using the grid


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
        """The lowest and highest score these items can give."""
        lows = [Fraction(str(min(o.score for o in i.options))) for i in self.items]
        highs = [Fraction(str(max(o.score for o in i.options))) for i in self.items]
        return _final(self, sum(lows)), _final(self, sum(highs))


# --- FDI totals entered by clinicians (Kashikar-Zuck et al. 2011) -------------------------

FDI_ID = "fdi-total"
FDI_BANDS = (
    Band(0, 12, "No or minimal disability"),
    Band(13, 29, "Moderate disability"),
    Band(30, 60, "Severe disability"),
)
FDI_SEVERE_FROM = FDI_BANDS[-1].min  # a total this high is in the severe band (a flag)


def fdi_band(total: int) -> str:
    """The band of an FDI total: a whole number from 0 to 60 (12.0 counts as whole)."""
    whole = isinstance(total, int) or (isinstance(total, float) and total.is_integer())
    if isinstance(total, bool) or not whole or not 0 <= total <= 60:
        raise InvalidInput("fdi_total", "The FDI total is a whole number from 0 to 60.")
    return next(b.label for b in FDI_BANDS if b.min <= total <= b.max)


# --- parsing ------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    """JSON allows a key twice in one object; which one counts would be a guess."""


def _object(pairs: list[tuple[str, object]]) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        twice = next(k for k in found if sum(1 for key, _ in pairs if key == k) > 1)
        raise _DuplicateKey(f"the key '{twice}' appears twice in one object")
    return found


def _text(data: dict, name: str, source: str, limit: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise QuestionnaireError(source, f"'{name}' must be text of 1 to {limit} characters")
    return value.strip()


def _number(value: object, source: str, what: str) -> float:
    # the comparison is False for NaN and never overflows for huge integers
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QuestionnaireError(source, f"{what} must be a number")
    if not -MAX_SCORE <= value <= MAX_SCORE:
        raise QuestionnaireError(
            source, f"{what} must be a number from -{MAX_SCORE:,} to {MAX_SCORE:,}"
        )
    return value


def _option(raw: object, source: str, item_id: str) -> Option:
    if not isinstance(raw, dict):
        raise QuestionnaireError(source, f"item '{item_id}' has an option that is not an object")
    score = _number(raw.get("score"), source, f"the scores of item '{item_id}'")
    return Option(_text(raw, "label", source, 80), score)


def _item(raw: object, source: str) -> Item:
    if not isinstance(raw, dict):
        raise QuestionnaireError(source, "each item must be an object")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not _ID.fullmatch(item_id):
        raise QuestionnaireError(
            source, "each item needs an 'id' of lowercase letters, digits and hyphens"
        )
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or not raw_options:
        raise QuestionnaireError(source, f"item '{item_id}' has no options")
    options = tuple(_option(o, source, item_id) for o in raw_options)
    if len({o.score for o in options}) != len(options):
        raise QuestionnaireError(source, f"item '{item_id}' has two options with the same score")
    return Item(item_id, _text(raw, "text", source, 300), options)


def _items(raw: object, scoring: str, source: str) -> tuple[Item, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionnaireError(source, "'items' must list at least one question")
    items = tuple(_item(i, source) for i in raw)
    ids = [i.id for i in items]
    if twice := next((i for i in ids if ids.count(i) > 1), None):
        raise QuestionnaireError(source, f"two items share the id '{twice}'")
    if scoring == "single" and len(items) != 1:
        raise QuestionnaireError(source, "'single' scoring needs exactly one item")
    return items


def _bands(raw: object, source: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionnaireError(source, "'bands' must list at least one band")
    bands = []
    for b in raw:
        if not isinstance(b, dict):
            raise QuestionnaireError(source, "each band must be an object")
        low = _number(b.get("min"), source, "band limits")
        high = _number(b.get("max"), source, "band limits")
        label = _text(b, "label", source, 80)
        if low > high:
            raise QuestionnaireError(source, f"band '{label}' has its min above its max")
        bands.append(Band(low, high, label))
    return tuple(sorted(bands, key=lambda band: (band.min, band.max)))


def _header(data: dict, source: str) -> tuple[str, str, str, int]:
    qid = data.get("id")
    if not isinstance(qid, str) or not _ID.fullmatch(qid):
        raise QuestionnaireError(
            source, "'id' must be 1 to 40 lowercase letters, digits and hyphens"
        )
    if qid == FDI_ID:
        raise QuestionnaireError(source, f"the id '{FDI_ID}' is kept for clinician-entered totals")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, str | int):
        raise QuestionnaireError(source, "'version' must be text such as \"1\"")
    if not 1 <= len(str(version).strip()) <= 40:
        raise QuestionnaireError(source, "'version' must be text of 1 to 40 characters")
    scoring = data.get("scoring")
    if scoring not in SCORINGS:
        raise QuestionnaireError(source, f"'scoring' must be one of: {', '.join(SCORINGS)}")
    every = data.get("every_days")
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 365:
        raise QuestionnaireError(source, "'every_days' must be a whole number from 1 to 365")
    return qid, str(version).strip(), scoring, every


def parse(text: str, source: str) -> Questionnaire:
    """Read one definition; raise QuestionnaireError naming ``source`` and the problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise QuestionnaireError(source, "the file is larger than 200 kB")
    try:
        data = json.loads(text, object_pairs_hook=_object)
    except _DuplicateKey as error:
        raise QuestionnaireError(source, str(error)) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise QuestionnaireError(source, f"not valid JSON ({error.msg} at {where})") from None
    except (ValueError, RecursionError):  # a number with thousands of digits, deep nesting
        raise QuestionnaireError(
            source, "not valid JSON (a number is too long or the nesting too deep)"
        ) from None
    if not isinstance(data, dict):
        raise QuestionnaireError(source, "the file must hold one JSON object")
    qid, version, scoring, every = _header(data, source)
    q = Questionnaire(
        id=qid,
        version=version,
        title=_text(data, "title", source, 120),
        audience=_text(data, "audience", source, 40),
        recall=_text(data, "recall", source, 80),
        licence=_text(data, "licence", source, 500),
        scoring=scoring,
        every_days=every,
        items=_items(data.get("items"), scoring, source),
        bands=_bands(data.get("bands"), source),
        source=source,
    )
    _check_bands(q)
    return q


# --- do the bands hold every score? ---------------------------------------------------------


def _final(q: Questionnaire, total: Fraction) -> float:
    """The score from the exact total: means rounded half up to 2 decimals."""
    if q.scoring != "mean":
        return float(total)
    return float(Fraction(math.floor(total / len(q.items) * 100 + Fraction(1, 2)), 100))


def _scaled(q: Questionnaire) -> tuple[int, list[list[int]]]:
    """Option scores as whole numbers over one common denominator, per item."""
    exact = [[Fraction(str(o.score)) for o in i.options] for i in q.items]
    scale = math.lcm(*(f.denominator for row in exact for f in row))
    return scale, [sorted({int(f * scale) for f in row}) for row in exact]


def _achievable(q: Questionnaire) -> list[float] | None:
    """Every score q can give, sorted; None when listing them would take too long."""
    scale, rows = _scaled(q)
    totals, work = {0}, 0
    for row in rows:
        work += len(totals) * len(row)
        if work > _EXACT_WORK:
            return None
        totals = {t + c for t in totals for c in row}
    return sorted({_final(q, Fraction(t, scale)) for t in totals})


def _exact_gap(points: list[float]) -> Callable[[float, float], float | None]:
    def inside(low: float, high: float) -> float | None:
        i = bisect.bisect_right(points, low)
        return points[i] if i < len(points) and points[i] < high else None

    return inside


def _grid_gap(q: Questionnaire) -> Callable[[float, float], float | None]:
    """A point of a grid holding every achievable score strictly inside (low, high)."""
    scale, rows = _scaled(q)
    base, step = Fraction(0), Fraction(1, 100)  # rounded means sit on the 0.01 grid
    if q.scoring == "sum":
        base = Fraction(sum(row[0] for row in rows), scale)
        step = Fraction(math.gcd(*(c - row[0] for row in rows for c in row)), scale)
    bottom, top = q.score_range()

    def inside(low: float, high: float) -> float | None:
        k = math.floor((Fraction(low) - base) / step) + 1
        while float(point := base + k * step) <= low:  # float rounding at the edge
            k += 1
        value = max(float(point), bottom)
        return value if low < value < high and value <= top else None

    return inside


def _check_bands(q: Questionnaire) -> None:
    pairs = list(zip(q.bands, q.bands[1:], strict=False))
    for a, b in pairs:
        if b.min <= a.max:
            raise QuestionnaireError(q.source, f"bands '{a.label}' and '{b.label}' overlap")
    low, high = q.score_range()
    for value in (low, high):
        if not any(b.min <= value <= b.max for b in q.bands):
            raise QuestionnaireError(q.source, f"no band covers the score {value:g}")
    points = _achievable(q)
    inside = _exact_gap(points) if points is not None else _grid_gap(q)
    for a, b in pairs:
        if (value := inside(a.max, b.min)) is not None:
            raise QuestionnaireError(
                q.source,
                f"no band covers the score {value:g} (between '{a.label}' and '{b.label}')",
            )


# --- loading ------------------------------------------------------------------------------


def _read(file: Path) -> str:
    if not file.is_file():
        raise QuestionnaireError(file.name, "this is not a file")
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        raise QuestionnaireError(file.name, "the file could not be read") from None
    if len(data) > MAX_FILE_BYTES:
        raise QuestionnaireError(file.name, "the file is larger than 200 kB")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark from a Windows editor is fine
    except UnicodeDecodeError:
        raise QuestionnaireError(file.name, "the file is not UTF-8 text") from None


def load_folder(folder: str | Path | None) -> tuple[dict[str, Questionnaire], list[str]]:
    """The good definitions in ``folder`` by id, and one message per file that was skipped.
    A folder is parsed again only when a file in it is added, removed or edited."""
    path = Path(folder) if folder else None
    if path is None or not path.is_dir():
        return {}, []
    found, problems = _parsed(path.resolve(), config.folder_signature(path, "*.json"))
    return dict(found), list(problems)


@cache
def _parsed(path: Path, signature: tuple) -> tuple[tuple, tuple[str, ...]]:
    found: dict[str, Questionnaire] = {}
    problems: list[str] = []
    for file in sorted(path.glob("*.json")):
        try:
            q = parse(_read(file), file.name)
        except QuestionnaireError as error:
            problems.append(str(error))
            continue
        if q.id in found:
            problems.append(f"{file.name}: the id '{q.id}' is already used by {found[q.id].source}")
            continue
        found[q.id] = q
    return tuple(found.items()), tuple(problems)


def load_all(extra_folder: str | Path | None = None) -> tuple[dict[str, Questionnaire], list[str]]:
    """Shipped questionnaires plus the programme's own folder (whose ids replace shipped ones)."""
    shipped, problems = load_folder(config.CONTENT_DIR / "questionnaires")
    if extra_folder and not Path(extra_folder).is_dir():
        return shipped, [*problems, f"{extra_folder}: the programme's folder was not found"]
    extra, more = load_folder(extra_folder)
    return {**shipped, **extra}, problems + more


# --- scoring ------------------------------------------------------------------------------


def _chosen(item: Item, answers: dict) -> Option:
    value = answers.get(item.id)
    if value is None:
        raise InvalidInput(item.id, "Please answer every question.")
    by_score = {o.score: o for o in item.options}
    if isinstance(value, bool) or not isinstance(value, int | float) or value not in by_score:
        raise InvalidInput(item.id, "Please choose one of the answers shown.")
    return by_score[value]


def _validated(q: Questionnaire, answers: object) -> dict[str, float]:
    """Item id → the chosen option's own score, for complete, known answers only."""
    if not isinstance(answers, dict):
        raise InvalidInput("answers", "Please answer every question.")
    chosen = {item.id: _chosen(item, answers).score for item in q.items}
    if any(key not in chosen for key in answers):
        raise InvalidInput("answers", "Some answers belong to questions that aren't here.")
    return chosen


def score(q: Questionnaire, answers: dict[str, int | float]) -> float:
    """Score complete answers (item id → the chosen option's score). No prorating."""
    chosen = _validated(q, answers)
    return _final(q, sum(Fraction(str(v)) for v in chosen.values()))


def band(q: Questionnaire, value: float) -> str:
    """The label of the band holding ``value`` (bands include both ends)."""
    for b in q.bands:
        if b.min <= value <= b.max:
            return b.label
    raise InvalidInput("score", "That score is outside this questionnaire's range.")


# --- responses ----------------------------------------------------------------------------


def _as_date(value: object, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise InvalidInput(field, "Please choose a day.")
    return value


def _check_day(patient: Patient, day: object, today: object) -> date:
    day, today = _as_date(day, "day"), _as_date(today, "day")
    if day > today:
        raise InvalidInput("day", "That day hasn't happened yet.")
    if day < patient.discharged_on:
        raise InvalidInput("day", "That day is before you left the programme.")
    return day


_INSERT = (
    "INSERT INTO questionnaire_responses (patient_id, instrument, version, day, answers, score,"
    " band, entered_by, created_at) VALUES (:patient_id, :instrument, :version, :day, :answers,"
    " :score, :band, :entered_by, :created_at)"
)


def _store(db: Database, patient: Patient, day: date, entered_by: int | None, **fields) -> dict:
    """Replace the day's response for this instrument, in one transaction."""
    row = {"patient_id": patient.id, "day": day.isoformat(), "entered_by": entered_by}
    row |= {**fields, "created_at": stamp()}
    with transaction(db):
        db.execute(
            "DELETE FROM questionnaire_responses"
            " WHERE patient_id = :patient_id AND instrument = :instrument AND day = :day",
            row,
        )
        row_id = db.execute(_INSERT, row).lastrowid
    return next(db.query("SELECT * FROM questionnaire_responses WHERE id = ?", [row_id]))


def save_response(
    db: Database,
    user: User,
    patient_id: int,
    q: Questionnaire,
    answers: dict[str, int | float],
    *,
    day: date,
    today: date,
) -> dict:
    """A teen's answers to one of their questionnaires, scored and stored; one response per
    questionnaire per day (saving again replaces it). Only the teen may answer."""
    patient = access.require(db, user, Permission.WRITE_CHECKIN, patient_id)
    day = _check_day(patient, day, today)
    chosen = _validated(q, answers)
    value = score(q, chosen)
    return _store(
        db,
        patient,
        day,
        user.id,
        instrument=q.id,
        version=q.version,
        answers=json.dumps(chosen),
        score=value,
        band=band(q, value),
    )


def record_fdi_total(
    db: Database, user: User, patient_id: int, total: int, *, day: date, today: date
) -> dict:
    """An FDI total (0–60) a clinician on the teen's care team measured; one per day, like
    any response."""
    patient = access.require(db, user, Permission.RECORD_VISIT, patient_id)
    label = fdi_band(total)
    day = _check_day(patient, day, today)
    return _store(
        db,
        patient,
        day,
        user.id,
        instrument=FDI_ID,
        version="clinician-entered",
        answers="{}",
        score=float(total),
        band=label,
    )


def list_responses(db: Database, patient_id: int, instrument: str | None = None) -> list[dict]:
    """A teen's responses (one instrument, or all), oldest day first."""
    sql = "SELECT * FROM questionnaire_responses WHERE patient_id = ?"
    params: list[object] = [patient_id]
    if instrument is not None:
        sql += " AND instrument = ?"
        params.append(instrument)
    return list(db.query(sql + " ORDER BY day, id", params))


def due(db: Database, patient: Patient, q: Questionnaire, *, today: date) -> bool:
    """Due when never answered, or last answered ``every_days`` or more days ago.

    Never due before discharge."""
    today = _as_date(today, "today")
    if today < patient.discharged_on:
        return False
    row = next(
        db.query(
            "SELECT MAX(day) AS last FROM questionnaire_responses"
            " WHERE patient_id = ? AND instrument = ?",
            [patient.id, q.id],
        )
    )
    if row["last"] is None:
        return True
    return date.fromisoformat(row["last"]) + timedelta(days=q.every_days) <= today
