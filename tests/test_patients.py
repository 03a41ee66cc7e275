from datetime import date, timedelta

import pytest

from companion.auth import accounts
from companion.errors import AccessDenied, InvalidInput
from companion.people import patients
from tests.conftest import TODAY

OK = dict(
    display_name="Noor",
    username="noor",
    birth_year=2012,
    discharged_on=TODAY - timedelta(days=3),
    diagnosis_group="Chronic headache",
)


def test_enrolling_makes_a_teen_on_the_clinicians_care_team_with_a_code(world, db):
    patient, code = patients.enrol_teen(db, world.clinician_b, today=TODAY, **OK)
    assert patient.display_name == "Noor" and patient.discharged_on == OK["discharged_on"]
    assert patients.is_on_care_team(db, world.clinician_b.id, patient.id)
    assert not patients.is_on_care_team(db, world.clinician_a.id, patient.id)
    assert accounts.describe_code(db, code) == {"purpose": "activate", "username": "noor"}
    assert patient.age(TODAY) == 14
    assert patient.days_since_discharge(TODAY) == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"discharged_on": TODAY + timedelta(days=1)}, "discharged_on"),
        ({"discharged_on": "not a date"}, "discharged_on"),
        ({"birth_year": 1990}, "birth_year"),
        ({"birth_year": "twenty"}, "birth_year"),
        ({"diagnosis_group": "Broken leg"}, "diagnosis_group"),
        ({"display_name": ""}, "display_name"),
        ({"username": "Bad Name"}, "username"),
        ({"username": "maya"}, "username"),  # taken
    ],
)
def test_bad_enrolment_input_writes_nothing(world, db, change, field):
    before = len(accounts.list_users(db))
    with pytest.raises(InvalidInput) as refused:
        patients.enrol_teen(db, world.clinician_a, today=TODAY, **{**OK, **change})
    assert refused.value.field == field
    assert len(accounts.list_users(db)) == before


def test_only_clinicians_enrol(world, db):
    for user in (world.admin, world.parent_a, world.teen_users[0]):
        with pytest.raises(AccessDenied):
            patients.enrol_teen(db, user, today=TODAY, **OK)


def test_demo_discharges_fall_10_to_120_days_ago(world):
    days = sorted(t.days_since_discharge(TODAY) for t in world.teens)
    assert days[0] == 10 and days[-1] == 120
    assert all(isinstance(t.discharged_on, date) for t in world.teens)


def test_enrolment_at_discharge_is_all_or_nothing(world, db):
    from companion.care import questionnaires, visits
    from companion.people import enrolment

    patient, code, family_code = enrolment.enrol_at_discharge(
        db, world.clinician_a, today=TODAY, baseline_fdi=28, baseline_pain=6, **OK
    )
    assert accounts.describe_code(db, family_code)["purpose"] == "link_parent"
    assert [v["pain"] for v in visits.list_visits(db, patient.id)] == [6]
    assert questionnaires.list_responses(db, patient.id)[0]["score"] == 28
    before = len(accounts.list_users(db))
    with pytest.raises(InvalidInput):
        enrolment.enrol_at_discharge(
            db, world.clinician_a, today=TODAY, baseline_fdi=61, **{**OK, "username": "other"}
        )
    with pytest.raises(InvalidInput):
        enrolment.enrol_at_discharge(
            db, world.clinician_a, today=TODAY, baseline_pain=11, **{**OK, "username": "other"}
        )
    assert len(accounts.list_users(db)) == before
