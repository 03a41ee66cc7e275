from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import access
from companion.care import plans
from companion.errors import AccessDenied, InvalidInput
from tests.conftest import TODAY

EX = [
    {"name": "Squats", "dose": "3 × 10", "days_per_week": 5, "instructions": "Slow and steady."},
    {"name": "Walk", "dose": "20 min", "days_per_week": 7, "video_url": "https://example.org/v"},
]


def first_plan(db, world, **kw):
    teen = world.teens[0]
    return world.plan(
        db,
        teen,
        exercises=EX,
        coping_skills=["Diaphragmatic breathing", "Singing in the car"],
        warning_signs="Skipping school",
        what_helps="Short walks",
        contacts="Clinic line",
        modules=["hydration"],
        questionnaires=["readiness-ruler"],
        follow_ups=[teen.discharged_on + timedelta(days=30)],
        **kw,
    )


def test_the_care_team_saves_a_whole_plan(world, db):
    v = first_plan(db, world)
    assert [e.name for e in v.exercises] == ["Squats", "Walk"]
    assert v.exercises[0].days_per_week == 5 and v.exercises[1].video_url.startswith("https")
    assert v.coping_skills == ("Diaphragmatic breathing", "Singing in the car")
    assert v.modules == ("hydration",) and v.questionnaires == ("readiness-ruler",)
    assert v.has_setback_plan and v.starts_on == world.teens[0].discharged_on
    assert v.author.startswith("Dr. Rivera")


def test_every_save_is_a_new_version_and_keys_survive_edits(world, db):
    v1 = first_plan(db, world)
    edited = [{**EX[0], "key": v1.exercises[0].key, "name": "Deep squats", "days_per_week": 6}]
    v2 = plans.save_plan(
        db,
        world.clinician_a,
        world.teens[0].id,
        today=TODAY,
        exercises=edited,
        change_note="Harder squats",
    )
    assert v2.starts_on == TODAY and v2.exercises[0].key == v1.exercises[0].key
    history = plans.list_versions(db, world.teens[0].id)
    assert [v.id for v in history] == [v1.id, v2.id]
    assert plans.plan_on(history, TODAY - timedelta(days=1)).id == v1.id
    assert plans.plan_on(history, TODAY).id == v2.id
    assert plans.plan_on(history, world.teens[0].discharged_on - timedelta(days=1)) is None


def test_a_change_cannot_rewrite_days_already_lived(world, db):
    first_plan(db, world)
    with pytest.raises(InvalidInput) as refused:
        plans.save_plan(
            db,
            world.clinician_a,
            world.teens[0].id,
            today=TODAY,
            starts_on=TODAY - timedelta(days=1),
            exercises=EX,
        )
    assert refused.value.field == "starts_on"


def test_the_first_plan_cannot_start_before_discharge(world, db):
    teen = world.teens[0]
    with pytest.raises(InvalidInput):
        plans.save_plan(
            db,
            world.clinician_a,
            teen.id,
            today=TODAY,
            starts_on=teen.discharged_on - timedelta(days=1),
            exercises=EX,
        )


@pytest.mark.parametrize(
    ("exercises", "message"),
    [
        ([{"name": "", "days_per_week": 3}], "empty"),
        ([{"name": "Squats", "days_per_week": 0}], "1 to 7"),
        ([{"name": "Squats", "days_per_week": 8}], "1 to 7"),
        ([{"name": "Squats", "days_per_week": 2.5}], "1 to 7"),
        ([{"name": "Squats", "days_per_week": True}], "1 to 7"),
        (
            [{"name": "Squats", "days_per_week": 3}, {"name": "squats", "days_per_week": 2}],
            "own name",
        ),
        ([{"name": "Squats", "days_per_week": 3, "video_url": "javascript:alert(1)"}], "https"),
        ([{"name": "Squats", "days_per_week": 3, "key": "made-up"}], "unknown"),
        ([{"name": "x" * 81, "days_per_week": 3}], "80"),
        ([{"name": f"E{i}", "days_per_week": 3} for i in range(16)], "at most 15"),
    ],
)
def test_bad_exercises_are_refused_and_nothing_is_written(world, db, exercises, message):
    with pytest.raises(InvalidInput) as refused:
        plans.save_plan(db, world.clinician_a, world.teens[0].id, today=TODAY, exercises=exercises)
    assert message in refused.value.message
    assert plans.list_versions(db, world.teens[0].id) == []


def test_only_the_care_team_edits_the_plan(world, db):
    for outsider in (world.clinician_b, world.parent_a, world.teen_users[0], world.admin):
        with pytest.raises(AccessDenied):
            plans.save_plan(db, outsider, world.teens[0].id, today=TODAY, exercises=EX)
        with pytest.raises(AccessDenied):
            plans.save_goal(db, outsider, world.teens[0].id, text="Back to PE", category="sport")


def test_goals_with_steps_and_weekly_progress(world, db):
    teen = world.teens[0]
    goal = plans.save_goal(
        db,
        world.clinician_a,
        teen.id,
        text="Full school days",
        category="school",
        steps=["Half days", "Full days", ""],
    )
    assert goal.steps == ("Half days", "Full days")
    plans.record_goal_progress(
        db, world.teen_users[0], teen.id, goal.id, rating=1, steps_done=[0], today=TODAY
    )
    plans.record_goal_progress(
        db, world.teen_users[0], teen.id, goal.id, rating=2, steps_done=[0, 1], today=TODAY
    )  # same week: updated
    progress = plans.goal_progress(db, teen.id)[goal.id]
    assert len(progress) == 1 and progress[0]["rating"] == 2
    assert progress[0]["week_start"] == plans.week_start(TODAY).isoformat()
    with pytest.raises(InvalidInput):
        plans.record_goal_progress(
            db, world.teen_users[0], teen.id, goal.id, rating=5, steps_done=[], today=TODAY
        )
    with pytest.raises(InvalidInput):
        plans.record_goal_progress(
            db, world.teen_users[0], teen.id, goal.id, rating=1, steps_done=[2], today=TODAY
        )
    with pytest.raises(AccessDenied):  # a parent reads goals but does not mark them
        plans.record_goal_progress(
            db, world.parent_a, teen.id, goal.id, rating=1, steps_done=[], today=TODAY
        )
    with pytest.raises(InvalidInput):
        plans.save_goal(db, world.clinician_a, teen.id, text="x", category="hobbies")


def test_parents_read_the_plan_but_other_families_do_not(world, db):
    first_plan(db, world)
    assert access.can(db, world.parent_a, access.Permission.VIEW_PLAN, world.teens[0])
    assert not access.can(db, world.parent_b, access.Permission.VIEW_PLAN, world.teens[0])


def test_table_edits_apply_to_the_exercise_rows():
    rows = [
        {"key": "a", "name": "Squats", "days_per_week": 5},
        {"key": "b", "name": "Walk", "days_per_week": 7},
        {"key": "c", "name": "Plank", "days_per_week": 3},
    ]
    edits = {
        "edited_rows": {"0": {"name": "Deep squats"}, 2: {"days_per_week": 4.0}},
        "deleted_rows": [1],
        "added_rows": [{"name": "Swim", "days_per_week": 2, "dose": float("nan")}],
    }
    assert plans.apply_table_edits(rows, edits) == [
        {"key": "a", "name": "Deep squats", "days_per_week": 5},
        {"key": "c", "name": "Plank", "days_per_week": 4.0},
        {"name": "Swim", "days_per_week": 2, "dose": None},
    ]
    assert plans.apply_table_edits(rows, {}) == rows


# --- property-based: a whole version or InvalidInput, never a partial one -----------------


_any = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
)
_exercise = st.fixed_dictionaries(
    {},
    optional={
        "name": _any,
        "dose": _any,
        "days_per_week": _any,
        "instructions": _any,
        "video_url": _any,
        "key": _any,
    },
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    exercises=st.lists(_exercise, max_size=4),
    skills=st.lists(_any, max_size=3),
    modules=st.lists(_any, max_size=2),
    follow_ups=st.lists(_any, max_size=2),
)
def test_any_plan_saves_whole_or_raises_invalid_input(
    world, db, exercises, skills, modules, follow_ups
):
    before = db.execute("SELECT COUNT(*) FROM plan_versions").fetchone()[0]
    rows_before = db.execute("SELECT COUNT(*) FROM plan_exercises").fetchone()[0]
    try:
        version = plans.save_plan(
            db,
            world.clinician_a,
            world.teens[0].id,
            today=TODAY,
            exercises=exercises,
            coping_skills=skills,
            modules=modules,
            follow_ups=follow_ups,
        )
    except InvalidInput:
        assert db.execute("SELECT COUNT(*) FROM plan_versions").fetchone()[0] == before
        assert db.execute("SELECT COUNT(*) FROM plan_exercises").fetchone()[0] == rows_before
        return
    assert len(version.exercises) == len(exercises)
    assert db.execute("SELECT COUNT(*) FROM plan_versions").fetchone()[0] == before + 1


@pytest.mark.parametrize("name", ["5", "  12 ", "3 × 10"])
def test_an_exercise_needs_a_name_in_words(name):
    with pytest.raises(InvalidInput, match="a name in words"):
        plans.clean_exercises([{"name": name, "days_per_week": 7}], known_keys=set())


def test_an_exercise_without_a_dose_is_shown_without_one(world, db):
    from tests.apptest import app

    teen = world.teens[0]
    world.plan(
        db,
        teen,
        exercises=[{"name": "Stretch 5", "days_per_week": 1}],
    )
    at = app(world.teen_users[0], db, page="pages/teen_exercises.py")
    captions = [c.value for c in at.caption]
    assert "1 day a week" in captions
    assert not any("None" in c for c in captions)


@pytest.mark.parametrize("steps", [[None, 1], [5, "1"], [[1]], "01", None])
def test_goal_steps_of_the_wrong_type_are_refused_not_an_error(world, db, steps):
    teen = world.teens[0]
    plans.save_goal(
        db, world.clinician_a, teen.id, text="Walk to school", category="school", steps=["A", "B"]
    )
    goal = plans.list_goals(db, teen.id)[0]
    with pytest.raises(InvalidInput, match="tick steps"):
        plans.record_goal_progress(
            db, world.teen_users[0], teen.id, goal.id, rating=1, steps_done=steps, today=TODAY
        )
