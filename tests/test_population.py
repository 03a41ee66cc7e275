"""What a programme records for its outcomes: treatment and population fields are optional,
offer "prefer not to say", are written by the care team only (all or nothing), reach the
teen's own data download and never a parent's."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from companion.errors import AccessDenied, InvalidInput
from companion.people import data_rights, enrolment, population
from companion.people.population import PREFER_NOT, Treatment
from tests.apptest import app, texts
from tests.conftest import TODAY

ENROL = {
    "display_name": "Ines",
    "username": "ines",
    "birth_year": TODAY.year - 15,
    "discharged_on": TODAY - timedelta(days=2),
    "diagnosis_group": "Other",
}
SOME = {
    "sex_at_birth": "female",
    "gender_identity": "nonbinary",
    "race_ethnicity": ["white", "hispanic"],
    "language": "es",
    "insurance": PREFER_NOT,
    "travel_time": None,
}


def test_untouched_fields_are_not_recorded_and_lists_keep_their_order():
    cleaned = population.clean(SOME)
    # race and ethnicity in the list's order (hispanic comes before white), not as ticked
    assert cleaned["race_ethnicity"] == ["hispanic", "white"]
    assert cleaned["travel_time"] is None
    assert cleaned["insurance"] == PREFER_NOT
    assert population.clean({}) == {f.key: None for f in population.FIELDS}
    assert population.clean({"race_ethnicity": []})["race_ethnicity"] is None


@pytest.mark.parametrize(
    "values, field",
    [
        ({"sex_at_birth": "unknown"}, "sex_at_birth"),
        ({"race_ethnicity": ["white", PREFER_NOT]}, "race_ethnicity"),
        ({"race_ethnicity": ["martian"]}, "race_ethnicity"),
        ({"travel_time": "12 Elm Street"}, "travel_time"),
    ],
)
def test_anything_off_the_list_is_refused(values, field):
    with pytest.raises(InvalidInput) as refused:
        population.clean(values)
    assert refused.value.field == field


def test_a_programme_list_replaces_the_us_categories():
    settings = {"ethnicity_list": "Māori\nPacific peoples\nEuropean"}
    choices = population.race_ethnicity_choices(settings)
    assert [label for _, label in choices] == [
        "Māori",
        "Pacific peoples",
        "European",
        "Prefer not to say",
    ]
    assert population.clean({"race_ethnicity": ["own_1"]}, settings=settings)["race_ethnicity"]
    with pytest.raises(InvalidInput):
        population.clean({"race_ethnicity": ["white"]}, settings=settings)


def test_only_the_care_team_reads_and_writes(world, db):
    teen = world.teens[0]
    for outsider in (world.admin, world.parent_a, world.teen_users[0], world.clinician_b):
        with pytest.raises(AccessDenied):
            population.read(db, outsider, teen.id)
        with pytest.raises(AccessDenied):
            population.save_outcome_fields(
                db, outsider, teen.id, treatment=Treatment(), values=SOME
            )
    population.save_outcome_fields(
        db, world.clinician_a, teen.id, treatment=Treatment(setting="day"), values=SOME
    )
    assert population.read(db, world.clinician_a, teen.id)["language"] == "es"
    assert population.read_treatment(db, world.clinician_a, teen.id).setting == "day"


def test_a_refused_field_saves_neither_part(world, db):
    teen = world.teens[0]
    before = population.read_treatment(db, world.clinician_a, teen.id)
    fields = population.read(db, world.clinician_a, teen.id)
    assert fields != population.clean(SOME)
    with pytest.raises(InvalidInput):
        population.save_outcome_fields(
            db,
            world.clinician_a,
            teen.id,
            treatment=Treatment(setting="inpatient", admission_pain=4),
            values={"sex_at_birth": "unknown"},
        )
    with pytest.raises(InvalidInput) as refused:
        population.save_outcome_fields(
            db, world.clinician_a, teen.id, treatment=Treatment(admission_fdi=75), values=SOME
        )
    assert refused.value.field == "admission_fdi"
    assert population.read_treatment(db, world.clinician_a, teen.id) == before
    assert population.read(db, world.clinician_a, teen.id) == fields


def test_dates_go_referral_then_admission_then_discharge(world, db):
    teen = world.teens[0]
    late = Treatment(admitted_on=teen.discharged_on + timedelta(days=1))
    with pytest.raises(InvalidInput) as refused:
        population.clean_treatment(late, discharged_on=teen.discharged_on)
    assert refused.value.field == "admitted_on"
    admitted = teen.discharged_on - timedelta(days=21)
    backwards = Treatment(admitted_on=admitted, referred_on=admitted + timedelta(days=1))
    with pytest.raises(InvalidInput) as refused:
        population.clean_treatment(backwards, discharged_on=teen.discharged_on)
    assert refused.value.field == "referred_on"


def test_enrolment_saves_the_fields_with_the_account_or_nothing(world, db):
    treatment = Treatment(
        setting="inpatient",
        referred_on=TODAY - timedelta(days=90),
        admitted_on=TODAY - timedelta(days=23),
        admission_fdi=34,
        admission_pain=7,
    )
    with pytest.raises(InvalidInput):
        enrolment.enrol_at_discharge(
            db,
            world.clinician_a,
            today=TODAY,
            treatment=treatment,
            population_fields={"language": "klingon"},
            **ENROL,
        )
    assert not list(db.query("SELECT * FROM users WHERE username = 'ines'"))
    patient, _, _ = enrolment.enrol_at_discharge(
        db,
        world.clinician_a,
        today=TODAY,
        treatment=treatment,
        population_fields=SOME,
        **ENROL,
    )
    assert population.read_treatment(db, world.clinician_a, patient.id) == treatment
    assert population.read(db, world.clinician_a, patient.id)["gender_identity"] == "nonbinary"


def test_the_teen_downloads_them_and_a_parent_never_does(world, db):
    teen = world.teens[0]
    population.save_outcome_fields(
        db, world.clinician_a, teen.id, treatment=Treatment(setting="day"), values=SOME
    )

    def files(user) -> dict[str, str]:
        data = data_rights.export_zip(db, user, today=TODAY)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name).decode() for name in archive.namelist()}

    own = json.loads(files(world.teen_users[0])["data.json"])
    assert own["population"][0]["gender_identity"] == "nonbinary"
    assert own["episodes"][-1]["setting"] == "day"
    parents = files(world.parent_a)
    assert "population" not in json.loads(parents["data.json"])
    assert "nonbinary" not in " ".join(parents.values())


def test_the_enrol_page_explains_why_and_saves_what_was_chosen(world, db):
    at = app(world.clinician_a, db, page="pages/clinician_enrol.py")
    assert "serves every group equally well" in texts(at)
    for key, value in {
        "display_name": "Ines",
        "username": "ines",
        "birth_year": TODAY.year - 15,
    }.items():
        (at.number_input if key == "birth_year" else at.text_input)(key=key).set_value(value)
    at.selectbox(key="diagnosis_group").set_value("Other")
    at.selectbox(key="enrol_out_setting").set_value("day")
    at.multiselect(key="enrol_out_race_ethnicity").set_value(["asian"])
    at.button(key="enrol").click().run()
    assert not at.exception, at.exception
    row = next(db.query("SELECT * FROM users WHERE username = 'ines'"))
    patient_id = next(db.query("SELECT id FROM patients WHERE user_id = ?", [row["id"]]))["id"]
    saved = population.read(db, world.clinician_a, patient_id)
    # what was chosen, and nothing else: untouched boxes stay not recorded
    assert saved == {**population.clean({}), "race_ethnicity": ["asian"]}
    assert population.read_treatment(db, world.clinician_a, patient_id) == Treatment(setting="day")
