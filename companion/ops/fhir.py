"""FHIR R4 export (issue 17): a teen's follow-up record as standard resources an EHR or a
research platform can read — per patient as a ``Bundle`` (type ``collection``) for a period,
and for the whole programme as FHIR Bulk Data NDJSON. Every resource is validated with
``fhir.resources`` (its R4B models, which match R4 for these resources) before it is
written. The mapping, with an example of each resource, is in docs/fhir.md.

"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from sqlite_utils import Database

from companion import access, audit, programme
from companion.access import Permission
from companion.care import plans, questionnaires
from companion.identity import User
from companion.people.patients import Patient

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CODES = "urn:iipt-companion:fhir:CodeSystem:companion"  # the project's own codes
QUESTIONNAIRES = "urn:iipt-companion:fhir:Questionnaire:"
SCHOOL = (
    ("full", "Full day at school"),
    ("part", "Part of the day at school"),
    ("absent_pain", "Absent because of pain"),
    ("absent_other", "Absent for another reason"),
    ("none", "No school that day"),
)
OUTCOMES = (("done", "Done"), ("part", "Partly done"), ("not_done", "Not done"))
# daily value -> (code system, code, display, category, unit)
DAILY = {
    "pain": (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
             "survey", "{score}"),
    "active_minutes": (LOINC, "55411-3", "Exercise duration", "activity", "min"),
    "sleep_hours": (LOINC, "93832-4", "Sleep duration", "activity", "h"),
}  # fmt: skip


def code_system() -> CodeSystem:
    """The codes this project publishes where no LOINC code exists: the daily school
    attendance (five states) and the FDI total."""
    return CodeSystem.model_validate(
        {
            "resourceType": "CodeSystem",
            "id": "companion",
            "url": CODES,
            "name": "IIPTCompanionCodes",
            "title": "IIPT Companion codes",
            "status": "active",
            "content": "complete",
            "concept": [
                {"code": "school-attendance", "display": "School attendance that day"},
                {"code": "fdi-total", "display": "Functional Disability Inventory total (0-60)"},
                {"code": "exercise-outcome", "display": "A home exercise of the plan that day"},
                *({"code": code, "display": display} for code, display in OUTCOMES),
                *({"code": code, "display": display} for code, display in SCHOOL),
            ],
        }
    )


def patient_system(settings: dict) -> str:
    """The identifier system of the programme's patients: from its programme code."""
    code = settings.get("programme_code") or "programme"
    return f"urn:iipt-companion:{code}:patient"


def _patient(patient: Patient, settings: dict) -> FhirPatient:
    return FhirPatient.model_validate(
        {
            "resourceType": "Patient",
            "id": f"patient-{patient.id}",
            "identifier": [{"system": patient_system(settings), "value": str(patient.id)}],
            "birthDate": str(patient.birth_year),  # the year only
        }
    )


def _subject(patient: Patient) -> dict:
    return {"reference": f"Patient/patient-{patient.id}"}


def _category(code: str) -> list[dict]:
    return [{"coding": [{"system": CATEGORY, "code": code}]}]


def _observation(
    oid: str, patient: Patient, day: str, category: str, code: dict, value: dict, **more
) -> Observation:
    """One validated Observation: ``code`` the CodeableConcept, ``value`` its value[x]."""
    return Observation.model_validate(
        {
            "resourceType": "Observation",
            "id": oid,
            "status": "final",
            "category": _category(category),
            "code": code,
            "subject": _subject(patient),
            "effectiveDateTime": day,
            **more,
            **value,
        }
    )


def _quantity(value, unit: str) -> dict:
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


def _coded(code: str, display: str) -> dict:
    return {
        "valueCodeableConcept": {"coding": [{"system": CODES, "code": code, "display": display}]}
    }


def _ours(code: str, text: str | None = None) -> dict:
    """A CodeableConcept from the project's CodeSystem."""
    return {"coding": [{"system": CODES, "code": code}], **({"text": text} if text else {})}


def _daily(patient: Patient, row: dict) -> Iterator[Observation]:
    """One Observation per value the teen gave that day (a value not given is no resource)."""
    day = row["day"]
    for field, (system, code, display, category, unit) in DAILY.items():
        if row[field] is not None:
            concept = {"coding": [{"system": system, "code": code, "display": display}]}
            oid = f"{field.replace('_', '-')}-{patient.id}-{day}"
            yield _observation(oid, patient, day, category, concept, _quantity(row[field], unit))
    if row["school"] is not None:
        value = _coded(row["school"], dict(SCHOOL)[row["school"]])
        oid = f"school-{patient.id}-{day}"
        yield _observation(oid, patient, day, "survey", _ours("school-attendance"), value)


def _fdi(patient: Patient, row: dict) -> Observation:
    value = _quantity(row["score"], "{score}")
    return _observation(
        f"fdi-{row['id']}", patient, row["day"], "survey", _ours("fdi-total"), value
    )


def questionnaire(q: questionnaires.Questionnaire) -> Questionnaire:
    """A questionnaire file as a FHIR Questionnaire: each item a choice whose answers are
    coded by their score."""
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": q.id,
            "url": QUESTIONNAIRES + q.id,
            "version": q.version,
            "title": q.title,
            "status": "active",
            "item": [
                {
                    "linkId": item.id,
                    "text": item.text,
                    "type": "choice",
                    "answerOption": [
                        {"valueCoding": {"code": f"{o.score:g}", "display": o.label}}
                        for o in item.options
                    ],
                }
                for item in q.items
            ],
        }
    )


def _response(
    patient: Patient, row: dict, q: questionnaires.Questionnaire
) -> QuestionnaireResponse:
    answers = json.loads(row["answers"] or "{}")
    labels = {item.id: {f"{o.score:g}": o.label for o in item.options} for item in q.items}
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "id": f"response-{row['id']}",
            "questionnaire": f"{QUESTIONNAIRES}{q.id}|{row['version']}",
            "status": "completed",
            "subject": _subject(patient),
            "authored": row["day"],
            "item": [
                {
                    "linkId": item_id,
                    "answer": [
                        {
                            "valueCoding": {
                                "code": f"{float(score):g}",
                                "display": labels.get(item_id, {}).get(f"{float(score):g}", ""),
                            }
                        }
                    ],
                }
                for item_id, score in answers.items()
            ],
        }
    )


def _spans(versions: list, start: date, end: date) -> list[tuple[object, date, date | None]]:
    """The plan versions in force some day of [start, end], each with its own first and last
    day (None: still in force). Two saved for one day: the later one is in force."""
    out = []
    for n, v in enumerate(versions):
        later = [w.starts_on for w in versions[n + 1 :] if w.starts_on >= v.starts_on]
        last = min(later) - timedelta(days=1) if later else None
        if later and min(later) == v.starts_on:
            continue  # replaced the same day
        if v.starts_on <= end and (last is None or last >= start):
            out.append((v, v.starts_on, last))
    return out


def _care_plan(patient: Patient, version, first: date, last: date | None) -> CarePlan:
    """A plan version: its home exercises with their days a week, its coping skills, and the
    days it was in force."""
    activities = [
        {
            "detail": {
                "code": {"text": e.name},
                "status": "in-progress",
                "description": e.dose or None,
                "scheduledTiming": {
                    "repeat": {"frequency": e.days_per_week, "period": 1, "periodUnit": "wk"}
                },
            }
        }
        for e in version.exercises
    ]
    activities += [
        {
            "detail": {
                "code": {"text": skill},
                "status": "in-progress",
                "description": "Coping skill",
            }
        }
        for skill in version.coping_skills
    ]
    period = {"start": first.isoformat(), **({"end": last.isoformat()} if last else {})}
    return CarePlan.model_validate(
        {
            "resourceType": "CarePlan",
            "id": f"plan-{version.id}",
            "status": "active" if last is None else "completed",
            "intent": "plan",
            "title": "Home plan after the intensive programme",
            "subject": _subject(patient),
            "period": period,
            "activity": activities or None,
        }
    )


def _exercise_outcome(patient: Patient, row: dict) -> Observation:
    plan = row["version_id"]
    return _observation(
        f"exercise-{row['checkin_id']}-{row['exercise_key']}",
        patient,
        row["day"],
        "activity",
        _ours("exercise-outcome", row["name"] or row["exercise_key"]),
        _coded(row["status"], dict(OUTCOMES)[row["status"]]),
        **({"basedOn": [{"reference": f"CarePlan/plan-{plan}"}]} if plan else {}),
    )


def _rated(rating: int) -> str:
    return f"{plans.GOAL_RATINGS[rating]} ({rating} of 4)"


def _goal(patient: Patient, row: dict, progress: list[dict]) -> Goal:
    """A goal with its weekly progress as notes, and where it stands by the latest week."""
    latest = progress[-1]["rating"] if progress else None
    achievement = None
    if latest is not None:
        code = "achieved" if latest == 4 else "in-progress"
        system = "http://terminology.hl7.org/CodeSystem/goal-achievement"
        achievement = {"coding": [{"system": system, "code": code}]}
    return Goal.model_validate(
        {
            "resourceType": "Goal",
            "id": f"goal-{row['id']}",
            "lifecycleStatus": "cancelled" if row["archived_at"] else "active",
            "achievementStatus": achievement,
            "description": {"text": row["text"]},
            "subject": _subject(patient),
            "startDate": row["created_at"][:10],
            "note": [
                {"text": f"Week of {p['week_start']}: {_rated(p['rating'])}"} for p in progress
            ]
            or None,
        }
    )


@dataclass
class Record:
    """One teen's resources for a period, in the order a Bundle lists them."""

    resources: list

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.resources:
            out[r.get_resource_type()] = out.get(r.get_resource_type(), 0) + 1
        return out


def _record(db: Database, patient: Patient, *, start: date, end: date, settings: dict) -> Record:
    """Unchecked: the caller asked ``access`` (the download) or runs on the server (CLI)."""
    known, _ = questionnaires.load_all(settings.get("questionnaire_folder"))
    resources: list = [_patient(patient, settings)]
    between = [patient.id, start.isoformat(), end.isoformat()]
    for row in db.query(
        "SELECT day, pain, active_minutes, sleep_hours, school FROM checkins"
        " WHERE patient_id = ? AND day BETWEEN ? AND ? ORDER BY day",
        between,
    ):
        resources += list(_daily(patient, row))
    used = {}
    for row in db.query(
        "SELECT id, instrument, version, day, answers, score FROM questionnaire_responses"
        " WHERE patient_id = ? AND day BETWEEN ? AND ? ORDER BY day, id",
        between,
    ):
        if row["instrument"] == questionnaires.FDI_ID:
            resources.append(_fdi(patient, row))
        elif row["instrument"] in known:
            q = known[row["instrument"]]
            used[q.id] = q
            resources.append(_response(patient, row, q))
    resources += [questionnaire(q) for q in used.values()]
    versions = plans.versions_of(db, [patient.id])
    resources += [
        _care_plan(patient, v, first, last) for v, first, last in _spans(versions, start, end)
    ]
    for row in db.query(
        "SELECT c.id AS checkin_id, c.day, o.exercise_key, o.status, c.plan_version_id AS"
        " version_id, pe.name FROM exercise_outcomes o JOIN checkins c ON c.id = o.checkin_id"
        " LEFT JOIN plan_exercises pe ON pe.version_id = c.plan_version_id"
        " AND pe.key = o.exercise_key WHERE c.patient_id = ? AND c.day BETWEEN ? AND ?"
        " ORDER BY c.day, o.exercise_key",
        between,
    ):
        resources.append(_exercise_outcome(patient, row))
    for row in db.query(
        "SELECT id, text, created_at, archived_at FROM goals WHERE patient_id = ?"
        " AND substr(created_at, 1, 10) <= ? AND (archived_at IS NULL"
        " OR substr(archived_at, 1, 10) >= ?) ORDER BY id",  # goals held some day of the period
        [patient.id, end.isoformat(), start.isoformat()],
    ):
        progress = list(
            db.query(
                "SELECT week_start, rating FROM goal_progress WHERE goal_id = ? AND week_start"
                " BETWEEN ? AND ? ORDER BY week_start",
                [row["id"], (start - timedelta(days=6)).isoformat(), end.isoformat()],
            )
        )
        resources.append(_goal(patient, row, progress))
    return Record(resources)


def bundle(record: Record) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "fullUrl": f"urn:iipt-companion:{r.get_resource_type()}/{r.id}",
                    "resource": r.model_dump(exclude_none=True),
                }
                for r in [*record.resources, code_system()]
            ],
        }
    )


def patient_bundle(
    db: Database, user: User | None, patient_id: int, *, start: date, end: date
) -> bytes:
    """The download on the follow-up view: a Bundle for the period, for the care team only;
    written to the audit log."""
    patient = access.require(db, user, Permission.VIEW_NOTES, patient_id)
    settings = programme.get_settings(db)
    record = _record(db, patient, start=start, end=end, settings=settings)
    audit.record(
        db,
        user,
        "export_fhir",
        patient_id=patient.id,
        detail=f"{start.isoformat()}..{end.isoformat()}",
    )
    return bundle(record).model_dump_json(exclude_none=True, indent=1).encode()


def bundle_filename(patient_id: int, start: date, end: date) -> str:
    """Names no one: an identifier and the period."""
    return f"fhir-patient-{patient_id}-{start.isoformat()}-to-{end.isoformat()}.json"


def bulk_export(db: Database, folder: Path, *, since: date | None, today: date) -> dict[str, int]:
    """Every teen's record from ``since`` (or their discharge) to today as FHIR Bulk Data
    NDJSON: one ``<ResourceType>.ndjson`` per type, one resource per line. Returns the count
    of each type. For the programme's operator on the server (no access check)."""
    from companion.people.patients import get_patient

    settings = programme.get_settings(db)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, object] = {}
    counts: dict[str, int] = {}
    questionnaires_written: set[str] = set()
    try:
        rows = db.execute(
            "SELECT patient_id, MIN(discharged_on) FROM episodes GROUP BY patient_id"
            " ORDER BY patient_id"
        ).fetchall()
        for pid, discharged in rows:  # from the first discharge: every episode's data
            patient = get_patient(db, pid)
            first_discharge = date.fromisoformat(discharged)
            first = max(since, first_discharge) if since else first_discharge
            for r in _record(db, patient, start=first, end=today, settings=settings).resources:
                kind = r.get_resource_type()
                if kind == "Questionnaire":
                    if r.id in questionnaires_written:
                        continue
                    questionnaires_written.add(r.id)
                _write(files, folder, kind, r)
                counts[kind] = counts.get(kind, 0) + 1
        _write(files, folder, "CodeSystem", code_system())
        counts["CodeSystem"] = 1
    finally:
        for handle in files.values():
            handle.close()
    return counts


def _write(files: dict, folder: Path, kind: str, resource) -> None:
    if kind not in files:
        files[kind] = (folder / f"{kind}.ndjson").open("w", encoding="utf-8")
    files[kind].write(resource.model_dump_json(exclude_none=True) + "\n")
