"""What a programme records for its outcomes, so it can check that it serves every group
equally well: per episode the treatment (setting, referral and admission dates, FDI and pain
at admission), per teen the population fields (sex assigned at birth, gender identity, race
and ethnicity, language for care, insurance, travel time).

Every field is optional and offers "prefer not to say"; an untouched field is stored as not
recorded (NULL), never as a guess. The care team reads and writes them
(``Permission.EDIT_POPULATION``); parents never see them; the teen finds them in their own
data download; admins and clinicians see them only inside de-identified outcomes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from companion import access, audit
from companion.access import Permission
from companion.care import visits
from companion.db import stamp, transaction
from companion.errors import InvalidInput
from companion.identity import User

PREFER_NOT = "prefer_not_to_say"
PREFER_NOT_LABEL = "Prefer not to say"
NOT_RECORDED = "Not recorded"

# The seven minimum categories of the 2024 revision of the US OMB standard (SPD 15), asked as
# one select-all question.
OMB_2024 = (
    ("aian", "American Indian or Alaska Native"),
    ("asian", "Asian"),
    ("black", "Black or African American"),
    ("hispanic", "Hispanic or Latino"),
    ("mena", "Middle Eastern or North African"),
    ("nhpi", "Native Hawaiian or Pacific Islander"),
    ("white", "White"),
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]  # (code, label), "prefer not to say" last
    multiple: bool = False
    help: str = ""

    def label_of(self, code: str | None) -> str:
        if code is None:
            return NOT_RECORDED
        return dict(self.choices).get(code, code)


def _with_prefer_not(*choices: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (*choices, (PREFER_NOT, PREFER_NOT_LABEL))


SETTING = Field(
    "setting",
    "Treatment setting",
    _with_prefer_not(("inpatient", "Inpatient"), ("day", "Day programme")),
)
FIELDS = (
    Field(
        "sex_at_birth",
        "Sex assigned at birth",
        _with_prefer_not(("female", "Female"), ("male", "Male"), ("intersex", "Intersex")),
    ),
    Field(
        "gender_identity",
        "Gender identity",
        _with_prefer_not(
            ("girl", "Girl or young woman"),
            ("boy", "Boy or young man"),
            ("nonbinary", "Nonbinary"),
            ("trans_girl", "Transgender girl or young woman"),
            ("trans_boy", "Transgender boy or young man"),
            ("another", "Another gender identity"),
        ),
        help="Asked separately from sex assigned at birth.",
    ),
    Field(
        "race_ethnicity",
        "Race and ethnicity (choose all that apply)",
        _with_prefer_not(*OMB_2024),
        multiple=True,
        help="The seven minimum categories of the US standard (OMB SPD 15, 2024).",
    ),
    Field(
        "language",
        "Preferred language for care",
        _with_prefer_not(
            ("en", "English"),
            ("es", "Spanish"),
            ("zh", "Chinese"),
            ("vi", "Vietnamese"),
            ("ar", "Arabic"),
            ("other", "Another language"),
        ),
    ),
    Field(
        "insurance",
        "Insurance",
        _with_prefer_not(
            ("public", "Public"), ("private", "Private"), ("none", "None"), ("other", "Other")
        ),
    ),
    Field(
        "travel_time",
        "Travel time to the programme",
        _with_prefer_not(
            ("under_1h", "Under 1 hour"),
            ("1_3h", "1 to 3 hours"),
            ("over_3h", "Over 3 hours"),
            ("out_of_region", "Out of state or region"),
        ),
        help="Banded by the care team; never an address.",
    ),
)
BY_KEY = {f.key: f for f in (*FIELDS, SETTING)}
WHY = (
    "These questions help the programme check that it serves every group equally well. Each "
    "is optional, and “prefer not to say” is always an answer. They are never shown to the "
    "teen's parents or on the family's screens; they leave the programme only inside "
    "de-identified outcomes, where groups under 11 are hidden."
)


def race_ethnicity_choices(settings: dict) -> tuple[tuple[str, str], ...]:
    """The race and ethnicity list: the programme's own (settings ``ethnicity_list``, one
    label per line, for programmes outside the US) or the OMB 2024 categories."""
    own = [line.strip() for line in str(settings.get("ethnicity_list") or "").splitlines()]
    own = [line for line in own if line]
    if not own:
        return BY_KEY["race_ethnicity"].choices
    return _with_prefer_not(*((f"own_{i + 1}", label) for i, label in enumerate(own)))


def clean(values: dict, *, settings: dict | None = None) -> dict:
    """The population fields as stored: a code, a sorted list of codes (race and ethnicity,
    "prefer not to say" on its own), or None when not recorded. Anything else is refused."""
    out: dict[str, object] = {}
    for field in FIELDS:
        choices = field.choices
        if field.key == "race_ethnicity" and settings is not None:
            choices = race_ethnicity_choices(settings)
        codes = [code for code, _ in choices]
        value = values.get(field.key)
        if field.multiple:
            chosen = [] if value in (None, "") else list(value)
            if any(c not in codes for c in chosen):
                raise InvalidInput(field.key, f"Please choose from the list for {field.label}.")
            if PREFER_NOT in chosen and len(chosen) > 1:
                raise InvalidInput(
                    field.key, "“Prefer not to say” can't be chosen with another answer."
                )
            out[field.key] = sorted(set(chosen), key=codes.index) or None
        else:
            if value in (None, ""):
                out[field.key] = None
            elif value in codes:
                out[field.key] = value
            else:
                raise InvalidInput(field.key, f"Please choose from the list for {field.label}.")
    return out


def read(db: Database, user: User | None, patient_id: int) -> dict:
    """The teen's population fields for their care team (None where not recorded)."""
    patient = access.require(db, user, Permission.EDIT_POPULATION, patient_id)
    return _stored(db, patient.id)


def _stored(db: Database, patient_id: int) -> dict:
    rows = list(db.query("SELECT * FROM population WHERE patient_id = ?", [patient_id]))
    empty = {field.key: None for field in FIELDS}
    if not rows:
        return empty
    row = rows[0]
    out = {key: row[key] for key in empty}
    out["race_ethnicity"] = json.loads(row["race_ethnicity"]) if row["race_ethnicity"] else None
    return out


def save(
    db: Database, user: User | None, patient_id: int, values: dict, *, settings: dict | None = None
) -> dict:
    """Save what the care team entered (the whole set at once); nothing when refused."""
    patient = access.require(db, user, Permission.EDIT_POPULATION, patient_id)
    cleaned = clean(values, settings=settings)
    with transaction(db):
        _write(db, patient.id, cleaned, user)
        audit.record(db, user, "population:save", patient_id=patient.id)
    return cleaned


def _write(db: Database, patient_id: int, cleaned: dict, user: User) -> None:
    race = cleaned["race_ethnicity"]
    db.execute(
        "INSERT INTO population (patient_id, sex_at_birth, gender_identity, race_ethnicity,"
        " language, insurance, travel_time, updated_by, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(patient_id) DO UPDATE SET"
        " sex_at_birth = excluded.sex_at_birth, gender_identity = excluded.gender_identity,"
        " race_ethnicity = excluded.race_ethnicity, language = excluded.language,"
        " insurance = excluded.insurance, travel_time = excluded.travel_time,"
        " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        [
            patient_id,
            cleaned["sex_at_birth"],
            cleaned["gender_identity"],
            json.dumps(race) if race else None,
            cleaned["language"],
            cleaned["insurance"],
            cleaned["travel_time"],
            user.id,
            stamp(),
        ],
    )


@dataclass(frozen=True)
class Treatment:
    setting: str | None = None
    referred_on: date | None = None
    admitted_on: date | None = None
    admission_fdi: int | None = None
    admission_pain: int | None = None


def clean_treatment(treatment: Treatment, *, discharged_on: date) -> Treatment:
    """Refer, admit, discharge, in that order; measures in range (the visit rules)."""
    if treatment.setting is not None and treatment.setting not in dict(SETTING.choices):
        raise InvalidInput("setting", "Please choose a treatment setting from the list.")
    for name in ("referred_on", "admitted_on"):
        value = getattr(treatment, name)
        if value is not None and not isinstance(value, date):
            raise InvalidInput(name, "Please enter a date.")
    if treatment.admitted_on and treatment.admitted_on > discharged_on:
        raise InvalidInput("admitted_on", "The admission date must be on or before discharge.")
    first_day = treatment.admitted_on or discharged_on
    if treatment.referred_on and treatment.referred_on > first_day:
        raise InvalidInput(
            "referred_on", "The referral date must be on or before the admission date."
        )
    try:
        visits.check_measures(treatment.admission_pain, treatment.admission_fdi)
    except InvalidInput as refused:
        field = "admission_pain" if refused.field == "visit_pain" else "admission_fdi"
        raise InvalidInput(field, refused.message) from refused
    return treatment


def read_treatment(db: Database, user: User | None, patient_id: int) -> Treatment:
    """The current episode's treatment fields."""
    patient = access.require(db, user, Permission.EDIT_POPULATION, patient_id)
    row = next(db.query("SELECT * FROM episodes WHERE id = ?", [patient.episode_id]))
    return _treatment(row)


def _treatment(row: dict) -> Treatment:
    def day(value):
        return date.fromisoformat(value) if value else None

    return Treatment(
        setting=row["setting"],
        referred_on=day(row["referred_on"]),
        admitted_on=day(row["admitted_on"]),
        admission_fdi=row["admission_fdi"],
        admission_pain=row["admission_pain"],
    )


def save_treatment(db: Database, user: User | None, patient_id: int, treatment: Treatment) -> None:
    """Save the current episode's treatment fields; nothing when one is refused."""
    patient = access.require(db, user, Permission.EDIT_POPULATION, patient_id)
    clean_treatment(treatment, discharged_on=patient.discharged_on)
    with transaction(db):
        _write_treatment(db, patient.episode_id, treatment)
        audit.record(db, user, "treatment:save", patient_id=patient.id)


def _write_treatment(db: Database, episode_id: int, treatment: Treatment) -> None:
    db.execute(
        "UPDATE episodes SET setting = ?, referred_on = ?, admitted_on = ?, admission_fdi = ?,"
        " admission_pain = ? WHERE id = ?",
        [
            treatment.setting,
            treatment.referred_on and treatment.referred_on.isoformat(),
            treatment.admitted_on and treatment.admitted_on.isoformat(),
            treatment.admission_fdi,
            treatment.admission_pain,
            episode_id,
        ],
    )


def save_outcome_fields(
    db: Database,
    user: User | None,
    patient_id: int,
    *,
    treatment: Treatment,
    values: dict,
    settings: dict | None = None,
) -> dict:
    """The patient page's form: the episode's treatment and the teen's population fields,
    both checked before either is written (one transaction, or nothing)."""
    patient = access.require(db, user, Permission.EDIT_POPULATION, patient_id)
    clean_treatment(treatment, discharged_on=patient.discharged_on)
    cleaned = clean(values, settings=settings)
    with transaction(db):
        _write_treatment(db, patient.episode_id, treatment)
        _write(db, patient.id, cleaned, user)
        audit.record(db, user, "population:save", patient_id=patient.id)
    return cleaned
