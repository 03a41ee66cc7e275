"""Teens as patients: enrolment, episodes (discharge dates), care teams and family links."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlite_utils import Database

from companion import audit
from companion.auth.accounts import Role, User, clean_display_name, create_user, issue_code
from companion.db import is_row_id, stamp, transaction
from companion.errors import InvalidInput, NotFound

# docs/clinical-sources.md "Who the teens are", plus other.
DIAGNOSIS_GROUPS = (
    "Amplified musculoskeletal pain",
    "Complex regional pain syndrome (CRPS)",
    "Hypermobile Ehlers-Danlos syndrome",
    "Fibromyalgia",
    "Chronic headache",
    "Chronic abdominal pain",
    "Other",
)
MIN_AGE, MAX_AGE = 8, 21


@dataclass(frozen=True)
class Patient:
    id: int
    user_id: int
    display_name: str
    username: str
    birth_year: int
    diagnosis_group: str
    discharged_on: date
    episode_id: int
    active: bool = True

    def age(self, today: date) -> int:
        """Age in whole years as far as a birth year allows (the year's birthday not yet known)."""
        return today.year - self.birth_year

    def days_since_discharge(self, today: date) -> int:
        return (today - self.discharged_on).days


_SELECT = """
    SELECT p.id, p.user_id, u.display_name, u.username, p.birth_year, p.diagnosis_group,
           u.active, e.id AS episode_id, e.discharged_on
    FROM patients p
    JOIN users u ON u.id = p.user_id
    JOIN episodes e ON e.id = (
        SELECT id FROM episodes WHERE patient_id = p.id ORDER BY discharged_on DESC, id DESC
        LIMIT 1)
"""


def _patient(row: dict) -> Patient:
    return Patient(
        id=row["id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        username=row["username"],
        birth_year=row["birth_year"],
        diagnosis_group=row["diagnosis_group"],
        discharged_on=date.fromisoformat(row["discharged_on"]),
        episode_id=row["episode_id"],
        active=bool(row["active"]),
    )


def clean_birth_year(value: object, today: date) -> int:
    try:
        year = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("birth_year", "Please enter a birth year such as 2011.") from None
    if not today.year - MAX_AGE <= year <= today.year - MIN_AGE:
        raise InvalidInput(
            "birth_year",
            f"The companion is for ages {MIN_AGE} to {MAX_AGE}: a birth year between "
            f"{today.year - MAX_AGE} and {today.year - MIN_AGE}.",
        )
    return year


def clean_discharge_date(value: object, today: date) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput("discharged_on", "Please enter a date.") from None
    if not isinstance(value, date):
        raise InvalidInput("discharged_on", "Please enter the discharge date.")
    if value > today:
        raise InvalidInput("discharged_on", "The discharge date can't be in the future.")
    if (today - value).days > 3 * 365:
        raise InvalidInput("discharged_on", "That is more than three years ago; please check it.")
    return value


def clean_diagnosis_group(value: object) -> str:
    if value not in DIAGNOSIS_GROUPS:
        raise InvalidInput("diagnosis_group", "Please choose a diagnosis group from the list.")
    return str(value)


def enrol_teen(
    db: Database,
    clinician: User,
    *,
    display_name: str,
    username: str,
    birth_year: object,
    discharged_on: object,
    diagnosis_group: object,
    today: date,
) -> tuple[Patient, str]:
    """Create a teen with a first episode; the clinician joins the care team.

    Returns the patient and the one-time activation code (shown once, stored hashed).
    """
    from companion import access  # access reads patients; importing it here avoids a cycle

    access.require_live_role(db, clinician, Role.CLINICIAN)
    clean_display_name(display_name)
    year = clean_birth_year(birth_year, today)
    discharge = clean_discharge_date(discharged_on, today)
    group = clean_diagnosis_group(diagnosis_group)
    with transaction(db):
        teen = create_user(
            db, username=username, role=Role.TEEN, display_name=display_name, actor=clinician
        )
        patient_id = db.execute(
            "INSERT INTO patients (user_id, birth_year, diagnosis_group) VALUES (?, ?, ?)",
            [teen.id, year, group],
        ).lastrowid
        db.execute(
            "INSERT INTO episodes (patient_id, discharged_on, created_at) VALUES (?, ?, ?)",
            [patient_id, discharge.isoformat(), stamp()],
        )
        db.execute(
            "INSERT INTO care_team (patient_id, clinician_id) VALUES (?, ?)",
            [patient_id, clinician.id],
        )
        audit.record(db, clinician, "enrol", patient_id=patient_id)
        code = issue_code(db, "activate", actor=clinician, user_id=teen.id)
    return get_patient(db, patient_id), code


@dataclass(frozen=True)
class Episode:
    """One programme stay: discharged on ``discharged_on``; ``ends_on`` is the day before the
    next episode starts (readmission), or None for the current one."""

    id: int
    number: int
    discharged_on: date
    admitted_on: date | None
    ends_on: date | None

    def label(self) -> str:
        until = f"{self.ends_on:%-d %b %Y}" if self.ends_on else "now"
        return f"Episode {self.number}: discharged {self.discharged_on:%-d %b %Y}, until {until}"


def list_episodes(db: Database, patient_id: int) -> list[Episode]:
    """Every episode of a patient, oldest first."""
    rows = list(
        db.query(
            "SELECT id, discharged_on, admitted_on, ended_on FROM episodes WHERE patient_id = ?"
            " ORDER BY discharged_on, id",
            [patient_id],
        )
    )
    return [
        Episode(
            id=row["id"],
            number=number,
            discharged_on=date.fromisoformat(row["discharged_on"]),
            admitted_on=date.fromisoformat(row["admitted_on"]) if row["admitted_on"] else None,
            ends_on=date.fromisoformat(row["ended_on"]) if row["ended_on"] else None,
        )
        for number, row in enumerate(rows, start=1)
    ]


def in_episode(patient: Patient, episode: Episode) -> Patient:
    """The patient as they were in an earlier episode: periods clip to its discharge."""
    return replace(patient, discharged_on=episode.discharged_on, episode_id=episode.id)


def start_episode(
    db: Database,
    patient: Patient,
    *,
    discharged_on: object,
    admitted_on: object,
    today: date,
) -> Patient:
    """A readmission: a new episode from a new discharge date; earlier ones stay as they were.

    The caller checks access (``enrolment.readmit``). The previous episode ends the day before
    the readmission (or the new discharge, when the admission date isn't given).
    """
    discharge = clean_discharge_date(discharged_on, today)
    admission = None
    if admitted_on is not None:
        admission = clean_discharge_date(admitted_on, today)
        if admission > discharge:
            raise InvalidInput("admitted_on", "The admission date must be before discharge.")
    starts = admission or discharge
    if starts <= patient.discharged_on:
        raise InvalidInput(
            "admitted_on" if admission else "discharged_on",
            f"The readmission must come after the last discharge "
            f"({patient.discharged_on:%-d %b %Y}).",
        )
    with transaction(db):
        db.execute(
            "UPDATE episodes SET ended_on = ? WHERE id = ?",
            [(starts - timedelta(days=1)).isoformat(), patient.episode_id],
        )
        db.execute(
            "INSERT INTO episodes (patient_id, admitted_on, discharged_on, created_at)"
            " VALUES (?, ?, ?, ?)",
            [patient.id, admission and admission.isoformat(), discharge.isoformat(), stamp()],
        )
    return get_patient(db, patient.id)


def get_patient(db: Database, patient_id: int) -> Patient:
    patient = find_patient(db, patient_id)
    if patient is None:
        raise NotFound("No such patient.")
    return patient


def find_patient(db: Database, patient_id: int) -> Patient | None:
    if not is_row_id(patient_id):
        return None
    rows = list(db.query(_SELECT + " WHERE p.id = ?", [patient_id]))
    return _patient(rows[0]) if rows else None


def find_patient_for_user(db: Database, user_id: int) -> Patient | None:
    rows = list(db.query(_SELECT + " WHERE p.user_id = ?", [user_id]))
    return _patient(rows[0]) if rows else None


def list_for_clinician(db: Database, clinician_id: int) -> list[Patient]:
    sql = _SELECT + (
        " JOIN care_team c ON c.patient_id = p.id WHERE c.clinician_id = ?"
        " ORDER BY e.discharged_on DESC, u.display_name"
    )
    return [_patient(r) for r in db.query(sql, [clinician_id])]


def list_for_parent(db: Database, parent_id: int) -> list[Patient]:
    sql = _SELECT + (
        " JOIN family_links f ON f.patient_id = p.id WHERE f.parent_id = ? ORDER BY u.display_name"
    )
    return [_patient(r) for r in db.query(sql, [parent_id])]


def list_parents(db: Database, patient_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT u.id, u.username, u.display_name, u.active FROM family_links f"
            " JOIN users u ON u.id = f.parent_id WHERE f.patient_id = ? ORDER BY u.display_name",
            [patient_id],
        )
    )


def is_on_care_team(db: Database, clinician_id: int, patient_id: int) -> bool:
    return bool(
        list(
            db.query(
                "SELECT 1 FROM care_team WHERE clinician_id = ? AND patient_id = ?",
                [clinician_id, patient_id],
            )
        )
    )


def is_linked_parent(db: Database, parent_id: int, patient_id: int) -> bool:
    return bool(
        list(
            db.query(
                "SELECT 1 FROM family_links WHERE parent_id = ? AND patient_id = ?",
                [parent_id, patient_id],
            )
        )
    )


def patients_of_user(db: Database, user_id: int) -> list[int]:
    """Patient ids an account belongs to: the teen's own, or a parent's linked teens."""
    rows = db.query(
        "SELECT id FROM patients WHERE user_id = ? UNION SELECT patient_id FROM family_links"
        " WHERE parent_id = ?",
        [user_id, user_id],
    )
    return [r["id"] for r in rows]


def _add_to_care_team(db: Database, patient_id: int, clinician: User, *, actor: User) -> None:
    """Unchecked: the caller has decided ``actor`` may do this (account_admin.add_to_care_team
    for people, the demo builder for itself)."""
    if clinician.role is not Role.CLINICIAN:
        raise InvalidInput("clinician", "Only clinicians join a care team.")
    with transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO care_team (patient_id, clinician_id) VALUES (?, ?)",
            [patient_id, clinician.id],
        )
        audit.record(db, actor, "care_team_add", patient_id=patient_id, detail=clinician.username)


def care_team(db: Database, patient_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT u.id, u.username, u.display_name FROM care_team c JOIN users u"
            " ON u.id = c.clinician_id WHERE c.patient_id = ? ORDER BY u.display_name",
            [patient_id],
        )
    )
