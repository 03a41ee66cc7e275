"""Enrolment at discharge in one step: the teen's account and activation code, a family
code for a parent, and the baseline measures (FDI total, pain) recorded as the discharge
visit — all in one transaction, or nothing."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from . import account_care, patients, questionnaires, visits
from .db import transaction
from .errors import InvalidInput
from .identity import User
from .patients import Patient


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
) -> tuple[Patient, str, str]:
    """Returns the patient, the teen's activation code and a family code (shown once)."""
    if baseline_fdi is not None:
        questionnaires.fdi_band(baseline_fdi)
    if baseline_pain is not None and (
        isinstance(baseline_pain, bool) or baseline_pain not in range(11)
    ):
        raise InvalidInput("visit_pain", "Pain is a whole number from 0 to 10.")
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
        family_code = account_care.issue_family_code(db, clinician, patient.id)
        if baseline_fdi is not None or baseline_pain is not None:
            visits.record_visit(
                db,
                clinician,
                patient.id,
                day=patient.discharged_on,
                today=today,
                pain=baseline_pain,
                fdi_total=baseline_fdi,
                notes="Baseline at discharge",
            )
    return patient, code, family_code
