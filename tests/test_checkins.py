from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import db as dbmod
from companion.care import checkins, plans
from companion.errors import AccessDenied, InvalidInput
from tests.conftest import TODAY

EX = [
    {"name": "Squats", "dose": "3 × 10", "days_per_week": 5},
    {"name": "Walk", "dose": "20 min", "days_per_week": 7},
]


@pytest.fixture
def teen(world, db):
    patient = world.teens[3]  # discharged 120 days ago
    world.plan(
        db,
        patient,
        exercises=EX,
    )
    return world.teen_users[3], patient


def keys(db, patient):
    return [e.key for e in plans.current_plan(db, patient.id, TODAY).exercises]


FULL = {
    "pain": 4,
    "mood": 3,
    "sleep_hours": 7.5,
    "sleep_quality": 4,
    "school": "part",
    "active_minutes": 35,
    "activities": ["Walking"],
    "note": "Tired <b>but</b> ok",
    "question": "Can I swim?",
    "nurse_visits": 1,
    "early_pickup": False,
    "drinks": 6,
    "meals": 3,
}


def test_a_full_check_in_saves_and_reads_back(world, db, teen):
    user, patient = teen
    k = keys(db, patient)
    values = {
        **FULL,
        "outcomes": {k[0]: "done", k[1]: "part"},
        "coping": [{"skill": "Diaphragmatic breathing", "helpfulness": 7}],
    }
    saved = checkins.save_checkin(db, user, patient.id, day=TODAY, today=TODAY, values=values)
    assert saved.pain == 4 and saved.school == "part" and saved.sleep_hours == 7.5
    assert saved.note == "Tired <b>but</b> ok"
    assert saved.outcomes == {k[0]: "done", k[1]: "part"}
    assert saved.coping == [{"skill": "Diaphragmatic breathing", "helpfulness": 7}]


def test_saving_again_updates_the_same_date(world, db, teen):
    user, patient = teen
    k = keys(db, patient)
    checkins.save_checkin(
        db,
        user,
        patient.id,
        day=TODAY,
        today=TODAY,
        values={
            "pain": 5,
            "outcomes": {k[0]: "done"},
            "coping": [{"skill": "Mindfulness", "helpfulness": 3}],
        },
    )
    again = checkins.save_checkin(
        db,
        user,
        patient.id,
        day=TODAY,
        today=TODAY,
        values={"pain": 2, "outcomes": {k[1]: "not_done"}},
    )
    assert again.pain == 2 and again.outcomes == {k[1]: "not_done"} and again.coping == []
    assert db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM exercise_outcomes").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + timedelta(days=1), "hasn't happened"),
        (TODAY - timedelta(days=7), "last 7 days"),
    ],
)
def test_dates_outside_the_window_are_refused(world, db, teen, day, message):
    user, patient = teen
    with pytest.raises(InvalidInput, match=message):
        checkins.save_checkin(db, user, patient.id, day=day, today=TODAY, values={"pain": 1})
    assert db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 0


def test_days_before_discharge_are_refused(world, db):
    patient = world.teens[0]  # discharged 10 days ago
    user = world.teen_users[0]
    before = patient.discharged_on - timedelta(days=1)
    with pytest.raises(InvalidInput, match="before you went home"):
        checkins.save_checkin(
            db,
            user,
            patient.id,
            day=before,
            today=patient.discharged_on + timedelta(days=3),
            values={},
        )
    assert checkins.allowed_days(patient, patient.discharged_on + timedelta(days=2)) == [
        patient.discharged_on + timedelta(days=n) for n in (2, 1, 0)
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"pain": 3.5}, "pain"),
        ({"pain": True}, "pain"),
        ({"pain": float("nan")}, "pain"),
        ({"mood": 0}, "mood"),
        ({"active_minutes": -5}, "active_minutes"),
        ({"active_minutes": 5000}, "active_minutes"),
        ({"sleep_hours": 25}, "sleep_hours"),
        ({"school": "maybe"}, "school"),
        ({"note": "x" * 1001}, "note"),
        ({"question": "x" * 501}, "question"),
        ({"activities": ["Skydiving"]}, "activities"),
        ({"coping": [{"skill": "Mindfulness", "helpfulness": 11}]}, "helpfulness"),
        ({"outcomes": {"not-in-plan": "done"}}, "outcomes"),
        ({"early_pickup": "yes"}, "early_pickup"),
    ],
)
def test_bad_values_name_their_field_and_write_nothing(world, db, teen, values, field):
    user, patient = teen
    with pytest.raises(InvalidInput) as refused:
        checkins.save_checkin(db, user, patient.id, day=TODAY, today=TODAY, values=values)
    assert refused.value.field == field
    assert db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 0


def test_an_outcome_must_belong_to_that_days_plan(world, db, teen):
    user, patient = teen
    old_key = keys(db, patient)[0]
    plans.save_plan(
        db,
        world.clinician_b,
        patient.id,
        today=TODAY,
        exercises=[{"name": "Swim", "days_per_week": 2}],
    )
    with pytest.raises(InvalidInput, match="isn't in your plan"):
        checkins.save_checkin(
            db, user, patient.id, day=TODAY, today=TODAY, values={"outcomes": {old_key: "done"}}
        )
    yesterday = TODAY - timedelta(days=1)  # still under the old plan
    saved = checkins.save_checkin(
        db, user, patient.id, day=yesterday, today=TODAY, values={"outcomes": {old_key: "done"}}
    )
    assert saved.outcomes == {old_key: "done"}


def test_only_the_teen_writes_their_check_in(world, db, teen):
    _, patient = teen
    for other in (world.teen_users[0], world.parent_b, world.clinician_b, world.admin):
        with pytest.raises(AccessDenied):
            checkins.save_checkin(db, other, patient.id, day=TODAY, today=TODAY, values={})


def test_ticking_an_exercise_keeps_the_rest_of_the_check_in(world, db, teen):
    user, patient = teen
    k = keys(db, patient)
    checkins.save_checkin(
        db, user, patient.id, day=TODAY, today=TODAY, values={**FULL, "outcomes": {k[0]: "done"}}
    )
    ticked = checkins.save_exercise_outcome(
        db, user, patient.id, day=TODAY, today=TODAY, key=k[1], status="part"
    )
    assert ticked.outcomes == {k[0]: "done", k[1]: "part"}
    assert ticked.pain == 4 and ticked.note == FULL["note"]


def test_toolbox_uses_and_favourites(world, db, teen):
    user, patient = teen
    checkins.log_coping_use(
        db, user, patient.id, skill="Mindfulness", helpfulness=8, day=TODAY, today=TODAY
    )
    checkins.log_coping_use(
        db, user, patient.id, skill="Mindfulness", helpfulness=None, day=TODAY, today=TODAY
    )
    frame = checkins.coping_frame(db, patient.id)
    assert list(frame["source"]) == ["toolbox", "toolbox"]
    assert checkins.uses_on(db, patient.id, TODAY) == {"Mindfulness": 2}
    assert checkins.uses_on(db, patient.id, TODAY - timedelta(days=1)) == {}
    checkins.set_favourite(db, user, patient.id, "Mindfulness", True)
    checkins.set_favourite(db, user, patient.id, "Mindfulness", True)
    assert checkins.list_favourites(db, patient.id) == {"Mindfulness"}
    checkins.set_favourite(db, user, patient.id, "Mindfulness", False)
    assert checkins.list_favourites(db, patient.id) == set()


# --- property-based: a complete record or InvalidInput, never a partial row ---------------

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
)
form = st.fixed_dictionaries(
    {},
    optional={
        "pain": anything,
        "mood": anything,
        "sleep_hours": anything,
        "sleep_quality": anything,
        "school": st.one_of(anything, st.sampled_from(list(checkins.SCHOOL))),
        "active_minutes": anything,
        "activities": anything,
        "note": st.text(max_size=1200),
        "question": anything,
        "drinks": anything,
        "early_pickup": anything,
        "outcomes": st.dictionaries(st.text(max_size=8), anything, max_size=3),
        "coping": st.lists(
            st.fixed_dictionaries({"skill": anything, "helpfulness": anything}), max_size=3
        ),
    },
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A demo database built once; each example works on a fresh copy of the file."""
    from companion.ops import demo

    path = tmp_path_factory.mktemp("template") / "c.db"
    database = dbmod.connect(path, migrate=True)
    made = demo.create_demo(database, seed=1, teens=1, today=TODAY, history=False)
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path, made.patient_ids[0]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=form, offset=st.integers(-3, 9))
def test_any_input_saves_completely_or_raises_invalid_input(template, tmp_path, values, offset):
    import shutil
    import uuid

    from companion.auth import accounts
    from companion.people import patients

    path = tmp_path / f"{uuid.uuid4().hex}.db"
    shutil.copy(template[0], path)
    database = dbmod.connect(path)
    try:
        patient = patients.get_patient(database, template[1])
        user = accounts.get_user(database, patient.user_id)
        day = TODAY - timedelta(days=offset)
        try:
            saved = checkins.save_checkin(
                database, user, patient.id, day=day, today=TODAY, values=values
            )
        except InvalidInput:
            assert database.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 0
            assert database.execute("SELECT COUNT(*) FROM coping_uses").fetchone()[0] == 0
            return
        assert saved.day == day
        assert database.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 1
        assert (
            len(saved.coping) == database.execute("SELECT COUNT(*) FROM coping_uses").fetchone()[0]
        )
    finally:
        database.close()
