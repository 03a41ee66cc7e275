"""The FHIR R4 export (companion/ops/fhir.py): every resource valid, the round trip gives the
app's own figures back (pain, school days, FDI totals), only the care team gets a teen's
Bundle, the bulk NDJSON holds every teen's record and nothing of a deleted one."""

from __future__ import annotations

import importlib
import json
from datetime import date, timedelta

import pytest

from companion import db as dbmod
from companion.__main__ import main
from companion.access import AccessDenied
from companion.auth import accounts
from companion.care import plans, questionnaires
from companion.insight import metrics
from companion.ops import fhir
from companion.people import enrolment
from companion.people.patients import get_patient
from tests.conftest import TODAY, demo_file, user_named

MODELS = {
    kind: getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
    for kind in (
        "Bundle",
        "Patient",
        "Observation",
        "QuestionnaireResponse",
        "Questionnaire",
        "CodeSystem",
        "CarePlan",
        "Goal",
    )
}


@pytest.fixture(scope="module")
def _programme(tmp_path_factory):
    return demo_file(tmp_path_factory, "fhir", seed=17, teens=6, days=90, visits=True)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _code(resource: dict) -> str:
    return resource["code"]["coding"][0]["code"]


def test_a_bundle_round_trips_to_the_apps_own_figures(programme_db, _programme):
    db = programme_db
    clinician = user_named(db, "dr.rivera")
    patient = get_patient(db, _programme[1].patient_ids[0])
    start, end = patient.discharged_on, TODAY
    # the demo stamps goals with the real clock; this programme's days end at TODAY
    db.execute("UPDATE goals SET created_at = ?", [f"{start.isoformat()}T09:00:00+00:00"])
    data = fhir.patient_bundle(db, clinician, patient.id, start=start, end=end)
    bundle = json.loads(data)
    MODELS["Bundle"].model_validate(bundle)  # the whole Bundle, every entry in it
    for entry in bundle["entry"]:
        resource = entry["resource"]
        MODELS[resource["resourceType"]].model_validate(resource)
    [who] = _resources(bundle, "Patient")
    assert who["birthDate"] == str(patient.birth_year) and "name" not in who
    observations = _resources(bundle, "Observation")
    between = [patient.id, start.isoformat(), end.isoformat()]
    pain = [o["valueQuantity"]["value"] for o in observations if _code(o) == "72514-3"]
    sql = db.execute(
        "SELECT SUM(pain), COUNT(pain) FROM checkins WHERE patient_id = ? AND day BETWEEN ? AND ?",
        between,
    ).fetchone()
    assert pain and (sum(pain), len(pain)) == (sql[0], sql[1])
    school = [
        o["valueCodeableConcept"]["coding"][0]["code"]
        for o in observations
        if _code(o) == "school-attendance"
    ]
    days = [
        (d, s)
        for d, s in db.execute(
            "SELECT day, school FROM checkins WHERE patient_id = ? AND day BETWEEN ? AND ?",
            between,
        )
    ]
    counted = metrics.school_in(
        [(date.fromisoformat(d), s) for d, s in days], metrics.Period(start, end)
    )
    assert sum(code != "none" for code in school) == counted.school_days
    fdi = sorted(o["valueQuantity"]["value"] for o in observations if _code(o) == "fdi-total")
    stored = sorted(
        r["score"]
        for r in questionnaires.list_responses(db, patient.id, questionnaires.FDI_ID)
        if start.isoformat() <= r["day"] <= end.isoformat()
    )
    assert fdi and fdi == stored
    # values never given are no resource: a day without a sleep answer has no sleep
    sleep_days = {o["effectiveDateTime"] for o in observations if _code(o) == "93832-4"}
    given = {
        d
        for (d,) in db.execute(
            "SELECT day FROM checkins WHERE patient_id = ? AND day BETWEEN ? AND ?"
            " AND sleep_hours IS NOT NULL",
            between,
        )
    }
    assert sleep_days == given
    # the plan versions in force (a change mid-period: two), their exercises and how often
    careplans = {r["id"]: r for r in _resources(bundle, "CarePlan")}
    versions = plans.versions_of(db, [patient.id])
    assert len(careplans) == len({v.starts_on for v in versions}) >= 2
    latest = versions[-1]
    [active] = [c for c in careplans.values() if c["status"] == "active"]
    assert active["id"] == f"plan-{latest.id}" and "end" not in active["period"]
    weekly = {
        a["detail"]["code"]["text"]: a["detail"]["scheduledTiming"]["repeat"]["frequency"]
        for a in active["activity"]
        if "scheduledTiming" in a["detail"]
    }
    assert weekly == {e.name: e.days_per_week for e in latest.exercises}
    # each exercise outcome, linked to the plan of its day
    outcomes = [o for o in observations if _code(o) == "exercise-outcome"]
    stored = db.execute(
        "SELECT COUNT(*) FROM exercise_outcomes o JOIN checkins c ON c.id = o.checkin_id"
        " WHERE c.patient_id = ? AND c.day BETWEEN ? AND ?",
        between,
    ).fetchone()[0]
    assert outcomes and len(outcomes) == stored
    assert all(o["basedOn"][0]["reference"][len("CarePlan/") :] in careplans for o in outcomes)
    goals = _resources(bundle, "Goal")
    held = db.execute("SELECT COUNT(*) FROM goals WHERE patient_id = ?", [patient.id]).fetchone()
    assert goals and len(goals) == held[0]
    # the project's codes travel with the record
    [codes] = _resources(bundle, "CodeSystem")
    assert codes["url"] == fhir.CODES
    audited = db.execute(
        "SELECT patient_id, detail FROM audit_log WHERE action = 'export_fhir'"
    ).fetchall()
    assert audited == [(patient.id, f"{start.isoformat()}..{end.isoformat()}")]
    assert "maya" not in fhir.bundle_filename(patient.id, start, end).lower()


def test_questionnaire_responses_point_at_a_questionnaire_in_the_bundle(programme_db, _programme):
    db = programme_db
    clinician = user_named(db, "dr.rivera")
    patient = get_patient(db, _programme[1].patient_ids[0])
    known, _ = questionnaires.load_all(None)
    q = known["pain-interference"]
    # a rating as the teen saves it (the 4th answer of the first item)
    db["questionnaire_responses"].insert(
        {
            "patient_id": patient.id,
            "instrument": q.id,
            "version": q.version,
            "day": TODAY.isoformat(),
            "answers": json.dumps({q.items[0].id: q.items[0].options[3].score}),
            "score": q.items[0].options[3].score,
            "created_at": dbmod.stamp(),
        }
    )
    bundle = json.loads(
        fhir.patient_bundle(db, clinician, patient.id, start=patient.discharged_on, end=TODAY)
    )
    [response] = _resources(bundle, "QuestionnaireResponse")
    [form] = _resources(bundle, "Questionnaire")
    assert response["questionnaire"].startswith(form["url"])
    answer = response["item"][0]["answer"][0]["valueCoding"]
    assert answer["display"] == q.items[0].options[3].label


def test_only_the_care_team_gets_a_bundle(programme_db, _programme):
    db = programme_db
    patient = get_patient(db, _programme[1].patient_ids[3])  # on pt.okafor's team only
    refused = [user_named(db, "dr.rivera"), user_named(db, "admin"), None]
    refused += [
        accounts.find_user_by_username(db, a.username)
        for a in _programme[1].accounts
        if a.role == "parent"
    ]
    for who in refused:
        with pytest.raises(AccessDenied):
            fhir.patient_bundle(db, who, patient.id, start=patient.discharged_on, end=TODAY)
    assert (
        db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'export_fhir'").fetchone()[0] == 0
    )


def test_a_teen_with_no_data_in_the_period_is_a_patient_alone(programme_db, _programme):
    db = programme_db
    patient = get_patient(db, _programme[1].patient_ids[0])
    early = patient.discharged_on - timedelta(days=30)
    bundle = json.loads(
        fhir.patient_bundle(db, user_named(db, "dr.rivera"), patient.id, start=early, end=early)
    )
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "CodeSystem"]


def test_the_bulk_export_writes_valid_ndjson_and_nothing_of_a_deleted_record(
    programme_db, _programme, db_path, tmp_path, capsys
):
    db = programme_db
    gone = _programme[1].patient_ids[5]
    db.execute("DELETE FROM patients WHERE id = ?", [gone])
    assert main(["--db", str(db_path), "fhir", "export", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "resources in" in printed and "Observation.ndjson" in printed
    seen = {}
    for file in (tmp_path / "out").glob("*.ndjson"):
        kind = file.stem
        for line in file.read_text().splitlines():
            resource = json.loads(line)
            assert resource["resourceType"] == kind
            MODELS[kind].model_validate(resource)
            seen[kind] = seen.get(kind, 0) + 1
            assert f"patient-{gone}" not in line and resource.get("id") != f"patient-{gone}"
    assert seen["Patient"] == 5 and seen["CodeSystem"] == 1 and seen["Observation"] > 100
    pain = db.execute("SELECT COUNT(pain) FROM checkins").fetchone()[0]
    lines = (tmp_path / "out" / "Observation.ndjson").read_text().splitlines()
    assert sum('"72514-3"' in line for line in lines) == pain
    assert (
        main(["--db", str(db_path), "fhir", "export", str(tmp_path / "x"), "--since", "soon"]) == 2
    )


def test_after_a_readmission_the_bulk_export_keeps_the_first_stay(
    programme_db, _programme, db_path, tmp_path
):
    db = programme_db
    patient = get_patient(db, _programme[1].patient_ids[0])
    before = db.execute(
        "SELECT COUNT(pain) FROM checkins WHERE patient_id = ?", [patient.id]
    ).fetchone()[0]
    enrolment.readmit(db, user_named(db, "dr.rivera"), patient.id, discharged_on=TODAY, today=TODAY)
    assert get_patient(db, patient.id).discharged_on == TODAY  # the new stay
    assert main(["--db", str(db_path), "fhir", "export", str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "Observation.ndjson").read_text().splitlines()
    mine = [
        line for line in lines if f'"Patient/patient-{patient.id}"' in line and '"72514-3"' in line
    ]
    assert len(mine) == before > 0  # every pain score of the first stay is there
