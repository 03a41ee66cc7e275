"""Enrolment at discharge in one step: the teen's account and activation code, a family
code for a parent, the baseline measures (FDI total, pain) recorded as the discharge visit,
and what the programme records for its outcomes (treatment and population fields, each
optional) — all in one transaction, or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlite_utils import Database

from companion import access, audit
from companion.access import Permission
from companion.care import visits
from companion.db import transaction
from companion.identity import User
from companion.people import account_admin, patients, population
from companion.people.patients import Patient
from companion.people.population import Treatment


def enrol_at_discharge(
    db: Database,
    clinician: User,
    *,
    display_name: str,
    username: str,
    birth_year: object,
    discharged_on: object,
    diagnosis_group: object,
    today: date,
    baseline_fdi: int | None = None,
    baseline_pain: int | None = None,
    treatment: Treatment | None = None,
    population_fields: dict | None = None,
    settings: dict | None = None,
) -> tuple[Patient, str, str]:
    """Returns the patient, the teen's activation code and a family code (shown once)."""
    visits.check_measures(baseline_pain, baseline_fdi)
    fields = population.clean(population_fields or {}, settings=settings)
    if treatment is not None:
        discharge = patients.clean_discharge_date(discharged_on, today)
        population.clean_treatment(treatment, discharged_on=discharge)
    with transaction(db):
        patient, code = patients.enrol_teen(
            db,
            clinician,
            display_name=display_name,
            username=username,
            birth_year=birth_year,
            discharged_on=discharged_on,
            diagnosis_group=diagnosis_group,
            today=today,
        )
        family_code = account_admin.issue_family_code(db, clinician, patient.id)
        _record_baseline(db, clinician, patient, today, baseline_fdi, baseline_pain)
        _record_outcome_fields(db, clinician, patient, treatment, fields)
    return patient, code, family_code


def readmit(
    db: Database,
    clinician: User,
    patient_id: int,
    *,
    discharged_on: object,
    today: date,
    admitted_on: object = None,
    baseline_fdi: int | None = None,
    baseline_pain: int | None = None,
    treatment: Treatment | None = None,
) -> Patient:
    """Re-enrolment after a readmission: a new episode with its own discharge date and
    baseline. The teen keeps their account; earlier episodes stay readable. The new
    episode's first plan may start at the new discharge."""
    patient = access.require(db, clinician, Permission.EDIT_PLAN, patient_id)
    visits.check_measures(baseline_pain, baseline_fdi)
    if treatment is not None:
        # the readmission's own admission date is the one asked above
        discharge = patients.clean_discharge_date(discharged_on, today)
        admission = (
            None if admitted_on is None else patients.clean_discharge_date(admitted_on, today)
        )
        treatment = replace(treatment, admitted_on=admission)
        population.clean_treatment(treatment, discharged_on=discharge)
    with transaction(db):
        patient = patients.start_episode(
            db, patient, discharged_on=discharged_on, admitted_on=admitted_on, today=today
        )
        audit.record(
            db,
            clinician,
            "new_episode",
            patient_id=patient.id,
            detail=patient.discharged_on.isoformat(),
        )
        _record_baseline(db, clinician, patient, today, baseline_fdi, baseline_pain)
        _record_outcome_fields(db, clinician, patient, treatment, None)
    return patient


def _record_outcome_fields(db, clinician, patient, treatment, fields) -> None:
    """Treatment for this episode and population fields for the teen, when any was given."""
    if treatment is not None and treatment != Treatment():
        population._write_treatment(db, patient.episode_id, treatment)
    if fields and any(value is not None for value in fields.values()):
        population._write(db, patient.id, fields, clinician)


def _record_baseline(db, clinician, patient, today, fdi, pain) -> None:
    if fdi is not None or pain is not None:
        visits.record_visit(
            db,
            clinician,
            patient.id,
            day=patient.discharged_on,
            today=today,
            pain=pain,
            fdi_total=fdi,
            notes="Baseline at discharge",
        )
